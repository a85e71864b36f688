"""What the commands hand to the renderers: one JSON payload and one table view.

The core fills these with plain data; each output format reads only what it needs.
"""

from __future__ import annotations

from enum import StrEnum

from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen

# Start-up: every command imports this module; typing (some 14 ms) is for type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class OutputFormat(StrEnum):
    """The output formats every command offers."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class Column(Frozen):
    """One column of a table: its header, and whether it may be wrapped or cut when narrow."""

    header: str
    wrap: bool = True


class TableView(Frozen):
    """Rows of text for the table, CSV and Markdown renderers.

    Cells are plain text taken from the data: renderers must print them literally (no
    markup), with control characters made visible.
    `notes` are short lines shown under the table (conflicts, stale sources); CSV omits them.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


class Bar(Frozen):
    """A period on the timeline chart, such as a mission open from one date to another.

    `end` None means still running as of `as_of` (or unknown end); `end_known` False means
    the end is unknown, not ongoing.
    """

    label: str
    start: PartialDate
    end: PartialDate | None
    end_known: bool = True


class Mark(Frozen):
    """A dated event on the timeline chart."""

    label: str
    date: PartialDate


class ChartView(Frozen):
    """A subject's history for the terminal chart: a year axis, events as marks, periods as bars."""

    title: str
    as_of: PartialDate
    marks: tuple[Mark, ...]
    bars: tuple[Bar, ...]


class Answer(Frozen):
    """Everything one command produces: the JSON contract, the table and, for timeline, a chart."""

    payload: dict[str, Any]
    table: TableView
    chart: ChartView | None = None
    found: bool = True
