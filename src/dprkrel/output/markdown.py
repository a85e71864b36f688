"""The Markdown output: a GitHub-flavoured Markdown table, with the title above and notes below.

Every cell, the title and the notes are data, so they are made to print literally: control
characters are made visible first (see `visible`), then the characters Markdown would act on
inside a line are escaped with a backslash, which CommonMark allows before any ASCII
punctuation. The pipe matters most: an unescaped `|` would split a cell in two.
"""

from __future__ import annotations

import re

from dprkrel.output.text import visible
from dprkrel.output.views import TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

# Inline Markdown: backslash (first, or its own escapes would be doubled), code, emphasis,
# links and images, HTML and autolinks, strikethrough, entities, GitHub's math, and the pipe.
_SPECIAL = re.compile(r"([\\`*_\[\]<>~&$|])")


def escape(text: str) -> str:
    """`text` made visible and escaped so that Markdown shows it as it is, on one line."""
    return _SPECIAL.sub(r"\\\1", visible(text))


def escape_cell(text: str) -> str:
    """A cell's text escaped like `escape`, its lines kept apart with `<br>` (a table row is
    one line of Markdown): the items of a list, the names in each script."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def _row(cells: tuple[str, ...] | list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def write_markdown(table: TableView, stream: TextIO) -> None:
    """Write `table` to `stream` as a bold title line, a pipe table, then the notes as a list."""
    lines: list[str] = []
    if table.title:
        lines += [f"**{escape(table.title)}**", ""]
    if table.columns:
        lines.append(_row([escape(column.header) for column in table.columns]))
        lines.append(_row(["---"] * len(table.columns)))
        lines += [_row([escape_cell(cell) for cell in row]) for row in table.rows]
    if table.notes:
        if lines:
            lines.append("")
        lines += [f"- {escape(note)}" for note in table.notes]
    while lines and not lines[-1]:
        lines.pop()
    stream.write("".join(line + "\n" for line in lines))
