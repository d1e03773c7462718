import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsat.settings")
application = get_wsgi_application()


def _load_what_requests_load() -> None:
    """Import and compile now what the first requests would load and then keep: the
    templates (compiled by the cached loader) with their tag libraries, each language's
    catalogue and formats, the cache's and the broker's client library."""
    import redis  # noqa: F401 (the cache's and the broker's client: thousands of functions)
    from django.apps import apps
    from django.conf import settings
    from django.core.cache import caches
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.utils import formats, translation

    get_resolver().url_patterns  # noqa: B018 (imports every view)
    for alias in settings.CACHES:
        caches[alias]  # made now: its backend module and client
    base = Path(settings.BASE_DIR)
    folders = [base / "templates"] + [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
            try:
                get_template(str(path.relative_to(folder)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # another folder's template of the same name wins, or a fragment
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
            formats.get_format("DATE_FORMAT")


# What a web process loads at start and what its first requests would load (Django, every
# app and view, the templates, the client libraries) lives as long as the process: frozen,
# it is left out of the collector's full passes, which otherwise walk all of it every few
# hundred requests and hold up the request they fall in.
_load_what_requests_load()
gc.collect()
gc.freeze()
