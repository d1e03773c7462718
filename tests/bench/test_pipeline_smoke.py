"""A small run of the survey pipeline harness (bench/pipeline.py) in its own process: 20
resolves, two real Celery workers on Redis, the SMTP sink, both broker outages. Not a
benchmark: it proves the harness runs and that its counts add up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="the pipeline harness needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL",
)


def test_pipeline_harness_delivers_each_survey_once(tmp_path):
    output = tmp_path / "pipeline.json"
    redis_server = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ICSAT_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env["BENCH_REDIS_URL"] = f"{redis_server}/8"
    command = [sys.executable, "-m", "bench.pipeline", "--resolves", "20", "--outage", "5"]
    finished = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [*command, "--timeout", "120", "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(output.read_text())
    assert result["survey_emails"] == result["invitations_sent"] == 20
    assert (result["duplicates"], result["lost"]) == (0, 0)
    for outage in result["outage"].values():
        assert outage["resolve_ms"]["n"] == 5
        assert outage["log_lines"] == 1
    # Where a resolve's time goes: each part was seen, and none is more than a whole resolve.
    parts = result["resolve_parts_ms"]
    assert set(parts) == {"statements", "commit", "publish", "rest"}
    assert all(0 < ms < result["resolve_ms"]["max"] for ms in parts.values()), parts
    assert result["resolve_statements"] >= 5
    assert "| survey e-mails per second |" in finished.stdout
    assert "| where a resolve's time goes" in finished.stdout
