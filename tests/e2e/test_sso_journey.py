"""Single sign-on in a real browser: through a real OpenID provider and back.

A new person signs in (created from the provider's claims), signs out (at the provider
too), an existing person signs in and is linked, and someone icsat does not know is
refused. Screenshots of the sign-in page with the provider's button and of the refusal
page, at 1280 and 375 px, go to test-artifacts/screenshots/sso-*.png.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from sso.models import SsoIdentity
from tests import factories
from tests.sso.provider import PROVIDER_NAME, Provider, configure, running_provider

from .browser import BROWSER_TEST, DESKTOP, PHONE
from .test_screenshots import SCREENSHOTS, audit

pytestmark = BROWSER_TEST

# The provider's own pages load a stylesheet from a CDN; the tests stay offline.
PROVIDER_NOISE = r"cdn\.jsdelivr\.net|127\.0\.0\.1:\d+/"
# Chromium logs a page answered with 403 as a failed resource: the refusal page is one.
REFUSAL_STATUS = r"status of 403 \(Forbidden\)"


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider) -> Provider:
    configure(settings, oidc_provider, ICSAT_OIDC_CREATE_USERS=True)
    return oidc_provider


def _offline(page) -> None:
    page.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())


def _sign_in_at_provider(page, sub: str) -> None:
    """From icsat's sign-in page: the provider's button, its form, back to icsat."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def _shoot(page, console, name: str, width: int) -> list[str]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    return audit(page, console, name, width, allow=f"{PROVIDER_NOISE}|{REFUSAL_STATUS}")


def test_sso_journey_new_person_then_existing_person(page, sso, console):
    _offline(page)
    sub = sso.new_user(
        email="nora.berg@example.com",
        email_verified=True,
        given_name="Nora",
        family_name="Berg",
        locale="en-GB",
    )

    _sign_in_at_provider(page, sub)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nora")
    # The bar names her by her first name; the account panel in full.
    expect(page.locator(".nav-account-menu > summary")).to_contain_text("Nora")

    # Signing out ends the session at the provider and comes back to the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()

    # Someone icsat knows already (HR added them) signs in for the first time.
    ola = factories.employee(email="ola@example.com", first_name="Ola", last_name="Nordmann")
    ola_sub = sso.new_user(email="OLA@example.com", email_verified=True, given_name="Olav")
    _sign_in_at_provider(page, ola_sub)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ola")
    expect(page.locator(".nav-account-menu > summary")).to_contain_text("Ola")
    assert SsoIdentity.objects.get(subject=ola_sub).user == ola
    assert console.errors(allow=PROVIDER_NOISE) == []


def test_sso_login_and_refusal_pages_at_desktop_and_phone_width(open_page, sso, console, settings):
    settings.ICSAT_OIDC_CREATE_USERS = False
    problems = []
    for width, viewport in ((1280, DESKTOP), (375, PHONE)):
        page = open_page(viewport)
        _offline(page)
        page.goto("/accounts/login/")
        sso_button = page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")
        expect(sso_button).to_be_visible()
        password = page.get_by_label("Password")
        assert sso_button.bounding_box()["y"] < password.bounding_box()["y"]
        problems += _shoot(page, console, "sso-login", width)

        stranger = sso.new_user(email=f"stranger{width}@example.com", email_verified=True)
        _sign_in_at_provider(page, stranger)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You don't have an icsat account yet"
        )
        expect(page.get_by_text("Ask HR to add you")).to_be_visible()
        problems += _shoot(page, console, "sso-refused", width)

    assert problems == []
