"""The department dashboard page and its CSV: access, hand-computed figures, suppression."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights import charts
from insights.stats import Figure
from insights.views.figures import duration_text
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 2, 1, tzinfo=OSLO)
FEBRUARY = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}


class Data:
    """IT with two request types, one customer department and one agent, a CSAT survey."""

    def __init__(self, department, request_type):
        self.it = department
        self.access = request_type
        self.laptop = factories.RequestTypeFactory(department=department, name="Laptop")
        self.hr = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
        self.agent = factories.agent(department, first_name="Alice", last_name="Agent")
        self.requester = factories.employee(
            home_department=self.hr, first_name="Ada", last_name="Lovelace"
        )
        self.version = factories.survey(name="CSAT", departments=[department]).versions.get()

    def answer(self, score, *, at, request_type=None, comment="", anonymous=False):
        return factories.answered_csat(
            score=score,
            at=at,
            version=self.version,
            department=self.it,
            request_type=request_type or self.access,
            requester=self.requester,
            agent=self.agent,
            customer_department=self.hr,
            comment=comment,
            anonymous=anonymous,
        )

    def seed(self, scores, **fields):
        for index, score in enumerate(scores):
            self.answer(score, at=START + timedelta(days=index % 28, hours=12), **fields)


@pytest.fixture
def data(department, request_type):
    return Data(department, request_type)


def get_page(client, user, department, **params):
    client.force_login(user)
    return client.get(reverse("insights:department_dashboard", args=[department.slug]), params)


def get_csv(client, user, department, **params):
    client.force_login(user)
    response = client.get(
        reverse("insights:department_dashboard_csv", args=[department.slug]), params
    )
    assert response.status_code == 200
    # The BOM makes Excel read UTF-8 (without it, "Økonomi" arrives as "Ã˜konomi").
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert_numbers_parse(rows)
    return response, rows


def tile(rows, label):
    return next(row for row in rows if row and row[0] == label)


def assert_numbers_parse(rows):
    """Every figure cell is a plain number a spreadsheet sorts, or empty where withheld:
    the tiles' two periods and the trend's and breakdowns' answers and measures."""
    table = None
    for row in rows:
        if not row:
            table = None
        elif len(row) > 1 and row[1] in ("Unit", "Responses"):
            table = row
        elif table is not None:
            columns = [2, 3] if table[1] == "Unit" else range(1, len(table) - 1)
            for column in columns:
                if row[column]:
                    float(row[column])  # raises on "80 %", "4,5" or words


# ---------------------------------------------------------------- access


def test_dashboard_redirects_signed_out_to_login(client, department):
    response = client.get(reverse("insights:department_dashboard", args=[department.slug]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    response = client.get(reverse("insights:department_dashboard_csv", args=[department.slug]))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["employee", "agent", "other_lead", "associate"])
def test_dashboard_is_404_for_everyone_but_lead_and_hr_admin(client, department, who):
    other = factories.DepartmentFactory(name="Facilities", slug="facilities", prefix="FA")
    user = {
        "employee": lambda: factories.employee(),
        "agent": lambda: factories.agent(department),
        "other_lead": lambda: factories.lead(other),
        "associate": lambda: factories.associate(),
    }[who]()
    client.force_login(user)
    for name in ("insights:department_dashboard", "insights:department_dashboard_csv"):
        assert client.get(reverse(name, args=[department.slug])).status_code == 404


def test_dashboard_opens_for_lead_and_hr_admin(client, department, it_lead):
    assert get_page(client, it_lead, department).status_code == 200
    assert get_page(client, factories.hr_admin(), department).status_code == 200


def test_dashboard_is_404_for_unknown_department(client, it_lead):
    client.force_login(it_lead)
    url = reverse("insights:department_dashboard", args=["nowhere"])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- figures


def test_dashboard_shows_hand_computed_csat_on_page_and_in_csv(client, data, it_lead):
    data.seed([5, 5, 5, 5, 5, 5, 5, 5, 2, 3])  # 8 of 10 → 80 %, Wilson 49.0–94.3 %
    page = get_page(client, it_lead, data.it, **FEBRUARY)
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "80 % (49–94 %)" in html
    assert "Alice Agent" in html  # the agent breakdown, for the lead
    assert "<svg" in html
    assert 'role="img"' in html
    response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="icsat-it-2026-02-01-2026-02-28.csv"'
    )
    csat = tile(rows, "CSAT (answers of 4–5)")
    assert csat[1:4] == ["%", "80", ""]  # January had no answers: withheld, an empty cell
    assert "Previous period: not enough answers yet (n = 0)" in csat[5]
    assert csat[6:8] == ["49", "94"]  # the page's interval, as numbers
    assert tile(rows, "Responses")[2] == "10"
    assert tile(rows, "Mean score (1–5)")[2] == "4.5"  # 45 / 10
    # every ticket took 5 hours
    assert tile(rows, "Median time to resolve")[1:3] == ["hours", "5"]
    assert tile(rows, "Alice Agent")[1:3] == ["10", "80"]


def test_dashboard_suppresses_figures_under_five_answers(client, data, it_lead):
    data.seed([5, 5, 4, 1], comment="Quick and kind")
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "not enough answers yet (n = 4)" in html
    assert "75 %" not in html  # 3 of 4 is never shown
    assert "Quick and kind" not in html  # too few answers for comments as well
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    csat = tile(rows, "CSAT (answers of 4–5)")
    assert csat[2] == "" and csat[6:8] == ["", ""]  # no value, no interval
    assert "This period: not enough answers yet (n = 4)" in csat[5]
    flat = "\n".join(",".join(row) for row in rows)
    assert "75 %" not in flat
    assert ",75," not in flat
    assert "Quick and kind" not in flat


def test_dashboard_anonymous_comment_has_no_name_or_link(client, data, it_lead):
    data.seed([5, 5, 5, 5])
    named = data.answer(4, at=START + timedelta(days=3), comment="Named thanks")
    secret = data.answer(2, at=START + timedelta(days=4), comment="Secret gripe", anonymous=True)
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "Secret gripe" in html
    assert "Named thanks" in html
    assert reverse("requests_app:ticket_detail", args=[named.reference]) in html
    assert secret.reference not in html
    # the anonymous comment carries its week, never its day
    assert "week of 2 Feb 2026" in html
    assert "5 Feb 2026" not in html
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    secret_row = next(row for row in rows if row and row[0] == "Secret gripe")
    named_row = next(row for row in rows if row and row[0] == "Named thanks")
    assert secret_row[4:] == ["Anonymous", ""]
    assert named_row[4:] == ["Ada Lovelace", named.reference]
    assert secret.reference not in response_text(rows)


def test_a_comment_names_its_request_type_in_the_readers_language(client, data, it_lead):
    data.laptop.name_es = "Portátil"
    data.laptop.save(update_fields=["name_es"])
    data.seed([5, 4, 5, 4, 5], comment="Muy rápido", request_type=data.laptop)
    it_lead.employee.language = "es"
    it_lead.employee.save(update_fields=["language"])
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    comment = html.split("Muy rápido", 1)[1].split("</li>", 1)[0]
    assert "Portátil" in comment
    assert "Laptop" not in comment


def test_the_breakdowns_name_types_customers_and_agents_in_the_readers_language(client, data):
    data.laptop.name_es = "Portátil"
    data.laptop.save(update_fields=["name_es"])
    data.hr.name_es = "Personas"
    data.hr.save(update_fields=["name_es"])
    data.seed([5, 4, 5, 4, 5], request_type=data.laptop)
    data.seed([5, 5, 4, 4, 5])  # the other type, with no Spanish name
    admin = factories.hr_admin()
    admin.employee.language = "es"
    admin.employee.save(update_fields=["language"])
    html = get_page(client, admin, data.it, **FEBRUARY).content.decode()
    breakdowns = html.split('id="breakdowns-heading"', 1)[1].split("</section>", 1)[0]
    groups = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', breakdowns)
    assert {"Portátil", data.access.name, "Personas", "Alice Agent"} <= set(groups)
    assert {"Laptop", "HR"}.isdisjoint(groups)


def test_dashboard_csv_keeps_accented_names_for_excel(client, data, it_lead):
    data.it.name = "Atención"
    data.it.save(update_fields=["name"])
    data.hr.name = "Økonomi"
    data.hr.save(update_fields=["name"])
    data.seed([5, 5, 5, 5, 4])
    response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["Department", "Atención"]
    assert tile(rows, "Økonomi")[1:3] == ["5", "100"]


def test_dashboard_csv_figures_are_not_localised(client, data, it_lead):
    data.seed([5, 5, 5, 5, 4, 4, 3, 2])  # mean 33 / 8 = 4.125 → 4.1
    client.force_login(it_lead)
    client.post(reverse("set_language"), {"language": "nb"})
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    mean = tile(rows, "Gjennomsnittlig score (1–5)")
    assert mean[2] == "4.1"  # the page says "4,1"; a spreadsheet needs the number


def response_text(rows) -> str:
    return "\n".join(",".join(row) for row in rows)


# ---------------------------------------------------------------- filters


def test_dashboard_request_type_filter_changes_figures(client, data, it_lead):
    data.seed([5, 5, 5, 5, 5])  # access: 5 of 5
    data.seed([1, 1, 1, 1, 1], request_type=data.laptop)  # laptop: 0 of 5
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert tile(rows, "CSAT (answers of 4–5)")[2] == "50"
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY, request_type=data.laptop.pk)
    assert tile(rows, "CSAT (answers of 4–5)")[2] == "0"
    assert tile(rows, "Request type")[1] == "Laptop"


def test_dashboard_custom_range_changes_figures(client, data, it_lead):
    data.seed([5, 5, 5, 5, 5])  # days 0..4 of February
    first_days = {"range": "custom", "start": "2026-02-01", "end": "2026-02-03"}
    _response, rows = get_csv(client, it_lead, data.it, **first_days)
    assert tile(rows, "Responses")[2] == "3"
    csat = tile(rows, "CSAT (answers of 4–5)")
    assert csat[2] == ""
    assert "This period: not enough answers yet (n = 3)" in csat[5]


def test_dashboard_invalid_range_shows_message_and_defaults(client, data, it_lead):
    params = {"range": "custom", "start": "2026-03-01", "end": "2026-02-01"}
    response = get_page(client, it_lead, data.it, **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The start date must not be after the end date." in html
    assert "Showing the last 30 days instead." in html
    too_long = {"range": "custom", "start": "2020-01-01", "end": "2026-02-01"}
    html = get_page(client, it_lead, data.it, **too_long).content.decode()
    assert "at most two years" in html


def test_dashboard_month_trend_lists_months(client, data, it_lead):
    data.seed([5, 5, 5, 5, 5])
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "Trend by month" in html
    assert "February 2026" in html
    # the page says why: weekly points would mostly be too small to show
    assert "By month: 1 of 1 points can be shown" in html
    assert "By week only 0 of 5 could" in html


def test_dashboard_trend_is_weekly_when_most_weeks_have_enough_answers(client, data, it_lead):
    for week in range(4):
        for _ in range(5):
            data.answer(4, at=START + timedelta(days=1 + 7 * week, hours=12))
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "Trend by week" in html
    assert "By week: 4 of 5 points can be shown" in html
    # a bookmarked unit from before no longer picks a unit that would hide most points
    html = get_page(client, it_lead, data.it, **FEBRUARY, unit="month").content.decode()
    assert "Trend by week" in html


def test_dashboard_hr_admin_sees_agent_breakdown(client, data):
    data.seed([5, 5, 5, 5, 5])
    html = get_page(client, factories.hr_admin(), data.it, **FEBRUARY).content.decode()
    assert "By agent" in html
    assert "Alice Agent" in html


# ---------------------------------------------------------------- speed


def count_queries(client, user, department) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get_page(client, user, department, **FEBRUARY).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_answers(client, data, it_lead):
    from insights.scorecards import survey_counts
    from insights.selectors import medians

    data.seed([5, 4, 3, 2, 1, 5, 4, 3, 2, 1], comment="Fine")
    count_queries(client, it_lead, data.it)  # warm the caches (content types, session)
    survey_counts._remembered.clear()
    medians._kept.clear()
    small = count_queries(client, it_lead, data.it)
    data.seed([5, 4, 3, 2, 1, 5, 4, 3, 2, 1] * 9, comment="Fine", request_type=data.laptop)
    # Ten times the answers, read by a process that keeps nothing yet: as many queries.
    survey_counts._remembered.clear()
    medians._kept.clear()
    assert count_queries(client, it_lead, data.it) == small
    # Nothing new since: what this process read is used again (the protection's four rows
    # queries, the questions' answers, the medians' histogram and tickets, the named low
    # scores: eight fewer).
    assert count_queries(client, it_lead, data.it) == small - 8


def test_a_process_keeps_one_copy_of_what_it_read_however_often_the_counts_change(
    client, data, it_lead
):
    """Each answer (and its ticket's resolution) moves the department's stamps: the rows,
    decisions and medians read under the new ones replace the old, which no page can ask
    for again, instead of piling up in every web process until the cap pushes them out."""
    from insights.scorecards import survey_counts
    from insights.selectors import medians

    now = timezone.now()
    for _ in range(6):
        data.answer(5, at=now - timedelta(hours=2))
    get_page(client, it_lead, data.it, range="30d")
    kept = (len(survey_counts._remembered), len(medians._kept))
    assert kept[0] > 0 and kept[1] > 0
    shown = []
    for _ in range(3):
        data.answer(1, at=now - timedelta(hours=1))
        html = get_page(client, it_lead, data.it, range="30d").content.decode()
        shown.append(re.search(r"\d+ %", html)[0])
        assert (len(survey_counts._remembered), len(medians._kept)) == kept
    # ... and each view reads the new counts, not a kept copy: 6 of 7, 8 and 9 satisfied.
    assert shown == ["86 %", "75 %", "67 %"]


FIGURES = "insights/_dashboard_figures.html"


def figures_rendered(response) -> bool:
    return FIGURES in [template.name for template in response.templates]


def figures_of(response) -> str:
    html = response.content.decode()
    return html[html.index('id="tiles-heading"') : html.index('id="comments-heading"')]


def groups_of(html: str) -> list[str]:
    breakdowns = html.split('id="breakdowns-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', breakdowns)


def test_the_figures_are_rendered_again_only_when_what_they_show_changed(client, data, it_lead):
    """Read again with nothing new, the page keeps the HTML of its figures; an answer, a
    renamed request type or another language shows at once (of these only the answer
    moves the stamps of the counts)."""
    earlier = timezone.now() - timedelta(hours=2)
    for score in [5, 5, 5, 5, 5, 5, 5, 5, 2, 3]:  # 8 of 10
        data.answer(score, at=earlier)
    first = get_page(client, it_lead, data.it, range="30d")
    assert figures_rendered(first)
    again = get_page(client, it_lead, data.it, range="30d")
    assert not figures_rendered(again)
    assert figures_of(again) == figures_of(first)

    data.answer(1, at=earlier)  # 8 of 11
    html = get_page(client, it_lead, data.it, range="30d").content.decode()
    assert "73 %" in html and "80 %" not in html

    data.access.name = "Access and accounts"
    data.access.save(update_fields=["name"])
    page = get_page(client, it_lead, data.it, range="30d")
    assert figures_rendered(page)
    assert "Access and accounts" in groups_of(page.content.decode())

    it_lead.employee.language = "nb"
    it_lead.employee.save(update_fields=["language"])
    html = get_page(client, it_lead, data.it, range="30d").content.decode()
    assert 'id="tiles-heading">Hovedtall<' in html
    assert "73 %" in html


def test_kept_figures_keep_each_readers_own_comments(client, data, it_lead):
    """The lead and an HR admin share the figures' HTML; each still gets the comments as
    they may read them: links to the tickets for the lead only."""
    data.seed([5, 5, 5, 5])
    named = data.answer(4, at=START + timedelta(days=3), comment="Named thanks")
    link = reverse("requests_app:ticket_detail", args=[named.reference])
    admin = factories.hr_admin()
    for_admin = get_page(client, admin, data.it, **FEBRUARY)
    for_lead = get_page(client, it_lead, data.it, **FEBRUARY)
    assert figures_rendered(for_admin) and not figures_rendered(for_lead)
    assert link in for_lead.content.decode()
    assert link not in for_admin.content.decode()
    assert named.reference in for_admin.content.decode()  # named, not linked
    assert groups_of(for_admin.content.decode()) == groups_of(for_lead.content.decode())


def test_kept_figures_follow_a_changed_minimum_of_answers(client, data, it_lead, settings):
    data.seed([5, 5, 5, 5, 5, 5, 5, 5, 2, 3])
    assert "80 % (49–94 %)" in get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    settings.ICSAT_MIN_RESPONSES = 20
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "80 %" not in html
    assert "not enough answers yet (n = 10)" in html


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(40 * 60, "40 min"), (5 * 3600, "5 h"), (1.5 * 3600, "1.5 h"), (2.3 * 86400, "2.3 days")],
)
def test_duration_text_reads_like_people_speak(seconds, text):
    assert duration_text(seconds) == text


def test_trend_svg_is_labelled_and_skipped_without_figures():
    shown = Figure.share(8, 10)
    hidden = Figure.share(1, 2)
    points = [
        {"label": "week 1", "text": "80 %", "figure": shown},
        {"label": "week 2", "text": "not enough answers yet (n = 2)", "figure": hidden},
    ]
    svg = charts.trend_svg(points, title="CSAT per period", measure="CSAT")
    assert svg.startswith('<svg role="img" aria-labelledby="trend-chart-title trend-chart-desc"')
    assert "CSAT was 80 % in week 1." in svg
    assert "1 of 2 periods had too few answers" in svg
    assert svg.count("<rect") == 1
    assert charts.trend_svg(points[1:], title="CSAT per period", measure="CSAT") == ""


def test_dashboard_version_filter_lists_answered_versions(client, data, it_lead):
    data.seed([5, 5, 5, 5, 1])
    unused = factories.survey(name="Unused", departments=[data.it], is_default=False)
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "CSAT, version 1" in html
    assert "Unused, version" not in html
    params = {**FEBRUARY, "version": data.version.pk}
    _response, rows = get_csv(client, it_lead, data.it, **params)
    assert tile(rows, "CSAT (answers of 4–5)")[2] == "80"
    params["version"] = unused.versions.get().pk  # not offered: an error, then the defaults
    refused = get_page(client, it_lead, data.it, **params)
    assert refused.status_code == 200
    assert "Survey version: Select a valid choice" in refused.content.decode()
    assert "Showing the last 30 days instead." in refused.content.decode()


def test_dashboard_by_version_shows_no_breakdowns_or_trend(client, data, it_lead):
    data.seed([5, 5, 5, 5, 1, 4, 4])
    params = {**FEBRUARY, "version": data.version.pk}
    html = get_page(client, it_lead, data.it, **params).content.decode()
    assert "Breakdowns and the trend are shown for all survey versions together" in html
    assert "By agent" not in html
    assert "By request type" in html
    _response, rows = get_csv(client, it_lead, data.it, **params)
    titles = [row[0] for row in rows if row]
    assert "By customer department" not in titles
    assert "Trend" not in titles
    # all versions together: the breakdowns are there
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert "By customer department" in [row[0] for row in rows if row]


# ---------------------------------------------------------------- changes


def test_dashboard_says_no_change_when_both_periods_read_the_same(client, data, it_lead):
    for day in (1, 2, 3, 4, 5):
        data.answer(5 if day < 5 else 3, at=START + timedelta(days=day, hours=12))
        data.answer(5 if day < 5 else 3, at=START - timedelta(days=day, hours=12))
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    mean = tile(rows, "Mean score (1–5)")
    assert mean[2] == mean[3] == "4.6"
    assert mean[4] == "no change"
    assert not any("down 0" in cell or "up 0" in cell for row in rows for cell in row)


def test_dashboard_states_a_change_only_with_its_interval(client, data, it_lead):
    for day in range(20):  # 20 of 20 satisfied now, 4 of 20 before
        data.answer(5, at=START + timedelta(days=day % 27, hours=12))
        data.answer(5 if day < 4 else 1, at=START - timedelta(days=1 + day % 27, hours=12))
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    change = tile(rows, "CSAT (answers of 4–5)")[4]
    assert change.startswith("up 80 points (95 % interval of the change: +")


def test_an_anonymous_comment_is_never_dated_finer_than_its_week(client, data, it_lead):
    """The curious reader moves the period's last day one day at a time: the comment shows
    only once its whole week (Mon 16 – Sun 22 February) is in the period, so its day stays
    unknown."""
    data.seed([5, 4, 5, 5, 4, 5], anonymous=True)  # Feb 1–6: enough answers for comments
    data.answer(2, at=datetime(2026, 2, 18, 12, tzinfo=OSLO), comment="Secret", anonymous=True)
    shown = {}
    for last_day in range(17, 24):
        period = {"range": "custom", "start": "2026-02-01", "end": f"2026-02-{last_day}"}
        shown[last_day] = "Secret" in get_page(client, it_lead, data.it, **period).content.decode()
    assert shown == {17: False, 18: False, 19: False, 20: False, 21: False, 22: True, 23: True}
    # The same from the other side: the first day moved forward into its week.
    for day in range(23, 29):
        data.answer(5, at=datetime(2026, 2, day, 12, tzinfo=OSLO), anonymous=True)
    seen = {}
    for first_day in (15, 16, 17, 18, 19):
        period = {"range": "custom", "start": f"2026-02-{first_day}", "end": "2026-02-28"}
        seen[first_day] = "Secret" in get_page(client, it_lead, data.it, **period).content.decode()
    assert seen == {15: True, 16: True, 17: False, 18: False, 19: False}


@pytest.fixture
def searches(monkeypatch) -> list:
    """One entry per run of the hidden-cell search over a department's linked tables."""
    from insights.disclosure import search

    runs = []
    real = search.protect_linked

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("insights.scorecards.protection.protect_linked", counted)
    return runs


def test_a_dashboard_read_again_skips_the_hidden_cell_search_and_sees_a_new_answer_at_once(
    client, data, it_lead, searches, first_of_march
):
    """The protection is remembered by exactly what it was computed from: the same page
    again runs no search; one more answer is new input, so the page shows it at once."""
    data.seed([5, 5, 5, 2])  # 4 answers: too few to show
    assert (
        "not enough answers yet (n = 4)"
        in get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    )
    first = len(searches)
    assert first > 0
    assert (
        "not enough answers yet (n = 4)"
        in get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    )
    assert len(searches) == first  # remembered: no search the second time
    data.answer(5, at=START + timedelta(days=3, hours=12))  # 4 of 5 → 80 %
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert len(searches) > first
    assert "80 % (" in html


def test_a_sent_invitation_changes_the_response_rate_at_once_without_a_new_search(
    client, data, it_lead, searches, django_capture_on_commit_callbacks, first_of_march
):
    """Every resolve sends an invitation, which changes only the response rate: the page
    shows the new rate at once, reads only the invitations again and runs no search over
    the answers' tables (the dearest part of the page); an answer still does."""
    import time_machine

    from requests_app.services import tickets as ticket_svc
    from surveys.models import Invitation
    from tests.insights.test_rollups import answer_through_services

    data.seed([5, 5, 4, 4, 5, 5, 4, 4, 5, 5])  # 10 invitations sent, 10 answered
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert tile(rows, "Response rate")[2] == "100"
    first = len(searches)
    read_again = count_queries(client, it_lead, data.it)
    assert len(searches) == first

    ticket = factories.make_ticket(requester=data.requester, request_type=data.access)
    with (
        time_machine.travel(START + timedelta(days=20, hours=9), tick=False),
        django_capture_on_commit_callbacks(execute=True),  # the survey is sent at once
    ):
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=data.agent, note="Done")
    assert Invitation.objects.get(ticket=ticket).status == Invitation.Status.SENT
    # Three queries more than a page read again, not seven: the invitations' rows, and
    # the medians' two (the resolve counted a resolution); the answers' rows are kept.
    assert count_queries(client, it_lead, data.it) == read_again + 3
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert tile(rows, "Response rate")[2] == "91"  # 10 of 11
    assert len(searches) == first

    # An answer renews the search and the answers' rows, not the medians (no resolution
    # changed): six queries more than a page read again (the answers' three, the
    # invitations' one, the questions' one, the named low scores' one), not eight.
    read_again = count_queries(client, it_lead, data.it)
    with time_machine.travel(START + timedelta(days=21, hours=12), tick=False):
        answer_through_services(Invitation.objects.get(ticket=ticket), score=5)
    assert count_queries(client, it_lead, data.it) == read_again + 6
    assert len(searches) > first
    _response, rows = get_csv(client, it_lead, data.it, **FEBRUARY)
    assert tile(rows, "Response rate")[2] == "100"  # 11 of 11
