"""The compiled fact base in the cache: used when it can be, rebuilt when it must be.

Behaviour only, never time: the benchmark in bench/ measures speed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dprkrel.core import cache, loader, model
from dprkrel.core.errors import DataError
from dprkrel.core.paths import builtin_fact_path
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

EXTRA = """\
sources:
  - id: src-extra
    title: Extra facts
    publisher: Tests
    url: https://example.org/extra
    stated_as_of: "2020"
events:
  - id: ev-extra
    date: "2020-05"
    category: visit
    summary: {summary}
    actors: [esp]
    sources: [{{source: src-extra, section: body}}]
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every call to the YAML parser, by the files it parsed."""
    calls: list[tuple[str, ...]] = []
    real = loader.parse

    def counting(files: list[str], texts: list[str]) -> list[model.Record]:
        calls.append(tuple(files))
        return real(files, texts)

    monkeypatch.setattr(loader, "parse", counting)
    return calls


def extra_file(tmp_path: Path, summary: str = "A visit.") -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(EXTRA.format(summary=summary), encoding="utf-8")
    return path


def compiled(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sqlite"))


def summary_of(base: FactBase) -> str:
    event = base.by_id["ev-extra"]
    assert isinstance(event, model.Event)
    return event.summary


def test_an_unchanged_base_is_parsed_once(cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    first = load(files)
    second = load(files)
    assert len(parses) == 1
    assert len(compiled(cache_home)) == 1
    assert first.counts() == second.counts()
    assert summary_of(second) == "A visit."


@pytest.mark.parametrize("name", ["a?b#c%41 d", "ünï ☃", "relative"])
def test_a_cache_directory_of_any_name_is_read_back(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[tuple[str, ...]]
) -> None:
    # The compiled base is opened through a file: URI, where "?", "#" and "%" mean something.
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / name
    monkeypatch.setenv("DPRKREL_CACHE_DIR", name if name == "relative" else str(directory))
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    assert summary_of(load(files)) == "A visit."
    assert len(parses) == 1
    assert len(compiled(directory)) == 1


def test_a_changed_file_is_parsed_again_and_answers_change(
    cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path
) -> None:
    path = extra_file(tmp_path, "Before.")
    assert summary_of(load([builtin_fact_path(), path])) == "Before."
    extra_file(tmp_path, "After.")
    assert summary_of(load([builtin_fact_path(), path])) == "After."
    assert len(parses) == 2
    # Different contents never share a compiled base.
    assert len(compiled(cache_home)) == 2


def test_a_file_changed_back_finds_its_compiled_base_again(
    cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path
) -> None:
    path = extra_file(tmp_path, "One.")
    load([builtin_fact_path(), path])
    extra_file(tmp_path, "Two.")
    load([builtin_fact_path(), path])
    extra_file(tmp_path, "One.")
    assert summary_of(load([builtin_fact_path(), path])) == "One."
    assert len(parses) == 2


def test_bad_data_is_not_cached(cache_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("events: [{id: x}]\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            load([path])
    assert compiled(cache_home) == []


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a database at all" * 100), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path, damage: object
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    expected = load(files).counts()
    (path,) = compiled(cache_home)
    damage(path)  # type: ignore[operator]
    base = load(files)
    assert base.counts() == expected
    assert summary_of(base) == "A visit."
    assert len(parses) == 2
    # The rebuilt file is whole again: the next run uses it.
    load(files)
    assert len(parses) == 2


def test_a_record_damaged_inside_a_valid_file_is_noticed(
    cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path, "Right.")]
    load(files)
    (path,) = compiled(cache_home)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE records SET data = replace(data, 'Right.', 'Wrong.')")
    connection.close()
    assert summary_of(load(files)) == "Right."
    assert len(parses) == 2


def test_a_cache_of_another_format_is_rebuilt(cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    (path,) = compiled(cache_home)
    with sqlite3.connect(path) as connection:
        text = json.dumps(0)
        connection.execute("UPDATE meta SET value = ?, crc = ? WHERE key = 'format'", (text, zlib_crc(text)))
    connection.close()
    assert summary_of(load(files)) == "A visit."
    assert len(parses) == 2


def zlib_crc(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def test_another_version_uses_another_file(
    cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    load(files)
    assert len(parses) == 2
    assert len(compiled(cache_home)) == 2


def test_without_a_writable_cache_everything_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[tuple[str, ...]]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    # A cache directory below a regular file can never be created, whoever runs the test.
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(blocker / "cache"))
    files = [builtin_fact_path(), extra_file(tmp_path)]
    first = load(files)
    second = load(files)
    assert summary_of(second) == "A visit."
    assert first.counts() == second.counts()
    assert len(parses) == 2  # nothing could be kept, so each run compiles in memory


def test_a_read_only_cache_file_is_still_read(cache_home: Path, parses: list[tuple[str, ...]], tmp_path: Path) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    (path,) = compiled(cache_home)
    path.chmod(0o444)
    assert summary_of(load(files)) == "A visit."
    assert len(parses) == 1


def test_old_compiled_bases_are_pruned(cache_home: Path, tmp_path: Path) -> None:
    path = extra_file(tmp_path)
    for number in range(cache.KEEP + 3):
        extra_file(tmp_path, f"Version {number}.")
        load([builtin_fact_path(), path])
    assert len(compiled(cache_home)) == cache.KEEP
    assert not list(cache_home.glob("*.tmp"))


def test_processes_building_the_same_cache_at_once_all_answer_right(tmp_path: Path) -> None:
    """Several processes start together on a cold cache and compile the same base."""
    events = "\n".join(
        f'  - {{id: ev-{n}, date: "20{n % 20:02d}", category: visit, summary: Visit {n}., actors: [esp],'
        f" sources: [{{source: src-extra, section: body}}]}}"
        for n in range(3000)
    )
    path = tmp_path / "many.yaml"
    path.write_text(EXTRA.split("events:")[0] + "events:\n" + events + "\n", encoding="utf-8")
    env = {**os.environ, "DPRKREL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("DPRKREL_DATA", None)
    command = [sys.executable, "-m", "dprkrel", "--data", str(path), "timeline", "spain", "--json"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0], [err for _, err in outputs]
    results = [json.loads(out)["results"] for out, _ in outputs]
    assert all(result == results[0] for result in results)
    import dprkrel

    spanish = len(dprkrel.timeline(dprkrel.open_base(), "spain").items)
    assert len(results[0]) == 3000 + spanish  # the file's events and the shipped base's Spanish ones
    assert len(compiled(tmp_path / "cache")) == 1
    assert not list((tmp_path / "cache").glob("*.tmp"))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every fact file read from disk, by name."""
    from dprkrel.core import reading

    calls: list[str] = []
    real = reading.read_bytes

    def counting(path: Path) -> bytes:
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(reading, "read_bytes", counting)
    return calls


@pytest.fixture
def settle_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled as soon as they are written (normally after two seconds)."""
    monkeypatch.setattr(cache.FileDigests, "SETTLED_NS", -(10**12))


def test_a_settled_unchanged_file_is_not_even_read(
    cache_home: Path, tmp_path: Path, reads: list[str], settle_at_once: None
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    # The words search reads are hashed with the fact files: a base is compiled with them.
    assert sorted(reads) == ["extra.yaml", "facts.yaml", "synonyms.yaml"]
    reads.clear()
    assert summary_of(load(files)) == "A visit."
    assert reads == []


def test_a_changed_file_is_read_again_even_when_its_size_is_the_same(
    cache_home: Path, tmp_path: Path, reads: list[str], settle_at_once: None
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path, "Same size A.")]
    load(files)
    extra_file(tmp_path, "Same size B.")
    reads.clear()
    assert summary_of(load(files)) == "Same size B."
    # The changed file is read to hash it; compiling the new base then reads the other.
    assert reads == ["extra.yaml", "facts.yaml"]


def test_a_recently_changed_file_is_always_hashed(cache_home: Path, tmp_path: Path, reads: list[str]) -> None:
    """Within the clock's resolution a change could keep the times: such files are not trusted."""
    files = [extra_file(tmp_path)]
    files.insert(0, builtin_fact_path())
    load(files)
    reads.clear()
    load(files)
    assert "extra.yaml" in reads


def test_a_damaged_digest_list_is_ignored(cache_home: Path, tmp_path: Path, settle_at_once: None) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    (cache_home / cache.FileDigests.FILE).write_text("{not json", encoding="utf-8")
    assert summary_of(load(files)) == "A visit."


def test_a_wrong_digest_is_caught_when_the_file_is_compiled(
    cache_home: Path, tmp_path: Path, settle_at_once: None
) -> None:
    files = [builtin_fact_path(), extra_file(tmp_path)]
    load(files)
    listing = cache_home / cache.FileDigests.FILE
    entries = json.loads(listing.read_text(encoding="utf-8"))
    for entry in entries["files"].values():
        entry[4] = "0" * 64  # a digest no compiled base has
    listing.write_text(json.dumps(entries), encoding="utf-8")
    assert summary_of(load(files)) == "A visit."


def test_an_edit_to_the_search_words_compiles_a_new_base(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dprkrel.core import paths, reading
    from dprkrel.core.search import search

    words = tmp_path / "synonyms.yaml"
    words.write_text(Path(paths.synonyms_path()).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(paths, "synonyms_path", lambda: str(words))
    monkeypatch.setattr(reading, "synonyms_path", lambda: str(words))
    files = [builtin_fact_path()]
    assert search(load(files), "zorblax") == []
    with words.open("a", encoding="utf-8") as stream:
        stream.write("  - [zorblax, embassy]\n")
    assert search(load(files), "zorblax"), "the new synonym is in the base compiled after the edit"
