from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.reporting import periods
from basisjeugdhulp.reporting.figures import Scope
from basisjeugdhulp.teams.models import Team


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return team.name


class FigureFilter(forms.Form):
    """Period, team and product of the figures; the same query string for page and exports."""

    periode = forms.ChoiceField(label=_("Period"), required=False)
    team = TeamChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), to_field_name="public_id",
        required=False, empty_label=_("All teams"),
        error_messages={"invalid_choice": _("This team does not exist.")},
    )
    product = forms.ChoiceField(
        label=_("Product"), choices=[("", _("All products")), *Product.choices], required=False,
        error_messages={"invalid_choice": _("This product does not exist.")},
    )

    def __init__(self, data=None, *, today=None):
        self.today = today or timezone.localdate()
        super().__init__(data)
        self.fields["periode"].choices = periods.choices(self.today)

    def clean_periode(self):
        code = self.cleaned_data["periode"] or str(self.today.year)
        try:
            period = periods.Period.parse(code)
        except ValueError:
            raise forms.ValidationError(_("This is not a period: use e.g. 2026, 2026-K3 or 2026-09."))
        if period.start > self.today:
            raise forms.ValidationError(_("This period lies in the future: there are no figures yet."))
        return period

    def full_clean(self):
        # The period is checked by its own rule, not only against the offered choices, so a
        # future or malformed period gets its own message.
        self.fields["periode"].choices = [(self.data.get("periode", ""), "")] + self.fields["periode"].choices
        super().full_clean()
        self.fields["periode"].choices = periods.choices(self.today)

    def scope(self):
        return Scope(
            period=self.cleaned_data["periode"],
            team=self.cleaned_data["team"],
            product=self.cleaned_data["product"],
        )
