"""Input validation for every page; services receive cleaned_data."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..content import TRANSLATED_LANGUAGES, translated, translated_options, translation_key
from ..models import Department, Membership, RequestType, Ticket
from ..services.departments import FIELD_SPEC_DEFAULTS
from ..uploads import ACCEPT_ATTRIBUTE, allowed_types_help, check_upload
from .translations import TranslationFieldsMixin, option_lines
from .widgets import BootstrapWidgetsMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("help_text", lazy(allowed_types_help, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limit = settings.ICSAT_MAX_FILES_PER_UPLOAD
        if len(files) > limit:
            raise ValidationError(
                ngettext("Attach at most %(n)d file.", "Attach at most %(n)d files.", limit)
                % {"n": limit},
                code="too_many",
            )
        pairs, errors = [], []
        for uploaded in files:
            try:
                pairs.append((uploaded, check_upload(uploaded)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return pairs


class SingleFileField(forms.FileField):
    """One file answer of a request form, checked like every attachment."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        return (uploaded, check_upload(uploaded))


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class SubmissionKeyMixin(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


FIELD_PREFIX = "field_"
# A request type's form field as stored in RequestType.fields: the services' definition.
FIELD_SPEC_KEYS = tuple(FIELD_SPEC_DEFAULTS)


def _custom_field(spec: dict) -> forms.Field:
    kind = spec.get("kind", "text")
    common = {
        "label": translated(spec, "label") or spec.get("name"),
        "required": bool(spec.get("required")),
        "help_text": translated(spec, "help"),
    }
    kinds = RequestType.FieldKind
    if kind == kinds.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
    if kind == kinds.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == kinds.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == kinds.CHOICE:
        # The English option is the stored value in every language (requests_app.content).
        choices = [("", _("Choose…")), *translated_options(spec)]
        return forms.ChoiceField(choices=choices, **common)
    if kind == kinds.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", _("Choose…")), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            **common,
        )
    if kind == kinds.FILE:
        return SingleFileField(**common)
    return forms.CharField(max_length=300, **common)


class RequestForm(SubmissionKeyMixin):
    """The form of one request type: title, its custom fields, description, files."""

    title = forms.CharField(label=_("Summary"), max_length=200)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[c for c in Ticket.Priority.choices if c[0] != Ticket.Priority.URGENT],
        initial=Ticket.Priority.NORMAL,
    )
    description = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, request_type: RequestType, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        custom = {}
        for spec in request_type.fields or []:
            custom[FIELD_PREFIX + spec["name"]] = _custom_field(spec)
        # Custom fields right after the summary, in the order the lead chose.
        ordered = {"title": self.fields.pop("title"), **custom}
        ordered.update(self.fields)
        self.fields = ordered
        self.helper = _helper()

    def custom_data(self) -> tuple[dict, dict]:
        """(answers for Ticket.data, {field name: upload pair}) from cleaned_data."""
        data, field_files = {}, {}
        for spec in self.request_type.fields or []:
            value = self.cleaned_data.get(FIELD_PREFIX + spec["name"])
            if spec.get("kind") == RequestType.FieldKind.FILE:
                if value:
                    field_files[spec["name"]] = value
                continue
            if value is None or value == "":
                continue
            data[spec["name"]] = str(value) if not isinstance(value, bool) else value
        return data, field_files


class HandoffForm(SubmissionKeyMixin):
    colleague = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    files = MultipleFileField(label=_("Files"), required=True)

    def clean_colleague(self):
        value = self.cleaned_data.get("colleague")
        if not value:
            raise ValidationError(_("Choose the colleague to send this to."), code="required")
        return value


class VersionedForm(forms.Form):
    """Carries the ticket's version from when the page was loaded; older clients omit it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(VersionedForm):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    internal = forms.BooleanField(
        label=_("Internal note (only the department's staff see it)"), required=False
    )
    files = MultipleFileField(label=_("Attach files"), required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("body") or "").strip()
            and not cleaned.get("files")
            and not (self.errors.get("files"))
        ):
            raise ValidationError(_("Write a message or attach a file."), code="empty")
        return cleaned


class StatusForm(BootstrapWidgetsMixin, VersionedForm):
    status = forms.ChoiceField(
        label=_("Change status to"),
        choices=[
            ("", _("Choose…")),
            (Ticket.Status.OPEN, Ticket.Status.OPEN.label),
            (Ticket.Status.WAITING, Ticket.Status.WAITING.label),
        ],
    )


class AssignForm(BootstrapWidgetsMixin, VersionedForm):
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Unassigned"))] + [
            (m.user_id, m.user.get_full_name() or m.user.username) for m in members
        ]


class ResolveForm(VersionedForm):
    note = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text=_("The requester sees this note."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What still needs to be done?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class MyRequestsFilterForm(BootstrapWidgetsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Not finished")), *Ticket.Status.choices],
    )
    q = forms.CharField(label=_("Reference or title"), required=False, max_length=100)


class AssignedFilterForm(MyRequestsFilterForm):
    """Like my requests, but unfinished work by default."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Not finished")), ("all", _("All")), *Ticket.Status.choices],
    )


class QueueFilterForm(BootstrapWidgetsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Not finished")), ("all", _("All")), *Ticket.Status.choices],
    )
    type = forms.ChoiceField(label=_("Request type"), required=False)
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("any", _("Anyone")), ("me", _("Me")), ("unassigned", _("Unassigned"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("due", _("Due soonest")),
            ("newest", _("Newest")),
            ("oldest", _("Oldest")),
            ("updated", _("Recently updated")),
            ("priority", _("Priority")),
        ],
    )

    def __init__(self, *args, request_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types"))] + [
            (t.slug, translated(t, "name")) for t in request_types
        ]


class DepartmentForm(TranslationFieldsMixin, forms.ModelForm):
    translated_fields = ("name", "description")

    prefix = forms.CharField(
        label=_("Reference prefix"),
        max_length=6,
        validators=[RegexValidator(r"^[A-Za-z]{2,6}$", _("Use 2 to 6 letters."))],
    )

    class Meta:
        model = Department
        fields = [
            "name",
            *(translation_key("name", code) for code in TRANSLATED_LANGUAGES),
            "slug",
            "prefix",
            "description",
            *(translation_key("description", code) for code in TRANSLATED_LANGUAGES),
            "reopen_days",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if self.instance.pk:
            # References already issued carry the prefix: it never changes.
            self.fields["prefix"].disabled = True

    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].upper()
        if prefix == Ticket.HANDOFF_PREFIX:
            raise ValidationError(_("FH is reserved for file handoffs."))
        clash = Department.objects.filter(prefix=prefix).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another department uses this prefix."))
        return prefix


class RequestTypeForm(TranslationFieldsMixin, forms.ModelForm):
    translated_fields = ("name", "description")

    class Meta:
        model = RequestType
        fields = [
            "name",
            *(translation_key("name", code) for code in TRANSLATED_LANGUAGES),
            "slug",
            "description",
            *(translation_key("description", code) for code in TRANSLATED_LANGUAGES),
            "sla_hours",
            "position",
            "is_active",
            "survey_opt_out",
        ]

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Part of the form's address; left empty, made from the name."
        )
        self.helper = _helper()

    def clean_slug(self):
        from django.utils.text import slugify

        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name") or "")
        clash = RequestType.objects.filter(department=self.department, slug=slug).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise ValidationError(_("This department already has a request type with this slug."))
        return slug


class FieldSpecForm(TranslationFieldsMixin, forms.Form):
    """One custom field of a request type's form, with its words in each site language."""

    translated_fields = ("label", "help")
    translated_option_fields = ("choices",)

    name = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("Letters, digits, - and _; stored with each answer."),
    )
    label = forms.CharField(label=_("Label"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestType.FieldKind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=1000,
        help_text=_("For a choice field: one option per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    help = forms.CharField(label=_("Help text"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        options = option_lines(cleaned.get("choices"))
        if cleaned.get("kind") == RequestType.FieldKind.CHOICE and len(options) < 2:
            self.add_error("choices", _("A choice field needs at least two options."))
        cleaned["choices"] = options if cleaned.get("kind") == RequestType.FieldKind.CHOICE else []
        self.clean_translated_options(cleaned, {"choices": cleaned["choices"]})
        return cleaned


class BaseFieldSpecFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        names = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data.get("name")
            if name in names:
                form.add_error("name", _("Each field needs its own key."))
            names.add(name)

    def specs(self) -> list[dict]:
        ordered = sorted(
            (f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
            key=lambda f: f.cleaned_data.get("ORDER") or 0,
        )
        return [{k: f.cleaned_data.get(k) for k in FIELD_SPEC_KEYS} for f in ordered]


FieldSpecFormSet = forms.formset_factory(
    FieldSpecForm,
    formset=BaseFieldSpecFormSet,
    extra=2,
    can_delete=True,
    can_order=True,
    max_num=30,
)


def field_spec_initial(request_type: RequestType | None) -> list[dict]:
    if request_type is None:
        return []
    option_keys = ["choices", *(translation_key("choices", c) for c in TRANSLATED_LANGUAGES)]
    return [
        {**spec, **{key: "\n".join(spec.get(key) or []) for key in option_keys}}
        for spec in request_type.fields or []
    ]


class MemberAddForm(BootstrapWidgetsMixin, forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberRoleForm(BootstrapWidgetsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
