"""Partial dates: a year, a month or a day, never more precise than the source."""

from __future__ import annotations

import datetime as dt
import re

from dprkrel.core.frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    Precision = Literal["year", "month", "day"]

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _days_in_month(year: int, month: int) -> int:
    # Arithmetic rather than the calendar module, whose import costs start-up time.
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


class DateFormatError(ValueError):
    """Raised when a text is not a valid partial ISO date."""


class PartialDate(Frozen):
    """A date known to a year, a month or a day.

    Sort with `sort_key`: the first day of the period, then the precision (a year sorts
    before a month that starts on the same day), so sorting is total and stable.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PARTIAL_DATE.fullmatch(text)
        if match is None:
            raise DateFormatError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if year < 1:
            raise DateFormatError(f"'{text}' has no year 0")
        if month is not None and not 1 <= month <= 12:
            raise DateFormatError(f"'{text}' has no month {month}")
        if month is not None and day is not None:
            last = _days_in_month(year, month)
            if not 1 <= day <= last:
                raise DateFormatError(f"'{text}' is impossible: that month has {last} days")
        return cls(year, month, day)

    @classmethod
    def from_date(cls, date: dt.date) -> PartialDate:
        return cls(date.year, date.month, date.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return dt.date(self.year, month, _days_in_month(self.year, month))

    def iso(self) -> str:
        """The date as written in the fact base: YYYY, YYYY-MM or YYYY-MM-DD."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """The date for people, at its own precision: '2023', 'Feb 2019', '7 Feb 2001'."""
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{_MONTH_ABBR[self.month - 1]} {self.year}"
        return f"{self.day} {_MONTH_ABBR[self.month - 1]} {self.year}"

    def to_json(self) -> dict[str, str]:
        return {"date": self.iso(), "precision": self.precision}

    def __str__(self) -> str:
        return self.iso()

    def sort_key(self) -> tuple[dt.date, int]:
        return (self.first_day, ("year", "month", "day").index(self.precision))
