"""What the tests of the bench harness share: a small bench seed in the test database."""

import time

import pytest
from django.db import connection

from bench import seed
from tests.bench import SEED_TICKETS


@pytest.fixture
def seeded():
    """The bench seed at 1k tickets: its record, and the seconds it took."""
    with connection.cursor() as cursor:
        # FK triggers stay on and fire per statement: the COPYed ids must be consistent.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    started = time.perf_counter()
    info = seed.seed_data(SEED_TICKETS, fast_fk=False, log=lambda s: None)
    return info, time.perf_counter() - started
