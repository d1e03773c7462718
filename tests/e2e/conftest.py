"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Without /usr/bin/chromium they skip, unless ICSAT_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from collections.abc import Iterator

import pytest

from tests.queue import purge_queued_tasks

from .browser import (
    AXE_SUMMARY,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    KEYBOARD_SUMMARY,
    LAYOUT_SUMMARY,
    ConsoleLog,
    new_page,
    unavailable,
)


def pytest_terminal_summary(terminalreporter, config) -> None:
    """The accessibility and layout sweeps' and the keyboard tests' counts, in every run's
    output (with or without -s)."""
    for key in (AXE_SUMMARY, LAYOUT_SUMMARY, KEYBOARD_SUMMARY):
        if summary := config.stash.get(key, None):
            terminalreporter.write_line(summary)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for all the browser tests.

    Package scope, i.e. the lifetime of tests/e2e: Playwright's sync API keeps an
    asyncio loop running in the test thread while it is started, and Django refuses
    ORM calls (factories, refresh_from_db, the test database's flush) from a thread
    with a running loop. So DJANGO_ALLOW_ASYNC_UNSAFE is set exactly while Chromium
    runs, and both stop before the rest of the suite, which keeps Django's check.
    A session-scoped browser would leave the loop running, and so the check switched
    off, under every later test of the run.
    """
    if not CHROMIUM.exists():
        unavailable("Chromium not found at /usr/bin/chromium: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("The playwright package is missing: pip install -e '.[test]'")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def mail_dir(settings, tmp_path):
    """The folder the test's e-mails are written to as .eml files (tests/e2e/mail.py reads
    them), whoever sends them: this thread or a worker."""
    folder = tmp_path / "mail"
    settings.MAILERS = {
        "default": {"BACKEND": "icsat.mail.EmlFileBackend", "OPTIONS": {"directory": str(folder)}}
    }
    return folder


@pytest.fixture
def console() -> ConsoleLog:
    """What went wrong in the consoles of the test's pages; tests assert on it."""
    return ConsoleLog()


@pytest.fixture
def page(browser, live_server, console) -> Iterator:
    """A 1280x900 page in a fresh browser context, relative URLs against live_server."""
    page = new_page(browser, live_server.url, console)
    yield page
    page.context.close()


@pytest.fixture
def open_page(browser, live_server, console) -> Iterator:
    """Makes more pages, each in its own context: one per person signed in at once."""
    contexts = []

    def make(viewport=DESKTOP, locale="en-GB"):
        created = new_page(browser, live_server.url, console, viewport, locale)
        contexts.append(created.context)
        return created

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _empty_broker():
    """A browser test's worker sends only what this test published: the broker may hold
    hundreds of messages the earlier tests of the run published and never ran (their
    rows are gone), and working through them delays this test's e-mails."""
    purge_queued_tasks()
