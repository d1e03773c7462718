"""The lockfiles under requirements/ agree with the ranges they are compiled from.

A range changed in pyproject.toml (or build-constraints.txt) without `make lock` fails here,
not later as an install that silently ignores the change.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(lockfile):
    text = (ROOT / "requirements" / lockfile).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def ranges(*extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def build_ranges():
    lines = (ROOT / "build-constraints.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(
    ("lockfile", "wanted"),
    [
        ("app.txt", ranges()),
        ("test.txt", ranges("test")),
        ("build.txt", build_ranges()),
    ],
    ids=["app", "test", "build"],
)
def test_every_range_is_pinned_within_it(lockfile, wanted):
    pinned = pins(lockfile)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lockfile}: run make lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lockfile} pins {name}=={pinned[name]}, outside "
            f"{requirement.specifier}: run make lock"
        )


def test_app_and_test_locks_pin_the_same_versions():
    app, test = pins("app.txt"), pins("test.txt")
    assert {name: test.get(name) for name in app} == app


@pytest.mark.parametrize("lockfile", ["app.txt", "test.txt", "build.txt"])
def test_every_pin_has_a_hash(lockfile):
    text = (ROOT / "requirements" / lockfile).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert entries
    assert all("--hash=sha256:" in entry for entry in entries)
