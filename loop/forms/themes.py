"""Forms of comment themes: naming a theme in three languages, and tagging a comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.forms.translations import TranslationFieldsMixin

from ..models import Theme

NAME_LENGTH = Theme._meta.get_field("name").max_length


class ThemeForm(TranslationFieldsMixin, forms.Form):
    """A theme's name in English, with optional Spanish and Norwegian translations."""

    translated_fields = ("name",)

    name = forms.CharField(
        label=_("Theme"),
        max_length=NAME_LENGTH,
        help_text=_("A few words your customers would recognise, e.g. “slow laptop delivery”."),
    )


class CommentThemeForm(forms.Form):
    """Add a theme to, or take one off, a comment on the dashboard."""

    comment = forms.CharField(max_length=64)
    week = forms.DateField()
    theme = forms.IntegerField(min_value=1, required=False)  # empty: "Choose a theme"
    op = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    next = forms.CharField(required=False, max_length=2000)
