"""The shipped fact base: valid, cited, and saying what its sources say, in its own words.

Also checks that docs/schema.md describes the schema as the code has it, and that its
examples pass the validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from dprkrel.core import model, schema
from dprkrel.core.dates import PartialDate
from dprkrel.core.errors import DataError
from dprkrel.core.frozen import Frozen, fields_of
from dprkrel.core.paths import builtin_fact_path
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

REPO = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO.parent / "shared" / "sources"
SCHEMA_DOC = REPO / "docs" / "schema.md"
T = TypeVar("T")
DOCS_SUPPORT = REPO / "tests" / "data" / "docs_support.yaml"


def every_record(base: FactBase) -> list[model.Record]:
    """Every record of the base, in file order."""
    return list(base.at(range(sum(base.counts().values()))).values())


def test_the_tests_read_the_source_trees_fact_base(builtin_path: Path) -> None:
    # Otherwise they would check a copy installed somewhere else.
    assert builtin_path.resolve() == (REPO / "data" / "facts.yaml").resolve()
    assert builtin_fact_path() == str(builtin_path)


def test_the_shipped_base_validates(builtin_path: Path) -> None:
    try:
        base = load([builtin_path])
    except DataError as error:
        pytest.fail("the shipped fact base has problems:\n" + "\n".join(str(problem) for problem in error.problems))
    counts = base.counts()
    # The two founding documents and the two newer sources; the 2022 table's listings are in
    # data/missions-2022.yaml, which refers to this file.
    assert counts["source"] == 4
    kinds = ("entity", "event", "mission", "relation", "aid", "policy", "sanction", "statement")
    assert all(counts[kind] > 0 for kind in kinds)
    assert counts["listing"] == 0


# -- citations ----------------------------------------------------------------------


def citations_of(record: model.Record) -> list[model.Citation]:
    found = list(record.sources)
    for name in record.CLAIM_FIELDS:
        found += [claim.citation for claim in getattr(record, name) if claim.citation is not None]
    return found


def test_every_record_cites_a_listed_section_of_a_known_source(shipped_base: FactBase) -> None:
    sources = {source.id: source for source in shipped_base.of_type(model.Source)}
    assert all(source.sections for source in sources.values()), "every shipped source lists its sections"
    for record in every_record(shipped_base):
        if isinstance(record, model.Source):
            continue
        assert record.sources, f"{record.id} cites no source"
        for citation in citations_of(record):
            assert citation.source in sources, f"{record.id} cites an unknown source {citation.source}"
            assert citation.section in sources[citation.source].sections, f"{record.id}: {citation}"


def test_the_sources_are_the_two_documents_with_their_dates(shipped_base: FactBase) -> None:
    sources = {source.id: source for source in shipped_base.of_type(model.Source)}
    assert sources["wikipedia-prk-esp"].stated_as_of == PartialDate(2023)
    assert sources["eeas-eu-dprk"].stated_as_of == PartialDate(2013)
    assert sources["wikipedia-prk-esp"].url.startswith("https://en.wikipedia.org/wiki/North_Korea")
    assert sources["eeas-eu-dprk"].url == "http://www.eeas.europa.eu/korea_north/index_en.htm"


def test_present_tense_records_cite_sources_with_a_date(shipped_base: FactBase) -> None:
    present = [record for record in every_record(shipped_base) if record.present_tense]
    assert present, "the sources speak in the present tense; some records must say so"
    for record in present:
        for citation in citations_of(record):
            source = shipped_base.by_id[citation.source]
            assert isinstance(source, model.Source)
            assert source.stated_as_of is not None, f"{record.id} is in the present tense of an undated source"


# -- entities -----------------------------------------------------------------------


def entity_by_code(base: FactBase, code: str) -> model.Entity:
    matches = [entity for entity in base.of_type(model.Entity) if code in entity.codes]
    assert len(matches) == 1, f"{len(matches)} entities have the code {code}"
    return matches[0]


def test_every_country_has_alpha3_and_alpha2_codes(shipped_base: FactBase) -> None:
    countries = [entity for entity in shipped_base.of_type(model.Entity) if entity.entity_kind == "country"]
    assert countries
    for country in countries:
        alpha3 = [code for code in country.codes if re.fullmatch(r"[A-Z]{3}", code)]
        alpha2 = [code for code in country.codes if re.fullmatch(r"[A-Z]{2}", code)]
        if not country.codes:
            # A state ISO 3166 never coded (South Vietnam, the Joseon kingdom, Kosovo) says so.
            assert country.note and "ISO 3166" in country.note, f"{country.id} has no codes and no note why"
            continue
        assert len(alpha3) == 1 and len(alpha2) == 1, f"{country.id}: {country.codes}"
    codes = [code for country in countries for code in country.codes]
    assert len(codes) == len(set(codes)), "two countries share a code"


@pytest.mark.parametrize(
    ("codes", "english", "spanish", "korean"),
    [
        (("ESP", "ES"), "Spain", "España", True),
        (("PRK", "KP"), "North Korea", "Corea del Norte", True),
        (("KOR", "KR"), "South Korea", "Corea del Sur", True),
        (("SWE", "SE"), "Sweden", "Suecia", False),
        (("FRA", "FR"), "France", "Francia", False),
        (("JPN", "JP"), "Japan", "Japón", False),
        (("EU",), "European Union", "Unión Europea", False),
    ],
)
def test_countries_and_the_eu_have_their_names(
    shipped_base: FactBase, codes: tuple[str, ...], english: str, spanish: str, korean: bool
) -> None:
    entity = entity_by_code(shipped_base, codes[0])
    assert set(codes) <= set(entity.codes)
    names = {name.lang: name.text for name in entity.names}
    assert names["en"] == english
    assert names["es"] == spanish
    if korean:
        assert "ko" in names, f"{entity.id} has no Korean name"
    if "ko" in names:
        assert re.search(r"[\uac00-\ud7a3]", names["ko"]), f"{entity.id}: the ko name is not in Hangul"
    expected_kind = "international_organisation" if codes == ("EU",) else "country"
    assert entity.entity_kind == expected_kind


# -- key facts, at the precision the sources give -----------------------------------


def events(base: FactBase, *, actors: set[str], category: str | None = None, text: str = "") -> list[model.Event]:
    return [
        event
        for event in base.of_type(model.Event)
        if actors <= set(event.actors)
        and (category is None or event.category == category)
        and text.lower() in event.summary.lower()
    ]


def claimed(event: model.Event) -> set[str]:
    """Every date the sources claim for the event, as ISO text."""
    return {claim.value.iso() for claim in event.date}


def only(items: list[T], what: str) -> T:
    assert len(items) == 1, f"expected one {what}, found {len(items)}"
    return items[0]


@pytest.mark.parametrize(
    ("actors", "category", "text", "dates", "shown", "disputed"),
    [
        (
            {"esp", "prk"},
            "diplomatic_relations",
            "formally kept diplomatic relations",
            {"2001-02-07"},
            "2001-02-07",
            False,
        ),
        ({"es-council-of-ministers", "esp", "prk"}, "diplomatic_relations", "", {"2000-12-15"}, "2000-12-15", False),
        ({"eu", "prk"}, "diplomatic_relations", "", {"2001-05"}, "2001-05", False),
        # The Spain article's day of the announcement against the overview's day of the declaration.
        ({"esp", "prk"}, "expulsion", "ambassador", {"2017-09-18", "2017-09-19"}, "2017-09-18", True),
        # The overview's day refines the Spain article's month: the day is shown, no conflict.
        ({"free-joseon"}, "incident", "embassy in madrid", {"2019-02", "2019-02-22"}, "2019-02-22", False),
        ({"prk"}, "security", "third nuclear test", {"2013-02", "2013"}, "2013-02", False),
        ({"esp", "prk"}, "visit", "paer nam sun", {"2001-12-11"}, "2001-12-11", False),
        ({"kung-sok-ung"}, "visit", "", {"2013-10-25"}, "2013-10-25", False),
        ({"eu", "prk"}, "aid", "€10m", {"2011"}, "2011", False),
        ({"prk", "esp"}, "diplomatic_mission", "closes its embassy", {"2023"}, "2023", False),
        ({"six-party-talks"}, "multilateral", "are established", {"2003"}, "2003", False),
        ({"dza", "prk"}, "diplomatic_relations", "establishes", {"1958-09-25", "1958"}, "1958-09-25", False),
        ({"bwa", "prk"}, "diplomatic_relations", "breaks off", {"2014"}, "2014", False),
        # The overview disagrees with itself: its History against its United Kingdom section.
        ({"gbr", "prk"}, "diplomatic_relations", "establish", {"2000-12-12", "2000-12-13"}, "2000-12-12", True),
    ],
)
def test_key_events_have_their_dates(
    shipped_base: FactBase, actors: set[str], category: str, text: str, dates: set[str], shown: str, disputed: bool
) -> None:
    event = only(events(shipped_base, actors=actors, category=category, text=text), f"{category} event {text!r}")
    assert claimed(event) == dates
    assert model.shown_date(event.date) == PartialDate.parse(shown)
    assert bool(event.conflicts) == disputed


def madrid_embassy(base: FactBase) -> model.Mission:
    return only(
        [
            mission
            for mission in base.of_type(model.Mission)
            if (mission.sending, mission.host, mission.city) == ("prk", "esp", "madrid")
            and mission.mission_kind == "embassy"
        ],
        "North Korean embassy in Madrid",
    )


def test_the_madrid_embassy_opening_is_disputed_and_closing_is_2023(shipped_base: FactBase) -> None:
    mission = madrid_embassy(shipped_base)
    opened = {claim.value.iso(): claim.citation for claim in mission.opened}
    assert opened == {
        "2013-10": model.Citation("wikipedia-prk-esp", "Diplomatic relations"),
        "2014": model.Citation("wikipedia-prk-esp", "lead"),
        "2014-01": model.Citation("wikipedia-prk-foreign-relations-2019", "Spain"),
    }
    assert [conflict.field for conflict in mission.conflicts] == ["opened"]
    assert [claim.value for claim in mission.closed] == [PartialDate(2023)]
    assert mission.consular_services is False


def test_the_embassy_opening_event_carries_the_same_dispute(shipped_base: FactBase) -> None:
    event = only(events(shipped_base, actors={"prk", "esp"}, category="diplomatic_mission", text="opens"), "opening")
    assert claimed(event) == {"2013-10", "2014", "2014-01"}
    assert [conflict.field for conflict in event.conflicts] == ["date"]


def test_the_echo_office_closed_in_2008(shipped_base: FactBase) -> None:
    offices = [mission for mission in shipped_base.of_type(model.Mission) if mission.sending == "echo"]
    office = only(offices, "ECHO office")
    assert (office.host, office.city, office.mission_kind) == ("prk", "pyongyang", "humanitarian_office")
    assert [claim.value for claim in office.closed] == [PartialDate(2008)]
    assert [claim.value.precision for claim in office.closed] == ["year"]


def test_eu_aid_over_366m_since_1995_and_10m_in_2011(shipped_base: FactBase) -> None:
    eu_aid = [aid for aid in shipped_base.of_type(model.Aid) if (aid.donor, aid.recipient) == ("eu", "prk")]
    total = only([aid for aid in eu_aid if aid.amount == 366_000_000], "aid of €366m")
    assert (total.currency, total.amount_qualifier, total.period_from, total.period_to) == (
        "EUR",
        "more_than",
        PartialDate(1995),
        None,
    )
    emergency = only([aid for aid in eu_aid if aid.amount == 10_000_000], "aid of €10m")
    assert (emergency.currency, emergency.amount_qualifier) == ("EUR", None)
    assert emergency.period_from == emergency.period_to == PartialDate(2011)


def test_spain_is_served_by_sweden_and_seoul(shipped_base: FactBase) -> None:
    missions = {mission.id: mission for mission in shipped_base.of_type(model.Mission)}
    sweden = only([m for m in missions.values() if (m.sending, m.host) == ("swe", "prk")], "Swedish embassy")
    assert [(act.on_behalf_of, act.role) for act in sweden.acts_for] == [
        ("esp", "consular"),
        *((country, "protecting_power") for country in ("usa", "fin", "aus", "can")),
    ]
    seoul = only([m for m in missions.values() if (m.sending, m.host) == ("esp", "kor")], "Spanish embassy in Seoul")
    assert [(item.country, item.since) for item in seoul.accredited_to] == [("prk", PartialDate(2006))]
    assert not [m for m in missions.values() if (m.sending, m.host) == ("esp", "prk")], "Spain has no embassy there"


# -- no copied sentences ------------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-case words without punctuation; "Korea's" and "Korea\u2019s" are one word."""
    text = re.sub("['`\u2018\u2019]", "", text.lower())
    return re.findall(r"\w+", text)


def source_sentences() -> list[list[str]]:
    sentences = []
    for path in sorted(SOURCES_DIR.glob("*.txt")):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8")):
            if len(words(sentence)) >= 12:
                sentences.append(words(sentence))
    return sentences


def texts_of(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Frozen):
        for name, _default in fields_of(type(value)):
            yield from texts_of(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from texts_of(item)


RUN = 10


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason=f"the source documents are not at {SOURCES_DIR}")
def test_no_record_copies_a_run_of_ten_words_of_a_source_sentence(shipped_base: FactBase) -> None:
    sentences = source_sentences()
    assert len(sentences) > 20, "the source documents were not split into sentences"
    runs = {tuple(sentence[i : i + RUN]) for sentence in sentences for i in range(len(sentence) - RUN + 1)}
    copied = []
    for record in every_record(shipped_base):
        for text in texts_of(record):
            candidate = words(text)
            found = [run for i in range(len(candidate)) if (run := tuple(candidate[i : i + RUN])) in runs]
            if found:
                copied.append(f"{record.id}: '{' '.join(found[0])}'")
    assert not copied, "records copy the sources' wording:\n" + "\n".join(copied)


def test_the_copy_check_finds_a_copied_sentence() -> None:
    # The check above must be able to fail: a copied phrase, in other case and punctuation, is found.
    sentence = words("The EU countries' embassies in Pyongyang take it in turns to serve as the EU office.")
    text = "the eu countries embassies in PYONGYANG, take it in turns, to serve"
    runs = {tuple(sentence[i : i + RUN]) for i in range(len(sentence) - RUN + 1)}
    candidate = words(text)
    assert any(tuple(candidate[i : i + RUN]) in runs for i in range(len(candidate)))


# -- docs/schema.md -----------------------------------------------------------------

TYPE_NAMES = {
    "text": "text",
    "text_list": "list of text",
    "id": "id",
    "date": "date",
    "date_claims": "date or claims",
    "bool_or_null": "true/false/null",
    "number": "number",
    "names": "names",
    "citations": "citations",
    "objects": "list of items",
}


def type_name(spec: schema.Field) -> str:
    if spec.value_type == "ref":
        return "ref → " + " or ".join(spec.ref_kinds)
    if spec.value_type == "ref_list":
        return "list of refs → " + " or ".join(spec.ref_kinds)
    return TYPE_NAMES[spec.value_type]


def documented_tables() -> dict[str, dict[str, list[str]]]:
    """For each `### `name``, `#### `name` item` or other heading: field → cells of its table row."""
    tables: dict[str, dict[str, list[str]]] = {}
    heading = ""
    for line in SCHEMA_DOC.read_text(encoding="utf-8").splitlines():
        title = re.fullmatch(r"#{2,4} (?:`(\w+)`(?: item)?|(.+))", line)
        if title:
            heading = title.group(1) or title.group(2)
            continue
        row = re.fullmatch(r"\| `(\w+)` \|(.*)\|", line)
        if row:
            cells = [cell.strip() for cell in row.group(2).split(" | ")]
            tables.setdefault(heading, {})[row.group(1)] = cells
    return tables


def assert_documented(table: dict[str, list[str]], spec: dict[str, schema.Field], where: str) -> None:
    assert set(table) == set(spec), f"{where}: documented {sorted(table)}, schema has {sorted(spec)}"
    for name, field_spec in spec.items():
        cells = table[name]
        assert cells[0] == type_name(field_spec), f"{where}.{name}: type {cells[0]!r}"
        assert cells[1] == ("yes" if field_spec.required else "no"), f"{where}.{name}: required {cells[1]!r}"
        for choice in field_spec.choices:
            assert f"`{choice}`" in cells[-1], f"{where}.{name}: the choice {choice} is not documented"


def test_schema_doc_lists_every_field_of_every_section() -> None:
    tables = documented_tables()
    common = tables["Common fields"]
    assert_documented(common, schema.COMMON_FIELDS, "common fields")
    for section in schema.SECTIONS:
        if section.name == "sources":
            assert_documented(tables["sources"], section.fields, "sources")
            continue
        own = {name: spec for name, spec in section.fields.items() if name not in schema.COMMON_FIELDS}
        assert_documented(tables[section.name], own, section.name)
        for name, spec in own.items():
            if spec.value_type == "objects":
                assert_documented(tables[name], spec.item, f"{section.name}.{name}")


def test_schema_doc_lists_citation_and_claim_fields() -> None:
    tables = documented_tables()
    assert tables["Citations"] == {"source": ["ref → source", "yes"], "section": ["text", "yes"]}
    assert tables["Date claims and conflicts"] == {
        "value": ["date", "yes"],
        "source": ["ref → source", "yes"],
        "section": ["text", "yes"],
        "note": ["text", "no"],
    }


def yaml_examples() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", SCHEMA_DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_schema_doc_has_one_example_of_each_kind() -> None:
    sections = [example.split(":", 1)[0] for example in yaml_examples()]
    assert sorted(sections) == sorted(section.name for section in schema.SECTIONS)


def load_examples(tmp_path: Path) -> tuple[FactBase, list[model.Record]]:
    """The doc's examples, each a file of its own, read with docs_support.yaml.

    docs_support.yaml holds the few records the examples refer to that are not examples
    themselves, as a user of --no-builtin would write them.
    """
    paths = []
    for number, example in enumerate(yaml_examples()):
        path = tmp_path / f"example-{number}.yaml"
        path.write_text(example, encoding="utf-8")
        paths.append(path)
    base = load([DOCS_SUPPORT, *paths])
    examples = [record for record in every_record(base) if record.origin and record.origin.file != str(DOCS_SUPPORT)]
    return base, examples


def test_schema_doc_examples_pass_the_validator(tmp_path: Path) -> None:
    _, examples = load_examples(tmp_path)
    assert sorted(record.kind for record in examples) == sorted(section.record_type.KIND for section in schema.SECTIONS)
    event = only([record for record in examples if isinstance(record, model.Event)], "example event")
    assert [conflict.field for conflict in event.conflicts] == ["date"]


# Fields the examples may word or trim differently from the shipped records.
PROSE = {"summary", "advice", "reason", "registration", "registration_mission", "consular_help"}
PROSE |= {"consular_help_missions", "note", "notes", "details", "description", "opens_period", "origin"}


def test_schema_doc_examples_agree_with_the_shipped_base(shipped_base: FactBase, tmp_path: Path) -> None:
    _, examples = load_examples(tmp_path)
    for record in examples:
        shipped = shipped_base.get(record.id)
        assert shipped is not None, f"the example {record.id} is not in the shipped base"
        assert type(shipped) is type(record)
        # The fields a fact file writes (not those set when the base is compiled, as `listed`).
        written = next(section.fields for section in schema.SECTIONS if section.record_type is type(record))
        for name, _default in fields_of(type(record)):
            if name not in PROSE and name in written:
                assert getattr(record, name) == getattr(shipped, name), f"{record.id}.{name} differs"
