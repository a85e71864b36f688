"""The export written for analysis: a SQLite database, one JSON document, or a folder of CSV
files, all with the same tables (see `dprkrel.core.export` and docs/export.md).

Each is written beside its destination under a temporary name and renamed into place when
complete, so an interrupted export never leaves half a file where the whole one should be.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from dprkrel.core.export import EXPORT_VERSION, VIEWS
from dprkrel.output.flat import cell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dprkrel.core.export import Table

FORMATS = ("sqlite", "json", "csv")


def write(tables: list[Table], fmt: str, destination: str) -> None:
    """Write the tables to `destination` (a file; a folder for CSV) in `fmt`."""
    target = Path(destination)
    parent = target.absolute().parent
    if fmt == "csv":
        folder = Path(tempfile.mkdtemp(prefix=".dprkrel-export-", dir=parent))
        try:
            _write_csv(tables, folder)
            folder.replace(target)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return
    handle, name = tempfile.mkstemp(prefix=".dprkrel-export-", dir=parent)
    os.close(handle)
    staging = Path(name)
    try:
        if fmt == "sqlite":
            _write_sqlite(tables, staging)
        else:
            _write_json(tables, staging)
        staging.replace(target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def _meta(tables: list[Table]) -> dict[str, object]:
    return {"export_version": EXPORT_VERSION, "tables": {table.name: table.description for table in tables}}


def _write_sqlite(tables: list[Table], path: Path) -> None:
    path.unlink()  # sqlite makes its own file
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("CREATE TABLE export_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("INSERT INTO export_meta VALUES ('export_version', ?)", (str(EXPORT_VERSION),))
            for table in tables:
                columns = []
                for column in table.columns:
                    spec = f'"{column.name}" {column.type}'
                    if column.primary:
                        spec += " PRIMARY KEY"
                    if column.references:
                        spec += f' REFERENCES "{column.references}" (id)'
                    columns.append(spec)
                connection.execute(f'CREATE TABLE "{table.name}" ({", ".join(columns)})')
                marks = ", ".join("?" * len(table.columns))
                connection.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', table.rows)
                for column in table.columns:
                    if column.references or column.name == "record_id":
                        connection.execute(
                            f'CREATE INDEX "{table.name}_{column.name}" ON "{table.name}" ("{column.name}")'
                        )
            for name, query in VIEWS.items():
                connection.execute(f'CREATE VIEW "{name}" AS {query}')
    finally:
        connection.close()


def _rows_as_objects(table: Table) -> list[dict[str, object]]:
    names = [column.name for column in table.columns]
    return [dict(zip(names, row, strict=True)) for row in table.rows]


def _write_json(tables: list[Table], path: Path) -> None:
    document = {**_meta(tables), "data": {table.name: _rows_as_objects(table) for table in tables}}
    with path.open("w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False, indent=2)
        stream.write("\n")


def _write_csv(tables: list[Table], folder: Path) -> None:
    for table in tables:
        with (folder / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow([column.name for column in table.columns])
            writer.writerows([cell(value) for value in row] for row in table.rows)
    with (folder / "export.json").open("w", encoding="utf-8") as stream:
        json.dump(_meta(tables), stream, ensure_ascii=False, indent=2)
        stream.write("\n")
