import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsat.settings")
application = get_wsgi_application()

# What a web process loads at start (Django, every app, every view through the URL
# configuration) lives as long as the process: frozen, it is left out of the collector's
# full passes, which otherwise walk all of it every few dozen requests and hold up the
# request they fall in (a dashboard view: ~150,000 objects, tens of milliseconds).
get_resolver().url_patterns  # noqa: B018 (imports every view now, not on the first request)
gc.collect()
gc.freeze()
