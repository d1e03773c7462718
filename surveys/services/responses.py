"""Answering a survey and closing the loop on a low score."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outbox import registry
from outbox.services import emails_queue
from requests_app.exceptions import TicketError
from requests_app.models import Membership, Ticket
from requests_app.phrases import Phrase, phrase, render
from requests_app.services.tickets import can_still_reopen, ticket_reopen
from requests_app.services.timeline import ticket_log_event

from .. import hooks
from ..dimensions import response_dimensions
from ..exceptions import AlreadyAnswered, InvalidAnswer, SurveyChanged, SurveyClosed, SurveyError
from ..models import LOW_SCORE_AT_MOST, Answer, Invitation, Notification, Question, Response
from ..selectors import invitation_is_answerable

Kind = Question.Kind


def is_low_score(kind: str, score: int | None) -> bool:
    """1–2 of 5, or a detractor's 0–6 of 10 (``LOW_SCORE_AT_MOST``)."""
    if score is None:
        return False
    return score <= LOW_SCORE_AT_MOST[Kind.CSAT if kind == Kind.CSAT else Kind.NPS]


def clean_answers(questions: list[Question], raw: dict[int, str]) -> dict[int, tuple]:
    """{question id: (number, text)} from submitted strings; InvalidAnswer lists what is wrong."""
    cleaned: dict[int, tuple[int | None, str]] = {}
    errors: dict[int, str] = {}
    for question in questions:
        value = (raw.get(question.pk) or "").strip()
        if not value:
            if question.required:
                errors[question.pk] = _("Please answer this question.")
            continue
        if question.kind in (Kind.CSAT, Kind.NPS):
            if not value.isdigit() or int(value) not in question.scale:
                errors[question.pk] = _("Choose one of the offered values.")
                continue
            cleaned[question.pk] = (int(value), "")
        elif question.kind == Kind.YES_NO:
            if value not in ("yes", "no"):
                errors[question.pk] = _("Choose yes or no.")
                continue
            cleaned[question.pk] = (1 if value == "yes" else 0, "")
        elif question.kind == Kind.CHOICE:
            if value not in question.choices:
                errors[question.pk] = _("Choose one of the offered options.")
                continue
            cleaned[question.pk] = (None, value)
        else:
            cleaned[question.pk] = (None, value[:5000])
    if errors:
        raise InvalidAnswer(errors)
    return cleaned


@transaction.atomic
def response_submit(
    *, invitation_id: int, raw_answers: dict[int, str], revision: int | None
) -> Response:
    """Store a recipient's answers once; a low headline score alerts the department's leads.

    A second submit raises AlreadyAnswered and leaves the stored answer untouched.
    """
    invitation = (
        # of=self: PostgreSQL cannot lock the nullable side of the request type's outer join.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("version__survey", "ticket__request_type", "ticket__department")
        .get(pk=invitation_id)
    )
    if invitation.status == Invitation.Status.ANSWERED:
        raise AlreadyAnswered()
    if not invitation_is_answerable(invitation):
        raise SurveyClosed()
    version = invitation.version
    if revision is not None and revision != version.revision:
        raise SurveyChanged()
    questions = list(version.questions.order_by("position", "pk"))
    cleaned = clean_answers(questions, raw_answers)
    headline = next((q for q in questions if q.is_headline), None)
    ticket = invitation.ticket
    headline_score = cleaned.get(headline.pk, (None, ""))[0] if headline else None
    comment = next(
        (cleaned[q.pk][1] for q in questions if q.kind == Kind.TEXT and q.pk in cleaned), ""
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                invitation=invitation,
                version=version,
                headline_kind=headline.kind if headline else Kind.CSAT,
                headline_score=headline_score,
                comment=comment,
                anonymous=version.survey.anonymous,
                **response_dimensions(ticket, invitation),
            )
    except IntegrityError:
        raise AlreadyAnswered() from None
    by_pk = {question.pk: question for question in questions}
    answers = Answer.objects.bulk_create(
        Answer(response=response, question=by_pk[pk], number=number, text=text)
        for pk, (number, text) in cleaned.items()
    )
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.ANSWERED, answered_at=now
    )
    hooks.response_submitted(invitation=invitation, response=response, answers=answers)
    if not version.survey.anonymous:
        ticket_log_event(
            ticket_id=ticket.pk,
            note=phrase(ANSWERED, score=score_phrase(response.headline_kind, headline_score)),
            body=comment,
            data={"response": response.pk, "score": headline_score},
        )
    # Anonymous low scores are told to the leads in a weekly digest (digests.py), never
    # one by one: an alert's time would point at the ticket just answered.
    if not response.anonymous and is_low_score(response.headline_kind, headline_score):
        _alert_leads(invitation, response)
    return response


ANSWERED = gettext_noop("The requester answered the satisfaction survey: %(score)s.")
LOW_SCORE = gettext_noop("%(reference)s got a low satisfaction score (%(score)s).")


def render_score(response: Response) -> str:
    said = score_phrase(response.headline_kind, response.headline_score)
    return said if isinstance(said, str) else render(said)


def score_phrase(kind: str, score: int | None) -> Phrase | str:
    """A headline score as people read it: "2/5", or "no score given" in their language."""
    if score is None:
        return phrase(gettext_noop("no score given"))
    return f"{score}/{5 if kind == Kind.CSAT else 10}"


def _alert_leads(invitation: Invitation, response: Response) -> None:
    """In-app notification now, e-mail after commit (named surveys only)."""
    ticket = invitation.ticket
    leads = list(
        Membership.objects.filter(
            department_id=invitation.department_id, role=Membership.Role.LEAD
        ).select_related("user__employee")
    )
    said = phrase(
        LOW_SCORE,
        reference=ticket.reference,
        score=score_phrase(response.headline_kind, response.headline_score),
    )
    Notification.objects.bulk_create(
        Notification(user=m.user, ticket=ticket, phrase=said) for m in leads
    )
    emails_queue(
        recipients=[m.user for m in leads],
        template="survey_low_score",
        context={"response_id": response.pk},
    )


def _low_score_context(stored: dict, recipient) -> dict | None:
    """What the low-score e-mail shows, loaded when it is sent."""
    response = (
        Response.objects.select_related("invitation__ticket__department")
        .filter(pk=stored["response_id"])
        .first()
    )
    if response is None or response.invitation is None:
        return None
    ticket = response.invitation.ticket
    url = settings.ICSAT_BASE_URL + reverse(
        "requests_app:ticket_detail", kwargs={"reference": ticket.reference}
    )
    return {"response": response, "ticket": ticket, "url": url, "score": render_score(response)}


def register_emails() -> None:
    registry.register_template("survey_low_score", _low_score_context)


def can_still_reopen_request(invitation: Invitation) -> bool:
    """Can the request this survey was about still be reopened by its requester?"""
    ticket = invitation.ticket
    return ticket.status == Ticket.Status.RESOLVED and can_still_reopen(ticket)


def can_reopen_from_survey(invitation: Invitation) -> bool:
    """Named surveys only: an anonymous answer is never tied to a reopen."""
    return not invitation.survey.anonymous and can_still_reopen_request(invitation)


def reopen_from_survey(*, invitation_id: int, reason: str = "") -> Ticket:
    """The thank-you page's one click: the requester reopens the request they rated.

    Refused for anonymous surveys: a reopen "from the survey" would tie the anonymous
    answer to the person and the ticket; they reopen from the request's page instead.
    """
    invitation = Invitation.objects.select_related("ticket__department", "recipient", "survey").get(
        pk=invitation_id
    )
    if invitation.status != Invitation.Status.ANSWERED:
        raise SurveyError(_("Answer the survey first."))
    if invitation.survey.anonymous:
        raise SurveyError(
            _(
                "This survey is anonymous, so your answer is not tied to your request. "
                "To reopen it, use the request's own page."
            )
        )
    try:
        return ticket_reopen(
            ticket_id=invitation.ticket_id,
            actor=invitation.recipient,
            reason=reason or _("Reopened from the satisfaction survey: the problem is not solved."),
        )
    except TicketError as error:
        raise SurveyError(error.message) from error


def notifications_mark_read(*, user, notification_ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
