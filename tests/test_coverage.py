"""The shipped base covers its sources: every country or organisation section of the 2019
overview as a relation, every section of it in some record, every row of the 2022 missions
table as a listing of the mission it describes (tests/data/coverage.yaml lists them)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from dprkrel.core import model
from dprkrel.core.normalise import fold
from dprkrel.core.store import FactBase

OVERVIEW = "wikipedia-prk-foreign-relations-2019"
TABLE = "wikidata-missions-2022"
SOURCES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"
GROUP_HEADINGS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}


@pytest.fixture(scope="module")
def coverage(data_dir: Path) -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((data_dir / "coverage.yaml").read_text(encoding="utf-8"))
    return loaded


def cited_sections(records: list[model.Record], source: str, kind: type[model.Record] = model.Record) -> set[str]:
    return {
        citation.section
        for record in records
        if isinstance(record, kind)
        for citation in model.all_citations(record)
        if citation.source == source
    }


def test_every_country_section_of_the_overview_is_a_relation(
    coverage: dict[str, Any], shipped_records: list[model.Record]
) -> None:
    sections = coverage["overview_sections"]
    assert len(sections) == 92
    missing = set(sections) - cited_sections(shipped_records, OVERVIEW, model.Relation)
    assert not missing, f"no relation cites these sections of the overview: {sorted(missing)}"


def test_every_section_of_the_overview_is_cited(shipped_base: FactBase, shipped_records: list[model.Record]) -> None:
    source = shipped_base.by_id[OVERVIEW]
    assert isinstance(source, model.Source)
    missing = set(source.sections) - cited_sections(shipped_records, OVERVIEW)
    assert not missing, f"no record cites these sections: {sorted(missing)}"


def names_of(entity: model.Entity) -> set[str]:
    texts = (entity.name, *entity.aliases, *entity.former_names, *(name.text for name in entity.names))
    return {fold(text) for text in texts}


def test_every_row_of_the_missions_table_is_a_listing_of_its_mission(
    coverage: dict[str, Any], shipped_base: FactBase, shipped_records: list[model.Record]
) -> None:
    rows = coverage["missions_table_rows"]
    assert len(rows) == 78
    listings = {
        citation.section: record
        for record in shipped_records
        if isinstance(record, model.Listing)
        for citation in record.sources
        if citation.source == TABLE
    }
    assert set(listings) == {row["qid"] for row in rows}
    for row in rows:
        listing = listings[row["qid"]]
        mission = shipped_base.by_id[listing.mission]
        assert isinstance(mission, model.Mission)
        sending, host = shipped_base.by_id[mission.sending], shipped_base.by_id[mission.host]
        assert isinstance(sending, model.Entity) and isinstance(host, model.Entity)
        assert fold(row["operator"]) in names_of(sending), (row["qid"], mission.sending)
        assert fold(row["country"]) in names_of(host), (row["qid"], mission.host)
        assert listing in mission.listed


def test_a_mission_missing_from_the_table_is_not_closed_by_it(shipped_records: list[model.Record]) -> None:
    # The table lists missions open in November 2022, and not all of them: no mission's
    # closing may rest on it.
    for record in shipped_records:
        if isinstance(record, model.Mission):
            assert all(claim.citation is None or claim.citation.source != TABLE for claim in record.closed)


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason=f"the source documents are not at {SOURCES_DIR}")
def test_the_coverage_list_is_what_the_sources_hold(coverage: dict[str, Any]) -> None:
    lines = (SOURCES_DIR / "foreign-relations-of-north-korea-2019.txt").read_text(encoding="utf-8").splitlines()
    body = lines[lines.index("Bilateral relations") + 1 : lines.index("International organizations")]
    headings = [
        line
        for line in body
        if 0 < len(line) < 40 and not line.startswith(("-", "[", ",", "{")) and not line.endswith("]]")
    ]
    assert coverage["overview_sections"] == [line for line in headings if line not in GROUP_HEADINGS]
    with (SOURCES_DIR / "wikidata-missions-north-korea-2022.csv").open(encoding="utf-8", newline="") as table:
        qids = [row["QID"].rsplit("/", 1)[-1] for row in csv.DictReader(table, delimiter=";")]
    assert [row["qid"] for row in coverage["missions_table_rows"]] == qids
