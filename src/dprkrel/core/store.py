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
FORMAT = 21

# The search index: an FTS5 table of one row per record (rowid = its position), its columns
# as search.py fills them. Contentless: the records table holds the text, and a search
# checks what the index proposes against the records themselves.
SEARCH_COLUMNS = ("head", "kind", "body", "involves", "dates")
SEARCH_TOKENIZER = "porter unicode61 remove_diacritics 2"

TABLES_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE records (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
    data TEXT NOT NULL, crc INTEGER NOT NULL
);
CREATE TABLE mentions (entity TEXT NOT NULL, pos INTEGER NOT NULL);
"""
SEARCH_SQL = (
    f"CREATE VIRTUAL TABLE search USING fts5({', '.join(SEARCH_COLUMNS)}, "
    f"content = '', tokenize = '{SEARCH_TOKENIZER}')"
)
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

    def checked(self, read: Callable[[], T]) -> T:
        """Run a read; if the compiled file proves damaged (the read raises DamagedCache),
        compile afresh once and read again."""
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
            self.derived.clear()
            return read()

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        def read() -> list[Any]:
            try:
                return self._db.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.DatabaseError as error:
                raise DamagedCache(f"the compiled fact base is damaged ({error})") from None

        return self.checked(read)

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
        return self.checked(lambda: [(row[0], self._record(*row)) for row in self._query(sql, parameters)])

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

        return self.checked(read)

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

    def search_ranked(
        self,
        match: str,
        weights: Sequence[float],
        limit: int,
        kinds: Collection[str] = (),
        within: Collection[int] | None = None,
    ) -> list[tuple[int, float]]:
        """(position, bm25 rank) of the records the FTS5 query `match` finds, best (lowest) first.

        `weights` are bm25()'s, per column of SEARCH_COLUMNS; `kinds`, if any, keeps those
        kinds; `within`, if given, only those positions.
        """
        sql = f"SELECT rowid, bm25(search, {', '.join('?' * len(weights))}) AS r FROM search WHERE search MATCH ?"
        parameters: list[Any] = [*weights, match]
        if kinds:
            sql += f" AND rowid IN (SELECT pos FROM records WHERE kind IN ({', '.join('?' * len(kinds))}))"
            parameters += kinds
        if within is None:
            rows = self._query(sql + " ORDER BY r, rowid LIMIT ?", [*parameters, limit])
        else:
            wanted = sorted(within)
            rows = []
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                rows += self._query(sql + f" AND rowid IN ({', '.join('?' * len(batch))})", [*parameters, *batch])
            rows = sorted(rows, key=lambda row: (row[1], row[0]))[:limit]
        return [(int(pos), float(rank)) for pos, rank in rows]

    def search_count(self, match: str) -> int:
        """How many records match the FTS5 query `match`."""
        return int(self._query("SELECT count(*) FROM search WHERE search MATCH ?", (match,))[0][0])

    def search_holds(self, match: str) -> bool:
        """Whether any record matches the FTS5 query `match`."""
        return bool(self._query("SELECT rowid FROM search WHERE search MATCH ? LIMIT 1", (match,)))

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
    search_rows: Iterable[Sequence[Any]],
    meta: Callable[[], Mapping[str, object]],
) -> None:
    """Write the records, their indexes and the values derived from them into an empty database.

    `search_rows` are the rows of the search table (position, then SEARCH_COLUMNS), `meta`
    gives more values to keep by name (the vocabulary, the subject index), asked for once
    the rows are in: compiler.py works them out. The rows are streamed into SQLite rather
    than gathered first: for a large base the lists of rows would cost more memory than
    the records themselves.
    """
    from dprkrel.core import schema

    db = connection
    db.executescript(TABLES_SQL)
    db.execute(SEARCH_SQL)
    counts = {section.record_type.KIND: 0 for section in schema.SECTIONS}
    citations: dict[str, int] = {}
    for record in records:
        counts[record.kind] += 1
        if isinstance(record, model.Source):
            citations.setdefault(record.id, 0)
        for source in {citation.source for citation in model.all_citations(record)}:
            citations[source] = citations.get(source, 0) + 1

    def record_rows() -> Iterator[tuple[int, str, str, str, int]]:
        for pos, record in enumerate(records):
            data = json.dumps(codec.encode(record), ensure_ascii=False, separators=(",", ":"))
            yield (pos, record.id, record.kind, data, _crc(data))

    def mention_rows() -> Iterator[tuple[str, int]]:
        for pos, record in enumerate(records):
            for entity in model.mentioned_ids(record):
                yield (entity, pos)

    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", record_rows())
    db.executemany("INSERT INTO mentions VALUES (?, ?)", mention_rows())
    marks = ", ".join("?" * (len(SEARCH_COLUMNS) + 1))
    db.executemany(f"INSERT INTO search (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES ({marks})", search_rows)
    db.executescript(INDEXES_SQL)
    for key, value in {"format": FORMAT, "counts": counts, "citations": citations, **meta()}.items():
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (key, text, _crc(text)))
    db.commit()
