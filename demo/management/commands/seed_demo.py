"""manage.py seed_demo: fill an empty database with the demo company, once.

The seeding itself lives in demo/seeding.py (demo_seed); this command checks the
database is empty, keeps the seed from sending anything, and prints what it
made. The whole seed is one transaction: it either leaves the complete demo
(and the marker user that makes a second run a no-op) or nothing at all. No
e-mail is sent while seeding and nothing is published to the Celery broker.
"""

import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from types import FunctionType
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from demo import data as demo
from demo.seeding import demo_seed
from requests_app.models import Attachment, Department, Ticket, TicketEvent
from requests_app.services import notifications
from surveys.models import Invitation, Notification, Question, Response, Survey, SurveyVersion

Status = Ticket.Status
InvitationStatus = Invitation.Status
Kind = Question.Kind
SILENT_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


def _skip_notification(**kwargs) -> int:
    return 0


@contextmanager
def _no_mail():
    """No e-mail while seeding: notifications are skipped, and any other mail goes nowhere.

    Skipping them (not only sending them to a dummy backend) also spares rendering
    thousands of templates after commit.
    """
    with ExitStack() as stack:
        stack.enter_context(override_settings(MAILERS=SILENT_MAILERS))
        for name, value in vars(notifications).items():
            if (
                isinstance(value, FunctionType)
                and value.__module__ == notifications.__name__
                and not name.startswith("_")
            ):
                stack.enter_context(mock.patch.object(notifications, name, _skip_notification))
        yield


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo company: six departments, their people, six "
        "months of requests and their satisfaction surveys. Does nothing when the demo data "
        "is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip quietly (instead of failing) when the database already has other data.",
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print the demo logins (with the password when DEBUG is on).",
        )

    def handle(self, *args, if_empty=False, print_logins=False, verbosity=1, **options):
        if print_logins:
            self._print_logins()
            return
        if get_user_model().objects.filter(username=demo.MARKER_USERNAME).exists():
            self.stdout.write("demo data already present")
            return
        in_the_way = self._existing_data()
        if in_the_way:
            if if_empty:
                if verbosity:
                    self.stdout.write(f"No demo data added: {in_the_way}.")
                return
            raise CommandError(f"{in_the_way}; seed_demo only fills an empty database.")
        started = time.monotonic()
        with _no_mail():
            demo_seed(now=timezone.now())
        if verbosity:
            self._summary(time.monotonic() - started)

    def _existing_data(self) -> str:
        """What in the database would clash with the demo, or an empty string."""
        usernames = [person.username for person in demo.PEOPLE]
        taken = sorted(
            get_user_model()
            .objects.filter(username__in=usernames)
            .values_list("username", flat=True)
        )
        if taken:
            return f"the database already has the users {', '.join(taken)}"
        if Department.objects.exists() or Ticket.objects.exists():
            return "the database already has departments"
        if Survey.objects.exists():
            return "the database already has surveys"
        return ""

    def _summary(self, seconds: float):
        counts = Counter(
            Ticket.objects.filter(kind=Ticket.Kind.REQUEST).values_list(
                "department__prefix", "status"
            )
        )
        statuses = list(Status.values)
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data created in {seconds:.1f} s."))
        write(f"{'':6}" + "".join(f"{s:>10}" for s in statuses) + f"{'total':>8}")
        for spec in demo.DEPARTMENTS:
            row = [counts[(spec["prefix"], s)] for s in statuses]
            write(f"{spec['prefix']:6}" + "".join(f"{n:>10}" for n in row) + f"{sum(row):>8}")
        handoffs = Ticket.objects.filter(kind=Ticket.Kind.HANDOFF).count()
        overdue = Ticket.objects.filter(
            status__in=Ticket.ACTIVE_STATUSES, due_at__lt=timezone.now()
        ).count()
        write(
            f"{Ticket.objects.count()} tickets ({handoffs} file handoffs, {overdue} overdue), "
            f"{TicketEvent.objects.count()} events, {Attachment.objects.count()} files, "
            f"{get_user_model().objects.count()} people."
        )
        self._survey_summary()
        write("Logins: python manage.py seed_demo --print-logins")

    def _survey_summary(self):
        write = self.stdout.write
        statuses = Counter(Invitation.objects.values_list("status", flat=True))
        by_status = ", ".join(f"{statuses[s]} {s}" for s in InvitationStatus.values if statuses[s])
        write(
            f"{Survey.objects.count()} surveys ({SurveyVersion.objects.count()} versions), "
            f"{sum(statuses.values())} invitations ({by_status}), "
            f"{Notification.objects.filter(read_at__isnull=True).count()} unread notifications."
        )
        rows = Response.objects.values_list("department__prefix", "headline_kind", "headline_score")
        per_department: dict[str, list[tuple[str, int]]] = {}
        for prefix, kind, score in rows:
            per_department.setdefault(prefix, []).append((kind, score))
        parts = []
        for spec in demo.DEPARTMENTS:
            scores = per_department.get(spec["prefix"], [])
            if not scores:
                continue
            if scores[0][0] == Kind.NPS:
                promoters = sum(s >= 9 for _k, s in scores)
                detractors = sum(s <= 6 for _k, s in scores)
                headline = f"NPS {round(100 * (promoters - detractors) / len(scores)):+d}"
            else:
                headline = f"CSAT {round(100 * sum(s >= 4 for _k, s in scores) / len(scores))} %"
            parts.append(f"{spec['prefix']} {len(scores)} ({headline})")
        write(f"{len(rows)} survey responses: " + ", ".join(parts) + ".")

    def _print_logins(self):
        write = self.stdout.write
        write("Demo logins:")
        width = max(len(role) for role, _username in demo.DEMO_LOGINS)
        for role, username in demo.DEMO_LOGINS:
            write(f"  {role:<{width}}  {username}")
        write(f"  {demo.DEMO_LOGINS_NOTE}")
        if settings.DEBUG:
            write(f"Password for every demo login: {demo.DEMO_PASSWORD}")
        else:
            write("The demo password is shown only when DEBUG is on.")
