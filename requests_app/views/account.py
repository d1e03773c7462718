"""The person's own account: their profile (language, time zone), and asking for a new
password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from requests_app import throttle

from ..forms.account import ProfileForm
from ..permissions import gets_weekly_digest
from ..services.departments import employee_ensure, employee_set_language, employee_set_preferences


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The person's language and time zone."""
    employee = employee_ensure(request.user)
    gets_digest = gets_weekly_digest(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, gets_digest=gets_digest)
        if form.is_valid():
            employee = employee_set_preferences(user=request.user, **form.cleaned_data)
            # Saved in the language just chosen: the message is read on the next page.
            with translation.override(employee.language):
                messages.success(request, _("Your profile is saved."))
            response = redirect("requests_app:profile")
            # As set_language does, so the sign-in page speaks it too after signing out.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                employee.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    else:
        form = ProfileForm(
            initial={
                "language": employee.language,
                "time_zone": employee.time_zone,
                "weekly_digest": employee.weekly_digest,
            },
            gets_digest=gets_digest,
        )
    return render(
        request,
        "requests_app/profile.html",
        {
            "form": form,
            "employee": employee,
            "now": timezone.now(),
        },
    )


@require_POST
def language_set(request):
    """Django's set_language, and for a signed-in person also their profile's language."""
    if request.user.is_authenticated:
        employee_set_language(user=request.user, language=request.POST.get("language", ""))
    return set_language(request)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per client and per address asked for.

    Below the limits every address gets the same answer (Django's: known or not, the
    "check your inbox" page); above either limit, the 429 page, again for any address.
    """

    def dispatch(self, request, *args, **kwargs):
        # With passwords switched off (single sign-on only) a reset would set a password
        # nobody can sign in with: there is no such page.
        if not settings.ICSAT_PASSWORD_LOGIN:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        window = settings.ICSAT_PASSWORD_RESET_WINDOW_MINUTES * 60
        by_ip = throttle.hit(
            f"password-reset:ip:{throttle.client_ip(request)}",
            settings.ICSAT_PASSWORD_RESET_LIMIT_PER_IP,
            window,
        )
        email = request.POST.get("email", "").strip().lower()
        by_email = not email or throttle.hit(
            f"password-reset:email:{email}", settings.ICSAT_PASSWORD_RESET_LIMIT_PER_EMAIL, window
        )
        if not (by_ip and by_email):
            return throttle.too_many_requests(request, window=window)
        return super().post(request, *args, **kwargs)
