from django.contrib.auth import views as auth_views

from challengelog.accounts import sso
from challengelog.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_label"] = sso.label() if sso.enabled() else ""
        return context


class SignOutView(auth_views.LogoutView):
    pass
