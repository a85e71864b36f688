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
            if len({claim.value for claim in claims}) > 1:
                found.append(Conflict(name, claims))
        return tuple(found)


def earliest(claims: tuple[DateClaim, ...]) -> PartialDate | None:
    """The earliest claimed date, or None; the one date shown where a single date is needed."""
    if not claims:
        return None
    return min((claim.value for claim in claims), key=PartialDate.sort_key)


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
    codes: tuple[str, ...] = ()
    country: str | None = None
    part_of: str | None = None
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


class Accreditation(Frozen):
    """A country a mission is accredited to besides its host."""

    country: str
    since: PartialDate | None = None
    until: PartialDate | None = None


class ActingRole(Frozen):
    """A mission acting for another state or body: protecting power, consular or rotating role."""

    on_behalf_of: str
    role: str
    scope: str | None = None
    basis: str | None = None


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
        case Mission():
            ids.update(x for x in (record.sending, record.host, record.city) if x)
            ids.update(item.country for item in record.accredited_to)
            ids.update(item.on_behalf_of for item in record.acts_for)
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
            ids.update(x for x in (record.country, record.part_of) if x)
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
