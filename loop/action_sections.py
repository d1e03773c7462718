"""Sections other apps add to an action's page, below what was heard and changed.

"Did it work?" (the headline and the theme's share before and after the action's date)
is computed by insights, which sits above loop: loop must not import it. So insights
registers a section here from its ``AppConfig.ready``, and the page renders whatever is
registered, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    template: str  # rendered with ``section`` (this object) and ``action`` in its context
    context: dict[str, Any]


# (reader, action) -> a Section, or None to show nothing for this reader or action.
SectionBuilder = Callable[[Any, Any], Section | None]
_builders: list[SectionBuilder] = []


def register(builder: SectionBuilder) -> None:
    """Add a section to every action's page; registering one twice adds it once."""
    if builder not in _builders:
        _builders.append(builder)


def sections_for(user, action) -> list[Section]:
    return [section for builder in _builders if (section := builder(user, action)) is not None]
