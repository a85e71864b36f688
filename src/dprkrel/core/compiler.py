"""Records compiled into a fact base: the store's rows and the indexes that subjects and search read.

The store only keeps tables; this module, above it and above subjects and search, works out
what those two derive from the records and hands it to `store.write`.
"""

from __future__ import annotations

import sqlite3

from dprkrel.core import model
from dprkrel.core.frozen import replace
from dprkrel.core.store import FactBase, write

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Iterable


def build(connection: sqlite3.Connection, records: Iterable[model.Record]) -> None:
    """Write the records, their indexes and the values derived from them into an empty database."""
    # Here, not at the top: a warm start, which only reads a compiled base, need not load search.
    from dprkrel.core import search
    from dprkrel.core.subjects import SubjectIndex

    records = with_listings(list(records))
    words = search.load_words()
    rows, vocabulary, size = search.index(records, words)
    involvement: dict[str, int] = {}
    for record in records:
        for entity_id in model.mentioned_ids(record):
            involvement[entity_id] = involvement.get(entity_id, 0) + 1
    entities = [record for record in records if isinstance(record, model.Entity)]
    subjects = SubjectIndex(entities, involvement).to_state()

    def meta() -> dict[str, object]:
        # Asked for once the search rows are written, when the vocabulary is whole.
        return {
            "search:words": words,
            "search:vocabulary": "\n".join(sorted(vocabulary)),
            "search:size": size,
            **{f"subjects:{table}": value for table, value in subjects.items()},
        }

    write(connection, records, search_rows=rows, meta=meta)


def with_listings(records: list[model.Record]) -> list[model.Record]:
    """The records, each mission with its listings attached, and the opening date a listing
    gives added to the mission's claims (with the listing's citation), so that a listing that
    disagrees with the other sources shows as a conflict of the mission's."""
    listings: dict[str, list[model.Listing]] = {}
    for record in records:
        if isinstance(record, model.Listing):
            listings.setdefault(record.mission, []).append(record)
    if not listings:
        return records
    attached: list[model.Record] = []
    for record in records:
        if isinstance(record, model.Mission) and record.id in listings:
            listed = tuple(listings[record.id])
            claims = tuple(
                model.DateClaim(claim.value, claim.citation or listing.sources[0], claim.note)
                for listing in listed
                for claim in listing.opened
            )
            record = replace(record, listed=listed, opened=record.opened + claims)
        attached.append(record)
    return attached


def in_memory(records: Iterable[model.Record], files: tuple[str, ...] = ()) -> FactBase:
    """A fact base of these records, compiled into memory (no cache file)."""
    connection = sqlite3.connect(":memory:")
    build(connection, records)
    return FactBase(connection, files)
