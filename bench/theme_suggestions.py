"""How often the theme suggestion (loop/suggestions.py) agrees with the leads' own tags.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py seed_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python -m bench.theme_suggestions

Two measures, per department with themes and in all:

- **As used**: the comments in the order they came in; each is offered the suggestion
  learnt from the theme names and the tags of the comments before it, and the suggestion
  counts as accepted when the lead tagged that comment with that theme. A comment the
  lead left untagged counts as a wrong suggestion when it got one. This is what a lead
  tagging the demo's comments one by one would have seen; the demo repeats its comments,
  so a text seen before is often suggested right.
- **Unseen wording**: leave one text out: for each distinct tagged text, the suggester
  learns from every other tagged text (never that one, nor its copies).
"""

import os
import sys
from collections import defaultdict


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsat.settings")
    import django

    django.setup()
    from loop.models import Theme, ThemeTag
    from loop.suggestions import Example, ThemeSuggester
    from surveys.models import Response

    totals: defaultdict[str, int] = defaultdict(int)
    used_totals: defaultdict[str, int] = defaultdict(int)
    lines = []
    for department_id in (
        Theme.objects.filter(is_active=True)
        .order_by()
        .values_list("department", flat=True)
        .distinct()
    ):
        themes = list(Theme.objects.filter(department_id=department_id, is_active=True))
        tags: defaultdict[str, set[int]] = defaultdict(set)
        for theme_id, text in ThemeTag.objects.filter(theme__in=themes).values_list(
            "theme_id", "response__comment"
        ):
            tags[text].add(theme_id)
        counts: defaultdict[str, int] = defaultdict(int)
        for text, tagged_with in tags.items():
            examples = [
                Example(theme_id, other)
                for other, ids in tags.items()
                if other != text
                for theme_id in ids
            ]
            suggested = ThemeSuggester(themes, examples).suggest(text)
            if suggested is None:
                counts["tagged, no suggestion"] += 1
            elif suggested.pk in tagged_with:
                counts["tagged, suggestion accepted"] += 1
            else:
                counts["tagged, another theme suggested"] += 1
        untagged = (
            Response.objects.filter(department_id=department_id)
            .exclude(comment="")
            .exclude(comment__in=list(tags))
            .values_list("comment", flat=True)
            .distinct()
        )
        suggester = ThemeSuggester(
            themes, [Example(t, text) for text, ids in tags.items() for t in ids]
        )
        for text in untagged:
            key = "untagged, a theme suggested" if suggester.suggest(text) else "untagged, none"
            counts[key] += 1
        used = _as_used(department_id, themes)
        name = themes[0].department.name
        lines.append(f"{name} ({len(themes)} themes)")
        lines.append("  as used: " + _describe_used(used))
        lines.append("  unseen wording: " + _describe(counts))
        for key, value in counts.items():
            totals[key] += value
        for key, value in used.items():
            used_totals[key] += value
    print("\n".join(lines))
    print("All departments")
    print("  as used: " + _describe_used(used_totals))
    print("  unseen wording: " + _describe(totals))
    return 0


def _as_used(department_id, themes) -> dict[str, int]:
    from loop.models import ThemeTag
    from loop.suggestions import Example, ThemeSuggester
    from surveys.models import Response

    tagged: defaultdict[int, set[int]] = defaultdict(set)
    for response_id, theme_id in ThemeTag.objects.filter(theme__in=themes).values_list(
        "response_id", "theme_id"
    ):
        tagged[response_id].add(theme_id)
    counts: defaultdict[str, int] = defaultdict(int)
    learnt: list = []
    comments = (
        Response.objects.filter(department_id=department_id)
        .exclude(comment="")
        .order_by("submitted_at", "pk")
        .values_list("pk", "comment")
    )
    for response_id, text in comments:
        suggested = ThemeSuggester(themes, learnt).suggest(text)
        themes_given = tagged.get(response_id, set())
        if suggested is None:
            counts["tagged, none" if themes_given else "untagged, none"] += 1
        elif suggested.pk in themes_given:
            counts["accepted"] += 1
        else:
            counts["tagged, another" if themes_given else "untagged, suggested"] += 1
        learnt += [Example(theme_id, text) for theme_id in themes_given]
    return counts


def _describe_used(counts) -> str:
    tagged = counts["accepted"] + counts["tagged, another"] + counts["tagged, none"]
    shown = counts["accepted"] + counts["tagged, another"] + counts["untagged, suggested"]
    untagged = counts["untagged, suggested"] + counts["untagged, none"]
    accepted = counts["accepted"]
    return (
        f"{shown} suggestions shown, {accepted} accepted ({_share(accepted, shown)}); "
        f"{tagged} tagged comments, {_share(accepted, tagged)} of them suggested right; "
        f"{counts['untagged, suggested']} of {untagged} untagged comments got a suggestion"
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _describe(counts) -> str:
    tagged = sum(v for k, v in counts.items() if k.startswith("tagged"))
    accepted = counts["tagged, suggestion accepted"]
    suggested = accepted + counts["tagged, another theme suggested"]
    share = f"{accepted / tagged:.0%}" if tagged else "—"
    precision = f"{accepted / suggested:.0%}" if suggested else "—"
    return (
        f"{tagged} tagged texts: accepted {accepted} ({share} of all, {precision} of the "
        f"suggestions), another theme {counts['tagged, another theme suggested']}, none "
        f"{counts['tagged, no suggestion']}; untagged texts: "
        f"{counts['untagged, a theme suggested']} of "
        f"{counts['untagged, a theme suggested'] + counts['untagged, none']} get a suggestion"
    )


if __name__ == "__main__":
    sys.exit(main())
