"""Subjects as people type them, and the `subjects` command that lists what the base covers."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model

pytestmark = pytest.mark.usefixtures("fast_cli")
runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "DPRKREL_DATA": None})


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.parametrize(
    ("args", "entity_id"),
    [
        (("timeline", "north", "korea"), "prk"),
        (("show", "Kim", "Hyok", "Chol"), "kim-hyok-chol"),
        (("embassy", "corea", "del", "norte"), "prk"),
        (("timeline", "north", "--since", "2010", "korea"), "prk"),
    ],
)
def test_several_unquoted_words_are_one_subject(args: tuple[str, ...], entity_id: str) -> None:
    assert [match["id"] for match in run_json(*args)["matched"]] == [entity_id]
    quoted = [args[0], " ".join(word for word in args[1:] if not word.startswith("-") and word != "2010")]
    assert run_json(*quoted)["matched"] == run_json(*args)["matched"]


@pytest.mark.parametrize(
    ("query", "entity_id"), [("korea", "prk"), ("Corea", "prk"), ("남한", "kor"), ("북조선", "prk")]
)
def test_the_names_people_type_find_the_subject_they_mean(query: str, entity_id: str) -> None:
    assert run_json("show", query)["matched"][0]["id"] == entity_id


def test_korea_names_south_korea_as_the_alternative() -> None:
    result = run("timeline", "korea")
    assert result.exit_code == 0
    assert "'korea' matched North Korea (prk); it could also mean: South Korea (kor)" in result.stderr


@pytest.mark.parametrize(
    ("query", "entity_id"), [("sin", "sin-son-ho"), ("cao", "cao-de-benos"), ("dastis", "alfonso-dastis")]
)
def test_one_word_of_a_persons_name_finds_the_person(query: str, entity_id: str) -> None:
    assert run_json("show", query)["matched"][0]["id"] == entity_id


def test_a_word_many_peoples_names_share_names_the_best_known_of_them() -> None:
    result = run("show", "kim", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["matched"] == []
    assert [item["id"] for item in payload["suggestions"]] == ["kim-il-sung", "kim-jong-un", "kim-yong-nam"]
    (line,) = result.stderr.splitlines()
    assert line.startswith("dprkrel: 'kim' could be any of ")
    assert line.endswith(
        " people in the fact base ('dprkrel subjects --kind person' lists them). "
        "Did you mean: Kim Il-sung, Kim Jong-un, Kim Yong-nam?"
    )
    # More of the name finds one of them.
    assert run_json("show", "kim", "jong", "un")["matched"][0]["id"] == "kim-jong-un"


def test_every_record_id_works_as_a_subject_for_show(shipped_records: list[model.Record]) -> None:
    for record in shipped_records:
        result = run("show", record.id, "--json")
        assert result.exit_code == 0, (record.id, result.output)
        (profile,) = json.loads(result.stdout)["results"]
        assert profile["id"] == record.id
        assert profile["kind"] == record.kind


def test_show_of_a_records_id_prints_its_fields_and_the_subjects_it_names() -> None:
    result = run("show", "adv-esp-prk")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Record: adv-esp-prk")
    for text in ("Issuer", "Spain", "North Korea", "Stated as of", "2023"):
        assert text in result.stdout
    payload = run_json("show", "adv-esp-prk")["results"][0]
    assert payload["record"]["issuer"] == "esp"
    assert {item["id"] for item in payload["related"]} == {"esp", "prk"}


# -- dprkrel subjects ----------------------------------------------------------------------------


def test_subjects_lists_every_entity_with_the_records_that_involve_it(shipped_records: list[model.Record]) -> None:
    results = run_json("subjects")["results"]
    entities = [record for record in shipped_records if isinstance(record, model.Entity)]
    assert {item["id"] for item in results} == {entity.id for entity in entities}
    counts = {item["id"]: item["records"] for item in results}
    for entity in entities:
        naming = [record for record in shipped_records if entity.id in model.mentioned_ids(record)]
        assert counts[entity.id] == len(naming), entity.id
    assert counts["prk"] > counts["kor"]


def test_subjects_by_kind() -> None:
    results = run_json("subjects", "--kind", "city")["results"]
    assert {item["entity_kind"] for item in results} == {"city"}
    assert "madrid" in {item["id"] for item in results}
    people = run_json("subjects", "-k", "person", "-k", "country")["results"]
    assert {item["entity_kind"] for item in people} == {"person", "country"}


def test_subjects_of_an_unknown_kind_is_a_usage_error() -> None:
    result = run("subjects", "--kind", "planet")
    assert result.exit_code == 2
    assert "unknown kind 'planet'" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_subjects_in_every_format(fmt: str) -> None:
    result = run("subjects", "--kind", "country", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "South Korea" in result.stdout and "대한민국" in result.stdout
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0][:2] == ["id", "kind"] and "records" in rows[0]
        assert {row[0] for row in rows[1:]} >= {"esp", "prk", "kor"}


def test_a_records_profile_says_figures_as_the_source_qualifies_them() -> None:
    shown = run("show", "aid-eu-since-1995").stdout
    assert "more than 366,000,000" in shown
    assert "366000000.0" not in shown and "Amount qualifier" not in shown
    accredited = run("show", "esp-embassy-seoul").stdout
    assert "since: 2006" in accredited and "None" not in accredited
