"""`dprkrel validate` and the global options, as a user runs them."""

from __future__ import annotations

import os
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import dprkrel
from dprkrel.cli.app import app
from dprkrel.core.errors import DataError
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

DATA = Path(__file__).resolve().parent / "data"

# This typer's CliRunner keeps stderr apart from stdout (result.stderr).
runner = CliRunner()


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], env=env)


def counts_line(base: FactBase, files: int) -> str:
    plural = {"entity": "entities", "advisory": "advisories", "policy": "policies", "aid": "aid"}
    parts = [f"{count} {kind if count == 1 else plural.get(kind, kind + 's')}" for kind, count in base.counts().items()]
    return f"valid: {', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def user_event(path: Path, record_id: str = "my-visit", date: str = "2002") -> Path:
    """A valid fact file with one event that refers to records of the shipped base."""
    path.write_text(
        "events:\n"
        f"  - id: {record_id}\n"
        f'    date: "{date}"\n'
        "    category: visit\n"
        "    summary: A visit.\n"
        "    actors: [prk, esp]\n"
        "    sources:\n"
        "      - {source: wikipedia-prk-esp, section: lead}\n",
        encoding="utf-8",
    )
    return path


def test_validate_the_shipped_base(shipped_base: FactBase) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [counts_line(shipped_base, 2)]
    assert result.stderr == ""


def test_validate_prints_the_counts_of_each_kind() -> None:
    result = run("--no-builtin", "validate", DATA / "base.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "valid: 2 sources, 4 entities, 2 events, 1 mission, 1 relation, 1 listing, 1 advisory, 1 aid, 1 policy,"
        " 1 sanction, 1 statement in 1 file\n"
    )


def test_validate_a_bad_file_lists_every_problem_on_stderr() -> None:
    bad = DATA / "bad" / "all.yaml"
    with pytest.raises(DataError) as caught:
        load([DATA / "base.yaml", bad])
    expected = [str(problem) for problem in caught.value.problems]
    result = run("--no-builtin", "validate", DATA / "base.yaml", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [*expected, f"dprkrel: {len(expected)} problems in the fact files"]
    assert all(re.match(re.escape(str(bad)) + r":\d+:\d+: ", line) for line in lines[:-1])
    assert "Traceback" not in result.output


def test_validate_a_bad_file_against_the_shipped_base(tmp_path: Path) -> None:
    path = user_event(tmp_path / "mine.yaml", date="2023-02-30")
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:3:11: [my-visit] 'date': '2023-02-30' is impossible: that month has 28 days",
        "dprkrel: 1 problem in the fact files",
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["not_utf8", "multi_doc", "scalar", "empty"])
def test_validate_an_unusable_file_is_one_line_not_a_traceback(name: str) -> None:
    path = DATA / "bad" / f"{name}.yaml"
    result = run("--no-builtin", "validate", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:")
    assert "Traceback" not in result.output


def test_validate_a_missing_file(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'nowhere.yaml'}: no such file",
        "dprkrel: 1 problem in the fact files",
    ]


def test_validate_without_any_file_is_a_usage_error() -> None:
    result = run("--no-builtin", "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["dprkrel: nothing to validate: --no-builtin was given without fact files"]


def test_data_option_adds_files(tmp_path: Path, shipped_base: FactBase) -> None:
    first = user_event(tmp_path / "first.yaml", "first-visit")
    second = user_event(tmp_path / "second.yaml", "second-visit")
    result = run("--data", first, "--data", second, "validate")
    assert result.exit_code == 0, result.output
    events = shipped_base.counts()["event"]
    assert f" {events + 2} events," in result.stdout
    assert result.stdout.rstrip().endswith(" in 4 files")


def test_data_environment_variable_adds_files(tmp_path: Path, shipped_base: FactBase) -> None:
    first = user_event(tmp_path / "first.yaml", "first-visit")
    second = user_event(tmp_path / "second.yaml", "second-visit")
    third = user_event(tmp_path / "third.yaml", "third-visit")
    env = {"DPRKREL_DATA": f"{first}{os.pathsep}{second}"}
    result = run("--data", third, "validate", env=env)
    assert result.exit_code == 0, result.output
    events = shipped_base.counts()["event"]
    assert f" {events + 3} events," in result.stdout
    assert result.stdout.rstrip().endswith(" in 5 files")


def test_files_from_the_environment_are_checked_too(tmp_path: Path) -> None:
    bad = user_event(tmp_path / "bad.yaml", date="2001-13")
    result = run("validate", env={"DPRKREL_DATA": str(bad)})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:3:11: [my-visit] 'date': '2001-13' has no month 13")


def test_an_id_clash_with_the_shipped_base_names_both_places(tmp_path: Path, builtin_path: Path) -> None:
    path = user_event(tmp_path / "mine.yaml", record_id="ev-2001-02-07-esp-prk-relations")
    lines = builtin_path.read_text(encoding="utf-8").splitlines()
    shipped_line = lines.index("  - id: ev-2001-02-07-esp-prk-relations") + 1
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:2:5: [ev-2001-02-07-esp-prk-relations] duplicate id 'ev-2001-02-07-esp-prk-relations', "
        f"first defined at {builtin_path}:{shipped_line}:5",
        "dprkrel: 1 problem in the fact files",
    ]


def test_version_prints_the_installed_version(repo_root: Path) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"dprkrel {version('dprkrel')}\n"
    # pyproject.toml takes the version from the package, so the two cannot drift apart.
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/dprkrel/core/version.py"
    assert version("dprkrel") == dprkrel.__version__
