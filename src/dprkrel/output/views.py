"""What the commands hand to the renderers: one JSON payload and one table view.

The core fills these with plain data; each output format reads only what it needs.
"""

from __future__ import annotations

from enum import StrEnum

from dprkrel.core.frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from dprkrel.core.results import Chart


class OutputFormat(StrEnum):
    """The output formats every command offers: tables for people (table, markdown), data
    for programs (json, ndjson, csv, tsv)."""

    TABLE = "table"
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


# Other names the command line takes for a format.
FORMAT_ALIASES = {"md": OutputFormat.MARKDOWN, "jsonl": OutputFormat.NDJSON}


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


class Answer(Frozen):
    """Everything one command produces: the JSON contract, the table and, for timeline, a chart."""

    payload: dict[str, Any]
    table: TableView
    chart: Chart | None = None
    found: bool = True
