"""Input validation for HR admins' survey pages; services receive cleaned_data."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from requests_app.content import TRANSLATED_LANGUAGES, translated, translation_key
from requests_app.forms.translations import TranslationFieldsMixin, option_lines
from requests_app.models import Department, RequestType

from .exceptions import SurveyConfigError
from .models import Question, Survey
from .services.editor import QUESTION_KEYS, validate_questions

SETTINGS_FIELDS = [
    "name",
    "is_active",
    "is_default",
    "departments",
    "request_types",
    "delay_minutes",
    "reminder_hours",
    "expires_days",
    "min_days_between",
    "sample_percent",
    "anonymous",
]


class DepartmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if not obj.is_active:
            return _("%(name)s (takes no requests)") % {"name": translated(obj, "name")}
        return translated(obj, "name")


class RequestTypeChoiceField(forms.ModelMultipleChoiceField):
    """Labelled with the type's name only: the page groups the types under their department."""

    def label_from_instance(self, obj):
        if obj.survey_opt_out:
            return _("%(name)s (never surveyed)") % {"name": translated(obj, "name")}
        if not obj.is_active:
            return _("%(name)s (inactive)") % {"name": translated(obj, "name")}
        return translated(obj, "name")


class SurveyForm(TranslationFieldsMixin, forms.ModelForm):
    """A survey's settings and targeting, plus the introduction of its current version."""

    translated_fields = ("intro",)

    departments = DepartmentChoiceField(
        label=_("Departments"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Sent after these departments resolve a request, unless a survey for the "
            "request's type applies."
        ),
    )
    request_types = RequestTypeChoiceField(
        label=_("Request types"),
        queryset=RequestType.objects.select_related("department").order_by(
            "department__name", "position", "name"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Sent after requests of these types; this beats a survey for the whole department. "
            "A survey that names request types is sent only for them, whatever its departments."
        ),
    )
    sample_percent = forms.IntegerField(
        label=_("Share of resolved requests asked (%)"),
        min_value=0,
        max_value=100,
        initial=Survey._meta.get_field("sample_percent").default,
        help_text=_("0 to 100. 100 asks about every resolved request; 25 about one in four."),
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the recipient above the questions."),
    )

    class Meta:
        model = Survey
        fields = SETTINGS_FIELDS
        labels = {
            "name": _("Name"),
            "is_active": _("Active"),
            "is_default": _("Default survey"),
            "delay_minutes": _("Delay after resolve (minutes)"),
            "reminder_hours": _("Reminder after (hours)"),
            "expires_days": _("Link expires after (days)"),
            "min_days_between": _("At most one survey per person every (days)"),
            "anonymous": _("Anonymous"),
        }
        help_texts = {
            "name": _("For HR admins: recipients see the introduction and the questions."),
            "is_active": _("An inactive survey is never sent; its answers stay."),
            "is_default": _(
                "Sent when no survey for the request's type or department applies. "
                "Only one survey is the default: choosing this one takes the role from the other."
            ),
            "delay_minutes": _(
                "How long after a request is resolved the invitation is e-mailed; 0 sends it "
                "at once. A request reopened before then is not surveyed."
            ),
            "reminder_hours": _(
                "One reminder this many hours after the invitation, if not yet answered; "
                "0 sends no reminder."
            ),
            "expires_days": _("The survey link stops working this many days after it is sent."),
            "min_days_between": _(
                "Whatever they request, a person gets at most one survey in this many days; "
                "0 asks after every resolved request."
            ),
            "anonymous": _(
                "Answers are never shown with a name or a link to the request, anywhere. "
                "Applies to answers given from now on; earlier answers keep their setting."
            ),
        }

    def service_arguments(self) -> dict:
        """cleaned_data as editor.survey_save takes it."""
        arguments = {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}
        arguments["intro"] = self.cleaned_data["intro"]
        arguments["intro_translations"] = {
            code: self.cleaned_data[translation_key("intro", code)] for code in TRANSLATED_LANGUAGES
        }
        return arguments

    def request_type_groups(self) -> list[tuple[str, list]]:
        """The request type checkboxes under their department's name, in the field's order."""
        groups: dict[str, list] = {}
        for option in self["request_types"]:
            request_type = option.data["value"].instance
            groups.setdefault(translated(request_type.department, "name"), []).append(option)
        return list(groups.items())


class QuestionForm(TranslationFieldsMixin, forms.Form):
    """One question of a survey's current version, in English and the other site languages."""

    translated_fields = ("text",)
    translated_option_fields = ("choices",)

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Question.Kind.choices, initial=Question.Kind.CSAT
    )
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for “Choice”: one option per line, at least two."),
    )
    required = forms.BooleanField(label=_("Answer required"), required=False)
    is_headline = forms.BooleanField(
        label=_("Headline question"),
        required=False,
        help_text=_("Its score is the one dashboards and low-score alerts use."),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        options = option_lines(cleaned.get("choices"))
        if kind == Question.Kind.CHOICE:
            if len(options) < 2:
                self.add_error(
                    "choices", _("A choice question needs at least two options, one per line.")
                )
            elif len(set(options)) != len(options):
                self.add_error("choices", _("Give each option only once."))
        if cleaned.get("is_headline") and kind and kind not in Question.HEADLINE_KINDS:
            self.add_error(
                "is_headline",
                _("The headline must be a 1–5 satisfaction or a 0–10 recommend question."),
            )
        cleaned["choices"] = options if kind == Question.Kind.CHOICE else []
        self.clean_translated_options(cleaned, {"choices": cleaned["choices"]})
        return cleaned


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this question")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            validate_questions(self.questions())
        except SurveyConfigError as error:
            raise ValidationError(error.message, code="invalid_questions") from error

    def questions(self) -> list[dict]:
        """The questions to keep, in the order of the rows, as the editor service takes them."""
        return [
            {key: form.cleaned_data[key] for key in QUESTION_KEYS}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=30,
    validate_max=True,
)


def question_initial(questions) -> list[dict]:
    """Formset rows for saved questions: options back to one per line."""
    return [
        {
            key: "\n".join(getattr(q, key) or []) if key.startswith("choices") else getattr(q, key)
            for key in QUESTION_KEYS
        }
        for q in questions
    ]


def new_survey_initial() -> list[dict]:
    """A new survey starts with the one question every survey needs: a headline score."""
    return [
        {
            "kind": Question.Kind.CSAT,
            "text": str(_("How satisfied are you with how your request was handled?")),
            "required": True,
            "is_headline": True,
        }
    ]


class QuestionMoveForm(forms.Form):
    index = forms.IntegerField(min_value=0)
    offset = forms.TypedChoiceField(choices=[("-1", "-1"), ("1", "1")], coerce=int)
