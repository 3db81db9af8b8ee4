from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def working_days_left(days):
    """'nog 2 werkdagen', 'vandaag', '1 werkdag te laat'."""
    if days is None:
        return ""
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}
    late = -days
    return ngettext("%(n)d working day late", "%(n)d working days late", late) % {"n": late}


@register.filter
def deadline_state(days):
    """A CSS modifier for the deadline badge."""
    if days is None:
        return ""
    if days < 0:
        return "late"
    if days == 0:
        return "today"
    return "soon" if days <= 2 else "later"
