"""`dprkrel relations`, and what the 2019 overview and the 2022 table brought to the other
commands: what an analyst asks first about North Korea's relations with a country."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.store import FactBase

runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "DPRKREL_DATA": None})
OVERVIEW = "wikipedia-prk-foreign-relations-2019"
TABLE = "wikidata-missions-2022"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code in (0, 1), result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


# -- the list ---------------------------------------------------------------------------------


def test_the_list_holds_every_country_and_organisation_of_the_overview(shipped_base: FactBase) -> None:
    results = run_json("relations")["results"]
    from_overview = [item for item in results if any(cite["source"] == OVERVIEW for cite in item["sources"])]
    assert len(from_overview) >= 92
    # One row a relation, each under the party that is not North Korea.
    assert len({item["counterpart"] for item in results}) == len(results)
    assert "prk" not in {item["counterpart"] for item in results}
    names = {item["counterpart_name"] for item in results}
    assert {"Algeria", "China", "Botswana", "Sweden", "United Kingdom", "European Union"} <= names
    # The dates the overview gives: Algeria's day, Afghanistan's day.
    by_id = {item["counterpart"]: item for item in results}
    assert by_id["dza"]["established"] == {"date": "1958-09-25", "precision": "day"}
    assert by_id["afg"]["established"] == {"date": "1973-12-26", "precision": "day"}


def test_sorted_by_establishment_the_dated_come_first_in_order() -> None:
    results = run_json("relations", "--sort", "established")["results"]
    dated = [item for item in results if item["established"] and not item["established_undated"]]
    days = [PartialDate.parse(item["established"]["date"]).first_day for item in dated]
    assert days == sorted(days)
    assert results[: len(dated)] == dated, "relations with no establishment date come after the dated ones"
    # Each relation's first establishment the overview dates, oldest first.
    assert dated[0]["established"]["date"] < "1958-09-25" <= dated[-1]["established"]["date"]


def test_filters_by_status_and_continent() -> None:
    broken = run_json("relations", "--status", "broken")["results"]
    assert {item["counterpart"] for item in broken} >= {"bwa"}
    assert all(item["status"] == "broken" for item in broken)
    africa = run_json("relations", "--continent", "africa")["results"]
    assert len(africa) >= 31  # the overview's 31 African sections
    assert {item["continent"] for item in africa} == {"africa"}
    both = run_json("relations", "--continent", "africa", "--status", "broken")["results"]
    assert [item["counterpart"] for item in both] == [
        item["counterpart"] for item in broken if item["continent"] == "africa"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "friendly"), "--status: unknown value 'friendly'; choose from active,"),
        (("--continent", "atlantis"), "--continent: unknown value 'atlantis'; choose from africa,"),
        (("--sort", "size"), "unknown sort 'size'; choose from name, established"),
    ],
)
def test_a_bad_filter_is_a_usage_error(args: tuple[str, ...], message: str) -> None:
    result = run("relations", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_format_holds_one_row_per_relation() -> None:
    results = run_json("relations", "--continent", "oceania")["results"]
    rows = list(csv.DictReader(io.StringIO(run("relations", "--continent", "oceania", "--csv").stdout)))
    assert [row["id"] for row in rows] == [item["id"] for item in results]
    assert {"status", "established", "established_precision", "status_stated_as_of"} <= set(rows[0])
    lines = run("relations", "--continent", "oceania", "--nl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [item["id"] for item in results]
    markdown = run("relations", "--continent", "oceania", "--format", "markdown").stdout
    assert "| Country or organisation | Continent | Established | Status |" in markdown


# -- one relation -----------------------------------------------------------------------------


def test_botswana_broke_off_relations_in_2014() -> None:
    table = run("relations", "botswana")
    assert table.exit_code == 0
    assert "broken since 2014" in table.stdout
    [result] = run_json("relations", "botswana")["results"]
    assert (result["status"], result["status_since"]) == ("broken", {"date": "2014", "precision": "year"})
    assert [change["change"] for change in result["changes"]] == ["established", "broken"]
    # "Good relations from 1974": an establishment the source implies, and says so.
    assert (result["established"], result["established_inferred"]) == ({"date": "1974", "precision": "year"}, True)
    assert "1974 (inferred)" in table.stdout
    assert all(event["kind"] == "event" for event in result["latest_events"])


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("1970", "unknown"),  # before the first change the overview dates
        ("2010", "active"),
        ("2014", "unknown"),  # broken during 2014: on which day, the source does not say
        ("2015", "broken"),
    ],
)
def test_the_status_on_a_date_follows_the_dated_changes(as_of: str, status: str) -> None:
    [result] = run_json("relations", "botswana", "--as-of", as_of)["results"]
    assert result["status"] == status
    assert (result["status_reason"] is None) == (status != "unknown")


def test_a_status_known_only_up_to_its_sources_date_says_so() -> None:
    [today] = run_json("relations", "algeria")["results"]
    assert today["status"] == "active"
    assert today["status_since"] == {"date": "1958-09-25", "precision": "day"}
    assert today["status_stated_as_of"] == {"date": "2019-07-20", "precision": "day"}
    [then] = run_json("relations", "algeria", "--as-of", "2019")["results"]
    assert then["status_stated_as_of"] is None
    assert "active since 25 Sep 1958 (as of 20 Jul 2019)" in run("relations", "algeria").stdout


def test_a_relation_shows_its_missions_both_ways_and_who_acts_for_whom() -> None:
    [sweden] = run_json("relations", "sweden")["results"]
    missions = {mission["id"]: mission for mission in sweden["missions"]}
    assert "swe-embassy-pyongyang" in missions
    assert any(m["sending"] == "prk" and m["host"] == "swe" for m in missions.values())
    [usa] = run_json("relations", "united states")["results"]
    protecting = [
        (mission["id"], role["role"])
        for mission in usa["missions"]
        for role in mission["acts_for"]
        if role["on_behalf_of"] == "usa"
    ]
    assert ("swe-embassy-pyongyang", "protecting_power") in protecting
    assert "protecting power for United States" in run("relations", "united states").stdout


def test_the_united_kingdoms_disputed_day_is_shown_with_both_claims() -> None:
    [result] = run_json("relations", "united kingdom")["results"]
    assert [claim["value"]["date"] for claim in result["established_claims"]] == ["2000-12-12", "2000-12-13"]
    assert {claim["section"] for claim in result["established_claims"]} == {"United Kingdom", "History"}
    assert "12 Dec 2000 / 13 Dec 2000 *" in run("relations", "united kingdom").stdout


def test_a_membership_is_a_relation_too() -> None:
    [result] = run_json("relations", "united nations")["results"]
    assert result["status"] == "member"
    assert result["counterpart"] == "un"


# -- what the other commands gained -----------------------------------------------------------


def test_algerias_timeline_starts_on_25_september_1958() -> None:
    results = run_json("timeline", "algeria")["results"]
    assert results[0]["date"] == {"date": "1958-09-25", "precision": "day"}
    assert "25 Sep 1958" in run("timeline", "algeria").stdout.splitlines()[3]


def test_the_swedish_embassy_in_pyongyang_and_its_protecting_power_roles() -> None:
    results = {item["id"]: item for item in run_json("embassy", "pyongyang")["results"]}
    sweden = results["swe-embassy-pyongyang"]
    roles = {(role["on_behalf_of"], role["role"]) for role in sweden["acts_for"]}
    assert {("usa", "protecting_power"), ("can", "protecting_power"), ("aus", "protecting_power")} <= roles
    assert ("esp", "consular") in roles
    table = run("embassy", "pyongyang", "--format", "markdown").stdout
    row = next(line for line in table.splitlines() if line.startswith("| Embassy of Sweden in Pyongyang"))
    # Stated by the 2019 overview, as of its date; the mission's newest source is of 2023.
    assert "protecting power for United States (as of 20 Jul 2019)" in row
    assert "consular for Spain;" in row


def test_the_madrid_embassy_shows_three_openings_and_the_tables_listing() -> None:
    [madrid] = run_json("embassy", "madrid")["results"]
    assert [claim["value"]["date"] for claim in madrid["opened_claims"]] == ["2013-10", "2014", "2014-01"]
    assert [claim["source"] for claim in madrid["opened_claims"]] == [
        "wikipedia-prk-esp",
        "wikipedia-prk-esp",
        OVERVIEW,
    ]
    [listing] = madrid["listed"]
    assert listing["sources"] == [{"source": TABLE, "section": "Q62089090"}]
    assert (listing["latitude"], listing["longitude"], listing["address"]) == (40.471833333, -3.770833333, None)
    table = run("embassy", "madrid", "--format", "markdown").stdout
    assert "Oct 2013 / 2014 / Jan 2014 \\*" in table
    assert (
        "prk-embassy-madrid: listed as of 16 Nov 2022 (wikidata-missions-2022, Q62089090); address: not given" in table
    )


def test_a_date_that_refines_another_is_shown_and_both_are_cited() -> None:
    [incident] = [
        item for item in run_json("timeline", "spain")["results"] if item["id"] == "ev-2019-02-madrid-embassy-incident"
    ]
    assert incident["date"] == {"date": "2019-02-22", "precision": "day"}
    assert incident["conflicts"] == []
    assert {claim["source"] for claim in incident["date_claims"]} == {"wikipedia-prk-esp", OVERVIEW}
    assert "22 Feb 2019" in run("timeline", "spain", "--since", "2019").stdout


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("burma", "mmr"),  # former names
        ("upper volta", "bfa"),
        ("DZ", "dza"),  # ISO codes
        ("DZA", "dza"),
        ("Argelia", "dza"),  # Spanish
        ("알제리", "dza"),  # Korean
        ("east germany", "ddr"),
        ("soviet union", "sun"),
    ],
)
def test_subjects_are_found_by_the_names_people_type(query: str, entity_id: str) -> None:
    payload = run_json("relations", query)
    assert payload["matched"][0]["id"] == entity_id


def test_former_states_are_linked_to_their_successors(shipped_base: FactBase) -> None:
    successors = {
        entity.id: entity.successor for entity in shipped_base.of_type(model.Entity) if entity.successor is not None
    }
    assert successors["ddr"] == "deu"
    assert successors["sun"] == "rus"
    assert "Succeeded by  Germany" in run("show", "east germany").stdout.replace("Succeeded by   ", "Succeeded by  ")


def test_subjects_lists_the_new_countries() -> None:
    results = run_json("subjects", "--kind", "country")["results"]
    assert len(results) >= 120
    assert {"Algeria", "Botswana", "China", "Myanmar", "Zimbabwe"} <= {item["name"] for item in results}


def test_a_role_names_its_own_source_with_both_keys(tmp_path: Any) -> None:
    facts = tmp_path / "role.yaml"
    facts.write_text(
        "missions:\n"
        "  - id: swe-office-test\n"
        "    name: Test office\n"
        "    sending: swe\n"
        "    host: prk\n"
        "    mission_kind: embassy\n"
        "    acts_for:\n"
        "      - {on_behalf_of: usa, role: protecting_power, source: wikipedia-prk-foreign-relations-2019}\n"
        "      - {on_behalf_of: can, role: protecting_power,\n"
        "         source: wikipedia-prk-foreign-relations-2019, section: Nowhere}\n"
        "    sources:\n"
        "      - {source: wikipedia-prk-foreign-relations-2019, section: Sweden}\n",
        encoding="utf-8",
    )
    result = run("validate", str(facts))
    assert result.exit_code == 2
    problems = result.stderr.splitlines()
    assert any(":8:9: [swe-office-test]" in line and "both 'source' and 'section'" in line for line in problems)
    assert any(":10:" in line and "has no section 'Nowhere'" in line for line in problems)


def test_a_listed_mission_shows_the_countries_the_table_says_it_covers() -> None:
    [stockholm] = run_json("embassy", "stockholm")["results"]
    assert (stockholm["sending"], stockholm["host"]) == ("prk", "swe")
    [listing] = stockholm["listed"]
    assert {"nor", "fin", "dnk", "isl"} <= set(listing["jurisdictions"])
    shown = run("embassy", "stockholm", "-f", "markdown").stdout.splitlines()
    row = next(line for line in shown if line.startswith("| Embassy of North Korea in Stockholm"))
    assert "covers Norway, Finland, Denmark" in row and "(listed as of 16 Nov 2022)" in row


def test_north_korea_itself_lists_its_relations() -> None:
    # The party of every relation: its relations are the list, not the first of them.
    mine = run_json("relations", "north korea")
    assert mine["matched"][0]["id"] == "prk"
    assert [item["id"] for item in mine["results"]] == [item["id"] for item in run_json("relations")["results"]]
    assert "Country or organisation" in run("relations", "north korea").stdout


def test_a_section_with_no_text_is_a_relation_with_nothing_stated() -> None:
    [kenya] = run_json("relations", "kenya")["results"]
    assert (kenya["status"], kenya["established"], kenya["missions"], kenya["changes"]) == ("not_stated", None, [], [])
    assert kenya["sources"] == [{"source": OVERVIEW, "section": "Kenya"}]
    assert "not stated" in run("relations", "kenya").stdout
