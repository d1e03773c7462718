"""Keyboard-only journeys and accessible names (issue 12, part 4).

Once a journey's first page is open, the person uses only the keyboard: Tab and Shift+Tab
to reach each control (``tab_to``), Enter, Space and the arrow keys to use it, and typing
into the focused field. No ``click``, ``fill`` or ``focus``: reaching a control by tabbing
is the point. ``page.goto`` opens a journey's first page and the link of an e-mail; the
file chooser a file input opens is the operating system's dialog, so Playwright answers it.

Every focus stop on the way must show a visible focus indicator (an outline or a box
shadow, on the element or, for Bootstrap's visually hidden ``.btn-check`` inputs, on their
label). Each page counts pointer events in the page itself: a journey must end with none.

The accessible-names test reads Playwright's ARIA snapshot (the tree a screen reader is
given) of the key pages, in English, Spanish and Norwegian: every control is named, every
radio group is named after its question, the page has a main landmark and one h1.
"""

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from requests_app.content import translated, translated_options
from requests_app.models import Ticket
from surveys.models import Invitation, Question, Response
from tests import factories
from tests.queue import purge_queued_tasks

from .browser import KEYBOARD_SUMMARY, PAGE_SWEEP
from .crawl import TRANSLATED_QUESTIONS, seed
from .mail import celery_worker, survey_link, wait_for_mail

pytestmark = PAGE_SWEEP

TALLY = pytest.StashKey["Tally"]()
# Counted in the page: a mouse (or touch) press or wheel turn, which a journey must not make.
POINTER_WATCH = """
for (const type of ["pointerdown", "mousedown", "wheel", "contextmenu"]) {
  addEventListener(type, () => console.debug("icsat-pointer " + type), true);
}
"""
# The focused element, described for matching and for the failure message. Bootstrap's
# .btn-check inputs are visually hidden: their label shows the focus and is what is seen.
FOCUSED = """() => {
  const el = document.activeElement;
  for (const old of document.querySelectorAll("[data-keyboard-focus]")) {
    old.removeAttribute("data-keyboard-focus");
  }
  if (!el || el === document.body || el === document.documentElement) return null;
  el.setAttribute("data-keyboard-focus", "");  // for the ARIA snapshot's locator
  const shown = (el.matches(".btn-check") && el.labels && el.labels[0]) || el;
  const style = getComputedStyle(shown);
  const seen = (color) => color !== "transparent" && !color.endsWith(", 0)");
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && seen(style.outlineColor);
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const box = shown.getBoundingClientRect();
  const legend = el.closest("fieldset") && el.closest("fieldset").querySelector("legend");
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || (el.type === "password" ? "" : el.value) || "")
      .trim().replace(/\\s+/g, " ").slice(0, 60),
    group: legend ? legend.innerText.trim().replace(/\\s+/g, " ") : "",
    indicator: Boolean(outline || shadow),
    style: `outline: ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; `
      + `box-shadow: ${style.boxShadow}`,
    visible: box.width > 0 && box.height > 0,
  };
}"""
# An ARIA snapshot's first line: - role "name" [attributes]: text, in YAML single quotes
# when it holds a colon (- 'link "IT: members"').
SNAPSHOT_QUOTED = re.compile(r"^'((?:[^']|'')*)'")
SNAPSHOT_NODE = re.compile(r'^(?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')


@dataclass(frozen=True)
class Focused:
    """Where the focus is: the element's role and accessible name (Playwright's reading of
    the accessibility tree) and a few DOM facts for the failure message."""

    role: str
    name: str
    tag: str
    id: str
    text: str
    group: str  # the legend of the closest fieldset
    indicator: bool
    style: str
    visible: bool

    def __str__(self) -> str:
        where = f" in “{self.group}”" if self.group else ""
        return f"{self.role} “{self.name}” <{self.tag}#{self.id}>{where}"


Target = str | re.Pattern | Callable[[Focused], bool]


@dataclass
class Tally:
    """What the run's keyboard tests did, for the summary line."""

    journeys: int = 0
    presses: int = 0
    typed: int = 0
    pointer: int = 0
    pages: set = field(default_factory=set)
    languages: set = field(default_factory=set)
    unnamed: int = 0

    def line(self) -> str:
        return (
            f"keyboard: {self.journeys} journeys, {self.presses} key presses "
            f"(and {self.typed} characters typed), {self.pointer} mouse actions; "
            f"accessible names: {len(self.pages)} pages × {len(self.languages)} languages, "
            f"{self.unnamed} unnamed controls"
        )


def _tally(request) -> Tally:
    return request.config.stash.setdefault(TALLY, Tally())


class Keyboard:
    """The only input device of the journeys: presses keys, types, tabs to controls,
    and remembers every focus stop without a visible focus indicator."""

    def __init__(self):
        self.presses = 0
        self.typed = 0
        self.pointer = 0
        self.unseen: list[str] = []  # focus stops without a visible indicator

    def watch(self, page):
        """Count the pointer events of ``page`` (call before its first ``goto``)."""
        page.context.add_init_script(POINTER_WATCH)
        page.on("console", self._on_console)
        # Bootstrap's transitions off: the focus ring is read at once, not mid-fade.
        page.emulate_media(reduced_motion="reduce")
        return page

    def _on_console(self, message):
        if message.text.startswith("icsat-pointer"):
            self.pointer += 1

    def press(self, page, key: str, times: int = 1) -> None:
        for _n in range(times):
            page.keyboard.press(key)
            self.presses += 1

    def open_file_chooser(self, page):
        """Space on the focused file field opens the chooser. Under a loaded CI machine
        Chromium once let the first press go without the chooser event (a 10 s timeout):
        a second press is allowed, never more, so a field Space cannot open still fails."""
        for attempt in (1, 2):
            try:
                with page.expect_file_chooser(timeout=10_000) as chooser:
                    self.press(page, "Space")
                return chooser.value
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def follow(self, page, key: str = "Enter") -> None:
        """Press ``key`` on the focused link or button and wait for the page it loads."""
        with page.expect_navigation():
            self.press(page, key)

    def type(self, page, text: str) -> None:
        page.keyboard.type(text)
        self.typed += len(text)

    def focused(self, page) -> Focused | None:
        facts = page.evaluate(FOCUSED)
        if facts is None:
            return None
        # Only the first line, the element itself: its role and accessible name.
        node = page.locator("[data-keyboard-focus]").aria_snapshot(depth=0, timeout=2_000)
        role, name = snapshot_node(node)
        return Focused(role=role, name=name, **facts)

    def tab_to(self, page, target: Target, *, max_presses: int = 40, back: bool = False):
        """Press Tab (Shift+Tab with ``back``) until the focused element matches ``target``:
        an accessible name (exact), a pattern of one, or a predicate on ``Focused``.

        Fails naming every stop on the way if it is not reached within ``max_presses``,
        or if the reached element shows no focus indicator.
        """
        matches = _matcher(target)
        seen = []
        for _n in range(max_presses):
            self.press(page, "Shift+Tab" if back else "Tab")
            now = self.focused(page)
            if now is None:
                seen.append("(nothing: the page itself)")
                continue
            seen.append(str(now))
            if not now.indicator or not now.visible:
                self.unseen.append(f"{page.url}: {now} ({now.style}, visible: {now.visible})")
            if matches(now):
                assert now.visible, f"{now} is focused but not visible"
                assert now.indicator, f"{now} is focused without a visible indicator: {now.style}"
                return now
        stops = "\n  ".join(seen)
        raise AssertionError(
            f"{target!r} not reached with {max_presses} presses of "
            f"{'Shift+Tab' if back else 'Tab'} on {page.url}; focused on the way:\n  {stops}"
        )

    def arrow_to(self, page, target: Target, *, key: str = "ArrowDown", max_presses: int = 20):
        """Press an arrow key until the focused element matches ``target`` (in a menu)."""
        matches, seen = _matcher(target), []
        for _n in range(max_presses):
            self.press(page, key)
            now = self.focused(page)
            seen.append(str(now))
            if now and matches(now):
                assert now.indicator, f"{now} is focused without a visible indicator: {now.style}"
                return now
        stops = "\n  ".join(seen)
        raise AssertionError(f"{target!r} not reached with {key}; focused on the way:\n  {stops}")

    def skip_to_main(self, page) -> None:
        """From the top of a freshly loaded page: Tab reaches the skip link first, it is
        visible, and Enter moves the focus into main, where the next Tab continues."""
        first = self.tab_to(page, _("Skip to main content"), max_presses=1)
        assert first.tag == "a"
        self.press(page, "Enter")
        assert page.evaluate("document.activeElement.id") == "main"

    def choose(self, page, option: str, *, max_presses: int = 20) -> None:
        """Pick ``option`` of the focused <select> with the arrow keys (the list stays shut);
        fails if an arrow key reloads the page (a change of context on input)."""
        for key in ("ArrowDown", "ArrowUp"):
            for _n in range(max_presses):
                before = _selected(page)
                if before == option:
                    return
                self.press(page, key)
                if _selected(page) == before:
                    break  # the end of the list
        raise AssertionError(f"{option!r} is not an option of the focused select")

    def sign_in(self, page, user) -> None:
        """The sign-in form by keyboard, from its page."""
        page.goto("/accounts/login/")
        self.tab_to(page, _("Username"))
        self.type(page, user.username)
        self.tab_to(page, _("Password"))
        self.type(page, factories.PASSWORD)
        self.follow(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text(_("Hello"))


def _selected(page) -> str:
    """The chosen option of the focused <select>."""
    try:
        return page.evaluate("document.activeElement.selectedOptions[0]?.text.trim()")
    except PlaywrightError as error:
        raise AssertionError(
            f"the page changed while the arrow keys moved through a select's options: {error}"
        ) from error


def snapshot_node(snapshot: str) -> tuple[str, str]:
    """The role and accessible name of an ARIA snapshot's first node."""
    line = snapshot.splitlines()[0].removeprefix("- ")
    if quoted := SNAPSHOT_QUOTED.match(line):
        line = quoted[1].replace("''", "'")
    node = SNAPSHOT_NODE.match(line)
    if not node:
        return line, ""
    return node["role"], json.loads(f'"{node["name"]}"') if node["name"] else ""


def _matcher(target: Target) -> Callable[[Focused], bool]:
    if isinstance(target, str):
        return lambda f: f.name == target
    if isinstance(target, re.Pattern):
        return lambda f: bool(target.search(f.name))
    return target


def role(kind: str, name: str | re.Pattern, *, group: str | None = None):
    """A predicate: this role with this name (in the fieldset whose legend starts ``group``)."""
    named = _matcher(name)
    return lambda f: f.role == kind and named(f) and (group is None or f.group.startswith(group))


@pytest.fixture
def keyboard(request):
    """The test's keyboard; adds its counts to the run's summary line at the end."""
    keys = Keyboard()
    yield keys
    tally = _tally(request)
    tally.presses += keys.presses
    tally.typed += keys.typed
    tally.pointer += keys.pointer
    request.config.stash[KEYBOARD_SUMMARY] = tally.line()


def _finish_journey(request, keyboard: Keyboard, console) -> None:
    """A journey ends with no pointer event, no focus stop without a visible indicator and
    no console error; it counts in the summary."""
    assert keyboard.pointer == 0, f"{keyboard.pointer} pointer events in a keyboard journey"
    assert not keyboard.unseen, "focus stops without a visible indicator:\n" + "\n".join(
        keyboard.unseen
    )
    assert console.errors() == []
    _tally(request).journeys += 1


# --- journeys 1–3: file a request, work it, answer the survey -------------------------------


def test_request_filed_resolved_and_surveyed_by_keyboard(
    request, keyboard, open_page, console, live_server, mail_dir
):
    data = seed()
    purge_queued_tasks()  # the seed's own e-mails: this test waits for one of its own
    rita, ola = data["people"]["rita"], data["people"]["ola"]
    title = "Licence for a screen reader"

    # 1. Rita files a software purchase with the supplier's quote attached, going back with
    # Shift+Tab to raise the priority, and finds it in her requests.
    page = keyboard.watch(open_page())
    keyboard.sign_in(page, rita)
    keyboard.tab_to(page, role("link", _("New request")))
    keyboard.follow(page)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("link", "IT"))
    keyboard.follow(page)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("link", re.compile(r"^Software purchase")))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Software purchase")
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("textbox", _("Summary")))
    keyboard.type(page, title)
    keyboard.tab_to(page, role("spinbutton", "Yearly cost (NOK)"))
    keyboard.type(page, "1200")
    keyboard.tab_to(page, role("textbox", _("Details")), max_presses=3)
    keyboard.type(page, "NVDA is free; JAWS needs a yearly licence.")
    keyboard.tab_to(page, role("combobox", _("Priority")), back=True, max_presses=1)
    keyboard.choose(page, str(Ticket.Priority.HIGH.label))
    keyboard.tab_to(page, role("textbox", _("Details")), max_presses=1)
    keyboard.tab_to(page, role("button", _("Attachments")))
    keyboard.open_file_chooser(page).set_files(
        {"name": "quote.pdf", "mimeType": "application/pdf", "buffer": factories.PDF_BYTES}
    )
    keyboard.tab_to(page, role("button", _("Send request")))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    ticket = Ticket.objects.get(title=title)
    assert ticket.priority == Ticket.Priority.HIGH
    assert [a.original_name for a in ticket.attachments.all()] == ["quote.pdf"]
    # ...and sees it in her requests.
    keyboard.tab_to(page, role("link", _("My requests")))
    keyboard.follow(page)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("link", ticket.reference))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_role("link", name="quote.pdf")).to_be_visible()
    _finish_journey(request, keyboard, console)

    # 2. Ola, an IT agent, opens it from the queue, takes it, replies and resolves it.
    page = keyboard.watch(open_page())
    keyboard.sign_in(page, ola)
    keyboard.tab_to(page, role("link", _("%(name)s queue") % {"name": "IT"}))
    keyboard.follow(page)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("link", ticket.reference), max_presses=60)
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("button", _("Assign to me")))
    keyboard.follow(page, "Space")
    expect(page.get_by_role("status")).to_have_text(_("The request is assigned to you."))
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("textbox", _("Message")))
    keyboard.type(page, "Ordered; the licence key follows by e-mail.")
    keyboard.tab_to(page, role("button", _("Send")))
    keyboard.follow(page)
    expect(page.get_by_role("status")).to_have_text(_("Reply sent."))
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("textbox", _("Resolution")))
    keyboard.type(page, "Licence installed; restart NVDA once.")
    keyboard.tab_to(page, role("button", _("Resolve")))
    keyboard.follow(page)
    expect(page.get_by_role("status")).to_have_text(_("The request is resolved."))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Ticket.Status.RESOLVED, ola)
    _finish_journey(request, keyboard, console)

    # 3. The survey e-mail's link; Rita answers with arrows, Space and typing, sends with Enter.
    with celery_worker():
        message = wait_for_mail(mail_dir, rita.email, f"A short survey about {ticket.reference}")
    page = keyboard.watch(open_page())
    page.goto(survey_link(message, live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("How did we do?"))
    keyboard.skip_to_main(page)
    # Into the 1–5 scale: the first option is focused, not chosen; each arrow chooses.
    keyboard.tab_to(page, role("radio", re.compile(r"^1\b"), group="How satisfied are you?"))
    keyboard.press(page, "ArrowRight", times=3)
    assert keyboard.focused(page).name == "4"
    expect(page.get_by_role("radio", name="4", exact=True)).to_be_checked()
    keyboard.tab_to(page, role("radio", _("Yes"), group="Was it solved the first time?"))
    keyboard.press(page, "Space")
    keyboard.tab_to(page, role("radio", "Speed", group="What mattered most?"))
    keyboard.press(page, "ArrowDown")
    keyboard.tab_to(page, role("textbox", "Anything else?"))
    keyboard.type(page, "Quick and friendly.")
    keyboard.tab_to(page, role("button", _("Send my answers")))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Thank you!"))
    response = Response.objects.get(invitation__ticket=ticket)
    answers = {
        a.question.text: a.number if a.number is not None else a.text
        for a in response.answers.select_related("question")
    }
    assert answers == {
        "How satisfied are you?": 4,
        "Was it solved the first time?": 1,  # yes
        "What mattered most?": "Kindness",
        "Anything else?": "Quick and friendly.",
    }
    assert Invitation.objects.get(ticket=ticket).status == Invitation.Status.ANSWERED
    _finish_journey(request, keyboard, console)


# --- journey 4: a lead filters the dashboard and downloads the CSV --------------------------


def test_lead_filters_dashboard_and_downloads_csv_by_keyboard(
    request, keyboard, open_page, console
):
    data = seed()
    ingrid = data["people"]["ingrid"]
    page = keyboard.watch(open_page())
    keyboard.sign_in(page, ingrid)
    # The Manage menu: Space opens it (it is a button), the arrow keys walk its items.
    keyboard.tab_to(page, role("button", _("Manage")))
    keyboard.press(page, "Space")
    expect(page.get_by_role("button", name=_("Manage"))).to_have_attribute("aria-expanded", "true")
    dashboard = _("%(name)s: satisfaction dashboard") % {"name": "IT"}
    keyboard.arrow_to(page, role("link", dashboard))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(dashboard)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("combobox", _("Period")))
    keyboard.choose(page, _("Last 90 days"))
    keyboard.tab_to(page, role("combobox", _("Request type")))
    keyboard.choose(page, "Access to a system")
    keyboard.tab_to(page, role("button", _("Apply")))
    keyboard.follow(page)
    assert re.search(r"[?&]range=90d(&|$)", page.url)
    # The form keeps the skip link's #main in the URL, so the filtered page opens at main
    # and the first Tab reaches the download link, the first control in main.
    assert page.url.endswith("#main")
    keyboard.tab_to(page, role("link", _("Download CSV")), max_presses=1)
    with page.expect_download() as download:
        keyboard.press(page, "Enter")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = {row[0]: row[1:] for row in csv.reader(file) if row}
    today = timezone.localdate()
    assert rows[_("Department")] == ["IT"]
    assert rows[_("Period")] == [(today - timedelta(days=89)).isoformat(), today.isoformat()]
    assert rows[_("Request type")] == ["Access to a system"]
    _finish_journey(request, keyboard, console)


# --- journey 5: an HR admin adds a question to a survey ------------------------------------

# The new question in the three languages, by the legend of the fieldset its field sits in
# (the question's row for English, each language's line under it) and the field's label.
NEW_QUESTION = {
    "en": "Did we keep you informed while you waited?",
    "es": "¿Le mantuvimos informado mientras esperaba?",
    "nb": "Holdt vi deg oppdatert mens du ventet?",
}


def test_hr_admin_adds_a_survey_question_by_keyboard(request, keyboard, open_page, console):
    data = seed()
    hanne = data["people"]["hanne"]
    page = keyboard.watch(open_page())
    keyboard.sign_in(page, hanne)
    keyboard.tab_to(page, role("button", _("Manage")))
    keyboard.press(page, "Enter")
    keyboard.arrow_to(page, role("link", _("Surveys")))
    keyboard.follow(page)
    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("link", f"{_('Edit')} After every request"))
    keyboard.follow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("After every request")
    questions = Question.objects.filter(version__survey_id=data["survey"], version__is_current=True)
    new_row = _("Question %(n)s") % {"n": questions.count() + 1}

    keyboard.skip_to_main(page)
    keyboard.tab_to(page, role("combobox", _("Kind"), group=new_row), max_presses=80)
    keyboard.choose(page, str(Question.Kind.YES_NO.label))
    keyboard.tab_to(page, role("textbox", _("Question"), group=new_row))
    keyboard.type(page, NEW_QUESTION["en"])
    keyboard.tab_to(page, role("checkbox", _("Answer required"), group=new_row))
    keyboard.press(page, "Space")
    # The row's translations follow it: Spanish, then Norwegian Bokmål.
    for language, field_in, legend in (
        ("es", _("%(field)s in Spanish"), _("Spanish")),
        ("nb", _("%(field)s in Norwegian Bokmål"), _("Norwegian Bokmål")),
    ):
        label = field_in % {"field": _("Question")}
        keyboard.tab_to(page, role("textbox", label, group=legend), max_presses=12)
        keyboard.type(page, NEW_QUESTION[language])
    keyboard.tab_to(page, role("button", _("Save survey")), max_presses=40)
    keyboard.follow(page)
    expect(page.get_by_role("status")).to_contain_text(_("saved"))
    added = questions.get(text=NEW_QUESTION["en"])
    assert (added.kind, added.required) == (Question.Kind.YES_NO, True)
    assert (added.text_es, added.text_nb) == (NEW_QUESTION["es"], NEW_QUESTION["nb"])
    _finish_journey(request, keyboard, console)


# --- accessible names on the key pages, in every language -----------------------------------

# Roles a person operates; each needs a name a screen reader can announce.
INTERACTIVE = {
    "button",
    "link",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "option",
    "radio",
    "checkbox",
    "switch",
    "spinbutton",
    "slider",
    "menuitem",
    "tab",
}
SNAPSHOT_LINE = re.compile(r"^(?P<indent> *)- (?P<node>.*)$")
LANGUAGES = ("en", "es", "nb")


@dataclass(frozen=True)
class Node:
    role: str
    name: str
    attributes: str  # e.g. "[level=1]", "[checked]"
    ancestors: tuple[tuple[str, str], ...]  # (role, name), outermost first


def snapshot_nodes(snapshot: str) -> list[Node]:
    """The nodes of an ARIA snapshot, each with its ancestors; properties (- /url: ...)
    and text are left out."""
    nodes, stack = [], []  # stack: (indent, role, name)
    for line in snapshot.splitlines():
        parsed = SNAPSHOT_LINE.match(line)
        if not parsed or parsed["node"].startswith("/"):
            continue
        indent = len(parsed["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        kind, name = snapshot_node("- " + parsed["node"])
        attributes = " ".join(re.findall(r"\[[^\]]*\]", parsed["node"].rsplit('"', 1)[-1]))
        nodes.append(Node(kind, name, attributes, tuple((r, n) for _i, r, n in stack)))
        stack.append((indent, kind, name))
    return nodes


def structure_problems(nodes: list[Node]) -> list[str]:
    """Radios outside a named group, and not exactly one main landmark and one h1."""
    problems = []
    for radio in (n for n in nodes if n.role == "radio"):
        groups = [name for kind, name in radio.ancestors if kind in ("radiogroup", "group")]
        if not groups or not groups[-1].strip():
            problems.append(f"radio “{radio.name}” is in no named group")
    mains = [n for n in nodes if n.role == "main"]
    h1s = [n for n in nodes if n.role == "heading" and "[level=1]" in n.attributes]
    if len(mains) != 1:
        problems.append(f"{len(mains)} main landmarks")
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} h1 headings: {[h.name for h in h1s]}")
    return problems


@dataclass(frozen=True)
class KeyPage:
    name: str
    who: str  # key of seed()["people"]
    path: str
    # The controls a screen-reader user would expect, (role, name), in the active language.
    expected: Callable[[dict], list[tuple[str, str]]]


def _key_pages(data: dict) -> list[KeyPage]:
    def survey_answer(_data):
        ends = {1: _("very dissatisfied"), 5: _("very satisfied")}
        scale = [f"{n} – {ends[n]}" if n in ends else str(n) for n in range(1, 6)]
        # The questions in the active language, English where the crawl's survey has none.
        score, solved, mattered, comment = (translated(q, "text") for q in TRANSLATED_QUESTIONS)
        return [
            ("radiogroup", score),
            *(("radio", name) for name in scale),
            ("group", solved),
            ("radio", _("Yes")),
            ("radio", _("No")),
            ("group", mattered),
            *(("radio", label) for _value, label in translated_options(TRANSLATED_QUESTIONS[2])),
            ("textbox", comment),
            ("button", _("Send my answers")),
        ]

    return [
        KeyPage(
            "new-request form",
            "rita",
            "/requests/new/it/laptop/",
            lambda _d: [
                ("textbox", _("Summary")),
                ("textbox", "Needed by"),
                ("combobox", "Model"),
                ("combobox", _("Priority")),
                ("textbox", _("Details")),
                ("button", _("Attachments")),
                ("button", _("Send request")),
            ],
        ),
        KeyPage(
            "ticket (agent)",
            "ola",
            f"/t/{data['main']}/",
            lambda _d: [
                ("textbox", _("Message")),
                ("checkbox", _("Internal note (only the department's staff see it)")),
                ("button", _("Attach files")),
                ("button", _("Send")),
                ("combobox", _("Assignee")),
                ("combobox", _("Change status to")),
                ("textbox", _("Resolution")),
                ("button", _("Resolve")),
                ("link", "supplier-quote.pdf"),
            ],
        ),
        KeyPage("survey answer", "rita", f"/surveys/waiting/{data['invitation']}/", survey_answer),
        KeyPage(
            "department dashboard",
            "ingrid",
            "/surveys/dashboard/it/",
            lambda _d: [
                ("link", _("Download CSV")),
                ("combobox", _("Period")),
                ("textbox", _("From")),
                ("textbox", _("To")),
                ("combobox", _("Request type")),
                ("combobox", _("Survey version")),
                ("button", _("Apply")),
            ],
        ),
        KeyPage(
            "survey editor",
            "hanne",
            f"/surveys/manage/{data['survey']}/",
            lambda _d: [
                ("textbox", _("Name")),
                ("combobox", _("Kind")),
                ("textbox", _("Question")),
                ("checkbox", _("Answer required")),
                ("button", _("Save survey")),
            ],
        ),
        KeyPage(
            "queue",
            "ola",
            "/queue/it/",
            lambda d: [
                ("combobox", _("Status")),
                ("combobox", _("Request type")),
                ("button", _("Apply")),
                ("link", d["main"]),
            ],
        ),
    ]


def choose_language_by_keyboard(keyboard: Keyboard, page, language: str, *, check=False):
    """The language form under the person's name: Enter opens it, the arrow keys pick the
    language, Enter sends it. With ``check``, first prove that the arrows alone send nothing."""
    keyboard.tab_to(page, lambda f: f.tag == "summary", max_presses=30)
    keyboard.press(page, "Enter")
    select = keyboard.tab_to(page, lambda f: f.id == "nav-language", max_presses=1)
    assert select.role == "combobox" and select.name, f"the language select is {select}"
    before = page.url
    keyboard.choose(page, translation.get_language_info(language)["name_local"])
    if check:
        page.wait_for_timeout(300)  # time enough for a page to start loading, if one would
        assert page.url == before and keyboard.focused(page).id == "nav-language"
    keyboard.follow(page)
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_key_pages_name_every_control_in_every_language(request, keyboard, open_page, console):
    data = seed()
    key_pages = _key_pages(data)
    tabs = {}
    for who in dict.fromkeys(key_page.who for key_page in key_pages):
        tabs[who] = keyboard.watch(open_page())
        keyboard.sign_in(tabs[who], data["people"][who])

    tally, problems, unnamed = _tally(request), [], []
    checked = False
    for language in LANGUAGES:
        for page in tabs.values():
            if page.locator("html").get_attribute("lang") != language:
                choose_language_by_keyboard(keyboard, page, language, check=not checked)
                checked = True
        for key_page in key_pages:
            page = tabs[key_page.who]
            page.goto(key_page.path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            nodes = snapshot_nodes(page.locator("body").aria_snapshot())
            where = f"{key_page.name} in {language}"
            unnamed += [
                f"{where}: unnamed {n.role} in {n.ancestors[-2:]}"
                for n in nodes
                if n.role in INTERACTIVE and not n.name.strip()
            ]
            problems += [f"{where}: {problem}" for problem in structure_problems(nodes)]
            with translation.override(language):
                expected = [("link", _("Skip to main content")), *key_page.expected(data)]
            named = {(n.role, n.name) for n in nodes}
            problems += [f"{where}: no {r} named “{n}”" for r, n in expected if (r, n) not in named]
            tally.pages.add(key_page.name)
        tally.languages.add(language)
    tally.unnamed += len(unnamed)
    assert not unnamed, "controls without an accessible name:\n" + "\n".join(unnamed)
    assert not problems, "\n".join(problems)
    assert keyboard.pointer == 0
    assert console.errors() == []
