"""The Makefile's help names every target a person can run."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_help_lists_every_target():
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    assert set(phony) == targets  # every target is phony, and every phony one exists
    make = shutil.which("make")
    # A fixed argument list, no shell and no input: nothing untrusted runs.
    shown = subprocess.run(  # noqa: S603
        [make, "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    listed = set(re.findall(r"^make ([a-z-]+)", shown, re.MULTILINE))
    assert listed == targets - {"help"}
