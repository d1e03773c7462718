"""Errors of the survey app that views turn into messages or 4xx pages."""

from django.utils.translation import gettext_lazy as _


class SurveyError(Exception):
    default_message = _("That could not be done.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class SurveyConfigError(SurveyError):
    default_message = _("The survey is not valid.")


class AlreadyAnswered(SurveyError):
    default_message = _("This survey has already been answered. Thank you!")


class SurveyClosed(SurveyError):
    default_message = _("This survey link has expired or was withdrawn.")


class SurveyChanged(SurveyError):
    default_message = _(
        "The survey was updated while you had it open. Please check your answers and send again."
    )


class InvalidAnswer(SurveyError):
    default_message = _("Please correct the answers marked below.")

    def __init__(self, errors: dict[int, str]):
        super().__init__()
        self.errors = errors
