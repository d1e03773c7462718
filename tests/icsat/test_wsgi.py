"""The web process's start: what it loads is kept out of the collector's full passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_and_print(probe: str) -> list[str]:
    """What ``probe`` prints in a new interpreter that has loaded the web application."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icsat.settings_test"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", "import gc, sys; import icsat.wsgi; " + probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_the_web_application_freezes_what_it_loaded_at_start():
    """Frozen after the views are imported: a full collection then walks only what the
    requests made, not the ~150,000 objects of Django and the apps."""
    frozen, views_loaded, still_collected = start_and_print(
        "print(gc.get_freeze_count(), 'requests_app.views.queue' in sys.modules, "
        "len(gc.get_objects()))"
    )
    assert views_loaded == "True"
    assert int(frozen) > 50_000
    assert int(still_collected) < int(frozen) / 50


def test_the_web_application_loads_at_start_what_the_first_requests_would():
    """The templates compiled, the cache's client library imported: loaded by a request,
    they would be walked by every full pass for the process's life."""
    printed = start_and_print(
        "from django.template import engines; "
        "cached = engines['django'].engine.template_loaders[0].get_template_cache; "
        "print('base.html' in cached, 'insights/dashboard_department.html' in cached, "
        "'redis' in sys.modules, len(gc.get_objects()))"
    )
    assert printed == ["True", "True", "True", "0"]
