"""The demo surveys, and six months of what the survey pipeline would have done with resolves.

The ticket history is replayed without the survey app's hooks: otherwise every
historical resolve would queue a real survey e-mail (or, with no survey yet,
log a misleading "no survey applies" on every ticket). The surveys are created
afterwards through the editor service, and what the pipeline would have done
(invitations in their final state, responses, answers, audit-trail lines and
notifications for leads) is written directly, one answer through
response_submit to prove that path. Nothing is left for a worker to send.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from audit.models import AuditEntry
from demo import data as demo
from demo.clock import Calendar, given_timestamps
from demo.data.translations import question_translations, translations_of
from demo.invitations import Pipeline, resolution_cycles
from demo.opinions import Opinions, answer_rows, raw_answers
from demo.people import Company
from demo.survey_rows import (
    Cycle,
    Invite,
    Versions,
    answered_event,
    invitation_row,
    invitations_create,
    leads_notify,
    random_hash,
    responses_create,
    scheduled_event,
)
from requests_app.models import RequestType, Ticket, TicketEvent
from requests_app.phrases import phrase
from surveys.models import Invitation, Question, Response, Survey, SurveyVersion
from surveys.selectors import survey_for_ticket
from surveys.services.editor import survey_save, survey_set_questions
from surveys.services.invitations import WHY_NOT
from surveys.services.responses import is_low_score, response_submit

InvitationStatus = Invitation.Status


class SurveyHistory:
    """The demo surveys, and the pipeline's rows for every resolution in the ticket history."""

    def __init__(self, *, company: Company, calendar: Calendar, rng: random.Random, now: datetime):
        self.company = company
        self.calendar = calendar
        self.rng = rng
        self.now = now
        self.admin = company.users[demo.MARKER_USERNAME]
        self.surveys: dict[str, Survey] = {}  # by the key in demo.SURVEYS
        self.versions = Versions()
        self.v2_at = calendar.working(self.now - timedelta(days=demo.IT_SURVEY_V2_DAYS_AGO))
        # (kind, department, request type) -> what survey_for_ticket says for them.
        self._targets: dict[tuple, tuple[Survey | None, str]] = {}
        self.pipeline = Pipeline(
            rng=rng,
            now=now,
            opinions=Opinions(rng),
            demo_employee_id=company.users["employee"].pk,
        )

    def run(self):
        self._create_surveys()
        cycles, tickets = resolution_cycles()
        events: list[TicketEvent] = []
        invites: list[Invite] = []
        for cycle in cycles:
            ticket = tickets[cycle.ticket_id]
            survey, reason = self._survey_for(ticket)
            if survey is None:
                events.append(
                    TicketEvent(
                        ticket_id=cycle.ticket_id,
                        kind=TicketEvent.Kind.SURVEY,
                        is_internal=True,
                        data={
                            "survey": "none",
                            "reason": reason,
                            "phrase": phrase(WHY_NOT[reason]),
                        },
                        created_at=cycle.resolved_at,
                    )
                )
            else:
                invites.append(
                    self.pipeline.invite(
                        cycle, ticket, survey, version_number=self._version_number(survey, cycle)
                    )
                )
        self.pipeline.waiting_for_the_demo_employee(invites)
        self.pipeline.failed_deliveries(invites)

        proof = self._answer_through_the_service(invites)
        responses = []
        for number in (1, 2):
            if number == 2:
                self._it_version_2()
            batch = [i for i in invites if i.version_number == number and i is not proof]
            invitations_create(batch, self.versions)
            responses += responses_create(
                [i for i in batch if i.answers is not None], self.versions
            )
        for invite in invites:
            events.append(scheduled_event(invite))
        for invite, response in responses:
            if not response.anonymous:
                events.append(answered_event(invite, response))
        with given_timestamps((TicketEvent, "created_at")):
            TicketEvent.objects.bulk_create(events, batch_size=500)
        leads_notify(responses, now=self.now, rng=self.rng)
        stuck = Invitation.objects.filter(
            status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING]
        )
        if stuck.exists():
            raise RuntimeError("seed_demo: a demo invitation would be sent by a worker")

    # Surveys ---------------------------------------------------------------------------------
    def _create_surveys(self):
        for spec in demo.SURVEYS:
            survey = survey_save(
                actor=self.admin,
                departments=[self.company.departments[p] for p in spec["departments"]],
                intro=spec["intro"],
                intro_translations={
                    code[-2:]: text for code, text in translations_of(intro=spec["intro"]).items()
                },
                questions=[question_translations(q) for q in spec["questions"]],
                name=spec["name"],
                is_default=spec["is_default"],
                anonymous=spec["anonymous"],
                is_active=True,
                **demo.SURVEY_TIMING,
            )
            self.surveys[spec["key"]] = survey
        # HR configured them just before the history starts.
        start = self.calendar.working(self.now - timedelta(days=demo.HISTORY_DAYS + 5))
        Survey.objects.update(created_at=start, updated_at=start)
        SurveyVersion.objects.update(created_at=start)
        # The audit log tells the same story: departments, members and surveys set up then.
        AuditEntry.objects.update(created_at=start)
        for version in SurveyVersion.objects.all():
            self.versions.remember(version)

    def _it_version_2(self):
        """IT asked one more question once the first answers were in: version 2 from then on."""
        it = self.surveys["it"]
        v2 = survey_set_questions(
            actor=self.admin,
            survey=it,
            questions=[question_translations(q) for q in demo.IT_SURVEY_V2_QUESTIONS],
        )
        if v2.number != 2:
            raise RuntimeError("seed_demo: IT's survey has no answers before its edit")
        SurveyVersion.objects.filter(pk=v2.pk).update(created_at=self.v2_at)
        Survey.objects.filter(pk=it.pk).update(updated_at=self.v2_at)
        AuditEntry.objects.filter(
            kind=AuditEntry.Kind.SURVEY_VERSION_PUBLISHED, object_id=it.pk
        ).update(created_at=self.v2_at)
        self.versions.remember(v2)

    def _version_number(self, survey: Survey, cycle: Cycle) -> int:
        """The version current when the resolve created the invitation."""
        return 2 if survey == self.surveys["it"] and cycle.resolved_at >= self.v2_at else 1

    def _survey_for(self, ticket: dict) -> tuple[Survey | None, str]:
        """The survey the pipeline picks (its own selector), per department and type."""
        key = (ticket["kind"], ticket["department_id"], ticket["request_type_id"])
        if key not in self._targets:
            request_type = (
                RequestType.objects.get(pk=ticket["request_type_id"])
                if ticket["request_type_id"]
                else None
            )
            probe = Ticket(
                kind=ticket["kind"],
                department_id=ticket["department_id"],
                request_type=request_type,
            )
            version, reason, _open = survey_for_ticket(probe)
            self._targets[key] = (version.survey if version else None, reason)
        return self._targets[key]

    def _answer_through_the_service(self, invites: list[Invite]) -> Invite | None:
        """The first IT answer goes through response_submit, as the answer form sends it."""
        it = self.surveys["it"]
        proof = min(
            (
                i
                for i in invites
                if i.survey == it
                and i.version_number == 1
                and i.answers is not None
                and i.answered_at < self.v2_at
                and not is_low_score(Question.Kind.NPS, i.answers["nps"])
            ),
            key=lambda i: i.answered_at,
            default=None,
        )
        if proof is None:
            return None
        invitation = invitation_row(proof, self.versions)
        # Answerable now, so that the service accepts it; its history is restored below.
        invitation.status = InvitationStatus.SENT
        invitation.reminded_at = invitation.answered_at = None
        invitation.expires_at = timezone.now() + timedelta(hours=1)
        invitation.save()
        last_event = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        rows = answer_rows(self.versions.questions(proof), proof.answers)
        response = response_submit(
            invitation_id=invitation.pk,
            raw_answers=raw_answers(rows),
            revision=self.versions.version(proof).revision,
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=proof.status,
            created_at=proof.cycle.resolved_at,
            reminded_at=proof.reminded_at,
            reminder_token_hash=random_hash() if proof.reminded_at else "",
            answered_at=proof.answered_at,
            expires_at=proof.expires_at,
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=proof.answered_at)
        TicketEvent.objects.filter(pk__gt=last_event or 0).update(created_at=proof.answered_at)
        proof.invitation = invitation
        return proof
