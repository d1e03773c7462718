"""Survey content in three languages: each recipient reads their own (or English where a
text is not translated), and answers given in any language are one question's answers."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from requests_app.services import tickets as ticket_svc
from surveys.models import Answer, Invitation, Question
from surveys.services import invitations as invitation_svc
from tests import factories

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "kind": "csat_1_5",
        "text": "How satisfied are you with how your request was handled?",
        "text_es": "¿Qué tan satisfecho está con cómo se atendió su solicitud?",
        "text_nb": "Hvor fornøyd er du med hvordan forespørselen ble behandlet?",
        "required": True,
        "is_headline": True,
    },
    {
        # Not translated into Spanish: Spanish readers see English.
        "kind": "choice",
        "text": "What mattered most?",
        "text_nb": "Hva betydde mest?",
        "choices": ["Speed", "Kindness"],
        "choices_nb": ["Fart", "Vennlighet"],
    },
]


def _person(language: str, n: int, department):
    person = factories.employee(username=f"{language}-{n}", home_department=department)
    person.employee.language = language
    person.employee.save(update_fields=["language"])
    return person


def _answer_as(client, person, request_type, agent, *, choice: str) -> str:
    """Resolve a request of ``person``'s, follow the e-mailed link, answer; the page's text."""
    ticket = factories.make_ticket(requester=person, request_type=request_type)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
    invitation = Invitation.objects.get(ticket=ticket)
    mail.outbox.clear()
    assert invitation_svc.invitation_send(invitation_id=invitation.pk)
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    url = reverse("surveys:answer", args=[token])
    page = client.get(url).content.decode()
    questions = list(invitation.version.questions.order_by("position"))
    posted = client.post(
        url,
        {
            "revision": invitation.version.revision,
            f"q{questions[0].pk}": "4",
            f"q{questions[1].pk}": choice,
        },
    )
    assert posted.status_code in (200, 302)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED
    return page


def test_each_recipient_reads_their_language_and_the_dashboard_counts_one_question(
    client, department, request_type, it_agent, it_lead
):
    factories.survey(
        questions=QUESTIONS,
        intro_translations={"nb": "To minutter av din tid."},
        departments=[department],
    )
    pages = {}
    for language, choices in (("nb", ["Speed", "Speed"]), ("es", ["Kindness", "Speed"])):
        for n, choice in enumerate(choices):
            person = _person(language, n, department)
            pages[language] = _answer_as(client, person, request_type, it_agent, choice=choice)
    for n in range(2):
        _answer_as(client, _person("en", n, department), request_type, it_agent, choice="Speed")

    norwegian = pages["nb"]
    assert "Hvor fornøyd er du med hvordan forespørselen ble behandlet?" in norwegian
    assert "Hva betydde mest?" in norwegian
    assert ">Fart</label>" in norwegian and ">Vennlighet</label>" in norwegian
    assert "To minutter av din tid." in norwegian
    assert "What mattered most?" not in norwegian
    # Spanish: the headline in Spanish; the untranslated question, options and intro in English.
    spanish = pages["es"]
    assert "¿Qué tan satisfecho está con cómo se atendió su solicitud?" in spanish
    assert "What mattered most?" in spanish
    assert ">Speed</label>" in spanish
    assert "Two minutes of your time." in spanish

    # The stored answer is the English option, whatever language it was given in.
    choice_answers = Answer.objects.filter(question__kind=Question.Kind.CHOICE)
    assert sorted(choice_answers.values_list("text", flat=True)) == [
        "Kindness",
        "Speed",
        "Speed",
        "Speed",
        "Speed",
        "Speed",
    ]

    # One question on the dashboard, counted across the three languages, read in the
    # lead's language.
    it_lead.employee.language = "nb"
    it_lead.employee.save(update_fields=["language"])
    client.force_login(it_lead)
    response = client.get(reverse("insights:department_dashboard", args=[department.slug]))
    questions = response.context["shown"]["questions"]
    choice = [q for q in questions if "Hva betydde mest?" in q["title"]]
    assert len(choice) == 1
    assert choice[0]["n"] == 6
    assert {c["value"]: c["count"] for c in choice[0]["counts"]} == {"Fart": 5, "Vennlighet": 1}
    assert not [q for q in questions if "What mattered most?" in q["title"]]


def test_editor_saves_translations_and_refuses_a_list_that_does_not_match(client):
    admin = factories.hr_admin()
    client.force_login(admin)
    survey = factories.survey(questions=QUESTIONS)
    url = reverse("surveys:survey_edit", args=[survey.pk])
    page = client.get(url).content.decode()
    # Each language has its fields; the untranslated ones carry the mark.
    assert 'name="questions-1-text_es"' in page
    assert 'name="questions-1-choices_nb"' in page
    assert page.count("Falls back to English") >= 2

    posted = _editor_post(survey)
    posted["questions-1-choices_es"] = "Rapidez"  # one option for two
    response = client.post(url, posted)
    assert response.status_code == 200
    assert "Give 2 options, one per line" in response.content.decode()

    posted["questions-1-text_es"] = "¿Qué fue lo más importante?"
    posted["questions-1-choices_es"] = "Rapidez\nAmabilidad"
    posted["intro_es"] = "Dos minutos de su tiempo."
    response = client.post(url, posted)
    assert response.status_code == 302
    version = survey.versions.get(is_current=True)
    assert version.intro_es == "Dos minutos de su tiempo."
    question = version.questions.get(kind=Question.Kind.CHOICE)
    assert question.text_es == "¿Qué fue lo más importante?"
    assert question.choices_es == ["Rapidez", "Amabilidad"]
    assert question.choices == ["Speed", "Kindness"]

    # The preview in each language shows what its readers get.
    preview = reverse("surveys:survey_preview", args=[survey.pk])
    spanish = client.get(preview, {"language": "es"}).content.decode()
    assert "¿Qué fue lo más importante?" in spanish and ">Amabilidad</label>" in spanish
    norwegian = client.get(preview, {"language": "nb"}).content.decode()
    assert "Hva betydde mest?" in norwegian
    # Norwegian has no introduction: partly English, and said so.
    assert "recipients see them in English" in norwegian
    assert "Two minutes of your time." in norwegian


def _editor_post(survey) -> dict:
    """The editor's form as saved, posted back unchanged."""
    version = survey.versions.get(is_current=True)
    data = {
        "name": survey.name,
        "is_active": "on",
        "delay_minutes": survey.delay_minutes,
        "reminder_hours": survey.reminder_hours,
        "expires_days": survey.expires_days,
        "min_days_between": survey.min_days_between,
        "sample_percent": survey.sample_percent,
        "intro": version.intro,
        "intro_es": version.intro_es,
        "intro_nb": version.intro_nb,
    }
    if survey.is_default:
        data["is_default"] = "on"
    questions = list(version.questions.order_by("position"))
    data |= {
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 30,
    }
    for i, question in enumerate(questions):
        for key in ("kind", "text", "text_es", "text_nb"):
            data[f"questions-{i}-{key}"] = getattr(question, key)
        for key in ("choices", "choices_es", "choices_nb"):
            data[f"questions-{i}-{key}"] = "\n".join(getattr(question, key))
        if question.required:
            data[f"questions-{i}-required"] = "on"
        if question.is_headline:
            data[f"questions-{i}-is_headline"] = "on"
    return data
