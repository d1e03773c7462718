"""The filters' selects drawn in Python are the HTML Django's templates draw."""

import pytest
from django import forms
from django.test.html import parse_html

from insights.forms import DashboardFilterForm
from insights.selectors import VersionChoice
from requests_app.forms import AssignForm, QueueFilterForm
from requests_app.forms.people import PeopleFilterForm
from requests_app.forms.widgets import PlainDateInput, PlainSelect
from tests import factories

pytestmark = pytest.mark.django_db


def drawn_both_ways(form) -> list[tuple]:
    pairs = []
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, PlainSelect):
            by_django = forms.Select(attrs=widget.attrs, choices=widget.choices)
        elif isinstance(widget, PlainDateInput):
            by_django = forms.DateInput(attrs={**widget.attrs, "type": widget.input_type})
        else:
            continue
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        value = bound.value()
        pairs.append(
            (
                parse_html(widget.render(bound.html_name, value, attrs)),
                parse_html(by_django.render(bound.html_name, value, attrs)),
            )
        )
    return pairs


def test_plain_selects_draw_what_django_draws(department, request_type, it_agent):
    queue = QueueFilterForm(
        {"status": "waiting", "type": request_type.slug, "sort": "oldest"},
        request_types=[request_type, factories.RequestTypeFactory(department=department)],
    )
    assert queue.is_valid()
    assign = AssignForm(
        {"assignee": str(it_agent.pk), "version": "1"},
        members=department.memberships.select_related("user"),
    )
    people = PeopleFilterForm({"department": str(department.pk)})
    version = factories.survey(name="Q&A <pilot>", departments=[department]).versions.get()
    dashboard = DashboardFilterForm(
        {
            "range": "custom",
            "start": "2026-01-05",
            "end": "2026-03-01",
            "request_type": str(request_type.pk),
            "version": str(version.pk),
        },
        request_types=department.request_types.order_by("name"),
        versions=[VersionChoice(version.pk, version.survey.name, version.number)],
    )
    assert dashboard.is_valid()
    pairs = (
        drawn_both_ways(queue)
        + drawn_both_ways(assign)
        + drawn_both_ways(people)
        + drawn_both_ways(dashboard)
    )
    assert len(pairs) >= 11
    for ours, djangos in pairs:
        assert ours == djangos
    selected = [str(tree) for tree, _ in pairs if "selected" in str(tree)]
    assert len(selected) >= 7  # the chosen options are marked, escaped labels and all
    assert "Q&amp;A &lt;pilot&gt;, version 1" in str(dashboard["version"])
    assert 'value="2026-01-05"' in str(dashboard["start"])
    empty = DashboardFilterForm({}, request_types=department.request_types.none(), versions=[])
    assert "value=" not in str(empty["end"])
