"""What the departments did with their answers: follow-ups of low scores, comment themes
and "you said, we did" actions, through loop's services, dated into the history.

Recent named low scores have open follow-ups (some past due), older ones were contacted
and closed with each outcome; IT, HR and Facilities name themes and tag their recent
comments, anonymous ones included; IT and Facilities have each published an action, so
`make run` shows the whole loop at once.
"""

import random
from datetime import datetime, timedelta

from django.db.models import QuerySet

from audit.models import AuditEntry
from demo.people import Company
from loop.models import Action, FollowUp, Theme
from loop.services import actions, followups, themes
from surveys.models import Response
from surveys.services.responses import is_low_score

# (theme in English, the words its comments are found by, in the demo's three languages)
THEMES = {
    "IT": [
        (
            "Waiting without news",
            ("nobody told", "nobody replied", "chase", "purre", "ingen sa", "nadie", "insistir"),
        ),
        ("Problems come back", ("came back", "kom tilbake", "volvió", "still drops")),
        ("Slow licences and laptops", ("licence", "laptop", "three days")),
    ],
    # HR's survey is anonymous: its comments are tagged too, and still name nobody.
    "HR": [
        ("Had to explain twice", ("twice", "dos veces", "to ganger", "got lost")),
        (
            "Waiting without news",
            ("nobody told", "nobody replied", "chase", "purre", "ingen sa", "nadie", "insistir"),
        ),
    ],
    "FAC": [
        (
            "Slow repairs",
            ("heating", "still not fixed", "week later", "longer", "lengre", "más de"),
        ),
        ("Visits without notice", ("nobody let me know", "while i was away", "ingen sa", "nadie")),
    ],
}
THEME_TRANSLATIONS = {
    "Waiting without news": {"es": "Esperas sin noticias", "nb": "Venting uten beskjed"},
    "Problems come back": {"es": "Los problemas vuelven", "nb": "Problemene kommer tilbake"},
    "Slow licences and laptops": {
        "es": "Licencias y portátiles lentos",
        "nb": "Trege lisenser og PC-er",
    },
    "Slow repairs": {"es": "Reparaciones lentas", "nb": "Trege reparasjoner"},
    "Had to explain twice": {
        "es": "Hubo que explicarlo dos veces",
        "nb": "Måtte forklare to ganger",
    },
    "Visits without notice": {"es": "Visitas sin aviso", "nb": "Besøk uten varsel"},
}
CONTACT_NOTES = [
    "Called them and went through what went wrong.",
    "Met at the coffee machine; talked it through.",
    "Wrote to them and asked what would have helped.",
]
NO_ACTION_WHY = "They had moved on to another team; nothing left to fix."
EXPLAIN_NOTES = ["Explained the approval step that slowed it down.", ""]
FIX_NOTES = ["Fixed the settings they still missed.", "Re-did the part that was wrong."]


class LoopHistory:
    def __init__(self, *, company: Company, now: datetime, rng: random.Random):
        self.company = company
        self.now = now
        self.rng = rng

    def run(self) -> None:
        self._follow_ups()
        self._themes()
        self._actions()

    # Follow-ups ------------------------------------------------------------------------
    def _low_named(self) -> QuerySet[Response]:
        return (
            Response.objects.filter(anonymous=False, submitted_at__gte=self.now - timedelta(60))
            .select_related("invitation")
            .order_by("submitted_at", "pk")
        )

    def _follow_ups(self) -> None:
        outcomes = [FollowUp.Outcome.FIXED, FollowUp.Outcome.EXPLAINED, FollowUp.Outcome.NO_ACTION]
        for index, response in enumerate(
            r for r in self._low_named() if is_low_score(r.headline_kind, r.headline_score)
        ):
            follow_up = followups.follow_up_open_for(response)
            if follow_up is None:
                continue
            lead = self.company.leads[response.department.prefix]
            answered = response.submitted_at
            age = self.now - answered
            dates = {"created_at": answered, "due_on": (answered + timedelta(days=5)).date()}
            if age > timedelta(days=20):
                outcome = outcomes[index % len(outcomes)]
                if outcome != FollowUp.Outcome.NO_ACTION:
                    followups.follow_up_mark_contacted(
                        follow_up_id=follow_up.pk,
                        actor=lead,
                        note=self.rng.choice(CONTACT_NOTES),
                    )
                    dates["contacted_at"] = answered + timedelta(days=1, hours=3)
                note = {
                    FollowUp.Outcome.FIXED: self.rng.choice(FIX_NOTES),
                    FollowUp.Outcome.EXPLAINED: self.rng.choice(EXPLAIN_NOTES),
                    FollowUp.Outcome.NO_ACTION: NO_ACTION_WHY,
                }[outcome]
                followups.follow_up_close(
                    follow_up_id=follow_up.pk, actor=lead, outcome=outcome, note=note
                )
                dates["closed_at"] = answered + timedelta(days=self.rng.randint(2, 6))
            elif index % 2:
                followups.follow_up_mark_contacted(
                    follow_up_id=follow_up.pk, actor=lead, note=self.rng.choice(CONTACT_NOTES)
                )
                dates["contacted_at"] = min(answered + timedelta(days=1), self.now)
            FollowUp.objects.filter(pk=follow_up.pk).update(**dates)

    # Themes ----------------------------------------------------------------------------
    def _themes(self) -> None:
        for prefix, specs in THEMES.items():
            department = self.company.departments[prefix]
            lead = self.company.leads[prefix]
            made = []
            for name, words in specs:
                names = THEME_TRANSLATIONS[name]
                theme = themes.theme_create(
                    actor=lead,
                    department=department,
                    name=name,
                    name_es=names.get("es", ""),
                    name_nb=names.get("nb", ""),
                )
                made.append((theme, words))
            # Named a month ago; the newest one last week (the digest tells new themes).
            Theme.objects.filter(department=department).update(
                created_at=self.now - timedelta(days=30)
            )
            Theme.objects.filter(pk=made[-1][0].pk).update(created_at=self.now - timedelta(days=3))
            # The audit log tells the same story.
            for theme in Theme.objects.filter(department=department):
                AuditEntry.objects.filter(
                    kind=AuditEntry.Kind.THEME_CREATED, object_id=theme.pk
                ).update(created_at=theme.created_at)
            self._tag(department, lead, made)

    def _tag(self, department, lead, made) -> None:
        """Tag the last six months' comments whose words match a theme (anonymous
        comments too: a tag keeps no tagger and no time)."""
        comments = Response.objects.filter(
            department=department, submitted_at__gte=self.now - timedelta(days=180)
        ).exclude(comment="")
        for response in comments.order_by("pk"):
            text = response.comment.casefold()
            matched = [theme for theme, words in made if any(w in text for w in words)]
            for theme in matched:
                themes.comment_tag(actor=lead, response=response, theme=theme)

    # You said, we did ------------------------------------------------------------------
    def _actions(self) -> None:
        """IT answered its "waiting without news" theme six weeks ago; Facilities its
        satisfaction figure of the summer a month ago; IT also has a draft."""
        today = self.now.date()
        it, fac = self.company.departments["IT"], self.company.departments["FAC"]
        waiting = Theme.objects.get(department=it, name="Waiting without news")
        for department, fields, weeks_ago in (
            (
                it,
                {
                    "theme": waiting,
                    "heard": "You told us you waited for days without hearing from us.",
                    "heard_es": "Nos dijeron que esperaban días sin saber de nosotros.",
                    "heard_nb": "Dere sa at dere ventet i dagevis uten å høre fra oss.",
                    "changed": "Every request now gets a first answer within four working hours, "
                    "and a status note each day it stays open.",
                    "changed_es": "Cada solicitud recibe ahora una primera respuesta en cuatro "
                    "horas laborables y una nota de estado cada día que sigue abierta.",
                    "changed_nb": "Alle forespørsler får nå et første svar innen fire "
                    "arbeidstimer, og en statusmelding hver dag den er åpen.",
                },
                6,
            ),
            (
                fac,
                {
                    "figure": "csat",
                    "heard_from": today - timedelta(days=120),
                    "heard_to": today - timedelta(days=40),
                    "heard": "Satisfaction with repairs fell over the summer.",
                    "heard_nb": "Tilfredsheten med reparasjoner falt i løpet av sommeren.",
                    "changed": "A technician is on call in the building every afternoon.",
                    "changed_nb": "En tekniker har vakt i bygget hver ettermiddag.",
                },
                4,
            ),
        ):
            lead = self.company.leads[department.prefix]
            action = actions.action_save(
                actor=lead,
                department=department,
                effective_on=today - timedelta(weeks=weeks_ago),
                **fields,
            )
            actions.action_publish(actor=lead, action_id=action.pk)
            when = self.now - timedelta(weeks=weeks_ago)
            Action.objects.filter(pk=action.pk).update(created_at=when, published_at=when)
            AuditEntry.objects.filter(
                kind=AuditEntry.Kind.ACTION_PUBLISHED, object_id=action.pk
            ).update(created_at=when)
        actions.action_save(
            actor=self.company.leads["IT"],
            department=it,
            theme=Theme.objects.get(department=it, name="Problems come back"),
            heard="Some of you saw the same problem come back the next day.",
            changed="(draft) A follow-up call two days after every fix.",
            effective_on=today + timedelta(days=14),
        )
