"""The output layer: one module per format, behind `render`; it formats what the core computed.

Each format's module is imported only when that format is asked for, so `--json`, CSV and
Markdown never import rich; nor does JSON import the text helpers, whose patterns take a
millisecond to compile.
"""

from __future__ import annotations

import contextlib
import io

from dprkrel.core.frozen import replace
from dprkrel.output.views import Answer, OutputFormat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn, TextIO

    from dprkrel.core.results import Chart

__all__ = ["render", "stream_is_ascii"]

# The chart fills the width it is given, whatever COLUMNS says: a huge COLUMNS would cost
# seconds and gigabytes. The table needs no limit, as it is only as wide as its cells.
MAX_CHART_WIDTH = 1000


def stream_is_ascii(stream: TextIO) -> bool:
    """Whether `stream` should get ASCII-only drawing: its encoding is not a UTF one.

    The same test rich uses to fall back to ASCII boxes, so the chart and the table agree.
    """
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    return not encoding.startswith("utf")


def render(
    answer: Answer,
    fmt: OutputFormat,
    stream: TextIO,
    *,
    width: int | None = None,
    color: bool | None = None,
    chart: bool = False,
) -> None:
    """Write `answer` to `stream` in format `fmt`.

    JSON writes the payload, NDJSON its results a line each, CSV and TSV those results as
    rows of data (see `flat`); table and Markdown write the table view. With `chart` and a
    chart in the answer, the table format draws the chart first, at the same width as the
    table. `width` None means the terminal's (COLUMNS, then the terminal, then 80); `color`
    None means automatic (see `table.wants_color`).

    When the stream's encoding cannot hold a character: JSON falls back to \\uXXXX escapes;
    the table shows punctuation as ASCII ("->", "-"); anything else the table, CSV or Markdown
    cannot show raises UnicodeEncodeError before anything is written, for the caller to report.
    """
    match fmt:
        case OutputFormat.JSON:
            from dprkrel.output.json_out import write_json

            write_json(answer.payload, stream)
        case OutputFormat.NDJSON:
            from dprkrel.output.ndjson_out import write_ndjson

            write_ndjson(answer.payload.get("results", []), stream)
        case OutputFormat.CSV | OutputFormat.TSV:
            from dprkrel.output.csv_out import write_csv
            from dprkrel.output.flat import data_table
            from dprkrel.output.text import is_terminal

            buffer = io.StringIO()
            data = data_table(answer.payload.get("results", []), answer.table.title)
            delimiter = "," if fmt is OutputFormat.CSV else "	"
            write_csv(data, buffer, for_terminal=is_terminal(stream), delimiter=delimiter)
            _write_whole(buffer.getvalue(), stream)
        case OutputFormat.MARKDOWN:
            from dprkrel.output.markdown import write_markdown

            buffer = io.StringIO()
            write_markdown(answer.table, buffer)
            _write_whole(buffer.getvalue(), stream)
        case OutputFormat.TABLE:
            from dprkrel.output.table import console_errors, fit_table, make_console, print_table

            console = make_console(stream, width=width, color=color)
            errors = console_errors(console)
            # Both are fitted to the output's encoding first, so that a text it cannot hold
            # stops everything before a line is written.
            table = fit_table(answer.table, console.encoding, errors)
            drawing = None
            if chart and answer.chart is not None:
                from dprkrel.output.chart import chart_lines
                from dprkrel.output.text import for_encoding

                fitted = _fit_chart(answer.chart, console.encoding, errors)
                chart_width = min(console.width, MAX_CHART_WIDTH)
                # The table below lists the events: the chart does not list them again, nor
                # does the table repeat the chart's title.
                lines = chart_lines(fitted, chart_width, ascii=stream_is_ascii(stream), legend=False)
                drawing = "".join(for_encoding(line, console.encoding, errors) + "\n" for line in lines)
                table = replace(table, title="")
            if drawing is not None:
                stream.write(drawing + "\n")
            print_table(table, console)
        case _:
            _unknown_format(fmt)


def _unknown_format(fmt: NoReturn) -> NoReturn:
    """typing.assert_never: a parameter of type NoReturn takes no value, so mypy proves the
    call unreachable, and a new OutputFormat without a case fails type-checking."""
    raise AssertionError(f"no renderer for the output format {fmt!r}")


def _write_whole(text: str, stream: TextIO) -> None:
    """Write `text`, or nothing at all when the stream's encoding cannot hold all of it.

    CSV and Markdown are data: a character is never swapped for a look-alike; a text the
    encoding cannot hold raises UnicodeEncodeError before anything is written.
    """
    encoding = getattr(stream, "encoding", None)
    if encoding:
        with contextlib.suppress(LookupError):  # an encoding Python does not know
            text.encode(encoding, getattr(stream, "errors", None) or "strict")
    stream.write(text)


def _fit_chart(chart: Chart, encoding: str | None, errors: str | None) -> Chart:
    """The chart's texts fit for the output's encoding, before its layout is worked out."""
    from dprkrel.output.text import for_encoding, visible

    def fit(text: str) -> str:
        return for_encoding(visible(text), encoding, errors)

    return replace(
        chart,
        title=fit(chart.title),
        marks=tuple(replace(mark, label=fit(mark.label)) for mark in chart.marks),
        bars=tuple(replace(bar, label=fit(bar.label)) for bar in chart.bars),
    )
