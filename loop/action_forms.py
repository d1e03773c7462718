"""The leads' form for a "you said, we did" action; the rules are in loop.services.actions."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from requests_app.content import TRANSLATED_LANGUAGES, translated, translation_key
from requests_app.forms.translations import TranslationFieldsMixin

from .models import Action, Theme


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return translated(obj, "name")


class ActionForm(TranslationFieldsMixin, forms.ModelForm):
    translated_fields = ("heard", "changed")

    theme = ThemeChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        label=_("Theme you heard about"),
        empty_label=_("(none: a figure)"),
        help_text=_("What your customers keep saying, as your department names it."),
    )

    class Meta:
        model = Action
        fields = [
            "theme",
            "figure",
            "heard_from",
            "heard_to",
            "heard",
            *(translation_key("heard", code) for code in TRANSLATED_LANGUAGES),
            "changed",
            *(translation_key("changed", code) for code in TRANSLATED_LANGUAGES),
            "effective_on",
        ]
        labels = {
            "figure": _("Or a figure"),
            "heard_from": _("Heard from"),
            "heard_to": _("Heard until"),
            "heard": _("What we heard"),
            "changed": _("What we changed"),
            "effective_on": _("In effect from"),
        }
        help_texts = {
            "figure": _("A figure of the dashboard over the period below."),
            "heard_from": _("The period of the answers: required with a figure."),
            "heard": _("In your customers' words, e.g. “Laptops took two weeks to arrive.”"),
            "changed": _("What is different now, e.g. “Laptops are kept in stock.”"),
            "effective_on": _("Not before the period you heard about."),
        }
        widgets = {
            "heard_from": _date_input(),
            "heard_to": _date_input(),
            "effective_on": _date_input(),
            "heard": forms.Textarea(attrs={"rows": 3}),
            "changed": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        # This department's themes in use, and the action's own even if retired since.
        usable = Q(is_active=True) | Q(pk=self.instance.theme_id or 0)
        self.fields["theme"].queryset = Theme.objects.filter(usable, department=department)
        self.fields["figure"].choices = [("", _("(none: a theme)")), *Action.Figure.choices]

    def service_fields(self) -> dict:
        """The cleaned values as action_save takes them."""
        data = self.cleaned_data
        return {
            "theme": data.get("theme"),
            "figure": data.get("figure") or "",
            "heard_from": data.get("heard_from"),
            "heard_to": data.get("heard_to"),
            "effective_on": data.get("effective_on"),
            **{
                name: data.get(name) or ""
                for attr in self.translated_fields
                for name in (attr, *(translation_key(attr, c) for c in TRANSLATED_LANGUAGES))
            },
        }
