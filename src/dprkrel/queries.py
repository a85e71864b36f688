"""The questions dprkrel answers, over a loaded fact base; pure functions, no printing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from typing import Literal

from dprkrel import model
from dprkrel.dates import PartialDate
from dprkrel.factbase import FactBase

Status = Literal["open", "closed", "not_yet_open", "unknown"]


# -- who a subject covers --------------------------------------------------------------


def subject_scope(base: FactBase, entity_id: str) -> frozenset[str]:
    """The entity and everything that belongs to it: a country's cities, bodies and people,
    an organisation's bodies. `timeline spain` then includes the Madrid embassy's events."""
    children: dict[str, list[str]] = {}
    for entity in base.of_type(model.Entity):
        for parent in (entity.country, entity.part_of):
            if parent is not None:
                children.setdefault(parent, []).append(entity.id)
    scope = {entity_id}
    frontier = [entity_id]
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in scope:
                scope.add(child)
                frontier.append(child)
    return frozenset(scope)


def entity_ids_of(record: model.Record) -> frozenset[str]:
    """Every entity id a record names, in any field."""
    ids: set[str] = set()
    match record:
        case model.Event():
            ids.update(record.actors, record.places)
        case model.Mission():
            ids.update(x for x in (record.sending, record.host, record.city) if x)
            ids.update(item.country for item in record.accredited_to)
            ids.update(item.on_behalf_of for item in record.acts_for)
        case model.Advisory():
            ids.update((record.issuer, record.subject))
        case model.Aid():
            ids.update((record.donor, record.recipient, *record.channels))
        case model.Policy():
            ids.update((record.issuer, record.subject))
        case model.Sanction():
            ids.update((record.imposer, record.target))
        case model.Statement():
            ids.update(record.subjects)
        case model.Entity():
            ids.update(x for x in (record.country, record.part_of) if x)
            ids.update(role.of for role in record.roles if role.of)
    return frozenset(ids)


# -- dates --------------------------------------------------------------------------------


def today() -> PartialDate:
    return PartialDate.from_date(dt.date.today())


def stated_as_of(base: FactBase, record: model.Record) -> PartialDate | None:
    """For a record stated in the present tense, the date of its newest cited source."""
    if not record.present_tense:
        return None
    dates = [
        source.stated_as_of
        for citation in record.sources
        if isinstance(source := base.by_id.get(citation.source), model.Source) and source.stated_as_of
    ]
    return max(dates, key=PartialDate.sort_key) if dates else None


def event_date(event: model.Event) -> PartialDate:
    """The date an event sorts and filters by: the earliest of its claims."""
    date = model.earliest(event.date)
    assert date is not None, "the schema requires every event to have a date"
    return date


def _overlaps(date: PartialDate, since: PartialDate | None, until: PartialDate | None) -> bool:
    """A partial date counts when its period overlaps the range [since, until]."""
    if since is not None and date.last_day < since.first_day:
        return False
    return not (until is not None and date.first_day > until.last_day)


# -- timeline ---------------------------------------------------------------------------


def timeline(
    base: FactBase,
    *,
    scope: Collection[str] | None = None,
    since: PartialDate | None = None,
    until: PartialDate | None = None,
    categories: Collection[str] = (),
    as_of: PartialDate | None = None,
) -> list[model.Event]:
    """Events involving the scope (all events when None), oldest first, ties by id.

    `as_of` keeps the events that may have happened by the end of that date.
    """
    events = []
    for event in base.of_type(model.Event):
        date = event_date(event)
        if scope is not None and not entity_ids_of(event) & set(scope):
            continue
        if categories and event.category not in categories:
            continue
        if not _overlaps(date, since, until):
            continue
        if as_of is not None and date.first_day > as_of.last_day:
            continue
        events.append(event)
    return sorted(events, key=lambda event: (event_date(event).sort_key(), event.id))


# -- missions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissionStatus:
    """A mission's status on a date, and why it is unknown when it is."""

    status: Status
    reason: str | None = None


def _status_on_day(
    day: dt.date, opened: PartialDate | None, closed: PartialDate | None, known_open: PartialDate | None
) -> tuple[Status, str | None]:
    if closed is not None and day > closed.last_day:
        return "closed", None
    if opened is not None and day < opened.first_day:
        return "not_yet_open", None
    if opened is not None and day <= opened.last_day:
        return "unknown", f"the opening is known only to the {opened.precision} ({opened.human()})"
    if closed is not None and day >= closed.first_day:
        return "unknown", f"the closing is known only to the {closed.precision} ({closed.human()})"
    if opened is None and known_open is None:
        return "unknown", "the sources give no opening date"
    if opened is None and known_open is not None and day < known_open.first_day:
        return "unknown", f"the sources give no opening date and show it working only from {known_open.human()}"
    return "open", None


def mission_status(mission: model.Mission, as_of: PartialDate, known_open: PartialDate | None) -> MissionStatus:
    """The mission's status over the as-of period, across every claimed opening and closing.

    Where the claims, or the first and last day of a partial as-of date, give different
    answers, the status is unknown: the sources cannot settle it.
    `known_open` is when a present-tense source states the mission exists.
    """
    openings: list[PartialDate | None] = [claim.value for claim in mission.opened] or [None]
    closings: list[PartialDate | None] = [claim.value for claim in mission.closed] or [None]
    outcomes = {
        _status_on_day(day, opened, closed, known_open)
        for opened, closed in product(openings, closings)
        for day in {as_of.first_day, as_of.last_day}
    }
    statuses = {status for status, _ in outcomes}
    if len(statuses) == 1:
        status = statuses.pop()
        reasons = sorted(reason for _, reason in outcomes if reason)
        return MissionStatus(status, reasons[0] if reasons else None)
    if len({claim.value for claim in mission.opened}) > 1 or len({claim.value for claim in mission.closed}) > 1:
        return MissionStatus("unknown", "the sources disagree on its dates")
    return MissionStatus("unknown", f"its status changed during {as_of.human()}")


def known_open_from(base: FactBase, mission: model.Mission) -> PartialDate | None:
    """For a mission with no opening date that a present-tense source says exists: the
    earliest date it is known to have worked, counting its accreditations' start dates."""
    stated = stated_as_of(base, mission)
    if stated is None:
        return None
    starts = [stated, *(item.since for item in mission.accredited_to if item.since is not None)]
    return min(starts, key=PartialDate.sort_key)


def missions_concerning(base: FactBase, scope: Collection[str] | None) -> list[model.Mission]:
    """Missions whose sender, host, city, accreditation or acting role falls in the scope."""
    missions = base.of_type(model.Mission)
    if scope is not None:
        wanted = set(scope)
        missions = tuple(mission for mission in missions if entity_ids_of(mission) & wanted)
    return sorted(missions, key=lambda mission: mission.id)


# -- advisories, sources, profiles -----------------------------------------------------------


def advisories_for(base: FactBase, scope: Collection[str] | None) -> list[model.Advisory]:
    """Advisories a country issues, or that are about it."""
    advisories = base.of_type(model.Advisory)
    if scope is not None:
        advisories = tuple(a for a in advisories if a.issuer in scope or a.subject in scope)
    return sorted(advisories, key=lambda advisory: advisory.id)


def citation_counts(base: FactBase) -> dict[str, int]:
    """How many records cite each source, in any citation of theirs."""
    counts = {source.id: 0 for source in base.of_type(model.Source)}
    for record in base.records:
        for source_id in {citation.source for citation in all_citations(record)}:
            counts[source_id] = counts.get(source_id, 0) + 1
    return counts


def all_citations(record: model.Record) -> Iterator[model.Citation]:
    """The record's own citations and those of its dated claims."""
    yield from record.sources
    for name in record.CLAIM_FIELDS:
        for claim in getattr(record, name):
            if claim.citation is not None:
                yield claim.citation


def related_records(base: FactBase, entity_id: str) -> list[model.Record]:
    """Every record that names the entity, grouped by kind in schema order, then by id."""
    order = {record_type.KIND: index for index, record_type in enumerate(model.RECORD_TYPES)}
    related = [record for record in base.records if record.id != entity_id and entity_id in entity_ids_of(record)]
    return sorted(related, key=lambda record: (order[record.kind], _record_date_key(record), record.id))


def _record_date_key(record: model.Record) -> tuple[dt.date, int]:
    if isinstance(record, model.Event):
        return event_date(record).sort_key()
    return (dt.date.min, 0)


def record_summary(base: FactBase, record: model.Record) -> str:
    """A one-line description of any record, for search results and profiles."""
    match record:
        case model.Event():
            return f"{event_date(record).human()}: {record.summary}"
        case model.Entity():
            return f"{record.name} ({record.entity_kind.replace('_', ' ')})"
        case model.Mission():
            return record.name
        case model.Advisory():
            return f"{display_name(base, record.issuer)} travel advice on {display_name(base, record.subject)}"
        case model.Source():
            return f"{record.title} ({record.publisher})"
        case model.Policy():
            return f"{record.name}: {record.summary}"
        case model.Aid() | model.Sanction() | model.Statement():
            return record.summary
    return record.id


def display_name(base: FactBase, entity_id: str | None) -> str:
    """An entity's display name, or the id itself when it is not an entity."""
    if entity_id is None:
        return ""
    entity = base.by_id.get(entity_id)
    return entity.name if isinstance(entity, model.Entity) else entity_id


def names_of(base: FactBase, ids: Iterable[str]) -> list[str]:
    return [display_name(base, entity_id) for entity_id in ids]
