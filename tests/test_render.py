"""Tests of the output renderers: literal cells, visible control characters, strict formats, the chart."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
from typing import TextIO

import pytest

from dprkrel.core.dates import PartialDate
from dprkrel.core.results import Bar, Chart, Mark
from dprkrel.output import render, stream_is_ascii
from dprkrel.output.chart import chart_lines, make_axis
from dprkrel.output.csv_out import write_csv
from dprkrel.output.json_out import dumps
from dprkrel.output.markdown import write_markdown
from dprkrel.output.table import wants_color
from dprkrel.output.text import cell_width, fit_cells, visible, wrap_cells
from dprkrel.output.views import Answer, Column, OutputFormat, TableView

# Cells a hostile or careless fact file could hold: rich markup, emoji codes, terminal escapes
# (7-bit and C1), a bidi override; with Korean to check wide characters survive.
MARKUP = ("[bold]x", "a[b]c", "[link=https://example.org]x[/link]", "1:cd:2", "[/]")
ESC_RED = "\x1b[31mred"
C1_CSI = "a\x9bb"
BIDI = "\u202eevil"
KOREAN = "조선민주주의인민공화국"

TABLE = TableView(
    title=f"Relations [bold]x {KOREAN}",
    columns=(Column("Date", wrap=False), Column("Subject"), Column("Note")),
    rows=(
        ("2001-02-07", MARKUP[0], MARKUP[1]),
        ("2001-02", MARKUP[2], MARKUP[3]),
        ("2001", MARKUP[4], ESC_RED),
        ("1948-09-09", KOREAN, C1_CSI),
        ("2019", BIDI, 'pipe | and back\\slash, comma, "quote"\nnew line\ttab'),
    ),
    notes=("note [bold]x with \x1b[2J", f"{KOREAN} note"),
)

ANSI = re.compile(r"\x1b\[")


def write_table(table: TableView, stream: TextIO, *, width: int | None = None, color: bool | None = None) -> None:
    """The table format's output for `table` alone."""
    render(Answer({}, table), OutputFormat.TABLE, stream, width=width, color=color)


def table_text(table: TableView = TABLE, *, width: int | None = 100, color: bool | None = False) -> str:
    stream = io.StringIO()
    write_table(table, stream, width=width, color=color)
    return stream.getvalue()


class FakeTerminal(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No colour or width settings from the environment running the tests."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


# --- visible ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x00\x07\x08\r\x7f", "\\x00\\x07\\x08\\x0d\\x7f"),
        ("a\x9bb\x85", "a\\x9bb\\x85"),
        ("\u202eabc\u2066\u2069\u200e\u200f\u061c", "\\u202eabc\\u2066\\u2069\\u200e\\u200f\\u061c"),
        ("line\u2028sep", "line\\u2028sep"),
        ("tab\there\nnext", "tab here next"),
        (KOREAN, KOREAN),
        ("[bold]x \\ 1:cd:2", "[bold]x \\ 1:cd:2"),
    ],
)
def test_visible_escapes_controls_and_keeps_text(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_leaves_no_control_character() -> None:
    every = "".join(chr(code) for code in range(0x00, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e\u2067\u2068"
    out = visible(every)
    assert all(char.isprintable() for char in out)


def test_cell_helpers_count_wide_characters() -> None:
    assert cell_width(KOREAN) == 2 * len(KOREAN)
    assert cell_width(fit_cells(KOREAN, 7)) <= 7
    assert fit_cells("short", 10) == "short"
    assert all(cell_width(line) <= 9 for line in wrap_cells(f"{KOREAN} words and {KOREAN}", 9))


# --- table -----------------------------------------------------------------------------------


def test_table_prints_markup_literally() -> None:
    out = table_text()
    for text in MARKUP:
        assert text in out
    assert KOREAN in out
    assert "Relations [bold]x" in out


def test_table_makes_control_characters_visible() -> None:
    out = table_text()
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert "\u202e" not in out
    assert "\\x1b[31mred" in out
    assert "a\\x9bb" in out
    assert "\\u202eevil" in out
    assert "note [bold]x with \\x1b[2J" in out


def test_table_shows_headers_rows_and_notes_in_order() -> None:
    out = table_text()
    lines = out.splitlines()
    assert lines[0].startswith("Relations")
    header = next(index for index, line in enumerate(lines) if "Date" in line and "Subject" in line)
    notes = next(index for index, line in enumerate(lines) if line.startswith("note [bold]x"))
    assert header < notes
    assert lines[-1].startswith(KOREAN)


def test_table_fits_the_width() -> None:
    for width in (100, 60, 40):
        assert all(cell_width(line) <= width for line in table_text(width=width).splitlines())


def test_table_without_colour_has_no_ansi(clean_env: pytest.MonkeyPatch) -> None:
    assert not ANSI.search(table_text(color=False))
    clean_env.setenv("FORCE_COLOR", "1")
    assert not ANSI.search(table_text(color=False)), "color=False wins over FORCE_COLOR"


def test_table_with_colour_has_ansi() -> None:
    assert ANSI.search(table_text(color=True))


def test_auto_colour_follows_the_stream_and_environment(clean_env: pytest.MonkeyPatch) -> None:
    assert not ANSI.search(table_text(color=None)), "a pipe gets no ANSI"
    assert wants_color(FakeTerminal(), None)
    stream = FakeTerminal()
    write_table(TABLE, stream, width=100, color=None)
    assert ANSI.search(stream.getvalue())

    clean_env.setenv("TERM", "dumb")
    assert not wants_color(FakeTerminal(), None)
    clean_env.setenv("TERM", "xterm")
    clean_env.setenv("NO_COLOR", "1")
    assert not wants_color(FakeTerminal(), None)
    clean_env.setenv("FORCE_COLOR", "1")
    assert not wants_color(io.StringIO(), None), "NO_COLOR wins"
    clean_env.delenv("NO_COLOR")
    assert wants_color(io.StringIO(), None)
    clean_env.setenv("FORCE_COLOR", "")
    assert not wants_color(io.StringIO(), None), "an empty FORCE_COLOR counts as unset"


def test_table_at_narrow_columns_does_not_crash(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("COLUMNS", "20")
    out = table_text(width=None)
    assert out
    assert all(cell_width(line) <= 20 for line in out.splitlines())
    assert table_text(width=5)


WORDY = TableView(
    title="Timeline: Land A",
    columns=(Column("Date", wrap=False), Column("Category"), Column("Event")),
    rows=(
        ("15 Dec 2000", "diplomatic relations", "The council of ministers approves establishing relations."),
        ("2023", "diplomatic mission", "The embassy closes."),
    ),
)


def test_a_table_too_narrow_for_its_words_is_shown_one_record_after_another() -> None:
    out = table_text(WORDY, width=30)
    lines = out.splitlines()
    assert all(cell_width(line) <= 30 for line in lines)
    # Each field on its own line, headed by its column's name, and no word cut in two.
    for header in ("Date", "Category", "Event"):
        assert sum(line.startswith(header + " ") for line in lines) == len(WORDY.rows)
    words = {word for row in WORDY.rows for cell in row for word in cell.split()}
    assert words <= set(out.split())
    assert [line.strip() for line in lines].count("") == len(WORDY.rows) - 1, "a blank line between records"


def test_a_table_whose_words_fit_keeps_its_columns() -> None:
    out = table_text(WORDY, width=60)
    assert any(line.split() == ["Date", "Category", "Event"] for line in out.splitlines())


def test_table_degrades_to_ascii_boxes_and_raises_on_unencodable_text() -> None:
    plain = TableView("Plain", (Column("A"), Column("B")), (("1", "x"), ("2", "y")))
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    assert stream_is_ascii(stream)
    write_table(plain, stream, width=40, color=False)
    stream.flush()
    assert raw.getvalue().isascii()

    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    with pytest.raises(UnicodeEncodeError):
        write_table(TABLE, stream, width=100, color=False)
        stream.flush()


def test_empty_table_renders() -> None:
    empty = TableView("Nothing", (Column("A"), Column("B")), ())
    assert "Nothing" in table_text(empty)


# --- CSV -------------------------------------------------------------------------------------


def test_csv_round_trips_every_cell() -> None:
    stream = io.StringIO()
    write_csv(TABLE, stream)
    parsed = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert parsed[0] == [column.header for column in TABLE.columns]
    assert [tuple(row) for row in parsed[1:]] == list(TABLE.rows)
    assert "note [bold]x" not in stream.getvalue(), "notes are left out"


# --- Markdown --------------------------------------------------------------------------------


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def test_markdown_rows_have_the_same_number_of_cells() -> None:
    stream = io.StringIO()
    write_markdown(TABLE, stream)
    rows = [line for line in stream.getvalue().splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(TABLE.rows)
    assert {unescaped_pipes(row) for row in rows} == {len(TABLE.columns) + 1}
    assert rows[1] == "| --- | --- | --- |"


def test_markdown_escapes_cells() -> None:
    stream = io.StringIO()
    write_markdown(TABLE, stream)
    out = stream.getvalue()
    assert "pipe \\| and back\\\\slash" in out
    assert "new line tab" in out, "a line break in a cell would end the row"
    assert "\\[bold\\]x" in out
    assert "\\\\x1b\\[31mred" in out
    assert "\\\\u202eevil" in out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert KOREAN in out
    lines = out.splitlines()
    assert lines[0] == f"**Relations \\[bold\\]x {KOREAN}**"
    assert lines[-2:] == ["- note \\[bold\\]x with \\\\x1b\\[2J", f"- {KOREAN} note"]
    assert lines[-3] == ""


# --- JSON ------------------------------------------------------------------------------------

PAYLOAD = {
    "subject": KOREAN,
    "cells": [*MARKUP, ESC_RED, C1_CSI, BIDI, "\u2028", "\x7f"],
    "count": 3,
    "ratio": 0.5,
    "missing": None,
    "nested": {"ok": True, "list": [1, 2.5, "x"]},
}


def test_json_round_trips_the_payload() -> None:
    text = dumps(PAYLOAD)
    assert text.endswith("}\n")
    assert json.loads(text) == PAYLOAD
    assert KOREAN in text, "Korean stays readable"


def test_json_escapes_every_terminal_control() -> None:
    text = dumps(PAYLOAD)
    assert all(char.isprintable() or char in " \n" for char in text)
    assert "\\u001b[31mred" in text
    assert "\\u009b" in text
    assert "\\u202e" in text


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_json_refuses_nan_and_infinity(bad: float) -> None:
    with pytest.raises(ValueError, match="strict JSON"):
        dumps({"value": [1, {"x": bad}]})


def test_json_never_imports_rich() -> None:
    code = (
        "import io, sys\n"
        "from dprkrel.output import render\n"
        "from dprkrel.output.views import Answer, OutputFormat, TableView\n"
        "out = io.StringIO()\n"
        "for fmt in (OutputFormat.JSON, OutputFormat.CSV, OutputFormat.MARKDOWN):\n"
        "    render(Answer({'a': 1}, TableView('t', (), ())), fmt, out)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'rich'], 'rich imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- dispatch --------------------------------------------------------------------------------


def test_render_dispatches_every_format() -> None:
    results = [{"id": "a", "date": {"date": "2001-02", "precision": "month"}, "names": [KOREAN, "b"]}]
    answer = Answer(payload={"subject": KOREAN, "results": results}, table=TABLE)
    outputs = {}
    for fmt in OutputFormat:
        stream = io.StringIO()
        render(answer, fmt, stream, width=100, color=False)
        outputs[fmt] = stream.getvalue()
    assert json.loads(outputs[OutputFormat.JSON]) == {"subject": KOREAN, "results": results}
    assert [json.loads(line) for line in outputs[OutputFormat.NDJSON].splitlines()] == results
    # Data, not the table: the results' keys as columns, a date as ISO text and its precision.
    assert outputs[OutputFormat.CSV] == f"id,date,date_precision,names\na,2001-02,month,{KOREAN} | b\n"
    assert outputs[OutputFormat.TSV] == f"id\tdate\tdate_precision\tnames\na\t2001-02\tmonth\t{KOREAN} | b\n"
    assert outputs[OutputFormat.MARKDOWN].startswith("**Relations")
    assert outputs[OutputFormat.TABLE].startswith("Relations")


# --- chart -----------------------------------------------------------------------------------

CHART = Chart(
    title="Sweden timeline",
    as_of=PartialDate(2005, 6, 1),
    marks=(
        Mark("Visit", PartialDate(2009)),
        Mark("Relations established", PartialDate(1990, 1, 5)),
        Mark("Talks", PartialDate(1990, 1, 20)),
        Mark("Talks again", PartialDate(1990, 1)),
    ),
    bars=(
        Bar("Embassy", PartialDate(1990, 1), PartialDate(1999, 7)),
        Bar("Mission", PartialDate(2000, 3), None),
        Bar("Office", PartialDate(1995), None, end_known=False),
    ),
)


def axis_labels(line: str) -> dict[int, int]:
    """The year labels on the axis line and the column each starts at."""
    return {int(found.group()): found.start() for found in re.finditer(r"\d{4}", line)}


def bar_cells(line: str, left: int, glyphs: str = "━▶?") -> tuple[int, int]:
    """The first and last column a bar is drawn in, after the label column."""
    columns = [index for index, char in enumerate(line) if index >= left and char in glyphs]
    return columns[0], columns[-1]


def test_chart_axis_spans_earliest_date_to_latest() -> None:
    axis = make_axis(CHART, 80)
    assert (axis.first_year, axis.last_year) == (1990, 2009)
    later = Chart("t", PartialDate(2024), CHART.marks, CHART.bars)
    assert make_axis(later, 80).last_year == 2024, "the as-of year extends the axis"


def test_chart_places_bars_where_the_dates_say() -> None:
    # Label column "Embassy" (7 cells) + 1 space = 8; 40 plot columns for 20 years: 2 a year.
    lines = chart_lines(CHART, 48)
    assert lines[0] == "Sweden timeline"
    labels = axis_labels(lines[1])
    assert sorted(labels) == [1990, 1995, 2000, 2005]
    per_year = (labels[2000] - labels[1990]) / 10
    assert per_year == 2

    def column(year: int, month: int) -> int:
        return labels[1990] + int(((year - 1990) * 12 + month - 1) * per_year / 12)

    embassy, mission, office, events = lines[3:7]
    assert embassy.startswith("Embassy ")
    assert bar_cells(embassy, 8) == (labels[1990], column(1999, 7))
    assert bar_cells(mission, 8) == (column(2000, 3), column(2005, 6))
    assert mission.endswith("▶"), "an ongoing period ends with an arrow at the as-of date"
    # Known only to the year: from January 1995; its end is unknown, so drawn to as-of with "?".
    assert bar_cells(office, 8) == (labels[1995], column(2005, 6))
    assert office.endswith("?")
    assert events.startswith("events")
    assert events[labels[1990]] == "3", "three marks in one cell show their count"
    assert events[column(2009, 1)] == "●"


def test_chart_legend_lists_marks_in_date_order() -> None:
    lines = chart_lines(CHART, 80)
    legend = lines[lines.index("") + 1 :]
    assert legend == [
        "● Jan 1990     Talks again",
        "● 5 Jan 1990   Relations established",
        "● 20 Jan 1990  Talks",
        "● 2009         Visit",
    ]
    assert "▶ ongoing as of 1 Jun 2005   ? end unknown" in lines


def test_chart_axis_labels_sit_on_their_years_at_any_width() -> None:
    for width in (20, 33, 48, 60, 80, 100, 133):
        axis = make_axis(CHART, width)
        lines = chart_lines(CHART, width)
        labels = axis_labels(lines[1])
        assert labels, f"no year label at width {width}"
        for year, column in labels.items():
            assert column == axis.column(year)
            assert lines[2][column] == "┼"
        starts = [bar_cells(line, axis.left)[0] for line in lines[3:6]]
        assert starts == [axis.start_column(bar.start) for bar in CHART.bars]


@pytest.mark.parametrize("width", [12, 20, 40, 60, 61, 80, 100])
def test_chart_lines_fit_the_width(width: int) -> None:
    long = Chart(
        title="A very long title " * 8 + KOREAN,
        as_of=PartialDate(2024, 5),
        marks=(*CHART.marks, Mark(f"{KOREAN} " * 6 + "x" * 90, PartialDate(1948, 9, 9))),
        bars=(*CHART.bars, Bar(f"{KOREAN} embassy with a long name", PartialDate(1948, 10), None)),
    )
    for line in chart_lines(long, width):
        assert cell_width(line) <= width, line


def test_chart_ascii_mode_is_ascii_only() -> None:
    lines = chart_lines(CHART, 60, ascii=True)
    assert all(line.isascii() for line in lines)
    text = "\n".join(lines)
    assert "=" in text
    assert ">" in text
    assert "*" in text


def test_chart_labels_are_visible_and_cut_to_the_label_column() -> None:
    hostile = Chart(
        "t\x1b[2J",
        PartialDate(2020),
        marks=(Mark("[bold]\u202ex", PartialDate(2010)),),
        bars=(Bar("x" * 40, PartialDate(2000), PartialDate(2010)),),
    )
    text = "\n".join(chart_lines(hostile, 80))
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "t\\x1b[2J" in text
    assert "[bold]\\u202ex" in text
    assert "x" * 23 + "…" in text
    assert "x" * 24 not in text


def test_chart_without_marks_or_bars() -> None:
    empty = Chart("Nothing yet", PartialDate(2024), (), ())
    lines = chart_lines(empty, 60)
    assert lines[0] == "Nothing yet"
    assert "2024" in lines[1]


def test_render_draws_chart_before_table_only_when_asked() -> None:
    answer = Answer(payload={}, table=TABLE, chart=CHART)
    stream = io.StringIO()
    render(answer, OutputFormat.TABLE, stream, width=80, color=False, chart=True)
    out = stream.getvalue()
    assert out.index("Sweden timeline") < out.index("Date")
    # The table follows with the events: the chart lists none of them again, and the table
    # does not repeat the title.
    assert "Relations [bold]x" not in out
    assert "● 2009" not in out and "Visit" not in out.split("Date")[0]
    assert all(cell_width(line) <= 80 for line in out.splitlines())

    stream = io.StringIO()
    render(answer, OutputFormat.TABLE, stream, width=80, color=False)
    assert "Sweden timeline" not in stream.getvalue()
    stream = io.StringIO()
    render(answer, OutputFormat.MARKDOWN, stream, chart=True)
    assert "Sweden timeline" not in stream.getvalue()
