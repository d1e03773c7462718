"""Helpers of the browser tests: Chromium's launch options, pages, signing in and out."""

import os
import re
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import sqlite_pass_only

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 10_000
# The accessibility sweep's one-line result, printed at the end of the run by conftest.
AXE_SUMMARY = pytest.StashKey[str]()
# The layout sweep's, likewise.
LAYOUT_SUMMARY = pytest.StashKey[str]()
# The keyboard journeys' and accessible names' one-line result, printed the same way.
KEYBOARD_SUMMARY = pytest.StashKey[str]()

# Every browser test module sets ``pytestmark = BROWSER_TEST``: ``pytest -m "not browser"``
# leaves them out, and live_server needs a transactional database.
BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Sweeps of pages (accessibility, layouts, keyboard, screenshots) do not depend on the
# database: CI runs them in its SQLite pass only, keeping the whole run under 25 minutes.
# The journeys that send e-mails through a worker run in both passes.
PAGE_SWEEP = [*BROWSER_TEST, sqlite_pass_only]

# Reported to the console, so a CSP violation is caught like any other console error
# (Chromium logs its own "Refused to ..." too; this names the directive and what it blocked).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


def unavailable(reason: str):
    """Skip, or fail when CI says the browser tests must run (ICSAT_REQUIRE_BROWSER=1)."""
    if os.environ.get("ICSAT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (ICSAT_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


# Known and harmless: base.html links no icon, so Chromium asks for /favicon.ico and
# gets a 404. Drop this once base.html has a <link rel="icon">.
KNOWN_NOISE = r"Failed to load resource: .* 404 .*/favicon\.ico\]$"


class ConsoleLog:
    """Console errors, uncaught exceptions and CSP violations of the watched pages."""

    def __init__(self):
        self.entries: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.entries.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            self.entries.append(f"console.error: {message.text} [{url}]")

    def clear(self) -> None:
        self.entries.clear()

    def errors(self, *, allow: str | None = None) -> list[str]:
        """The entries, less known noise and those matching the regular expression ``allow``."""
        return [
            e
            for e in self.entries
            if not re.search(KNOWN_NOISE, e) and not (allow and re.search(allow, e))
        ]


def new_page(browser, base_url: str, log: ConsoleLog, viewport=DESKTOP, locale="en-GB"):
    """A page in a fresh context (its own cookies), watched by ``log``; ``locale`` is the
    browser's language, which a signed-out person's pages are shown in."""
    context = browser.new_context(
        viewport=viewport, base_url=base_url, accept_downloads=True, locale=locale
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    log.watch(page)
    return page


def login(page, user, password: str = factories.PASSWORD) -> None:
    """Sign in through the real login form and wait for the start page."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def logout(page) -> None:
    """Sign out with the navigation's button (the menu is expanded at desktop width)."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
