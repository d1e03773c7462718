"""Extension points of the survey pipeline, so surveys imports none of the apps listening.

Receivers run inside the transaction of the change, like requests_app's hooks, and
``requests_app.hooks.suspended()`` silences them too.
"""

from collections.abc import Callable

from requests_app.hooks import Hook

_sent = Hook("invitation sent")
_submitted = Hook("response submitted")


def on_invitation_sent(receiver: Callable) -> Callable:
    """Register ``receiver(invitation=...)`` to run when an invitation's e-mail went out."""
    return _sent.connect(receiver)


def on_response_submitted(receiver: Callable) -> Callable:
    """Register ``receiver(invitation=..., response=..., answers=...)`` to run when a survey
    is answered; ``answers`` are the new ``Answer`` objects, their ``question`` loaded."""
    return _submitted.connect(receiver)


def invitation_sent(*, invitation) -> None:
    _sent.send(invitation=invitation)


def response_submitted(*, invitation, response, answers) -> None:
    _submitted.send(invitation=invitation, response=response, answers=answers)
