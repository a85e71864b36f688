"""The dependency policy: every run-time dependency has a lowest supported version, and CI
tests exactly that version (.ci/lowest.txt) besides the newest one pip resolves."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"(?P<name>[A-Za-z0-9_.-]+)\s*(?P<spec>.*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> dict[str, str]:
    """Each run-time dependency of pyproject.toml with its version specifiers."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for requirement in project["dependencies"]:
        match = REQUIREMENT.fullmatch(requirement.strip())
        assert match, requirement
        found[canonical(match["name"])] = match["spec"].replace(" ", "")
    return found


def pinned() -> dict[str, str]:
    lines = (REPO / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines()
    entries = [line.split("#")[0].strip() for line in lines]
    return {canonical(name): version for name, version in (entry.split("==") for entry in entries if entry)}


def test_every_dependency_has_a_lower_bound() -> None:
    for name, spec in declared().items():
        assert ">=" in spec, f"{name} has no lowest supported version: {spec!r}"


def release(version: str) -> tuple[int, ...]:
    """The release a version names: 0.28 and 0.28.0 are one."""
    numbers = [int(part) for part in version.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def test_the_lowest_versions_ci_tests_are_the_lower_bounds() -> None:
    bounds = {}
    for name, spec in declared().items():
        lowest = re.search(r">=([0-9.]+)", spec)
        assert lowest, spec
        bounds[name] = release(lowest[1])
    assert {name: release(version) for name, version in pinned().items()} == bounds


def test_ci_runs_the_tests_with_the_newest_and_the_lowest_versions() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "lowest.txt" in script
    assert script.count("python -m pytest") >= 2
