"""E-mail to staff (leads) in each one's language: rendered from a template's subject,
text and HTML twins, sent one by one, failures logged and never raised."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def mail_users(user_ids: list[int], template: str, context: Callable[[], dict]) -> None:
    """Send ``email/<template>`` to each user with an address, in their language.

    ``context`` is called inside each user's language, so texts it builds are theirs.
    """
    for user in get_user_model().objects.filter(pk__in=user_ids).select_related("employee"):
        if not user.email:
            continue
        employee = getattr(user, "employee", None)
        with translation.override(employee.language if employee else settings.LANGUAGE_CODE):
            values = context()
            subject = " ".join(render_to_string(f"email/{template}_subject.txt", values).split())
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string(f"email/{template}.txt", values),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string(f"email/{template}.html", values), "text/html"
            )
        try:
            message.send()
        except Exception:
            logger.exception("E-mail %s to user %s not sent", template, user.pk)
