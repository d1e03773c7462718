"""The survey pipeline's timeline entries written before phrases were kept: their finished
text (in whichever language was active when written) becomes a phrase each reader reads in
their own language; a requester's comment stays as they wrote it."""

from django.db import migrations
from django.utils.translation import gettext_noop

# As in surveys.services (copied: a migration must not change when the code does).
WHY_NOT = {
    "handoff": gettext_noop("no survey: file handoffs are not surveyed"),
    "opted_out": gettext_noop("no survey: this request type never sends surveys"),
    "no_survey": gettext_noop("no survey: none applies to this department or request type"),
    "throttled": gettext_noop("no survey: the requester was asked recently"),
    "not_sampled": gettext_noop("no survey: not in this survey's sample"),
    "already_open": gettext_noop("no survey: one is already open for this request"),
    "left": gettext_noop("no survey: the requester has left"),
}
SCHEDULED = gettext_noop("Satisfaction survey “%(survey)s” will be sent on %(when)s.")
ANSWERED = gettext_noop("The requester answered the satisfaction survey: %(score)s.")


def _score(kind, score):
    if score is None:
        return {"msgid": gettext_noop("no score given"), "params": {}}
    return f"{score}/{5 if kind == 'csat_1_5' else 10}"


def forwards(apps, schema_editor):
    TicketEvent = apps.get_model("requests_app", "TicketEvent")
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    events = TicketEvent.objects.filter(kind="survey").exclude(data__has_key="phrase")
    changed = []
    for event in events.iterator(chunk_size=2000):
        data = dict(event.data or {})
        if data.get("reason") in WHY_NOT:
            data["phrase"] = {"msgid": WHY_NOT[data["reason"]], "params": {}}
            event.body = ""
        elif data.get("invitation"):
            invitation = (
                Invitation.objects.filter(pk=data["invitation"]).select_related("survey").first()
            )
            if invitation is None:
                continue
            data["phrase"] = {
                "msgid": SCHEDULED,
                "params": {
                    "survey": invitation.survey.name,
                    "when": {"datetime": invitation.send_after.isoformat()},
                },
            }
            event.body = ""
        elif data.get("response"):
            response = Response.objects.filter(pk=data["response"]).first()
            if response is None:
                continue
            data["phrase"] = {
                "msgid": ANSWERED,
                "params": {"score": _score(response.headline_kind, response.headline_score)},
            }
            event.body = response.comment
        else:
            continue
        event.data = data
        changed.append(event)
        if len(changed) >= 2000:
            TicketEvent.objects.bulk_update(changed, ["data", "body"])
            changed = []
    TicketEvent.objects.bulk_update(changed, ["data", "body"])


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_notification_phrase"),
        ("requests_app", "0008_content_translations"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
