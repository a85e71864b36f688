"""The conventions of the tools people know (git, pip, sqlite-utils, tldr), each checked
through the command line as a user meets it."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli import quick
from dprkrel.cli.app import app
from dprkrel.core.version import __version__

pytestmark = pytest.mark.usefixtures("fast_cli")
runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "DPRKREL_DATA": None})
ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

EXTRA = """\
entities:
  - id: freedonia
    entity_kind: country
    name: Freedonia
    sources:
      - {source: wikipedia-prk-esp, section: lead}
"""


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def usage_error(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dprkrel: "), lines
    for word in words:
        assert word in lines[0]


def test_csv_gives_ids_and_iso_dates() -> None:
    rows = list(csv.DictReader(io.StringIO(run("timeline", "spain", "--csv").stdout)))
    assert rows and all(row["id"].startswith("ev-") for row in rows)
    assert all(ISO.fullmatch(row["date"]) for row in rows)
    assert {row["date_precision"] for row in rows} <= {"year", "month", "day"}


def test_ndjson_is_one_result_a_line_the_same_as_the_jsons() -> None:
    lines = run("timeline", "spain", "--nl").stdout.splitlines()
    results = json.loads(run("timeline", "spain", "--json").stdout)["results"]
    assert [json.loads(line) for line in lines] == results
    assert run("timeline", "spain", "--format", "jsonl").stdout == run("timeline", "spain", "--nl").stdout


def test_tsv_and_the_markdown_alias() -> None:
    header = run("embassy", "madrid", "--tsv").stdout.splitlines()[0].split("\t")
    assert header[:2] == ["id", "kind"] and "opened_precision" in header
    assert run("sources", "-f", "md").stdout == run("sources", "--format", "markdown").stdout


def test_the_ndjson_warnings_go_to_stderr() -> None:
    result = run("embassy", "madrid", "--nl")
    assert result.exit_code == 0
    assert "sources disagree on 'opened'" in result.stderr
    assert all(json.loads(line)["id"] for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    "args", [("--json", "--format", "csv"), ("--csv", "--tsv"), ("-f", "md", "--nl"), ("--format", "table", "--json")]
)
def test_two_output_formats_are_a_usage_error(args: tuple[str, ...]) -> None:
    usage_error(run("timeline", "spain", *args), "two output formats")


def test_the_same_format_twice_is_one_format() -> None:
    assert run("timeline", "spain", "--json", "--format", "JSON").exit_code == 0


def test_a_chart_in_a_data_format_is_a_usage_error() -> None:
    for fmt in ("--json", "--csv"):
        usage_error(run("timeline", "spain", "--chart", fmt), "--chart", "table")


def test_global_options_work_after_the_command_too(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    extra = tmp_path / "freedonia.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    before = run("--data", str(extra), "show", "freedonia")
    after = run("show", "freedonia", "--data", str(extra))
    assert before.exit_code == after.exit_code == 0, after.output
    assert before.stdout == after.stdout
    # The quick reader takes them there as well.
    request = quick.parse(["show", "freedonia", "--data", str(extra), "--no-builtin"])
    assert request is not None and request.settings.data == (str(extra),) and not request.settings.builtin


@pytest.mark.parametrize(("args", "word"), [(("search", ""), "query is empty"), (("timeline", ""), "subject is empty")])
def test_empty_subjects_and_queries_are_usage_errors_with_a_hint(args: tuple[str, ...], word: str) -> None:
    usage_error(run(*args), word)


def test_a_reversed_range_is_a_usage_error_with_a_hint() -> None:
    usage_error(run("timeline", "spain", "--since", "2020", "--until", "2010"), "swap them")


def test_a_query_starting_with_a_dash_gets_the_double_dash_hint() -> None:
    usage_error(run("search", "-expel"), "dprkrel search -- -expel")
    assert run("search", "--", "-expel").exit_code in (0, 1)


def test_short_version_flag() -> None:
    result = run("-V")
    assert result.exit_code == 0
    assert result.stdout.startswith("dprkrel ")
    assert __version__ in result.stdout or result.stdout.strip().split()[-1]


def test_top_level_help_has_examples_and_every_exit_code() -> None:
    text = " ".join(run("--help").stdout.split())
    assert "Examples: dprkrel timeline spain" in text
    for code in ("0 found", "1 nothing found", "2 usage error", "70 an internal error", "130 interrupted"):
        assert code in text


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        ("timeline", ["diplomatic_relations", "sanctions", "human_rights"]),
        ("search", ["event", "mission", "advisory", "statement"]),
        ("subjects", ["country", "person", "government_body"]),
        ("embassy", ["table", "json", "ndjson", "csv", "tsv", "markdown"]),
    ],
)
def test_each_commands_help_lists_its_choices(command: str, choices: list[str]) -> None:
    text = "".join(run(command, "--help").stdout.split())
    for choice in choices:
        assert choice in text, choice
    assert "…" not in text


def test_cache_shows_where_it_is_and_clears_only_what_dprkrel_wrote(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    folder = tmp_path / "cache"
    env = {"DPRKREL_CACHE_DIR": str(folder)}
    assert runner.invoke(app, ["timeline", "spain", "--json"], env=env).exit_code == 0
    mine = folder / "mine.sqlite"
    mine.write_bytes(b"SQLite format 3\x00 of the user's own")
    shown = json.loads(runner.invoke(app, ["cache", "--json"], env=env).stdout)
    assert shown["path"] == str(folder) and shown["usable"] is True
    assert shown["bases"] == 1 and shown["bytes"] > 0
    text = runner.invoke(app, ["cache"], env=env).stdout
    assert f"cache folder: {folder}" in text and "compiled bases: 1" in text
    cleared = runner.invoke(app, ["cache", "--clear"], env=env)
    assert cleared.exit_code == 0
    assert cleared.stdout.startswith("removed 2 files")  # the base and the listing of fact files
    assert [path.name for path in folder.iterdir()] == ["mine.sqlite"]
    assert json.loads(runner.invoke(app, ["cache", "--json"], env=env).stdout)["bases"] == 0
