"""How each command's result is laid out for people: a table of text, and the chart.

Everything here reads the result alone; names, dates, statuses and summaries were worked out
by the core. The JSON is the result's own (`Result.to_json`), and the chart is drawn from
the result's `Chart`.
"""

from __future__ import annotations

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, fields_of, replace
from dprkrel.core.results import cite
from dprkrel.output.views import Answer, Column, TableView

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from dprkrel.core.queries import MissionStatus, Standing
    from dprkrel.core.results import Item, Result


def answer(result: Result, *, with_sources: bool = False, chart: bool = False, details: bool = False) -> Answer:
    """The result as the renderers take it: its JSON, its table and (with `chart`) its chart.

    `details` adds each event's details to the timeline's rows (the JSON always has them).
    """
    if result.command == "timeline":
        table = _timeline(result, with_sources, details=details)
    else:
        table = _LAYOUTS[result.command](result, with_sources)
    return Answer(result.to_json(), table, result.chart if chart else None, found=result.found)


def sources_cell(record: model.Record) -> str:
    return "; ".join(cite(citation) for citation in dict.fromkeys(model.all_citations(record)))


def _claims_cell(claims: tuple[model.DateClaim, ...]) -> str:
    """A date for a table; disputed dates side by side and starred (the note under the
    table gives each claim's source)."""
    from dprkrel.core.queries import claims_text

    return claims_text(claims)


def _date_cell(event: model.Event) -> str:
    """An event's date for a table: every claim, or "undated; by about …" on two lines, so
    that the column stays as narrow as a date."""
    from dprkrel.core.queries import date_text

    return date_text(event, "\n")


def _as_of(item: Item) -> str:
    """What a present-tense record's text is followed by: the date its source speaks as of."""
    return f" (as of {item.stated_as_of.human()})" if item.stated_as_of else ""


def _inferred(record: model.Record) -> str:
    return " (inferred)" if record.inferred else ""


def _details(record: model.Record) -> str:
    """The lines a record's one-line text leaves out: an event's details, a policy's areas."""
    lines = []
    if isinstance(record, model.Event):
        lines += [f"- {detail}" for detail in record.details]
    if isinstance(record, model.Policy) and record.areas:
        lines.append("Areas: " + "; ".join(record.areas))
    return "".join(f"\n{line}" for line in lines)


def _described(item: Item) -> str:
    """A record as a profile or search row gives it: its summary as its source states it
    (inferred, as of), then what the summary leaves out."""
    return item.summary + _inferred(item.record) + _as_of(item) + _details(item.record)


def _table(
    result: Result,
    headers: Sequence[str | Column],
    rows: list[list[str]],
    with_sources: bool,
) -> TableView:
    columns = [header if isinstance(header, Column) else Column(header) for header in headers]
    if with_sources:
        columns.append(Column("Sources"))
        rows = [[*row, sources_cell(item.record)] for row, item in zip(rows, result.items, strict=True)]
    return TableView(result.title, tuple(columns), tuple(tuple(row) for row in rows), _notes(result))


def _fields_table(result: Result, header: str, rows: list[list[str]]) -> TableView:
    """A table of (field, value) rows, such as a profile."""
    columns = (Column("Field", wrap=False), Column(header))
    return TableView(result.title, columns, tuple(map(tuple, rows)), _notes(result))


def _notes(result: Result) -> tuple[str, ...]:
    """Warnings as lines under a table; ambiguity is said on stderr already, not repeated."""
    marks = {"conflict": "* conflict", "stale": "as of", "status": "status unknown"}
    return tuple(f"{marks[item['type']]}: {item['message']}" for item in result.warnings if item["type"] in marks)


# -- each command's table ----------------------------------------------------------------------


def _timeline(result: Result, with_sources: bool, *, details: bool = False) -> TableView:
    rows = []
    for item in result.items:
        event = item.record
        assert isinstance(event, model.Event)
        text = event.summary + _inferred(event) + _as_of(item) + (_details(event) if details else "")
        rows.append([_date_cell(event), event.category.replace("_", " "), text])
    return _table(result, ("Date", "Category", "Event"), rows, with_sources)


def _embassy(result: Result, with_sources: bool) -> TableView:
    assert result.as_of is not None
    rows = []
    for item in result.items:
        mission = item.record
        assert isinstance(mission, model.Mission) and item.status is not None
        rows.append(
            [
                f"{mission.name}\n{result.name(mission.sending)} → {result.name(mission.host)}",
                _claims_cell(mission.opened),
                _claims_cell(mission.closed),
                _status_cell(item.status, item.stated_as_of, result.as_of),
                {True: "yes", False: "no", None: "not stated"}[mission.consular_services],
                _roles_cell(result, item),
            ]
        )
    headers = ("Mission (from → in)", "Opened", "Closed", "Status", "Consular", "Accredited / acts for")
    table = _table(result, headers, rows, with_sources)
    return replace(table, notes=table.notes + _listing_notes(result))


def _listing_notes(result: Result) -> tuple[str, ...]:
    """Each listed mission's address and contacts, a line under the table each, whole for copying."""
    notes = []
    for item in result.items:
        mission = item.record
        if not isinstance(mission, model.Mission):
            continue
        for listing in mission.listed:
            notes.append(f"{mission.id}: {_listing_text(listing, result.source_date(listing.sources[0]))}")
    return tuple(notes)


def _listing_text(listing: model.Listing, stated: PartialDate | None) -> str:
    """A listing as one line: its address (or that it gives none), coordinates and contacts."""
    when = f"listed as of {stated.human()}" if stated else "listed"
    parts = [f"{when} ({sources_cell(listing)})", f"address: {listing.address or 'not given'}"]
    if listing.latitude is not None and listing.longitude is not None:
        parts.append(f"coordinates: {listing.latitude}, {listing.longitude}")
    for label in ("phone", "email", "website", "facebook", "twitter"):
        value = getattr(listing, label)
        if value:
            parts.append(f"{label}: {value}")
    return "; ".join(parts)


def _status_cell(status: MissionStatus, stated: PartialDate | None, as_of: PartialDate) -> str:
    """The status word; 'open' known only from an older source says so (reasons go in the notes)."""
    text = status.status.replace("_", " ")
    if status.status == "open" and stated is not None and as_of.first_day > stated.last_day:
        text += f" (as of {stated.human()})"
    return text


def _roles_cell(result: Result, item: Item) -> str:
    """A mission's accreditations and the roles it plays for others; a role its own source
    states in the present tense, older than the mission's newest, says "as of" that source's date."""
    mission = item.record
    assert isinstance(mission, model.Mission)
    parts = []
    for accreditation in mission.accredited_to:
        since = f" since {accreditation.since.human()}" if accreditation.since else ""
        parts.append(f"accredited to {result.name(accreditation.country)}{since}")
    for listing in mission.listed:
        # The countries besides its host that a table of missions says it covers.
        covered = [result.name(country) for country in listing.jurisdictions if country != mission.host]
        if covered:
            stated = result.source_date(listing.sources[0])
            when = f" (listed as of {stated.human()})" if stated else ""
            parts.append(f"covers {', '.join(covered)}{when}")
    for role in mission.acts_for:
        text = f"{role.role.replace('_', ' ')} for {result.name(role.on_behalf_of)}"
        stated = result.source_date(role.citation) if mission.present_tense else None
        if stated is not None and stated != item.stated_as_of:
            text += f" (as of {stated.human()})"
        parts.append(text)
    return "; ".join(parts) or "—"


def _advisory(result: Result, with_sources: bool) -> TableView:
    rows: list[list[str]] = []
    for item in result.items:
        advisory = item.record
        assert isinstance(advisory, model.Advisory)
        stated = item.stated_as_of
        rows += [
            ["Issued by", result.name(advisory.issuer)],
            ["About", result.name(advisory.subject)],
            ["Scope", advisory.scope],
            ["Advice", "\n".join(f"- {line}" for line in advisory.advice)],
            ["Why", advisory.reason or "—"],
            ["Register with", advisory.registration or "—"],
            ["Consular help", advisory.consular_help or "—"],
            ["Stated as of", stated.human() if stated else "—"],
        ]
        if with_sources:
            rows.append(["Sources", sources_cell(advisory)])
    return _fields_table(result, "Advice", rows)


def _search(result: Result, with_sources: bool) -> TableView:
    rows = [
        [item.record.kind, f"{item.score:.1f}", _described(item), item.record.id]
        for item in result.items
        if item.score is not None
    ]
    return _table(result, ("Kind", "Score", "Summary", "Id"), rows, with_sources)


def _show(result: Result, with_sources: bool) -> TableView:
    entity = result.items[0].record
    if not isinstance(entity, model.Entity):
        return _record(result, with_sources)
    rows = [
        ["Name", entity.name],
        ["Kind", entity.entity_kind.replace("_", " ")],
        ["Names", "\n".join(f"{name.lang}: {name.text}" for name in entity.names) or "—"],
    ]
    if entity.aliases:
        rows.append(["Aliases", ", ".join(entity.aliases)])
    if entity.former_names:
        rows.append(["Formerly", ", ".join(entity.former_names)])
    if entity.codes:
        rows.append(["Codes", ", ".join(entity.codes)])
    if entity.continent:
        rows.append(["Continent", entity.continent])
    for label, ref in (("Country", entity.country), ("Part of", entity.part_of), ("Succeeded by", entity.successor)):
        if ref:
            rows.append([label, result.name(ref)])
    if entity.description:
        rows.append(["About", entity.description])
    for role in entity.roles:
        # A role with no end, stated in the present tense, holds as of its source's date.
        rows.append(["Role", _role_text(result, role) + ("" if role.until else _as_of(result.items[0]))])
    if entity.note:
        rows.append(["Note", entity.note])
    if with_sources:
        rows.append(["Sources", sources_cell(entity)])
    for item in result.items[1:]:
        rows.append([item.record.kind.capitalize(), _described(item)])
    return _fields_table(result, "Value", rows)


def _record(result: Result, with_sources: bool) -> TableView:
    """The profile of a record other than an entity: each field it has, then what it names."""
    item = result.items[0]
    record = item.record
    rows = [["Kind", record.kind], ["Summary", item.summary]]
    qualifier = getattr(record, "amount_qualifier", None)
    for name, value in _record_fields(record):
        if name == "amount_qualifier":
            continue  # said with the amount: "more than 366,000,000"
        text = _field_text(result, value)
        if name == "amount" and qualifier:
            text = f"{qualifier.replace('_', ' ')} {text}"
        rows.append([name.replace("_", " ").capitalize(), text])
    if item.stated_as_of is not None:
        rows.append(["Stated as of", item.stated_as_of.human()])
    if with_sources:
        rows.append(["Sources", sources_cell(record)])
    for named in result.items[1:]:
        rows.append(["Names", named.summary])
    return _fields_table(result, "Value", rows)


def _record_fields(record: model.Record) -> list[tuple[str, object]]:
    """The fields of a record that hold something, but those every profile shows its own way."""
    shown = []
    for name, _default in fields_of(type(record)):
        value = getattr(record, name)
        if name in ("id", "origin", "sources", "summary", "present_tense") or value in (None, "", (), False):
            continue
        shown.append((name, value))
    return shown


def _field_text(result: Result, value: object) -> str:
    """A field's value as text: dates as people write them, entity ids by their names."""
    if isinstance(value, tuple):
        if value and isinstance(value[0], model.DateClaim):
            return _claims_cell(value)
        return "\n".join(_field_text(result, part) for part in value)
    if isinstance(value, PartialDate):
        return value.human()
    if isinstance(value, str):
        return result.names.get(value, value)
    if isinstance(value, Frozen):
        parts = [(name, getattr(value, name)) for name, _ in fields_of(type(value))]
        shown = (
            f"{name.replace('_', ' ')}: {_field_text(result, part)}" for name, part in parts if part not in (None, "")
        )
        return "; ".join(shown)
    if isinstance(value, float):
        # A figure as the sources write it: "366,000,000", not "366000000.0".
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)


def _subjects(result: Result, with_sources: bool) -> TableView:
    rows = []
    for item in result.items:
        entity = item.record
        assert isinstance(entity, model.Entity)
        texts = (*(name.text for name in entity.names), *entity.aliases, *entity.codes)
        known_as = ", ".join(text for text in dict.fromkeys(texts) if text != entity.name)
        rows.append([entity.id, entity.name, entity.entity_kind.replace("_", " "), known_as or "—", str(item.involved)])
    return _table(result, ("Id", "Name", "Kind", "Also known as", "Records"), rows, with_sources)


def _role_text(result: Result, role: model.Role) -> str:
    text = role.title
    if role.of:
        text += f" ({result.name(role.of)})"
    if role.since:
        text += f", since {role.since.human()}"
    if role.until:
        text += f", until {role.until.human()}"
    if role.inferred:
        text += " (inferred)"
    return text


def _sources(result: Result, with_sections: bool) -> TableView:
    rows = []
    sources = []
    for item in result.items:
        source = item.record
        assert isinstance(source, model.Source)
        sources.append(source)
        stated = source.stated_as_of.human() if source.stated_as_of else "—"
        row = [source.id, source.title, source.publisher, stated, str(item.cited_by)]
        if with_sections:
            row.append("; ".join(source.sections) or "—")
        rows.append(row)
    headers = ["Id", "Title", "Publisher", "As of", "Records"] + (["Sections"] if with_sections else [])
    # Addresses go under the table, each on a line of its own, so they are never wrapped
    # inside a narrow cell and stay whole for copying.
    notes = [f"{source.id}: {source.url}" for source in sources]
    notes += [f"{source.id}: {source.date_note}" for source in sources if source.date_note]
    return TableView("Sources", tuple(Column(h) for h in headers), tuple(map(tuple, rows)), tuple(notes))


_STATUS_WORDS = {"not_stated": "not stated", "former_member": "former member"}


def _standing_text(standing: Standing) -> str:
    """A relation's status as a table says it: 'broken since 2014', 'active (as of 20 Jul 2019)'."""
    text = _STATUS_WORDS.get(standing.status, standing.status)
    if standing.since:
        text += f" since {standing.since.human()}"
    if standing.stated_as_of:
        text += f" (as of {standing.stated_as_of.human()})"
    return text


def _established_cell(standing: Standing) -> str:
    """When a relation was established, as the timeline dates events: undated and inferred marked."""
    text = _claims_cell(standing.established)
    if standing.established_undated:
        text = f"undated; by about {text}"
    return text + (" (inferred)" if standing.established_inferred else "")


def _relations(result: Result, with_sources: bool) -> TableView:
    if result.items and result.items[0].part == "relation":
        return _relation(result, with_sources)
    rows = []
    for item in result.items:
        standing = item.standing
        assert standing is not None
        rows.append(
            [
                result.name(standing.counterpart),
                standing.continent or "—",
                _established_cell(standing),
                _standing_text(standing),
            ]
        )
    return _table(result, ("Country or organisation", "Continent", "Established", "Status"), rows, with_sources)


def _relation(result: Result, with_sources: bool) -> TableView:
    """One relation: its status and history, the missions each way, the latest events."""
    first = result.items[0]
    relation = first.record
    assert isinstance(relation, model.Relation) and first.standing is not None
    names = " \N{EN DASH} ".join(result.name(party) for party in relation.between)
    rows = [
        ["Relation", names],
        ["Status", _standing_text(first.standing)],
        ["Established", _established_cell(first.standing)],
    ]
    if relation.note:
        rows.append(["Note", relation.note])
    if with_sources:
        rows.append(["Sources", sources_cell(relation)])
    labels = {"change": "Change", "event": "Event"}
    for item in result.items[1:]:
        record = item.record
        if isinstance(record, model.Mission) and item.status is not None:
            assert result.as_of is not None
            status = _status_cell(item.status, item.stated_as_of, result.as_of)
            text = f"{record.name} ({result.name(record.sending)} → {result.name(record.host)}): {status}"
            roles = _roles_cell(result, item)
            rows.append(["Mission", text + ("" if roles == "—" else f"\n{roles}")])
        elif isinstance(record, model.Event):
            change = f" [{record.change}]" if record.change else ""
            text = (
                f"{_date_cell(record).replace(chr(10), ' ')}{change}: {record.summary}{_inferred(record)}{_as_of(item)}"
            )
            rows.append([labels[item.part], text])
        if with_sources:
            rows[-1][1] += f"\n({sources_cell(record)})"
    table = _fields_table(result, "Value", rows)
    return replace(table, notes=table.notes + _listing_notes(result))


_LAYOUTS: dict[str, Any] = {
    "timeline": _timeline,
    "embassy": _embassy,
    "relations": _relations,
    "advisory": _advisory,
    "search": _search,
    "show": _show,
    "sources": _sources,
    "subjects": _subjects,
}
