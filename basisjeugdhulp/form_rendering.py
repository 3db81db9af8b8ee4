"""How forms are drawn: their widgets, and their error messages.

Django's stock widgets come with Jinja2 copies of their templates: the same HTML, drawn in half
the time of the Django template engine. The matching panel's four filters took 0.4 ms of every
panel request that way, the first-contact form as much of the family's file
(docs/performance.md). A widget template written only for Django's engine (the admin's
related-object wrapper) is drawn by that engine as before.
"""

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class WidgetsInJinja2(Jinja2):
    @cached_property
    def django_templates(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)


class GuidedErrors:
    """Form mixin: each error message says what to do, not only what is wrong (issue 22). A
    field left empty is told "Vul ‘Gezin’ in." instead of Django's "Dit veld is verplicht.", a
    choice "Kies …", a date gets an example in the form the phone's date field shows. A
    message the form sets itself for the field stays: it says it better. Refused forms show
    these messages at their fields and in the summary at the top (includes/error_summary.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = date_format(timezone.localdate(), "j-n-Y")
        for field in self.fields.values():
            label = field.label or ""
            messages = field.error_messages
            if isinstance(field, forms.DateField):
                if _is_default(messages, "required", forms.DateField):
                    messages["required"] = format_lazy(
                        _("Fill in ‘{label}’, for example {example}."), label=label, example=example
                    )
                if _is_default(messages, "invalid", forms.DateField):
                    messages["invalid"] = format_lazy(
                        _("Fill in ‘{label}’ as day-month-year, for example {example}."), label=label, example=example
                    )
            elif _is_default(messages, "required", type(field)):
                choosing = isinstance(field.widget, (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple))
                text = _("Choose an option at ‘{label}’.") if choosing else _("Fill in ‘{label}’.")
                messages["required"] = format_lazy(text, label=label)


def _is_default(messages, code, field_class):
    default = next(
        (klass.default_error_messages[code] for klass in field_class.__mro__
         if code in getattr(klass, "default_error_messages", {})),
        None,
    )
    return default is not None and str(messages.get(code)) == str(default)
