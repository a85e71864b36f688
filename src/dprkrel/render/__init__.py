"""The output renderers: one module per format, behind `render`.

Each format's module is imported only when that format is asked for, so `--json`, CSV and
Markdown never import rich.
"""

from __future__ import annotations

from typing import TextIO, assert_never

from dprkrel.views import Answer, OutputFormat

__all__ = ["render", "stream_is_ascii"]


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

    JSON writes the payload; table, CSV and Markdown write the table view. With `chart` and a
    chart in the answer, the table format draws the chart first, at the same width as the
    table. `width` None means the terminal's (COLUMNS, then the terminal, then 80); `color`
    None means automatic (see `table.wants_color`). Characters the stream's encoding cannot
    hold raise UnicodeEncodeError, for the caller to report.
    """
    match fmt:
        case OutputFormat.JSON:
            from dprkrel.render.json_out import write_json

            write_json(answer.payload, stream)
        case OutputFormat.CSV:
            from dprkrel.render.csv_out import write_csv

            write_csv(answer.table, stream)
        case OutputFormat.MARKDOWN:
            from dprkrel.render.markdown import write_markdown

            write_markdown(answer.table, stream)
        case OutputFormat.TABLE:
            from dprkrel.render.table import make_console, print_table

            console = make_console(stream, width=width, color=color)
            if chart and answer.chart is not None:
                from dprkrel.render.chart import write_chart

                write_chart(answer.chart, stream, console.width, ascii=stream_is_ascii(stream))
                stream.write("\n")
            print_table(answer.table, console)
        case _:
            # mypy proves this unreachable; a new OutputFormat fails type-checking here.
            assert_never(fmt)
