from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        # requests_app exposes hooks so that it never imports surveys.
        from requests_app import hooks

        from .services import digests, invitations, responses

        hooks.on_ticket_resolved(invitations.invitation_create_for_resolved)
        hooks.on_ticket_reopened(invitations.invitations_cancel_for_reopened)
        hooks.on_person_left(invitations.invitations_cancel_for_leaver)
        # The outbox renders survey e-mails when it sends them, with these builders.
        invitations.register_emails()
        responses.register_emails()
        digests.register_emails()
