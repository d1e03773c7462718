"""Every page of the crawl, as every role that reaches it, in the longest languages (es, nb)
at 375, 768, 1280 and 1440 px: nothing clipped, nothing pushing the page sideways, and the
navigation on one line where it is expanded.

What counts as a problem, on the page as laid out at each width (measured in the browser,
after layout, with nothing animating, so a check gives the same answer every run):

- **The page scrolls sideways**: ``document.documentElement.scrollWidth`` is greater than
  ``window.innerWidth``. The elements reaching past the window's right edge are named.
- **Text cut by its box**: a visible element (``checkVisibility`` and larger than 1x1 px,
  which leaves out ``.visually-hidden`` text on purpose) with text in it whose content is
  wider than its box (``scrollWidth > clientWidth + 1``; the 1 px absorbs sub-pixel
  rounding) and whose ``overflow-x`` is ``hidden`` or ``clip`` (ellipsis included: it hides
  what it replaces), or ``auto``/``scroll`` (a box that scrolls sideways to show its text:
  on a ``.table-responsive`` this is a table wider than its scroll box, and the header
  cells of the columns cut at its right edge are named; the one exception is a table built
  to scroll sideways below 992 px, the organisation's tables: every row heading is
  ``position: sticky``, so the row stays named while its figures scroll past), or
  ``visible`` where the element's own text (a text node of its own, not a child's) runs
  out of it over its neighbours.
- **A select too narrow for its options**: the widest option's text, measured with the
  select's own font on a canvas, is wider than the select's content box (its width less
  its padding, which in a ``.form-select`` holds the arrow). Every option counts, not only
  the selected one: choosing the long one would cut it.
- **At 1280 px and wider the navigation wraps**: the vertical middles of the expanded
  navigation's items (its links, its menus, the person's name and "Sign out") differ by
  more than half the smallest item's height, i.e. they are not on one line.

The page is loaded once per role and language in one signed-in context per person, then
resized through the four widths (a resize re-lays the page out as a load at that width
would; nothing in icsat measures the window in script). States that a preparation brings
about (a form with errors, the phone menu opened) are checked at the widths they exist at.

Set ``ICSAT_LAYOUT_SCREENSHOTS=1`` to also save each view, full page, under
``var/screenshots/layouts/`` (<language>-<width>-<page>-<role>.png), for a person to look at.

The sweep runs once per CI run: it is skipped in the PostgreSQL pass (``DATABASE_URL`` set),
since a layout does not depend on the database.
"""

import os
from pathlib import Path

from django.utils import translation

from .browser import DESKTOP, LAYOUT_SUMMARY, PAGE_SWEEP, login
from .crawl import BROWSER_LOCALES, ROLES, choose_language, signed_in_views

pytestmark = PAGE_SWEEP

LANGUAGES = ("es", "nb")  # the longest words of icsat's languages
WIDTHS = (375, 768, 1280, 1440)
HEIGHT = 900
NAV_EXPANDED = 1200  # Bootstrap's xl: .navbar-expand-xl shows the links from here on
ONE_LINE_FROM = 1280
SCROLLS_BELOW = 992  # a table with sticky row headings may scroll sideways below lg
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "layouts"

LAYOUT_PROBLEMS = """([checkNavigation, STICKY_BELOW]) => {
  const problems = [];
  const name = (el) => {
    const classes = Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");
    const text = (el.innerText || el.value || "").replace(/\\s+/g, " ").trim().slice(0, 70);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} "${text}"`;
  };
  const shown = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  };
  const ownText = (el) => Array.from(el.childNodes).some(
    (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const innermost = (els) => els.filter((el) => !els.some((o) => o !== el && el.contains(o)));

  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    const beyond = Array.from(document.body.querySelectorAll("*")).filter(
      (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && shown(el));
    problems.push(`the page scrolls sideways (${root.scrollWidth} px wide): ` +
      innermost(beyond).slice(0, 4).map(name).join("; "));
  }

  for (const el of document.body.querySelectorAll("*")) {
    const size = `${el.scrollWidth} px in ${el.clientWidth}`;
    if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    if (!el.textContent.trim() || !shown(el)) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (overflow === "hidden" || overflow === "clip") {
      problems.push(`text cut (overflow ${overflow}, ${size}): ${name(el)}`);
    } else if (el.classList.contains("table-responsive")) {
      const heads = Array.from(el.querySelectorAll("tbody th[scope=row]"));
      const sticky = heads.length &&
        heads.every((th) => getComputedStyle(th).position === "sticky");
      if (sticky && window.innerWidth < STICKY_BELOW) continue;
      const right = el.getBoundingClientRect().right;
      const cut = Array.from(el.querySelectorAll("thead th, tr:first-child > :is(th, td)"))
        .filter((cell) => cell.getBoundingClientRect().right > right + 1)
        .map((cell) => `"${cell.innerText.replace(/\\s+/g, " ").trim()}"`);
      problems.push(`table wider than its scroll box (${size}), ` +
        `columns cut: ${[...new Set(cut)].join(", ")}: ${name(el).slice(0, 120)}`);
    } else if (overflow === "auto" || overflow === "scroll") {
      problems.push(`box scrolls sideways (${size}): ${name(el)}`);
    } else if (ownText(el)) {
      problems.push(`text runs out of its box (${size}): ${name(el)}`);
    }
  }

  const context = document.createElement("canvas").getContext("2d");
  for (const select of document.querySelectorAll("select")) {
    if (select.multiple || select.size > 1 || !shown(select)) continue;
    const style = getComputedStyle(select);
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const room = select.clientWidth - padding;
    for (const option of select.options) {
      const needed = context.measureText(option.text.trim()).width;
      if (needed > room + 1) {
        const label = (select.labels[0] ? select.labels[0].innerText : select.name).trim();
        problems.push(`select "${label}" cuts the option "${option.text.trim()}" ` +
          `(${Math.ceil(needed)} px in ${Math.floor(room)})`);
      }
    }
  }

  if (checkNavigation) {
    const items = Array.from(document.querySelectorAll(
      ".navbar > .container-fluid > .navbar-brand, #nav-main > .navbar-nav > .nav-item, " +
      "#nav-main > .nav-account > *")).filter(shown);
    const boxes = items.map((el) => el.getBoundingClientRect());
    const middles = boxes.map((b) => (b.top + b.bottom) / 2);
    const tolerance = Math.min(...boxes.map((b) => b.height)) / 2;
    const off = items.filter((_, i) => Math.abs(middles[i] - middles[0]) > tolerance);
    if (off.length) {
      problems.push(`the navigation takes more than one line; below the first: ` +
        off.map(name).join("; "));
    }
  }
  return problems;
}"""


def _name(shot) -> str:
    """A page in the report: its path, or the state a preparation brings it into."""
    return f"{shot.name} ({shot.path})"


def _widths(shot) -> tuple[int, ...]:
    """The widths a view exists at: a state prepared only on a phone (the menu opened with
    the toggler) exists as long as the navigation is collapsed."""
    if shot.prepare and max(shot.widths) < NAV_EXPANDED:
        return tuple(w for w in WIDTHS if w < NAV_EXPANDED)
    return WIDTHS


def test_every_page_fits_every_width_in_the_longest_languages(open_page, request):
    data, pages, views = signed_in_views(open_page, login)
    people = data["people"]
    screenshots = os.environ.get("ICSAT_LAYOUT_SCREENSHOTS") == "1"
    if screenshots:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    problems: list[str] = []
    checked = 0
    for language in LANGUAGES:
        for who in people:
            pages[who].set_viewport_size(DESKTOP)  # the language form is in the expanded menu
            choose_language(pages[who], language)
        pages[None] = open_page(locale=BROWSER_LOCALES[language])
        for shot, who in views:
            page, role = pages[who], ROLES[who]
            widths = _widths(shot)
            page.set_viewport_size({"width": widths[0], "height": HEIGHT})
            response = page.goto(shot.path)
            assert response.status == shot.status, f"{shot.name} as {role}: {response.status}"
            with translation.override(language):
                if shot.prepare:
                    shot.prepare(page)
            lang = page.locator("html").get_attribute("lang")
            if lang != language:
                problems.append(f"{_name(shot)} as {role} in {language}: shown in {lang}")
            for width in widths:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                checked += 1
                found = page.evaluate(LAYOUT_PROBLEMS, [width >= ONE_LINE_FROM, SCROLLS_BELOW])
                where = f"{_name(shot)} as {role} in {language} at {width} px"
                problems += [f"{where}: {problem}" for problem in found]
                if screenshots:
                    file = f"{language}-{width}-{shot.name}-{role.replace(' ', '-')}.png"
                    page.screenshot(path=SCREENSHOTS / file, full_page=True)
        pages[None].context.close()

    request.config.stash[LAYOUT_SUMMARY] = (
        f"layouts: {len({shot.name for shot, _who in views})} pages × "
        f"{len({who for _shot, who in views})} roles × {len(LANGUAGES)} languages × "
        f"{len(WIDTHS)} widths = {checked} page views checked, {len(problems)} problems"
    )
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems)


def test_the_busiest_navigation_keeps_one_line(open_page):
    """The most a bar ever holds: a person who leads three departments with long names, is
    an HR admin, has a survey waiting and unread notifications, with the longest name. Their
    queues share one menu; the bar stays on one line at 1280 and 1440 px in es and nb."""
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.models import Membership
    from surveys.models import Invitation, Notification
    from surveys.selectors import current_version
    from tests import factories

    departments = [
        factories.DepartmentFactory(name=name, name_es=name_es, name_nb=name_nb)
        for name, name_es, name_nb in (
            (
                "Facilities & Workplace Services",
                "Instalaciones y servicios generales",
                "Drift og arbeidsplasstjenester",
            ),
            ("Information Technology", "Tecnologías de la información", "Informasjonsteknologi"),
            ("Communications", "Comunicación corporativa", "Kommunikasjon"),
        )
    ]
    person = factories.hr_admin(first_name="Maximiliana Fernanda", last_name="Castellanos-Øvrebø")
    for department in departments:
        Membership.objects.create(user=person, department=department, role=Membership.Role.LEAD)
    survey = factories.survey(departments=departments[:1])
    ticket = factories.make_ticket(
        requester=person, request_type=factories.RequestTypeFactory(department=departments[0])
    )
    Invitation.objects.create(
        ticket=ticket,
        survey=survey,
        version=current_version(survey),
        recipient=person,
        department=departments[0],
        status=Invitation.Status.SENT,
        send_after=timezone.now(),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    Notification.objects.bulk_create(Notification(user=person, text="…") for _ in range(12))

    page = open_page()
    page.set_viewport_size(DESKTOP)
    login(page, person)
    problems = []
    for language in LANGUAGES:
        choose_language(page, language)
        for width in (1280, 1440):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            found = page.evaluate(LAYOUT_PROBLEMS, [True, SCROLLS_BELOW])
            problems += [f"start page in {language} at {width} px: {p}" for p in found]
            if os.environ.get("ICSAT_LAYOUT_SCREENSHOTS"):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"{language}-{width}-busiest-navigation.png")
    assert not problems, "\n".join(problems)
