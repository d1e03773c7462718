"""Surveys, their questions and versions, and "send again": each change writes its audit row."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from requests_app.models import Ticket
from surveys.exceptions import SurveyConfigError
from surveys.models import Invitation
from surveys.services import editor
from surveys.services.invitations import invitation_retry, invitation_send
from surveys.services.responses import response_submit
from tests import factories
from tests.audit.records import identity, only_entry
from tests.surveys.test_manage_views import edit_data, edit_url

pytestmark = pytest.mark.django_db
Kind = AuditEntry.Kind
Status = Invitation.Status
QUESTIONS = factories.DEFAULT_QUESTIONS


@pytest.fixture
def admin():
    return factories.hr_admin(first_name="Hanne", last_name="Rask")


@pytest.fixture
def survey(department):
    made = factories.survey(departments=[department])
    AuditEntry.objects.all().delete()
    return made


def answer(survey, request_type):
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation_send(invitation_id=invitation.pk)
    headline = survey.versions.get(is_current=True).questions.get(is_headline=True)
    response_submit(invitation_id=invitation.pk, raw_answers={headline.pk: "5"}, revision=None)
    AuditEntry.objects.all().delete()


def test_survey_save_records_the_creation_with_targeting_and_questions(admin, department):
    survey = editor.survey_save(
        actor=admin,
        departments=[department],
        intro="Hello",
        questions=QUESTIONS[:1],
        name="After IT",
        sample_percent=50,
    )
    entry = only_entry()
    assert (entry.kind, entry.actor_name, entry.object_type, entry.object_id) == (
        Kind.SURVEY_CREATED,
        "Hanne Rask",
        "surveys.survey",
        survey.pk,
    )
    assert (entry.object_name, entry.department_id) == ("After IT", None)
    assert entry.changes["name"] == [None, "After IT"]
    assert entry.changes["sample_percent"] == [None, 50]
    assert entry.changes["departments"] == [None, ["IT"]]
    assert entry.changes["intro"] == [None, "Hello"]
    assert entry.changes["questions"][1][0]["text"] == "How satisfied are you?"
    assert "request_types" not in entry.changes


def test_survey_save_records_changed_settings_and_targeting(admin, survey, request_type):
    editor.survey_save(
        actor=admin,
        survey=survey,
        departments=[],
        request_types=[request_type],
        name="After access requests",
        delay_minutes=90,
    )
    entry = only_entry()
    assert entry.kind == Kind.SURVEY_CHANGED
    assert entry.changes == {
        "name": ["After resolve", "After access requests"],
        "delay_minutes": [0, 90],
        "departments": [["IT"], []],
        "request_types": [[], ["IT · Access request"]],
    }


def test_survey_save_records_deactivating_and_activating(admin, survey, department):
    editor.survey_save(actor=admin, survey=survey, departments=[department], is_active=False)
    assert only_entry().kind == Kind.SURVEY_DEACTIVATED
    editor.survey_save(actor=admin, survey=survey, departments=[department], is_active=True)
    assert only_entry(kind=Kind.SURVEY_ACTIVATED).changes == {"is_active": [False, True]}


def test_survey_save_records_the_survey_that_loses_the_default(admin, survey, department):
    other = factories.survey(name="Other", is_default=False)
    AuditEntry.objects.all().delete()
    editor.survey_save(actor=admin, survey=other, is_default=True)
    rows = {e.object_id: (e.kind, e.changes) for e in AuditEntry.objects.all()}
    assert rows == {
        other.pk: (Kind.SURVEY_CHANGED, {"is_default": [False, True]}),
        survey.pk: (Kind.SURVEY_CHANGED, {"is_default": [True, False]}),
    }


def test_survey_save_unchanged_records_nothing(admin, survey, department):
    editor.survey_save(
        actor=admin,
        survey=survey,
        departments=[department],
        intro="Two minutes of your time.",
        questions=QUESTIONS,
        name="After resolve",
    )
    assert not AuditEntry.objects.exists()


def test_survey_edit_page_unchanged_records_nothing(client, admin, survey):
    client.force_login(admin)
    assert client.post(edit_url(survey), edit_data(survey)).status_code == 302
    assert not AuditEntry.objects.exists()
    client.post(edit_url(survey), edit_data(survey, reminder_hours=12))
    assert only_entry().changes == {"reminder_hours": [48, 12]}


def test_survey_save_refused_records_nothing(admin, survey):
    with pytest.raises(SurveyConfigError):
        editor.survey_save(actor=factories.employee(), survey=survey, name="Mine")
    with pytest.raises(SurveyConfigError):
        editor.survey_save(actor=admin, name="No questions", questions=[])
    with pytest.raises(SurveyConfigError):
        editor.survey_set_questions(actor=admin, survey=survey, questions=QUESTIONS[1:])
    assert not AuditEntry.objects.exists()


def test_survey_set_questions_records_an_edit_in_place(admin, survey):
    editor.survey_set_questions(
        actor=admin, survey=survey, questions=QUESTIONS[:2], intro="One minute."
    )
    entry = only_entry()
    assert (entry.kind, entry.object_id, entry.object_name) == (
        Kind.SURVEY_QUESTIONS_CHANGED,
        survey.pk,
        "After resolve",
    )
    assert entry.changes["intro"] == ["Two minutes of your time.", "One minute."]
    old, new = entry.changes["questions"]
    assert (len(old), len(new)) == (4, 2)


def test_survey_set_questions_records_a_new_version_once_answered(admin, survey, request_type):
    answer(survey, request_type)
    editor.survey_set_questions(actor=admin, survey=survey, questions=QUESTIONS[:3])
    entry = only_entry()
    assert entry.kind == Kind.SURVEY_VERSION_PUBLISHED
    assert entry.changes["version"] == [1, 2]
    assert [len(v) for v in entry.changes["questions"]] == [4, 3]
    assert "intro" not in entry.changes


def test_survey_move_question_records_the_new_order(admin, survey):
    editor.survey_move_question(actor=admin, survey=survey, index=1, offset=1)
    old, new = only_entry(kind=Kind.SURVEY_QUESTIONS_CHANGED).changes["questions"]
    assert [q["kind"] for q in old][1:3] == ["yes_no", "choice"]
    assert [q["kind"] for q in new][1:3] == ["choice", "yes_no"]


def test_survey_move_question_out_of_range_records_nothing(admin, survey):
    editor.survey_move_question(actor=admin, survey=survey, index=0, offset=-1)
    assert not AuditEntry.objects.exists()


@pytest.fixture
def failed_invitation(survey, request_type):
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Status.FAILED, attempts=3, last_error="SMTP 550 secret-relay.example: denied"
    )
    return invitation


def test_invitation_retry_records_send_again(admin, failed_invitation, department):
    assert invitation_retry(invitation_id=failed_invitation.pk, actor=admin)
    entry = only_entry()
    expected = (Kind.INVITATION_RESENT, admin, "surveys.invitation", failed_invitation.pk)
    assert identity(entry) == expected
    assert entry.object_name == f"{failed_invitation.ticket.reference} · After resolve"
    assert entry.department_id == department.pk
    assert entry.changes == {"status": ["failed", "pending"], "attempts": [3, 0]}
    # The mail server's error text never reaches the log.
    assert "secret-relay" not in str(entry.changes)


def test_invitation_retry_of_an_invitation_that_had_not_failed_records_nothing(
    admin, survey, request_type
):
    ticket = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)
    assert not invitation_retry(invitation_id=invitation.pk, actor=admin)
    assert not AuditEntry.objects.exists()


def test_invitation_retry_page_records_the_admin(client, admin, failed_invitation):
    client.force_login(admin)
    client.post(reverse("surveys:invitation_retry", kwargs={"invitation_id": failed_invitation.pk}))
    assert only_entry().actor == admin
