"""The conversion of the Wikidata missions table (scripts/wikidata_missions.py).

All but the last test use a tiny table written here, so they need nothing outside the repo.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "wikidata_missions.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wikidata_missions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


wm = _load_script()

E = "http://www.wikidata.org/entity/"
HEADER = (
    "relation;operator;operatorQID;jurisdictions;jurisdictionQIDs;country;countryQID;city;cityQID;address;"
    "latitude;longitude;phone;email;website;facebook;twitter;youtube;picture;pictureAuthor;pictureLicense;"
    "pictureLicenseURL;type;typeQID;creation;QID;"
)


def row(
    operator: str,
    operator_qid: str,
    country: str,
    country_qid: str,
    city: str,
    kind: str,
    qid: str,
    *,
    jurisdictions: str = "",
    creation: str = "",
    email: str = "",
    latitude: str = "",
) -> str:
    names = [pair.split("=")[0] for pair in jurisdictions.split("|") if pair]
    qids = [E + pair.split("=")[1] for pair in jurisdictions.split("|") if pair]
    fields = [
        "x",
        operator,
        E + operator_qid,
        "|".join(names),
        "|".join(qids),
        country,
        E + country_qid,
        city,
        "",
        "",
        latitude,
        "",
        "",
        email,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        kind,
        "",
        creation,
        E + qid,
    ]
    return ";".join(fields)


TABLE = "\n".join(
    [
        HEADER,
        # matches the curated prk-embassy-madrid (same city)
        row("North Korea", "Q423", "Spain", "Q29", "Madrid", "embassy", "Q1", jurisdictions="Spain=Q29"),
        # a district: matches the curated swe-embassy-pyongyang through its city
        row(
            "Sweden",
            "Q34",
            "North Korea",
            "Q423",
            "Taedonggang-guyok",
            "embassy",
            "Q2",
            email="mailto:a@b.se",
            latitude="39.0",
        ),
        # no curated mission: generated, with a new city
        row(
            "Poland",
            "Q36",
            "North Korea",
            "Q423",
            "Chongjin",
            "consulate general",
            "Q3",
            creation="1987-07-01T00:00:00Z",
        ),
        # the only curated mission of its sending, host and kind, and it has no city
        row("Italy", "Q38", "South Korea", "Q884", "Seoul", "embassy", "Q4", creation="1973-01-01T00:00:00Z"),
        # two curated candidates without a city: no match
        row("Vatican", "Q237", "South Korea", "Q884", "Seoul", "apostolic nunciature", "Q5"),
        # no city at all
        row("North Korea", "Q423", "Japan", "Q17", "", "de facto embassy", "Q6"),
    ]
)


def curated() -> Any:
    def entity(entity_id: str, kind: str = "country", **more: str) -> dict[str, str]:
        return {"id": entity_id, "entity_kind": kind, "name": entity_id.title(), **more}

    base = wm.Base()
    base.add(
        {
            "entities": [
                *(entity(c) for c in ("prk", "esp", "swe", "pol", "ita", "kor", "vat", "jpn")),
                entity("madrid", "city", country="esp"),
                entity("pyongyang", "city", country="prk"),
                entity("seoul", "city", country="kor"),
            ],
            "missions": [
                {
                    "id": "prk-embassy-madrid",
                    "sending": "prk",
                    "host": "esp",
                    "city": "madrid",
                    "mission_kind": "embassy",
                },
                {
                    "id": "swe-embassy-pyongyang",
                    "sending": "swe",
                    "host": "prk",
                    "city": "pyongyang",
                    "mission_kind": "embassy",
                },
                {"id": "ita-embassy-kor", "sending": "ita", "host": "kor", "mission_kind": "embassy"},
                {"id": "vat-a", "sending": "vat", "host": "kor", "mission_kind": "apostolic_nunciature"},
                {"id": "vat-b", "sending": "vat", "host": "kor", "mission_kind": "apostolic_nunciature"},
            ],
        }
    )
    return base


def test_creation_keeps_wikidatas_precision() -> None:
    assert wm.opened("1973-01-01T00:00:00Z") == "1973"
    assert wm.opened("2011-10-10T00:00:00Z") == "2011-10-10"
    assert wm.opened("2001-03-01T00:00:00Z") == "2001-03-01"
    assert wm.opened("") is None
    with pytest.raises(wm.ConversionError):
        wm.opened("1973")


def test_types_map_to_mission_kinds() -> None:
    assert wm.mission_kind("embassy") == "embassy"
    assert wm.mission_kind("consulate") == "consulate"
    assert wm.mission_kind("consulate general") == "consulate_general"
    assert wm.mission_kind("de facto embassy") == "de_facto_embassy"
    assert wm.mission_kind("apostolic nunciature") == "apostolic_nunciature"
    with pytest.raises(wm.ConversionError, match="honorary consulate"):
        wm.mission_kind("honorary consulate")


def test_countries_map_by_qid_then_name_and_an_unknown_one_fails_naming_it() -> None:
    assert wm.country_id("People's Republic of China", "Q148") == "chn"
    assert wm.country_id("Ivory Coast", "Q0") == "civ"
    with pytest.raises(wm.ConversionError, match="'Atlantis' \\(Q999\\)"):
        wm.country_id("Atlantis", "Q999")


def test_rows_match_curated_missions_by_sending_host_kind_and_city() -> None:
    out = wm.convert(wm.read_rows(TABLE), curated())
    assert out.matched == {
        "lst-q1": "prk-embassy-madrid",
        "lst-q2": "swe-embassy-pyongyang",
        "lst-q4": "ita-embassy-kor",
    }
    assert sorted(out.missions) == [
        "pol-consulate-general-chongjin",
        "prk-de-facto-embassy-jpn",
        "vat-apostolic-nunciature-seoul",
    ]
    assert out.missions["pol-consulate-general-chongjin"]["name"] == "Consulate General of Poland in Chongjin"
    assert "city" not in out.missions["prk-de-facto-embassy-jpn"]
    assert out.listings["lst-q3"]["mission"] == "pol-consulate-general-chongjin"
    assert out.listings["lst-q3"]["opened"] == "1987-07-01"
    assert out.listings["lst-q4"]["opened"] == "1973"
    assert out.listings["lst-q1"]["jurisdictions"] == ["esp"]
    assert out.listings["lst-q2"]["email"] == "a@b.se"


def test_districts_become_cities_part_of_their_city() -> None:
    out = wm.convert(wm.read_rows(TABLE), curated())
    assert sorted(out.entities) == ["chongjin", "taedonggang-guyok"]
    district = out.entities["taedonggang-guyok"]
    assert district["part_of"] == "pyongyang"
    assert district["country"] == "prk"
    assert district["sources"] == [{"source": "wikidata-missions-2022", "section": "Q2"}]


def test_the_output_is_sorted_and_the_same_whatever_the_row_order() -> None:
    import yaml

    header, *rows = TABLE.split("\n")
    texts = set()
    for seed in range(5):
        random.Random(seed).shuffle(rows)
        texts.add(wm.render(wm.convert(wm.read_rows("\n".join([header, *rows])), curated())))
    assert len(texts) == 1
    text = texts.pop()
    assert text.startswith("# GENERATED FILE: do not edit by hand.")
    document = yaml.safe_load(text)
    for section in ("entities", "missions", "listings"):
        ids = [record["id"] for record in document[section]]
        assert ids == sorted(ids)
    latitude = next(listing for listing in document["listings"] if listing["id"] == "lst-q2")["latitude"]
    assert latitude == 39.0  # a number, not a quoted text


@pytest.mark.skipif(not wm.DEFAULT_CSV.exists(), reason="the missions table (../shared/sources) is not here")
def test_the_committed_file_is_what_the_script_writes_from_the_table() -> None:
    rows = wm.read_rows(wm.DEFAULT_CSV.read_text(encoding="utf-8"))
    expected = wm.render(wm.convert(rows, wm.read_base([wm.DEFAULT_FACTS])))
    committed = wm.DEFAULT_OUT.read_text(encoding="utf-8")
    assert committed == expected, "data/missions-2022.yaml is stale: run python scripts/wikidata_missions.py"
    assert len(rows) == committed.count("  - id: lst-")
