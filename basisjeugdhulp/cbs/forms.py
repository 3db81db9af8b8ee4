from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.cbs import delivery
from basisjeugdhulp.cbs.extract import HalfYear
from basisjeugdhulp.cbs.models import Format


def ended_half_years(today, count=6):
    """The half years that can be delivered, newest first (three years back: corrections)."""
    period, options = HalfYear.last_ended(today), []
    for _n in range(count):
        options.append((period.code, f"{period.label} ({period.code})"))
        period = period.previous()
    return options


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Half year"), max_length=10,
        error_messages={"required": _("Choose a half year.")},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["period"].widget = forms.Select(choices=ended_half_years(self.today))
        self.fields["period"].initial = HalfYear.last_ended(self.today).code

    def clean_period(self):
        try:
            return delivery.half_year(self.cleaned_data["period"], self.today)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DeliveryForm(PeriodForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=Format.choices, initial=Format.XLSX, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a format."), "invalid_choice": _("Choose a format.")},
    )
