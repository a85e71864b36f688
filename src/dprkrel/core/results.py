"""What each command answers: complete results, computed once, and their JSON.

A result holds everything any view of it needs: the records with the dates, "as of" dates,
statuses and one-line summaries the store alone could give, the display name of every
entity they refer to, warnings and suggestions. The output layer formats a result without
asking the fact base anything; `to_json()` is the JSON contract every `--json` prints.
"""

from __future__ import annotations

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, fields_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

    from dprkrel.core.queries import MissionStatus, Standing
    from dprkrel.core.subjects import Match

    Json = dict[str, Any]
    # Each source's id and the date it speaks as of (Result.source_dates).
    SourceDates = tuple[tuple[str, PartialDate], ...]

SCHEMA_VERSION = 1


class Item(Frozen):
    """A record as a result shows it.

    `stated_as_of` is the date of the newest source of a present-tense record (None when the
    record is not in the present tense); `summary` is its one-line description.
    """

    record: model.Record
    stated_as_of: PartialDate | None = None
    summary: str = ""
    status: MissionStatus | None = None  # a mission's status on the result's as-of date
    score: float | None = None  # how well a search hit matches
    cited_by: int = 0  # for a source: how many records cite it
    involved: int = 0  # for a subject: how many records involve it
    standing: Standing | None = None  # a relation's status on the result's as-of date
    # What the item is in the answer of `relations COUNTRY`: "relation" (the one asked about),
    # "mission", "change" (an event changing it) or "event" (one of the latest others); ""
    # for a row of a list.
    part: str = ""


class Bar(Frozen):
    """A period of a subject's history, such as a mission open from one date to another.

    `end` None means still running as of `stated_as_of` when that is given, else as of the
    chart's date (or an unknown end); `end_known` False means the end is unknown, not ongoing.
    """

    label: str
    start: PartialDate
    end: PartialDate | None
    end_known: bool = True
    # For a period a present-tense source says is still running: that source's date, where
    # the bar ends (it was still true then; nothing is known after).
    stated_as_of: PartialDate | None = None
    # For a period whose start or end the sources dispute (its label is starred): every claim.
    disputed: str | None = None


class Mark(Frozen):
    """A dated event of a subject's history."""

    label: str
    date: PartialDate
    # The source gives no date; `date` is the latest it allows: the legend lists it last of its date.
    undated: bool = False


class Chart(Frozen):
    """A subject's history as known on `as_of`, for the timeline chart: events as marks,
    relations, missions and accreditations as bars."""

    title: str
    as_of: PartialDate
    marks: tuple[Mark, ...]
    bars: tuple[Bar, ...]


class Result(Frozen):
    """The answer to one command.

    `names` gives the display name of every entity the items refer to; `nothing` is what to
    say when there are no items.
    """

    command: str
    query: str | None
    matched: tuple[Match, ...]
    as_of: PartialDate | None
    items: tuple[Item, ...]
    names: dict[str, str]
    warnings: tuple[Json, ...] = ()
    suggestions: tuple[Match, ...] = ()
    nothing: str = ""
    chart: Chart | None = None  # the timeline's chart, when asked for
    title: str = ""
    # The date each source speaks as of, by id: what a part of a record citing its own source
    # (a listing, a role) holds as of.
    source_dates: tuple[tuple[str, PartialDate], ...] = ()

    def source_date(self, citation: model.Citation | None) -> PartialDate | None:
        """The date the cited source speaks as of (None for no citation)."""
        if citation is None:
            return None
        return next((date for source, date in self.source_dates if source == citation.source), None)

    @property
    def found(self) -> bool:
        return bool(self.items)

    def name(self, entity_id: str | None) -> str:
        """The display name of an entity the items refer to ("" for None)."""
        if entity_id is None:
            return ""
        return self.names.get(entity_id, entity_id)

    def to_json(self) -> Json:
        """The one JSON object the command prints with --json."""
        if self.command == "show" and self.items:
            # One result: the profile of the entity (or record), with every other item as a
            # related record.
            results = [_profile_json(self, record_json(self.items[0], self.names, self.source_dates))]
        elif self.command == "relations" and self.items and self.items[0].part == "relation":
            # One result: the relation, with its missions, changes and latest events inside it.
            results = [_relation_json(self)]
        else:
            results = [_item_json(self, item) for item in self.items]
        return envelope(
            self.command,
            query=self.query,
            matched=self.matched,
            as_of=self.as_of,
            results=results,
            warnings=list(self.warnings),
            suggestions=[match_json(match) for match in self.suggestions],
        )


class Validation(Frozen):
    """What `validate` found: the files read, and how many records of each kind they hold."""

    files: tuple[str, ...]
    counts: dict[str, int]

    def to_json(self) -> Json:
        return {"files": list(self.files), "counts": dict(self.counts)}


# -- JSON --------------------------------------------------------------------------------------


def match_json(match: Match) -> Json:
    return {"id": match.id, "name": match.name, "kind": match.kind, "score": match.score}


def envelope(
    command: str,
    *,
    query: str | None,
    matched: Sequence[Match] = (),
    as_of: PartialDate | None,
    results: list[Json],
    warnings: list[Json] | None = None,
    suggestions: list[Json] | None = None,
) -> Json:
    """The one JSON object every command prints."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "query": query,
        "matched": [match_json(match) for match in matched],
        "as_of": as_of.iso() if as_of else None,
        "results": results,
        "warnings": warnings or [],
        "suggestions": suggestions or [],
    }


def _item_json(result: Result, item: Item) -> Json:
    data = record_json(item, result.names, result.source_dates)
    match result.command:
        case "embassy" | "relations" if item.status is not None:
            # A mission, listed by `embassy` or among a relation's: its status on the as-of date.
            data["status"] = item.status.status
            data["status_reason"] = item.status.reason
        case "search":
            data["score"] = item.score
            # A record with a summary of its own keeps it; the others get their description.
            data.setdefault("summary", item.summary)
        case "sources":
            assert isinstance(item.record, model.Source)
            data["stated_as_of"] = date_json(item.record.stated_as_of)
            data["records"] = item.cited_by
        case "subjects":
            data["records"] = item.involved
        case "relations" if item.standing is not None:
            data.update(standing_json(item.standing, result.names))
    return data


def standing_json(standing: Standing, names: Mapping[str, str]) -> Json:
    """A relation's status on the as-of date, and its establishment, as JSON."""
    established = [claim_json(claim, None) for claim in standing.established] if standing.established else []
    return {
        "counterpart": standing.counterpart,
        "counterpart_name": names.get(standing.counterpart, standing.counterpart),
        "continent": standing.continent,
        "status": standing.status,
        "status_since": date_json(standing.since),
        "status_stated_as_of": date_json(standing.stated_as_of),
        "status_reason": standing.reason,
        "established": date_json(model.shown_date(standing.established)),
        "established_claims": established,
        "established_undated": standing.established_undated,
        "established_inferred": standing.established_inferred,
    }


def _relation_json(result: Result) -> Json:
    data = _item_json(result, result.items[0])
    for part, key in (("mission", "missions"), ("change", "changes"), ("event", "latest_events")):
        data[key] = [_item_json(result, item) for item in result.items[1:] if item.part == part]
    return data


def _profile_json(result: Result, data: Json) -> Json:
    common = {key: value for key, value in data.items() if key in ("id", "kind", "sources", "conflicts")}
    related = [_reference_json(item) for item in result.items[1:]]
    if "roles" not in data:
        # The profile of a record other than an entity: the record, then the entities it names.
        return {**common, "record": data, "related": related}
    roles = data.pop("roles")
    return {**common, "entity": data, "roles": roles, "related": related}


def _reference_json(item: Item) -> Json:
    """A related record in a profile: enough to read it as its source states it."""
    record = item.record
    return {
        "id": record.id,
        "kind": record.kind,
        "summary": item.summary,
        "inferred": record.inferred,
        "present_tense": record.present_tense,
        "stated_as_of": date_json(item.stated_as_of),
        "conflicts": [conflict_json(conflict, record) for conflict in record.conflicts],
    }


def date_json(date: PartialDate | None) -> Json | None:
    return None if date is None else date.to_json()


def citation_json(citation: model.Citation) -> Json:
    return {"source": citation.source, "section": citation.section}


def claim_json(claim: model.DateClaim, record: model.Record | None) -> Json:
    """One source's claim about a date: the value, its source and section (the record's
    first, for a claim its own sources make), and its note."""
    citation = claim.citation or (record.sources[0] if record is not None else None)
    cited = citation_json(citation) if citation is not None else {"source": None, "section": None}
    return {"value": claim.value.to_json(), **cited, "note": claim.note}


def conflict_json(conflict: model.Conflict, record: model.Record) -> Json:
    return {"field": conflict.field, "claims": [claim_json(claim, record) for claim in conflict.claims]}


# Fields that hold the id of an entity or a mission: each gets the name beside it, as
# `<field>_name` (or `<field>_names`, in the same order, for a list of ids).
REFERENCE_FIELDS = frozenset(
    {
        "country",
        "part_of",
        "of",
        "sending",
        "host",
        "city",
        "on_behalf_of",
        "issuer",
        "subject",
        "subjects",
        "donor",
        "recipient",
        "channels",
        "between",
        "successor",
        "jurisdictions",
        "mission",
        "imposer",
        "target",
        "actors",
        "places",
        "registration_mission",
        "consular_help_missions",
    }
)


def _value_json(value: Any, names: Mapping[str, str], dates: SourceDates = ()) -> Any:
    if isinstance(value, PartialDate):
        return value.to_json()
    if isinstance(value, model.Citation):
        return citation_json(value)
    if isinstance(value, tuple):
        if value and isinstance(value[0], model.DateClaim):
            return date_json(model.shown_date(value))
        if value and isinstance(value[0], model.Name):
            return {name.lang: name.text for name in value}
        return [_value_json(item, names, dates) for item in value]
    if isinstance(value, model.Record):
        # A record inside another (a mission's listing) reads as a record of its own.
        return record_json(Item(value, _stated(value, dates)), names, dates)
    if isinstance(value, Frozen):
        data = {name: _value_json(getattr(value, name), names) for name, _default in fields_of(type(value))}
        return _with_names(data, names)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _with_names(data: Json, names: Mapping[str, str]) -> Json:
    """`data` with the name of each entity or mission it refers to just after the id."""
    named: Json = {}
    for key, value in data.items():
        named[key] = value
        if key not in REFERENCE_FIELDS:
            continue
        if isinstance(value, list):
            named[f"{key}_names"] = [names.get(item, item) for item in value]
        elif value is None or isinstance(value, str):
            named[f"{key}_name"] = None if value is None else names.get(value, value)
    return named


def _stated(record: model.Record, dates: SourceDates) -> PartialDate | None:
    """The date a present-tense record inside another holds as of: its newest source's."""
    if not record.present_tense:
        return None
    cited = {citation.source for citation in record.sources}
    found = [date for source, date in dates if source in cited]
    return max(found, key=PartialDate.sort_key) if found else None


def record_json(item: Item, names: Mapping[str, str] | None = None, dates: SourceDates = ()) -> Json:
    """Every field of a record, with `id`, `kind`, `sources`, `conflicts` and `stated_as_of`.

    A date field holds its earliest claim; `<field>_claims` lists every claim with its source
    (one for an undisputed date), and `conflicts` lists the fields the sources dispute.
    Each id of an entity or mission has its name beside it, from `names` (id -> name).
    """
    names = names or {}
    record = item.record
    data: Json = {"id": record.id, "kind": record.kind}
    for name, _default in fields_of(type(record)):
        if name in ("id", "origin"):
            continue
        value = getattr(record, name)
        if name in record.CLAIM_FIELDS and not value:
            data[name] = None
        else:
            data[name] = _value_json(value, names, dates)
        if name in record.CLAIM_FIELDS:
            # The field holds the earliest claim; every claim, with its source, is beside it.
            data[f"{name}_claims"] = [claim_json(claim, record) for claim in value]
    data = _with_names(data, names)
    data["conflicts"] = [conflict_json(conflict, record) for conflict in record.conflicts]
    data["stated_as_of"] = date_json(item.stated_as_of)
    return data


# -- warnings ----------------------------------------------------------------------------------


def warning(kind: str, message: str, record_id: str | None = None) -> Json:
    return {"type": kind, "message": message, "id": record_id}


def record_warnings(items: Iterable[Item], as_of: PartialDate | None) -> list[Json]:
    """Conflicts, and present-tense facts whose source is older than the as-of date."""
    found = []
    for item in items:
        record = item.record
        for conflict in record.conflicts:
            found.append(warning("conflict", conflict_text(conflict, record), record.id))
        stated = item.stated_as_of
        if stated is not None and as_of is not None and as_of.first_day > stated.last_day:
            message = f"{record.id}: stated as of {stated.human()} by its source; it may have changed since"
            found.append(warning("stale", message, record.id))
    return found


def conflict_text(conflict: model.Conflict, record: model.Record) -> str:
    claims = " vs ".join(
        f"{claim.value.human()} ({cite(claim.citation or record.sources[0])})" for claim in conflict.claims
    )
    return f"{record.id}: sources disagree on '{conflict.field}': {claims}"


def cite(citation: model.Citation) -> str:
    return f"{citation.source}, {citation.section}"
