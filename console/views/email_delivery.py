"""HR admins watch the e-mails icsat sends and send a failed one again."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from outbox import selectors, services
from outbox.models import Email
from requests_app.templatetags.icsat import person
from requests_app.views.common import paginate, require

from ..permissions import can_monitor_email

# What each template is, in words an HR admin knows; an unknown template shows its name.
TEMPLATE_LABELS = {
    "ticket_created": pgettext_lazy("e-mail kind", "New request"),
    "ticket_assigned": pgettext_lazy("e-mail kind", "Assigned"),
    "ticket_reply": pgettext_lazy("e-mail kind", "Reply"),
    "ticket_status": pgettext_lazy("e-mail kind", "Status change"),
    "survey_low_score": pgettext_lazy("e-mail kind", "Low score alert"),
    "survey_anonymous_digest": pgettext_lazy("e-mail kind", "Anonymous digest"),
    "survey_invitation": pgettext_lazy("e-mail kind", "Survey invitation"),
    "survey_reminder": pgettext_lazy("e-mail kind", "Survey reminder"),
}

# Owners that retry their own e-mails, and the page where an HR admin follows them.
OWNER_PAGES = {"survey_invitation": "surveys:invitation_list"}


def template_label(template: str) -> str:
    return str(TEMPLATE_LABELS.get(template, template))


@dataclass(frozen=True)
class EmailRow:
    email: Email
    kind: str  # the template as a label
    owner_page: str  # where its owner retries it; "" when it is sent again from here

    @property
    def can_retry(self) -> bool:
        return self.email.status == Email.Status.FAILED and not self.email.owner_kind


def _row(email: Email) -> EmailRow:
    owner_page = OWNER_PAGES.get(email.owner_kind)
    return EmailRow(
        email=email,
        kind=template_label(email.template),
        owner_page=reverse(owner_page) if owner_page else "",
    )


@login_required
@require_GET
def email_list(request):
    require(can_monitor_email(request.user))
    counts = selectors.email_status_counts()
    page = paginate(request, selectors.emails_needing_attention(), settings.ICSAT_PAGE_SIZE)
    return render(
        request,
        "console/email_list.html",
        {
            "counts": [(status, Email.Status(status).label, n) for status, n in counts.items()],
            "page": page,
            "rows": [_row(email) for email in page],
        },
    )


def _back(request):
    """The list again, on the page the button was on."""
    url = reverse("console:email_list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def email_retry(request, email_id):
    require(can_monitor_email(request.user))
    email = selectors.email_get(email_id)
    what = email.subject or template_label(email.template)
    if services.email_retry(email_id=email.pk, actor=request.user):
        messages.success(
            request,
            _("Sent again: “%(what)s” to %(name)s. It goes out in a moment.")
            % {"what": what, "name": person(email.recipient)},
        )
    elif email.owner_kind:
        messages.info(
            request,
            _("“%(what)s” is sent again from its own page, so nothing was changed here.")
            % {"what": what},
        )
    else:
        messages.info(request, _("That e-mail had not failed, so nothing was changed."))
    return _back(request)
