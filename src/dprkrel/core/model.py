"""The fact model: typed, immutable records, as the loader builds them from fact files.

Each field is declared here once: dprkrel.core.schema reads the fact files' fields, their
order and value types from these annotations and defaults.
"""

from __future__ import annotations

from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import ClassVar


class Origin(Frozen):
    """Where a record or value was written: file, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Citation(Frozen):
    """A source id and the section of that source a statement comes from."""

    source: str
    section: str


class DateClaim(Frozen):
    """One source's claim about a date; `citation` is None when the record's own sources make it."""

    value: PartialDate
    citation: Citation | None = None
    note: str | None = None


class Conflict(Frozen):
    """Sources that disagree about one field of one record."""

    field: str
    claims: tuple[DateClaim, ...]


class Name(Frozen):
    """A name in one language or script (a BCP 47 tag such as en, es, ko, ko-Latn)."""

    lang: str
    text: str


class Record(Frozen):
    """Fields every record kind shares."""

    KIND: ClassVar[str] = ""
    _UNCOMPARED: ClassVar[frozenset[str]] = frozenset({"origin"})
    # Fields that may hold several dated claims; differing claims are a conflict.
    CLAIM_FIELDS: ClassVar[tuple[str, ...]] = ()

    id: str
    sources: tuple[Citation, ...] = ()
    inferred: bool = False
    present_tense: bool = False
    note: str | None = None
    # Where the record was written: for messages, not part of the fact.
    origin: Origin | None = None

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        found = []
        for name in self.CLAIM_FIELDS:
            claims: tuple[DateClaim, ...] = getattr(self, name)
            if disagree(claims):
                found.append(Conflict(name, claims))
        return tuple(found)


def disagree(claims: tuple[DateClaim, ...]) -> bool:
    """True when two claims name periods that do not overlap: a conflict.

    Partial dates nest (a day lies in its month, a month in its year), so two claims either
    overlap, and then one refines the other ("2019-02-22" within "2019-02"), or are disjoint
    ("2013-10" and "2014"). Claims that only refine each other agree: every one holds the
    finest.
    """
    if not claims:
        return False
    finest = max((claim.value for claim in claims), key=_fineness)
    return not all(
        claim.value.first_day <= finest.first_day <= finest.last_day <= claim.value.last_day for claim in claims
    )


def _fineness(date: PartialDate) -> int:
    return ("year", "month", "day").index(date.precision)


def shown_date(claims: tuple[DateClaim, ...]) -> PartialDate | None:
    """The one date shown where a single date is needed, or None: the finest of claims that
    agree (each refines the other), the earliest of claims that disagree."""
    if not claims:
        return None
    values = [claim.value for claim in claims]
    if disagree(claims):
        return min(values, key=PartialDate.sort_key)
    return max(values, key=_fineness)


class Source(Record):
    """A source document that records cite."""

    KIND: ClassVar[str] = "source"

    title: str = ""
    publisher: str = ""
    url: str = ""
    stated_as_of: PartialDate | None = None
    date_note: str | None = None
    license: str | None = None
    sections: tuple[str, ...] = ()


class Role(Frozen):
    """A position a person or organisation holds, of some entity, over some period."""

    title: str
    of: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    inferred: bool = False


class Entity(Record):
    """A country, organisation, city, person or group, with its names and aliases."""

    KIND: ClassVar[str] = "entity"

    entity_kind: str = ""
    name: str = ""
    names: tuple[Name, ...] = ()
    aliases: tuple[str, ...] = ()
    # Names the entity no longer bears (Burma, Upper Volta): found like aliases, shown as "formerly".
    former_names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    # For a country: the continent it lies in, by geography.
    continent: str | None = None
    country: str | None = None
    part_of: str | None = None
    # For a state that no longer exists: the state that succeeded it, where a source says so.
    successor: str | None = None
    description: str | None = None
    roles: tuple[Role, ...] = ()


class Event(Record):
    """Something that happened at a (partial) date."""

    KIND: ClassVar[str] = "event"
    CLAIM_FIELDS: ClassVar[tuple[str, ...]] = ("date",)

    date: tuple[DateClaim, ...] = ()
    category: str = ""
    summary: str = ""
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    # A period this event begins (such as diplomatic relations), drawn as a bar on charts.
    opens_period: str | None = None
    # The source gives no date: `date` is the latest it allows (its own date), and every view
    # says "undated; by about <date>" and places the event at the end of that date.
    undated: bool = False
    # The relation this event changes, and how (established, broken, ...): what `relations` reads.
    relation: str | None = None
    change: str | None = None


class Accreditation(Frozen):
    """A country a mission is accredited to besides its host."""

    country: str
    since: PartialDate | None = None
    until: PartialDate | None = None


class ActingRole(Frozen):
    """A mission acting for another state or body: protecting power, consular or rotating role.

    `citation` names the source that states the role, where it is not every one of the
    mission's: a role stated in the present tense holds as of that source's date.
    """

    on_behalf_of: str
    role: str
    scope: str | None = None
    basis: str | None = None
    citation: Citation | None = None


class Mission(Record):
    """A diplomatic or other official mission of one party in another's territory."""

    KIND: ClassVar[str] = "mission"
    CLAIM_FIELDS: ClassVar[tuple[str, ...]] = ("opened", "closed")

    name: str = ""
    sending: str = ""
    host: str = ""
    city: str | None = None
    mission_kind: str = ""
    opened: tuple[DateClaim, ...] = ()
    closed: tuple[DateClaim, ...] = ()
    consular_services: bool | None = None
    accredited_to: tuple[Accreditation, ...] = ()
    acts_for: tuple[ActingRole, ...] = ()
    notes: tuple[str, ...] = ()
    # The listings of this mission (records of their own in the fact files), attached when the
    # base is compiled, so that every view of the mission has its address and contacts.
    listed: tuple[Listing, ...] = ()


class Relation(Record):
    """The relation between two parties (North Korea and a country or an organisation).

    Its changes are the events that name it; `stated_status` is only the state a source states
    in the present tense, true as of that source's date.
    """

    KIND: ClassVar[str] = "relation"

    between: tuple[str, ...] = ()
    stated_status: str | None = None


class Listing(Record):
    """A mission as a table of missions lists it at the table's date: where it is, how to reach
    it, the countries it covers, and when the table says it opened."""

    KIND: ClassVar[str] = "listing"
    CLAIM_FIELDS: ClassVar[tuple[str, ...]] = ("opened",)

    mission: str = ""
    jurisdictions: tuple[str, ...] = ()
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    facebook: str | None = None
    twitter: str | None = None
    opened: tuple[DateClaim, ...] = ()


class Advisory(Record):
    """Travel advice a government gives its citizens about a country."""

    KIND: ClassVar[str] = "advisory"

    issuer: str = ""
    subject: str = ""
    scope: str = ""
    advice: tuple[str, ...] = ()
    reason: str | None = None
    registration: str | None = None
    registration_mission: str | None = None
    consular_help: str | None = None
    consular_help_missions: tuple[str, ...] = ()


class Aid(Record):
    """Aid given, with its amount, period, forms and channels where the sources say."""

    KIND: ClassVar[str] = "aid"

    donor: str = ""
    recipient: str = ""
    summary: str = ""
    amount: float | None = None
    currency: str | None = None
    amount_qualifier: str | None = None
    period_from: PartialDate | None = None
    period_to: PartialDate | None = None
    forms: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    prompted_by: tuple[str, ...] = ()


class Policy(Record):
    """A stated policy of one party towards another, with its areas."""

    KIND: ClassVar[str] = "policy"

    issuer: str = ""
    subject: str = ""
    name: str = ""
    summary: str = ""
    areas: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    since: PartialDate | None = None
    # Events the policy is about (the talks it supports): part of its issuer's timeline.
    refers_to: tuple[str, ...] = ()


class Sanction(Record):
    """Restrictive measures, with what prompted them."""

    KIND: ClassVar[str] = "sanction"

    imposer: str = ""
    target: str = ""
    measure_kind: str = ""
    summary: str = ""
    purpose: str | None = None
    prompted_by: tuple[str, ...] = ()


class Statement(Record):
    """A fact that is neither dated event nor structured record: a state of affairs."""

    KIND: ClassVar[str] = "statement"

    subjects: tuple[str, ...] = ()
    category: str = ""
    summary: str = ""


RECORD_TYPES: tuple[type[Record], ...] = (
    Source,
    Entity,
    Event,
    Mission,
    Relation,
    Listing,
    Advisory,
    Aid,
    Policy,
    Sanction,
    Statement,
)


def mentioned_ids(record: Record) -> frozenset[str]:
    """Every entity id a record names, in any field: what `timeline spain` looks for."""
    ids: set[str] = set()
    match record:
        case Event():
            ids.update(record.actors, record.places)
        case Relation():
            ids.update(record.between)
        case Listing():
            ids.update(record.jurisdictions)
        case Mission():
            ids.update(x for x in (record.sending, record.host, record.city) if x)
            ids.update(item.country for item in record.accredited_to)
            ids.update(item.on_behalf_of for item in record.acts_for)
            ids.update(country for listing in record.listed for country in listing.jurisdictions)
        case Advisory():
            ids.update((record.issuer, record.subject))
        case Aid():
            ids.update((record.donor, record.recipient, *record.channels))
        case Policy():
            ids.update((record.issuer, record.subject))
        case Sanction():
            ids.update((record.imposer, record.target))
        case Statement():
            ids.update(record.subjects)
        case Entity():
            ids.update(x for x in (record.country, record.part_of, record.successor) if x)
            ids.update(role.of for role in record.roles if role.of)
    return frozenset(ids)


def all_citations(record: Record) -> Iterator[Citation]:
    """The record's own citations and those of its dated claims."""
    yield from record.sources
    for name in record.CLAIM_FIELDS:
        claims: tuple[DateClaim, ...] = getattr(record, name)
        for claim in claims:
            if claim.citation is not None:
                yield claim.citation
