"""The whole fact base as normalised tables, for analysis elsewhere (docs/export.md).

One table per kind of record (`sources`, `entities`, `events`, `missions`, `relations`,
`listings`, `advisories`, `aid`, `policies`, `sanctions`, `statements`), with a column per
field that holds one value; a date is two columns, the ISO date and its precision, and a
disputed date holds its earliest claim (claims that only refine each other, their finest).
What a field holds several of goes to a table of its own, a row per value, keyed by the
record's id and the value's position: the entities an event names (`events_actors`), the
roles of a person (`entities_roles`), the accreditations of a mission, every claim of every
dated field (`claims`) and every citation (`citations`). Ids that name another record are
foreign keys to its table.
"""

from __future__ import annotations

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, annotations_of, fields_of
from dprkrel.core.schema import SECTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from dprkrel.core.store import FactBase

# Bump when a table, a column or a view changes its meaning: readers can check it.
EXPORT_VERSION = 2

# Each kind's table is named as its section of a fact file.
TABLE_OF_KIND = {section.record_type.KIND: section.name for section in SECTIONS}

# Fields every view shows its own way: citations and claims have tables of their own, where
# a record was read from is not a fact, and a mission's listings are rows of `listings`.
_OWN_TABLES = frozenset({"sources", "origin", "listed"})


class Column(Frozen):
    """A column: its name, SQL type, and the table its values are ids of, if any."""

    name: str
    type: str = "TEXT"
    references: str | None = None
    primary: bool = False


class Table(Frozen):
    """A table of the export: its columns and its rows, each a tuple in column order."""

    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[object, ...]]
    description: str = ""


def tables(base: FactBase) -> list[Table]:
    """Every table of the export, filled from the fact base."""
    built: dict[str, Table] = {}
    citations = _table("citations", "Each citation of each record: the source and its section.", [
        Column("record_id"), Column("record_table"), Column("position", "INTEGER"),
        Column("source_id", references="sources"), Column("section"),
    ])  # fmt: skip
    claims = _table("claims", "Every claim of every dated field, with its own citation.", [
        Column("record_id"), Column("record_table"), Column("field"), Column("position", "INTEGER"),
        Column("date"), Column("date_precision"), Column("source_id", references="sources"),
        Column("section"), Column("note"),
    ])  # fmt: skip
    for record_type in model.RECORD_TYPES:
        name = TABLE_OF_KIND[record_type.KIND]
        _record_tables(record_type, name, built)
    built["citations"] = citations
    built["claims"] = claims
    for record_type in model.RECORD_TYPES:
        name = TABLE_OF_KIND[record_type.KIND]
        for record in base.of_type(record_type):
            _fill(record, name, built, citations, claims)
    # The tables of records first, in schema order, then those that refer to their rows.
    tops = list(TABLE_OF_KIND.values())
    return sorted(
        built.values(), key=lambda table: (table.name not in tops, tops.index(table.name) if table.name in tops else 0)
    )


# Views for the questions people ask most, over the tables above (SQLite).
VIEWS = {
    "timeline": """
        SELECT e.id, e.date, e.date_precision, e.undated, e.category, e.summary,
               (SELECT group_concat(n.name, ' | ') FROM events_actors a JOIN entities n ON n.id = a.value
                WHERE a.record_id = e.id) AS actors,
               (SELECT group_concat(n.name, ' | ') FROM events_places p JOIN entities n ON n.id = p.value
                WHERE p.record_id = e.id) AS places,
               e.inferred, e.present_tense
        FROM events e ORDER BY e.date, e.id""",
    "mission_list": """
        SELECT m.id, m.name, m.mission_kind, s.name AS sending, h.name AS host, c.name AS city,
               m.opened, m.opened_precision, m.closed, m.closed_precision, m.present_tense
        FROM missions m LEFT JOIN entities s ON s.id = m.sending LEFT JOIN entities h ON h.id = m.host
        LEFT JOIN entities c ON c.id = m.city ORDER BY m.id""",
    "disputed_dates": """
        SELECT record_table, record_id, field, date, date_precision, source_id, section, note
        FROM claims WHERE (record_id, field) IN
            (SELECT record_id, field FROM claims GROUP BY record_id, field HAVING count(DISTINCT date) > 1)
        ORDER BY record_id, field, position""",
}


def _table(name: str, description: str, columns: list[Column]) -> Table:
    return Table(name, tuple(columns), [], description)


def _kind(annotation: str) -> tuple[str, str]:
    """What an annotation holds: ("date" | "claims" | "values" | "records" | "value", inner type)."""
    text = annotation.replace(" ", "")
    if text.startswith("tuple["):
        inner = text[len("tuple[") :].split(",")[0]
        if inner == "DateClaim":
            return "claims", inner
        if inner == "str":
            return "values", inner
        return "records", inner
    if text.startswith("PartialDate"):
        return "date", "PartialDate"
    return "value", text.split("|")[0]


_SQL_TYPES = {"bool": "INTEGER", "int": "INTEGER", "float": "REAL"}


def _references(cls: type, field: str) -> str | None:
    """The table whose ids a field holds, from the schema's rules (None when it may name
    records of several kinds, or none)."""
    from dprkrel.core.schema import RULES

    for klass in cls.__mro__:
        rule = RULES.get(klass, {}).get(field)
        if rule is not None:
            refs = rule.refs
            return TABLE_OF_KIND[refs[0]] if len(refs) == 1 else None
    return None


def _record_tables(cls: type[Frozen], name: str, built: dict[str, Table], parent: str = "") -> None:
    """The table of a kind of record, or of records nested in the rows of `parent`, and the
    tables of what their fields hold several of."""
    if parent:
        columns = [Column("record_id", references=parent), Column("position", "INTEGER")]
    else:
        columns = [Column("id", primary=True)]
    top = parent or name
    for field, annotation in annotations_of(cls).items():
        if field in _OWN_TABLES or (field == "id" and not parent):
            continue
        kind, inner = _kind(annotation)
        if kind in ("date", "claims"):
            columns += [Column(field), Column(f"{field}_precision")]
        elif kind == "values":
            child = f"{name}_{field}"
            refs = _references(cls, field)
            built[child] = _table(child, f"The {field.replace('_', ' ')} of each row of {name}.", [
                Column("record_id", references=top), Column("position", "INTEGER"),
                Column("value", references=refs),
            ])  # fmt: skip
        elif kind == "records":
            nested = getattr(model, inner)
            _record_tables(nested, f"{name}_{field}", built, parent=top)
        elif inner == "Citation":
            # A citation written beside the item's fields (a role's source): two columns, as written.
            columns += [Column("source", references="sources"), Column("section")]
        else:
            columns.append(Column(field, _SQL_TYPES.get(inner, "TEXT"), _references(cls, field)))
    what = (
        f"Each {cls.__name__.lower()} of the rows of {parent}, by position." if parent else f"The {name}, a row each."
    )
    built[name] = _table(name, what, columns)


def _fill(record: model.Record, name: str, built: dict[str, Table], citations: Table, claims: Table) -> None:
    record_id = record.id
    for position, citation in enumerate(record.sources):
        citations.rows.append((record_id, name, position, citation.source, citation.section))
    for field in record.CLAIM_FIELDS:
        for position, claim in enumerate(getattr(record, field)):
            citation = claim.citation or record.sources[0]
            claims.rows.append(
                (record_id, name, field, position, claim.value.iso(), claim.value.precision,
                 citation.source, citation.section, claim.note)
            )  # fmt: skip
    built[name].rows.append(tuple(_row(record, name, built, record_id)))


def _row(record: Frozen, name: str, built: dict[str, Table], record_id: str, key: bool = False) -> Iterator[object]:
    if not key:
        yield record_id
    for field, _default in fields_of(type(record)):
        if field in _OWN_TABLES or (field == "id" and not key):
            continue
        value = getattr(record, field)
        kind, _inner = _kind(annotations_of(type(record))[field])
        if kind == "claims":
            shown = model.shown_date(value)
            yield from (shown.iso(), shown.precision) if shown else (None, None)
        elif kind == "date":
            yield from (value.iso(), value.precision) if isinstance(value, PartialDate) else (None, None)
        elif kind == "values":
            rows = built[f"{name}_{field}"].rows
            rows.extend((record_id, position, item) for position, item in enumerate(value))
        elif kind == "records":
            child = f"{name}_{field}"
            for position, item in enumerate(value):
                built[child].rows.append((record_id, position, *_row(item, child, built, record_id, key=True)))
        elif isinstance(value, model.Citation) or _inner == "Citation":
            yield from (value.source, value.section) if value is not None else (None, None)
        else:
            yield value
