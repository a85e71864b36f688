"""The fact-file schema: which sections, fields and value types a fact file may hold.

The schema is data, read by the loader; docs/schema.md describes it for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dprkrel.core import model

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
    # For objects: the fields of each item, and the dataclass built from it.
    item: dict[str, Field] = field(default_factory=dict)
    item_type: type | None = None


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
)

MISSION_KINDS = ("embassy", "humanitarian_office", "representative_office", "delegation", "consulate")

ACTING_ROLES = ("protecting_power", "consular", "rotating_representation")

STATEMENT_CATEGORIES = ("diplomatic_relations", "diplomatic_mission", "consular", "private_diplomacy", "identity")

COMMON_FIELDS: dict[str, Field] = {
    "id": Field("id", required=True),
    "sources": Field("citations", required=True),
    "inferred": Field("bool_or_null"),
    "present_tense": Field("bool_or_null"),
    "note": Field("text"),
}

SOURCE_FIELDS: dict[str, Field] = {
    "id": Field("id", required=True),
    "title": Field("text", required=True),
    "publisher": Field("text", required=True),
    "url": Field("text", required=True),
    "stated_as_of": Field("date", required=True),
    "date_note": Field("text"),
    "license": Field("text"),
    "sections": Field("text_list"),
    "note": Field("text"),
}

ROLE_FIELDS: dict[str, Field] = {
    "title": Field("text", required=True),
    "of": Field("ref", ref_kinds=ENTITY),
    "since": Field("date"),
    "until": Field("date"),
    "inferred": Field("bool_or_null"),
}

ACCREDITATION_FIELDS: dict[str, Field] = {
    "country": Field("ref", required=True, ref_kinds=ENTITY),
    "since": Field("date"),
    "until": Field("date"),
}

ACTING_ROLE_FIELDS: dict[str, Field] = {
    "on_behalf_of": Field("ref", required=True, ref_kinds=ENTITY),
    "role": Field("text", required=True, choices=ACTING_ROLES),
    "scope": Field("text"),
    "basis": Field("text"),
}


@dataclass(frozen=True)
class Section:
    """A top-level section of a fact file: a list of records of one kind."""

    name: str
    record_type: type[model.Record]
    fields: dict[str, Field]


SECTIONS: tuple[Section, ...] = (
    Section("sources", model.Source, SOURCE_FIELDS),
    Section(
        "entities",
        model.Entity,
        COMMON_FIELDS
        | {
            "entity_kind": Field("text", required=True, choices=ENTITY_KINDS),
            "name": Field("text", required=True),
            "names": Field("names"),
            "aliases": Field("text_list"),
            "codes": Field("text_list"),
            "country": Field("ref", ref_kinds=ENTITY),
            "part_of": Field("ref", ref_kinds=ENTITY),
            "description": Field("text"),
            "roles": Field("objects", item=ROLE_FIELDS, item_type=model.Role),
        },
    ),
    Section(
        "events",
        model.Event,
        COMMON_FIELDS
        | {
            "date": Field("date_claims", required=True),
            "category": Field("text", required=True, choices=EVENT_CATEGORIES),
            "summary": Field("text", required=True),
            "actors": Field("ref_list", ref_kinds=ENTITY),
            "places": Field("ref_list", ref_kinds=ENTITY),
            "details": Field("text_list"),
            "opens_period": Field("text"),
        },
    ),
    Section(
        "missions",
        model.Mission,
        COMMON_FIELDS
        | {
            "name": Field("text", required=True),
            "sending": Field("ref", required=True, ref_kinds=ENTITY),
            "host": Field("ref", required=True, ref_kinds=ENTITY),
            "city": Field("ref", ref_kinds=ENTITY),
            "mission_kind": Field("text", required=True, choices=MISSION_KINDS),
            "opened": Field("date_claims"),
            "closed": Field("date_claims"),
            "consular_services": Field("bool_or_null"),
            "accredited_to": Field("objects", item=ACCREDITATION_FIELDS, item_type=model.Accreditation),
            "acts_for": Field("objects", item=ACTING_ROLE_FIELDS, item_type=model.ActingRole),
            "notes": Field("text_list"),
        },
    ),
    Section(
        "advisories",
        model.Advisory,
        COMMON_FIELDS
        | {
            "issuer": Field("ref", required=True, ref_kinds=ENTITY),
            "subject": Field("ref", required=True, ref_kinds=ENTITY),
            "scope": Field("text", required=True),
            "advice": Field("text_list", required=True),
            "reason": Field("text"),
            "registration": Field("text"),
            "registration_mission": Field("ref", ref_kinds=("mission",)),
            "consular_help": Field("text"),
            "consular_help_missions": Field("ref_list", ref_kinds=("mission",)),
        },
    ),
    Section(
        "aid",
        model.Aid,
        COMMON_FIELDS
        | {
            "donor": Field("ref", required=True, ref_kinds=ENTITY),
            "recipient": Field("ref", required=True, ref_kinds=ENTITY),
            "summary": Field("text", required=True),
            "amount": Field("number"),
            "currency": Field("text"),
            "amount_qualifier": Field("text", choices=("exactly", "more_than", "about")),
            "period_from": Field("date"),
            "period_to": Field("date"),
            "forms": Field("text_list"),
            "channels": Field("ref_list", ref_kinds=ENTITY),
            "prompted_by": Field("ref_list", ref_kinds=("event",)),
        },
    ),
    Section(
        "policies",
        model.Policy,
        COMMON_FIELDS
        | {
            "issuer": Field("ref", required=True, ref_kinds=ENTITY),
            "subject": Field("ref", required=True, ref_kinds=ENTITY),
            "name": Field("text", required=True),
            "summary": Field("text", required=True),
            "areas": Field("text_list"),
            "instruments": Field("text_list"),
            "since": Field("date"),
        },
    ),
    Section(
        "sanctions",
        model.Sanction,
        COMMON_FIELDS
        | {
            "imposer": Field("ref", required=True, ref_kinds=ENTITY),
            "target": Field("ref", required=True, ref_kinds=ENTITY),
            "measure_kind": Field("text", required=True),
            "summary": Field("text", required=True),
            "purpose": Field("text"),
            "prompted_by": Field("ref_list", ref_kinds=("event",)),
        },
    ),
    Section(
        "statements",
        model.Statement,
        COMMON_FIELDS
        | {
            "subjects": Field("ref_list", required=True, ref_kinds=ENTITY),
            "category": Field("text", required=True, choices=STATEMENT_CATEGORIES),
            "summary": Field("text", required=True),
        },
    ),
)

SECTIONS_BY_NAME: dict[str, Section] = {section.name: section for section in SECTIONS}

# Top-level keys besides the sections.
TOP_LEVEL_FIELDS: dict[str, Field] = {"schema_version": Field("number")}
SCHEMA_VERSION = 1
