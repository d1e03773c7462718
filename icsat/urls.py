from django.contrib import admin
from django.urls import include, path

from requests_app.views.account import PasswordResetView, language_set
from sso import views as sso_views

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's, throttled (requests_app.views.account); the rest of accounts/ as Django has it.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # Sign-in and sign-out know about single sign-on (sso.views); the admin's sign-in too.
    path("accounts/login/", sso_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", sso_views.SignOutView.as_view(), name="logout"),
    path("admin/login/", sso_views.admin_login),
    path("sso/", include("sso.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("insights.urls")),
    path("", include("loop.urls")),
    path("", include("console.urls")),
    path("", include("scim.urls")),
    path("", include("surveys.urls")),
    path("", include("requests_app.urls")),
]
