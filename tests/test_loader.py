"""The strict loader: every problem in a fact file is found, with its place and record.

The fixture files with problems are in tests/data/bad/. Each marks the line of each
problem it holds with a trailing comment `# <name>`; the tables below say, for each
marker, where on that line the problem must be reported (the column where a piece of
text starts), which record it must name, and part of its message. They are read together
with tests/data/base.yaml, a valid file that gives them ids to refer to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from dprkrel.core import loader, model, schema
from dprkrel.core.dates import PartialDate
from dprkrel.core.errors import DataError, Problem
from dprkrel.core.frozen import Frozen, fields_of
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "base.yaml"
BAD = DATA / "bad"


@dataclass(frozen=True)
class Expected:
    """One problem a fixture must produce.

    marker: the problem is on the line whose comment holds `<marker>`; None: no line.
    token: the problem's column is where this text first starts on that line; None: no column.
    record_id: the record the problem must name.
    message: a part of the message; `<<line:M>>` stands for the line of marker M in the same
    file, `<<base-line:M>>` for its line in base.yaml, `<<file>>` and `<<base>>` for the paths.
    """

    marker: str | None
    token: str | None
    record_id: str | None
    message: str

    def prefixed(self, prefix: str) -> Expected:
        """The same problem in all.yaml, where the markers carry their file's name."""
        marker = None if self.marker is None else f"{prefix}/{self.marker}"
        message = re.sub(r"<<line:([^>]+)>>", lambda m: f"<<line:{prefix}/{m.group(1)}>>", self.message)
        return Expected(marker, self.token, self.record_id, message)


E = Expected

# Problems that one file of their own shows, and that all.yaml shows again all together.
RECORD_CASES: dict[str, list[Expected]] = {
    "unknown_keys": [
        E("record", "colour", "uk-entity", "unknown key 'colour' in a record of 'entities'; expected one of id,"),
        E("role", "salary", "uk-entity", "unknown key 'salary' in each item of 'roles'"),
        E("citation", "page", "uk-entity", "unknown key 'page' in each item of 'sources'; expected one of source,"),
        E("claim", "quote", "uk-mission", "unknown key 'quote' in each claim of 'opened'"),
        E("acts-for", "colour", "uk-mission", "unknown key 'colour' in each item of 'acts_for'"),
    ],
    "missing_fields": [
        E("record", "id:", "mf-event", "missing required key 'summary' in a record of 'events'"),
        E("no-id", "date:", None, "missing required key 'id' in a record of 'events'"),
        E("acts-for", "on_behalf_of", "mf-mission", "missing required key 'role' in each item of 'acts_for'"),
        E("citation", "{", "mf-mission", "missing required key 'section' in each item of 'sources'"),
    ],
    "wrong_types": [
        E("list-for-text", "[", "wt-entity", "'name' must be a single value, not a list"),
        E("text-for-list", "Dubya", "wt-entity", "'aliases' must be a list, not the value 'Dubya'"),
        E("mapping-for-list", "{", "wt-entity", "'codes' must be a list, not a mapping"),
    ],
    "bad_dates": [
        E("malformed", '"2001-1"', "bd-malformed", "'2001-1' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
        E("impossible", '"2023-02-30"', "bd-impossible", "'2023-02-30' is impossible: that month has 28 days"),
        E("one-claim", "-", "bd-one-claim", "a list of claims needs at least two"),
        E("no-month-13", '"2001-13-45"', "bd-mission", "'since': '2001-13-45' has no month 13"),
    ],
    "duplicate_keys": [
        E("record", "name", "dk-entity", "duplicate key 'name' (first at line <<line:record-first>>)"),
        E("names", "en", "dk-entity", "duplicate key 'en' (first at line <<line:names-first>>)"),
        E("citation", "section: body", "dk-entity", "duplicate key 'section' (first at line <<line:citation>>)"),
        E("top", "schema_version", None, "duplicate key 'schema_version' (first at line <<line:top-first>>)"),
    ],
    "duplicate_ids": [
        E("second", "id:", "di-statement", "duplicate id 'di-statement', first defined at <<file>>:<<line:first>>:5"),
    ],
    "clash": [
        E("clash", "id:", "land-a", "duplicate id 'land-a', first defined at <<base>>:<<base-line:land-a>>:5"),
    ],
    "dangling_refs": [
        E("actor", "atlantis", "dr-event", "'atlantis' is not the id of any record"),
        E("source", "src-z", "dr-event", "'src-z' is not the id of any record"),
        E("acts-for", "lemuria", "dr-mission", "'lemuria' is not the id of any record"),
    ],
    "wrong_kind_refs": [
        E("source-as-entity", "src-a", "wk-event", "'src-a' is a source, but an entity is expected here"),
        E("entity-as-source", "land-a", "wk-event", "'land-a' is an entity, but a source is expected here"),
        E("entity-as-event", "land-b", "wk-sanction", "'land-b' is an entity, but an event is expected here"),
        E("entity-as-mission", "city-b", "wk-advisory", "'city-b' is an entity, but a mission is expected here"),
    ],
    "coerced": [
        E("no", "NO", "co-entity", "'name' must be text, but 'NO' would be read as a boolean; quote it"),
        E("yes", "yes", "co-entity", "each item of 'aliases' must be text, but 'yes' would be read as a boolean"),
        E("bare-date", "2013", "co-entity", "'description' must be text, but '2013-10-01' would be read as a date"),
        E("on-key", "on", "co-entity", "the key 'on' would be read as a boolean; quote it or rename it"),
        E("nan", ".nan", "co-entity", "the en name must be text, but '.nan' would be read as a number"),
        E("sexagesimal", "1:20", "co-entity", "'section' must be text, but '1:20' would be read as an integer"),
        E("octal", "0755", "co-entity", "'note' must be text, but '0755' would be read as an integer"),
        E("unquoted-date", "2013", "co-event", "'date' must be a quoted date such as \"2013-10\""),
    ],
    "alias": [
        E("alias", "*when", "al-event", "aliases (*when) are not allowed in fact files"),
    ],
    "python_tag": [
        E("tag", "!!python", "pt-event", "the tag !!python/object/apply:os.getpid is not allowed"),
    ],
    # A citation's section is checked once every file is read, and reported where it is written.
    "unlisted_section": [
        E("section", "conclusion", "us-statement", "source 'src-a' has no section 'conclusion' (it has: intro; body)"),
        E("claim", "epilogue", "us-event", "source 'src-a' has no section 'epilogue' (it has: intro; body)"),
    ],
    "top_level": [
        E("version", "2", None, "schema_version 2 is not supported; this dprkrel reads 1"),
        E("unknown-section", "event", None, "unknown section 'event'; expected one of sources, entities, events"),
        E("not-a-list", "{", None, "the section 'policies' must be a list, not a mapping"),
    ],
    "bad_values": [
        E("choice", "planet", "bv-entity", "'entity_kind' must be one of country, international_organisation"),
        E("lang", "English", "bv-entity", "'English' is not a language tag"),
        E("bool", "yes", "bv-entity", "'inferred' must be true, false or null, not 'yes'"),
        E("id", "BV_Entity", "BV_Entity", "'id' 'BV_Entity' must be lower-case letters, digits"),
        E("empty", '"  "', "BV_Entity", "'name' must not be empty"),
        E("no-sources", "[]", "BV_Entity", "'sources' must name at least one source"),
        E("number", "1e6", "bv-aid", "'amount' must be a plain decimal number, not '1e6'"),
    ],
}

# Problems with a whole file: each stops the reading of its file, so none can share one.
FILE_CASES: dict[str, list[Expected]] = {
    "empty": [E(None, None, None, "the file holds no facts; expected a mapping with sections")],
    "comments_only": [E(None, None, None, "the file holds no facts")],
    "scalar": [E("scalar", "Just", None, "a fact file must be a mapping of keys to values, not the value 'Just some")],
    "list": [E("list", "-", None, "a fact file must be a mapping of keys to values, not a list")],
    "multi_doc": [E("second", "---", None, "not valid YAML: expected a single document in the stream")],
    "not_yaml": [E("syntax", ":", None, "not valid YAML: mapping values are not allowed")],
    "not_utf8": [E("bad-byte", "\ufffd", None, "is not UTF-8 text (byte 27)")],
}


def every_record(base: FactBase) -> list[model.Record]:
    """Every record of the base, in file order."""
    return list(base.at(range(sum(base.counts().values()))).values())


def marker_line(path: Path, marker: str) -> tuple[int, str]:
    """The 1-based number and the text of the one line of `path` that carries `<marker>`."""
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    pattern = re.compile(r"#.*<" + re.escape(marker) + ">")
    hits = [(number, text) for number, text in enumerate(lines, 1) if pattern.search(text)]
    assert len(hits) == 1, f"{path.name}: the marker <{marker}> must be on exactly one line"
    return hits[0]


def expected_message(expected: Expected, path: Path) -> str:
    message = expected.message.replace("<<file>>", str(path)).replace("<<base>>", str(BASE))
    message = re.sub(r"<<line:([^>]+)>>", lambda m: str(marker_line(path, m.group(1))[0]), message)
    return re.sub(r"<<base-line:([^>]+)>>", lambda m: str(marker_line(BASE, m.group(1))[0]), message)


def expected_problem(expected: Expected, path: Path) -> tuple[str, int | None, int | None, str | None]:
    line = column = None
    if expected.marker is not None:
        line, text = marker_line(path, expected.marker)
        if expected.token is not None:
            assert expected.token in text, f"{path.name}:{line} has no {expected.token!r}"
            column = text.index(expected.token) + 1
    return (str(path), line, column, expected.record_id)


def problems_of(paths: list[Path]) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load(paths)
    return list(caught.value.problems)


def assert_problems(problems: list[Problem], path: Path, expectations: list[Expected]) -> None:
    """Each expectation matches one problem of `path`, and there are no others."""
    listing = "\n".join(str(problem) for problem in problems)
    remaining = [problem for problem in problems if problem.file == str(path)]
    assert len(remaining) == len(problems), f"problems in other files:\n{listing}"
    for expected in expectations:
        place = expected_problem(expected, path)
        message = expected_message(expected, path)
        matches = [
            problem
            for problem in remaining
            if (problem.file, problem.line, problem.column, problem.record_id) == place and message in problem.message
        ]
        assert matches, f"no problem at {place} with message {message!r}; found:\n{listing}"
        remaining.remove(matches[0])
    assert not remaining, "unexpected problems:\n" + "\n".join(str(problem) for problem in remaining)


# -- one kind of problem per file ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(RECORD_CASES | FILE_CASES))
def test_each_fixture_reports_exactly_its_problems(name: str) -> None:
    path = BAD / f"{name}.yaml"
    expectations = (RECORD_CASES | FILE_CASES)[name]
    assert_problems(problems_of([BASE, path]), path, expectations)


def test_all_problems_of_one_file_are_reported_together() -> None:
    path = BAD / "all.yaml"
    expectations = [expected.prefixed(name) for name, cases in RECORD_CASES.items() for expected in cases]
    problems = problems_of([BASE, path])
    assert len(problems) == 51 == len(expectations)
    assert_problems(problems, path, expectations)


def test_problems_are_sorted_by_file_and_place() -> None:
    problems = problems_of([BASE, BAD / "all.yaml"])
    places = [(problem.line or 0, problem.column or 0) for problem in problems]
    assert places == sorted(places)


def test_problems_of_several_files_are_reported_together() -> None:
    names = ["coerced", "empty", "not_utf8", "unknown_keys"]
    problems = problems_of([BASE, *(BAD / f"{name}.yaml" for name in names)])
    counts = {name: sum(problem.file == str(BAD / f"{name}.yaml") for problem in problems) for name in names}
    assert counts == {"coerced": 8, "empty": 1, "not_utf8": 1, "unknown_keys": 5}
    assert [problem.file for problem in problems] == sorted(problem.file for problem in problems)


def test_problem_text_gives_file_line_column_and_record() -> None:
    path = BAD / "bad_dates.yaml"
    line, _ = marker_line(path, "impossible")
    lines = [str(problem) for problem in problems_of([BASE, path])]
    assert f"{path}:{line}:11: [bd-impossible] 'date': '2023-02-30' is impossible: that month has 28 days" in lines


def test_data_error_counts_its_problems() -> None:
    with pytest.raises(DataError) as caught:
        load([BASE, BAD / "wrong_types.yaml"])
    assert str(caught.value) == "3 problems in the fact files"
    with pytest.raises(DataError) as caught:
        load([BASE, BAD / "clash.yaml"])
    assert str(caught.value) == "1 problem in the fact files"


def test_an_alias_is_reported_where_it_is_used() -> None:
    path = BAD / "alias.yaml"
    line, _ = marker_line(path, "alias")
    assert [problem.line for problem in problems_of([BASE, path])] == [line]


# -- duplicate ids across files -----------------------------------------------------


def test_an_id_clash_between_two_files_names_both_files_and_lines(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    second = tmp_path / "second.yaml"
    record = "  - id: shared\n    subjects: [land-a]\n    category: identity\n    summary: S.\n"
    record += "    sources: [{source: src-a, section: intro}]\n"
    first.write_text("statements:\n" + record, encoding="utf-8")
    second.write_text("# a comment\n\nstatements:\n" + record, encoding="utf-8")
    problems = problems_of([BASE, first, second])
    assert [(p.file, p.line, p.column, p.record_id) for p in problems] == [(str(second), 4, 5, "shared")]
    assert problems[0].message == f"duplicate id 'shared', first defined at {first}:2:5"


def test_an_id_of_a_record_with_problems_still_clashes(tmp_path: Path) -> None:
    # The record with the clashing id has its own problem too: both are reported.
    path = tmp_path / "broken.yaml"
    path.write_text("entities:\n  - id: land-b\n    name: [x]\n", encoding="utf-8")
    problems = problems_of([BASE, path])
    messages = sorted(problem.message for problem in problems)
    assert len(problems) == 4
    assert messages[0].startswith("'name' must be a single value")
    assert messages[1].startswith("duplicate id 'land-b', first defined at")
    assert {problem.record_id for problem in problems} == {"land-b"}


# -- files that cannot be read ------------------------------------------------------


def test_a_missing_path_is_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    problems = problems_of([BASE, missing])
    assert problems == [Problem(str(missing), None, None, "no such file")]


def test_a_directory_is_one_problem(tmp_path: Path) -> None:
    problems = problems_of([tmp_path])
    assert problems == [Problem(str(tmp_path), None, None, "is a directory, not a fact file")]


def test_a_python_tag_never_runs(tmp_path: Path) -> None:
    target = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(
        "events:\n"
        "  - id: evil\n"
        f'    summary: !!python/object/apply:os.system ["touch {target}"]\n'
        f"    note: !!python/object/new:pathlib.Path ['{target}']\n",
        encoding="utf-8",
    )
    problems = problems_of([path])
    assert [(problem.line, problem.record_id) for problem in problems if "tag" in problem.message] == [
        (3, "evil"),
        (4, "evil"),
    ]
    assert not target.exists()


def test_nested_aliases_do_not_expand(tmp_path: Path) -> None:
    # "Billion laughs": each level doubles; expanded, the last would hold 2**40 items.
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 41)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of([path])
    sections = [problem for problem in problems if problem.message.startswith("unknown section 'a")]
    aliases = [problem for problem in problems if problem.message.startswith("aliases (*a")]
    more = [problem for problem in problems if problem.message.startswith("more aliases follow")]
    assert len(sections) == 41
    # The first aliases are reported at their own places, two on each of the lines 2 to 11;
    # the rest are summed up in one line at the next.
    assert len(aliases) == loader.MAX_ALIASES_REPORTED == 20
    assert sorted({problem.line for problem in aliases}) == list(range(2, 12))
    assert [problem.line for problem in more] == [12]
    assert len(problems) == len(sections) + len(aliases) + len(more)


TWO_EVENTS = """\
events:
  - id: ev-one
    date: "2001"
    category: visit
    summary: {summary}
    actors: &who [land-a]
    sources: [{{source: src-a, section: body}}]
  - id: ev-two
    date: "2002"
    category: visit
    summary: A second visit.
    actors: {actors}
    sources: [{{source: src-a, section: body}}]
"""


def test_an_alias_to_an_earlier_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "across.yaml"
    path.write_text(TWO_EVENTS.format(summary="A visit.", actors="*who"), encoding="utf-8")
    problems = problems_of([BASE, path])
    assert [(problem.line, problem.record_id) for problem in problems] == [(12, "ev-two")]
    assert problems[0].message.startswith("aliases (*who) are not allowed")


def test_asterisks_in_text_are_only_text(tmp_path: Path) -> None:
    """A file with an asterisk is walked with alias checks on, one without with them off:
    both read the same records."""
    with_star, without = tmp_path / "star.yaml", tmp_path / "plain.yaml"
    with_star.write_text(TWO_EVENTS.format(summary='"A visit * at last."', actors="[land-b]"), encoding="utf-8")
    without.write_text(TWO_EVENTS.format(summary='"A visit - at last."', actors="[land-b]"), encoding="utf-8")
    starred = {record.id: record for record in every_record(load([BASE, with_star]))}
    plain = {record.id: record for record in every_record(load([BASE, without]))}
    assert starred["ev-one"].summary == "A visit * at last."
    assert starred["ev-two"] == plain["ev-two"]
    assert starred.keys() == plain.keys()


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.read_bytes())
    assert load([path]).counts() == load([BASE]).counts()


# -- the happy path -----------------------------------------------------------------


@pytest.fixture(scope="module")
def base() -> FactBase:
    return load([BASE])


def test_base_fixture_loads_every_kind(base: FactBase) -> None:
    assert base.counts() == {
        "source": 2,
        "entity": 4,
        "event": 2,
        "mission": 1,
        "relation": 1,
        "listing": 1,
        "advisory": 1,
        "aid": 1,
        "policy": 1,
        "sanction": 1,
        "statement": 1,
    }
    assert base.files == (str(BASE),)
    kinds = {record.id: type(record) for record in every_record(base)}
    assert kinds["src-a"] is model.Source
    assert kinds["land-a"] is model.Entity
    assert kinds["ev-opening"] is model.Event
    assert kinds["ms-embassy"] is model.Mission
    assert kinds["adv-a-b"] is model.Advisory
    assert kinds["aid-a-b"] is model.Aid
    assert kinds["pol-a-b"] is model.Policy
    assert kinds["san-a-b"] is model.Sanction
    assert kinds["st-a-b"] is model.Statement


def test_records_keep_file_order_and_origin(base: FactBase) -> None:
    ids = [record.id for record in every_record(base)]
    assert ids[:3] == ["src-a", "src-b", "land-a"]
    line, _ = marker_line(BASE, "land-a")
    assert base.by_id["land-a"].origin == model.Origin(str(BASE), line, 5)


def test_a_source_is_built(base: FactBase) -> None:
    source = base.by_id["src-b"]
    assert isinstance(source, model.Source)
    assert source.stated_as_of == PartialDate(2023, 5)
    assert source.sections == ()
    assert base.by_id["src-a"] == model.Source(
        id="src-a",
        title="Source A",
        publisher="Test publisher",
        url="https://example.org/a",
        stated_as_of=PartialDate(2013),
        sections=("intro", "body"),
    )


def test_an_entity_is_built_with_names_codes_and_roles(base: FactBase) -> None:
    land = base.by_id["land-a"]
    assert isinstance(land, model.Entity)
    assert land.names == (model.Name("en", "Land A"), model.Name("es", "Tierra A"), model.Name("ko-Latn", "Nara A"))
    assert land.codes == ("LDA", "LA")
    assert land.aliases == ("Alpha",)
    assert land.sources == (model.Citation("src-a", "intro"),)
    assert land.present_tense is False
    assert land.inferred is False
    person = base.by_id["person-a"]
    assert isinstance(person, model.Entity)
    assert person.present_tense is True
    assert person.roles == (
        model.Role("Ambassador", of="land-a", since=PartialDate(2001, 2), inferred=True),
        model.Role("Writer"),
    )


def test_a_single_date_is_one_claim_without_conflict(base: FactBase) -> None:
    event = base.by_id["ev-relations"]
    assert isinstance(event, model.Event)
    assert event.date == (model.DateClaim(PartialDate(2001, 2, 7)),)
    assert event.date[0].value.precision == "day"
    assert event.conflicts == ()
    assert event.actors == ("land-a", "land-b")


def test_date_claims_that_differ_are_a_conflict(base: FactBase) -> None:
    event = base.by_id["ev-opening"]
    assert isinstance(event, model.Event)
    claims = (
        model.DateClaim(PartialDate(2013, 10), model.Citation("src-a", "body"), "Source A gives October 2013."),
        model.DateClaim(PartialDate(2014), model.Citation("src-b", "lead"), None),
    )
    assert event.date == claims
    assert event.conflicts == (model.Conflict("date", claims),)
    assert model.shown_date(event.date) == PartialDate(2013, 10)


def test_a_claim_that_only_refines_another_is_no_conflict(base: FactBase) -> None:
    # The listing's day, 2 October 2013, lies within the month both other claims give.
    mission = base.by_id["ms-embassy"]
    assert isinstance(mission, model.Mission)
    assert [claim.value for claim in mission.opened] == [
        PartialDate(2013, 10),
        PartialDate(2013, 10),
        PartialDate(2013, 10, 2),
    ]
    assert mission.conflicts == ()
    assert model.shown_date(mission.opened) == PartialDate(2013, 10, 2)
    refining = (model.DateClaim(PartialDate(2019, 2)), model.DateClaim(PartialDate(2019, 2, 22)))
    assert not model.disagree(refining)
    assert model.disagree((model.DateClaim(PartialDate(2013, 10)), model.DateClaim(PartialDate(2014, 1))))
    # Two days of one month both refine the month, but not each other: a conflict.
    assert model.disagree((*refining, model.DateClaim(PartialDate(2019, 2, 23))))


def test_date_claims_that_agree_are_no_conflict(base: FactBase) -> None:
    mission = base.by_id["ms-embassy"]
    assert isinstance(mission, model.Mission)
    assert [claim.value for claim in mission.opened][:2] == [PartialDate(2013, 10), PartialDate(2013, 10)]
    assert mission.conflicts == ()


def test_a_mission_is_built_with_its_items(base: FactBase) -> None:
    mission = base.by_id["ms-embassy"]
    assert isinstance(mission, model.Mission)
    assert mission.closed == (model.DateClaim(PartialDate(2023)),)
    assert mission.consular_services is False
    assert mission.accredited_to == (model.Accreditation("land-a", since=PartialDate(2006)),)
    assert mission.acts_for == (model.ActingRole("land-b", "consular", scope="Everything consular."),)
    assert mission.notes == ("A note.",)
    assert (mission.sending, mission.host, mission.city, mission.mission_kind) == (
        "land-a",
        "land-b",
        "city-b",
        "embassy",
    )


def test_aid_amounts_are_numbers(base: FactBase) -> None:
    aid = base.by_id["aid-a-b"]
    assert isinstance(aid, model.Aid)
    assert aid.amount == 10.5
    assert (aid.currency, aid.amount_qualifier) == ("EUR", "more_than")
    assert aid.period_from == PartialDate(1995)
    assert aid.period_to is None
    assert aid.prompted_by == ("ev-relations",)


def test_other_kinds_are_built(base: FactBase) -> None:
    advisory = base.by_id["adv-a-b"]
    assert isinstance(advisory, model.Advisory)
    assert advisory.advice == ("Do not go.",)
    assert advisory.consular_help_missions == ("ms-embassy",)
    policy = base.by_id["pol-a-b"]
    assert isinstance(policy, model.Policy)
    assert policy.since == PartialDate(2001)
    sanction = base.by_id["san-a-b"]
    assert isinstance(sanction, model.Sanction)
    assert sanction.prompted_by == ("ev-opening",)
    statement = base.by_id["st-a-b"]
    assert isinstance(statement, model.Statement)
    assert statement.subjects == ("land-a", "land-b")


def test_a_user_file_may_refer_to_another_files_records(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "events:\n  - id: mine\n    date: '2002'\n    category: visit\n    summary: A visit.\n"
        "    actors: [land-a]\n    sources: [{source: src-b, section: anything}]\n",
        encoding="utf-8",
    )
    base = load([BASE, path])
    assert base.by_id["mine"].origin == model.Origin(str(path), 2, 5)
    assert base.counts()["event"] == 3


def test_the_shipped_base_has_exactly_its_known_conflicts(shipped_base: FactBase) -> None:
    found = {
        (record.id, conflict.field): {claim.value.iso() for claim in conflict.claims}
        for record in every_record(shipped_base)
        for conflict in record.conflicts
    }
    # The embassy in Madrid: October 2013 and 2014 in the Spain article, January 2014 in the
    # 2019 overview; the day the ambassador was expelled (the Spain article's announcement,
    # the overview's declaration); the United Kingdom's relations, 13 December 2000 in the
    # overview's History and 12 December in its United Kingdom section. Claims that only
    # refine one another (the Madrid break-in on 22 February 2019) are not among them.
    assert found == {
        ("ev-2013-10-prk-embassy-madrid-opens", "date"): {"2013-10", "2014", "2014-01"},
        ("prk-embassy-madrid", "opened"): {"2013-10", "2014", "2014-01"},
        ("ev-2017-09-19-ambassador-expelled", "date"): {"2017-09-18", "2017-09-19"},
        ("ev-2000-12-gbr-prk-relations", "date"): {"2000-12-12", "2000-12-13"},
    }


# -- the schema, as it is read from the model -------------------------------------------


def test_every_schema_rule_names_a_field_of_its_record_class() -> None:
    for cls, rules in schema.RULES.items():
        fields = {name for name, _default in fields_of(cls)}
        assert set(rules) <= fields, f"{cls.__name__}: rules for {sorted(set(rules) - fields)}"


def test_a_field_whose_annotation_the_schema_does_not_know_is_refused() -> None:
    class Odd(Frozen):
        counts: dict[str, int]

    with pytest.raises(TypeError, match=r"Odd\.counts: 'dict\[str,int\]' is neither a value type"):
        schema.fields_for(Odd)


def test_a_required_field_is_one_without_a_default_or_with_only_the_empty_text() -> None:
    entity = schema.SECTIONS_BY_NAME["entities"].fields
    assert entity["id"].required and entity["name"].required and entity["sources"].required
    assert not entity["description"].required and not entity["aliases"].required
    assert list(schema.CLAIM_FIELDS) == ["value", "source", "section", "note"]
