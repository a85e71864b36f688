"""A mission's status on an `--as-of` date, where the sources give dates only to the month or
year, disagree, or give no date at all.

The facts (data/facts.yaml):
- the North Korean embassy in Madrid opened in October 2013 (section "Diplomatic relations")
  or in 2014 (section "lead"), and closed in 2023;
- the ECHO office in Pyongyang closed in 2008; no source says when it opened;
- the Swedish embassy in Pyongyang is stated in the present tense by a source of 2023.

Status is "unknown" whenever the sources cannot settle it on every day of the as-of period.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model, queries
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import replace
from dprkrel.core.store import FactBase

# Builds the click command once for the module rather than on every run (see conftest).
pytestmark = pytest.mark.usefixtures("fast_cli")

ENV: dict[str, str | None] = {"COLUMNS": "100", "NO_COLOR": "1", "FORCE_COLOR": None, "DPRKREL_DATA": None}
runner = CliRunner(env=ENV)

MADRID = "prk-embassy-madrid"
ECHO = "echo-office-pyongyang"
SWEDEN = "swe-embassy-pyongyang"

MADRID_CASES = [
    ("2012", "not_yet_open"),  # before both claimed openings
    ("2013-09-30", "not_yet_open"),
    ("2013-10-15", "unknown"),  # inside the month the first source gives
    ("2013-12", "unknown"),  # after October 2013, but before the other source's 2014
    ("2014-06", "unknown"),  # inside the year the second source gives
    ("2014", "unknown"),
    ("2015", "open"),  # a partial as-of date: open on every day of 2015
    ("2016", "open"),
    ("2015-06-01", "open"),
    ("2023-05", "unknown"),  # inside the closing year
    ("2023", "unknown"),
    ("2024", "closed"),
    ("2024-01-01", "closed"),
]
ECHO_CASES = [
    ("2005", "unknown"),  # no opening date: it may not have existed yet
    ("2008-06", "unknown"),  # inside the closing year
    ("2009-01-01", "closed"),
    ("2010", "closed"),
]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def embassy_json(subject: str, as_of: str | None) -> dict[str, Any]:
    args = ["embassy", subject, "--json", *(["--as-of", as_of] if as_of else [])]
    result = run(*args)
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def result_for(payload: dict[str, Any], mission_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [item for item in payload["results"] if item["id"] == mission_id]
    assert len(found) == 1, [item["id"] for item in payload["results"]]
    return found[0]


def mission(base: FactBase, mission_id: str) -> model.Mission:
    record = base.by_id[mission_id]
    assert isinstance(record, model.Mission)
    return record


# -- through the CLI ------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "status"), MADRID_CASES)
def test_madrid_embassy_status(as_of: str, status: str) -> None:
    payload = embassy_json("madrid", as_of)
    assert payload["as_of"] == as_of
    madrid = result_for(payload, MADRID)
    assert madrid["status"] == status
    if status == "unknown":
        assert madrid["status_reason"], "an unknown status says why"
    else:
        assert madrid["status_reason"] is None


@pytest.mark.parametrize("as_of", ["2013-12", "2014-06"])
def test_between_the_two_claimed_openings_the_sources_disagree(as_of: str) -> None:
    payload = embassy_json("madrid", as_of)
    reason = result_for(payload, MADRID)["status_reason"]
    assert "disagree" in reason
    conflicts = [item for item in payload["warnings"] if item["type"] == "conflict" and item["id"] == MADRID]
    assert len(conflicts) == 1
    assert "Oct 2013" in conflicts[0]["message"]
    assert "2014" in conflicts[0]["message"]


def test_inside_the_closing_year_the_reason_names_it() -> None:
    reason = result_for(embassy_json("madrid", "2023-05"), MADRID)["status_reason"]
    assert "2023" in reason


@pytest.mark.parametrize(("as_of", "status"), ECHO_CASES)
def test_echo_office_status(as_of: str, status: str) -> None:
    payload = embassy_json("ECHO", as_of)
    assert payload["matched"][0]["id"] == "echo"
    echo = result_for(payload, ECHO)
    assert echo["status"] == status
    assert echo["opened"] is None
    assert echo["closed"] == {"date": "2008", "precision": "year"}


def test_swedish_embassy_is_open_but_stated_as_of_2023() -> None:
    payload = embassy_json("sweden", "2026")
    sweden = result_for(payload, SWEDEN)
    assert sweden["status"] == "open"
    assert sweden["stated_as_of"] == {"date": "2023", "precision": "year"}
    stale = [item for item in payload["warnings"] if item["type"] == "stale" and item["id"] == SWEDEN]
    assert len(stale) == 1
    assert "2023" in stale[0]["message"]


def test_no_stale_warning_within_the_sources_year() -> None:
    payload = embassy_json("sweden", "2023-06")
    assert result_for(payload, SWEDEN)["status"] == "open"
    # Other missions concerning Sweden (North Korea's in Stockholm, listed in 2022) may be stale.
    assert not [item for item in payload["warnings"] if item["type"] == "stale" and item["id"] == SWEDEN]


def test_swedish_embassy_before_its_source_is_unknown() -> None:
    """No source gives an opening date; the only one speaks as of 2023."""
    sweden = result_for(embassy_json("sweden", "2022"), SWEDEN)
    assert sweden["status"] == "unknown"
    assert sweden["status_reason"]


def table_rows(markdown: str) -> list[list[str]]:
    """The header and rows of a command's table, from its Markdown form (cells hold no pipes here)."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip()[1:-1].split("|")] for line in (lines[0], *lines[2:])]


def test_the_table_shows_the_status_and_the_as_of_date() -> None:
    """What a reader sees: the title names the date and the Status column the status."""
    for as_of, status, title in [
        ("2012", "not yet open", "2012"),
        ("2015-06-01", "open", "1 Jun 2015"),
        ("2023-05", "unknown", "May 2023"),
        ("2024", "closed", "2024"),
    ]:
        table = run("embassy", "madrid", "--as-of", as_of)
        assert table.exit_code == 0
        assert table.stdout.splitlines()[0].endswith(f" {title})")
        rows = table_rows(run("embassy", "madrid", "--as-of", as_of, "-f", "markdown").stdout)
        assert rows[1][rows[0].index("Status")] == status


def test_a_stale_open_status_says_as_of_when_in_the_table() -> None:
    rows = table_rows(run("embassy", "sweden", "--as-of", "2026", "-f", "markdown").stdout)
    row = next(row for row in rows[1:] if row[0].startswith("Embassy of Sweden in Pyongyang"))
    cell = row[rows[0].index("Status")]
    assert cell.startswith("open")
    assert "2023" in cell


def test_without_as_of_the_status_is_for_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "today", lambda: PartialDate(2016, 3, 1))
    payload = embassy_json("madrid", None)
    assert payload["as_of"] == "2016-03-01"
    assert result_for(payload, MADRID)["status"] == "open"
    monkeypatch.setattr(queries, "today", lambda: PartialDate(2030, 1, 1))
    assert result_for(embassy_json("madrid", None), MADRID)["status"] == "closed"


def test_a_date_that_does_not_exist_is_refused() -> None:
    result = run("embassy", "madrid", "--as-of", "2014-02-29")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("dprkrel: --as-of: '2014-02-29'")


# -- through queries.mission_status ---------------------------------------------------------


@pytest.mark.parametrize(("as_of", "status"), MADRID_CASES)
def test_mission_status_madrid(shipped_base: FactBase, as_of: str, status: str) -> None:
    # Not stated in the present tense: no date a source shows it open at.
    madrid = mission(shipped_base, MADRID)
    assert queries.stated_as_of(shipped_base, madrid) is None
    assert queries.mission_status(madrid, PartialDate.parse(as_of), None).status == status


@pytest.mark.parametrize(("as_of", "status"), ECHO_CASES)
def test_mission_status_echo(shipped_base: FactBase, as_of: str, status: str) -> None:
    echo = mission(shipped_base, ECHO)
    assert queries.mission_status(echo, PartialDate.parse(as_of), None).status == status


def test_mission_status_is_the_same_over_every_day_it_is_sure_of(shipped_base: FactBase) -> None:
    """Day by day across 2013-2024, the status of each day agrees with the month and year around it."""
    madrid = mission(shipped_base, MADRID)
    for year in range(2012, 2025):
        yearly = queries.mission_status(madrid, PartialDate(year), None).status
        for month in range(1, 13):
            monthly = queries.mission_status(madrid, PartialDate(year, month), None).status
            if yearly != "unknown":
                assert monthly == yearly, (year, month)
            first = queries.mission_status(madrid, PartialDate(year, month, 1), None).status
            last_day = PartialDate(year, month).last_day.day
            last = queries.mission_status(madrid, PartialDate(year, month, last_day), None).status
            if monthly != "unknown":
                assert first == last == monthly, (year, month)
            if first == last != "unknown":
                assert monthly == first, (year, month)


def test_a_status_change_inside_the_as_of_period_is_unknown(shipped_base: FactBase) -> None:
    """A mission with undisputed dates that opens during the as-of year."""
    paris = mission(shipped_base, "prk-embassy-paris")
    changed = replace(paris, opened=(model.DateClaim(PartialDate(2006, 5)),))
    assert queries.mission_status(changed, PartialDate(2006, 4), None).status == "not_yet_open"
    assert queries.mission_status(changed, PartialDate(2006, 6), None).status == "open"
    during = queries.mission_status(changed, PartialDate(2006), None)
    assert during.status == "unknown"
    assert during.reason
