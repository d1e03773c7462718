"""bench/decisions.py on a small seed: it reads every department's rows, decides each
protection, and a second run over the same rows compares equal (the search depends on the
counts alone, which is what lets every web process hide the same cells)."""

import json

from bench import decisions
from tests.bench import NEEDS_BENCH_SEED

pytestmark = NEEDS_BENCH_SEED


def test_decisions_are_written_and_compare_equal_on_the_same_counts(seeded, tmp_path):
    cases = decisions._cases()
    first = decisions.decide_all(cases)
    saved = tmp_path / "decisions.json"
    saved.write_text(json.dumps(first, sort_keys=True))

    assert {days for days, *_ in cases} == set(decisions.RANGES_DAYS)
    assert len(first) == len(cases) * len(decisions.THRESHOLDS) * len(decisions.UNITS)
    # some department hides something at k 10 on a small seed: the JSON says what and why
    assert any('"few"' in json.dumps(decided) for decided in first.values())
    assert json.loads(saved.read_text()) == decisions.decide_all(decisions._cases())
