from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Measurement: rollups kept current by hooks, medians, scorecards, dashboards, CSV."""

    name = "insights"
    verbose_name = "Insights"

    def ready(self):
        # requests_app and surveys expose hooks so that they never import insights.
        from requests_app import hooks as request_hooks
        from surveys import hooks as survey_hooks

        from . import receivers

        request_hooks.on_ticket_created(receivers.ticket_created)
        request_hooks.on_ticket_resolved(receivers.ticket_resolved)
        request_hooks.on_ticket_reopened(receivers.ticket_reopened)
        survey_hooks.on_invitation_sent(receivers.invitation_sent)
        survey_hooks.on_response_submitted(receivers.response_submitted)

        from .views import digest_email

        digest_email.register_emails()

        # "Did it work?" on each action's page (loop renders what apps above it add).
        from loop import action_sections

        from .action_sections import did_it_work

        action_sections.register(did_it_work)
