"""The loaded fact base, kept in SQLite: records by id, kind and the entities they name.

A fact base is compiled once from its YAML files into a small database (see cache.py and
compiler.py, which works out the subject and search indexes this module only stores):
a file in the user's cache directory when one is writable, or a database in memory when
not. Queries read only the rows they need and build records on demand, so a warm
`timeline spain` costs the same on a base of fifty records as on one of a hundred thousand.
Each row carries a CRC of its data: a cache file that was damaged is noticed and rebuilt
instead of answering with damaged facts.
"""

from __future__ import annotations

import json
import sqlite3
import zlib

from dprkrel.core import codec, model
from dprkrel.core.errors import DprkrelError

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
    from typing import Any, TypeVar

    R = TypeVar("R", bound=model.Record)
    T = TypeVar("T")

# Bump when the tables or their encoding change: an older cache is then rebuilt.
FORMAT = 8

TABLES_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE records (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
    data TEXT NOT NULL, crc INTEGER NOT NULL, headline_size INTEGER NOT NULL
);
CREATE TABLE mentions (entity TEXT NOT NULL, pos INTEGER NOT NULL);
CREATE TABLE postings (word INTEGER PRIMARY KEY, positions BLOB NOT NULL, heads BLOB NOT NULL);
"""
# Built after the rows are in: one sort per index is quicker than updating it row by row.
INDEXES_SQL = """
CREATE UNIQUE INDEX records_id ON records (id);
CREATE INDEX records_kind ON records (kind, pos);
CREATE INDEX mentions_entity ON mentions (entity, pos);
"""


class DamagedCache(DprkrelError):
    """A compiled fact base that cannot be trusted; the caller rebuilds it from the YAML."""


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


class FactBase:
    """Every record of the loaded fact files, read from a compiled database on demand."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        files: tuple[str, ...],
        recover: Callable[[], sqlite3.Connection] | None = None,
    ) -> None:
        self._db = connection
        self.files = files
        # Compiles the base afresh when a cached file turns out damaged while in use.
        self._recover = recover
        self._records: dict[int, model.Record] = {}
        self._positions: dict[str, int] = {}
        self._meta: dict[str, Any] = {}
        self.by_id = _ById(self)
        # What other modules work out from this base and keep while it lives, by a name of
        # their own: the subject index (see subjects.SubjectIndex.of).
        self.derived: dict[str, object] = {}

    # -- reading -----------------------------------------------------------------------------

    def _checked(self, read: Callable[[], T]) -> T:
        """Run a read; if the compiled file proves damaged, compile afresh once and read again."""
        try:
            return read()
        except DamagedCache:
            if self._recover is None:
                raise
            recover, self._recover = self._recover, None
            self._db.close()
            self._db = recover()
            self._records.clear()
            self._meta.clear()
            return read()

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        def read() -> list[Any]:
            try:
                return self._db.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.DatabaseError as error:
                raise DamagedCache(f"the compiled fact base is damaged ({error})") from None

        return self._checked(read)

    def _record(self, pos: int, id_: str, kind: str, data: str, crc: int) -> model.Record:
        record = self._records.get(pos)
        if record is None:
            if _crc(data) != crc:
                raise DamagedCache(f"the compiled fact base is damaged (record {pos})")
            try:
                record = codec.decode_record(kind, json.loads(data))
            except (ValueError, KeyError, TypeError) as error:
                raise DamagedCache(f"the compiled fact base is damaged ({error})") from None
            self._records[pos] = record
        return record

    def _positioned(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[int, model.Record]]:
        """(position, record) for each row of a query selecting pos, id, kind, data, crc."""
        return self._checked(lambda: [(row[0], self._record(*row)) for row in self._query(sql, parameters)])

    def _rows(self, sql: str, parameters: Iterable[Any] = ()) -> list[model.Record]:
        return [record for _pos, record in self._positioned(sql, parameters)]

    def meta(self, key: str) -> Any:
        """A value stored with the base at build time (counts, the subject index, …)."""

        def read() -> Any:
            if key not in self._meta:
                rows = self._query("SELECT value, crc FROM meta WHERE key = ?", (key,))
                if not rows or _crc(rows[0][0]) != rows[0][1]:
                    raise DamagedCache(f"the compiled fact base is damaged (meta '{key}')")
                try:
                    self._meta[key] = json.loads(rows[0][0])
                except ValueError:
                    raise DamagedCache(f"the compiled fact base is damaged (meta '{key}')") from None
            return self._meta[key]

        return self._checked(read)

    def get(self, record_id: str) -> model.Record | None:
        rows = self._rows("SELECT pos, id, kind, data, crc FROM records WHERE id = ?", (record_id,))
        return rows[0] if rows and rows[0].id == record_id else None

    def of_type(self, record_type: type[R]) -> tuple[R, ...]:
        """Every record of one kind, in file order."""
        rows = self._rows(
            "SELECT pos, id, kind, data, crc FROM records WHERE kind = ? ORDER BY pos", (record_type.KIND,)
        )
        return tuple(record for record in rows if isinstance(record, record_type))

    def mentioning(self, entity_ids: Collection[str], kind: str | None = None) -> list[model.Record]:
        """Records that name any of the entities in any field, in file order.

        The index only proposes candidates: each is checked against its own fields, so a
        damaged index row cannot put a record where it does not belong.
        """
        wanted = set(entity_ids)
        if not wanted:
            return []
        found: list[model.Record] = []
        # SQLite limits the number of parameters; large scopes go in batches.
        ids = sorted(wanted)
        positions: set[int] = set()
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._query(f"SELECT DISTINCT pos FROM mentions WHERE entity IN ({marks})", batch)
            positions.update(row[0] for row in rows)
        for record in self.at(sorted(positions), kind=kind).values():
            if model.mentioned_ids(record) & wanted:
                found.append(record)
        return found

    def at(self, positions: Iterable[int], kind: str | None = None) -> dict[int, model.Record]:
        """The records at these positions (as the indexes name them), in the order asked.

        With `kind`, only the records of that kind: the others are not even built.
        """
        wanted = list(positions)
        rows: dict[int, model.Record] = {}
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            sql = f"SELECT pos, id, kind, data, crc FROM records WHERE pos IN ({','.join('?' * len(batch))})"
            if kind is None:
                rows.update(self._positioned(sql, batch))
            else:
                rows.update(self._positioned(sql + " AND kind = ?", [*batch, kind]))
        return {pos: rows[pos] for pos in wanted if pos in rows}

    def summaries_at(self, positions: Collection[int]) -> dict[int, tuple[str, str, int]]:
        """(id, kind, headline size) of the record at each position, without building it."""
        wanted = list(positions)
        found: dict[int, tuple[str, str, int]] = {}
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            sql = f"SELECT pos, id, kind, headline_size FROM records WHERE pos IN ({marks})"
            found.update((pos, (id_, kind, size)) for pos, id_, kind, size in self._query(sql, batch))
        return found

    def postings(self, words: Collection[int]) -> Iterator[tuple[int, Sequence[int], bytes]]:
        """For each of the given words of the search vocabulary: the positions of the records
        that hold it, and for each a byte that is 1 when the word is in its headline.

        Stored as one packed array a word, so a common word is one row to read, not thousands.
        """
        from array import array

        wanted = list(words)
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            for word, packed, heads in self._query(
                f"SELECT word, positions, heads FROM postings WHERE word IN ({marks})", batch
            ):
                positions = array("i")
                positions.frombytes(packed)
                if len(positions) != len(heads):
                    raise DamagedCache("the compiled fact base is damaged (search index)")
                yield word, positions, heads

    def counts(self) -> dict[str, int]:
        """How many records of each kind, in schema order."""
        counts: dict[str, int] = self.meta("counts")
        return counts

    def citation_counts(self) -> dict[str, int]:
        """How many records cite each source, in any citation of theirs."""
        counts: dict[str, int] = self.meta("citations")
        return counts

    @property
    def connection(self) -> sqlite3.Connection:
        """The database the records are read from."""
        return self._db


class _ById:
    """`base.by_id[...]`: a record by its id, one query; KeyError for an unknown id. `in` too."""

    def __init__(self, base: FactBase) -> None:
        self._base = base

    def __getitem__(self, record_id: str) -> model.Record:
        record = self._base.get(record_id)
        if record is None:
            raise KeyError(record_id)
        return record

    def __contains__(self, record_id: str) -> bool:
        return self._base.get(record_id) is not None


# -- building ------------------------------------------------------------------------------


def write(
    connection: sqlite3.Connection,
    records: Sequence[model.Record],
    *,
    headline_sizes: Iterable[int],
    postings: Iterable[tuple[int, bytes, bytes]],
    meta: Mapping[str, object],
) -> None:
    """Write the records, their indexes and the values derived from them into an empty database.

    `headline_sizes` (one per record, in order) and `postings` (word, packed positions, heads)
    are the search index, `meta` more values to keep by name (the vocabulary, the subject
    index): compiler.py works them out. The rows are streamed into SQLite rather than
    gathered first: for a large base the lists of rows would cost more memory than the
    records themselves.
    """
    from dprkrel.core import schema

    db = connection
    db.executescript(TABLES_SQL)
    counts = {section.record_type.KIND: 0 for section in schema.SECTIONS}
    citations: dict[str, int] = {}
    for record in records:
        counts[record.kind] += 1
        if isinstance(record, model.Source):
            citations.setdefault(record.id, 0)
        for source in {citation.source for citation in model.all_citations(record)}:
            citations[source] = citations.get(source, 0) + 1

    def record_rows() -> Iterator[tuple[int, str, str, str, int, int]]:
        for pos, (record, headline_size) in enumerate(zip(records, headline_sizes, strict=True)):
            data = json.dumps(codec.encode(record), ensure_ascii=False, separators=(",", ":"))
            yield (pos, record.id, record.kind, data, _crc(data), headline_size)

    def mention_rows() -> Iterator[tuple[str, int]]:
        for pos, record in enumerate(records):
            for entity in model.mentioned_ids(record):
                yield (entity, pos)

    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", record_rows())
    db.executemany("INSERT INTO mentions VALUES (?, ?)", mention_rows())
    db.executemany("INSERT INTO postings VALUES (?, ?, ?)", postings)
    db.executescript(INDEXES_SQL)
    for key, value in {"format": FORMAT, "counts": counts, "citations": citations, **meta}.items():
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (key, text, _crc(text)))
    db.commit()
