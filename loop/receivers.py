"""What loop does when a survey is answered: open a follow-up for a named low score.

Registered with surveys' hooks in ``LoopConfig.ready``; runs inside the answer's
transaction, so the follow-up commits with the response or not at all.
"""

from .services import followups


def response_submitted(*, invitation, response, answers) -> None:
    followups.follow_up_open_for(response)
