from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from basisjeugdhulp.accounts import second_factor
from basisjeugdhulp.accounts import views as accounts_views

admin.site.site_header = _("Basisjeugdhulp register — administration")
admin.site.site_title = _("Basisjeugdhulp register")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", accounts_views.start, name="start"),
    path("inloggen/", accounts_views.LoginView.as_view(), name="login"),
    path("afmelden/", accounts_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("taal/", set_language, name="set_language"),
    path("tweede-stap/", second_factor.verify, name="second_factor"),
    path("tweede-stap/instellen/", second_factor.setup, name="second_factor_setup"),
    path("triage/", include("basisjeugdhulp.intake.urls")),
    path("mijn-gezinnen/", include("basisjeugdhulp.trajectories.urls")),
    path("plan/", include("basisjeugdhulp.plans.urls")),
    path("veiligheid/", include("basisjeugdhulp.safety.urls")),
    path("matching/", include("matching.urls")),
    path("brief/", include("basisjeugdhulp.letters.urls")),
    path("cijfers/", include("basisjeugdhulp.reporting.urls")),
    path("evaluatie/", include("basisjeugdhulp.evaluation.urls")),
    path("beheer/", include("basisjeugdhulp.teams.urls")),
    path("beheer/toegangslog/", include("basisjeugdhulp.audit.urls")),
    path("beheer/cbs/", include("basisjeugdhulp.cbs.urls")),
    path("beheer/admin/", admin.site.urls),
]

# A database outage answers 503 with a Dutch page instead of a 500 (accounts/errors.py).
handler500 = "basisjeugdhulp.accounts.errors.server_error"
handler400 = "basisjeugdhulp.accounts.errors.bad_request"
