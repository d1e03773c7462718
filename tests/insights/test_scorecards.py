"""Dashboard selectors on a small seeded data set, against figures computed by hand."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights import scorecards
from insights.scorecards import questions, survey_counts
from insights.selectors import medians
from insights.services.rebuild import rollups_rebuild
from requests_app.models import Ticket
from requests_app.services import tickets as ticket_svc
from surveys.models import Answer, Invitation, Question, Response
from surveys.services import invitations as invitation_svc
from surveys.services.responses import response_submit
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 2, 1, tzinfo=OSLO)  # a Sunday
END = datetime(2026, 3, 1, tzinfo=OSLO)  # 28 days
PREVIOUS = START - timedelta(days=28)
LONG_AGO = datetime(2020, 1, 1, tzinfo=OSLO)
_refs = itertools.count(1)

NPS_QUESTIONS = [
    {"kind": "nps_0_10", "text": "Would you recommend us?", "required": True, "is_headline": True},
    {"kind": "text", "text": "Anything else?"},
]


class World:
    """IT with two request types, two customer departments, two agents, CSAT and NPS surveys."""

    def __init__(self, department, request_type):
        self.it = department
        self.access = request_type
        self.laptop = factories.RequestTypeFactory(department=department, name="Laptop")
        self.hr = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
        self.finance = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FI")
        self.alice = factories.agent(department, first_name="Alice", last_name="Agent")
        self.bob = factories.agent(department, first_name="Bob", last_name="Agent")
        self.requester = factories.employee(
            home_department=self.hr, first_name="Ada", last_name="Lovelace"
        )
        self.csat_survey = factories.survey(name="CSAT", departments=[department])
        self.csat_version = self.csat_survey.versions.get()
        self.nps_survey = factories.survey(name="NPS", questions=NPS_QUESTIONS, is_default=False)
        self.nps_version = self.nps_survey.versions.get()

    def ticket(
        self,
        *,
        created=LONG_AGO,
        resolved=None,
        due=None,
        reopen_count=0,
        request_type=None,
        department=None,
        kind=Ticket.Kind.REQUEST,
    ):
        """A ticket with exactly these timestamps (auto_now_add is overwritten)."""
        ticket = Ticket.objects.create(
            reference=f"T-{next(_refs)}",
            kind=kind,
            requester=self.requester,
            customer_department=self.hr,
            department=department or self.it,
            request_type=request_type or self.access,
            title="Need help",
        )
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=created, resolved_at=resolved, due_at=due, reopen_count=reopen_count
        )
        return ticket

    def invite(self, *, sent=None, status=Invitation.Status.SENT, version=None, **ticket_fields):
        version = version or self.csat_version
        department = ticket_fields.get("department") or self.it
        return Invitation.objects.create(
            ticket=self.ticket(**ticket_fields),
            survey=version.survey,
            version=version,
            recipient=self.requester,
            department=department,
            agent=self.alice,
            status=status,
            send_after=sent or LONG_AGO,
            sent_at=sent,
        )

    def answer(
        self,
        score,
        *,
        at,
        nps=False,
        version=None,
        request_type=None,
        customer=None,
        agent=None,
        department=None,
        resolution_seconds=None,
        sla_met=None,
        comment="",
        anonymous=False,
        extra=None,
    ):
        """An answered invitation and its response submitted at ``at`` (answers included)."""
        version = version or (self.nps_version if nps else self.csat_version)
        invitation = self.invite(
            sent=at - timedelta(hours=1),
            status=Invitation.Status.ANSWERED,
            version=version,
            request_type=request_type,
            department=department,
        )
        response = Response.objects.create(
            invitation=invitation,
            version=version,
            headline_kind=Question.Kind.NPS if nps else Question.Kind.CSAT,
            headline_score=score,
            comment=comment,
            anonymous=anonymous,
            department=department or self.it,
            request_type=request_type or self.access,
            agent=agent or self.alice,
            customer_department=customer or self.hr,
            resolution_seconds=resolution_seconds,
            sla_met=sla_met,
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=at)
        questions = {q.kind: q for q in version.questions.all()}
        rows = [Answer(response=response, question=questions[response.headline_kind], number=score)]
        for kind, (number, text) in (extra or {}).items():
            rows.append(
                Answer(response=response, question=questions[kind], number=number, text=text)
            )
        Answer.objects.bulk_create(rows)
        return response


@pytest.fixture
def world(department, request_type):
    return World(department, request_type)


def day(n, hour=12):
    """Day ``n`` (0-based) of the February period, local time."""
    return START + timedelta(days=n, hours=hour)


def card(world, **filters):
    rollups_rebuild(recompute_durations=True)
    return scorecards.department_scorecard(department=world.it, start=START, end=END, **filters)


def seed_csat(world, scores, *, at=None, **fields):
    for index, score in enumerate(scores):
        world.answer(score, at=at or day(index % 28), **fields)


# ---------------------------------------------------------------- headline tiles


def test_scorecard_csat_share_mean_and_interval(world):
    seed_csat(world, [5, 5, 4, 4, 4, 4, 4, 3, 2, 1])  # 7 of 10 answers are 4–5
    tiles = card(world).tiles
    assert tiles.csat.current.value == pytest.approx(0.7)
    assert tiles.csat.current.n == 10
    assert (round(tiles.csat.current.low, 4), round(tiles.csat.current.high, 4)) == (0.3968, 0.8922)
    assert tiles.csat_mean.current.value == pytest.approx(3.6)  # 36 / 10
    assert tiles.responses.current.value == 10
    assert tiles.nps.current.suppressed  # no NPS headline answered


def test_scorecard_csat_interval_matches_published_8_of_10(world):
    seed_csat(world, [5] * 8 + [2, 3])
    csat = card(world).tiles.csat.current
    assert csat.value == pytest.approx(0.8)
    assert (round(csat.low, 3), round(csat.high, 3)) == (0.490, 0.943)


def test_scorecard_nps_only_from_nps_headlines(world):
    seed_csat(world, [1, 1, 1, 1, 1])  # CSAT answers never count towards NPS
    seed_csat(world, [10, 9, 9, 10, 9, 8, 7, 6, 0, 3], nps=True)  # 5 / 2 / 3
    tiles = card(world).tiles
    assert tiles.nps.current.value == pytest.approx(20.0)
    assert tiles.nps.current.n == 10
    assert tiles.csat.current.n == 5
    assert tiles.csat.current.value == 0.0
    assert tiles.responses.current.value == 15


def test_scorecard_suppresses_under_five_answers(world):
    seed_csat(world, [5, 5, 5, 5])
    tiles = card(world).tiles
    assert tiles.csat.current.suppressed
    assert tiles.csat.current.value is None
    assert tiles.csat.current.low is None
    assert tiles.csat_mean.current.value is None
    assert tiles.csat.current.n == 4
    assert tiles.responses.current.value == 4  # a count stays visible


def test_scorecard_shows_five_answers(world):
    seed_csat(world, [5, 5, 5, 5, 1])
    csat = card(world).tiles.csat.current
    assert not csat.suppressed
    assert csat.value == pytest.approx(0.8)


def test_scorecard_unanswered_headline_is_not_counted_against_csat(world):
    seed_csat(world, [5, 5, 5, 5, 5])
    world.answer(None, at=day(3))  # submitted without the headline
    world.invite(sent=day(4))  # sent, never answered
    tiles = card(world).tiles
    assert tiles.csat.current.value == 1.0
    assert tiles.csat.current.n == 5
    assert tiles.responses.current.value == 6


def test_scorecard_response_rate_is_answered_over_sent(world):
    seed_csat(world, [5, 4, 3, 2, 1, 5])  # 6 sent and answered
    world.invite(sent=day(2))  # sent
    world.invite(sent=day(3), status=Invitation.Status.REMINDED)
    world.invite(sent=day(4), status=Invitation.Status.EXPIRED)
    world.invite(sent=day(5), status=Invitation.Status.EXPIRED)
    world.invite(sent=None, status=Invitation.Status.PENDING)  # not sent: not counted
    world.invite(sent=END, status=Invitation.Status.SENT)  # next period
    tiles = card(world).tiles
    assert tiles.sent.current.value == 10
    assert tiles.response_rate.current.value == pytest.approx(0.6)
    assert tiles.response_rate.current.n == 10


def test_scorecard_ticket_figures(world):
    hours = [1, 2, 3, 10, 30]  # resolution times of five tickets resolved in the period
    for index, h in enumerate(hours):
        created = day(index)
        world.ticket(
            created=created,
            resolved=created + timedelta(hours=h),
            due=created + timedelta(hours=4),  # met for 1, 2, 3 h: 3 of 5
            reopen_count=1 if index == 4 else 0,
        )
    world.ticket(created=day(10))  # open, created in the period
    world.ticket(created=day(11), kind=Ticket.Kind.HANDOFF)  # not a request
    world.ticket(created=day(12), resolved=day(13), request_type=world.laptop, due=None)
    tiles = card(world).tiles
    assert tiles.volume.current.value == 7
    assert tiles.resolved.current.value == 6
    # durations: 1, 2, 3, 10, 24 (day 12 → 13), 30 h → median (3 + 10) / 2 = 6.5 h
    assert tiles.median_resolve_seconds.current.value == pytest.approx(6.5 * 3600)
    assert tiles.sla_met.current.value == pytest.approx(0.6)  # 3 of 5 with a due date
    assert tiles.sla_met.current.n == 5
    assert tiles.reopen_rate.current.n == 6
    assert tiles.reopen_rate.current.suppressed is False
    assert tiles.reopen_rate.current.value == pytest.approx(1 / 6)


def test_scorecard_median_with_odd_count(world):
    for index, h in enumerate([5, 1, 9, 2, 7]):
        world.ticket(created=day(index), resolved=day(index) + timedelta(hours=h))
    median = card(world).tiles.median_resolve_seconds.current
    assert median.value == pytest.approx(5 * 3600)
    assert median.n == 5


def test_scorecard_median_suppressed_under_five_tickets(world):
    for index in range(4):
        world.ticket(created=day(index), resolved=day(index) + timedelta(hours=1))
    median = card(world).tiles.median_resolve_seconds.current
    assert median.suppressed
    assert median.value is None


def test_scorecard_compares_with_previous_period(world):
    seed_csat(world, [5, 5, 5, 5, 5, 5, 5, 5, 5, 1])  # 90 %
    seed_csat(world, [5, 5, 1, 1, 1], at=PREVIOUS + timedelta(days=3))  # 40 %
    seed_csat(world, [1] * 5, at=PREVIOUS - timedelta(days=1))  # before both: ignored
    tile = card(world).tiles.csat
    assert tile.previous.value == pytest.approx(0.4)
    assert tile.previous.n == 5
    assert tile.change.direction == "up"
    assert tile.change.delta == pytest.approx(0.5)
    # Newcombe's hybrid score interval from the Wilson intervals 0.5958–0.9821 (9 of 10)
    # and 0.1176–0.7693 (2 of 5): 0.5 − √(0.3042² + 0.3693²) = 0.0215 and
    # 0.5 + √(0.0821² + 0.2824²) = 0.7941 (worked by hand); it excludes 0, so clear,
    # although the two intervals overlap.
    assert tile.change.low == pytest.approx(0.0215, abs=5e-4)
    assert tile.change.high == pytest.approx(0.7941, abs=5e-4)
    assert tile.change.clear is True


def test_scorecard_nps_and_mean_changes_carry_their_tests(world):
    for score in [10] * 6 + [0] * 2:  # NPS +50 from 8
        world.answer(score, at=day(3), nps=True)
    for score in [10] * 3 + [0] * 3:  # NPS 0 from 6
        world.answer(score, at=PREVIOUS + timedelta(days=3), nps=True)
    seed_csat(world, [5, 4, 4, 3, 5])  # mean 4.2
    seed_csat(world, [4, 4, 3, 5, 4], at=PREVIOUS + timedelta(days=3))  # mean 4.0
    tiles = card(world).tiles
    assert tiles.nps.change.delta == pytest.approx(50)
    assert tiles.nps.change.direction == "up"
    assert tiles.nps.change.clear is False  # 14 answers cannot tell +50 from chance
    assert tiles.nps.change.low < 0 < tiles.nps.change.high
    assert tiles.csat_mean.change.delta == pytest.approx(0.2)
    assert tiles.csat_mean.change.clear is False
    # Welch's interval of the difference of means, worked out independently with scipy
    scipy_stats = pytest.importorskip("scipy.stats")
    expected = scipy_stats.ttest_ind([5, 4, 4, 3, 5], [4, 4, 3, 5, 4], equal_var=False)
    interval = expected.confidence_interval(0.95)
    assert tiles.csat_mean.change.low == pytest.approx(interval.low)
    assert tiles.csat_mean.change.high == pytest.approx(interval.high)


def test_scorecard_no_change_when_previous_is_suppressed(world):
    seed_csat(world, [5] * 6)
    seed_csat(world, [1, 1], at=PREVIOUS + timedelta(days=3))
    assert card(world).tiles.csat.change is None


def test_scorecard_date_range_is_half_open(world):
    seed_csat(world, [5] * 5, at=START)  # first instant: in
    seed_csat(world, [1] * 5, at=END)  # end instant: out (next period)
    seed_csat(world, [1] * 5, at=START - timedelta(microseconds=1))  # previous period
    tiles = card(world).tiles
    assert tiles.csat.current.value == 1.0
    assert tiles.csat.current.n == 5
    assert tiles.csat.previous.value == 0.0


def test_scorecard_filters_by_request_type(world):
    seed_csat(world, [5] * 5, request_type=world.access)
    seed_csat(world, [1] * 6, request_type=world.laptop)
    world.invite(sent=day(1), request_type=world.laptop)
    world.ticket(created=day(1), request_type=world.laptop)
    tiles = card(world, request_type=world.laptop).tiles
    assert tiles.csat.current.value == 0.0
    assert tiles.csat.current.n == 6
    assert tiles.sent.current.value == 7
    assert tiles.volume.current.value == 1
    assert card(world, request_type=world.access.pk).tiles.csat.current.value == 1.0


def test_scorecard_filters_by_version(world):
    seed_csat(world, [5] * 5)
    seed_csat(world, [9, 9, 9, 9, 3], nps=True)
    tiles = card(world, version=world.nps_version).tiles
    assert tiles.responses.current.value == 5
    assert tiles.csat.current.n == 0
    assert tiles.nps.current.value == pytest.approx(60.0)
    assert tiles.sent.current.value == 5


def test_scorecard_ignores_other_departments(world):
    other = factories.DepartmentFactory(name="Facilities", slug="fac", prefix="FAC")
    seed_csat(world, [1] * 5, department=other)
    world.ticket(created=day(1), department=other)
    tiles = card(world).tiles
    assert tiles.responses.current.value == 0
    assert tiles.volume.current.value == 0


# ---------------------------------------------------------------- breakdowns and trend


def test_scorecard_breakdowns(world):
    seed_csat(world, [5, 5, 5, 5, 4], request_type=world.access, agent=world.alice)
    seed_csat(
        world,
        [1, 2, 5, 4, 1, 3],
        request_type=world.laptop,
        agent=world.bob,
        customer=world.finance,
    )
    result = card(world)
    by_type = {row.label: row for row in result.by_request_type}
    assert by_type["Laptop"].csat.value == pytest.approx(2 / 6)
    assert by_type["Access request"].csat.value == 1.0
    assert [row.label for row in result.by_request_type] == ["Laptop", "Access request"]
    by_agent = {row.label: row.csat for row in result.by_agent}
    assert by_agent == {
        "Alice Agent": by_type["Access request"].csat,
        "Bob Agent": by_type["Laptop"].csat,
    }
    by_customer = {row.label: row.csat.n for row in result.by_customer_department}
    assert by_customer == {"Finance": 6, "HR": 5}


def test_scorecard_breakdown_rows_suppressed_under_five(world):
    seed_csat(world, [5] * 5, request_type=world.access)
    seed_csat(world, [1] * 4, request_type=world.laptop)
    result = card(world)
    rows = {row.label: row.csat for row in result.by_request_type}
    assert rows["Laptop"].suppressed
    assert rows["Laptop"].value is None
    assert rows["Laptop"].n == 4
    assert rows["Laptop"].hidden == "few"
    # The total is shown, so the only other type is hidden too: total − Access = Laptop.
    assert result.tiles.csat.current.value == pytest.approx(5 / 9)
    assert rows["Access request"].value is None
    assert rows["Access request"].hidden == "protected"


def test_scorecard_agents_left_out_when_not_allowed(world):
    seed_csat(world, [5] * 5)
    assert card(world, include_agents=False).by_agent is None


def test_scorecard_csat_by_resolution_bucket_and_sla(world):
    hour = 3600
    seed_csat(world, [5] * 5, resolution_seconds=hour, sla_met=True)  # < 4 h
    seed_csat(world, [4, 4, 4, 2, 2], resolution_seconds=4 * hour, sla_met=True)  # 4–24 h
    seed_csat(world, [1] * 5, resolution_seconds=3 * 24 * hour, sla_met=False)  # > 3 days
    seed_csat(world, [3], resolution_seconds=24 * hour, sla_met=False)  # 1–3 days
    result = card(world)
    buckets = {row.key: row.csat for row in result.by_resolution_time}
    assert list(buckets) == ["lt_4h", "4h_24h", "1d_3d", "gt_3d"]
    assert buckets["1d_3d"].hidden == "few"
    assert buckets["1d_3d"].n == 1
    # One more bucket is hidden so that total − shown buckets is not the 1–3 days one;
    # not "> 3 days": all five answered 1, so hiding it would still give the answer away.
    protected = [key for key, figure in buckets.items() if figure.hidden == "protected"]
    assert len(protected) == 1
    assert protected[0] in ("lt_4h", "4h_24h")
    expected = {"lt_4h": 1.0, "4h_24h": 0.6, "gt_3d": 0.0}
    for key, value in expected.items():
        if key not in protected:
            assert buckets[key].value == pytest.approx(value)
    sla = {row.label: row.csat for row in result.by_sla}
    assert sla["SLA met"].value == pytest.approx(0.8)  # 8 of 10
    assert sla["SLA met"].n == 10
    assert sla["SLA missed"].value == 0.0
    assert sla["SLA missed"].n == 6


def test_scorecard_weekly_trend_fills_gaps(world):
    seed_csat(world, [5, 5, 5, 4, 1], at=day(1))  # Mon 2 Feb
    seed_csat(world, [2, 2], at=day(16))  # Tue 17 Feb
    trend = card(world, trend_unit="week").trend
    assert [p.bucket.isoformat() for p in trend] == [
        "2026-01-26",
        "2026-02-02",
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
    ]
    assert [p.responses for p in trend] == [0, 5, 0, 2, 0]
    assert trend[3].hidden == "few"
    # The period's CSAT (4 of 7) is shown, so the other week with answers is hidden too.
    assert trend[1].hidden == "protected"
    assert trend[1].csat.value is None


def test_scorecard_trend_unit_is_the_finest_with_most_points_readable(world):
    seed_csat(world, [5, 5, 5, 4, 1], at=day(1))
    seed_csat(world, [2, 2], at=day(16))
    result = card(world)
    # by week 1 of 5 points would have five answers; by month 1 of 1 has
    assert result.trend_choice.unit == "month"
    assert result.trend_choice.readable["week"] == (1, 5)
    assert result.trend_choice.readable["month"] == (1, 1)
    for week in range(4):
        seed_csat(world, [4] * 5, at=day(1 + 7 * week))
    assert card(world).trend_choice.unit == "week"


def test_scorecard_monthly_trend_uses_local_time(world):
    seed_csat(world, [5] * 5, at=START + timedelta(minutes=30))  # 00:30 Oslo, 23:30 UTC
    trend = card(world, trend_unit="month").trend
    assert [(p.bucket.isoformat(), p.responses) for p in trend] == [("2026-02-01", 5)]


def test_a_week_across_two_months_counts_whole_in_its_week_and_split_in_its_months(world):
    """Saturday 31 January and Sunday 1 February are one week and two months."""
    seed_csat(world, [5] * 5, at=datetime(2026, 1, 31, 12, tzinfo=OSLO))
    seed_csat(world, [4] * 5, at=datetime(2026, 2, 1, 12, tzinfo=OSLO))
    rollups_rebuild(recompute_durations=True)
    start = datetime(2026, 1, 1, tzinfo=OSLO)

    def trend(unit):
        points = scorecards.department_scorecard(
            department=world.it, start=start, end=END, trend_unit=unit
        ).trend
        return [(p.bucket.isoformat(), p.responses) for p in points if p.responses]

    assert trend("week") == [("2026-01-26", 10)]
    assert trend("month") == [("2026-01-01", 5), ("2026-02-01", 5)]
    assert trend("quarter") == [("2026-01-01", 10)]


def test_question_counts_are_kept_until_the_counts_change(world):
    """The questions' answers are kept with the survey counts they were read with: read
    again, the same; after a new answer (counted, the stamp moved), the new counts."""
    seed_csat(world, [5, 5, 5, 4, 4], at=day(2))

    def csat_counts(result):
        return next(q.counts for q in result.questions if q.kind == "csat_1_5")

    first = card(world)
    again = scorecards.department_scorecard(department=world.it, start=START, end=END)
    expected = [("1", 0), ("2", 0), ("3", 0), ("4", 2), ("5", 3)]
    assert csat_counts(first) == csat_counts(again) == expected
    world.answer(1, at=day(3))
    assert csat_counts(card(world))[0] == ("1", 1)


def test_scorecard_question_distributions(world):
    for score, yes, choice in [
        (5, 1, "Speed"),
        (5, 1, "Speed"),
        (4, 0, "Result"),
        (2, 1, "Speed"),
        (5, None, "Kindness"),
    ]:
        extra = {"choice": (None, choice)}
        if yes is not None:
            extra["yes_no"] = (yes, "")
        world.answer(score, at=day(2), extra=extra)
    results = {q.kind: q for q in card(world).questions}
    assert results["csat_1_5"].counts == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 3)]
    assert results["choice"].counts == [("Speed", 3), ("Kindness", 1), ("Result", 1)]
    assert results["yes_no"].suppressed  # 4 answers
    assert results["yes_no"].counts == []
    assert results["yes_no"].n == 4
    assert "text" not in results


# ---------------------------------------------------------------- comments and anonymity


def test_scorecard_latest_comments_newest_first_with_reference(world):
    seed_csat(world, [5, 4, 3, 2, 1], comment="")
    world.answer(5, at=day(3), comment="Older", agent=world.bob)
    newest = world.answer(4, at=day(9), comment="Newest")
    comments = card(world).comments
    assert [c.text for c in comments] == ["Newest", "Older"]
    assert comments[0].ticket_reference == newest.invitation.ticket.reference
    assert comments[0].requester_name == "Ada Lovelace"


def test_scorecard_anonymous_comments_carry_no_reference_name_or_agent(world):
    # From Monday 2 February: an anonymous comment is listed only when its whole week is in
    # the period (Sunday 1 February's week began in January).
    seed_csat(world, [5, 4, 3, 2, 1], at=day(1), comment="Anonymous view", anonymous=True)
    comments = card(world).comments
    assert len(comments) == 5
    for comment in comments:
        assert comment.anonymous
        assert comment.ticket_reference is None
        assert comment.requester_name is None
        assert "Lovelace" not in repr(comment)
        assert "Agent" not in repr(comment)


def test_scorecard_comments_withheld_under_five_responses(world):
    seed_csat(world, [5, 4], comment="Who wrote this?", anonymous=True)
    result = card(world)
    assert result.comments_suppressed
    assert result.comments == []


def test_scorecard_keeps_only_twenty_comments(world):
    for index in range(22):
        world.answer(5, at=day(0) + timedelta(minutes=index), comment=f"c{index}")
    comments = card(world).comments
    assert len(comments) == 20
    assert comments[0].text == "c21"


# ---------------------------------------------------------------- through the real services


def test_scorecard_counts_an_answer_submitted_through_the_services(
    world, request_type, it_agent, settings
):
    settings.ICSAT_MIN_RESPONSES = 1
    factories.survey(name="Anonymous", anonymous=True, departments=[world.it])
    ticket = factories.make_ticket(requester=world.requester, request_type=request_type)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation_svc.invitation_send(invitation_id=invitation.pk)
    questions = list(invitation.version.questions.order_by("position"))
    response_submit(
        invitation_id=invitation.pk,
        raw_answers={questions[0].pk: "4", questions[3].pk: "Quick"},
        revision=None,
    )
    now = Response.objects.get().submitted_at
    # Two weeks either side: the anonymous comment's whole week is in the period.
    result = scorecards.department_scorecard(
        department=world.it, start=now - timedelta(days=14), end=now + timedelta(days=14)
    )
    assert result.tiles.csat.current.value == 1.0
    assert result.tiles.sent.current.value == 1
    assert result.tiles.response_rate.current.value == 1.0
    assert result.tiles.resolved.current.value == 1
    assert result.tiles.volume.current.value == 1
    [comment] = result.comments
    assert comment.text == "Quick"
    assert (comment.ticket_reference, comment.requester_name) == (None, None)


# ---------------------------------------------------------------- organisation


def test_organisation_overview_rows(world):
    other = factories.DepartmentFactory(name="Facilities", slug="fac", prefix="FAC")
    seed_csat(world, [5, 5, 5, 5, 1])  # IT 80 %
    seed_csat(world, [5, 1, 1, 1, 1], at=PREVIOUS + timedelta(days=1))  # IT before: 20 %
    world.invite(sent=day(1))
    seed_csat(world, [1, 1, 5], department=other)  # Facilities: suppressed
    for index, h in enumerate([1, 2, 4, 8, 16, 32]):
        world.ticket(
            created=day(index), resolved=day(index) + timedelta(hours=h), due=day(index + 1)
        )
    rollups_rebuild(recompute_durations=True)
    overview = scorecards.organisation_overview(start=START, end=END)
    names = [row.department.name for row in overview]
    assert names == sorted(names)  # every department (factories add a few), by name
    rows = {row.department.name: row for row in overview}
    assert {"Facilities", "Finance", "HR", "IT"} <= set(rows)
    it = rows["IT"]
    assert it.csat.value == pytest.approx(0.8)
    assert it.measure == "csat"
    assert it.headline == it.csat
    assert it.headline_previous.value == pytest.approx(0.2)
    assert it.trend.direction == "up"
    assert it.responses == 5
    assert it.sent == 6
    assert it.response_rate.value == pytest.approx(5 / 6)
    assert it.volume == 6
    assert it.median_resolve_seconds.value == pytest.approx(6 * 3600)  # (4 + 8) / 2
    assert it.median_is_exact
    assert it.sla_met.value == pytest.approx(5 / 6)  # 32 h misses the next-day due date
    facilities = rows["Facilities"]
    assert facilities.csat.suppressed
    assert facilities.csat.n == 3
    assert facilities.trend is None
    assert rows["HR"].volume == 0
    assert rows["HR"].response_rate.n == 0


def test_satisfaction_matrix_cells(world):
    facilities = factories.DepartmentFactory(name="Facilities", slug="fac", prefix="FAC")
    seed_csat(world, [5, 5, 5, 4, 1], customer=world.hr)
    seed_csat(world, [1, 1, 5], customer=world.finance)
    seed_csat(world, [4, 4, 4, 4, 4, 2], customer=world.finance, department=facilities)
    rollups_rebuild(recompute_durations=True)
    matrix = scorecards.satisfaction_matrix(start=START, end=END)
    assert [name for _, name in matrix.rows] == ["Finance", "HR"]
    assert [(name, measure) for _, name, measure, _anonymous in matrix.columns] == [
        ("Facilities", "csat"),
        ("IT", "csat"),
    ]
    assert matrix.cell(world.finance.pk, world.it.pk).hidden == "few"
    assert matrix.cell(world.finance.pk, world.it.pk).n == 3
    # IT's total (6 of 8) is shown, so its HR cell would give Finance's away: hidden too
    assert matrix.cell(world.hr.pk, world.it.pk).hidden == "protected"
    assert matrix.cell(world.hr.pk, world.it.pk).value is None
    assert matrix.cell(world.finance.pk, facilities.pk).value == pytest.approx(5 / 6)
    assert matrix.cell(world.hr.pk, facilities.pk).n == 0


def test_organisation_shows_nps_departments_in_nps(world):
    for score in [10, 10, 9, 7, 3, 10]:
        world.answer(score, at=day(2), nps=True, customer=world.hr)
    rollups_rebuild()
    overview = {
        row.department.pk: row for row in scorecards.organisation_overview(start=START, end=END)
    }
    it = overview[world.it.pk]
    assert it.measure == "nps"
    assert it.headline.value == pytest.approx(100 * (4 - 1) / 6)  # 4 promoters, 1 detractor
    matrix = scorecards.satisfaction_matrix(start=START, end=END)
    assert [
        measure for column_id, _n, measure, _a in matrix.columns if column_id == world.it.pk
    ] == ["nps"]
    assert matrix.cell(world.hr.pk, world.it.pk).value == pytest.approx(50.0)


# ---------------------------------------------------------------- query counts


def count_queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def seed_many(world, n):
    for index in range(n):
        world.answer(
            1 + index % 5,
            at=day(index % 28),
            agent=world.alice if index % 2 else world.bob,
            request_type=world.access if index % 3 else world.laptop,
            resolution_seconds=index * 1800,
            sla_met=bool(index % 2),
            comment=f"comment {index}",
            extra={"yes_no": (index % 2, ""), "choice": (None, "Speed")},
        )
        created = day(index % 28)
        world.ticket(created=created, resolved=created + timedelta(hours=index % 50), due=created)


def test_query_counts_do_not_grow_with_data(world):
    calls = {
        "scorecard": lambda: scorecards.department_scorecard(
            department=world.it, start=START, end=END
        ),
        "overview": lambda: scorecards.organisation_overview(start=START, end=END),
        "matrix": lambda: scorecards.satisfaction_matrix(start=START, end=END),
    }

    def counted():
        questions._answered.clear()  # as a process's first scorecard: its questions read
        return {name: count_queries(call) for name, call in calls.items()}

    seed_many(world, 5)  # 10 tickets
    rollups_rebuild(recompute_durations=True)
    small = counted()
    seed_many(world, 495)  # 1,000 tickets
    assert Ticket.objects.count() == 1000
    rollups_rebuild(recompute_durations=True)
    large = counted()
    assert small == large
    # The answered questions, which never change, are read once per process: with what
    # else it keeps forgotten, a scorecard reads everything again but them.
    survey_counts._remembered.clear()
    medians._kept.clear()
    assert count_queries(calls["scorecard"]) == large["scorecard"] - 1
    # The scorecard: the survey counts' stamp, 8 sums over rollups, the breakdowns' names
    # (request types, customers, agents) in one, 4 for the exact medians (2 ask whether the
    # kept ones hold, 2 read), the latest comments and their named answers' tickets and
    # people, the named low scores; the overview: the stamps, departments, 3 sums, 4 for
    # the medians; the matrix (same period, right after the overview): the stamps and
    # names, the rows the overview read kept (4 queries fewer).
    assert small == {"scorecard": 17, "overview": 12, "matrix": 3}
