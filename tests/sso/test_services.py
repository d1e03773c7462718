"""sso.services without the provider: reading claims, and signing in twice."""

import pytest

from audit.models import AuditEntry
from sso.exceptions import Refusal, SignInRefused
from sso.models import SsoIdentity
from sso.services import Claims, claims_read, sso_sign_in
from tests import factories

ISSUER = "https://id.example.com"


def test_claims_read_takes_issuer_and_subject_from_the_id_token_only():
    claims = claims_read(
        id_token={"iss": ISSUER, "sub": "abc", "email": "a@example.com"},
        userinfo={"sub": "abc", "email_verified": "true", "given_name": " Ann ", "iss": "x"},
    )

    assert claims == Claims(
        issuer=ISSUER, subject="abc", email="a@example.com", email_verified=True, first_name="Ann"
    )


@pytest.mark.parametrize("verified", [False, "false", "yes", 1, None])
def test_claims_read_counts_anything_but_true_as_unverified(verified):
    claims = claims_read(
        id_token={"iss": ISSUER, "sub": "abc"},
        userinfo={"email": "a@example.com", "email_verified": verified},
    )

    assert claims.email_verified is False


def test_claims_read_ignores_claims_of_the_wrong_type():
    claims = claims_read(
        id_token={"iss": ISSUER, "sub": "abc"},
        userinfo={"email": ["a@example.com"], "given_name": {"x": 1}, "locale": 7},
    )

    assert (claims.email, claims.first_name, claims.locale) == ("", "", "")


@pytest.mark.django_db
def test_sso_sign_in_is_safe_to_run_twice(settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    claims = Claims(issuer=ISSUER, subject="s-1", email="twice@example.com", email_verified=True)

    first = sso_sign_in(claims=claims)
    second = sso_sign_in(claims=claims)

    assert first == second
    assert SsoIdentity.objects.count() == 1
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.SSO_LINKED).count() == 1


@pytest.mark.django_db
def test_sso_sign_in_refuses_an_email_that_is_another_persons_username(settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    factories.employee(username="taken@example.com", email="someone.else@example.com")
    claims = Claims(issuer=ISSUER, subject="s-2", email="taken@example.com", email_verified=True)

    with pytest.raises(SignInRefused) as refused:
        sso_sign_in(claims=claims)

    assert refused.value.reason == Refusal.IDENTITY_CONFLICT
    assert not SsoIdentity.objects.exists()


def test_claims_read_takes_the_zoneinfo_claim():
    claims = claims_read(
        id_token={"iss": ISSUER, "sub": "abc"},
        userinfo={"email": "a@example.com", "zoneinfo": " America/New_York "},
    )

    assert claims.zoneinfo == "America/New_York"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "claimed", "kept"),
    [
        ("", "America/New_York", "America/New_York"),  # none of their own: taken
        ("Asia/Tokyo", "America/New_York", "Asia/Tokyo"),  # their own choice stays
        ("", "Mars/Olympus_Mons", ""),  # not a zone on the list: ignored
        ("", "", ""),
    ],
)
def test_sso_first_sign_in_takes_the_zoneinfo_claim_only_when_the_person_has_none(
    existing, claimed, kept
):
    person = factories.employee(username="zoe", email="zoe@example.com")
    person.employee.time_zone = existing
    person.employee.save()
    claims = Claims(
        issuer=ISSUER,
        subject="s-tz",
        email="zoe@example.com",
        email_verified=True,
        zoneinfo=claimed,
    )

    sso_sign_in(claims=claims)

    person.employee.refresh_from_db()
    assert person.employee.time_zone == kept


@pytest.mark.django_db
def test_sso_later_sign_ins_leave_the_zone_to_the_person(settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    first = Claims(
        issuer=ISSUER, subject="s-new", email="new@example.com", email_verified=True, zoneinfo="UTC"
    )
    person = sso_sign_in(claims=first)
    person.employee.refresh_from_db()
    assert person.employee.time_zone == "UTC"  # a new person: none of their own yet
    person.employee.time_zone = ""
    person.employee.save()

    sso_sign_in(claims=Claims(**{**first.__dict__, "zoneinfo": "Asia/Tokyo"}))

    person.employee.refresh_from_db()
    assert person.employee.time_zone == ""
