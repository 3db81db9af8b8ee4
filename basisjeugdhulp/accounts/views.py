from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from basisjeugdhulp.accounts.redirects import safe_next
from basisjeugdhulp.accounts.roles import START_ORDER, Role, roles_of

START_PAGES = {
    Role.TRIAGIST: "intake:queue",
    Role.SECOND_READER: "intake:second_check",
    Role.PROFESSIONAL: "trajectories:mine",
    Role.MUNICIPALITY: "reporting:dashboard",
    Role.ADMINISTRATOR: "teams:administration",
}


def start(request):
    """Send each user to the start page of their role."""
    roles = roles_of(request.user)
    for role in START_ORDER:
        if role in roles:
            return redirect(START_PAGES[role])
    return render(request, "accounts/no_role.html")


class LoginView(auth_views.LoginView):
    """Django's login, with the `next` checked exactly as after the second factor
    (accounts/redirects.py): only a page of this site, else the start page."""

    redirect_authenticated_user = True

    def get_redirect_url(self, request=None):
        return safe_next(request or self.request)


class LogoutView(auth_views.LogoutView):
    """Log out, and say so: on a shared tablet the next person sees the session has ended."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response
