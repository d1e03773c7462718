"""Forms of the HR admins' people page."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Department, Membership
from .widgets import BootstrapWidgetsMixin

ROLE_CHOICES = [
    ("", _("Any role")),
    ("agent", _("Agent")),
    ("lead", _("Lead")),
    ("hr_admin", _("HR admin")),
    ("associate", _("Associate")),
]
STATUS_CHOICES = [
    ("active", pgettext_lazy("people", "Active")),
    ("left", pgettext_lazy("people", "Left")),
    ("all", pgettext_lazy("people", "Everyone")),
]


class PeopleFilterForm(BootstrapWidgetsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("Any department"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def filters(self) -> dict:
        """What the selector takes; an invalid filter counts as no filter."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "department": data.get("department"),
            "role": data.get("role", ""),
            "status": data.get("status") or "active",
        }


class PersonForm(BootstrapWidgetsMixin, forms.Form):
    home_department = forms.ModelChoiceField(
        label=_("Home department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )
    hr_admin = forms.BooleanField(
        label=_("HR admin"),
        required=False,
        help_text=_("Sees every department's dashboard, configures surveys and manages people."),
    )


class PersonRoleForm(BootstrapWidgetsMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name")
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[*Membership.Role.choices, ("none", _("No role"))]
    )


class PeopleImportForm(BootstrapWidgetsMixin, forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma or semicolon separated, first row naming the columns."),
    )
    deactivate_missing = forms.BooleanField(
        label=_("People missing from the file have left: deactivate them"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
