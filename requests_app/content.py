"""What people write for other people, in the reader's language.

English is the source: it lives in the base column (``name``, ``intro``, ``text``,
``choices``) and is required; each other site language sits beside it under the same
name with the language's code (``name_es``, ``name_nb``, and the same keys inside the
JSON field definitions of a request type's form). An empty translation falls back to
English, option by option for lists.

English stays the one value that is matched, sorted, imported, audited and stored in
answers: a Norwegian reader who picks "Ja" from a translated list stores the English
option, so answers given in three languages count as one question's answers.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

SOURCE_LANGUAGE = "en"
# Every site language but English, in the order of settings.LANGUAGES.
TRANSLATED_LANGUAGES: tuple[str, ...] = tuple(
    code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE
)


def reader_language(language: str | None = None) -> str:
    """A site language code for ``language`` (default: the active one), e.g. 'es-es' → 'es'."""
    code = (language or get_language() or SOURCE_LANGUAGE).lower().split("-")[0]
    return code if code in TRANSLATED_LANGUAGES else SOURCE_LANGUAGE


def translation_key(attr: str, language: str) -> str:
    return f"{attr}_{language}"


def translation_keys(attr: str) -> tuple[str, ...]:
    """``attr`` and its column in every other site language: ('name', 'name_es', 'name_nb')."""
    return (attr, *(translation_key(attr, code) for code in TRANSLATED_LANGUAGES))


def _read(source: Any, key: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(key)
    return getattr(source, key, None)


def translated(source: Any, attr: str, language: str | None = None) -> str:
    """``source.attr`` in the reader's language, or the English text when not translated."""
    code = reader_language(language)
    if code != SOURCE_LANGUAGE:
        value = _read(source, translation_key(attr, code))
        if value:
            return value
    return _read(source, attr) or ""


def falls_back(source: Any, attr: str, language: str) -> bool:
    """Whether readers in ``language`` see the English ``attr`` for want of a translation."""
    code = reader_language(language)
    if code == SOURCE_LANGUAGE or not _read(source, attr):
        return False
    translation = _read(source, translation_key(attr, code))
    if isinstance(translation, list):
        return not translation or not all(translation)
    return not translation


def translated_options(
    source: Any, attr: str = "choices", language: str | None = None
) -> list[tuple[str, str]]:
    """(stored English value, label in the reader's language) for each option."""
    options = list(_read(source, attr) or [])
    code = reader_language(language)
    labels = []
    if code != SOURCE_LANGUAGE:
        labels = list(_read(source, translation_key(attr, code)) or [])
    return [
        (option, labels[i] if i < len(labels) and labels[i] else option)
        for i, option in enumerate(options)
    ]


def option_label(
    source: Any, value: str, attr: str = "choices", language: str | None = None
) -> str:
    """The label of one stored option in the reader's language (the value itself if unknown)."""
    for option, label in translated_options(source, attr, language):
        if option == value:
            return label
    return value


def missing_languages(source: Any, attrs: tuple[str, ...]) -> list[str]:
    """The site languages in which some of ``attrs`` falls back to English."""
    return [
        code
        for code in TRANSLATED_LANGUAGES
        if any(falls_back(source, attr, code) for attr in attrs)
    ]
