"""The core as a library: `import dprkrel` answers what the commands answer, and each
result's `to_json()` is exactly the JSON the command line prints."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import dprkrel
from dprkrel.cli.app import app
from dprkrel.core import queries
from dprkrel.core.dates import PartialDate

runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "DPRKREL_DATA": None})
PINNED_TODAY = PartialDate(2025, 1, 15)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "today", lambda: PINNED_TODAY)


@pytest.fixture(scope="module")
def base() -> dprkrel.FactBase:
    return dprkrel.open_base()


CASES = [
    (("timeline", "spain", "--since", "2013"), lambda b: dprkrel.timeline(b, "spain", since="2013")),
    (("timeline", "--category", "visit"), lambda b: dprkrel.timeline(b, categories=["visit"])),
    (("embassy", "madird", "--as-of", "2015"), lambda b: dprkrel.missions(b, "madird", as_of="2015")),
    (("embassy",), lambda b: dprkrel.missions(b)),
    (("advisory", "spain"), lambda b: dprkrel.advisory(b, "spain")),
    (("search", "ambassador expelled", "-n", "3"), lambda b: dprkrel.search(b, "ambassador expelled", limit=3)),
    (("search", "embassy", "--kind", "mission"), lambda b: dprkrel.search(b, "embassy", kinds=["mission"])),
    (("show", "Cao de Benós"), lambda b: dprkrel.show(b, "Cao de Benós")),
    (("sources",), lambda b: dprkrel.sources(b)),
]


@pytest.mark.parametrize(("argv", "ask"), CASES, ids=[" ".join(argv) for argv, _ in CASES])
def test_to_json_is_the_command_lines_json(argv: tuple[str, ...], ask: object, base: dprkrel.FactBase) -> None:
    printed = runner.invoke(app, [*argv, "--json"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    assert callable(ask)
    result = ask(base)
    assert isinstance(result, dprkrel.Result)
    assert result.to_json() == json.loads(printed.stdout)
    assert json.loads(json.dumps(result.to_json())) == result.to_json()


def test_a_subject_nobody_knows_raises_with_its_suggestions(base: dprkrel.FactBase) -> None:
    with pytest.raises(dprkrel.SubjectNotFound) as raised:
        dprkrel.timeline(base, "spian republic of nowhere")
    printed = runner.invoke(app, ["timeline", "spian republic of nowhere", "--json"])
    assert printed.exit_code == 1
    assert raised.value.result.to_json() == json.loads(printed.stdout)
    assert str(raised.value) in printed.stderr


@pytest.mark.parametrize(
    ("ask", "message"),
    [
        (lambda b: dprkrel.timeline(b, since="20x"), "--since:"),
        (lambda b: dprkrel.timeline(b, categories=["party"]), "unknown category 'party'"),
        (lambda b: dprkrel.search(b, "x", kinds=["thing"]), "unknown kind 'thing'"),
        (lambda b: dprkrel.search(b, "x", limit=0), "the limit must be from 1 to 1000"),
    ],
)
def test_bad_arguments_raise_usage_errors(ask: object, message: str, base: dprkrel.FactBase) -> None:
    assert callable(ask)
    with pytest.raises(dprkrel.UsageError, match=message):
        ask(base)


def test_bad_fact_files_raise_data_errors(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("events: {}\n", encoding="utf-8")
    with pytest.raises(dprkrel.DataError) as raised:
        dprkrel.open_base(bad, builtin=False)
    assert [problem.line for problem in raised.value.problems] == [1]
    with pytest.raises(dprkrel.DataError):
        dprkrel.validate([str(bad)])


def test_validate_counts_the_records(base: dprkrel.FactBase) -> None:
    from dprkrel.core.paths import builtin_fact_paths

    found = dprkrel.validate(builtin_fact_paths())
    assert found.counts == base.counts()
    assert found.files == builtin_fact_paths()


def test_the_api_prints_nothing(base: dprkrel.FactBase, capsys: pytest.CaptureFixture[str]) -> None:
    dprkrel.timeline(base, "korea", chart=True)  # ambiguous: the CLI would warn on stderr
    dprkrel.missions(base)
    assert capsys.readouterr() == ("", "")
