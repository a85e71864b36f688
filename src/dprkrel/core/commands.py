"""One function per command: a question in, a complete `Result` out, nothing printed.

These are what `dprkrel` (the package) offers as its Python API and what the command line
runs. Dates may be given as text ("2013", "2013-10") or as `PartialDate`s; a date or an
option that cannot be used raises `UsageError`, a subject that matches nothing
`SubjectNotFound`; both are `DprkrelError`s.
"""

from __future__ import annotations

import os

from dprkrel.core.errors import EXIT_NOT_FOUND, DprkrelError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

    from dprkrel.core import model
    from dprkrel.core.dates import PartialDate
    from dprkrel.core.queries import Standing
    from dprkrel.core.results import Bar, Chart, Item, Result, Validation
    from dprkrel.core.store import FactBase
    from dprkrel.core.subjects import Match

    DateLike = PartialDate | str | None

# A subject matched with a lower score than this was matched by a spelling like another
# name's, not by a name, a word of one or its words in another order (those score 90 or
# more; see dprkrel.core.subjects): the answer says so.
RESEMBLANCE_SCORE = 90.0

# How many results `search` may be asked for.
MIN_LIMIT, MAX_LIMIT = 1, 1000


class SubjectNotFound(DprkrelError):
    """No subject matches the query; `result` is the command's empty result, with the
    nearest subjects as its suggestions."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, message: str, result: Result) -> None:
        super().__init__(message)
        self.result = result


def open_base(*paths: str | os.PathLike[str], builtin: bool = True) -> FactBase:
    """The fact base: the shipped one (unless `builtin` is False) merged with the fact files
    given. Raises DataError listing every problem of the files."""
    from dprkrel.core.paths import builtin_fact_paths
    from dprkrel.core.reading import load

    files = list(builtin_fact_paths()) if builtin else []
    files += [os.fspath(path) for path in paths]
    if not files:
        raise UsageError("no fact files: the shipped base was left out and no file was given")
    return load(files)


def timeline(
    base: FactBase,
    subject: str | None = None,
    *,
    since: DateLike = None,
    until: DateLike = None,
    categories: Collection[str] = (),
    as_of: DateLike = None,
    chart: bool = False,
) -> Result:
    """The dated events of a subject (every event without one), oldest first.

    `as_of` keeps the events known by that date; `chart` adds the subject's history for the chart.
    """
    from dprkrel.core import queries
    from dprkrel.core.results import record_warnings

    since_date = _date("--since", since)
    until_date = _date("--until", until)
    as_of_date = _date("--as-of", as_of)
    if since_date is not None and until_date is not None and since_date.first_day > until_date.last_day:
        raise UsageError(
            f"--since {since_date.iso()} is after --until {until_date.iso()}, so no event could match; swap them"
        )
    wanted = [item.strip().lower().replace(" ", "_") for item in categories]
    if wanted:
        from dprkrel.core.schema import EVENT_CATEGORIES

        unknown = [item for item in wanted if item not in EVENT_CATEGORIES]
        if unknown:
            raise UsageError(f"unknown category '{unknown[0]}'; choose from {', '.join(EVENT_CATEGORIES)}")
    matched, scope, warnings = _subject(base, "timeline", subject, as_of_date)
    events = queries.timeline(
        base, scope=scope, since=since_date, until=until_date, categories=wanted, as_of=as_of_date
    )
    items = _items(base, events)
    known_by = as_of_date or queries.today()
    # Present-tense events are marked when their source is older than the as-of date.
    warnings += record_warnings(items, known_by)
    title = f"Timeline: {matched[0].name}" if matched else "Timeline"
    drawing = _chart(base, title, events, scope, known_by) if chart else None
    who = f" for {matched[0].name}" if matched else ""
    asked = ("timeline", subject, matched, as_of_date)
    return _result(base, asked, events, items, warnings, f"no events{who} match these options", title, chart=drawing)


def missions(base: FactBase, subject: str | None = None, *, as_of: DateLike = None) -> Result:
    """The missions concerning a city, country or organisation, with their status on `as_of`
    (default today): what `dprkrel embassy` shows."""
    from dprkrel.core import queries
    from dprkrel.core.results import record_warnings, warning

    as_of_date = _date("--as-of", as_of) or queries.today()
    matched, scope, warnings = _subject(base, "embassy", subject, as_of_date)
    found = queries.missions_concerning(base, scope)
    items = []
    reasons = []
    for mission, item in zip(found, _items(base, found), strict=True):
        status = queries.mission_status(mission, as_of_date, queries.known_open_from(base, mission))
        items.append(_with(item, status=status))
        if status.reason:
            reasons.append(warning("status", f"{mission.id}: {status.reason}", mission.id))
    warnings += reasons + record_warnings(items, as_of_date)
    title = f"Missions: {matched[0].name}" if matched else "Missions"
    who = f" concern {matched[0].name}" if matched else " are in the fact base"
    title += f" (status as of {as_of_date.human()})"
    asked = ("embassy", subject, matched, as_of_date)
    return _result(base, asked, found, tuple(items), warnings, f"no missions{who}", title)


# How many of a relation's latest events `relations COUNTRY` shows.
LATEST_EVENTS = 5
RELATION_SORTS = ("name", "established")


def relations(
    base: FactBase,
    country: str | None = None,
    *,
    as_of: DateLike = None,
    statuses: Collection[str] = (),
    continents: Collection[str] = (),
    sort: str | None = None,
) -> Result:
    """North Korea's relation with a country or organisation on `as_of` (default today): its
    status, establishment and later changes, the missions each way, who acts for whom, and the
    latest events. Without one, a row per relation, filtered by status and continent, sorted by
    name or by establishment date."""
    from dprkrel.core import model, queries
    from dprkrel.core.results import record_warnings, warning
    from dprkrel.core.schema import CONTINENTS, RELATION_STATUSES

    as_of_date = _date("--as-of", as_of) or queries.today()
    wanted_statuses = _choices("--status", statuses, (*RELATION_STATUSES, "unknown", "not_stated"))
    wanted_continents = _choices("--continent", continents, CONTINENTS)
    order = (sort or "name").strip().lower()
    if order not in RELATION_SORTS:
        raise UsageError(f"unknown sort '{sort}'; choose from {', '.join(RELATION_SORTS)}")
    matched, scope, warnings = _subject(base, "relations", country, as_of_date)
    found = queries.relations_of(base, None if scope is None else {matched[0].id})
    # A country's relation is the one listed under it; a party of many (North Korea) lists them.
    own = [relation for relation in found if matched and queries.counterpart(relation) == matched[0].id]
    single = bool(own)
    if single:
        found = own[:1]
    rows: list[tuple[Standing, Item]] = []
    for relation, item in zip(found, _items(base, found), strict=True):
        standing = queries.relation_standing(base, relation, as_of_date)
        if wanted_statuses and standing.status not in wanted_statuses:
            continue
        if wanted_continents and standing.continent not in wanted_continents:
            continue
        rows.append((standing, _with(item, standing=standing, part="relation" if single else "")))
    if order == "established":
        rows.sort(key=lambda row: _established_key(row[0]))
    else:
        rows.sort(key=lambda row: queries.display_name(base, row[0].counterpart).casefold())
    items = [item for _standing, item in rows]
    records: list[model.Record] = [item.record for item in items]
    if single and items:
        first, known = items[0].record, items[0].standing
        assert isinstance(first, model.Relation) and known is not None
        parts = _relation_parts(base, first, known, as_of_date)
        items += parts
        records += [item.record for item in parts]
    for item in items:
        if item.standing is not None and item.standing.reason:
            warnings.append(warning("status", f"{item.record.id}: {item.standing.reason}", item.record.id))
        if item.status is not None and item.status.reason:
            warnings.append(warning("status", f"{item.record.id}: {item.status.reason}", item.record.id))
    warnings += record_warnings(items, as_of_date)
    if matched:
        title = f"Relations: North Korea and {matched[0].name}" if matched[0].id != "prk" else "Relations"
        nothing = f"no relation with {matched[0].name} in the fact base"
    else:
        title = "Relations"
        nothing = "no relations match these options"
    title += f" (as of {as_of_date.human()})"
    asked = ("relations", country, matched, as_of_date)
    return _result(base, asked, records, tuple(items), warnings, nothing, title)


def _relation_parts(base: FactBase, relation: model.Relation, standing: Standing, as_of: PartialDate) -> list[Item]:
    """What `relations COUNTRY` shows below the relation: the missions each way with their
    status, the changes by the as-of date, then the latest other events."""
    from dprkrel.core import queries

    parts = []
    missions = queries.relation_missions(base, relation)
    for mission, item in zip(missions, _items(base, missions), strict=True):
        status = queries.mission_status(mission, as_of, queries.known_open_from(base, mission))
        parts.append(_with(item, status=status, part="mission"))
    changes = [base.by_id[event_id] for event_id in standing.changes]
    parts += [_with(item, part="change") for item in _items(base, changes)]
    scope = queries.subject_scope(base, queries.counterpart(relation))
    shown = {event.id for event in changes}
    others = [event for event in queries.timeline(base, scope=scope, as_of=as_of) if event.id not in shown]
    latest = others[-LATEST_EVENTS:]
    parts += [_with(item, part="event") for item in _items(base, latest)]
    return parts


def _established_key(standing: Standing) -> tuple[int, object, str]:
    """Relations by their first establishment; those the sources date only as undated, then
    those with no establishment, last; ties by counterpart id."""
    from dprkrel.core import model

    date = model.shown_date(standing.established)
    if date is None:
        return (2, (), standing.counterpart)
    return (1 if standing.established_undated else 0, date.sort_key(), standing.counterpart)


def _choices(option: str, given: Collection[str], known: Sequence[str]) -> list[str]:
    wanted = [item.strip().lower().replace(" ", "_").replace("-", "_") for item in given]
    unknown = [item for item in wanted if item not in known]
    if unknown:
        raise UsageError(f"{option}: unknown value '{unknown[0]}'; choose from {', '.join(known)}")
    return wanted


def advisory(base: FactBase, country: str | None = None) -> Result:
    """The travel advice a government gives its citizens about North Korea; with a country,
    the advice it gives or that is about it."""
    from dprkrel.core import queries
    from dprkrel.core.results import record_warnings

    as_of_date = queries.today()  # stated facts are marked when their source is older than this
    matched, scope, warnings = _subject(base, "advisory", country, as_of_date)
    found = queries.advisories_for(base, scope)
    items = _items(base, found)
    warnings += record_warnings(items, as_of_date)
    who = f" from or about {matched[0].name}" if matched else ""
    title = f"Travel advice: {matched[0].name}" if matched else "Travel advice"
    asked = ("advisory", country, matched, as_of_date)
    return _result(base, asked, found, items, warnings, f"no travel advice{who} in the fact base", title)


def search(base: FactBase, query: str, *, limit: int = 10, kinds: Collection[str] = ()) -> Result:
    """Every record matching the words, best first, at most `limit` of them."""
    from dprkrel.core import model, queries
    from dprkrel.core import search as ranking
    from dprkrel.core.results import record_warnings

    if not query.strip():
        raise UsageError("the query is empty: give words to search for, such as 'embassy closed'")
    if not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise UsageError(f"the limit must be from {MIN_LIMIT} to {MAX_LIMIT}, not {limit}")
    wanted = [item.strip().lower() for item in kinds]
    known = [record_type.KIND for record_type in model.RECORD_TYPES]
    unknown = [item for item in wanted if item not in known]
    if unknown:
        raise UsageError(f"unknown kind '{unknown[0]}'; choose from {', '.join(known)}")
    hits = ranking.search(base, query, limit=limit, kinds=wanted)
    records = [hit.record for hit in hits]
    items = tuple(_with(item, score=hit.score) for item, hit in zip(_items(base, records), hits, strict=True))
    warnings = record_warnings(items, queries.today())
    nothing = f"nothing matches '{query}'"
    if not records and ranking.words_of(query) and not ranking.query_words(base, query):
        # Only words such as "the", "in" or "when", which search leaves out.
        nothing = f"'{query}' holds only words that search leaves out (such as 'the', 'in', 'when'); say what to find"
    return _result(base, ("search", query, (), None), records, items, warnings, nothing, f"Search: {query}")


def show(base: FactBase, name: str) -> Result:
    """The profile of an entity: its first item is the entity, the others every record that
    names it, by kind in schema order, then by date."""
    from dprkrel.core import model, queries
    from dprkrel.core.results import record_warnings

    # An id is plain text: a name holding bytes that are not UTF-8 (as surrogates) is none.
    record = base.get(name.strip()) if name.isascii() else None
    if record is not None and not isinstance(record, model.Entity):
        return _record_profile(base, name, record)
    matched, _scope, warnings = _subject(base, "show", name, None)
    entity = base.by_id[matched[0].id]
    assert isinstance(entity, model.Entity)
    related = queries.related_records(base, entity.id)
    records = [entity, *related]
    items = _items(base, records)
    # Conflicts and present-tense facts older than today, in the table's notes and the JSON.
    warnings += record_warnings(items, queries.today())
    asked = ("show", name, matched, None)
    return _result(base, asked, records, items, warnings, f"nothing about '{name}'", f"Profile: {entity.name}")


def _record_profile(base: FactBase, name: str, record: model.Record) -> Result:
    """`show` of a record's id (as `search` prints them): the record, then the entities it names."""
    from dprkrel.core import model, queries
    from dprkrel.core.results import record_warnings

    named = [base.by_id[entity_id] for entity_id in sorted(model.mentioned_ids(record)) if entity_id in base.by_id]
    records = [record, *named]
    items = _items(base, records)
    warnings = record_warnings(items[:1], queries.today())
    asked = ("show", name, (), None)
    return _result(base, asked, records, items, warnings, f"nothing about '{name}'", f"Record: {record.id}")


def subjects(base: FactBase, *, kinds: Collection[str] = ()) -> Result:
    """Every subject the base knows (its entities), by kind and name, with how many records
    involve each: what `dprkrel subjects` lists."""
    from dprkrel.core import model
    from dprkrel.core.results import Result
    from dprkrel.core.schema import ENTITY_KINDS
    from dprkrel.core.subjects import SubjectIndex

    wanted = [item.strip().lower().replace(" ", "_") for item in kinds]
    unknown = [item for item in wanted if item not in ENTITY_KINDS]
    if unknown:
        raise UsageError(f"unknown kind '{unknown[0]}'; choose from {', '.join(ENTITY_KINDS)}")
    involved = {row[0]: row[3] for row in SubjectIndex.of(base).listing()}
    entities = [entity for entity in base.of_type(model.Entity) if not wanted or entity.entity_kind in wanted]
    entities.sort(key=lambda entity: (ENTITY_KINDS.index(entity.entity_kind), entity.name.casefold(), entity.id))
    items = tuple(_with(item, involved=involved.get(item.record.id, 0)) for item in _items(base, entities))
    what = f" of kind {', '.join(wanted)}" if wanted else ""
    return Result(
        "subjects",
        None,
        (),
        None,
        items,
        _names(base, entities),
        nothing=f"no subjects{what} in the fact base",
        title="Subjects",
    )


def sources(base: FactBase) -> Result:
    """The source documents, with how many records cite each."""
    from dprkrel.core import model
    from dprkrel.core.results import Result

    counts = base.citation_counts()
    found = base.of_type(model.Source)
    items = tuple(_with(item, cited_by=counts.get(item.record.id, 0)) for item in _items(base, found))
    return Result("sources", None, (), None, items, {}, nothing="no sources in the fact base", title="Sources")


def validate(paths: Sequence[str]) -> Validation:
    """Read and check the fact files together; raises DataError listing every problem."""
    from dprkrel.core.reading import load
    from dprkrel.core.results import Validation

    if not paths:
        raise UsageError("nothing to validate: --no-builtin was given without fact files")
    base = load(paths)
    return Validation(tuple(str(path) for path in paths), base.counts())


# -- shared steps ------------------------------------------------------------------------------


def _result(
    base: FactBase,
    asked: tuple[str, str | None, tuple[Match, ...], PartialDate | None],
    records: Sequence[model.Record],
    items: tuple[Item, ...],
    warnings: list[dict[str, object]],
    nothing: str,
    title: str,
    chart: Chart | None = None,
) -> Result:
    """The result of a command: `asked` is (command, query, matched subjects, as-of date)."""
    from dprkrel.core import model
    from dprkrel.core.results import Result

    command, query, matched, as_of = asked
    names = _names(base, records)
    dates = tuple((source.id, source.stated_as_of) for source in base.of_type(model.Source) if source.stated_as_of)
    return Result(command, query, matched, as_of, items, names, tuple(warnings), (), nothing, chart, title, dates)


def _date(name: str, value: DateLike) -> PartialDate | None:
    from dprkrel.core.dates import DateFormatError, PartialDate

    if value is None or isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.parse(value.strip())
    except DateFormatError as error:
        raise UsageError(f"{name}: {error}") from None


def _subject(
    base: FactBase, command: str, query: str | None, as_of: PartialDate | None
) -> tuple[tuple[Match, ...], frozenset[str] | None, list[dict[str, object]]]:
    """What a subject argument resolved to: the match, the ids in its scope, and a warning
    when it could mean others too. Raises NoMatch, carrying the empty result for JSON."""
    from dprkrel.core import queries
    from dprkrel.core.results import Result, warning
    from dprkrel.core.subjects import NoMatch, resolve

    if query is None:
        return (), None, []
    if not query.strip():
        everything = " to see everything" if command != "show" else ""
        raise UsageError(f"the subject is empty: give a name, or leave it out{everything}")
    try:
        resolution = resolve(base, query)
    except NoMatch as error:
        # The JSON says what the message says: not in the base, and what is close, if anything.
        said = (warning("not_in_base", str(error)),)
        empty = Result(command, query, (), as_of, (), {}, said, error.suggestions)
        raise SubjectNotFound(str(error), empty) from None
    best = resolution.best
    warnings = []
    if resolution.alternatives:
        others = ", ".join(f"{match.name} ({match.id})" for match in resolution.alternatives)
        message = f"'{query}' matched {best.name} ({best.id}); it could also mean: {others}"
        warnings.append(warning("ambiguous", message, best.id))
    elif best.score < RESEMBLANCE_SCORE:
        # A typo, or another name that happens to look alike ("zambia" and "Gambia"): say
        # which name was taken, so that an answer about another place is not taken for it.
        message = (
            f"'{query}' is no name the fact base knows; it matched {best.name} ({best.id}) "
            f"by its likeness to '{resolution.matched_text}'"
        )
        warnings.append(warning("resemblance", message, best.id))
    return (best,), queries.subject_scope(base, best.id), warnings


def _items(base: FactBase, records: Iterable[model.Record]) -> tuple[Item, ...]:
    from dprkrel.core import queries
    from dprkrel.core.results import Item

    return tuple(
        Item(record, queries.stated_as_of(base, record), queries.record_summary(base, record)) for record in records
    )


def _with(item: Item, **changes: object) -> Item:
    from dprkrel.core.frozen import replace

    return replace(item, **changes)


def _names(base: FactBase, records: Iterable[model.Record]) -> dict[str, str]:
    from dprkrel.core import model, queries

    names = {}
    for record in records:
        for entity_id in model.mentioned_ids(record):
            names[entity_id] = queries.display_name(base, entity_id)
        if isinstance(record, model.Listing):
            mission = base.get(record.mission)
            names[record.mission] = mission.name if isinstance(mission, model.Mission) else record.mission
        if isinstance(record, model.Mission) and record.listed:
            names[record.id] = record.name  # the mission each of its listings names
        if isinstance(record, model.Advisory):
            # The missions an advisory points to, named in its JSON beside their ids.
            for mission_id in filter(None, (record.registration_mission, *record.consular_help_missions)):
                mission = base.get(mission_id)
                names[mission_id] = mission.name if isinstance(mission, model.Mission) else mission_id
    return names


def _chart(
    base: FactBase, title: str, events: list[model.Event], scope: frozenset[str] | None, as_of: PartialDate
) -> Chart:
    """Events as marks; relations, missions and accreditations as bars, all as known on `as_of`."""
    from dprkrel.core import model, queries
    from dprkrel.core.results import Bar, Chart, Mark

    marks = tuple(Mark(_mark_label(base, event), queries.event_date(event), event.undated) for event in events)
    periods: list[Bar] = []
    for event in events:
        if event.opens_period:
            # A period its source says still runs is known to run up to that source's date;
            # one its source only says began has no known end: it is not drawn as running.
            label, disputed = _disputed(event.opens_period, (("began", event.date),))
            if event.present_tense:
                stated = queries.source_date(base, event)
                periods.append(Bar(label, queries.event_date(event), None, stated_as_of=stated, disputed=disputed))
            else:
                periods.append(Bar(label, queries.event_date(event), None, end_known=False, disputed=disputed))
    for mission in queries.missions_concerning(base, scope):
        opened = model.shown_date(mission.opened)
        closed = model.shown_date(mission.closed)
        stated = queries.stated_as_of(base, mission)
        # Short labels, so the chart's label column does not cut them: "Madrid embassy".
        place = queries.display_name(base, mission.city)
        label = f"{place} {mission.mission_kind.replace('_', ' ')}" if place else mission.name
        if opened is not None:
            starred, disputed = _disputed(label, (("opened", mission.opened), ("closed", mission.closed)))
            known = closed is not None or mission.present_tense
            periods.append(Bar(starred, opened, closed, known, None if closed else stated, disputed))
        for accreditation in mission.accredited_to:
            if accreditation.since is not None:
                country = queries.display_name(base, accreditation.country)
                until = accreditation.until
                known = until is not None or mission.present_tense
                periods.append(
                    Bar(
                        f"{place or mission.name} → {country}",
                        accreditation.since,
                        until,
                        known,
                        None if until else stated,
                    )
                )
    return Chart(title, as_of, marks, tuple(_clipped(periods, as_of)))


def _disputed(label: str, fields: tuple[tuple[str, tuple[model.DateClaim, ...]], ...]) -> tuple[str, str | None]:
    """A bar's label, starred when the sources dispute one of its dates, and what the star
    stands for: "Madrid embassy opened Oct 2013 / 2014"."""
    from dprkrel.core.dates import PartialDate

    parts = []
    for verb, claims in fields:
        values = sorted({claim.value for claim in claims}, key=PartialDate.sort_key)
        if len(values) > 1:
            parts.append(f"{verb} {' / '.join(value.human() for value in values)}")
    if not parts:
        return label, None
    return f"{label} *", f"{label} {', '.join(parts)}"


def _mark_label(base: FactBase, event: model.Event) -> str:
    """An event as the chart's legend gives it: inferred, stated as of, and every claimed date."""
    from dprkrel.core import queries

    label = event.summary
    if event.inferred:
        label += " (inferred)"
    if stated := queries.stated_as_of(base, event):
        label += f" (as of {stated.human()})"
    if event.conflicts:
        label += f" (dated {queries.claims_text(event.date)})"
    if event.undated:
        label += f" ({queries.date_text(event)})"
    return label


def _clipped(periods: list[Bar], as_of: PartialDate) -> list[Bar]:
    """The bars as they stood on `as_of`: later periods left out, later ends not yet known."""
    from dprkrel.core.results import Bar

    clipped = []
    for period in periods:
        if period.start.first_day > as_of.last_day:
            continue
        if period.end is not None and period.end.first_day > as_of.last_day:
            period = Bar(period.label, period.start, None, disputed=period.disputed)
        elif period.stated_as_of is not None and period.stated_as_of.first_day > as_of.last_day:
            # Its source speaks of a later date than the chart's: running as of the chart's date.
            period = Bar(period.label, period.start, None, disputed=period.disputed)
        clipped.append(period)
    return clipped
