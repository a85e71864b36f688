"""The CSV and TSV output: a header row, then one row per table row; notes are left out.

Written to a pipe or a file, cells are written exactly as they are, control characters
included, so that a CSV reader gets back the same strings: CSV is for programs, and quoting
keeps commas, quotes and line breaks inside a cell. Written to a terminal, which acts on
control characters (ESC, OSC, BEL) and reorders text at bidi controls, every such character
but the line break is made visible first (see `visible`), as the table and Markdown do.
"""

from __future__ import annotations

import csv
import io

from dprkrel.output.views import TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def write_csv(table: TableView, stream: TextIO, *, for_terminal: bool = False, delimiter: str = ",") -> None:
    """Write `table` to `stream` as CSV (TSV with a tab as `delimiter`); with `for_terminal`,
    control characters made visible.

    Lines end with "\\n" rather than the csv module's default "\\r\\n": on Windows a text-mode
    stdout turns "\\r\\n" into "\\r\\r\\n", and every CSV reader accepts "\\n".
    """
    header = [column.header for column in table.columns]
    rows: list[list[str]] | tuple[tuple[str, ...], ...] = table.rows
    if for_terminal:
        from dprkrel.output.text import visible_lines

        header = [visible_lines(cell) for cell in header]
        rows = [[visible_lines(cell) for cell in row] for row in table.rows]
    # The csv module quotes a cell that holds a character of the line terminator: with "\r\n"
    # it quotes a cell holding a CR as well as one holding a line feed (a lone CR would end the
    # row for a reader), and each row's own "\r\n" is then written as "\n".
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    for row in (header, *rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        stream.write(buffer.getvalue()[:-2] + "\n")
