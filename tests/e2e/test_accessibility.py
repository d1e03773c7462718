"""axe-core on every page of the crawl, as every role that reaches it, in every language.

Fails on any serious or critical violation of WCAG 2.0/2.1 A and AA or axe's best practices;
moderate and minor ones are counted in the summary line printed at the end of the run.

axe is injected with ``page.evaluate``: icsat's CSP refuses the <script> element that
Playwright's ``add_script_tag`` would add. The script is axe-core as bundled by the PyPI
package axe-playwright-python.

A person's language is switched the way they would: signed in, with the language form
under their name in the navigation (it saves it in their profile); signed out, by the
browser's language.
"""

import importlib.resources
from collections import Counter
from dataclasses import dataclass

from django.utils import translation

from .browser import AXE_SUMMARY, DESKTOP, PAGE_SWEEP, PHONE, login
from .crawl import BROWSER_LOCALES, ROLES, choose_language, signed_in_views

pytestmark = PAGE_SWEEP

AXE_SOURCE = importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
RUN_AXE = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""
FAILING = {"serious", "critical"}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    page: str
    role: str
    language: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:4]) + (" ..." if len(self.targets) > 4 else "")
        return (
            f"{self.impact} {self.rule} ({self.help}) on {self.page} as {self.role} "
            f"in {self.language}: {shown}"
        )


def axe(page) -> list[dict]:
    """The violations on the page as shown now (axe is injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, AXE_OPTIONS)


def _name(shot) -> str:
    """A page in the summary: its path, or the state a preparation brings it into."""
    return shot.name if shot.prepare else shot.path


def _by_rule(violations: list[Violation]) -> str:
    """The violations counted by rule and impact for the summary; nothing when none."""
    counts = Counter(f"{v.rule} {v.impact}" for v in violations).most_common()
    return f" ({', '.join(f'{rule}: {n}' for rule, n in counts)})" if counts else ""


def test_no_serious_axe_violation_on_any_page_role_or_language(open_page, request):
    data, pages, views = signed_in_views(open_page, login)
    people = data["people"]

    violations: list[Violation] = []
    problems: list[str] = []
    for language, locale in BROWSER_LOCALES.items():
        for who in people:
            choose_language(pages[who], language)
        pages[None] = open_page(locale=locale)
        # Signed-in people first: a survey link shows its recipient's language, chosen above.
        for shot, who in views:
            page, role = pages[who], ROLES[who]
            page.set_viewport_size(DESKTOP if 1280 in shot.widths else PHONE)
            response = page.goto(shot.path)
            assert response.status == shot.status, f"{shot.name} as {role}: {response.status}"
            with translation.override(language):
                if shot.prepare:
                    shot.prepare(page)
            lang = page.locator("html").get_attribute("lang")
            if lang != language:
                problems.append(f"{shot.name} as {role} in {language}: shown in {lang}")
            violations += [
                Violation(
                    rule=found["id"],
                    impact=found["impact"] or "minor",
                    help=found["help"],
                    page=_name(shot),
                    role=role,
                    language=language,
                    targets=tuple(found["targets"]),
                )
                for found in axe(page)
            ]
        pages[None].context.close()

    failing = [v for v in violations if v.impact in FAILING]
    others = [v for v in violations if v.impact not in FAILING]
    request.config.stash[AXE_SUMMARY] = (
        f"axe: {len({_name(shot) for shot, _who in views})} pages × "
        f"{len({who for _shot, who in views})} roles × {len(BROWSER_LOCALES)} languages = "
        f"{len(views) * len(BROWSER_LOCALES)} page views checked, "
        f"{len(failing)} serious/critical{_by_rule(failing)}, "
        f"{len(others)} moderate/minor{_by_rule(others)}"
    )
    assert not problems, "\n".join(problems)
    assert not failing, "serious or critical axe violations:\n" + "\n".join(map(str, failing))
