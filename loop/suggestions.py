"""A theme to suggest for a comment, from the words of the department's own tagging.

The method, small and local (no service, no model download): each word of a comment is
reduced to its stems with the Snowball stemmers of icsat's three languages (English,
Spanish, Norwegian Bokmål; a comment's language is not known, and a word rarely stems to
another language's stem of a different meaning), so "laptops", "portátiles" and
"bærbare" meet "laptop", "portátil" and "bærbar". A theme is described by its names in
the three languages and by the comments the department has tagged with it. The
languages' most common small words ("the", "que", "ikke") are left out, and each stem
weighs by how rare it is among the theme names and tagged comments (inverse document
frequency). A comment's suggestion is the theme whose description is closest (cosine
similarity), when it is close enough and clearly closer than the next.

Only texts the department's leads have tagged are learnt from, and the stop words are a
fixed list: a suggestion tells nothing about comments the reader cannot see.

It reads nothing but text: tags keep no tagger or time, and a suggestion neither. How
often it agrees with the leads' own tags is measured by ``bench/theme_suggestions.py``.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

LANGUAGES = ("english", "spanish", "norwegian")
# Tuned on the demo's tagging (bench/theme_suggestions.py), then left alone.
MIN_SIMILARITY = 0.3
MIN_MARGIN = 0.1  # over the second-closest theme
NAME_WEIGHT = 2.0  # a theme's own name counts as two tagged comments
WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, three or more

# The most frequent words of three letters or more that say nothing about a theme.
_STOP_WORDS_BY_LANGUAGE = {
    "en": """about after again all also and any are because been before being but can could
        did does doing done for from get got had has have her here him his how into its just
        let like made make more most much not now off once only other our out over own same
        she should some still such than that the their them then there these they this
        those too very was way were what when where which while who why will with would
        you your yours thank thanks please""",
    "es": """algo ante antes así aunque cada como con cuando del desde donde dos durante ella
        ellos esa ese eso esta este esto estoy fue gracias había han hasta hay les los mas
        más muy nada nos para pero poco por porque que qué sea ser sin sobre son también
        tan tengo todo todos una uno unos usted""",
    "nb": """alle andre men bare ble blir denne dere dette din det den der deg eller enn for
        fra får han hadde har hun hva hvis hvor ikke inn jeg kan kom kunne med meg mer min
        mye når noe noen nok også oss over selv seg sin skal som til takk tusen under var
        vår vil være ved etter før""",
}
STOP_WORDS = frozenset(w for words in _STOP_WORDS_BY_LANGUAGE.values() for w in words.split())


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=100_000)  # a language's words, not unbounded: comments bring typos
def _stems_of_word(word: str) -> frozenset[str]:
    return frozenset(_stemmer(language).stemWord(word) for language in LANGUAGES)


def stems(text: str) -> frozenset[str]:
    """The stems of a text's words in each of the three languages, stop words left out."""
    words = (w for w in WORD.findall(text.casefold()) if w not in STOP_WORDS)
    return frozenset().union(*(_stems_of_word(w) for w in words))


@dataclass(frozen=True)
class Example:
    theme_id: int
    text: str


class ThemeSuggester:
    """Built once per page from a department's themes and tagged comments."""

    def __init__(self, themes: Sequence, examples: Iterable[Example]):
        self.themes = {theme.pk: theme for theme in themes}
        documents: list[tuple[int, frozenset[str], float]] = []
        for theme in themes:
            names = " ".join(filter(None, (theme.name, theme.name_es, theme.name_nb)))
            documents.append((theme.pk, stems(names), NAME_WEIGHT))
        for example in examples:
            if example.theme_id in self.themes:
                documents.append((example.theme_id, stems(example.text), 1.0))
        frequency = Counter(stem for _theme, words, _weight in documents for stem in words)
        total = len(documents) + 1
        self.idf = {stem: math.log(total / n) + 1.0 for stem, n in frequency.items()}
        centroids: dict[int, Counter] = {pk: Counter() for pk in self.themes}
        for theme_id, words, weight in documents:
            for stem in words:
                centroids[theme_id][stem] += weight * self.idf[stem]
        self.centroids = {pk: (vector, _norm(vector)) for pk, vector in centroids.items()}

    def similarities(self, text: str) -> dict[int, float]:
        vector = {stem: self.idf[stem] for stem in stems(text) if stem in self.idf}
        norm = _norm(vector)
        if not norm:
            return {}
        return {
            pk: sum(weight * centroid.get(stem, 0.0) for stem, weight in vector.items())
            / (norm * centroid_norm)
            for pk, (centroid, centroid_norm) in self.centroids.items()
            if centroid_norm
        }

    def suggest(self, text: str, exclude: Iterable[int] = ()):
        """The theme to suggest for ``text`` (not one of ``exclude``, its themes already),
        or None when no theme is close enough or two are about as close."""
        excluded = set(exclude)
        ranked = sorted(
            ((score, pk) for pk, score in self.similarities(text).items() if pk not in excluded),
            reverse=True,
        )
        if not ranked or ranked[0][0] < MIN_SIMILARITY:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MIN_MARGIN:
            return None
        return self.themes[ranked[0][1]]


def _norm(vector) -> float:
    return math.sqrt(sum(weight * weight for weight in vector.values()))
