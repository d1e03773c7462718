"""The audit page's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Kind of change"), required=False)

    def __init__(self, *args, departments: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments")), *departments]
        self.fields["kind"].choices = [("", _("All changes")), *AuditEntry.Kind.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"department_id": data.get("department"), "kind": data.get("kind") or None}
