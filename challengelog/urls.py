from django.contrib import admin
from django.urls import include, path

from challengelog.accounts import sso, twofactor
from challengelog.accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sign-in/", account_views.SignInView.as_view(), name="sign-in"),
    path("sign-in/sso/", sso.Start.as_view(), name="sso-start"),
    path("sign-in/sso/callback/", sso.Callback.as_view(), name="sso-callback"),
    path("sign-out/", account_views.SignOutView.as_view(), name="sign-out"),
    path("account/two-factor/", twofactor.manage, name="two-factor"),
    path("account/two-factor/setup/", twofactor.setup, name="two-factor-setup"),
    path("account/two-factor/code/", twofactor.verify, name="two-factor-verify"),
    path("staff/<slug:slug>/two-factor/", twofactor.people, name="two-factor-people"),
    path("", include("challengelog.api.urls")),
    path("", include("challengelog.workspace.urls")),
    path("", include("challengelog.site.urls")),
]

handler403 = "challengelog.workspace.views.forbidden"
handler500 = "challengelog.api.errors.server_error"
