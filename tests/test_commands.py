"""The query commands (timeline, embassy, advisory, search, show, sources) as a user runs them.

Golden files: `tests/golden/*.txt` hold each command's table output exactly as printed at 100
columns without colour (trailing spaces included: rich pads every table line to the width,
so keep your editor from stripping them). When an output changes on purpose, regenerate them
with

    DPRKREL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_commands.py -k golden

then read the diff (`git diff tests/golden`) against data/facts.yaml before committing it.

Outputs that depend on today's date are pinned: `embassy` always gets `--as-of`, and
`dprkrel.core.queries.today` is monkeypatched for `advisory` and the chart.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import queries
from dprkrel.core.dates import PartialDate
from dprkrel.output.text import cell_width

# Builds the click command once for the module rather than on every run (see conftest).
pytestmark = pytest.mark.usefixtures("fast_cli")

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
README = TESTS.parent / "README.md"
UPDATE_GOLDEN = os.environ.get("DPRKREL_UPDATE_GOLDEN") == "1"

WIDTH = 100
# A fixed width, no colour, and nothing from the developer's environment. None unsets.
ENV: dict[str, str | None] = {
    "COLUMNS": str(WIDTH),
    "LINES": "50",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "DPRKREL_DATA": None,
}
# This typer's CliRunner always keeps stderr apart (result.stdout, result.stderr).
runner = CliRunner(env=ENV)

# The day `dprkrel.core.queries.today` returns where a test pins it; not the real today, so that a
# test that forgets to pin cannot pass by luck.
PINNED_TODAY = PartialDate(2025, 1, 15)
QUERY_COMMANDS = ("timeline", "embassy", "advisory", "search", "show", "sources")


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], env={**ENV, **(env or {})}, catch_exceptions=False)


def run_json(*args: str | Path, env: dict[str, str | None] | None = None) -> tuple[Result, dict[str, Any]]:
    result = run(*args, "--json", env=env)
    assert "Traceback" not in result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return result, payload


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def table_rows(text: str) -> list[list[str]]:
    """The header and rows of the table a command shows people, read from its Markdown form."""
    lines = markdown_table(text)
    return [[cell.replace("<br>", "\n") for cell in markdown_cells(line)] for line in (lines[0], *lines[2:])]


def markdown_table(text: str) -> list[str]:
    """The lines of the Markdown pipe table (the title and the notes are not part of it)."""
    return [line for line in text.splitlines() if line.startswith("|")]


def unescaped_pipes(line: str) -> int:
    """How many `|` in a Markdown line split cells: those not escaped with a backslash."""
    count = 0
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
    return count


def markdown_cells(line: str) -> list[str]:
    """The cells of a pipe-table line, unescaped."""
    cells: list[str] = []
    cell = ""
    escaped = False
    for char in line.strip()[1:-1]:
        if escaped:
            cell += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
    cells.append(cell.strip())
    return cells


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> PartialDate:
    monkeypatch.setattr(queries, "today", lambda: PINNED_TODAY)
    return PINNED_TODAY


# -- golden files ------------------------------------------------------------------------------

GOLDEN_CASES: dict[str, tuple[str, ...]] = {
    "timeline_spain": ("timeline", "spain"),
    "timeline_eu_since_2008": ("timeline", "eu", "--since", "2008"),
    "timeline_spain_chart": ("timeline", "spain", "--chart", "--as-of", "2025"),
    "embassy_madrid_2015-06-01": ("embassy", "madrid", "--as-of", "2015-06-01"),
    "embassy_spain_2026-11-22": ("embassy", "spain", "--as-of", "2026-11-22"),
    "advisory_spain": ("advisory", "spain"),
    "search_ambassador_expelled": ("search", "ambassador expelled"),
    "show_cao_de_benos": ("show", "Cao de Benós"),
    "sources": ("sources",),
}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing; create it with DPRKREL_UPDATE_GOLDEN=1 (see the module docstring)"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"output differs from {path.name}; if on purpose, regenerate with DPRKREL_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden_table_output(name: str, pinned_today: PartialDate) -> None:
    result = run(*GOLDEN_CASES[name])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "\x1b" not in result.stdout, "colour or other escape sequences with NO_COLOR=1"
    widths = [cell_width(line) for line in result.stdout.splitlines()]
    # Tables fill the width exactly (the rule under the headers); nothing is wider.
    assert max(widths) == WIDTH
    check_golden(name, result.stdout)


def test_every_golden_file_belongs_to_a_case() -> None:
    """A renamed case must not leave a stale golden file behind."""
    names = {path.stem for path in GOLDEN.glob("*.txt")}
    assert names == set(GOLDEN_CASES)


def test_the_table_follows_the_columns_variable() -> None:
    """Proof that COLUMNS sets the width: the same table at 60 and at 100 columns."""
    narrow = run("timeline", "eu", env={"COLUMNS": "60"})
    wide = run("timeline", "eu")
    assert max(cell_width(line) for line in narrow.stdout.splitlines()) == 60
    assert max(cell_width(line) for line in wide.stdout.splitlines()) == WIDTH


def test_force_color_would_colour() -> None:
    """Proof that the no-ESC check above can fail: FORCE_COLOR without NO_COLOR colours."""
    result = run("timeline", "eu", env={"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout


def test_timeline_table_lists_the_events_of_spain_in_order() -> None:
    """What the golden file shows, checked row by row against the JSON and the fact base."""
    _, payload = run_json("timeline", "spain")
    rows = table_rows(run("timeline", "spain", "-f", "markdown").stdout)[1:]
    ids = [item["id"] for item in payload["results"]]
    assert ids == [
        "ev-1990-cao-de-benos-advocacy",
        "ev-2000-12-15-esp-cabinet-approves-relations",
        "ev-2001-02-07-esp-prk-relations",
        "ev-2001-12-11-paer-nam-sun-visit",
        "ev-2006-multiple-accreditation",
        "ev-2007-08-floods",
        "ev-2007-09-esp-flood-aid",
        "ev-2013-10-prk-embassy-madrid-opens",
        "ev-2013-10-25-kung-sok-ung-visit",
        "ev-2017-09-19-ambassador-expelled",
        "ev-2019-02-madrid-embassy-incident",
        # Undated: placed at the latest date their sources allow (the 2019 overview, which
        # tells of both), after what that date holds.
        "ev-esp-arrest-warrants-madrid-incident",
        "ev-esp-court-releases-embassy-raid-probe",
        "ev-2023-prk-embassy-madrid-closes",
    ]
    # The floods of August 2007 involve North Korea only, but Spain's aid record answers them:
    # a subject's timeline holds the events its own records refer to.
    assert [row[0] for row in rows[:4]] == ["1990", "15 Dec 2000", "7 Feb 2001", "11 Dec 2001"]
    # The disputed opening shows both dates, not one of them.
    opening = rows[ids.index("ev-2013-10-prk-embassy-madrid-opens")][0]
    assert "Oct 2013" in opening
    assert "2014" in opening


def test_chart_draws_periods_from_their_start_to_the_as_of_date(pinned_today: PartialDate) -> None:
    lines = run("timeline", "spain", "--chart", "--as-of", "2025").stdout.splitlines()
    axis = lines[1]
    years = {int(match.group()): match.start() for match in re.finditer(r"\d{4}", axis)}
    assert min(years) <= 1990  # from the first event on (a mission opened earlier starts it earlier)
    relations = next(line for line in lines if line.startswith("Spain\N{EN DASH}DPRK relations"))
    # The bar for the relations established in February 2001 starts between 2000 and 2005,
    # and runs on to the date its source speaks as of (2023), still so then (▶).
    start = relations.index("━")
    assert years[2000] < start < years[2005]
    assert relations.rstrip().endswith("▶")
    assert years[2020] < len(relations.rstrip()) < len(lines[2].rstrip())  # short of the axis end
    assert any("still so as of its source's date (2023)" in line for line in lines)
    assert not any("2026" in line for line in lines[:3]), "the as-of date pins the chart's end, not today"


def test_chart_shows_nothing_after_the_as_of_date() -> None:
    result = run("timeline", "spain", "--chart", "--as-of", "2010")
    assert result.exit_code == 0
    chart, _, table = result.stdout.partition("\n\n")
    assert "2013" not in table  # the table leaves out the later events...
    # ...so the chart must not show the embassy that opened in 2013 as a bar...
    assert not [line for line in chart.splitlines() if line.startswith("Madrid embassy")]
    # ...nor an axis running past the as-of date.
    assert not any(str(year) in chart.splitlines()[1] for year in range(2011, 2027))
    # A period that ended later is drawn as still running then.
    seoul = next(line for line in chart.splitlines() if line.startswith("Seoul → North Korea"))
    assert seoul.rstrip().endswith("▶")


# -- subjects as people type them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "query", "expected"),
    [
        ("timeline", "España", "esp"),
        ("timeline", "ESP", "esp"),
        ("timeline", "es", "esp"),
        ("timeline", "spain", "esp"),
        ("embassy", "madird", "madrid"),
        ("embassy", "평양", "pyongyang"),
        ("show", "조선일", "cao-de-benos"),
        ("show", "Cao de Benos", "cao-de-benos"),
    ],
)
def test_subject_resolution(command: str, query: str, expected: str) -> None:
    args = (command, query, "--as-of", "2015") if command == "embassy" else (command, query)
    result, payload = run_json(*args)
    assert result.exit_code == 0, result.output
    assert [match["id"] for match in payload["matched"]] == [expected]
    assert payload["query"] == query
    assert payload["results"]


def test_spain_by_any_name_gives_the_same_timeline() -> None:
    outputs = {query: run("timeline", query).stdout for query in ("spain", "España", "ESP", "es", "에스빠냐")}
    assert len(set(outputs.values())) == 1


def test_embassy_in_pyongyang_by_its_korean_name() -> None:
    _, payload = run_json("embassy", "평양", "--as-of", "2015")
    _, by_english_name = run_json("embassy", "pyongyang", "--as-of", "2015")
    assert payload["matched"][0]["id"] == "pyongyang"
    assert payload["results"] == by_english_name["results"]
    assert {"swe-embassy-pyongyang", "eu-member-embassies-pyongyang", "echo-office-pyongyang"} <= {
        item["id"] for item in payload["results"]
    }


def test_show_by_korean_name_is_the_same_profile() -> None:
    assert run("show", "조선일").stdout == run("show", "Cao de Benós").stdout


def test_an_ambiguous_subject_says_what_else_it_could_mean() -> None:
    table = run("timeline", "korea")
    result, payload = run_json("timeline", "korea")
    # It found events for one of the Koreas, so it answers, and says so on stderr.
    assert table.exit_code == 0
    assert result.exit_code == 0
    assert payload["results"]
    chosen = payload["matched"][0]["name"]
    other = ({"North Korea", "South Korea"} - {chosen}).pop()
    lines = table.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dprkrel: ")
    assert chosen in lines[0]
    assert other in lines[0]
    ambiguous = [item for item in payload["warnings"] if item["type"] == "ambiguous"]
    assert len(ambiguous) == 1
    assert other in ambiguous[0]["message"]


def test_no_matching_subject_exits_1_with_suggestions_on_stderr() -> None:
    result = run("embassy", "dastsi")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dprkrel: 'dastsi' is not in the fact base (")
    assert lines[0].endswith("Did you mean: Alfonso Dastis?")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("subject", ["saudi arabia", "kazakhstan", "ukraine"])
def test_a_subject_outside_the_base_says_so_without_nonsense(subject: str) -> None:
    result, payload = run_json("timeline", subject)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"dprkrel: '{subject}' is not in the fact base (")
    assert "'dprkrel subjects' lists them" in result.stderr
    assert "Did you mean" not in result.stderr
    assert payload["suggestions"] == []
    assert [item["type"] for item in payload["warnings"]] == ["not_in_base"]
    assert payload["warnings"][0]["message"] in result.stderr


@pytest.mark.parametrize("command", ["timeline", "embassy", "advisory", "show"])
def test_no_matching_subject_with_json_prints_the_envelope(command: str) -> None:
    result, payload = run_json(command, "dastsi")
    assert result.exit_code == 1
    assert payload["command"] == command
    assert payload["query"] == "dastsi"
    assert payload["matched"] == []
    assert payload["results"] == []
    assert payload["suggestions"]
    assert all(set(item) == {"id", "name", "kind", "score"} for item in payload["suggestions"])
    # The names suggested on stderr are those of the JSON.
    assert result.stderr.startswith("dprkrel: 'dastsi' is not in the fact base (")
    for item in payload["suggestions"]:
        assert item["name"] in result.stderr


# -- CSV, Markdown and --sources -------------------------------------------------------------

TABULAR = [
    ("timeline", "spain"),
    ("timeline", "eu", "--since", "2008"),
    ("embassy", "spain", "--as-of", "2015"),
    ("embassy", "pyongyang", "--as-of", "2026"),
    ("search", "ambassador expelled"),
]
ALL_COMMANDS = [
    *TABULAR,
    ("advisory", "spain"),
    ("show", "Cao de Benós"),
    ("sources",),
]


def column_names(table: str) -> str:
    """The column names of a rich table as printed: its header, or, when the columns were too
    wide for the terminal and each record is printed as lines of field and value, the fields."""
    lines = table.splitlines()
    if any(line.startswith("────") for line in lines):
        return table_header_text(table)
    return " ".join(line.split("  ")[0].strip() for line in lines[1:] if line and not line.startswith(" "))


def table_header_text(table: str) -> str:
    """The header lines of a rich table: the lines between the title and the rule."""
    lines = table.splitlines()
    rule = next(index for index, line in enumerate(lines) if line.startswith("────"))
    return " ".join(" ".join(lines[1:rule]).split())


@pytest.mark.parametrize("args", ALL_COMMANDS, ids=" ".join)
def test_csv_and_tsv_hold_one_row_of_data_per_result(args: tuple[str, ...], pinned_today: PartialDate) -> None:
    _, payload = run_json(*args)
    for flag, delimiter in (("--csv", ","), ("--tsv", "\t")):
        result = run(*args, flag)
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(result.stdout, newline=""), delimiter=delimiter))
        header = rows[0]
        assert header[:2] == ["id", "kind"]
        assert len(rows) - 1 == len(payload["results"])
        assert all(len(row) == len(header) for row in rows)
        assert [row[0] for row in rows[1:]] == [item["id"] for item in payload["results"]]
        # Every key of the JSON results is a column, dates as ISO text with their precision.
        for row, item in zip(rows[1:], payload["results"], strict=True):
            cells = dict(zip(header, row, strict=True))
            for key, value in item.items():
                if isinstance(value, dict) and set(value) == {"date", "precision"}:
                    assert (cells[key], cells[f"{key}_precision"]) == (value["date"], value["precision"])
                elif value is None:
                    assert cells[key] == ""
                elif isinstance(value, str):
                    assert cells[key] == value


@pytest.mark.parametrize("args", ALL_COMMANDS, ids=" ".join)
def test_markdown_shows_the_table(args: tuple[str, ...], pinned_today: PartialDate) -> None:
    lines = markdown_table(run(*args, "-f", "markdown").stdout)
    assert len(lines) >= 3
    assert len({unescaped_pipes(line) for line in lines}) == 1
    assert markdown_cells(lines[1]) == ["---"] * len(markdown_cells(lines[0]))
    assert run(*args, "-f", "md").stdout == run(*args, "-f", "markdown").stdout


def test_markdown_escapes_a_pipe_inside_a_cell(tmp_path: Path) -> None:
    facts = tmp_path / "pipe.yaml"
    facts.write_text(
        "events:\n"
        "  - id: ev-pipe\n"
        '    date: "2002"\n'
        "    category: visit\n"
        "    summary: A | B visit, *not* [a link](x).\n"
        "    actors: [prk, esp]\n"
        "    sources:\n"
        "      - {source: wikipedia-prk-esp, section: lead}\n",
        encoding="utf-8",
    )
    lines = markdown_table(run("--data", facts, "timeline", "spain", "--until", "2002", "-f", "markdown").stdout)
    assert {unescaped_pipes(line) for line in lines} == {4}
    assert ["2002", "visit", "A | B visit, *not* [a link](x)."] in [markdown_cells(line) for line in lines]


@pytest.mark.parametrize("args", TABULAR, ids=" ".join)
def test_sources_flag_adds_a_sources_column_in_every_format(args: tuple[str, ...]) -> None:
    plain = table_rows(run(*args, "-f", "markdown").stdout)
    cited = table_rows(run(*args, "-f", "markdown", "--sources").stdout)
    assert cited[0] == [*plain[0], "Sources"]
    assert [row[:-1] for row in cited] == plain
    _, payload = run_json(*args)
    for row, item in zip(cited[1:], payload["results"], strict=True):
        parts = row[-1].split("; ")
        for citation in item["sources"]:
            assert f"{citation['source']}, {citation['section']}" in parts
    markdown = markdown_table(run(*args, "-f", "markdown", "--sources").stdout)
    assert markdown_cells(markdown[0])[-1] == "Sources"
    assert {unescaped_pipes(line) for line in markdown} == {len(cited[0]) + 1}
    table = run(*args, "--sources")
    assert table.exit_code == 0
    assert "Sources" in column_names(table.stdout)
    assert "Sources" not in column_names(run(*args).stdout)
    assert max(cell_width(line) for line in table.stdout.splitlines()) == WIDTH


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("advisory", "spain"), "wikipedia-prk-esp, lead"),
        (("show", "Cao de Benós"), "wikipedia-prk-esp, Private diplomacy"),
    ],
    ids=["advisory", "show"],
)
def test_sources_flag_adds_a_sources_row_to_profiles(args: tuple[str, ...], expected: str) -> None:
    """advisory and show print field/value tables: the sources come as a row of their own."""
    plain = table_rows(run(*args, "-f", "markdown").stdout)
    cited = table_rows(run(*args, "-f", "markdown", "--sources").stdout)
    assert ["Sources", expected] in cited
    assert [row for row in cited if row[0] != "Sources"] == plain
    assert ["Sources", expected] in [
        markdown_cells(line) for line in markdown_table(run(*args, "-f", "markdown", "--sources").stdout)
    ]
    assert "Sources" in run(*args, "--sources").stdout
    assert "Sources" not in run(*args).stdout


@pytest.mark.parametrize("args", ALL_COMMANDS[:-1], ids=" ".join)
def test_sources_flag_does_not_change_json(args: tuple[str, ...], pinned_today: PartialDate) -> None:
    """JSON always carries each record's sources."""
    assert run(*args, "--json", "--sources").stdout == run(*args, "--json").stdout


def test_json_flag_and_format_json_agree() -> None:
    assert run("timeline", "eu", "--json").stdout == run("timeline", "eu", "-f", "json").stdout
    assert run("timeline", "eu", "--json").stdout == run("timeline", "eu", "--format", "JSON").stdout


# -- exit codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--since", "2099"), "dprkrel: no events match these options"),
        (("timeline", "spain", "--until", "1989"), "dprkrel: no events for Spain match these options"),
        (("search", "zzzzqqq"), "dprkrel: nothing matches 'zzzzqqq'"),
        (("advisory", "france"), "dprkrel: no travel advice from or about France in the fact base"),
    ],
    ids=["since-2099", "until-1989", "search", "advisory"],
)
def test_nothing_found_exits_1(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message + "\n"
    json_result, payload = run_json(*args)
    assert json_result.exit_code == 1
    assert payload["results"] == []


def test_found_exits_0() -> None:
    for args in ALL_COMMANDS:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("timeline", "--since", "20x"), "--since: '20x' is not a date"),
        (("timeline", "--until", "2001-13"), "--until"),
        (("embassy", "madrid", "--as-of", "2015-02-30"), "--as-of"),
        (("embassy", "madrid", "--as-of", "0000"), "--as-of"),
        (("timeline", "--category", "nonsense"), "unknown category 'nonsense'"),
        (("search", "expel", "--kind", "nonsense"), "unknown kind 'nonsense'"),
    ],
    ids=["since", "until", "as-of-day", "year-0", "category", "kind"],
)
def test_bad_options_exit_2_with_one_line(args: tuple[str, ...], needle: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dprkrel: ")
    assert needle in lines[0]
    assert "Traceback" not in result.output


def test_a_bad_option_with_json_prints_no_json() -> None:
    result = run("timeline", "--since", "20x", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_categories_and_kinds_are_forgiving_about_case_and_spaces() -> None:
    assert run("timeline", "-c", "Human rights").exit_code == 0
    assert run("search", "expel", "--kind", "Event").exit_code == 0


def test_category_filters_events() -> None:
    _, payload = run_json("timeline", "spain", "-c", "visit", "-c", "expulsion")
    assert {item["category"] for item in payload["results"]} == {"visit", "expulsion"}
    assert len(payload["results"]) == 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("timeline", "--bogus"), ["No such option: --bogus", "dprkrel timeline --help"]),
        (("search",), ["Missing argument 'query'", "dprkrel search --help"]),
        (("search", "x", "-n", "0"), ["0 is not in the range", "dprkrel search --help"]),
        (("timelin",), ["No such command 'timelin'", "Did you mean 'timeline'"]),
    ],
)
def test_a_usage_error_exits_2_with_one_line(args: tuple[str, ...], words: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dprkrel: ")
    for word in words:
        assert word in lines[0]


def test_an_unknown_option_exits_2() -> None:
    result = run("timeline", "--bogus")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "No such option: --bogus" in result.stderr
    assert "Traceback" not in result.output


def test_bad_data_exits_2_naming_the_place(tmp_path: Path) -> None:
    facts = tmp_path / "bad.yaml"
    facts.write_text(
        "events:\n"
        "  - id: ev-bad-date\n"
        '    date: "2013-13"\n'
        "    category: visit\n"
        "    summary: A visit in a month that does not exist.\n"
        "    sources:\n"
        "      - {source: wikipedia-prk-esp, section: lead}\n",
        encoding="utf-8",
    )
    for args in (("--data", facts, "timeline", "spain"), ("--data", facts, "timeline", "spain", "--json")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        # The problem, at its file, line and column, then the count (as `validate` prints them).
        assert re.match(re.escape(str(facts)) + r":3:\d+: \[ev-bad-date\] .*2013-13", lines[0]), lines
        assert lines[-1] == "dprkrel: 1 problem in the fact files"


def test_a_query_starting_with_a_dash_works_after_double_dash() -> None:
    result = run("search", "--json", "--", "-dastis")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["query"] == "-dastis"
    ids = [item["id"] for item in payload["results"]]
    assert "ev-2017-09-19-ambassador-expelled" in ids
    table = run("search", "--", "-dastis")
    assert table.exit_code == 0
    assert ids[0] in table.stdout


def test_no_arguments_prints_help() -> None:
    result = run()
    assert "Usage: dprkrel" in result.output
    for command in QUERY_COMMANDS:
        assert command in result.output


# -- help and README ---------------------------------------------------------------------------


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(group.commands)


def test_the_commands_are_the_expected_ones() -> None:
    assert set(QUERY_COMMANDS) <= set(command_names())


@pytest.mark.parametrize("command", command_names())
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "Traceback" not in result.output
    assert run(command, "-h").stdout == result.stdout


@pytest.mark.parametrize("command", QUERY_COMMANDS)
def test_the_help_example_runs(command: str, pinned_today: PartialDate) -> None:
    help_text = run(command, "--help").stdout
    examples = [line.split("Example:", 1)[1].strip() for line in help_text.splitlines() if "Example:" in line]
    assert len(examples) == 1, help_text
    args = shlex.split(examples[0])
    assert args[:2] == ["dprkrel", command]
    result = run(*args[1:])
    assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("command", command_names())
def test_readme_documents_every_command(command: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert re.search(rf"\bdprkrel {re.escape(command)}\b", readme), f"README.md never shows `dprkrel {command}`"


# -- --data, DPRKREL_DATA and --no-builtin ---------------------------------------------------

EXTENSION = """\
# A new country, a mission and an event, citing the shipped base's source.
entities:
  - id: fdn
    entity_kind: country
    name: Freedonia
    names:
      en: Freedonia
      es: Libertonia
    codes: [FDN]
    sources:
      - {source: wikipedia-prk-esp, section: lead}

events:
  - id: ev-2010-03-fdn-prk-relations
    date: "2010-03"
    category: diplomatic_relations
    summary: Freedonia and North Korea establish diplomatic relations.
    actors: [fdn, prk]
    sources:
      - {source: wikipedia-prk-esp, section: lead}

missions:
  - id: fdn-embassy-pyongyang
    name: Embassy of Freedonia in Pyongyang
    sending: fdn
    host: prk
    city: pyongyang
    mission_kind: embassy
    opened: "2011"
    sources:
      - {source: wikipedia-prk-esp, section: lead}
"""

SELF_CONTAINED = """\
schema_version: 1
sources:
  - id: my-source
    title: My notes
    publisher: Me
    url: https://example.org/notes
    stated_as_of: "2020"
    sections: [all]

entities:
  - id: sylvania
    entity_kind: country
    name: Sylvania
    sources:
      - {source: my-source, section: all}
  - id: marsovia
    entity_kind: country
    name: Marsovia
    sources:
      - {source: my-source, section: all}

events:
  - id: ev-1999-syl-mar-treaty
    date: "1999-07-04"
    category: legal
    summary: Sylvania and Marsovia sign a treaty.
    actors: [sylvania, marsovia]
    sources:
      - {source: my-source, section: all}

missions:
  - id: syl-embassy-marsovia
    name: Embassy of Sylvania in Marsovia
    sending: sylvania
    host: marsovia
    mission_kind: embassy
    opened: "2000"
    sources:
      - {source: my-source, section: all}
"""


@pytest.fixture
def extension(tmp_path: Path) -> Path:
    path = tmp_path / "freedonia.yaml"
    path.write_text(EXTENSION, encoding="utf-8")
    return path


def test_data_adds_a_country_its_event_and_its_mission(extension: Path) -> None:
    result, payload = run_json("--data", extension, "timeline", "freedonia")
    assert result.exit_code == 0, result.output
    assert payload["matched"][0]["id"] == "fdn"
    assert [item["id"] for item in payload["results"]] == ["ev-2010-03-fdn-prk-relations"]
    assert payload["results"][0]["date"] == {"date": "2010-03", "precision": "month"}
    _, missions = run_json("--data", extension, "embassy", "libertonia", "--as-of", "2015")
    assert [(item["id"], item["status"]) for item in missions["results"]] == [("fdn-embassy-pyongyang", "open")]
    # The shipped base is still there, and North Korea's timeline now has the new event.
    _, prk = run_json("--data", extension, "timeline", "north korea")
    assert "ev-2010-03-fdn-prk-relations" in [item["id"] for item in prk["results"]]
    assert "ev-2017-09-19-ambassador-expelled" in [item["id"] for item in prk["results"]]
    # And it counts in `sources`.
    _, sources = run_json("--data", extension, "sources")
    _, base_sources = run_json("sources")
    count = {item["id"]: item["records"] for item in sources["results"]}
    base_count = {item["id"]: item["records"] for item in base_sources["results"]}
    assert count["wikipedia-prk-esp"] == base_count["wikipedia-prk-esp"] + 3


def test_the_new_country_is_unknown_without_data() -> None:
    result = run("timeline", "freedonia")
    assert result.exit_code == 1
    assert result.stderr.startswith("dprkrel: 'freedonia' is not in the fact base (")


def test_dprkrel_data_adds_files_like_data(extension: Path, tmp_path: Path) -> None:
    with_option = run("--data", extension, "timeline", "freedonia")
    with_env = run("timeline", "freedonia", env={"DPRKREL_DATA": str(extension)})
    assert with_env.exit_code == 0, with_env.output
    assert with_env.stdout == with_option.stdout
    # Several files, separated like PATH.
    other = tmp_path / "sylvania.yaml"
    other.write_text(SELF_CONTAINED, encoding="utf-8")
    both = run("timeline", "sylvania", env={"DPRKREL_DATA": f"{extension}{os.pathsep}{other}"})
    assert both.exit_code == 0, both.output
    assert "Sylvania and Marsovia sign a treaty." in both.stdout


def test_no_builtin_with_a_self_contained_file(tmp_path: Path) -> None:
    facts = tmp_path / "sylvania.yaml"
    facts.write_text(SELF_CONTAINED, encoding="utf-8")
    result, payload = run_json("--no-builtin", "--data", facts, "timeline")
    assert result.exit_code == 0, result.output
    assert [item["id"] for item in payload["results"]] == ["ev-1999-syl-mar-treaty"]
    _, sources = run_json("--no-builtin", "--data", facts, "sources")
    assert [(item["id"], item["records"]) for item in sources["results"]] == [("my-source", 4)]
    _, missions = run_json("--no-builtin", "--data", facts, "embassy", "marsovia", "--as-of", "1999")
    assert [(item["id"], item["status"]) for item in missions["results"]] == [("syl-embassy-marsovia", "not_yet_open")]
    # Nothing of the shipped base is left.
    spain = run("--no-builtin", "--data", facts, "timeline", "spain")
    assert spain.exit_code == 1
    assert spain.stderr.startswith("dprkrel: 'spain' is not in the fact base (")


def test_no_builtin_needs_the_shipped_source_when_the_file_cites_it(extension: Path) -> None:
    result = run("--no-builtin", "--data", extension, "timeline")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "wikipedia-prk-esp" in result.stderr
    assert "Traceback" not in result.output


def test_no_builtin_without_files_exits_2() -> None:
    result = run("--no-builtin", "timeline")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["dprkrel: no fact files: --no-builtin was given without --data"]


def test_a_missing_data_file_exits_2(tmp_path: Path) -> None:
    result = run("--data", tmp_path / "nope.yaml", "timeline")
    assert result.exit_code == 2
    assert str(tmp_path / "nope.yaml") in result.stderr
    assert "Traceback" not in result.output


def test_an_id_clash_with_the_base_names_both_places(tmp_path: Path, builtin_path: Path) -> None:
    clash = tmp_path / "clash.yaml"
    clash.write_text(
        "entities:\n"
        "  - id: esp\n"
        "    entity_kind: country\n"
        "    name: Another Spain\n"
        "    sources:\n"
        "      - {source: wikipedia-prk-esp, section: lead}\n",
        encoding="utf-8",
    )
    base_line = builtin_path.read_text(encoding="utf-8").splitlines().index("  - id: esp") + 1
    result = run("--data", clash, "timeline", "spain")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{clash}:2:")
    assert "esp" in first
    assert f"{builtin_path}:{base_line}:" in first


def test_timeline_help_lists_every_category() -> None:
    from dprkrel.core.schema import EVENT_CATEGORIES

    text = " ".join(run("timeline", "--help").stdout.split())
    for category in EVENT_CATEGORIES:
        assert category in text


def test_sources_flag_on_the_sources_command_adds_their_sections() -> None:
    plain = table_rows(run("sources", "-f", "markdown").stdout)
    with_sections = table_rows(run("sources", "-f", "markdown", "--sources").stdout)
    assert with_sections[0] == [*plain[0], "Sections"]
    assert with_sections[1][-1] == "lead; Diplomatic relations; Private diplomacy"
    assert run("sources", "--json", "--sources").stdout == run("sources", "--json").stdout
