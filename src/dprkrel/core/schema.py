"""The fact-file schema: which sections, fields and value types a fact file may hold.

The fields are those the record classes of dprkrel.core.model declare, in their order, each
with the value type its annotation says. A field is required when its class gives it no
default, or only the empty text, which no fact file may write. Written here is only what the
annotations cannot say: the rules below (fields required although the record has a default,
the values a text may take, the kinds of record an id names, fields the loader sets) and which
section holds each kind. docs/schema.md describes the schema for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from dprkrel.core import model
from dprkrel.core.frozen import REQUIRED, Frozen, annotations_of, fields_of

ValueType = Literal[
    "text",  # a string; YAML scalars that would be read as another type are refused
    "text_list",  # a list of strings
    "id",  # a record id: lower-case letters, digits, '.', '_' and '-'
    "date",  # a partial ISO date, quoted: "2001", "2001-02", "2001-02-07"
    "date_claims",  # a date, or a list of {value, source, section, note} claims
    "bool_or_null",  # true, false or null
    "number",  # a decimal number such as 366000000 or 10.5
    "ref",  # the id of another record
    "ref_list",  # a list of ids of other records
    "names",  # a mapping of language tag to name
    "citations",  # a list of {source, section}
    "objects",  # a list of mappings with their own fields (see `item`)
]


@dataclass(frozen=True)
class Field:
    """One field of a record: its type, whether it is required, what it may refer to."""

    value_type: ValueType
    required: bool = False
    # For ref and ref_list: the record kinds the id may name.
    ref_kinds: tuple[str, ...] = ()
    # For text: the only values allowed (empty means any text).
    choices: tuple[str, ...] = ()
    # For objects: the fields of each item, and the record class built from it.
    item: dict[str, Field] = field(default_factory=dict)
    item_type: type[Frozen] | None = None


@dataclass(frozen=True)
class Rule:
    """What a fact file asks of a field beyond what the model's annotation and default say."""

    required: bool = False
    # The record kinds an id may name: a text field then holds one id, a list of text several.
    refs: tuple[str, ...] = ()
    # The only values a text field may take.
    choices: tuple[str, ...] = ()
    # The record's own id, which must be an id rather than any text.
    is_id: bool = False
    # Set by the loader (or not taken by this kind), never written in a fact file.
    written: bool = True
    # A record held in this field is written as keys of the enclosing mapping, not nested.
    inline: bool = False


ENTITY = ("entity",)

ENTITY_KINDS = (
    "country",
    "international_organisation",
    "organisation",
    "government_body",
    "group",
    "city",
    "person",
)

EVENT_CATEGORIES = (
    "diplomatic_relations",
    "diplomatic_mission",
    "visit",
    "expulsion",
    "incident",
    "legal",
    "aid",
    "disaster",
    "private_diplomacy",
    "security",
    "sanctions",
    "human_rights",
    "multilateral",
    "trade",
    "military",
    "treaty",
    "culture",
    "nuclear",
)

CONTINENTS = ("africa", "americas", "asia", "europe", "oceania")

# How an event changes a relation, and the status each change leaves it in.
RELATION_CHANGES: dict[str, str] = {
    "recognised": "recognised",
    "established": "active",
    "restored": "active",
    "suspended": "suspended",
    "broken": "broken",
    "ended": "ended",
    "joined": "member",
    "left": "former_member",
}
RELATION_STATUSES = (
    "active",
    "recognised",
    "suspended",
    "broken",
    "ended",
    "none",
    "member",
    "observer",
    "former_member",
)

MISSION_KINDS = (
    "embassy",
    "humanitarian_office",
    "representative_office",
    "delegation",
    "consulate",
    "consulate_general",
    "de_facto_embassy",
    "apostolic_nunciature",
    "permanent_mission",
    "trade_office",
    "liaison_office",
)

ACTING_ROLES = ("protecting_power", "consular", "rotating_representation")

AMOUNT_QUALIFIERS = ("exactly", "more_than", "about")

STATEMENT_CATEGORIES = (
    "diplomatic_relations",
    "diplomatic_mission",
    "consular",
    "private_diplomacy",
    "identity",
    "foreign_policy",
    "membership",
    "trade",
    "military",
    "aid",
    "culture",
    "security",
    "human_rights",
    "nuclear",
    "history",
)

MUST = Rule(required=True)
TO_ENTITY = Rule(refs=ENTITY)
TO_EVENT = Rule(refs=("event",))
TO_MISSION = Rule(refs=("mission",))
NOT_WRITTEN = Rule(written=False)

# For each record class, the rules of its fields; a class's rules apply to its subclasses too,
# unless they give the field a rule of their own.
RULES: dict[type[Frozen], dict[str, Rule]] = {
    model.Record: {"id": Rule(is_id=True), "sources": MUST, "origin": NOT_WRITTEN},
    model.Citation: {"source": Rule(refs=("source",))},
    # A claim names its source and section beside its value: {value, source, section, note}.
    model.DateClaim: {"citation": Rule(inline=True, required=True)},
    model.Source: {"sources": NOT_WRITTEN, "inferred": NOT_WRITTEN, "present_tense": NOT_WRITTEN, "stated_as_of": MUST},
    model.Entity: {
        "entity_kind": Rule(choices=ENTITY_KINDS),
        "continent": Rule(choices=CONTINENTS),
        "country": TO_ENTITY,
        "part_of": TO_ENTITY,
        "successor": TO_ENTITY,
    },
    model.Role: {"of": TO_ENTITY},
    model.Event: {
        "date": MUST,
        "category": Rule(choices=EVENT_CATEGORIES),
        "actors": TO_ENTITY,
        "places": TO_ENTITY,
        "relation": Rule(refs=("relation",)),
        "change": Rule(choices=tuple(RELATION_CHANGES)),
    },
    model.Mission: {
        "sending": TO_ENTITY,
        "host": TO_ENTITY,
        "city": TO_ENTITY,
        "mission_kind": Rule(choices=MISSION_KINDS),
        "listed": NOT_WRITTEN,
    },
    model.Accreditation: {"country": TO_ENTITY},
    model.Relation: {"between": Rule(required=True, refs=ENTITY), "stated_status": Rule(choices=RELATION_STATUSES)},
    model.Listing: {"mission": TO_MISSION, "jurisdictions": TO_ENTITY},
    # A role may name the source that states it beside it: {on_behalf_of, role, source, section}.
    model.ActingRole: {"on_behalf_of": TO_ENTITY, "role": Rule(choices=ACTING_ROLES), "citation": Rule(inline=True)},
    model.Advisory: {
        "issuer": TO_ENTITY,
        "subject": TO_ENTITY,
        "advice": MUST,
        "registration_mission": TO_MISSION,
        "consular_help_missions": TO_MISSION,
    },
    model.Aid: {
        "donor": TO_ENTITY,
        "recipient": TO_ENTITY,
        "amount_qualifier": Rule(choices=AMOUNT_QUALIFIERS),
        "channels": TO_ENTITY,
        "prompted_by": TO_EVENT,
    },
    model.Policy: {"issuer": TO_ENTITY, "subject": TO_ENTITY, "refers_to": TO_EVENT},
    model.Sanction: {"imposer": TO_ENTITY, "target": TO_ENTITY, "prompted_by": TO_EVENT},
    model.Statement: {"subjects": Rule(required=True, refs=ENTITY), "category": Rule(choices=STATEMENT_CATEGORIES)},
}

# The value type of each annotation the model uses (spaces and "| None" left out), but for
# lists of records written as mappings, which are "objects".
_VALUE_TYPES: dict[str, ValueType] = {
    "str": "text",
    "tuple[str,...]": "text_list",
    "PartialDate": "date",
    "tuple[DateClaim,...]": "date_claims",
    "bool": "bool_or_null",
    "float": "number",
    "tuple[Name,...]": "names",
    "tuple[Citation,...]": "citations",
}
_AS_REF: dict[ValueType, ValueType] = {"text": "ref", "text_list": "ref_list"}


def _rule(cls: type[Frozen], name: str) -> Rule:
    for owner in cls.__mro__:
        rule = RULES.get(owner, {}).get(name)
        if rule is not None:
            return rule
    return Rule()


def _record_class(annotation: str, where: str) -> type[Frozen]:
    target = getattr(model, annotation, None)
    if not (isinstance(target, type) and issubclass(target, Frozen)):
        raise TypeError(f"{where}: {annotation!r} is neither a value type of fact files nor a record class")
    return target


def fields_for(cls: type[Frozen], *, last: tuple[str, ...] = ()) -> dict[str, Field]:
    """The fields a fact file writes for a record of class `cls`, in the class's order but for
    the fields named in `last`, which come after the others."""
    found: dict[str, Field] = {}
    annotations = annotations_of(cls)
    for name, default in fields_of(cls):
        rule = _rule(cls, name)
        if not rule.written:
            continue
        where = f"{cls.__name__}.{name}"
        annotation = annotations[name].replace(" ", "").removesuffix("|None")
        if rule.inline:
            # Its fields are written in the enclosing mapping, required only when it is.
            inner = fields_for(_record_class(annotation, where))
            found |= {key: replace(spec, required=spec.required and rule.required) for key, spec in inner.items()}
            continue
        required = rule.required or default is REQUIRED or default == ""
        value_type = "id" if rule.is_id else _VALUE_TYPES.get(annotation)
        if value_type is None:
            item_type = _record_class(annotation.removeprefix("tuple[").removesuffix(",...]"), where)
            found[name] = Field("objects", required, item=fields_for(item_type), item_type=item_type)
            continue
        if rule.refs:
            value_type = _AS_REF[value_type]
        found[name] = Field(value_type, required, ref_kinds=rule.refs, choices=rule.choices)
    for name in last:
        found[name] = found.pop(name)
    return found


@dataclass(frozen=True)
class Section:
    """A top-level section of a fact file: a list of records of one kind."""

    name: str
    record_type: type[model.Record]
    fields: dict[str, Field]


def _section(name: str, record_type: type[model.Record], *, last: tuple[str, ...] = ()) -> Section:
    return Section(name, record_type, fields_for(record_type, last=last))


# The fields every record but a source has, and the fields of a citation and of a date claim.
COMMON_FIELDS = fields_for(model.Record)
CITATION_FIELDS = fields_for(model.Citation)
CLAIM_FIELDS = fields_for(model.DateClaim)

SECTIONS: tuple[Section, ...] = (
    # A source's note comes after what describes the source, as docs/schema.md lists it.
    _section("sources", model.Source, last=("note",)),
    _section("entities", model.Entity),
    _section("events", model.Event),
    _section("missions", model.Mission),
    _section("relations", model.Relation),
    _section("listings", model.Listing),
    _section("advisories", model.Advisory),
    _section("aid", model.Aid),
    _section("policies", model.Policy),
    _section("sanctions", model.Sanction),
    _section("statements", model.Statement),
)

SECTIONS_BY_NAME: dict[str, Section] = {section.name: section for section in SECTIONS}


def inlined_citation(cls: type[Frozen]) -> str | None:
    """The field of `cls` that holds a citation written as `source` and `section` keys of its
    own mapping (see Rule.inline), or None."""
    for name, _default in fields_of(cls):
        if _rule(cls, name).inline:
            return name
    return None


# Top-level keys besides the sections.
TOP_LEVEL_FIELDS: dict[str, Field] = {"schema_version": Field("number")}
SCHEMA_VERSION = 1
