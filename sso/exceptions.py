"""Why a single sign-on was refused: a code safe to put in a URL and show to the person."""

from enum import StrEnum


class Refusal(StrEnum):
    UNVERIFIED_EMAIL = "unverified-email"
    UNKNOWN_PERSON = "unknown"
    LEFT = "left"
    IDENTITY_CONFLICT = "conflict"
    CANCELLED = "cancelled"  # the provider answered with ?error= (denied, cancelled)
    EXPIRED = "expired"  # no such sign-in in this browser (state missing, replayed)
    FAILED = "failed"  # the provider's answer did not check out, or it did not answer
    PASSWORD_OFF = "password-off"  # noqa: S105  (a reason code, not a password)


class SignInRefused(Exception):
    """A sign-in icsat refuses, for ``reason``; nothing was written."""

    def __init__(self, reason: Refusal, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail
