"""The questions dprkrel answers, over a loaded fact base; pure functions, no printing."""

from __future__ import annotations

import datetime as dt
from itertools import product

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection
    from typing import Literal

    from dprkrel.core.store import FactBase

    Status = Literal["open", "closed", "not_yet_open", "unknown"]


# -- who a subject covers --------------------------------------------------------------


def subject_scope(base: FactBase, entity_id: str) -> frozenset[str]:
    """The entity and everything that belongs to it: a country's cities, bodies and people,
    an organisation's bodies. `timeline spain` then includes the Madrid embassy's events."""
    scope = {entity_id}
    frontier = [entity_id]
    while frontier:
        parent = frontier.pop()
        for child in base.mentioning([parent], kind="entity"):
            assert isinstance(child, model.Entity)
            if parent in (child.country, child.part_of) and child.id not in scope:
                scope.add(child.id)
                frontier.append(child.id)
    return frozenset(scope)


# -- dates --------------------------------------------------------------------------------


def today() -> PartialDate:
    return PartialDate.from_date(dt.date.today())


def stated_as_of(base: FactBase, record: model.Record) -> PartialDate | None:
    """For a record stated in the present tense, the date of its newest cited source."""
    if not record.present_tense:
        return None
    return source_date(base, record)


def source_date(base: FactBase, record: model.Record) -> PartialDate | None:
    """The date the newest of the record's sources speaks as of."""
    dates = [
        source.stated_as_of
        for citation in record.sources
        if isinstance(source := base.get(citation.source), model.Source) and source.stated_as_of
    ]
    return max(dates, key=PartialDate.sort_key) if dates else None


def event_date(event: model.Event) -> PartialDate:
    """The date an event sorts and filters by: the earliest of claims that disagree, the
    finest of claims that agree."""
    date = model.shown_date(event.date)
    assert date is not None, "the schema requires every event to have a date"
    return date


def event_sort_key(event: model.Event) -> tuple[dt.date, int]:
    """Where an event sorts: by the first day of its earliest date, but an undated event at
    the last day of the latest date its source allows, after what that source dates."""
    date = event_date(event)
    return (date.last_day, 3) if event.undated else date.sort_key()


def date_text(event: model.Event, separator: str = " ") -> str:
    """An event's date as every view shows it: every claim, or the mark of an undated event
    ("undated; by about 2013"; `separator` goes between its two parts)."""
    if event.undated:
        return f"undated;{separator}by about {event_date(event).human()}"
    return claims_text(event.date)


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

    A partial date sorts by its first day: "2002" and "2002-01" tie, and go by id.

    `as_of` keeps the events that may have happened by the end of that date.
    """
    events = []
    candidates = base.of_type(model.Event) if scope is None else scope_events(base, scope)
    for event in candidates:
        assert isinstance(event, model.Event)
        date = event_date(event)
        if categories and event.category not in categories:
            continue
        # A disputed date counts when any of its claims falls in the range.
        if not any(_overlaps(claim.value, since, until) for claim in event.date):
            continue
        if as_of is not None and date.first_day > as_of.last_day:
            continue
        events.append(event)
    return sorted(events, key=lambda event: (event_sort_key(event)[0], event.id))


def scope_events(base: FactBase, scope: Collection[str]) -> list[model.Event]:
    """The scope's events: those it takes part in or that happen at it, and those its own
    records refer to (what prompted its aid or sanctions, what its policies are about)."""
    found = {event.id: event for event in base.mentioning(scope, kind="event") if isinstance(event, model.Event)}
    for record in base.mentioning(scope):
        for event_id in referred_event_ids(record):
            event = base.get(event_id)
            if isinstance(event, model.Event):
                found.setdefault(event.id, event)
    return list(found.values())


def referred_event_ids(record: model.Record) -> tuple[str, ...]:
    match record:
        case model.Aid() | model.Sanction():
            return record.prompted_by
        case model.Policy():
            return record.refers_to
    return ()


def claims_text(claims: tuple[model.DateClaim, ...]) -> str:
    """A date as every view shows it: disputed claims side by side and starred; claims that
    agree as the finest of them."""
    if not claims:
        return "—"
    if not model.disagree(claims):
        shown = model.shown_date(claims)
        assert shown is not None
        return shown.human()
    values = sorted({claim.value for claim in claims}, key=PartialDate.sort_key)
    return " / ".join(value.human() for value in values) + " *"


# -- missions -----------------------------------------------------------------------------


class MissionStatus(Frozen):
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
    openings = _claimed(mission.opened)
    closings = _claimed(mission.closed)
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
    if model.disagree(mission.opened) or model.disagree(mission.closed):
        return MissionStatus("unknown", "the sources disagree on its dates")
    return MissionStatus("unknown", f"its status changed during {as_of.human()}")


def _claimed(claims: tuple[model.DateClaim, ...]) -> list[PartialDate | None]:
    """The dates a status is worked out over: every claim where they disagree, the finest
    where they agree (a claim that only refines another settles it), None when none."""
    if model.disagree(claims):
        return [claim.value for claim in claims]
    return [model.shown_date(claims)]


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
    found = base.of_type(model.Mission) if scope is None else base.mentioning(scope, kind="mission")
    missions = [mission for mission in found if isinstance(mission, model.Mission)]
    return sorted(missions, key=lambda mission: mission.id)


# -- relations ------------------------------------------------------------------------------


class Standing(Frozen):
    """Where a relation stood on a date, and what the sources say of its history.

    `status` is one of schema.RELATION_STATUSES, "unknown" (the sources cannot settle it;
    `reason` says why) or "not_stated" (no source dates a change or states a status).
    `since` is the date of the change that left it so; `stated_as_of`, the date of the
    present-tense source that states it, when a statement says so, or, for a status a change
    left, the date of the newest source about the relation when the as-of date is later:
    nothing is known after it.
    """

    counterpart: str
    status: str
    continent: str | None = None  # the counterpart's, for a country
    since: PartialDate | None = None
    stated_as_of: PartialDate | None = None
    reason: str | None = None
    # Every claim of the first establishment (or recognition) the sources date; undated when
    # its source gives no date (the claims then hold the latest date the source allows).
    established: tuple[model.DateClaim, ...] = ()
    established_undated: bool = False
    established_inferred: bool = False  # the sources imply the establishment without stating it
    changes: tuple[str, ...] = ()  # ids of the events that may have changed it by the as-of date, oldest first


def counterpart(relation: model.Relation) -> str:
    """The party a relation is listed under: the second of `between` (North Korea is first)."""
    return relation.between[-1]


def relation_changes(base: FactBase, relation: model.Relation) -> list[model.Event]:
    """The events that change the relation, oldest first."""
    found = base.mentioning([counterpart(relation)], kind="event")
    events = [event for event in found if isinstance(event, model.Event) and event.relation == relation.id]
    return sorted(events, key=lambda event: (event_sort_key(event)[0], event.id))


def relation_standing(base: FactBase, relation: model.Relation, as_of: PartialDate) -> Standing:
    """The relation's status over the as-of period, from its dated changes and from what a
    present-tense source states; unknown where a change may fall inside the period."""
    from dprkrel.core.schema import RELATION_CHANGES

    changes = relation_changes(base, relation)
    firsts = [event for event in changes if event.change in ("established", "recognised")]
    # Each claim with its citation: shown apart from the event, it must still say its source.
    established = (
        tuple(replace(claim, citation=claim.citation or firsts[0].sources[0]) for claim in firsts[0].date)
        if firsts
        else ()
    )
    before = [event for event in changes if all(claim.value.last_day < as_of.first_day for claim in event.date)]
    pending = [event for event in changes if event not in before and _may_fall_by(event, as_of)]
    # What may have happened by the end of the as-of period, oldest first: those surely
    # before it, and those that may fall within it.
    ids = tuple(event.id for event in changes if _may_fall_by(event, as_of))
    stated = stated_as_of(base, relation) if relation.stated_status else None
    other = base.get(counterpart(relation))
    continent = other.continent if isinstance(other, model.Entity) else None
    undated = bool(firsts) and firsts[0].undated
    standing = Standing(
        counterpart(relation),
        "not_stated",
        continent,
        established=established,
        established_undated=undated,
        established_inferred=bool(firsts) and firsts[0].inferred,
        changes=ids,
    )
    if pending:
        when = (
            "the sources disagree on when it changed" if pending[0].conflicts else f"it changed during {as_of.human()}"
        )
        return replace(standing, status="unknown", reason=when)
    last = before[-1] if before else None
    if stated is not None and relation.stated_status and stated.first_day <= as_of.last_day:
        # A statement newer than the last change says where the relation stood at its date.
        newer = last is None or event_date(last).last_day <= stated.last_day
        if newer:
            return replace(standing, status=relation.stated_status, stated_as_of=stated)
    if last is not None and last.change is not None:
        # Known from its sources up to their date: after it, nothing says it still holds.
        known = [date for record in (relation, *changes) if (date := source_date(base, record))]
        newest = max(known, key=PartialDate.sort_key) if known else None
        still = newest if newest is not None and as_of.first_day > newest.last_day else None
        return replace(standing, status=RELATION_CHANGES[last.change], since=event_date(last), stated_as_of=still)
    if changes:
        first = event_date(changes[0]).human()
        return replace(standing, status="unknown", reason=f"the first change the sources date is in {first}")
    if stated is not None:
        return replace(standing, status="unknown", reason=f"its status is stated only as of {stated.human()}")
    return standing


def _may_fall_by(event: model.Event, as_of: PartialDate) -> bool:
    """True when the event may have happened by the end of the as-of period, but not surely before it."""
    return any(claim.value.first_day <= as_of.last_day for claim in event.date)


def relation_missions(base: FactBase, relation: model.Relation) -> list[model.Mission]:
    """The missions of either party in the other's territory, those of one accredited to the
    other from a third country, and those acting for one of them in the other's."""
    parties = set(relation.between)
    found = []
    for mission in base.mentioning([counterpart(relation)], kind="mission"):
        assert isinstance(mission, model.Mission)
        covered = {item.country for item in mission.accredited_to}
        covered.update(country for listing in mission.listed for country in listing.jurisdictions)
        acts_for = {role.on_behalf_of for role in mission.acts_for}
        if (
            {mission.sending, mission.host} == parties
            or (mission.sending in parties and parties - {mission.sending} <= covered)
            or (mission.host in parties and acts_for & (parties - {mission.host}))
        ):
            found.append(mission)
    return sorted(found, key=lambda mission: mission.id)


def relations_of(base: FactBase, scope: Collection[str] | None) -> list[model.Relation]:
    """The relations naming any entity of the scope (every relation when None), by id."""
    found = base.of_type(model.Relation) if scope is None else base.mentioning(scope, kind="relation")
    return sorted((record for record in found if isinstance(record, model.Relation)), key=lambda r: r.id)


# -- advisories, sources, profiles -----------------------------------------------------------


def advisories_for(base: FactBase, scope: Collection[str] | None) -> list[model.Advisory]:
    """Advisories a country issues, or that are about it."""
    found = base.of_type(model.Advisory) if scope is None else base.mentioning(scope, kind="advisory")
    advisories = [advisory for advisory in found if isinstance(advisory, model.Advisory)]
    return sorted(advisories, key=lambda advisory: advisory.id)


def related_records(base: FactBase, entity_id: str) -> list[model.Record]:
    """Every record that names the entity or, for events, falls in its timeline's scope;
    grouped by kind in schema order, then by date and id."""
    order = {record_type.KIND: index for index, record_type in enumerate(model.RECORD_TYPES)}
    found = {record.id: record for record in base.mentioning([entity_id])}
    for event in scope_events(base, subject_scope(base, entity_id)):
        found.setdefault(event.id, event)
    related = [record for record in found.values() if record.id != entity_id]
    return sorted(related, key=lambda record: (order[record.kind], _record_date_key(record), record.id))


def _record_date_key(record: model.Record) -> tuple[dt.date, int]:
    if isinstance(record, model.Event):
        return event_sort_key(record)
    return (dt.date.min, 0)


def record_summary(base: FactBase, record: model.Record) -> str:
    """A one-line description of any record, for search results and profiles."""
    match record:
        case model.Event():
            return f"{date_text(record)}: {record.summary}"
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
    entity = base.get(entity_id)
    return entity.name if isinstance(entity, model.Entity) else entity_id
