"""The timeline chart: periods as bars and events as marks on a year axis, in plain characters.

    Sweden timeline
                    1975      1985      1995      2005      2015
                    ┼─────────┼─────────┼─────────┼─────────┼─────────
    Embassy           ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━▶
    events           ●           2                    ●

    ● 7 Apr 1973  Relations established
    ...

The axis runs from January of the earliest year to December of the latest (the latest date,
or the as-of year if later). A date takes the column of its month (January when only the
year is known); a bar is drawn from its start's column through its end's column, where an
end known only to the year counts as December of that year. Every line fits the width given
(from about 12 columns up); labels are cut to fit and legend lines wrap.
"""

from __future__ import annotations

from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen
from dprkrel.core.results import Bar, Chart
from dprkrel.output.text import cell_width, fit_cells, pad_cells, visible, wrap_cells

DEFAULT_WIDTH = 80
LABEL_COLUMN = 24
EVENTS_LABEL = "events"
# Years between axis labels: the first of these that leaves room between labels is used.
_YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


class Glyphs(Frozen):
    """The characters the chart is drawn with."""

    bar: str
    ongoing: str
    unknown: str
    mark: str
    rule: str
    tick: str
    ellipsis: str


UNICODE_GLYPHS = Glyphs(bar="━", ongoing="▶", unknown="?", mark="●", rule="─", tick="┼", ellipsis="…")
# For streams that cannot encode the box-drawing and geometric characters.
ASCII_GLYPHS = Glyphs(bar="=", ongoing=">", unknown="?", mark="*", rule="-", tick="+", ellipsis="~")


class Axis(Frozen):
    """Where years fall on the line: column `left` is January of `first_year`, and the plot
    is `plot_width` columns wide, ending with December of `last_year`."""

    first_year: int
    last_year: int
    left: int
    plot_width: int
    step: int

    @property
    def months(self) -> int:
        return (self.last_year - self.first_year + 1) * 12

    def column(self, year: int, month: int = 1) -> int:
        """The 0-based column of a month; integer arithmetic, so tests can compute it exactly."""
        elapsed = (year - self.first_year) * 12 + (month - 1)
        return self.left + elapsed * self.plot_width // self.months

    def start_column(self, date: PartialDate) -> int:
        """The column where a period starting on `date` begins (its first month)."""
        return self.column(date.year, date.month or 1)

    def end_column(self, date: PartialDate) -> int:
        """The column where a period ending on `date` ends (its last month)."""
        return self.column(date.year, date.month or 12)

    def ticks(self) -> list[int]:
        """The labelled years: multiples of `step`, or the first year when none falls inside."""
        years = [year for year in range(self.first_year, self.last_year + 1) if year % self.step == 0]
        return years or [self.first_year]


def _dates(chart: Chart) -> list[PartialDate]:
    dates = [mark.date for mark in chart.marks]
    for bar in chart.bars:
        dates.append(bar.start)
        if bar.end is not None:
            dates.append(bar.end)
    return dates


def make_axis(chart: Chart, width: int = DEFAULT_WIDTH) -> Axis:
    """The axis for `chart` drawn `width` columns wide."""
    dates = _dates(chart)
    first_year = min((date.year for date in dates), default=chart.as_of.year)
    last_year = max([chart.as_of.year, *(date.year for date in dates)])
    first_year = min(first_year, last_year)

    labels = [visible(bar.label) for bar in chart.bars]
    if chart.marks:
        labels.append(EVENTS_LABEL)
    longest = max((cell_width(label) for label in labels), default=0)
    # The label column takes at most a third of the width, so the plot keeps most of it.
    label_width = min(LABEL_COLUMN, longest, max(4, width // 3))
    left = label_width + 1 if label_width else 0
    plot_width = max(width - left, 1)

    years = last_year - first_year + 1
    label_room = len(str(last_year)) + 1  # a year label and one space before the next
    step = next(
        (step for step in _YEAR_STEPS if step * plot_width >= label_room * years),
        _YEAR_STEPS[-1],
    )
    return Axis(first_year, last_year, left, plot_width, step)


def _axis_lines(axis: Axis, width: int, glyphs: Glyphs) -> list[str]:
    labels = [" "] * width
    rule = [" "] * axis.left + [glyphs.rule] * axis.plot_width
    free = 0  # the first column a label may use without touching the previous one
    for year in axis.ticks():
        column = axis.column(year)
        text = str(year)
        if column < free or column + len(text) > width:
            continue
        labels[column : column + len(text)] = text
        rule[column] = glyphs.tick
        free = column + len(text) + 1
    return ["".join(labels).rstrip(), "".join(rule).rstrip()]


def _label(text: str, axis: Axis, glyphs: Glyphs) -> str:
    if not axis.left:
        return ""
    return pad_cells(fit_cells(visible(text), axis.left - 1, glyphs.ellipsis), axis.left)


def _bar_line(bar: Bar, as_of: PartialDate, axis: Axis, glyphs: Glyphs) -> str:
    cells = [" "] * axis.plot_width
    start = axis.start_column(bar.start) - axis.left
    last = bar.end if bar.end is not None else bar.stated_as_of or as_of
    end = axis.end_column(last) - axis.left
    end = max(start, end)
    cells[start : end + 1] = glyphs.bar * (end - start + 1)
    if not bar.end_known:
        cells[end] = glyphs.unknown
    elif bar.end is None:
        cells[end] = glyphs.ongoing
    return (_label(bar.label, axis, glyphs) + "".join(cells)).rstrip()


def _events_line(chart: Chart, axis: Axis, glyphs: Glyphs) -> str:
    counts = [0] * axis.plot_width
    for mark in chart.marks:
        # An undated event is placed at the latest date its source allows: that date's end.
        column = axis.end_column(mark.date) if mark.undated else axis.start_column(mark.date)
        counts[column - axis.left] += 1
    cells = [" " if n == 0 else glyphs.mark if n == 1 else str(n) if n <= 9 else "+" for n in counts]
    return (_label(EVENTS_LABEL, axis, glyphs) + "".join(cells)).rstrip()


def _legend_lines(chart: Chart, width: int, glyphs: Glyphs) -> list[str]:
    # An undated mark goes after what its date holds, as in the timeline's table.
    marks = sorted(chart.marks, key=lambda mark: (mark.date.last_day, 3) if mark.undated else mark.date.sort_key())
    date_width = max((len(mark.date.human()) for mark in marks), default=0)
    lines: list[str] = []
    for mark in marks:
        prefix = f"{glyphs.mark} {mark.date.human():<{date_width}}  "
        indent = " " * len(prefix)
        room = width - len(prefix)
        if room < 8:  # too narrow to indent: let the label start on its own lines
            lines.append(fit_cells(prefix.rstrip(), width, glyphs.ellipsis))
            lines += wrap_cells(visible(mark.label), width)
            continue
        wrapped = wrap_cells(visible(mark.label), room)
        lines.append(prefix + wrapped[0])
        lines += [indent + line for line in wrapped[1:]]
    return [line.rstrip() for line in lines]


def _key_line(chart: Chart, width: int, glyphs: Glyphs) -> str:
    parts = []
    running = [bar for bar in chart.bars if bar.end is None and bar.end_known]
    stated = sorted({bar.stated_as_of for bar in running if bar.stated_as_of}, key=PartialDate.sort_key)
    if stated:
        dates = ", ".join(date.human() for date in stated)
        parts.append(f"{glyphs.ongoing} still so as of its source's date ({dates})")
    if any(bar.stated_as_of is None for bar in running):
        parts.append(f"{glyphs.ongoing} ongoing as of {chart.as_of.human()}")
    if any(not bar.end_known for bar in chart.bars):
        parts.append(f"{glyphs.unknown} end unknown")
    return fit_cells("   ".join(parts), width, glyphs.ellipsis)


def chart_lines(chart: Chart, width: int = DEFAULT_WIDTH, *, ascii: bool = False, legend: bool = True) -> list[str]:
    """The chart as lines of at most `width` cells, without line ends.

    `ascii` draws with ASCII characters only (the labels keep their own characters), for a
    stream whose encoding is not UTF. `legend` lists the events under the chart: left out
    when the table of those events follows.
    """
    glyphs = ASCII_GLYPHS if ascii else UNICODE_GLYPHS
    axis = make_axis(chart, width)
    lines = [fit_cells(visible(chart.title), width, glyphs.ellipsis)] if chart.title else []
    lines += _axis_lines(axis, width, glyphs)
    lines += [_bar_line(bar, chart.as_of, axis, glyphs) for bar in chart.bars]
    if chart.marks:
        lines.append(_events_line(chart, axis, glyphs))
    key = _key_line(chart, width, glyphs)
    if key:
        lines.append(key)
    for bar in chart.bars:
        if bar.disputed:
            # What a starred label stands for: every claimed date, never the earliest alone.
            lines += wrap_cells(visible(f"* disputed: {bar.disputed}"), width)
    listed = _legend_lines(chart, width, glyphs) if legend else []
    if listed:
        lines += ["", *listed]
    return lines
