"""What the commands hand to the renderers: one JSON payload and one table view.

The core fills these with plain data; each output format reads only what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dprkrel.dates import PartialDate


class OutputFormat(StrEnum):
    """The output formats every command offers."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, and whether it may be wrapped or cut when narrow."""

    header: str
    wrap: bool = True


@dataclass(frozen=True)
class TableView:
    """Rows of text for the table, CSV and Markdown renderers.

    Cells are plain text taken from the data: renderers must print them literally (no
    markup), with control characters made visible.
    `notes` are short lines shown under the table (conflicts, stale sources); CSV omits them.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bar:
    """A period on the timeline chart, such as a mission open from one date to another.

    `end` None means still running as of `as_of` (or unknown end); `end_known` False means
    the end is unknown, not ongoing.
    """

    label: str
    start: PartialDate
    end: PartialDate | None
    end_known: bool = True


@dataclass(frozen=True)
class Mark:
    """A dated event on the timeline chart."""

    label: str
    date: PartialDate


@dataclass(frozen=True)
class ChartView:
    """A subject's history for the terminal chart: a year axis, events as marks, periods as bars."""

    title: str
    as_of: PartialDate
    marks: tuple[Mark, ...]
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Answer:
    """Everything one command produces: the JSON contract, the table and, for timeline, a chart."""

    payload: dict[str, Any]
    table: TableView
    chart: ChartView | None = None
    found: bool = True
    messages: tuple[str, ...] = field(default=())
