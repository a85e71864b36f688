"""Records compiled into a fact base: the store's rows and the indexes that subjects and search read.

The store only keeps tables; this module, above it and above subjects and search, works out
what those two derive from the records and hands it to `store.write`.
"""

from __future__ import annotations

import sqlite3

from dprkrel.core import model
from dprkrel.core.store import FactBase, write

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Iterable


def build(connection: sqlite3.Connection, records: Iterable[model.Record]) -> None:
    """Write the records, their indexes and the values derived from them into an empty database."""
    # Here, not at the top: a warm start, which only reads a compiled base, need not load search.
    from dprkrel.core import search
    from dprkrel.core.subjects import SubjectIndex

    records = list(records)
    headline_sizes, postings, vocabulary = search.index(records)
    involvement: dict[str, int] = {}
    for record in records:
        for entity_id in model.mentioned_ids(record):
            involvement[entity_id] = involvement.get(entity_id, 0) + 1
    entities = [record for record in records if isinstance(record, model.Entity)]
    subjects = SubjectIndex(entities, involvement).to_state()
    meta = {"vocabulary": vocabulary, **{f"subjects:{table}": value for table, value in subjects.items()}}
    write(connection, records, headline_sizes=headline_sizes, postings=postings, meta=meta)


def in_memory(records: Iterable[model.Record], files: tuple[str, ...] = ()) -> FactBase:
    """A fact base of these records, compiled into memory (no cache file)."""
    connection = sqlite3.connect(":memory:")
    build(connection, records)
    return FactBase(connection, files)
