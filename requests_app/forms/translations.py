"""Form fields for the other site languages beside an English one (requests_app.content)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..content import TRANSLATED_LANGUAGES, translation_key

LANGUAGE_NAMES = dict(settings.LANGUAGES)
# Whole sentences per language, so each catalogue writes its language's name as its grammar
# wants it mid-sentence ("en español", "på norsk bokmål").
FIELD_IN = {
    "es": _("%(field)s in Spanish"),
    "nb": _("%(field)s in Norwegian Bokmål"),
}
READERS_IN = {
    "es": _("Optional. Left empty, readers in Spanish see the English text."),
    "nb": _("Optional. Left empty, readers in Norwegian Bokmål see the English text."),
}


def option_lines(text: str | None) -> list[str]:
    """One option per non-empty line, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TranslationFieldsMixin:
    """Adds ``<attr>_<language>`` fields, optional, after each English field named in
    ``translated_fields``; ``translated_options`` names option lists (one per line) whose
    translations must give every English option, in the same order."""

    translated_fields: tuple[str, ...] = ()
    translated_option_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translated = (*self.translated_fields, *self.translated_option_fields)
        ours = {translation_key(name, code) for name in translated for code in TRANSLATED_LANGUAGES}
        fields = {}
        for name, field in self.fields.items():
            if name in ours:
                continue  # a model form's own field for it; ours replaces it below
            fields[name] = field
            if name not in (*self.translated_fields, *self.translated_option_fields):
                continue
            for code in TRANSLATED_LANGUAGES:
                fields[translation_key(name, code)] = self._translation_field(field, name, code)
        self.fields = fields

    def _translation_field(self, english: forms.Field, name: str, code: str) -> forms.Field:
        language = LANGUAGE_NAMES[code]
        is_options = name in self.translated_option_fields
        field = forms.CharField(
            label=FIELD_IN.get(code, _("%(field)s in %(language)s"))
            % {"field": english.label, "language": language},
            required=False,
            max_length=getattr(english, "max_length", None),
            widget=forms.Textarea(attrs={"rows": 3})
            if is_options or isinstance(english.widget, forms.Textarea)
            else forms.TextInput,
            help_text=(
                _("Optional: one per line, in the English order. Left empty, English is shown.")
                if is_options
                else READERS_IN.get(
                    code, _("Optional. Left empty, readers in %(language)s see the English text.")
                )
                % {"language": language}
            ),
        )
        field.translation_of = name  # type: ignore[attr-defined]
        field.language = code  # type: ignore[attr-defined]
        return field

    def layout_rows(self) -> list[tuple]:
        """(bound field, [its translations' bound fields]) in the form's order; translations
        come with their English field, not on their own."""
        translated = (*self.translated_fields, *self.translated_option_fields)
        rows = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if getattr(field, "translation_of", None):
                continue
            translations = (
                [self[translation_key(name, code)] for code in TRANSLATED_LANGUAGES]  # type: ignore[index]
                if name in translated
                else []
            )
            rows.append((self[name], translations))  # type: ignore[index]
        return rows

    def translation_grid(self) -> list[tuple]:
        """({code, name}, [bound fields], whether something falls back) per language, for a
        form row whose translations are laid out one line per language."""
        translated = (*self.translated_fields, *self.translated_option_fields)
        grid = []
        for code in TRANSLATED_LANGUAGES:
            fields = [self[translation_key(name, code)] for name in translated]  # type: ignore[index]
            falls_back = any(
                self[name].value() and not bound.value()  # type: ignore[index]
                for name, bound in zip(translated, fields, strict=True)
            )
            grid.append(({"code": code, "name": LANGUAGE_NAMES[code]}, fields, falls_back))
        return grid

    def clean_translated_options(self, cleaned: dict, english_options: dict[str, list]) -> None:
        """Turn option translations into lists; a list that does not match English is an error."""
        for name in self.translated_option_fields:
            for code in TRANSLATED_LANGUAGES:
                key = translation_key(name, code)
                lines = option_lines(cleaned.get(key))
                english = english_options.get(name) or []
                if lines and len(lines) != len(english):
                    self.add_error(  # type: ignore[attr-defined]
                        key,
                        ValidationError(
                            _(
                                "Give %(n)d options, one per line in the order of the "
                                "English ones, or leave it empty."
                            )
                            % {"n": len(english)},
                            code="option_count",
                        ),
                    )
                cleaned[key] = lines if english else []
