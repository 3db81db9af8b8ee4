"""The register's admin site: Django's own, with one change for every model on it.

A change, delete or history page of an object that does not exist (a missing or malformed id in
the URL) answers 404, like every other page of the register, instead of each admin deciding for
itself: Django's own pages redirect with a message, a hand-written admin view that looked the
object up with `.get()` answered 500 (django-otp's QR-code view did), and so did an action on a
malformed id. Every ModelAdmin registered here, the third-party ones included, gets its object
lookups from MissingObjectIsNotFound.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class MissingObjectIsNotFound:
    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404(_("This item does not exist (any more)."))
        return found

    def response_action(self, request, queryset, *args, **kwargs):
        """An action on chosen rows: an id that is no id (a forged POST) is a 404 as well,
        where Django's filter on it raised a ValueError."""
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            raise Http404(_("This item does not exist (any more).")) from None
        return super().response_action(request, queryset, *args, **kwargs)


# Apps whose own name is no Dutch heading (django-axes, django-otp's TOTP plugin).
APP_HEADINGS = {
    "axes": gettext_lazy("Login lockouts"),
    "otp_totp": gettext_lazy("Authenticator apps"),
}


class RegisterAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] in APP_HEADINGS:
                app["name"] = str(APP_HEADINGS[app["app_label"]])
        return apps

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, MissingObjectIsNotFound):
            admin_class = type(admin_class.__name__, (MissingObjectIsNotFound, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
