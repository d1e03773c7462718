"""Forms of the provisioning page: a new token, a new group mapping."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.forms.widgets import BootstrapWidgetsMixin
from requests_app.models import Department

from .models import ScimGroupMapping


class MarksInvalidFields(BootstrapWidgetsMixin):
    """A field with an error is marked for sight (red) and for screen readers (its message)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class TokenForm(MarksInvalidFields, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say which directory uses it, e.g. “Entra ID production”."),
    )


class MappingForm(MarksInvalidFields, forms.Form):
    directory_group = forms.CharField(
        label=_("Directory group"),
        max_length=200,
        help_text=_("The group's name in the directory (or its external id)."),
    )
    grant = forms.ChoiceField(label=_("Members become"), choices=ScimGroupMapping.Grant.choices)
    department = forms.ModelChoiceField(
        label=_("In department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("— (HR admins need none)"),
    )

    def clean(self):
        data = super().clean()
        grant, department = data.get("grant"), data.get("department")
        if grant == ScimGroupMapping.Grant.HR_ADMIN and department is not None:
            self.add_error("department", _("HR admins belong to no department: leave it empty."))
        elif grant in ("agent", "lead") and department is None:
            self.add_error("department", _("Choose the department agents and leads work in."))
        return data
