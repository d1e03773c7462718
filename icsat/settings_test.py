"""Settings for the test suite: the development defaults, whatever the shell has.

Tests run with plain static storage and no HTTPS redirect; `make check-deploy`
checks the production settings.
"""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ICSAT_BASE_URL", "http://testserver")
# Each run has its own var/ (filesystem broker, e-mail files, uploads): the messages the
# tests publish never reach a developer's running worker, nor the next run's.
if "ICSAT_VAR_DIR" not in os.environ:
    os.environ["ICSAT_VAR_DIR"] = tempfile.mkdtemp(prefix="icsat-test-")
    atexit.register(shutil.rmtree, os.environ["ICSAT_VAR_DIR"], ignore_errors=True)


def _test_redis(url: str) -> str:
    """The same Redis server, another database (``ICSAT_TEST_REDIS_DB``, default 14; the
    integration tests' own workers use 15), so the tests' messages never reach a worker
    on the developer's database."""
    if not url:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + os.environ.get("ICSAT_TEST_REDIS_DB", "14")))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _test_redis(os.environ["REDIS_URL"])
    if os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = _test_redis(os.environ["CELERY_BROKER_URL"])

from .settings import *  # noqa: E402, F403
from .settings import VAR_DIR, cache_config  # noqa: E402

# The run's own cache (files under its var/): the throttles' counters of one run never
# meet another's, whatever Redis the shell points at. tests/conftest.py clears it per test.
CACHES = cache_config("", VAR_DIR)

# Hashing demo passwords at production strength would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A loaded test machine may take longer than production's 50 ms to hand a message to the
# broker; tests that read the broker right after a request wait for it. The tests of a down
# or hanging broker set the production wait themselves.
ICSAT_BROKER_PUBLISH_WAIT = float(os.environ.get("ICSAT_BROKER_PUBLISH_WAIT", "5"))
