"""Comment themes: naming them (audited), tagging comments, who may, the counts per period
with their suppression, and that anonymous comments gain no person through themes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from loop.models import FollowUp, Theme, ThemeTag
from loop.selectors.themes import PROTECTED, TOO_FEW, comment_token, theme_counts, week_of
from loop.services.themes import comment_tag, comment_untag, theme_create, theme_update
from requests_app.exceptions import NotAllowed, TicketError
from surveys.models import Response
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 2, 1, tzinfo=OSLO)  # a Sunday
END = datetime(2026, 3, 1, tzinfo=OSLO)
FEBRUARY = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}
WEEKS = [
    date(2026, 1, 26),
    date(2026, 2, 2),
    date(2026, 2, 9),
    date(2026, 2, 16),
    date(2026, 2, 23),
]


class Data:
    """IT with two request types and a CSAT survey; HR as another department."""

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

    def answer(
        self,
        score=4,
        *,
        at,
        comment="",
        anonymous=False,
        request_type=None,
        requester=None,
        department=None,
    ) -> Response:
        department = department or self.it
        ticket = factories.answered_csat(
            score=score,
            at=at,
            version=self.version,
            department=department,
            request_type=request_type or (self.access if department == self.it else None),
            requester=requester or self.requester,
            agent=self.agent,
            customer_department=self.hr,
            comment=comment,
            anonymous=anonymous,
        )
        return Response.objects.get(invitation__ticket=ticket)

    def day(self, day: int, hour: int = 12) -> datetime:
        return datetime(2026, 2, day, hour, tzinfo=OSLO)


@pytest.fixture
def data(department, request_type):
    return Data(department, request_type)


@pytest.fixture
def slow(department, it_lead):
    return theme_create(actor=it_lead, department=department, name="Slow laptop delivery")


def entries(kind):
    return list(AuditEntry.objects.filter(kind=kind).order_by("pk"))


# ------------------------------------------------------------------ naming themes


def test_theme_create_is_audited(department, it_lead):
    theme = theme_create(
        actor=it_lead,
        department=department,
        name="  Unclear   forms ",
        name_es="Formularios confusos",
        name_nb="Uklare skjemaer",
    )
    assert theme.name == "Unclear forms"
    [entry] = entries(AuditEntry.Kind.THEME_CREATED)
    assert entry.actor == it_lead
    assert entry.object_id == theme.pk
    assert entry.changes["name"] == [None, "Unclear forms"]
    assert entry.changes["name_nb"] == [None, "Uklare skjemaer"]


def test_theme_rename_is_audited_with_old_and_new_names(slow, it_lead):
    theme_update(actor=it_lead, theme=slow, name="Slow laptops", name_es="Portátiles lentos")
    [entry] = entries(AuditEntry.Kind.THEME_CHANGED)
    assert entry.changes == {
        "name": ["Slow laptop delivery", "Slow laptops"],
        "name_es": ["", "Portátiles lentos"],
    }
    # an unchanged save records nothing
    theme_update(actor=it_lead, theme=slow, name="Slow laptops", name_es="Portátiles lentos")
    assert len(entries(AuditEntry.Kind.THEME_CHANGED)) == 1


def test_theme_retire_is_audited_and_refuses_new_tags(data, slow, it_lead):
    theme_update(actor=it_lead, theme=slow, is_active=False)
    [entry] = entries(AuditEntry.Kind.THEME_CHANGED)
    assert entry.changes == {"is_active": [True, False]}
    response = data.answer(at=data.day(3), comment="Took weeks")
    slow.refresh_from_db()
    with pytest.raises(TicketError, match="retired"):
        comment_tag(actor=it_lead, response=response, theme=slow)


def test_theme_create_refuses_a_duplicate_name(slow, department, it_lead):
    with pytest.raises(TicketError, match="already has a theme"):
        theme_create(actor=it_lead, department=department, name="slow LAPTOP delivery")
    with pytest.raises(TicketError, match="name"):
        theme_create(actor=it_lead, department=department, name="   ")
    assert Theme.objects.count() == 1


def test_theme_services_refuse_people_who_do_not_lead_the_department(data, slow, it_agent):
    with pytest.raises(NotAllowed):
        theme_create(actor=it_agent, department=data.it, name="Other")
    with pytest.raises(NotAllowed):
        theme_update(actor=factories.lead(data.hr), theme=slow, name="Renamed")
    assert entries(AuditEntry.Kind.THEME_CREATED)[0].object_id == slow.pk


# ------------------------------------------------------------------ tagging rules


def test_comment_tag_and_untag(data, slow, it_lead):
    response = data.answer(at=data.day(3), comment="Took weeks")
    comment_tag(actor=it_lead, response=response, theme=slow)
    comment_tag(actor=it_lead, response=response, theme=slow)  # twice: one tag
    assert list(ThemeTag.objects.values_list("theme", "response")) == [(slow.pk, response.pk)]
    assert comment_untag(actor=it_lead, response=response, theme=slow) is True
    assert comment_untag(actor=it_lead, response=response, theme=slow) is False
    assert not ThemeTag.objects.exists()


def test_comment_tag_refuses_another_departments_theme(data, it_lead):
    hr_theme = theme_create(actor=factories.hr_admin(), department=data.hr, name="Payroll")
    response = data.answer(at=data.day(3), comment="Took weeks")
    with pytest.raises(TicketError, match="another department"):
        comment_tag(actor=it_lead, response=response, theme=hr_theme)


def test_comment_tag_refuses_an_answer_without_comment(data, slow, it_lead):
    response = data.answer(at=data.day(3))
    with pytest.raises(TicketError, match="Only answers with a comment"):
        comment_tag(actor=it_lead, response=response, theme=slow)


def test_comment_tag_refuses_another_departments_response(data, slow, it_lead):
    response = data.answer(at=data.day(3), comment="Payslip late", department=data.hr)
    with pytest.raises(NotAllowed):
        comment_tag(actor=it_lead, response=response, theme=slow)
    assert not ThemeTag.objects.exists()


# ------------------------------------------------------------------ pages and who may


def tag_post(client, department, response, theme, op="add", next_url=""):
    return client.post(
        reverse("loop:comment_theme", args=[department.slug]),
        {
            "comment": comment_token(response.pk),
            "week": week_of(response.submitted_at).isoformat(),
            "theme": theme.pk,
            "op": op,
            "next": next_url,
        },
    )


ROLES = ["lead", "hr_admin", "agent", "other_lead", "employee", "associate"]


def person(role, data):
    return {
        "lead": lambda: factories.lead(data.it),
        "hr_admin": factories.hr_admin,
        "agent": lambda: factories.agent(data.it),
        "other_lead": lambda: factories.lead(data.hr),
        "employee": lambda: factories.employee(home_department=data.hr),
        "associate": factories.associate,
    }[role]()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_manage_and_tag_themes(client, data, slow, role):
    allowed = role in ("lead", "hr_admin")
    response = data.answer(at=data.day(3), comment="Took weeks")
    client.force_login(person(role, data))
    pages = [
        reverse("loop:theme_list", args=[data.it.slug]),
        reverse("loop:theme_edit", args=[data.it.slug, slow.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == (200 if allowed else 404)
    created = client.post(pages[0], {"name": "Unclear forms"})
    assert created.status_code == (302 if allowed else 404)
    retired = client.post(
        reverse("loop:theme_active", args=[data.it.slug, slow.pk]), {"active": "0"}
    )
    assert retired.status_code == (302 if allowed else 404)
    theme_update(actor=factories.hr_admin(), theme=slow, is_active=True)
    assert tag_post(client, data.it, response, slow).status_code == (302 if allowed else 404)
    assert ThemeTag.objects.filter(response=response).exists() is allowed
    assert Theme.objects.filter(name="Unclear forms").exists() is allowed


def test_theme_pages_send_signed_out_people_to_sign_in(client, data, slow):
    url = reverse("loop:theme_list", args=[data.it.slug])
    assert client.get(url).status_code == 302
    response = data.answer(at=data.day(3), comment="Took weeks")
    assert tag_post(client, data.it, response, slow)["Location"].startswith(reverse("login"))
    assert not ThemeTag.objects.exists()


def test_theme_list_adds_renames_and_retires(client, data, it_lead):
    client.force_login(it_lead)
    url = reverse("loop:theme_list", args=[data.it.slug])
    client.post(url, {"name": "Unclear forms", "name_nb": "Uklare skjemaer"})
    theme = Theme.objects.get()
    assert theme.name_nb == "Uklare skjemaer"
    duplicate = client.post(url, {"name": "unclear forms"})
    assert "already has a theme" in duplicate.content.decode()
    assert client.post(url, {"name": ""}).status_code == 200  # the form again, with why
    edit = reverse("loop:theme_edit", args=[data.it.slug, theme.pk])
    client.post(edit, {"name": "Confusing forms", "name_es": "Formularios confusos"})
    client.post(reverse("loop:theme_active", args=[data.it.slug, theme.pk]), {"active": "0"})
    theme.refresh_from_db()
    assert (theme.name, theme.name_es, theme.is_active) == (
        "Confusing forms",
        "Formularios confusos",
        False,
    )
    page = client.get(url).content.decode()
    assert "Confusing forms" in page and "Retired" in page
    # another department's theme is not found through this department's pages
    other = theme_create(actor=factories.hr_admin(), department=data.hr, name="Payroll")
    assert client.get(reverse("loop:theme_edit", args=[data.it.slug, other.pk])).status_code == 404


def test_tagging_from_the_dashboard_returns_to_the_same_filters(client, data, slow, it_lead):
    for day in range(3, 9):
        data.answer(at=data.day(day), comment=f"Comment {day}")
    response = Response.objects.get(comment="Comment 4")
    client.force_login(it_lead)
    dashboard = reverse("insights:department_dashboard", args=[data.it.slug])
    page = client.get(dashboard, FEBRUARY).content.decode()
    assert "Theme for this comment" in page
    assert f'value="{comment_token(response.pk)}"' in page
    next_url = f"{dashboard}?range=custom&start=2026-02-01&end=2026-02-28"
    answer = tag_post(client, data.it, response, slow, next_url=next_url)
    assert answer["Location"] == f"{next_url}#comments-heading"
    page = client.get(dashboard, FEBRUARY).content.decode()
    assert "(remove this theme from the comment)" in page
    assert "17 % (1 of 6)" in page  # the Themes table: one of six commented answers
    tag_post(client, data.it, response, slow, op="remove", next_url=next_url)
    assert not ThemeTag.objects.exists()


def test_tagging_ignores_an_address_of_another_site(client, data, slow, it_lead):
    response = data.answer(at=data.day(3), comment="Took weeks")
    client.force_login(it_lead)
    answer = tag_post(client, data.it, response, slow, next_url="https://evil.example/")
    assert answer["Location"] == reverse("loop:theme_list", args=[data.it.slug])


def test_tagging_with_a_wrong_token_or_week_changes_nothing(client, data, slow, it_lead):
    response = data.answer(at=data.day(3), comment="Took weeks")
    client.force_login(it_lead)
    url = reverse("loop:comment_theme", args=[data.it.slug])
    base = {"comment": comment_token(response.pk), "week": "2026-02-02", "theme": slow.pk}
    assert client.post(url, {**base, "op": "add", "week": "2026-02-09"}).status_code == 302
    assert client.post(url, {**base, "op": "add", "comment": "nope"}).status_code == 302
    assert client.post(url, {**base, "op": "explode"}).status_code == 400
    assert client.post(url, {**base, "op": "add", "week": "soon"}).status_code == 400
    assert not ThemeTag.objects.exists()


def test_adding_without_choosing_a_theme_says_so(client, data, slow, it_lead):
    """The list starts with "Choose a theme" when nothing is suggested; sent as it is, the
    lead is told to choose, back on the dashboard."""
    response = data.answer(at=data.day(3), comment="Took weeks")
    client.force_login(it_lead)
    url = reverse("loop:comment_theme", args=[data.it.slug])
    back = reverse("insights:department_dashboard", args=[data.it.slug])
    post = {"comment": comment_token(response.pk), "week": "2026-02-02", "theme": ""}
    answer = client.post(url, {**post, "op": "add", "next": back}, follow=True)
    assert answer.redirect_chain[-1][0].startswith(back)
    assert "Choose a theme for the comment first." in answer.content.decode()
    assert not ThemeTag.objects.exists()


# ------------------------------------------------------------------ counts over time


def seed_february(data, slow, forms, lead):
    """Hand-counted: see test_theme_counts_equal_hand_computed_values."""
    tag = lambda response, theme: comment_tag(actor=lead, response=response, theme=theme)  # noqa: E731
    week2 = [data.answer(at=data.day(day), comment=f"w2 {day}") for day in (2, 3, 3, 4, 5, 6)]
    data.answer(at=data.day(4))  # no comment: in no denominator
    data.answer(at=data.day(5))
    for response in week2[:3]:
        tag(response, slow)
    tag(week2[3], forms)
    tag(week2[0], forms)  # one comment, two themes
    week9 = [data.answer(at=data.day(day), comment=f"w9 {day}") for day in (10, 11, 12)]
    tag(week9[0], slow)
    week16 = [data.answer(at=data.day(day), comment=f"w16 {day}") for day in (16, 17, 19, 20)]
    tag(week16[0], slow)
    anonymous = data.answer(at=data.day(18), comment="anon 18", anonymous=True)
    tag(anonymous, slow)
    week23 = [data.answer(at=data.day(day), comment=f"w23 {day}") for day in (23, 24, 25, 26, 27)]
    tag(week23[4], forms)
    # the week of 23 Feb ends on 1 March, outside the period: not counted
    late = data.answer(at=data.day(26), comment="anon 26", anonymous=True)
    tag(late, slow)


def test_theme_counts_equal_hand_computed_values(data, slow, it_lead):
    forms = theme_create(actor=it_lead, department=data.it, name="Unclear forms")
    seed_february(data, slow, forms, it_lead)
    counts = theme_counts(department=data.it, start=START, end=END, buckets=WEEKS)
    assert [(c.commented, c.withheld) for c in counts.columns] == [
        (0, TOO_FEW),  # Sunday 1 February: no comments
        (6, ""),
        (0, TOO_FEW),  # three comments: withheld, and their count too
        (5, ""),  # four named + one anonymous (its whole week inside February)
        (5, ""),  # five named; the anonymous one of 26 Feb waits for its whole week
    ]
    rows = {row.theme.name: row.cells for row in counts.rows}
    assert [(c.tagged, c.share) for c in rows["Slow laptop delivery"]] == [
        (0, None),
        (3, 0.5),
        (0, None),
        (2, 0.4),
        (0, 0.0),
    ]
    assert [(c.tagged, c.share) for c in rows["Unclear forms"]] == [
        (0, None),
        (2, 2 / 6),
        (0, None),
        (0, 0.0),
        (1, 0.2),
    ]


def test_theme_counts_by_request_type_hide_periods_with_a_small_group(data, slow, it_lead):
    for day in (3, 4, 5, 6, 7, 8):
        tag = data.answer(at=data.day(day), comment=f"access {day}")
        comment_tag(actor=it_lead, response=tag, theme=slow)
    laptop = [
        data.answer(at=data.day(day), comment=f"laptop {day}", request_type=data.laptop)
        for day in (4, 5)
    ]
    comment_tag(actor=it_lead, response=laptop[0], theme=slow)
    for day in (10, 11, 12, 13, 14):
        data.answer(at=data.day(day), comment=f"a {day}")
        data.answer(at=data.day(day), comment=f"l {day}", request_type=data.laptop)
    whole = theme_counts(department=data.it, start=START, end=END, buckets=WEEKS)
    assert [(c.commented, c.withheld) for c in whole.columns][1:3] == [(8, ""), (10, "")]
    assert whole.rows[0].cells[1].tagged == 7
    by_type = theme_counts(
        department=data.it, start=START, end=END, buckets=WEEKS, request_type_id=data.access.pk
    )
    # 8 − 6 would give the two laptop comments' count: that week is withheld
    assert [(c.commented, c.withheld) for c in by_type.columns][1:3] == [
        (0, PROTECTED),
        (5, ""),
    ]
    assert by_type.rows[0].cells[1].tagged == 0


def test_dashboard_themes_table_says_why_cells_are_withheld(client, data, slow, it_lead):
    forms = theme_create(actor=it_lead, department=data.it, name="Unclear forms")
    seed_february(data, slow, forms, it_lead)
    client.force_login(it_lead)
    page = client.get(
        reverse("insights:department_dashboard", args=[data.it.slug]),
        FEBRUARY,
    ).content.decode()
    assert 'id="themes-heading"' in page
    assert "not enough answers yet" in page
    # the trend is by week for these answers; the columns as hand-counted above
    assert "week of 9 Feb 2026" in page
    assert "50 % (3 of 6)" in page and "40 % (2 of 5)" in page and "20 % (1 of 5)" in page
    assert "(3 of 3)" not in page and "(1 of 3)" not in page  # the week of 9 February


def test_dashboard_query_count_does_not_grow_with_tags(client, data, slow, it_lead):
    forms = theme_create(actor=it_lead, department=data.it, name="Unclear forms")
    responses = [data.answer(at=data.day(day % 27 + 1), comment=f"c{day}") for day in range(30)]
    client.force_login(it_lead)
    url = reverse("insights:department_dashboard", args=[data.it.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, FEBRUARY).status_code == 200
        return len(captured)

    comment_tag(actor=it_lead, response=responses[0], theme=slow)
    queries()  # warm the caches
    few = queries()
    for response in responses:
        comment_tag(actor=it_lead, response=response, theme=slow)
        comment_tag(actor=it_lead, response=response, theme=forms)
    for index in range(5):
        theme_create(actor=it_lead, department=data.it, name=f"Theme {index}")
    assert queries() == few


# ------------------------------------------------------------------ anonymity


def test_anonymous_comments_gain_no_person_through_themes(client, data, slow, it_lead):
    secret = factories.employee(home_department=data.hr, first_name="Zelda", last_name="Quist")
    for day in (2, 3, 4, 6, 7):  # named comments on other days than the anonymous one's
        data.answer(at=data.day(day), comment=f"Named {day}")
    anonymous = data.answer(
        1,
        at=datetime(2026, 2, 5, 14, 37, tzinfo=OSLO),
        comment="Secret gripe",
        anonymous=True,
        requester=secret,
    )
    reference = anonymous.invitation.ticket.reference
    hr_admin = factories.hr_admin()
    for user in (it_lead, hr_admin):
        client.force_login(user)
        assert tag_post(client, data.it, anonymous, slow).status_code == 302
        assert comment_untag(actor=user, response=anonymous, theme=slow)
        assert tag_post(client, data.it, anonymous, slow).status_code == 302
    # the tag stores no tagger and no time; tagging opens no follow-up
    assert {f.name for f in ThemeTag._meta.concrete_fields} == {"id", "theme", "response"}
    assert not FollowUp.objects.filter(response=anonymous).exists()
    assert not AuditEntry.objects.filter(object_type="loop.themetag").exists()

    dashboard = reverse("insights:department_dashboard", args=[data.it.slug])
    pages = [
        (dashboard, FEBRUARY),
        (dashboard, {"range": "custom", "start": "2026-02-04", "end": "2026-02-06"}),
        (dashboard, {**FEBRUARY, "request_type": data.access.pk}),
        (reverse("insights:department_dashboard_csv", args=[data.it.slug]), FEBRUARY),
        (reverse("loop:theme_list", args=[data.it.slug]), {}),
        (reverse("loop:theme_edit", args=[data.it.slug, slow.pk]), {}),
        (reverse("console:audit_log"), {}),
        (reverse("insights:organisation_dashboard"), FEBRUARY),
    ]
    seen = False
    for user in (it_lead, hr_admin):
        client.force_login(user)
        for url, params in pages:
            answer = client.get(url, params)
            if answer.status_code in (403, 404):
                continue  # not a page this person reaches
            assert answer.status_code == 200, url
            text = answer.content.decode("utf-8-sig")
            seen = seen or "Secret gripe" in text
            for leak in ("Zelda", "Quist", reference, "5 Feb 2026", "2026-02-05", "14:37"):
                assert leak not in text, (url, leak)
    assert seen  # the comment itself was on a page, with its theme


def test_theme_list_queries_do_not_grow_with_themes(
    client, data, it_lead, django_assert_max_num_queries
):
    client.force_login(it_lead)
    url = reverse("loop:theme_list", args=[data.it.slug])
    for index in range(3):
        theme_create(actor=it_lead, department=data.it, name=f"Theme {index}")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(3, 30):
        theme_create(actor=it_lead, department=data.it, name=f"Theme {index}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "Theme 29" in page
