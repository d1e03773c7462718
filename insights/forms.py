"""The department dashboard's filters: a GET form, so a view can be bookmarked and shared."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.content import translated
from requests_app.forms.widgets import PlainDateInput, PlainSelect
from requests_app.zones import site_midnight
from surveys.models import SurveyVersion

from .selectors import VersionChoice

MAX_CUSTOM_DAYS = 2 * 366  # "two years", leap days included
DEFAULT_RANGE = "30d"
RANGE_DAYS = {"30d": 30, "90d": 90, "12m": 365}


@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last`` (inclusive) in the site's time zone, and the
    ``[start, end)`` they span.

    The site's zone, not the reader's: the rollups count days there, and a reader in
    another zone must see the same figures for the same days as their colleagues.
    """

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return site_midnight(self.first)

    @property
    def end(self) -> datetime:
        return site_midnight(self.last + timedelta(days=1))


@dataclass(frozen=True)
class DashboardFilters:
    """What a dashboard shows: the range chosen, its period, and the narrowing choices."""

    range: str
    period: Period
    request_type: Any = None  # a RequestType, or None for all
    version: Any = None  # a SurveyVersion, or None for all


def period_for(range_key: str, today: date, first=None, last=None) -> Period:
    """The period a range choice stands for; the last ``n`` days end with today."""
    if range_key == "custom":
        return Period(first=first, last=last)
    days = RANGE_DAYS.get(range_key, RANGE_DAYS[DEFAULT_RANGE])
    return Period(first=today - timedelta(days=days - 1), last=today)


def _version_label(version: VersionChoice) -> str:
    return _("%(survey)s, version %(n)s") % {"survey": version.survey_name, "n": version.number}


class DashboardFilterForm(forms.Form):
    """Date range, request type and survey version of a department dashboard.

    The trend's unit is not a choice: it is chosen from the data (see
    ``insights.scorecards.trend_units.choose_trend_unit``), the same for every view of a
    period, so that weekly and monthly figures of one period cannot be subtracted.
    """

    range = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("30d", _("Last 30 days")),
            ("90d", _("Last 90 days")),
            ("12m", _("Last 12 months")),
            ("custom", _("Custom dates")),
        ],
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=PlainDateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=PlainDateInput(attrs={"type": "date"})
    )
    request_type = forms.ModelChoiceField(
        label=_("Request type"), required=False, queryset=None, empty_label=_("All types")
    )
    version = forms.ModelChoiceField(
        label=_("Survey version"), required=False, queryset=None, empty_label=_("All versions")
    )

    def __init__(self, data, *, request_types, versions: list[VersionChoice]):
        super().__init__(data)
        # The querysets check a submitted choice (the versions' is read only then); the
        # selects are drawn in Python from one read of the request types and the versions
        # listed (Django's widgets read a ModelChoiceField's queryset again through a
        # cursor, and draw each option with a template).
        self.fields["request_type"].queryset = request_types
        self.fields["version"].queryset = SurveyVersion.objects.filter(
            pk__in=[version.pk for version in versions]
        ).select_related("survey")
        self.fields["range"].widget = PlainSelect(choices=self.fields["range"].choices)
        self.fields["request_type"].widget = PlainSelect(
            choices=[
                ("", self.fields["request_type"].empty_label),
                # One department's dashboard: its prefix before every type would only repeat it.
                *((t.pk, translated(t, "name")) for t in request_types),
            ]
        )
        self.fields["version"].widget = PlainSelect(
            choices=[
                ("", self.fields["version"].empty_label),
                *((v.pk, _version_label(v)) for v in versions),
            ]
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        if data.get("range") != "custom":
            return data
        first, last = data.get("start"), data.get("end")
        if first is None or last is None:
            raise forms.ValidationError(_("Choose both dates for a custom period."))
        if first > last:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise forms.ValidationError(_("A custom period can span at most two years."))
        return data

    def filters(self, today: date) -> DashboardFilters:
        """The filters to apply: the submitted ones when valid, else the defaults."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        range_key = data.get("range") or DEFAULT_RANGE
        return DashboardFilters(
            range=range_key,
            period=period_for(range_key, today, data.get("start"), data.get("end")),
            request_type=data.get("request_type"),
            version=data.get("version"),
        )
