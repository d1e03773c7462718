from django.contrib import admin
from django.urls import include, path

from requests_app.views.account import PasswordResetView, language_set

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's, throttled (requests_app.views.account); the rest of accounts/ as Django has it.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("insights.urls")),
    path("", include("console.urls")),
    path("", include("scim.urls")),
    path("", include("surveys.urls")),
    path("", include("requests_app.urls")),
]
