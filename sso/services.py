"""Single sign-on's rules: which icsat person a provider's claims mean, and when to refuse.

The authentication backend (sso/backends.py) checks the tokens; everything about people
is decided here. A person is found by the provider account linked at their first sign-in
(issuer, subject); the first time, by their verified e-mail, or created when the company
allows it. A leaver is refused, never reactivated: coming back is HR's decision.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import Kind as AuditKind
from audit.services import audit_record, person_name
from requests_app.exceptions import NotAllowed
from requests_app.models import Department
from requests_app.selectors.people import department_named, site_language
from requests_app.services.departments import employee_adopt_time_zone
from requests_app.services.people import person_create, person_find

from .exceptions import Refusal, SignInRefused
from .models import SsoIdentity

logger = logging.getLogger(__name__)

# A locale's language (BCP 47 or POSIX style) to a site language; Norwegian without a
# written standard, and Nynorsk, read Bokmål best among the site's languages.


@dataclass(frozen=True)
class Claims:
    """What the provider says about the person, read through the configured claim names."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    first_name: str = ""
    last_name: str = ""
    locale: str = ""
    department: Any = None
    zoneinfo: str = ""  # OpenID Connect's standard claim: an IANA time zone name


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def claims_read(*, id_token: dict[str, Any], userinfo: dict[str, Any]) -> Claims:
    """The person's claims: the ID token's, completed by the userinfo endpoint's.

    Issuer and subject come from the signed ID token only. ``email_verified`` must be
    true (the boolean or the string "true" some providers send): a missing claim counts
    as unverified, since anyone able to type an address at the provider could otherwise
    take over the account that has it.
    """
    merged = {**id_token, **userinfo}
    verified = merged.get("email_verified")
    return Claims(
        issuer=str(id_token["iss"]),
        subject=str(id_token["sub"]),
        email=_text(merged.get(settings.ICSAT_OIDC_EMAIL_CLAIM), 254),
        email_verified=verified is True or verified == "true",
        first_name=_text(merged.get(settings.ICSAT_OIDC_GIVEN_NAME_CLAIM), 150),
        last_name=_text(merged.get(settings.ICSAT_OIDC_FAMILY_NAME_CLAIM), 150),
        locale=_text(merged.get(settings.ICSAT_OIDC_LOCALE_CLAIM), 35),
        zoneinfo=_text(merged.get("zoneinfo"), 64),
        department=(
            merged.get(settings.ICSAT_OIDC_DEPARTMENT_CLAIM)
            if settings.ICSAT_OIDC_DEPARTMENT_CLAIM
            else None
        ),
    )


def language_from_locale(locale: str) -> str:
    """The site language a locale claim names; empty when it names none of them."""
    return site_language(locale)


def department_from_claim(value: Any) -> Department | None:
    """The existing department a claim names by name or slug (case-insensitively); for a
    list (a groups claim), the first that names one. Never creates a department."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    for name in names:
        found = department_named(name) if isinstance(name, str) else None
        if found is not None:
            return found
    return None


def _refuse(reason: Refusal, claims: Claims, detail: str) -> SignInRefused:
    # The subject, not the e-mail: the log says which provider account without a name.
    logger.warning("single sign-on refused (%s) for subject %s: %s", reason, claims.subject, detail)
    return SignInRefused(reason, detail)


@transaction.atomic
def sso_sign_in(*, claims: Claims):
    """The active person these claims sign in as; links or creates them the first time.

    Raises ``SignInRefused`` (and writes nothing) for an unverified e-mail, a leaver,
    an unknown person when ICSAT_OIDC_CREATE_USERS is off, or an e-mail whose person is
    linked to another provider account. A link or a creation is written to the audit
    trail in this transaction. Safe to run twice: the second run finds the link.
    """
    if not claims.email or not claims.email_verified:
        raise _refuse(Refusal.UNVERIFIED_EMAIL, claims, "no verified e-mail")
    identity = (
        SsoIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise _refuse(Refusal.LEFT, claims, "linked person is deactivated")
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
        return identity.user

    user = person_find(email=claims.email)
    if user is None:
        if not settings.ICSAT_OIDC_CREATE_USERS:
            raise _refuse(Refusal.UNKNOWN_PERSON, claims, "no person with this e-mail")
        try:
            user = person_create(
                actor=None,
                email=claims.email,
                first_name=claims.first_name,
                last_name=claims.last_name,
                home_department=department_from_claim(claims.department),
                language=language_from_locale(claims.locale),
                source="sso",
            )
        except NotAllowed as exc:  # the e-mail is someone's username: not this person
            raise _refuse(Refusal.IDENTITY_CONFLICT, claims, str(exc)) from exc
        matched_by = "created"
    else:
        if not user.is_active:
            raise _refuse(Refusal.LEFT, claims, "person is deactivated")
        if SsoIdentity.objects.filter(user=user, issuer=claims.issuer).exists():
            raise _refuse(Refusal.IDENTITY_CONFLICT, claims, "person linked to another subject")
        matched_by = "email"

    SsoIdentity.objects.create(
        user=user,
        issuer=claims.issuer,
        subject=claims.subject,
        last_sign_in_at=timezone.now(),
    )
    # First sign-in only: afterwards the zone is the person's to choose on their profile.
    employee_adopt_time_zone(user=user, time_zone=claims.zoneinfo)
    employee = getattr(user, "employee", None)
    audit_record(
        actor=user,
        kind=AuditKind.SSO_LINKED,
        target=user,
        changes={
            "issuer": [None, claims.issuer],
            "subject": [None, claims.subject],
            "matched_by": [None, matched_by],
        },
        name=person_name(user),
        department=employee.home_department if employee else None,
    )
    return user


def sso_enabled() -> bool:
    return bool(settings.ICSAT_SSO)


def password_login_enabled() -> bool:
    """Password sign-in, unless single sign-on is on and the company turned passwords off
    (never both off: nobody could sign in)."""
    return bool(settings.ICSAT_PASSWORD_LOGIN) or not sso_enabled()
