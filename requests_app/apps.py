from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Requests")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .services import notifications

        notifications.register_templates()
        # Every way of signing in (password, SSO) ends in django.contrib.auth.login.
        user_logged_in.connect(_remember_session, dispatch_uid="icsat_signed_in_session")


def _remember_session(sender, request, user, **kwargs):
    from .services.people import session_signed_in

    session = getattr(request, "session", None)
    session_signed_in(user=user, session_key=session.session_key if session else None)
