"""Sign-in and sign-out pages: the password form, the single sign-on round trip, refusals.

Thin: the backend checks the provider's answer, sso.services decides who the person is.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import admin, auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .backends import BACKEND, OidcBackend
from .exceptions import Refusal, SignInRefused
from .services import password_login_enabled, sso_enabled

logger = logging.getLogger(__name__)

ID_TOKEN_KEY = "sso_id_token"  # noqa: S105  (the session key's name, not a secret)

# What each refusal tells the person: what happened and what they can do, nothing more.
# %(provider)s is ICSAT_OIDC_PROVIDER_NAME.
REFUSALS = {
    Refusal.UNVERIFIED_EMAIL: (
        _("Your e-mail address is not confirmed"),
        _(
            "%(provider)s did not confirm your e-mail address, so icsat cannot tell who "
            "you are. Confirm your address there, or ask IT, and then sign in again."
        ),
    ),
    Refusal.UNKNOWN_PERSON: (
        _("You don't have an icsat account yet"),
        _(
            "You signed in with %(provider)s, but icsat has no account for you. Ask HR to "
            "add you, and then sign in again."
        ),
    ),
    Refusal.LEFT: (
        _("Your icsat account is closed"),
        _(
            "Your icsat account was closed when you left. If you have come back, ask HR to "
            "reopen it, and then sign in again."
        ),
    ),
    Refusal.IDENTITY_CONFLICT: (
        _("This account can't be used here"),
        _(
            "Your %(provider)s account does not match the one your icsat account is linked "
            "to. Ask IT to check which account you should sign in with."
        ),
    ),
    Refusal.CANCELLED: (
        _("Sign-in was cancelled"),
        _("%(provider)s did not sign you in to icsat. You can try again."),
    ),
    Refusal.EXPIRED: (
        _("This sign-in has expired"),
        _(
            "The sign-in took too long, was already used, or was started in another "
            "browser. Please start again."
        ),
    ),
    Refusal.FAILED: (
        _("Sign-in could not be completed"),
        _(
            "icsat could not complete your sign-in with %(provider)s. Please try again; if "
            "it keeps happening, tell IT."
        ),
    ),
    Refusal.PASSWORD_OFF: (
        _("Sign-in with a password is switched off"),
        _("Please sign in with %(provider)s."),
    ),
}
RETRYABLE = {Refusal.CANCELLED, Refusal.EXPIRED, Refusal.FAILED, Refusal.PASSWORD_OFF}


def refusal_page(request, reason: Refusal):
    """The 403 page for ``reason``, in the person's language, with a way back."""
    title, body = REFUSALS[reason]
    return render(
        request,
        "sso/refused.html",
        {
            "title": title,
            "body": body % {"provider": settings.ICSAT_OIDC_PROVIDER_NAME},
            "retry": reason in RETRYABLE,
            "provider_name": settings.ICSAT_OIDC_PROVIDER_NAME,
        },
        status=403,
    )


def _refused(reason: Refusal) -> HttpResponseRedirect:
    # A redirect, so reloading the page does not replay the provider's one-time code.
    return redirect("sso:refused", reason=reason.value)


class SignInView(auth_views.LoginView):
    """Django's sign-in page with the single sign-on button first; its password form
    refuses every POST when ICSAT_PASSWORD_LOGIN is off."""

    def post(self, request, *args, **kwargs):
        if not password_login_enabled():
            return refusal_page(request, Refusal.PASSWORD_OFF)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if sso_enabled():
            # The provider's button comes first; the cursor must not jump past it.
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return form

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": sso_enabled(),
            "sso_provider_name": settings.ICSAT_OIDC_PROVIDER_NAME,
            "password_login": password_login_enabled(),
        }


def admin_login(request):
    """The Django admin's sign-in: its password form only while password sign-in is on;
    otherwise icsat's sign-in page (single sign-on), coming back to the admin after."""
    if password_login_enabled():
        return admin.site.login(request)
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("login")
    )


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, remembering state, nonce, PKCE verifier and ?next."""

    def get(self, request):
        if not sso_enabled():
            raise Http404
        return super().get(request)


class CallbackView(View):
    """Where the provider sends the browser back: sign in, or say why not."""

    http_method_names = ["get"]

    def get(self, request):
        if not sso_enabled():
            raise Http404
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        # Each state works once: forget it whatever the outcome, so it cannot be replayed.
        flow = states.pop(request.GET.get("state", ""), None)
        if flow is not None:
            request.session["oidc_states"] = states
        if request.GET.get("error"):
            logger.info("single sign-on: the provider answered %s", request.GET["error"][:100])
            return _refused(Refusal.CANCELLED)
        if flow is None or not request.GET.get("code"):
            return _refused(Refusal.EXPIRED)
        backend = OidcBackend()
        try:
            user = backend.authenticate(
                request,
                sso_callback=True,
                nonce=flow.get("nonce"),
                code_verifier=flow.get("code_verifier"),
            )
        except SignInRefused as refusal:
            return _refused(refusal.reason)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as exc:
            # Wrong issuer or audience, bad signature, expired token, provider down:
            # nothing the person can fix, so one message; the log says which.
            logger.warning("single sign-on failed: %s: %s", type(exc).__name__, exc)
            return _refused(Refusal.FAILED)
        except (KeyError, ValueError, TypeError):
            # A provider answer of an unexpected shape (a key set without "keys" or "kid"):
            # the same page for the person, the whole traceback for whoever reads the log.
            logger.exception("single sign-on failed: unexpected answer from the provider")
            return _refused(Refusal.FAILED)
        if user is None or not user.is_active:
            return _refused(Refusal.FAILED)
        next_url = request.session.get("oidc_login_next") or resolve_url(
            settings.LOGIN_REDIRECT_URL
        )
        auth.login(request, user, backend=BACKEND)
        request.session[ID_TOKEN_KEY] = backend.id_token
        return HttpResponseRedirect(next_url)


def refused(request, reason: str):
    """The refusal page a failed callback redirects to (an unknown code: the generic one)."""
    if not sso_enabled():
        raise Http404
    try:
        known = Refusal(reason)
    except ValueError:
        known = Refusal.FAILED
    return refusal_page(request, known)


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST only); after single sign-on, also at the provider when it
    has an end-session endpoint, coming back to icsat's sign-in page."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN_KEY, "")
        response = super().post(request, *args, **kwargs)
        endpoint = settings.ICSAT_OIDC_END_SESSION_ENDPOINT
        if not (sso_enabled() and endpoint and id_token):
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
                "client_id": settings.OIDC_RP_CLIENT_ID,
            }
        )
        return HttpResponseRedirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")
