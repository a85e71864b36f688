"""Where facts hid: event details, policy areas and the names behind ids, in every view."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from typer.testing import CliRunner, Result

from dprkrel.cli.app import app


def run(*args: str) -> Result:
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "DPRKREL_DATA": None})
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_json(*args: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(run(*args, "--json").stdout)
    return payload


DETAILS = (
    "the source gives no date for them",
    "until the end of September 2017",
    "Secretary of State for Foreign Affairs",
    "supervised by the International Red Cross",
)


def test_timeline_details_shows_every_events_details_in_table_csv_and_markdown() -> None:
    for fmt in ("table", "markdown"):
        shown = run("timeline", "spain", "--details", "--format", fmt).stdout
        for detail in DETAILS:
            assert detail in shown, (fmt, detail)
    # CSV is data: every result's details are in its `details` column, with or without --details.
    rows = list(csv.DictReader(io.StringIO(run("timeline", "spain", "--format", "csv").stdout)))
    details = " ".join(row["details"] for row in rows)
    for detail in DETAILS:
        assert detail in details, detail
    incident = next(row for row in rows if "Free Joseon" in row["summary"])
    assert "The Spanish government issues arrest warrants" in incident["details"]


def test_timeline_without_details_keeps_its_rows_short() -> None:
    assert "the source gives no date for them" not in run("timeline", "spain").stdout


def test_show_and_search_tables_show_event_details() -> None:
    shown = run("show", "spain").stdout
    for detail in DETAILS:
        assert detail in shown, detail
    assert "the source gives no date for them" in run("search", "embassy incident").stdout


def test_show_names_a_policys_areas() -> None:
    shown = run("show", "eu").stdout
    assert "peace and security in the Korean Peninsula; non-proliferation of nuclear weapons; human rights" in shown


def test_json_references_carry_the_name_next_to_the_id() -> None:
    profile = run_json("show", "cao de benos")["results"][0]
    entity = profile["entity"]
    role = next(role for role in profile["roles"] if role["of"] == "korean-friendship-association")
    assert role["of_name"] == "Korean Friendship Association"
    assert entity["country"] == "esp" and entity["country_name"] == "Spain"
    event = run_json("timeline", "spain", "--since", "2019", "--until", "2019")["results"][0]
    assert event["actors"] == ["free-joseon", "prk", "esp"]
    assert event["actors_names"] == ["Free Joseon", "North Korea", "Spain"]
    assert event["places_names"] == ["Madrid"]
    mission = run_json("embassy", "madrid")["results"][0]
    assert (mission["sending_name"], mission["host_name"], mission["city_name"]) == ("North Korea", "Spain", "Madrid")
    paris = next(item for item in run_json("embassy", "paris")["results"] if item["id"] == "prk-embassy-paris")
    assert paris["accredited_to"][0]["country_name"] == "Spain"
    advisory = run_json("advisory", "spain")["results"][0]
    assert advisory["issuer_name"] == "Spain"
    assert advisory["registration_mission_name"] == "Embassy of Spain in Seoul"
    assert advisory["consular_help_missions_names"] == ["Embassy of Sweden in Pyongyang", "Embassy of Spain in Seoul"]


# -- conflicts: every claim of a disputed date, in every view -----------------------------------

SPAIN = "wikipedia-prk-esp"
OVERVIEW = "wikipedia-prk-foreign-relations-2019"
MADRID_CLAIMS = [
    {"value": {"date": "2013-10", "precision": "month"}, "source": SPAIN, "section": "Diplomatic relations"},
    {"value": {"date": "2014", "precision": "year"}, "source": SPAIN, "section": "lead"},
    {"value": {"date": "2014-01", "precision": "month"}, "source": OVERVIEW, "section": "Spain"},
]


def _claims(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: claim[key] for key in ("value", "source", "section")} for claim in found]


def test_json_gives_every_claim_of_a_date_beside_its_earliest() -> None:
    event = next(
        item for item in run_json("timeline", "spain")["results"] if item["id"] == "ev-2013-10-prk-embassy-madrid-opens"
    )
    assert event["date"] == {"date": "2013-10", "precision": "month"}
    assert _claims(event["date_claims"]) == MADRID_CLAIMS
    mission = run_json("embassy", "madrid")["results"][0]
    assert _claims(mission["opened_claims"]) == MADRID_CLAIMS
    assert [claim["value"] for claim in mission["closed_claims"]] == [{"date": "2023", "precision": "year"}]
    # An undisputed date has its one claim; a missing one none.
    paris = next(item for item in run_json("embassy", "paris")["results"] if item["id"] == "prk-embassy-paris")
    assert paris["opened"] is None and paris["opened_claims"] == []
    found = next(item for item in run_json("search", "embassy madrid")["results"] if item["id"] == "prk-embassy-madrid")
    assert _claims(found["opened_claims"]) == MADRID_CLAIMS


def test_csv_and_markdown_show_every_claim_of_a_disputed_date() -> None:
    for args in (("timeline", "spain"), ("embassy", "madrid"), ("show", "north korea")):
        assert "Oct 2013 / 2014 / Jan 2014 \\*" in run(*args, "--format", "markdown").stdout.replace(" *", " \\*"), args
    # CSV is data: the earliest date in its column, every claim in the claims column.
    for args, field in ((("timeline", "spain"), "date"), (("embassy", "madrid"), "opened")):
        rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
        disputed = [row for row in rows if row["conflicts"] not in ("", "[]")]
        assert disputed, args
        claims = [claim["value"]["date"] for claim in json.loads(disputed[0][f"{field}_claims"])]
        assert claims == ["2013-10", "2014", "2014-01"], args


def test_the_chart_says_what_its_disputed_mark_means() -> None:
    chart = run("timeline", "spain", "--chart").stdout
    assert "Madrid embassy *" in chart
    assert "* disputed: Madrid embassy opened Oct 2013 / 2014" in chart


def test_a_present_tense_summary_does_not_say_as_of_twice() -> None:
    for args in (("timeline", "spain"), ("show", "cao de benos"), ("timeline", "eu")):
        shown = run(*args, "--format", "markdown").stdout
        assert "as of the source's date" not in shown and "as of the EU page" not in shown, args


# -- scope: undated records placed at the latest date their source allows ------------------------

DECISION = "ev-eu-additional-measures-decided"
WARRANTS = "ev-esp-arrest-warrants-madrid-incident"


def test_the_eu_timeline_ends_with_its_undated_decision_to_add_sanctions_marked_as_such() -> None:
    import dprkrel

    result = dprkrel.timeline(dprkrel.open_base(), "eu")
    assert [item.record.id for item in result.items][-1] == DECISION
    last = run("timeline", "eu", "--format", "markdown").stdout.splitlines()
    assert next(line for line in reversed(last) if line.startswith("|")).startswith(
        "| undated;<br>by about 2013 | sanctions"
    )
    data = list(csv.DictReader(io.StringIO(run("timeline", "eu", "--format", "csv").stdout)))[-1]
    assert (data["id"], data["undated"], data["date"], data["category"]) == (DECISION, "true", "2013", "sanctions")
    payload = run_json("timeline", "eu")["results"][-1]
    assert (payload["id"], payload["undated"]) == (DECISION, True)
    assert payload["date"] == {"date": "2013", "precision": "year"}


def test_the_eu_sanctions_paragraph_is_found_by_category() -> None:
    from dprkrel.core.errors import EXIT_FOUND

    sanctions = run("timeline", "eu", "--category", "sanctions", "--json")
    assert sanctions.exit_code == EXIT_FOUND
    assert [item["id"] for item in json.loads(sanctions.stdout)["results"]] == [DECISION]
    security = [item["id"] for item in run_json("timeline", "eu", "--category", "security")["results"]]
    assert security == ["ev-2012-12-satellite-launch", "ev-2013-02-third-nuclear-test"]


def test_the_arrest_warrants_are_a_legal_event_of_spain_undated() -> None:
    legal = {item["id"]: item for item in run_json("timeline", "spain", "--category", "legal")["results"]}
    warrants = legal[WARRANTS]
    assert warrants["undated"] is True
    assert "alleged" in warrants["summary"]  # the Spain article says the entry is alleged
    # Both sources tell of the warrants, neither dates them: the latest date both allow.
    assert warrants["date"] == {"date": "2019-07-20", "precision": "day"}
    shown = run("timeline", "spain", "--category", "legal", "--format", "markdown").stdout
    assert "undated;<br>by about 20 Jul 2019" in shown


def test_show_and_the_chart_mark_the_undated_event_as_the_timeline_does() -> None:
    assert "undated; by about 2013: The EU decides" in run("show", "eu").stdout
    chart = run("timeline", "eu", "--chart").stdout
    assert "undated;" in chart and "by about 2013" in chart


def test_an_undated_event_is_placed_at_its_sources_date(shipped_base: Any) -> None:
    from dprkrel.core import model, queries

    undated = [record for record in shipped_base.of_type(model.Event) if record.undated]
    assert {DECISION, WARRANTS} <= {record.id for record in undated}
    for event in undated:
        # At the latest date its sources allow: their own date, or an earlier bound their words
        # give ("in the 1970s": 1979), which its note then explains.
        stated = queries.source_date(shipped_base, event)
        assert stated is not None
        assert len(event.date) == 1, event.id
        value = event.date[0].value
        assert value.last_day <= stated.last_day, event.id
        if value != stated:
            assert event.note, f"{event.id} is placed before its source's date without a note saying why"
