"""Errors that services raise and views turn into a message or a 4xx."""

from django.utils.translation import gettext_lazy as _


class TicketError(Exception):
    """A refused change, with a message fit to show the person who tried."""

    default_message = _("That change could not be made.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class InvalidTransition(TicketError):
    default_message = _("This request cannot move to that status now.")


class StaleTicket(TicketError):
    default_message = _(
        "Someone else changed this request while you were looking at it. "
        "Review the latest state and try again."
    )


class NotAllowed(TicketError):
    default_message = _("You are not allowed to do that.")
