"""Results as flat rows of data, for CSV and TSV: one row per result, one column per field.

The columns are the keys of the JSON results (`Result.to_json()["results"]`), in the order
they first appear, so a spreadsheet holds what a script reading the JSON holds:

- a date (`{"date": ..., "precision": ...}`) is two columns: `NAME` with the ISO date
  (`2013`, `2013-10`, `2013-10-01`) and `NAME_precision` (`year`, `month` or `day`);
- a list of plain values (names, ids, texts) is one cell, the values joined by `LIST_SEPARATOR`;
- anything nested further (citations, conflicts, claims, accreditations, names by language)
  is one cell holding its compact JSON;
- true and false are `true` and `false`; an empty value (JSON null) is an empty cell.

Nothing is left out: `conflicts` holds every claim of a disputed field, and `stated_as_of`
the date a present-tense fact holds as of.
"""

from __future__ import annotations

import json

from dprkrel.output.views import Column, TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Between the values of a list in one cell: a character no name or id of the base holds.
LIST_SEPARATOR = " | "
_DATE_KEYS = frozenset({"date", "precision"})


def data_table(results: list[dict[str, Any]], title: str = "") -> TableView:
    """The results as a table of data: a header of column names, one row per result."""
    rows = [_flattened(result) for result in results]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    names = list(columns)
    return TableView(
        title, tuple(Column(name) for name in names), tuple(tuple(row.get(name, "") for name in names) for row in rows)
    )


def _flattened(result: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for key, value in result.items():
        if isinstance(value, dict) and set(value) == _DATE_KEYS:
            row[key] = str(value["date"])
            row[f"{key}_precision"] = str(value["precision"])
        elif value is None and key in _DATE_COLUMNS:
            row[key] = row[f"{key}_precision"] = ""
        else:
            row[key] = cell(value)
    return row


# Fields that hold a date when they hold anything: an empty one still gets both columns, so
# that every row of a command has the same columns.
_DATE_COLUMNS = frozenset(
    {
        "date",
        "opened",
        "closed",
        "since",
        "until",
        "stated_as_of",
        "period_from",
        "period_to",
        "established",
        "status_since",
        "status_stated_as_of",
    }
)


def cell(value: Any) -> str:
    """One value as the text of a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return LIST_SEPARATOR.join(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
