"""`dprkrel export`: the whole fact base written for analysis, read back table by table."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model
from dprkrel.core.export import EXPORT_VERSION, TABLE_OF_KIND, VIEWS, tables
from dprkrel.core.store import FactBase

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", "DPRKREL_DATA": None})
ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def expected(shipped_base: FactBase) -> dict[str, list[tuple[object, ...]]]:
    return {table.name: table.rows for table in tables(shipped_base)}


def test_sqlite_export_has_every_table_with_its_rows_and_keys(tmp_path: Path, expected: dict[str, list]) -> None:
    database = tmp_path / "base.db"
    result = run("export", "--format", "sqlite", database)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    connection = sqlite3.connect(database)
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {*expected, "export_meta"}
    for name, rows in expected.items():
        read = connection.execute(f'SELECT * FROM "{name}"').fetchall()
        assert read == [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows], name
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("SELECT value FROM export_meta WHERE key = 'export_version'").fetchone() == (
        str(EXPORT_VERSION),
    )
    for view in VIEWS:
        connection.execute(f'SELECT * FROM "{view}"').fetchall()
    # What `dprkrel timeline --json` counts, the database counts.
    events = json.loads(run("timeline", "--json").stdout)["results"]
    assert connection.execute("SELECT count(*) FROM events").fetchone() == (len(events),)
    assert connection.execute("SELECT count(*) FROM timeline").fetchone() == (len(events),)
    disputed = connection.execute("SELECT DISTINCT record_id FROM disputed_dates").fetchall()
    assert ("prk-embassy-madrid",) in disputed


def test_every_record_is_in_its_table(tmp_path: Path, shipped_records: list[model.Record]) -> None:
    database = tmp_path / "base.db"
    assert run("export", database).exit_code == 0  # sqlite is the default
    connection = sqlite3.connect(database)
    for record in shipped_records:
        table = TABLE_OF_KIND[record.kind]
        assert connection.execute(f'SELECT count(*) FROM "{table}" WHERE id = ?', (record.id,)).fetchone() == (1,)
    dates = [row[0] for row in connection.execute("SELECT date FROM events")]
    assert all(ISO.fullmatch(date) for date in dates)


def test_json_export_is_one_document_of_the_same_tables(tmp_path: Path, expected: dict[str, list]) -> None:
    document = tmp_path / "base.json"
    assert run("export", "-f", "json", document).exit_code == 0
    data = json.loads(document.read_text(encoding="utf-8"))
    assert data["export_version"] == EXPORT_VERSION
    assert set(data["data"]) == set(expected) == set(data["tables"])
    for name, rows in expected.items():
        assert [tuple(row.values()) for row in data["data"][name]] == rows, name


def test_csv_export_is_a_folder_of_the_same_tables(tmp_path: Path, expected: dict[str, list]) -> None:
    folder = tmp_path / "base"
    assert run("export", "--format", "csv", folder).exit_code == 0
    assert json.loads((folder / "export.json").read_text(encoding="utf-8"))["export_version"] == EXPORT_VERSION
    for name, rows in expected.items():
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            read = list(csv.reader(stream))[1:]

        def text(value: object) -> str:
            return "" if value is None else ("true" if value is True else "false" if value is False else str(value))

        assert read == [[text(value) for value in row] for row in rows], name


def test_data_files_are_exported_with_the_shipped_base(tmp_path: Path) -> None:
    extra = tmp_path / "freedonia.yaml"
    extra.write_text(
        "entities:\n  - id: freedonia\n    entity_kind: country\n    name: Freedonia\n"
        "    sources:\n      - {source: wikipedia-prk-esp, section: lead}\n",
        encoding="utf-8",
    )
    database = tmp_path / "base.db"
    assert run("export", database, "--data", extra).exit_code == 0
    found = sqlite3.connect(database).execute("SELECT name FROM entities WHERE id = 'freedonia'").fetchall()
    assert found == [("Freedonia",)]


def test_an_existing_destination_is_replaced_only_with_force(tmp_path: Path) -> None:
    database = tmp_path / "base.db"
    database.write_text("mine", encoding="utf-8")
    refused = run("export", database)
    assert refused.exit_code == 2
    assert "give --force" in refused.stderr
    assert database.read_text(encoding="utf-8") == "mine"
    assert run("export", database, "--force").exit_code == 0
    assert sqlite3.connect(database).execute("SELECT count(*) FROM sources").fetchone() == (4,)
    mine = tmp_path / "folder"
    mine.mkdir()
    (mine / "keep.txt").write_text("x", encoding="utf-8")
    assert run("export", "-f", "csv", mine, "--force").exit_code == 2
    assert (mine / "keep.txt").exists()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".dprkrel-export")]


def test_an_unknown_export_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "-f", "xlsx", tmp_path / "x")
    assert result.exit_code == 2
    assert "choose from sqlite, json, csv" in result.stderr


def test_the_export_schema_is_documented() -> None:
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    assert f"`export_version` {EXPORT_VERSION}" in text
    from dprkrel import open_base

    for table in tables(open_base()):
        assert f"### `{table.name}`" in text, table.name
        for column in table.columns:
            assert f"| `{column.name}` |" in text, (table.name, column.name)
    for view in VIEWS:
        assert f"- `{view}`:" in text


def test_the_readmes_export_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Export for analysis") :]
    section = section[: section.index("\n## ", 1)]
    commands = [line.strip() for line in section.splitlines() if line.startswith("    ")]
    assert commands
    monkeypatch.chdir(tmp_path)
    for command in commands:
        words = command.split(" ", 1)
        if words[0] == "dprkrel":
            args = words[1].split()
            result = run(*args)
            assert result.exit_code == 0, (command, result.output)
        else:
            assert words[0] == "sqlite3", command
            database, query = words[1].split(" ", 1)
            count = sqlite3.connect(tmp_path / database).execute(query.strip('"')).fetchone()[0]
            assert count == len(json.loads(run("timeline", "--json").stdout)["results"])
    assert (tmp_path / "base-csv" / "events.csv").is_file()
