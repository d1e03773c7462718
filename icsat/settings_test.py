"""Settings for the test suite: the development defaults, whatever the shell has.

Tests run with plain static storage and no HTTPS redirect; `make check-deploy`
checks the production settings.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ICSAT_BASE_URL", "http://testserver")

from .settings import *  # noqa: F403

# Hashing demo passwords at production strength would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
