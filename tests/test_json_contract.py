"""The JSON every command prints: one envelope, and per command the shape of its results.

Scripts depend on this contract, so each key is checked by name: the envelope's keys exactly,
each result's common keys (id, kind, sources, conflicts), dates as {date, precision} objects,
and the fields each command promises. Numbers that can be counted in data/facts.yaml (records
citing each source, an entity's related records) are counted from the YAML itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model, queries
from dprkrel.core.dates import PartialDate
from dprkrel.core.results import Item, record_json
from dprkrel.core.store import FactBase

# Builds the click command once for the module rather than on every run (see conftest).
pytestmark = pytest.mark.usefixtures("fast_cli")

ENV: dict[str, str | None] = {"COLUMNS": "100", "NO_COLOR": "1", "FORCE_COLOR": None, "DPRKREL_DATA": None}
runner = CliRunner(env=ENV)
PINNED_TODAY = PartialDate(2025, 1, 15)

ENVELOPE_KEYS = {"schema_version", "command", "query", "matched", "as_of", "results", "warnings", "suggestions"}
ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}
# Keys whose value is a date in every record kind that has them.
DATE_KEYS = {"date", "opened", "closed", "since", "until", "stated_as_of", "period_from", "period_to", "value"}

# Each command with a query that finds something; `query` is the value the envelope must echo.
COMMANDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "timeline": (("timeline", "spain"), "spain"),
    "embassy": (("embassy", "madrid", "--as-of", "2015-06-01"), "madrid"),
    "advisory": (("advisory", "spain"), "spain"),
    "search": (("search", "ambassador expelled"), "ambassador expelled"),
    "show": (("show", "Cao de Benós"), "Cao de Benós"),
    "sources": (("sources",), None),
}


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "today", lambda: PINNED_TODAY)


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.fixture(scope="module")
def raw_facts() -> dict[str, Any]:
    """The shipped fact files as plain YAML, their sections merged, for counting things independently of the loader."""
    from pathlib import Path

    import yaml

    from dprkrel.core.paths import builtin_fact_paths

    data: dict[str, Any] = {}
    for path in builtin_fact_paths():
        for section, records in yaml.safe_load(Path(path).read_text(encoding="utf-8")).items():
            if isinstance(records, list):
                data.setdefault(section, []).extend(records)
    return data


def raw_records(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for section, records in raw.items():
        if isinstance(records, list):
            for record in records:
                yield section, record


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def is_date_object(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"date", "precision"}


def check_date_object(value: dict[str, Any]) -> PartialDate:
    text = value["date"]
    assert isinstance(text, str)
    assert ISO_DATE.fullmatch(text), text
    assert value["precision"] == PRECISION_OF_LENGTH[len(text)], value
    return PartialDate.parse(text)


def check_dates(value: Any, where: str = "") -> None:
    """Every date is a {date, precision} object (or null), and no date hides in a plain string."""
    if is_date_object(value):
        check_date_object(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in DATE_KEYS:
                assert item is None or is_date_object(item), f"{where}.{key} = {item!r}"
            check_dates(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_dates(item, f"{where}[{index}]")
    elif isinstance(value, str):
        assert not ISO_DATE.fullmatch(value), f"{where} is a bare date string {value!r}"


def first_day(date: dict[str, Any]) -> dt.date:
    return check_date_object(date).first_day


# -- the envelope -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
def test_envelope(command: str) -> None:
    args, query = COMMANDS[command]
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    assert set(payload) == ENVELOPE_KEYS
    assert payload["schema_version"] == 1
    assert payload["command"] == command
    assert payload["query"] == query
    assert isinstance(payload["results"], list)
    assert payload["results"]
    assert isinstance(payload["warnings"], list)
    assert payload["suggestions"] == []
    for match in payload["matched"]:
        assert set(match) == {"id", "name", "kind", "score"}
        assert isinstance(match["score"], int | float)
        assert 0 <= match["score"] <= 100
    if command in ("search", "sources"):
        assert payload["matched"] == []
    else:
        assert len(payload["matched"]) == 1
    for warning in payload["warnings"]:
        assert set(warning) == {"type", "message", "id"}
        assert warning["type"] in {"conflict", "stale", "ambiguous"}
        assert isinstance(warning["message"], str)
        assert warning["message"]
    assert payload["as_of"] is None or ISO_DATE.fullmatch(payload["as_of"])


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_result_has_id_kind_sources_and_conflicts(command: str, shipped_base: FactBase) -> None:
    payload = run_json(*COMMANDS[command][0])
    for result in payload["results"]:
        assert isinstance(result["id"], str)
        assert result["id"] in shipped_base.by_id
        assert result["kind"] == shipped_base.by_id[result["id"]].kind
        assert isinstance(result["sources"], list)
        for citation in result["sources"]:
            assert set(citation) == {"source", "section"}
        assert isinstance(result["conflicts"], list)
        for conflict in result["conflicts"]:
            assert set(conflict) == {"field", "claims"}
            assert len(conflict["claims"]) >= 2
            for claim in conflict["claims"]:
                assert {"value", "source", "section"} <= set(claim)
        check_dates(result, result["id"])
    if command != "sources":
        assert all(result["sources"] for result in payload["results"]), "every record but a source cites one"


def test_the_envelope_is_strict_json_with_readable_text() -> None:
    text = run("show", "조선일", "--json").stdout
    assert "조선일" in text  # not \\uc870...
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))


@pytest.mark.parametrize(
    ("args", "as_of"),
    [
        (("timeline", "spain"), None),
        (("timeline", "spain", "--as-of", "2015"), "2015"),
        (("embassy", "madrid", "--as-of", "2015-06"), "2015-06"),
        (("embassy", "madrid"), PINNED_TODAY.iso()),
        (("advisory", "spain"), PINNED_TODAY.iso()),
        (("search", "expel"), None),
        (("show", "spain"), None),
        (("sources",), None),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_as_of(args: tuple[str, ...], as_of: str | None) -> None:
    assert run_json(*args)["as_of"] == as_of


def test_query_is_echoed_as_typed() -> None:
    payload = run_json("timeline", "España")
    assert payload["query"] == "España"
    assert payload["matched"] == [{"id": "esp", "name": "Spain", "kind": "country", "score": 100}]
    typo = run_json("embassy", "madird", "--as-of", "2015")
    assert typo["query"] == "madird"
    assert typo["matched"][0]["id"] == "madrid"
    assert typo["matched"][0]["score"] < 100
    assert run_json("timeline")["query"] is None


# -- timeline -------------------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["spain", "eu", "north korea", None])
def test_timeline_results(subject: str | None) -> None:
    payload = run_json("timeline", *([subject] if subject else []))
    results = payload["results"]
    assert results
    for result in results:
        assert result["kind"] == "event"
        assert is_date_object(result["date"])
        assert isinstance(result["category"], str)
        assert isinstance(result["summary"], str)
        assert result["summary"]
        assert isinstance(result["actors"], list)
        assert all(isinstance(actor, str) for actor in result["actors"])
    # Oldest first by the first day of each (partial) date, an undated event by the last day of
    # the latest date its source allows; ties by id.
    keys = [
        (check_date_object(result["date"]).last_day if result["undated"] else first_day(result["date"]), result["id"])
        for result in results
    ]
    assert keys == sorted(keys)


def test_timeline_eu_dates_as_jq_prints_them() -> None:
    """`dprkrel timeline eu --json | jq '.results[].date'`"""
    dates = [result["date"] for result in run_json("timeline", "eu")["results"]]
    assert dates == [
        {"date": "1995", "precision": "year"},
        {"date": "2001-05", "precision": "month"},
        {"date": "2003", "precision": "year"},
        {"date": "2008", "precision": "year"},
        {"date": "2011", "precision": "year"},
        {"date": "2012-05", "precision": "month"},
        {"date": "2012-12", "precision": "month"},
        {"date": "2013-02", "precision": "month"},
        {"date": "2013", "precision": "year"},
    ]


def test_timeline_disputed_date_holds_the_earliest_claim_and_lists_the_conflict() -> None:
    results = run_json("timeline", "madrid")["results"]
    opening = next(result for result in results if result["id"] == "ev-2013-10-prk-embassy-madrid-opens")
    assert opening["date"] == {"date": "2013-10", "precision": "month"}
    [conflict] = opening["conflicts"]
    assert conflict["field"] == "date"
    assert [(claim["value"]["date"], claim["section"]) for claim in conflict["claims"]] == [
        ("2013-10", "Diplomatic relations"),
        ("2014", "lead"),
        ("2014-01", "Spain"),
    ]
    warnings = run_json("timeline", "madrid")["warnings"]
    assert {"type": "conflict", "id": "ev-2013-10-prk-embassy-madrid-opens"}.items() <= warnings[0].items()


def test_timeline_since_keeps_partial_dates_that_overlap() -> None:
    """`--since 2013-10-15` keeps the opening dated only to October 2013."""
    ids = [result["id"] for result in run_json("timeline", "spain", "--since", "2013-10-15")["results"]]
    assert ids[:2] == ["ev-2013-10-prk-embassy-madrid-opens", "ev-2013-10-25-kung-sok-ung-visit"]


# -- embassy --------------------------------------------------------------------------------

EMBASSY_KEYS = {
    "sending",
    "host",
    "city",
    "mission_kind",
    "opened",
    "closed",
    "status",
    "consular_services",
    "accredited_to",
    "acts_for",
    "notes",
}


@pytest.mark.parametrize("as_of", ["2015", "2026-11-22"])
def test_embassy_results(as_of: str, shipped_base: FactBase) -> None:
    results = run_json("embassy", "--as-of", as_of)["results"]
    # Without a subject: every mission of the base, curated or listed in the 2022 table.
    assert {result["id"] for result in results} == {mission.id for mission in shipped_base.of_type(model.Mission)}
    for result in results:
        assert set(result) >= EMBASSY_KEYS, EMBASSY_KEYS - set(result)
        assert result["kind"] == "mission"
        assert result["status"] in {"open", "closed", "not_yet_open", "unknown"}
        assert result["consular_services"] in (True, False, None)
        assert isinstance(result["notes"], list)
        for key in ("opened", "closed"):
            assert result[key] is None or is_date_object(result[key])
        for item in result["accredited_to"]:
            assert {"country", "since", "until"} <= set(item)
        for item in result["acts_for"]:
            assert {"on_behalf_of", "role", "scope", "basis"} <= set(item)
    assert [result["id"] for result in results] == sorted(result["id"] for result in results)


def test_embassy_fields_match_the_facts() -> None:
    results = {result["id"]: result for result in run_json("embassy", "spain", "--as-of", "2015")["results"]}
    madrid = results["prk-embassy-madrid"]
    assert (madrid["sending"], madrid["host"], madrid["city"]) == ("prk", "esp", "madrid")
    assert madrid["opened"] == {"date": "2013-10", "precision": "month"}
    assert madrid["closed"] == {"date": "2023", "precision": "year"}
    assert madrid["consular_services"] is False
    assert results["swe-embassy-pyongyang"]["consular_services"] is True
    assert results["prk-embassy-paris"]["consular_services"] is None
    assert results["prk-embassy-paris"]["accredited_to"] == [
        {"country": "esp", "country_name": "Spain", "since": {"date": "2006", "precision": "year"}, "until": None}
    ]
    acts = results["swe-embassy-pyongyang"]["acts_for"]
    assert [(item["on_behalf_of"], item["role"]) for item in acts] == [
        ("esp", "consular"),
        *((country, "protecting_power") for country in ("usa", "fin", "aus", "can")),
    ]
    # The table's listing of the Madrid embassy, with the date it holds as of.
    [listing] = madrid["listed"]
    assert (listing["id"], listing["mission"], listing["jurisdictions"]) == (
        "lst-q62089090",
        "prk-embassy-madrid",
        ["esp"],
    )
    assert (listing["latitude"], listing["longitude"]) == (40.471833333, -3.770833333)
    assert listing["address"] is None  # the table gives no address
    assert listing["stated_as_of"] == {"date": "2022-11-16", "precision": "day"}


# -- advisory -------------------------------------------------------------------------------


def test_advisory_results() -> None:
    [result] = run_json("advisory", "spain")["results"]
    assert result["id"] == "adv-esp-prk"
    assert result["kind"] == "advisory"
    assert (result["issuer"], result["subject"]) == ("esp", "prk")
    assert isinstance(result["scope"], str)
    assert isinstance(result["advice"], list)
    assert len(result["advice"]) == 2
    assert all(isinstance(item, str) for item in result["advice"])
    assert "Seoul" in result["registration"]
    assert "Swedish embassy in Pyongyang" in result["consular_help"]
    assert result["stated_as_of"] == {"date": "2023", "precision": "year"}


def test_advisory_about_north_korea_is_the_same_advice() -> None:
    """The country giving the advice or the one it is about."""
    assert run_json("advisory", "north korea")["results"] == run_json("advisory", "spain")["results"]


def test_advisory_is_marked_stale_after_its_source_date() -> None:
    warnings = run_json("advisory", "spain")["warnings"]
    assert [(item["type"], item["id"]) for item in warnings] == [("stale", "adv-esp-prk")]
    assert "2023" in warnings[0]["message"]


# -- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "first"),
    [
        # Several ambassadors were expelled (Spain's, Peru's, Mexico's, Malaysia's...).
        ("spain expels ambassador", "ev-2017-09-19-ambassador-expelled", False),
        ("Kim Hyok Chol", "kim-hyok-chol", True),
        ("red cross aid", "spanish-red-cross", False),
    ],
)
def test_search_results(shipped_base: FactBase, query: str, expected: str, first: bool) -> None:
    results = run_json("search", query)["results"]
    ids = [result["id"] for result in results]
    assert expected in ids
    if first:
        assert ids[0] == expected
    scores = [result["score"] for result in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 100 for score in scores)
    # Each id of an entity or mission has its name beside it.
    names = {record.id: record.name for kind in (model.Entity, model.Mission) for record in shipped_base.of_type(kind)}
    for result in results:
        assert isinstance(result["summary"], str)
        assert result["summary"]
        # Every field of the record is there, as in the record's own JSON.
        found = shipped_base.by_id[result["id"]]
        dates = tuple((source.id, source.stated_as_of) for source in shipped_base.of_type(model.Source))
        record = record_json(Item(found, queries.stated_as_of(shipped_base, found)), names, dates)
        for key, value in record.items():
            if key != "summary":
                assert result[key] == value, (result["id"], key)


def test_search_limit_and_kind() -> None:
    results = run_json("search", "embassy", "--limit", "2")["results"]
    assert len(results) == 2
    missions = run_json("search", "embassy", "--kind", "mission")["results"]
    assert missions
    assert {result["kind"] for result in missions} == {"mission"}


# -- show -----------------------------------------------------------------------------------


def test_show_result(raw_facts: dict[str, Any]) -> None:
    payload = run_json("show", "Cao de Benós")
    [result] = payload["results"]
    assert result["id"] == "cao-de-benos"
    assert result["kind"] == "entity"
    entity = result["entity"]
    assert entity["id"] == "cao-de-benos"
    assert entity["name"] == "Alejandro Cao de Benós de Les y Pérez"
    assert entity["names"] == {
        "en": "Alejandro Cao de Benós",
        "es": "Alejandro Cao de Benós de Les y Pérez",
        "ko": "조선일",
        "ko-Latn": "Choseon-il",
    }
    assert "Cao de Benós" in entity["aliases"]
    assert entity["country"] == "esp"
    assert isinstance(result["roles"], list)
    assert [role["of"] for role in result["roles"]] == [
        "korean-friendship-association",
        "prk",
        "prk",
        "prk-cultural-relations-committee",
        "prk",
    ]
    assert result["roles"][1]["since"] == {"date": "1990", "precision": "year"}
    for item in result["related"]:
        assert {"id", "kind"} <= set(item)
    # Every record of the fact file that names the person, and nothing else.
    naming = {
        record["id"]
        for section, record in raw_records(raw_facts)
        if section != "sources" and record["id"] != "cao-de-benos"
        if "cao-de-benos" in set(strings_in({k: v for k, v in record.items() if k != "id"}))
    }
    assert {item["id"] for item in result["related"]} == naming
    assert naming  # the statements and the 1990 event


def test_show_country_relates_its_missions_and_events() -> None:
    [result] = run_json("show", "spain")["results"]
    related = {item["id"]: item["kind"] for item in result["related"]}
    assert related["prk-embassy-madrid"] == "mission"
    assert related["ev-2017-09-19-ambassador-expelled"] == "event"
    assert related["adv-esp-prk"] == "advisory"


# -- sources --------------------------------------------------------------------------------


def test_sources_results(raw_facts: dict[str, Any]) -> None:
    results = run_json("sources")["results"]
    # Count, straight from the YAML, the records that cite each source anywhere (their
    # `sources` or the citations of their date claims).
    expected: dict[str, int] = {}
    for section, record in raw_records(raw_facts):
        if section == "sources":
            continue
        cited: set[str] = set()
        stack: list[Any] = [record]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if isinstance(item.get("source"), str):
                    cited.add(item["source"])
                stack += item.values()
            elif isinstance(item, list):
                stack += item
        for source in cited:
            expected[source] = expected.get(source, 0) + 1
    # A listing's opening date is one more claim of its mission's: the mission then cites the
    # listing's source too, unless it did already.
    missions = {record["id"]: record for record in raw_facts["missions"]}
    for listing in raw_facts["listings"]:
        mission = missions[listing["mission"]]
        if "opened" in listing and all(c["source"] != listing["sources"][0]["source"] for c in mission["sources"]):
            expected[listing["sources"][0]["source"]] += 1
    assert [result["id"] for result in results] == [source["id"] for source in raw_facts["sources"]]
    for result, source in zip(results, raw_facts["sources"], strict=True):
        assert result["kind"] == "source"
        assert result["title"] == source["title"]
        assert result["publisher"] == source["publisher"]
        assert result["url"] == source["url"]
        assert result["stated_as_of"] == PartialDate.parse(source["stated_as_of"]).to_json()
        assert isinstance(result["records"], int)
        assert result["records"] > 0
        assert result["records"] == expected[result["id"]]
    assert sum(result["records"] for result in results) >= len(list(raw_records(raw_facts))) - len(results)
