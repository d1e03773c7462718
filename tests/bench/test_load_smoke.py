"""A small run of the load test harness (bench/load.py) in its own process: a 2k-ticket
seed in a throwaway database, gunicorn, two Celery workers and beat on Redis, the SMTP sink,
10 locust users for 20 s. Not a benchmark: it proves the harness runs end to end, that every
page kind is requested without an error and that each resolve's survey arrives once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load_report import PAGES

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="the load test harness needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL",
    ),
    pytest.mark.postgres,
]


def test_load_harness_requests_every_page_and_delivers_each_survey_once(tmp_path):
    output = tmp_path / "load.json"
    redis_server = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ICSAT_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env["BENCH_REDIS_URL"] = redis_server
    command = [
        sys.executable,
        "-m",
        "bench.load",
        "--users=10",
        "--spawn-rate=10",
        "--duration=20s",
        "--think=0.2,1",
        "--tickets=2000",
        # Its own database and Redis db: never the 100k seed nor the test run's broker.
        f"--db=icsat_bench_load_smoke_{os.getpid()}",
        "--drop-db",
        "--redis-db=11",
        "--grace=30",
        "--duplicate-wait=2",
        "--no-profile",
        f"--var-dir={tmp_path / 'var'}",
        f"--json={output}",
        f"--markdown={tmp_path / 'LOAD.md'}",
    ]
    finished = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(output.read_text())
    assert result["errors"] == [], result["errors"]
    assert result["overall"]["errors"] == 0
    assert {page for page in PAGES if not result["pages"][page]["requests"]} == set()
    surveys = result["surveys"]
    assert surveys["due"] > 0
    assert surveys["delivered_once"] == surveys["due"]
    assert (surveys["lost"], surveys["duplicates"]) == (0, 0)
    assert result["orphan_process_groups"] == 0
    markdown = (tmp_path / "LOAD.md").read_text()
    assert "| every survey delivered once |" in markdown
    # Gunicorn's hooks recorded each request's parts: pages read the database and use CPU.
    every_page = result["breakdown"]["all pages"]
    assert every_page["usual"]["sql"] > 0 and every_page["slow"]["cpu_ms"] > 0
    assert "| all pages, slow |" in markdown
