"""The CSV output: a header row, then one row per table row; notes are left out.

Cells are written exactly as they are, control characters included, so that a CSV reader
gets back the same strings: CSV is for programs, and quoting keeps commas, quotes and line
breaks inside a cell.
"""

from __future__ import annotations

import csv

from dprkrel.output.views import TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def write_csv(table: TableView, stream: TextIO) -> None:
    """Write `table` to `stream` as CSV.

    Lines end with "\\n" rather than the csv module's default "\\r\\n": on Windows a text-mode
    stdout turns "\\r\\n" into "\\r\\r\\n", and every CSV reader accepts "\\n".
    """
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([column.header for column in table.columns])
    writer.writerows(table.rows)
