"""Survey links: 1,000 tampered, replayed and expired attempts, none accepted."""

import random
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation, Response
from surveys.services import invitations as svc
from surveys.tokens import hash_token, looks_like_token, new_token
from tests import factories

pytestmark = pytest.mark.django_db


def test_new_token_has_256_bits_and_only_its_hash_is_stored():
    token, digest = new_token()
    assert looks_like_token(token)
    assert len(token) == 43  # 32 bytes, URL-safe base64
    assert digest == hash_token(token)
    assert token not in digest
    assert len({new_token()[0] for _ in range(1000)}) == 1000


def _sent_invitations(request_type, agent, count, **survey_fields):
    factories.survey(**survey_fields)
    tokens = {}
    for _ in range(count):
        ticket = factories.make_ticket(requester=factories.employee(), request_type=request_type)
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Fixed")
        invitation = Invitation.objects.get(ticket=ticket)
        mail.outbox.clear()
        svc.invitation_send(invitation_id=invitation.pk)
        tokens[invitation.pk] = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    return tokens


def _post(client, token, invitation):
    question = invitation.version.questions.get(is_headline=True)
    return client.post(
        f"/s/{token}/", {"revision": invitation.version.revision, f"q{question.pk}": "3"}
    )


def test_thousand_bad_attempts_none_accepted(client, request_type, it_agent, settings):
    # The lookup itself, as from a thousand clients: the per-client throttle of wrong
    # tokens has its own tests (tests/requests_app/test_signin_protection.py).
    settings.ICSAT_SURVEY_TOKEN_FAILURE_LIMIT = 10_000
    rng = random.Random(7)
    tokens = _sent_invitations(request_type, it_agent, 3, expires_days=5)
    (answered_id, answered_token), (expired_id, expired_token), (live_id, live_token) = (
        tokens.items()
    )
    answered = Invitation.objects.get(pk=answered_id)
    assert _post(client, answered_token, answered).status_code == 302
    assert Response.objects.count() == 1
    Invitation.objects.filter(pk=expired_id).update(expires_at=timezone.now())
    live = Invitation.objects.get(pk=live_id)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    outcomes = {}
    for attempt in range(1000):
        kind = attempt % 4
        if kind == 0:  # tampered: one character of a live token changed
            position = rng.randrange(43)
            replacement = rng.choice(alphabet.replace(live_token[position], ""))
            token = live_token[:position] + replacement + live_token[position + 1 :]
            response = _post(client, token, live)
        elif kind == 1:  # guessed: a fresh random token
            response = _post(client, new_token()[0], live)
        elif kind == 2:  # replayed: the answered link again
            response = _post(client, answered_token, answered)
        else:  # expired
            response = _post(client, expired_token, Invitation.objects.get(pk=expired_id))
        outcomes.setdefault(kind, set()).add(response.status_code)
    assert Response.objects.count() == 1
    assert Response.objects.get().invitation_id == answered_id
    assert outcomes == {0: {404}, 1: {404}, 2: {200}, 3: {410}}
    assert "Already answered" in _post(client, answered_token, answered).content.decode()
    live.refresh_from_db()
    assert live.status == Invitation.Status.SENT


def test_reminder_link_and_first_link_both_work_until_answered(client, request_type, it_agent):
    tokens = _sent_invitations(request_type, it_agent, 1, reminder_hours=1)
    ((invitation_id, first_token),) = tokens.items()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        mail.outbox.clear()
        assert svc.invitations_send_reminders() == 1
    reminder_token = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
    assert reminder_token != first_token
    assert client.get(f"/s/{first_token}/").status_code == 200
    invitation = Invitation.objects.get(pk=invitation_id)
    assert _post(client, reminder_token, invitation).status_code == 302
    assert "Thank you!" in client.get(f"/s/{reminder_token}/").content.decode()
    assert "Already answered" in client.get(f"/s/{first_token}/").content.decode()
