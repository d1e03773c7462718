"""Dashboards count whole days in the site's time zone, whoever reads them, and say so."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from requests_app.models import Employee
from tests import factories

pytestmark = pytest.mark.django_db

# 00:30 on 15 January in Oslo is still 18:30 on the 14th in New York.
JUST_AFTER_OSLO_MIDNIGHT = datetime(2027, 1, 14, 23, 30, tzinfo=UTC)


def in_new_york(user):
    Employee.objects.filter(user=user).update(time_zone="America/New_York")
    return user


def test_department_dashboard_says_days_are_counted_in_the_sites_zone(client, department, it_lead):
    client.force_login(in_new_york(it_lead))
    text = client.get(reverse("insights:department_dashboard", args=[department.slug])).text
    assert "Days are counted in Europe/Oslo time, for everyone who reads this dashboard." in text


def test_organisation_dashboard_says_so_too_in_the_readers_language(client):
    hr = factories.hr_admin(username="hr", profile__language="nb")
    client.force_login(in_new_york(hr))
    text = client.get(reverse("insights:organisation_dashboard")).text
    assert "Dagene telles i Europe/Oslo-tid, for alle som leser dette dashbordet." in text


def test_dashboard_period_ends_with_the_sites_today_for_a_reader_elsewhere(
    client, department, it_lead
):
    with time_machine.travel(JUST_AFTER_OSLO_MIDNIGHT, tick=False):
        client.force_login(in_new_york(it_lead))
        text = client.get(reverse("insights:department_dashboard", args=[department.slug])).text
    # The last 30 days in Oslo: 17 Dec to 15 Jan, though it is the 14th in New York.
    assert "17 Dec 2026 to 15 Jan 2027" in text
