"""How form widgets are drawn.

Django's stock widgets come with Jinja2 copies of their templates: the same HTML, drawn in half
the time of the Django template engine. The matching panel's four filters took 0.4 ms of every
panel request that way, the first-contact form as much of the family's file
(docs/performance.md). A widget template written only for Django's engine (the admin's
related-object wrapper) is drawn by that engine as before.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetsInJinja2(Jinja2):
    @cached_property
    def django_templates(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)
