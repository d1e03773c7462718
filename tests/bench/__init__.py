"""Tests of the bench harness."""

import os

import pytest

# The bench seed writes with PostgreSQL's COPY: tests that seed run on the PostgreSQL pass only.
NEEDS_BENCH_SEED = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the bench seed uses PostgreSQL COPY: set DATABASE_URL=postgres://...",
    ),
    pytest.mark.postgres,
    pytest.mark.django_db,
]

# The tickets of the bench seed the harness's tests make (the ``seeded`` fixture).
SEED_TICKETS = 1000
