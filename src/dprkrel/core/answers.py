"""Shape query results into answers: the JSON contract and the table each command shows."""

from __future__ import annotations

from dprkrel.core import model, queries
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, fields_of, replace
from dprkrel.output.views import Answer, Bar, ChartView, Column, Mark, TableView

# Start-up: every command imports this module; typing (some 14 ms) is for type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from dprkrel.core.search import Hit
    from dprkrel.core.store import FactBase

    Json = dict[str, Any]

SCHEMA_VERSION = 1


# -- JSON for records ----------------------------------------------------------------------


def date_json(date: PartialDate | None) -> Json | None:
    return None if date is None else date.to_json()


def citation_json(citation: model.Citation) -> Json:
    return {"source": citation.source, "section": citation.section}


def conflict_json(conflict: model.Conflict, record: model.Record) -> Json:
    return {
        "field": conflict.field,
        "claims": [
            {
                "value": claim.value.to_json(),
                **citation_json(claim.citation or record.sources[0]),
                "note": claim.note,
            }
            for claim in conflict.claims
        ],
    }


def _value_json(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value.to_json()
    if isinstance(value, model.Citation):
        return citation_json(value)
    if isinstance(value, tuple):
        if value and isinstance(value[0], model.DateClaim):
            return date_json(model.earliest(value))
        if value and isinstance(value[0], model.Name):
            return {name.lang: name.text for name in value}
        return [_value_json(item) for item in value]
    if isinstance(value, Frozen):
        return {name: _value_json(getattr(value, name)) for name, _default in fields_of(type(value))}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def record_json(base: FactBase, record: model.Record) -> Json:
    """Every field of a record, with `id`, `kind`, `sources`, `conflicts` and `stated_as_of`.

    A field the sources dispute holds its earliest claim; `conflicts` lists every claim.
    """
    data: Json = {"id": record.id, "kind": record.kind}
    for name, _default in fields_of(type(record)):
        if name in ("id", "origin"):
            continue
        value = getattr(record, name)
        if name in record.CLAIM_FIELDS and not value:
            data[name] = None
        else:
            data[name] = _value_json(value)
    data["conflicts"] = [conflict_json(conflict, record) for conflict in record.conflicts]
    data["stated_as_of"] = date_json(queries.stated_as_of(base, record))
    return data


# -- the envelope -----------------------------------------------------------------------------


class Matched(Frozen):
    """A subject the query resolved to."""

    id: str
    name: str
    kind: str
    score: float


def envelope(
    command: str,
    *,
    query: str | None,
    matched: Sequence[Matched] = (),
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
        "matched": [match.as_dict() for match in matched],
        "as_of": as_of.iso() if as_of else None,
        "results": results,
        "warnings": warnings or [],
        "suggestions": suggestions or [],
    }


def warning(kind: str, message: str, record_id: str | None = None) -> Json:
    return {"type": kind, "message": message, "id": record_id}


def record_warnings(base: FactBase, records: Sequence[model.Record], as_of: PartialDate | None) -> list[Json]:
    """Conflicts, and present-tense facts whose source is older than the as-of date."""
    found = []
    for record in records:
        for conflict in record.conflicts:
            found.append(warning("conflict", conflict_text(conflict, record), record.id))
        stated = queries.stated_as_of(base, record)
        if stated is not None and as_of is not None and as_of.first_day > stated.last_day:
            message = f"{record.id}: stated as of {stated.human()} by its source; it may have changed since"
            found.append(warning("stale", message, record.id))
    return found


def conflict_text(conflict: model.Conflict, record: model.Record) -> str:
    claims = " vs ".join(
        f"{claim.value.human()} ({_cite(claim.citation or record.sources[0])})" for claim in conflict.claims
    )
    return f"{record.id}: sources disagree on '{conflict.field}': {claims}"


def _cite(citation: model.Citation) -> str:
    return f"{citation.source}, {citation.section}"


def sources_cell(record: model.Record) -> str:
    return "; ".join(_cite(citation) for citation in dict.fromkeys(model.all_citations(record)))


def _claims_cell(claims: tuple[model.DateClaim, ...]) -> str:
    """A date for a table; disputed dates side by side and starred (the note under the
    table gives each claim's source)."""
    if not claims:
        return "—"
    values = sorted({claim.value for claim in claims}, key=PartialDate.sort_key)
    if len(values) == 1:
        return values[0].human()
    return " / ".join(value.human() for value in values) + " *"


def _table(
    title: str,
    headers: Sequence[str | Column],
    rows: list[list[str]],
    notes: list[str],
    with_sources: bool,
    cited: Sequence[model.Record] | None = None,
) -> TableView:
    columns = [header if isinstance(header, Column) else Column(header) for header in headers]
    if with_sources and cited is not None:
        columns.append(Column("Sources"))
        rows = [[*row, sources_cell(record)] for row, record in zip(rows, cited, strict=True)]
    return TableView(title, tuple(columns), tuple(tuple(row) for row in rows), tuple(notes))


def _notes(warnings: list[Json]) -> list[str]:
    """Warnings as lines under a table; ambiguity is said on stderr already, not repeated."""
    marks = {"conflict": "* conflict", "stale": "as of", "status": "status unknown"}
    return [f"{marks[item['type']]}: {item['message']}" for item in warnings if item["type"] in marks]


# -- commands -------------------------------------------------------------------------------------


def timeline_answer(
    base: FactBase,
    events: list[model.Event],
    *,
    query: str | None,
    matched: Sequence[Matched],
    as_of: PartialDate | None,
    with_sources: bool,
    scope: frozenset[str] | None,
    warnings: list[Json],
    with_chart: bool = False,
) -> Answer:
    """Events as rows, and as a chart when asked for (the chart queries the missions too);
    `as_of` is None unless the user asked for events known by a date."""
    results = [record_json(base, event) for event in events]
    warnings = warnings + record_warnings(base, events, None)
    title = f"Timeline: {matched[0].name}" if matched else "Timeline"
    rows = [[_claims_cell(event.date), event.category.replace("_", " "), _event_text(event)] for event in events]
    table = _table(title, ("Date", "Category", "Event"), rows, _notes(warnings), with_sources, events)
    payload = envelope("timeline", query=query, matched=matched, as_of=as_of, results=results, warnings=warnings)
    chart = timeline_chart(base, title, events, scope=scope, as_of=as_of or queries.today()) if with_chart else None
    return Answer(payload, table, chart, found=bool(events))


def _event_text(event: model.Event) -> str:
    text = event.summary
    if event.inferred:
        text += " (inferred)"
    return text


def timeline_chart(
    base: FactBase, title: str, events: list[model.Event], *, scope: frozenset[str] | None, as_of: PartialDate
) -> ChartView:
    """Events as marks; relations, missions and accreditations as bars, all as known on `as_of`."""
    marks = tuple(Mark(event.summary, queries.event_date(event)) for event in events)
    bars: list[Bar] = []
    for event in events:
        if event.opens_period:
            bars.append(Bar(event.opens_period, queries.event_date(event), None))
    for mission in queries.missions_concerning(base, scope):
        opened = model.earliest(mission.opened)
        closed = model.earliest(mission.closed)
        # Short labels, so the chart's label column does not cut them: "Madrid embassy".
        place = queries.display_name(base, mission.city)
        label = f"{place} {mission.mission_kind.replace('_', ' ')}" if place else mission.name
        if opened is not None:
            disputed = " *" if len({claim.value for claim in mission.opened}) > 1 else ""
            known = closed is not None or mission.present_tense
            bars.append(Bar(label + disputed, opened, closed, end_known=known))
        for accreditation in mission.accredited_to:
            if accreditation.since is not None:
                country = queries.display_name(base, accreditation.country)
                bar = Bar(f"{place or mission.name} → {country}", accreditation.since, accreditation.until)
                bars.append(replace(bar, end_known=accreditation.until is not None or mission.present_tense))
    return ChartView(title, as_of, marks, tuple(_clipped(bars, as_of)))


def _clipped(bars: list[Bar], as_of: PartialDate) -> list[Bar]:
    """The bars as they stood on `as_of`: later periods left out, later ends not yet known."""
    clipped = []
    for bar in bars:
        if bar.start.first_day > as_of.last_day:
            continue
        if bar.end is not None and bar.end.first_day > as_of.last_day:
            bar = Bar(bar.label, bar.start, None)
        clipped.append(bar)
    return clipped


def embassy_answer(
    base: FactBase,
    missions: list[model.Mission],
    *,
    query: str | None,
    matched: Sequence[Matched],
    as_of: PartialDate,
    with_sources: bool,
    warnings: list[Json],
) -> Answer:
    results = []
    rows = []
    reasons: list[Json] = []
    for mission in missions:
        known_open = queries.known_open_from(base, mission)
        status = queries.mission_status(mission, as_of, known_open)
        data = record_json(base, mission)
        data["status"] = status.status
        data["status_reason"] = status.reason
        results.append(data)
        rows.append(
            [
                f"{mission.name}\n{queries.display_name(base, mission.sending)} → "
                f"{queries.display_name(base, mission.host)}",
                _claims_cell(mission.opened),
                _claims_cell(mission.closed),
                _status_cell(status, queries.stated_as_of(base, mission), as_of),
                {True: "yes", False: "no", None: "not stated"}[mission.consular_services],
                _roles_cell(base, mission),
            ]
        )
        if status.reason:
            reasons.append(warning("status", f"{mission.id}: {status.reason}", mission.id))
    warnings = warnings + reasons + record_warnings(base, missions, as_of)
    headers = ("Mission (from → in)", "Opened", "Closed", "Status", "Consular", "Accredited / acts for")
    title = f"Missions: {matched[0].name}" if matched else "Missions"
    table = _table(f"{title} (status as of {as_of.human()})", headers, rows, _notes(warnings), with_sources, missions)
    payload = envelope("embassy", query=query, matched=matched, as_of=as_of, results=results, warnings=warnings)
    return Answer(payload, table, found=bool(missions))


def _status_cell(status: queries.MissionStatus, stated: PartialDate | None, as_of: PartialDate) -> str:
    """The status word; 'open' known only from an older source says so (reasons go in the notes)."""
    text = status.status.replace("_", " ")
    if status.status == "open" and stated is not None and as_of.first_day > stated.last_day:
        text += f" (as of {stated.human()})"
    return text


def _roles_cell(base: FactBase, mission: model.Mission) -> str:
    parts = []
    for item in mission.accredited_to:
        since = f" since {item.since.human()}" if item.since else ""
        parts.append(f"accredited to {queries.display_name(base, item.country)}{since}")
    for role in mission.acts_for:
        parts.append(f"{role.role.replace('_', ' ')} for {queries.display_name(base, role.on_behalf_of)}")
    return "; ".join(parts) or "—"


def advisory_answer(
    base: FactBase,
    advisories: list[model.Advisory],
    *,
    query: str | None,
    matched: Sequence[Matched],
    as_of: PartialDate,
    with_sources: bool,
    warnings: list[Json],
) -> Answer:
    results = []
    rows: list[list[str]] = []
    for advisory in advisories:
        data = record_json(base, advisory)
        results.append(data)
        stated = queries.stated_as_of(base, advisory)
        rows += [
            ["Issued by", queries.display_name(base, advisory.issuer)],
            ["About", queries.display_name(base, advisory.subject)],
            ["Scope", advisory.scope],
            ["Advice", "\n".join(f"- {item}" for item in advisory.advice)],
            ["Why", advisory.reason or "—"],
            ["Register with", advisory.registration or "—"],
            ["Consular help", advisory.consular_help or "—"],
            ["Stated as of", stated.human() if stated else "—"],
        ]
        if with_sources:
            rows.append(["Sources", sources_cell(advisory)])
    warnings = warnings + record_warnings(base, advisories, as_of)
    title = f"Travel advice: {matched[0].name}" if matched else "Travel advice"
    table = TableView(
        title, (Column("Field", wrap=False), Column("Advice")), tuple(map(tuple, rows)), tuple(_notes(warnings))
    )
    payload = envelope("advisory", query=query, matched=matched, as_of=as_of, results=results, warnings=warnings)
    return Answer(payload, table, found=bool(advisories))


def search_answer(base: FactBase, hits: list[Hit], *, query: str, with_sources: bool) -> Answer:
    results = []
    rows = []
    for hit in hits:
        data = record_json(base, hit.record)
        data["score"] = hit.score
        # A record with a summary of its own keeps it; the others get their one-line description.
        data.setdefault("summary", queries.record_summary(base, hit.record))
        results.append(data)
        rows.append([hit.record.kind, f"{hit.score:.1f}", queries.record_summary(base, hit.record), hit.record.id])
    records = [hit.record for hit in hits]
    warnings = record_warnings(base, records, None)
    table = _table(
        f"Search: {query}", ("Kind", "Score", "Summary", "Id"), rows, _notes(warnings), with_sources, records
    )
    payload = envelope("search", query=query, as_of=None, results=results, warnings=warnings)
    return Answer(payload, table, found=bool(hits))


def show_answer(
    base: FactBase,
    entity: model.Entity,
    *,
    query: str,
    matched: Sequence[Matched],
    with_sources: bool,
    warnings: list[Json],
) -> Answer:
    related = queries.related_records(base, entity.id)
    data = record_json(base, entity)
    roles = data.pop("roles")
    result = {
        **{key: value for key, value in data.items() if key in ("id", "kind", "sources", "conflicts")},
        "entity": data,
        "roles": roles,
        "related": [
            {"id": record.id, "kind": record.kind, "summary": queries.record_summary(base, record)}
            for record in related
        ],
    }
    rows = [
        ["Name", entity.name],
        ["Kind", entity.entity_kind.replace("_", " ")],
        ["Names", "\n".join(f"{name.lang}: {name.text}" for name in entity.names) or "—"],
    ]
    if entity.aliases:
        rows.append(["Aliases", ", ".join(entity.aliases)])
    if entity.codes:
        rows.append(["Codes", ", ".join(entity.codes)])
    for label, ref in (("Country", entity.country), ("Part of", entity.part_of)):
        if ref:
            rows.append([label, queries.display_name(base, ref)])
    if entity.description:
        rows.append(["About", entity.description])
    for role in entity.roles:
        rows.append(["Role", _role_text(base, role)])
    if entity.note:
        rows.append(["Note", entity.note])
    if with_sources:
        rows.append(["Sources", sources_cell(entity)])
    for record in related:
        rows.append([record.kind.capitalize(), queries.record_summary(base, record)])
    notes = _notes(warnings + record_warnings(base, [entity, *related], None))
    table = TableView(
        f"Profile: {entity.name}", (Column("Field", wrap=False), Column("Value")), tuple(map(tuple, rows)), tuple(notes)
    )
    payload = envelope("show", query=query, matched=matched, as_of=None, results=[result], warnings=warnings)
    return Answer(payload, table)


def _role_text(base: FactBase, role: model.Role) -> str:
    text = role.title
    if role.of:
        text += f" ({queries.display_name(base, role.of)})"
    if role.since:
        text += f", since {role.since.human()}"
    if role.until:
        text += f", until {role.until.human()}"
    if role.inferred:
        text += " (inferred)"
    return text


def sources_answer(base: FactBase, *, with_sources: bool) -> Answer:
    counts = base.citation_counts()
    results = []
    rows = []
    for source in base.of_type(model.Source):
        data = record_json(base, source)
        data["stated_as_of"] = date_json(source.stated_as_of)
        data["records"] = counts.get(source.id, 0)
        results.append(data)
        stated = source.stated_as_of.human() if source.stated_as_of else "—"
        row = [source.id, source.title, source.publisher, stated, str(counts.get(source.id, 0))]
        if with_sources:
            row.append("; ".join(source.sections) or "—")
        rows.append(row)
    headers = ["Id", "Title", "Publisher", "As of", "Records"] + (["Sections"] if with_sources else [])
    # Addresses go under the table, each on a line of its own, so they are never wrapped
    # inside a narrow cell and stay whole for copying.
    notes = [f"{source.id}: {source.url}" for source in base.of_type(model.Source)]
    notes += [f"{source.id}: {source.date_note}" for source in base.of_type(model.Source) if source.date_note]
    table = TableView("Sources", tuple(Column(h) for h in headers), tuple(map(tuple, rows)), tuple(notes))
    payload = envelope("sources", query=None, as_of=None, results=results)
    return Answer(payload, table, found=bool(results))
