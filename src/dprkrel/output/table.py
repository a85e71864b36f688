"""The table output for people: a rich table with the title above and the notes below.

Every cell is data, never markup: cells, headers, title and notes are built as `Text`
objects, so rich never reads `[bold]` as a style or `:cd:` as an emoji, and control
characters are made visible before rich sees them (see `visible`).
"""

from __future__ import annotations

import os

from dprkrel.core.frozen import replace
from dprkrel.output.text import for_encoding, is_terminal, visible, visible_lines
from dprkrel.output.views import TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console
    from rich.table import Table


def wants_color(stream: TextIO, color: bool | None) -> bool:
    """Whether to colour: `color` when given, otherwise decided from the environment.

    In order: NO_COLOR (non-empty) turns colour off; FORCE_COLOR (non-empty) turns it on;
    TERM=dumb turns it off; otherwise colour goes only to a terminal. Empty values count as
    unset, as https://no-color.org and https://force-color.org ask (rich alone would read an
    empty FORCE_COLOR as "off").
    """
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    return is_terminal(stream)


def make_console(stream: TextIO, *, width: int | None = None, color: bool | None = None) -> Console:
    """A rich console writing to `stream` that reads no markup, emoji or highlighting.

    Without colour the console is told it is not a terminal, so it writes no escape
    sequence at all, not even bold. `width` None lets rich find it: COLUMNS, then the
    terminal's size, then 80.
    """
    from rich.console import Console

    if width is None and _columns_is_zero():
        import shutil

        # rich would take COLUMNS=0 at its word and print nothing at all; shutil reads it
        # as "not set" and asks the terminal, or falls back to 80.
        width = shutil.get_terminal_size().columns
    colored = wants_color(stream, color)
    console = Console(
        file=stream,
        width=width,
        force_terminal=colored,
        no_color=not colored,
        color_system="auto" if colored else None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    if colored and console.color_system is None:
        # Colour was asked for but auto-detection found none (TERM=dumb or unset):
        # the 16 standard colours are the ones every colour terminal has.
        console = Console(
            file=stream,
            width=width,
            force_terminal=True,
            no_color=False,
            color_system="standard",
            markup=False,
            emoji=False,
            highlight=False,
            soft_wrap=False,
        )
    return console


def fit_table(table: TableView, encoding: str | None, errors: str | None = "strict") -> TableView:
    """`table` as a terminal may show it: control characters made visible, and every text fit
    for the output's `encoding` (see `for_encoding`).

    Raises UnicodeEncodeError when a text cannot be shown in that encoding, before anything
    is written: a table is printed whole or not at all.
    """

    def fit(text: str, *, lines: bool = False) -> str:
        return for_encoding(visible_lines(text) if lines else visible(text), encoding, errors)

    return TableView(
        title=fit(table.title),
        columns=tuple(replace(column, header=fit(column.header)) for column in table.columns),
        rows=tuple(tuple(fit(cell, lines=True) for cell in row) for row in table.rows),
        notes=tuple(fit(note) for note in table.notes),
    )


def console_errors(console: Console) -> str | None:
    """The error handler of the stream `console` writes to ("strict" for most)."""
    return getattr(console.file, "errors", None)


def _columns_is_zero() -> bool:
    columns = os.environ.get("COLUMNS", "").strip()
    return columns.isdigit() and int(columns) == 0


def print_table(table: TableView, console: Console) -> None:
    """Print `table` on `console`: title, headers, rows, then the notes under the table.

    Nothing is printed when a text cannot be shown in the console's encoding: that raises
    UnicodeEncodeError first (see `fit_table`).
    """
    from rich.measure import Measurement
    from rich.text import Text

    table = fit_table(table, console.encoding, console_errors(console))
    colored = console.color_system is not None
    if table.title:
        # Printed on its own rather than as the table's title, which rich would wrap to the
        # table's width: a narrow table would break a long title into a column of fragments.
        console.print(Text(table.title, style="bold" if colored else ""))
    view = _columns(table, colored)
    # Measured as if the width were unlimited: rich clamps a measurement to the width it is given.
    unlimited = console.options.update_width(_UNLIMITED)
    if table.rows and Measurement.get(console, unlimited, view).minimum > console.width:
        # Too narrow for the columns without cutting words apart: one record after another,
        # each field on a line of its own, reads better than columns a few letters wide.
        view = _stacked(table, colored)
    console.print(view)
    for note in table.notes:
        console.print(Text(note, style="dim" if colored else ""))


_UNLIMITED = 1_000_000


def _columns(table: TableView, colored: bool) -> Table:
    """The table as columns under their headers."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    view = Table(
        header_style="bold" if colored else "none",
        # Only a rule under the headers keeps the table compact. Box characters degrade to
        # ASCII by themselves when the stream's encoding is not UTF (rich substitutes the box).
        box=box.SIMPLE_HEAD,
        safe_box=True,
        pad_edge=False,
        show_edge=False,
    )
    for column in table.columns:
        view.add_column(
            Text(column.header),
            # A column that must not wrap (a date, an ISO code) is cut rather than broken
            # across lines when the terminal is too narrow for it.
            no_wrap=not column.wrap,
            overflow="fold",
        )
    for row in table.rows:
        view.add_row(*(Text(cell) for cell in row))
    return view


def _stacked(table: TableView, colored: bool) -> Table:
    """The table as one block per row: each header beside its cell, a blank line between rows."""
    from rich.table import Table
    from rich.text import Text

    view = Table.grid(padding=(0, 1))
    view.add_column(no_wrap=True, style="bold" if colored else "")
    view.add_column(overflow="fold")
    for number, row in enumerate(table.rows):
        if number:
            view.add_row()
        for column, cell in zip(table.columns, row, strict=True):
            view.add_row(Text(column.header), Text(cell))
    return view
