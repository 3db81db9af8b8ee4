"""The vocabulary of intake and triage: where an aanmelding comes from and where it goes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SELF_REPORT = "self", _("Self-report at the WIJ entrance")
    GP = "gp", _("GP / POH-jeugd (ZorgDomein)")
    SCHOOL = "school", _("School")
    NEIGHBOURHOOD_TEAM = "wijkteam", _("Neighbourhood team")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    """Question categories. Matching uses the same list for a professional's expertise."""

    PARENTING = "opvoeding", _("Parenting")
    DIVORCE = "scheiding", _("Divorce")
    BEHAVIOUR = "gedrag", _("Behaviour")
    AUTISM = "autisme", _("Autism")
    MENTAL_HEALTH = "psychisch", _("Mental health")
    SCHOOL = "school", _("School")
    DEVELOPMENT = "ontwikkeling", _("Development")
    SOCIAL = "sociaal", _("Friends and social life")
    GRIEF = "rouw", _("Grief and loss")
    HOME = "thuissituatie", _("Home situation")


class Route(models.TextChoices):
    BASIC = "basic", _("Basis jeugdhulp")
    SPECIALIST = "specialist", _("Specialist youth care")
    ADVICE = "advice", _("Advice / elsewhere")
    CRISIS = "crisis", _("Crisis")


class Product(models.TextChoices):
    """The four products of basis jeugdhulp under the lump sum."""

    INDIVIDUAL_MEDIUM = "ib_middel", _("Individual support, medium")
    INDIVIDUAL_HEAVY = "ib_zwaar", _("Individual support, heavy")
    FAMILY_MEDIUM = "gb_middel", _("Family support, medium")
    FAMILY_HEAVY = "gb_zwaar", _("Family support, heavy")


class ContactMode(models.TextChoices):
    PHONE = "phone", _("By phone")
    HOME_VISIT = "home", _("Home visit")
    WIJ_LOCATION = "wij", _("At the WIJ location")


class Status(models.TextChoices):
    NEW = "new", _("Awaiting triage")
    SECOND_CHECK = "second_check", _("Awaiting second check")
    AWAITING_CONTACT = "awaiting_contact", _("Awaiting first contact")
    CONTACTED = "contacted", _("Contacted")
    REFERRED = "referred", _("Referred to specialist care")
    ADVISED = "advised", _("Advice given / elsewhere")
    CRISIS = "crisis", _("Crisis, routed to Spoed voor Jeugd")


# The crisis line the register routes every crisis to (Spoed voor Jeugd Groningen, source 000).
CRISIS_LINE = "0800-8081"
