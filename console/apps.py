from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The HR admins' console: the audit log and e-mail delivery, above every other app."""

    name = "console"
    verbose_name = _("HR console")
