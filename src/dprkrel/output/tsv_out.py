"""The TSV output: CSV's rows (see `flat`), separated by tabs, for tools that split on them.

A tab, line break or quote inside a value is quoted as CSV quotes it, so every value comes
back whole.
"""

from __future__ import annotations

import csv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from dprkrel.output.views import TableView


def write_tsv(table: TableView, stream: TextIO) -> None:
    writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
    writer.writerow([column.header for column in table.columns])
    writer.writerows(table.rows)
