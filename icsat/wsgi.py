import gc
import os

from django.core.signals import request_finished
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


def collect_when_due(**_kwargs) -> None:
    """The collector's pass that fell due during the request, run once its answer is
    out: by the collector's own thresholds, the oldest generation due."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


# What the requests keep between them (the dashboards' rows and decisions) still makes a
# full pass take tens of milliseconds (~50,000 objects after a few hundred requests at
# 100k tickets: ~40 ms). So in a web process the collector never runs inside a request:
# each request's end (after its answer was written) runs the pass that fell due.
gc.disable()
request_finished.connect(collect_when_due, dispatch_uid="icsat.wsgi.collect_when_due")
