from django.apps import AppConfig


class LoopConfig(AppConfig):
    """Closing the loop: follow-ups on low scores, comment themes, and "you said, we did"
    actions published back to the customers who answered."""

    name = "loop"
    verbose_name = "Closing the loop"

    def ready(self):
        # surveys exposes hooks so that it never imports loop.
        from surveys import hooks as survey_hooks

        from . import receivers

        survey_hooks.on_response_submitted(receivers.response_submitted)
