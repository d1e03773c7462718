"""Every page at 1280 px and 375 px: screenshots for a person to judge, checks for a machine.

Screenshots go to test-artifacts/screenshots/<page>-<width>.png at the repository root
(gitignored). On each page and width: exactly one h1, every visible form control has an
accessible name, every stylesheet loaded, no console error, uncaught exception or CSP
violation; at 375 px the page itself does not scroll sideways (a .table-responsive
scrolling inside is fine). On the ticket pages the first Tab reaches the skip link.
"""

import re
from pathlib import Path

from .browser import DESKTOP, PAGE_SWEEP, PHONE, login
from .crawl import seed, shots

pytestmark = PAGE_SWEEP

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {1280: DESKTOP, 375: PHONE}


# --- what is checked on every page -----------------------------------------------------------

UNNAMED_CONTROLS = """() => {
  const text = (node) => (node ? node.textContent : "").replace(/\\s+/g, " ").trim();
  const nameOf = (el) => {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const byIds = ids.map((id) => text(document.getElementById(id))).join(" ").trim();
    if (byIds) return byIds;
    const label = (el.getAttribute("aria-label") || "").trim();
    if (label) return label;
    const labels = Array.from(el.labels || []).map(text).join(" ").trim();
    if (labels) return labels;
    if (el.tagName === "BUTTON") return text(el);
    if (["submit", "button", "reset"].includes(el.type)) return (el.value || "").trim();
    return "";
  };
  const controls = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, [role=combobox], [role=listbox]"
  );
  return Array.from(controls)
    .filter((el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false }))
    .filter((el) => !nameOf(el))
    .map((el) => el.outerHTML.slice(0, 160));
}"""

WIDER_THAN = """(limit) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    // Inside a .table-responsive only what escapes its clipping counts: positioned
    // elements whose containing block lies outside it.
    const inScroller = el.parentElement && el.parentElement.closest(".table-responsive");
    const position = getComputedStyle(el).position;
    if (inScroller && position !== "absolute" && position !== "fixed") continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 1) {
      const classes = Array.from(el.classList).map((c) => "." + c).join("");
      const text = (el.textContent || "").trim().slice(0, 40);
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
      out.push(`${name} right=${Math.round(box.right)} '${text}'`);
    }
  }
  return out.slice(0, 8);
}"""

UNSTYLED_CONTROLS = """() => Array.from(
    document.querySelectorAll("input:not([type=hidden]), select, textarea"))
  .filter((el) => el.checkVisibility({ visibilityProperty: true }))
  .filter((el) => {
    const has = (name) => el.classList.contains(name);
    if (el.tagName === "SELECT") return !has("form-select");
    // .btn-check: Bootstrap's toggle button, the label styled as the button (survey scales).
    if (el.type === "checkbox" || el.type === "radio") {
      return !has("form-check-input") && !has("btn-check");
    }
    return !has("form-control");
  })
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "[name=" + el.name + "]")"""

STYLESHEETS_NOT_LOADED = """() => Array.from(document.querySelectorAll("link[rel=stylesheet]"))
  .filter((link) => !link.sheet || link.sheet.cssRules.length === 0)
  .map((link) => link.href)"""


def audit(page, console, name: str, width: int, *, allow: str | None = None) -> list[str]:
    """What is wrong with the page as shown now; an empty list when nothing is."""
    where = f"{name} @{width}px"
    problems = []
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{where}: {h1_count} h1 elements, expected exactly one")
    for control in page.evaluate(UNNAMED_CONTROLS):
        problems.append(f"{where}: control without an accessible name: {control}")
    for control in page.evaluate(UNSTYLED_CONTROLS):
        problems.append(f"{where}: control without its Bootstrap class: {control}")
    for sheet in page.evaluate(STYLESHEETS_NOT_LOADED):
        problems.append(f"{where}: stylesheet not loaded: {sheet}")
    if width == 375:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > 375 + 1:
            wide = page.evaluate(WIDER_THAN, 375)
            problems.append(f"{where}: page scrolls sideways (scrollWidth {scroll_width}): {wide}")
    problems += [f"{where}: {e}" for e in console.errors(allow=allow)]
    return problems


def skip_link_problems(page, name: str, width: int) -> list[str]:
    """From the top of the page, Tab reaches the skip link first, and it leads into main."""
    where = f"{name} @{width}px"
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(),"
        " document.activeElement.getAttribute('href')]"
    )
    if focused != ["Skip to main content", "#main"]:
        return [f"{where}: the first Tab reaches {focused}, not the skip link"]
    box = page.locator("a[href='#main']").bounding_box()
    if not box or box["width"] < 20 or box["height"] < 10:
        return [f"{where}: the focused skip link is not visible ({box})"]
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.id") != "main":
        return [f"{where}: following the skip link does not move the focus into main"]
    return []


# App bugs reported to the lead and not fixed yet (tests/e2e may not touch the app). Each
# pattern must still match a problem, so a fix is noticed and its entry removed; any
# problem matching none fails the test.
KNOWN_PROBLEMS: dict[str, str] = {}


def _check_against_known(problems: list[str]) -> None:
    unexpected = [p for p in problems if not any(re.search(k, p) for k in KNOWN_PROBLEMS)]
    fixed = [k for k in KNOWN_PROBLEMS if not any(re.search(k, p) for p in problems)]
    assert not unexpected, "\n".join(unexpected)
    assert not fixed, f"Fixed now? Remove from KNOWN_PROBLEMS: {fixed}"


def test_every_page_at_desktop_and_phone_width(open_page, console):
    data = seed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for who, user in [(None, None), *data["people"].items()]:
        pages[who] = open_page()
        if user is not None:
            login(pages[who], user)

    problems = []
    for width, viewport in WIDTHS.items():
        for shot in shots(data):
            if width not in shot.widths:
                continue
            page = pages[shot.who]
            page.set_viewport_size(viewport)
            console.clear()
            response = page.goto(shot.path)
            if response.status != shot.status:
                problems.append(f"{shot.name} @{width}px: HTTP {response.status}")
            if shot.prepare:
                shot.prepare(page)
            page.screenshot(path=SCREENSHOTS / f"{shot.name}-{width}.png", full_page=True)
            problems += audit(page, console, shot.name, width, allow=shot.allow)
            if shot.skip_link:
                problems += skip_link_problems(page, shot.name, width)

    _check_against_known(problems)
