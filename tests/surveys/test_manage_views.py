"""HR admins' survey pages: the list, the editor, the preview and the delivery monitor."""

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import Ticket
from surveys.models import Answer, Invitation, Question, Survey, SurveyVersion
from surveys.services.invitations import invitation_send
from surveys.services.responses import response_submit
from tests import factories

pytestmark = pytest.mark.django_db
Status = Invitation.Status

SETTING_FIELDS = (
    "name",
    "is_active",
    "is_default",
    "delay_minutes",
    "reminder_hours",
    "expires_days",
    "min_days_between",
    "sample_percent",
    "anonymous",
)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def settings_of(survey: Survey) -> dict:
    """The editor's settings as they are saved: what an unchanged page posts back."""
    return {
        **{name: getattr(survey, name) for name in SETTING_FIELDS},
        "intro": survey.versions.get(is_current=True).intro,
        "departments": list(survey.departments.all()),
        "request_types": list(survey.request_types.all()),
    }


def questions_of(survey: Survey) -> list[dict]:
    version = survey.versions.get(is_current=True)
    return [
        {
            "kind": q.kind,
            "text": q.text,
            "choices": q.choices,
            "required": q.required,
            "is_headline": q.is_headline,
        }
        for q in version.questions.order_by("position")
    ]


NEW_SETTINGS = {
    "name": "After IT requests",
    "is_active": True,
    "is_default": False,
    "delay_minutes": 30,
    "reminder_hours": 24,
    "expires_days": 10,
    "min_days_between": 7,
    "sample_percent": 50,
    "anonymous": True,
    "intro": "Tell us how it went.",
    "departments": [],
    "request_types": [],
}


def post_data(questions: list[dict], *, initial: int = 0, extra: int = 2, **fields) -> dict:
    """What the editor's form posts: settings, then question rows and two untouched new rows."""
    data: dict = {}
    for name, value in {**NEW_SETTINGS, **fields}.items():
        if name in ("departments", "request_types"):
            data[name] = [obj.pk for obj in value]
        elif value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = str(value)
    rows = [*questions, *({} for _ in range(extra))]
    data.update(
        {
            "questions-TOTAL_FORMS": str(len(rows)),
            "questions-INITIAL_FORMS": str(initial),
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "30",
        }
    )
    for i, row in enumerate(rows):
        prefix = f"questions-{i}-"
        data[prefix + "kind"] = row.get("kind", Question.Kind.CSAT)
        data[prefix + "text"] = row.get("text", "")
        data[prefix + "choices"] = "\n".join(row.get("choices") or [])
        for flag in ("required", "is_headline"):
            if row.get(flag):
                data[prefix + flag] = "on"
        if row.get("delete"):
            data[prefix + "DELETE"] = "on"
    return data


def edit_data(survey: Survey, questions: list[dict] | None = None, **changes) -> dict:
    current = questions_of(survey)
    rows = current if questions is None else questions
    return post_data(rows, initial=len(current), **{**settings_of(survey), **changes})


def edit_url(survey: Survey) -> str:
    return reverse("surveys:survey_edit", kwargs={"survey_id": survey.pk})


@pytest.fixture
def admin_client(client):
    client.force_login(factories.hr_admin())
    return client


@pytest.fixture
def answered(request_type, it_agent):
    """A survey with one answer to its version 1."""
    survey = factories.survey()
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation_send(invitation_id=invitation.pk)
    headline = survey.versions.get().questions.get(is_headline=True)
    response = response_submit(
        invitation_id=invitation.pk, raw_answers={headline.pk: "5"}, revision=None
    )
    return survey, response


# Permissions ---------------------------------------------------------------------------


def _urls(survey, invitation):
    return {
        "survey_list": ("get", reverse("surveys:survey_list")),
        "survey_new": ("get", reverse("surveys:survey_new")),
        "survey_edit": ("get", edit_url(survey)),
        "survey_preview": (
            "get",
            reverse("surveys:survey_preview", kwargs={"survey_id": survey.pk}),
        ),
        "question_move": (
            "post",
            reverse("surveys:question_move", kwargs={"survey_id": survey.pk}),
        ),
        "invitation_list": ("get", reverse("surveys:invitation_list")),
        "invitation_retry": (
            "post",
            reverse("surveys:invitation_retry", kwargs={"invitation_id": invitation.pk}),
        ),
    }


URL_NAMES = [
    "survey_list",
    "survey_new",
    "survey_edit",
    "survey_preview",
    "question_move",
    "invitation_list",
    "invitation_retry",
]


@pytest.fixture
def some_invitation(request_type, it_agent):
    factories.survey()
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    return Invitation.objects.get(ticket=ticket)


@pytest.mark.parametrize("name", URL_NAMES)
def test_manage_pages_send_the_signed_out_to_sign_in(client, some_invitation, name):
    method, url = _urls(some_invitation.survey, some_invitation)[name]
    response = getattr(client, method)(
        url, {"index": "1", "offset": "-1"} if method == "post" else {}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("who", ["employee", "agent", "lead"])
def test_manage_pages_are_404_for_everyone_but_hr_admins(
    client, some_invitation, department, name, who
):
    person = {
        "employee": factories.employee,
        "agent": lambda: factories.agent(department),
        "lead": lambda: factories.lead(department),
    }[who]()
    client.force_login(person)
    method, url = _urls(some_invitation.survey, some_invitation)[name]
    response = getattr(client, method)(
        url, {"index": "1", "offset": "-1"} if method == "post" else {}
    )
    assert response.status_code == 404
    some_invitation.refresh_from_db()
    assert some_invitation.status == Status.PENDING
    assert [q["text"] for q in questions_of(some_invitation.survey)] == [
        q["text"] for q in factories.DEFAULT_QUESTIONS
    ]


@pytest.mark.parametrize("name", URL_NAMES)
def test_manage_pages_open_for_hr_admins(admin_client, some_invitation, name):
    method, url = _urls(some_invitation.survey, some_invitation)[name]
    data = {"index": "1", "offset": "-1"} if method == "post" else {}
    response = getattr(admin_client, method)(url, data, follow=True)
    assert response.status_code == 200


def test_manage_pages_open_for_superusers(client, some_invitation):
    client.force_login(factories.employee(is_superuser=True))
    assert client.get(reverse("surveys:survey_list")).status_code == 200


def test_state_changes_refuse_get(admin_client, some_invitation):
    for name in ("question_move", "invitation_retry"):
        _, url = _urls(some_invitation.survey, some_invitation)[name]
        assert admin_client.get(url).status_code == 405


# The list ------------------------------------------------------------------------------


def test_survey_list_shows_flags_targeting_timing_and_counts(admin_client, answered, request_type):
    survey, _ = answered
    factories.survey(
        name="Access only",
        is_default=False,
        is_active=False,
        anonymous=True,
        request_types=[request_type],
        delay_minutes=90,
        reminder_hours=0,
        sample_percent=25,
    )
    text = page_text(admin_client.get(reverse("surveys:survey_list")))
    assert "After resolve" in text and "Access only" in text
    assert "Default" in text and "Inactive" in text and "Anonymous" in text
    assert "IT · Access request" in text
    assert "Sent 90 minutes after resolve" in text and "No reminder" in text
    assert "25 % of resolved requests asked" in text
    assert "1 of 1 invitation" in text
    assert reverse("surveys:survey_new") in text
    assert reverse("surveys:invitation_list") in text
    assert edit_url(survey) in text
    assert reverse("surveys:survey_preview", kwargs={"survey_id": survey.pk}) in text


def test_survey_list_and_monitor_run_a_fixed_number_of_queries(
    admin_client, request_type, department
):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    factories.survey(name="One", request_types=[request_type], departments=[department])
    list_url, monitor_url = reverse("surveys:survey_list"), reverse("surveys:invitation_list")
    few = queries(list_url), queries(monitor_url)
    for n in range(3):
        other = factories.RequestTypeFactory()
        factories.survey(
            name=f"More {n}", is_default=False, request_types=[other], departments=[department]
        )
        ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
        Invitation.objects.filter(ticket=ticket).update(
            status=Status.FAILED, attempts=3, last_error="boom"
        )
    assert (queries(list_url), queries(monitor_url)) == few


# Creating and editing ------------------------------------------------------------------


def test_create_survey_through_the_page(admin_client, department, request_type):
    questions = [
        {
            "kind": "nps_0_10",
            "text": "Would you recommend us?",
            "required": True,
            "is_headline": True,
        },
        {"kind": "choice", "text": "What mattered most?", "choices": ["Speed", "Result"]},
        {"kind": "text", "text": "Anything else?"},
    ]
    response = admin_client.post(
        reverse("surveys:survey_new"),
        post_data(questions, departments=[department], request_types=[request_type]),
        follow=True,
    )
    assert "“After IT requests” saved." in page_text(response)
    survey = Survey.objects.get(name="After IT requests")
    assert (survey.delay_minutes, survey.reminder_hours, survey.expires_days) == (30, 24, 10)
    assert (survey.min_days_between, survey.sample_percent) == (7, 50)
    assert survey.anonymous and survey.is_active and not survey.is_default
    assert list(survey.departments.all()) == [department]
    assert list(survey.request_types.all()) == [request_type]
    version = survey.versions.get()
    assert (version.number, version.intro) == (1, "Tell us how it went.")
    saved = list(version.questions.order_by("position"))
    assert [q.text for q in saved] == [q["text"] for q in questions]
    assert saved[0].is_headline and saved[0].required and saved[0].kind == "nps_0_10"
    assert saved[1].choices == ["Speed", "Result"]
    assert not saved[2].is_headline


def test_new_survey_page_starts_with_a_headline_question(admin_client):
    text = page_text(admin_client.get(reverse("surveys:survey_new")))
    assert "How satisfied are you with how your request was handled?" in text
    assert 'name="questions-0-is_headline"' in text
    # Every setting starts at its default, so saving at once works.
    assert 'name="sample_percent" value="100"' in text
    assert 'name="delay_minutes" value="60"' in text
    assert "Move up" not in text


def test_editing_answered_survey_creates_version_2_and_keeps_old_answers(admin_client, answered):
    survey, response = answered
    page = page_text(admin_client.get(edit_url(survey)))
    assert (
        "This survey has answers: saving changed questions creates version 2; earlier answers "
        "stay with the questions they answered." in page
    )
    old_questions = list(survey.versions.get().questions.order_by("position"))
    questions = questions_of(survey)
    questions[0]["text"] = "How happy are you?"
    result = admin_client.post(edit_url(survey), edit_data(survey, questions), follow=True)
    text = page_text(result)
    assert "saved as version 2. Earlier answers stay with version 1." in text
    v1, v2 = survey.versions.order_by("number")
    assert (v1.is_current, v2.is_current, v2.number) == (False, True, 2)
    assert [q.text for q in v1.questions.order_by("position")] == [q.text for q in old_questions]
    assert v2.questions.order_by("position").first().text == "How happy are you?"
    answer = Answer.objects.get(response=response)
    assert answer.question == old_questions[0]
    assert answer.question.version == v1
    response.refresh_from_db()
    assert response.version == v1
    # The versions table lists both, with their answer counts.
    assert "Versions" in text and "current" in text


def test_editing_unanswered_survey_edits_in_place(admin_client):
    survey = factories.survey()
    questions = questions_of(survey)
    questions[1]["text"] = "Was it solved at once?"
    response = admin_client.post(edit_url(survey), edit_data(survey, questions), follow=True)
    text = page_text(response)
    assert "“After resolve” saved." in text and "version 2" not in text
    version = SurveyVersion.objects.get(survey=survey)
    assert (version.number, version.revision, version.is_current) == (1, 2, True)
    assert version.questions.order_by("position")[1].text == "Was it solved at once?"
    assert "This survey has answers" not in text


def test_saving_unchanged_page_changes_nothing(admin_client, answered):
    survey, _ = answered
    admin_client.post(edit_url(survey), edit_data(survey), follow=True)
    assert survey.versions.count() == 1
    assert survey.versions.get().revision == 1


def test_deleting_a_question(admin_client):
    survey = factories.survey()
    questions = questions_of(survey)
    questions[3]["delete"] = True
    admin_client.post(edit_url(survey), edit_data(survey, questions))
    texts = [q["text"] for q in questions_of(survey)]
    assert "Anything else?" not in texts and len(texts) == 3


@pytest.mark.parametrize("headlines", [0, 2])
def test_headline_count_other_than_one_is_refused_and_input_kept(admin_client, headlines):
    questions = [
        {"kind": "csat_1_5", "text": "Typed first question", "is_headline": headlines >= 1},
        {"kind": "nps_0_10", "text": "Typed second question", "is_headline": headlines >= 2},
    ]
    response = admin_client.post(
        reverse("surveys:survey_new"), post_data(questions, name="Half-typed survey")
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Mark exactly one question as the headline." in text
    assert "The survey was not saved" in text
    assert 'value="Typed first question"' in text and 'value="Typed second question"' in text
    assert 'value="Half-typed survey"' in text
    assert not Survey.objects.exists()


def test_headline_must_be_a_score(admin_client):
    questions = [{"kind": "text", "text": "Comments", "is_headline": True}]
    text = page_text(admin_client.post(reverse("surveys:survey_new"), post_data(questions)))
    assert "The headline must be a 1–5 satisfaction or a 0–10 recommend question." in text
    assert not Survey.objects.exists()


def test_choice_question_with_one_option_is_refused(admin_client):
    survey = factories.survey()
    questions = questions_of(survey)
    questions[2]["choices"] = ["Only speed"]
    response = admin_client.post(edit_url(survey), edit_data(survey, questions))
    text = page_text(response)
    assert "A choice question needs at least two options, one per line." in text
    assert "Only speed" in text
    assert questions_of(survey)[2]["choices"] == ["Speed", "Kindness", "Result"]


def test_sample_percent_over_100_is_a_field_error(admin_client):
    survey = factories.survey(sample_percent=40)
    response = admin_client.post(edit_url(survey), edit_data(survey, sample_percent=150))
    text = page_text(response)
    assert "Ensure this value is less than or equal to 100." in text
    assert 'value="150"' in text
    survey.refresh_from_db()
    assert survey.sample_percent == 40


def test_making_b_the_default_undefaults_a(admin_client):
    a = factories.survey(name="A", is_default=True)
    b = factories.survey(name="B", is_default=False)
    admin_client.post(edit_url(b), edit_data(b, is_default=True))
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.is_default and not a.is_default


def test_settings_change_alone_keeps_questions_and_version(admin_client, answered):
    survey, _ = answered
    admin_client.post(edit_url(survey), edit_data(survey, delay_minutes=15, name="Renamed"))
    survey.refresh_from_db()
    assert (survey.name, survey.delay_minutes) == ("Renamed", 15)
    assert survey.versions.count() == 1


# Reordering ----------------------------------------------------------------------------


def test_editor_offers_move_buttons_named_after_their_question(admin_client):
    survey = factories.survey()
    text = page_text(admin_client.get(edit_url(survey)))
    assert 'Move down<span class="visually-hidden"> “How satisfied are you?”</span>' in text
    assert 'Move up<span class="visually-hidden"> “Was it solved the first time?”</span>' in text
    # The first question cannot go up, the last cannot go down.
    assert 'Move up<span class="visually-hidden"> “How satisfied are you?”' not in text
    assert 'Move down<span class="visually-hidden"> “Anything else?”' not in text


def test_move_up_and_down_change_the_order(admin_client):
    survey = factories.survey()
    url = reverse("surveys:question_move", kwargs={"survey_id": survey.pk})
    response = admin_client.post(url, {"index": "1", "offset": "-1"})
    assert response.status_code == 302
    assert response.url == edit_url(survey) + "#question-1"
    assert [q["text"] for q in questions_of(survey)][:2] == [
        "Was it solved the first time?",
        "How satisfied are you?",
    ]
    response = admin_client.post(url, {"index": "2", "offset": "1"}, follow=True)
    assert "Question moved." in page_text(response)
    assert [q["text"] for q in questions_of(survey)] == [
        "Was it solved the first time?",
        "How satisfied are you?",
        "Anything else?",
        "What mattered most?",
    ]
    assert survey.versions.count() == 1


def test_moving_a_question_of_an_answered_survey_makes_a_new_version(admin_client, answered):
    survey, _ = answered
    url = reverse("surveys:question_move", kwargs={"survey_id": survey.pk})
    response = admin_client.post(url, {"index": "0", "offset": "1"}, follow=True)
    assert "this is now version 2" in page_text(response)
    assert survey.versions.count() == 2


def test_move_out_of_range_changes_nothing(admin_client):
    survey = factories.survey()
    url = reverse("surveys:question_move", kwargs={"survey_id": survey.pk})
    admin_client.post(url, {"index": "0", "offset": "-1"})
    admin_client.post(url, {"index": "9", "offset": "1"})
    response = admin_client.post(url, {"index": "x", "offset": "5"}, follow=True)
    assert "That question could not be moved." in page_text(response)
    assert [q["text"] for q in questions_of(survey)] == [
        q["text"] for q in factories.DEFAULT_QUESTIONS
    ]
    assert survey.versions.get().revision == 1


# Preview -------------------------------------------------------------------------------


def test_preview_shows_every_question_and_scale_as_disabled_radios(admin_client):
    survey = factories.survey(anonymous=True)
    response = admin_client.get(reverse("surveys:survey_preview", kwargs={"survey_id": survey.pk}))
    text = page_text(response)
    assert "Preview — answers are not saved" in text
    assert "Two minutes of your time." in text
    assert "Your answers are never shown with your name." in text
    questions = list(survey.versions.get().questions.order_by("position"))
    for question in questions:
        assert question.text in text
    headline = questions[0]
    radios = re.findall(rf'<input type="radio"[^>]*name="q{headline.pk}"[^>]*value="(\d+)"', text)
    assert radios == ["1", "2", "3", "4", "5"]
    for option in ("Speed", "Kindness", "Result"):
        assert f'value="{option}"' in text
    assert text.count('survey-question" disabled') == len(questions)
    assert "<form" not in text.split("Preview — answers are not saved")[1].split("</section>")[0]


# Delivery monitor ----------------------------------------------------------------------


@pytest.fixture
def failed_invitation(request_type, it_agent, monkeypatch, settings):
    settings.ICSAT_SURVEY_MAX_ATTEMPTS = 1
    factories.survey(anonymous=True)
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down for maintenance " + "x" * 80)

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert invitation_send(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.status == Status.FAILED
    return invitation


def test_monitor_lists_failed_invitation_with_its_error(admin_client, failed_invitation):
    text = page_text(admin_client.get(reverse("surveys:invitation_list")))
    ticket = failed_invitation.ticket
    assert ticket.reference in text
    assert failed_invitation.recipient.get_full_name() in text
    assert failed_invitation.recipient.email in text
    assert "ConnectionRefusedError: SMTP server down for maintenance" in text
    assert "<details>" in text and failed_invitation.last_error in text
    assert "Send again" in text
    assert "Failed" in text


def test_monitor_counts_and_never_shows_answers(admin_client, answered, failed_invitation):
    _, response = answered
    Invitation.objects.filter(pk=response.invitation_id).update(status=Status.ANSWERED)
    response.comment = "A private remark about the agent"
    response.save(update_fields=["comment"])
    text = page_text(admin_client.get(reverse("surveys:invitation_list")))
    assert "A private remark" not in text
    assert response.invitation.ticket.reference not in text
    assert "Answered" in text and "Failed" in text


def test_send_again_makes_a_failed_invitation_pending(admin_client, failed_invitation):
    url = reverse("surveys:invitation_retry", kwargs={"invitation_id": failed_invitation.pk})
    response = admin_client.post(url, follow=True)
    assert "The invitation will be sent again in a moment." in page_text(response)
    failed_invitation.refresh_from_db()
    assert (failed_invitation.status, failed_invitation.attempts) == (Status.PENDING, 0)
    response = admin_client.post(url, follow=True)
    assert "nothing was changed" in page_text(response)


def test_monitor_with_nothing_to_do(admin_client):
    text = page_text(admin_client.get(reverse("surveys:invitation_list")))
    assert "Nothing needs attention" in text
