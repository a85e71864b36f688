"""Partial dates: parsed at the precision written, shown at that precision, sorted totally."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dprkrel.core.dates import DateFormatError, PartialDate


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2023", PartialDate(2023), "year"),
        ("2019-02", PartialDate(2019, 2), "month"),
        ("2001-02-07", PartialDate(2001, 2, 7), "day"),
        ("2000-02-29", PartialDate(2000, 2, 29), "day"),
        ("0001", PartialDate(1), "year"),
        ("9999-12-31", PartialDate(9999, 12, 31), "day"),
    ],
)
def test_parse_keeps_the_precision_written(text: str, expected: PartialDate, precision: str) -> None:
    date = PartialDate.parse(text)
    assert date == expected
    assert date.precision == precision
    assert date.iso() == text
    assert str(date) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "that month has 28 days"),
        ("2001-02-29", "that month has 28 days"),
        ("1900-02-29", "that month has 28 days"),
        ("2001-04-31", "that month has 30 days"),
        ("2001-13-45", "has no month 13"),
        ("2001-13", "has no month 13"),
        ("2001-00", "has no month 0"),
        ("2001-01-00", "that month has 31 days"),
        ("0000", "has no year 0"),
    ],
)
def test_impossible_dates_are_refused(text: str, reason: str) -> None:
    with pytest.raises(DateFormatError) as caught:
        PartialDate.parse(text)
    assert f"'{text}'" in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "2001-1",
        "2001-02-7",
        "01-02-2001",
        "07/02/2001",
        "2001-02-07T00",
        "2001-02-07 00:00",
        "20010207",
        "201",
        "12001",
        "+2001",
        "-2001",
        " 2001",
        "2001\n",
        "2001-",
        "2001-02-",
        "Feb 2001",
        "",
        "\u0662\u0660\u0660\u0661",  # 2001 in Arabic-Indic digits
        "\uff12\uff10\uff10\uff11-\uff10\uff12",  # 2001-02 in full-width digits
    ],
)
def test_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(DateFormatError, match="is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(text)


def test_date_format_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        PartialDate.parse("2001-1")


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("2023", "2023"),
        ("2019-02", "Feb 2019"),
        ("2001-02-07", "7 Feb 2001"),
        ("2013-10-25", "25 Oct 2013"),
        ("2000-12", "Dec 2000"),
        ("2008-01-01", "1 Jan 2008"),
    ],
)
def test_human_shows_the_date_at_its_own_precision(text: str, human: str) -> None:
    assert PartialDate.parse(text).human() == human


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("2019-02", dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2013-10", dt.date(2013, 10, 1), dt.date(2013, 10, 31)),
        ("2001-04", dt.date(2001, 4, 1), dt.date(2001, 4, 30)),
        ("2001-02-07", dt.date(2001, 2, 7), dt.date(2001, 2, 7)),
    ],
)
def test_first_and_last_day_span_the_period(text: str, first: dt.date, last: dt.date) -> None:
    date = PartialDate.parse(text)
    assert (date.first_day, date.last_day) == (first, last)


def test_from_date_is_a_day() -> None:
    assert PartialDate.from_date(dt.date(2017, 9, 19)) == PartialDate(2017, 9, 19)
    assert PartialDate.from_date(dt.date(2017, 9, 19)).precision == "day"


def test_to_json_gives_date_and_precision() -> None:
    assert PartialDate.parse("2019-02").to_json() == {"date": "2019-02", "precision": "month"}


def test_sort_key_orders_by_first_day_then_precision() -> None:
    texts = ["2014", "2013-10-25", "2013-10", "2013", "2012-12-31", "2013-01", "2013-01-01", "2001-02-07"]
    ordered = sorted((PartialDate.parse(text) for text in texts), key=PartialDate.sort_key)
    assert [date.iso() for date in ordered] == [
        "2001-02-07",
        "2012-12-31",
        "2013",
        "2013-01",
        "2013-01-01",
        "2013-10",
        "2013-10-25",
        "2014",
    ]


def test_dates_of_different_precision_are_different() -> None:
    # Two claims "2013" and "2013-01" are a conflict, so they must not compare equal.
    assert PartialDate.parse("2013") != PartialDate.parse("2013-01")
    assert PartialDate.parse("2013-01") != PartialDate.parse("2013-01-01")
    assert len({PartialDate.parse("2013"), PartialDate.parse("2013"), PartialDate.parse("2013-01")}) == 2


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate.from_date(day)


@given(partial_dates())
def test_iso_round_trips(date: PartialDate) -> None:
    assert PartialDate.parse(date.iso()) == date


@given(partial_dates())
def test_the_period_contains_its_days(date: PartialDate) -> None:
    assert date.first_day <= date.last_day
    assert date.first_day == date.sort_key()[0]
    assert (date.last_day - date.first_day).days <= (0 if date.precision == "day" else 365)


@given(partial_dates(), partial_dates())
def test_sort_key_is_total_and_consistent_with_equality(a: PartialDate, b: PartialDate) -> None:
    assert (a.sort_key() == b.sort_key()) == (a == b)
    if a.first_day < b.first_day:
        assert a.sort_key() < b.sort_key()
