"""The web process's start: what it loads is kept out of the collector's full passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_web_application_freezes_what_it_loaded_at_start():
    """Frozen after the views are imported: a full collection then walks only what the
    requests made, not the ~150,000 objects of Django and the apps."""
    probe = (
        "import gc, sys; import icsat.wsgi; "
        "print(gc.get_freeze_count(), 'requests_app.views.queue' in sys.modules, "
        "len(gc.get_objects()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icsat.settings_test"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    frozen, views_loaded, still_collected = out.stdout.split()
    assert views_loaded == "True"
    assert int(frozen) > 50_000
    assert int(still_collected) < int(frozen) / 50


def test_the_web_process_collects_between_requests_not_inside_them():
    """The collector does not run inside a request: cyclic garbage made during one is
    still there while it runs, and the pass that fell due runs at its end."""
    probe = (
        "import gc, weakref; import icsat.wsgi\n"
        "from django.core.signals import request_finished\n"
        "class Node: pass\n"
        "def garbage():\n"
        "    node = Node(); node.me = node; return weakref.ref(node)\n"
        "first = garbage()\n"
        "junk = [[] for _ in range(5 * gc.get_threshold()[0])]\n"  # well past a pass's due
        "during = first() is not None\n"
        "request_finished.send(sender=None)\n"
        "print(gc.isenabled(), during, first() is None)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icsat.settings_test"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "True"]
