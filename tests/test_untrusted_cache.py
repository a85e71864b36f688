"""The cache folder under attack (issue 13): every file in it is untrusted input.

Nothing in the cache folder can make a command hang, print a forged fact, exit 70, or lose a
file dprkrel did not write. The cases that depend on the real process (a hang, a child of
another user) run `python -m dprkrel` in a subprocess with a timeout; the others call the
reading of a fact base directly.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from dprkrel.core import cache, model
from dprkrel.core.reading import load

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "data" / "base.yaml"
RIGHT = "Land A and Land B establish relations."
FORGED = "Land A and Land B never met."
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# A user that is not the one running the tests, for the attacker's child process.
OTHER_UID = 65534


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(directory))
    return directory


def summary(base: object) -> str:
    event = base.by_id["ev-relations"]  # type: ignore[attr-defined]
    assert isinstance(event, model.Event)
    return event.summary


def env_with(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DPRKREL_DATA", "PYTHONIOENCODING"}}
    env.update(extra)
    return env


def run(*args: str | bytes | Path, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
    """`python -m dprkrel --no-builtin --data base.yaml ARGS`, which must end within `timeout`."""
    command: list[str | bytes] = [sys.executable, "-m", "dprkrel", "--no-builtin", "--data", str(BASE)]
    command += [str(arg) if isinstance(arg, Path) else arg for arg in args]
    return subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False)


def timeline_summaries(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    payload = json.loads(result.stdout.decode("utf-8"))
    return [item["summary"] for item in payload["results"]]


def compiled(directory: Path) -> Path:
    (path,) = directory.glob("*.sqlite")
    return path


def forge(path: Path) -> None:
    """Rewrite a record of a compiled base with a forged summary and a CRC that matches it."""
    with sqlite3.connect(path) as connection:
        ((data,),) = connection.execute("SELECT data FROM records WHERE id = 'ev-relations'")
        forged = data.replace(RIGHT, FORGED)
        crc = zlib.crc32(forged.encode("utf-8"))
        connection.execute("UPDATE records SET data = ?, crc = ? WHERE id = 'ev-relations'", (forged, crc))
    connection.close()


def vouch_for(directory: Path) -> None:
    """Write a files.json that records each compiled base in `directory` as dprkrel's own, as
    an attacker who can write the folder would."""
    bases = {path.stem: [0, 0, 0, 0, cache.digest(path.read_bytes())] for path in directory.glob("*.sqlite")}
    (directory / "files.json").write_text(json.dumps({"format": 2, "files": {}, "bases": bases}), encoding="utf-8")


# -- a forged base -------------------------------------------------------------------------


def test_a_forgery_vouched_for_in_the_users_own_folder_is_what_the_folder_says(folder: Path) -> None:
    """The control for the next tests: a folder that only the user can write is trusted, so a
    forgery with its digest recorded is read. What protects is who may write the folder."""
    assert summary(load([BASE])) == RIGHT
    forge(compiled(folder))
    vouch_for(folder)
    assert summary(load([BASE])) == FORGED


def test_a_forged_record_with_a_matching_crc_is_noticed_and_rebuilt(folder: Path) -> None:
    assert summary(load([BASE])) == RIGHT
    forge(compiled(folder))
    assert summary(load([BASE])) == RIGHT  # its bytes are not those dprkrel wrote
    assert summary(load([BASE])) == RIGHT


@pytest.mark.skipif(not IS_ROOT, reason="planting a folder as another user needs root (os.setuid in a child)")
def test_a_forged_base_planted_by_another_user_is_not_used(tmp_path: Path) -> None:
    # What the attacker plants: the base the victim's command will look for, forged, and a
    # files.json vouching for it. Made in a private folder, then staged where they can read it.
    private = tmp_path / "private"
    with tempfile.TemporaryDirectory() as shared_home:
        shared = Path(shared_home)
        shared.chmod(0o1777)  # a shared XDG_CACHE_HOME, such as a folder in /tmp
        staging = shared / "staging"
        run("timeline", "--json", env=env_with(DPRKREL_CACHE_DIR=str(private)))
        forge(compiled(private))
        vouch_for(private)
        shutil.copytree(private, staging)
        for path in [staging, *staging.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        # The attacker, another user, creates the victim's cache folder first.
        planted = shared / "dprkrel"
        subprocess.run(
            ["/bin/sh", "-c", f"mkdir -m 755 '{planted}' && cp '{staging}'/* '{planted}'/"],
            user=OTHER_UID,
            group=OTHER_UID,
            check=True,
            timeout=30,
        )
        assert planted.stat().st_uid == OTHER_UID
        env = env_with(XDG_CACHE_HOME=str(shared))
        env.pop("DPRKREL_CACHE_DIR", None)
        result = run("timeline", "--json", env=env)
        assert RIGHT in timeline_summaries(result)
        assert FORGED not in result.stdout.decode("utf-8")
        lines = result.stderr.decode("utf-8").splitlines()
        assert len(lines) == 1, lines
        assert f"the cache folder {planted} belongs to another user (uid {OTHER_UID})" in lines[0]
        assert "compiled in memory" in lines[0]


def test_a_folder_others_may_write_is_not_used(folder: Path) -> None:
    assert summary(load([BASE])) == RIGHT
    forge(compiled(folder))
    vouch_for(folder)
    folder.chmod(0o777)
    told: list[str] = []
    assert summary(load([BASE], notice=told.append)) == RIGHT
    assert len(told) == 1 and "is writable by other users" in told[0]
    # Nothing is written into it either.
    assert summary(load([BASE], notice=told.append)) == RIGHT
    assert (
        cache.digest(compiled(folder).read_bytes())
        == json.loads((folder / "files.json").read_text())["bases"][compiled(folder).stem][4]
    )


def test_a_link_to_a_folder_others_may_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    link = tmp_path / "cache"
    link.symlink_to(shared)
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(link))
    told: list[str] = []
    assert summary(load([BASE], notice=told.append)) == RIGHT
    assert len(told) == 1 and "chmod go-w" in told[0]
    assert list(shared.iterdir()) == []


def test_the_notice_reaches_stderr_once_and_stdout_stays_json(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    result = run("timeline", "--json", env=env_with(DPRKREL_CACHE_DIR=str(folder)))
    assert RIGHT in timeline_summaries(result)
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("dprkrel: the cache folder"), lines
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user needs root")
def test_a_base_owned_by_another_user_in_the_users_folder_is_replaced(folder: Path) -> None:
    load([BASE])
    path = compiled(folder)
    forge(path)
    vouch_for(folder)
    os.chown(path, OTHER_UID, OTHER_UID)
    assert summary(load([BASE])) == RIGHT
    assert compiled(folder).stat().st_uid == os.geteuid()


# -- files that are not regular files ------------------------------------------------------


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs named pipes")
@pytest.mark.parametrize("which", ["base", "files.json"])
@pytest.mark.parametrize("plant", [make_fifo, link_to_dev_zero], ids=["fifo", "link-to-dev-zero"])
def test_a_pipe_or_a_link_in_the_cache_does_not_hang(tmp_path: Path, which: str, plant: object) -> None:
    folder = tmp_path / "cache"
    env = env_with(DPRKREL_CACHE_DIR=str(folder))
    run("timeline", "--json", env=env)
    path = compiled(folder) if which == "base" else folder / "files.json"
    path.unlink()
    plant(path)  # type: ignore[operator]
    for _ in range(2):
        assert RIGHT in timeline_summaries(run("timeline", "--json", env=env, timeout=20))
    assert stat.S_ISREG(path.lstat().st_mode)  # replaced by a regular file


def test_a_link_to_a_forged_base_is_not_followed(folder: Path, tmp_path: Path) -> None:
    load([BASE])
    path = compiled(folder)
    elsewhere = tmp_path / "elsewhere.sqlite"
    shutil.copy(path, elsewhere)
    forge(elsewhere)
    path.unlink()
    path.symlink_to(elsewhere)
    bases = {path.stem: [0, 0, 0, 0, cache.digest(elsewhere.read_bytes())]}
    (folder / "files.json").write_text(json.dumps({"format": 2, "files": {}, "bases": bases}), encoding="utf-8")
    assert summary(load([BASE])) == RIGHT
    assert not path.is_symlink()


# -- crafted and damaged databases ---------------------------------------------------------


def craft_recursive_view(path: Path) -> None:
    """A database whose `records` is a view that recurses without end."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA application_id = {cache.APPLICATION_ID}")
        connection.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, crc INTEGER NOT NULL);
            CREATE VIEW records AS WITH RECURSIVE n(pos) AS (SELECT 0 UNION ALL SELECT pos + 1 FROM n)
                SELECT pos, 'x' AS id, 'event' AS kind, '{}' AS data, 0 AS crc, 0 AS headline_size FROM n;
            """
        )
        text = json.dumps(7)
        connection.execute("INSERT INTO meta VALUES ('format', ?, ?)", (text, zlib.crc32(text.encode())))
    connection.close()


def test_a_recursive_view_named_records_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    env = env_with(DPRKREL_CACHE_DIR=str(folder))
    run("timeline", "--json", env=env)
    craft_recursive_view(compiled(folder))
    vouch_for(folder)
    assert RIGHT in timeline_summaries(run("timeline", "--json", env=env, timeout=20))


def test_a_database_holding_a_view_or_a_trigger_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "crafted.sqlite"
    craft_recursive_view(path)
    assert cache._connect(str(path), path.stat().st_size, (), lambda: sqlite3.connect(":memory:")) is None


def search_answers(env: dict[str, str]) -> list[tuple[str, int]]:
    result = run("search", "embassy", "--json", env=env)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return [(item["id"], item.get("score", 0)) for item in json.loads(result.stdout)["results"]]


@pytest.mark.parametrize("damage", ["flip", "swap"])
def test_a_damaged_search_index_is_rebuilt_not_an_error_nor_a_wrong_answer(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    env = env_with(DPRKREL_CACHE_DIR=str(folder))
    expected = search_answers(env)
    path = compiled(folder)
    with sqlite3.connect(path) as connection:
        # The blocks of the FTS5 index, in the table FTS5 keeps them in.
        rows = connection.execute("SELECT id, block FROM search_data ORDER BY id").fetchall()
        assert len(rows) > 1
        if damage == "flip":
            for block_id, block in rows:
                connection.execute(
                    "UPDATE search_data SET block = ? WHERE id = ?", (bytes(b ^ 0xFF for b in block), block_id)
                )
        else:
            for (block_id, _), (_, block) in zip(rows, rows[1:] + rows[:1], strict=True):
                connection.execute("UPDATE search_data SET block = ? WHERE id = ?", (block, block_id))
    connection.close()
    assert search_answers(env) == expected


def test_a_listing_nested_100000_deep_is_ignored(folder: Path) -> None:
    load([BASE])
    (folder / "files.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert summary(load([BASE])) == RIGHT


def test_a_listing_over_its_size_cap_is_not_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load([BASE])
    listing = folder / "files.json"
    monkeypatch.setattr(cache, "MAX_LISTING_BYTES", listing.stat().st_size - 1)
    assert cache._read_listing(str(listing)) == ({}, {})


@pytest.mark.parametrize(
    "entry", [[1, 2, 3], "text", [1, 2, 3, 4, {"a": 1}], [True, 0, 0, 0, "0" * 64], [1, 2, 3, 4, "../x"], None]
)
def test_malformed_listing_entries_are_dropped(folder: Path, entry: object) -> None:
    folder.mkdir()
    listing = folder / "files.json"
    listing.write_text(json.dumps({"format": 2, "files": {"/a": entry}, "bases": {"k": entry}}), encoding="utf-8")
    assert cache._read_listing(str(listing)) == ({}, {})
    assert summary(load([BASE])) == RIGHT


def test_the_listing_stays_bounded(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache.FileDigests, "SETTLED_NS", -(10**12))
    monkeypatch.setattr(cache, "MAX_REMEMBERED", 5)
    text = BASE.read_text(encoding="utf-8")
    for number in range(12):
        path = tmp_path / f"copy-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        load([path])
    listing = json.loads((folder / "files.json").read_text(encoding="utf-8"))
    assert len(listing["files"]) == 5
    assert len(listing["bases"]) <= cache.KEEP
    assert str(tmp_path / "copy-11.yaml") in listing["files"]


# -- cleaning up ---------------------------------------------------------------------------


def own_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE mine (x)")
    connection.close()


def test_clean_up_removes_only_compiled_bases_dprkrel_wrote(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir(mode=0o700)
    # The user's own databases, some even named like compiled bases, all older than any base.
    mine = [folder / f"{number:040x}.sqlite" for number in range(10)]
    mine += [folder / f"notes-{number}.sqlite" for number in range(10)]
    for path in mine:
        own_database(path)
        os.utime(path, (1, 1))
    extra = tmp_path / "extra.yaml"
    for number in range(cache.KEEP + 3):
        extra.write_text(BASE.read_text(encoding="utf-8").replace(RIGHT, f"Version {number}."), encoding="utf-8")
        load([extra])
    assert all(path.exists() for path in mine)
    ours = [path for path in folder.glob("*.sqlite") if cache.written_by_dprkrel(str(path))]
    assert len(ours) == cache.KEEP


def test_a_base_written_before_the_application_id_is_still_recognised(folder: Path) -> None:
    load([BASE])
    path = compiled(folder)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA application_id = 0")
    connection.close()
    assert cache.written_by_dprkrel(str(path))
    mine = folder / f"{'0' * 40}.sqlite"
    own_database(mine)
    assert not cache.written_by_dprkrel(str(mine))


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(folder: Path) -> None:
    load([BASE])
    key = compiled(folder).stem
    stale = [folder / f".{key}.abcd1234.tmp", folder / ".files.x_y_z123.tmp"]
    fresh = folder / f".{key}.fresh123.tmp"
    not_ours = [folder / ".notes.abcd1234.tmp", folder / "other.tmp"]
    stale[0].write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    stale[1].write_text("{", encoding="utf-8")
    fresh.write_bytes(b"")
    for path in not_ours:
        path.write_text("the user's", encoding="utf-8")
    long_ago = time.time() - 2 * cache.STALE_SECONDS
    for path in [*stale, *not_ours]:
        os.utime(path, (long_ago, long_ago))
    compiled(folder).unlink()  # the next load compiles, and cleans up after itself
    load([BASE])
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and all(path.exists() for path in not_ours)


def test_ctrl_c_while_compiling_leaves_no_temporary_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(connection: sqlite3.Connection, records: object) -> None:
        connection.execute("CREATE TABLE half (x)")
        raise KeyboardInterrupt

    monkeypatch.setattr(cache, "build", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load([BASE])
    assert list(folder.glob("*.tmp")) == [] and list(folder.glob(".*.tmp")) == []


@pytest.mark.skipif(os.name == "nt", reason="needs SIGINT delivered to the process itself")
def test_a_real_ctrl_c_while_compiling_exits_130_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    code = f"""
import os, signal, sys, time
import dprkrel.core.cache as cache
def build(connection, records):
    connection.execute("CREATE TABLE half (x)")
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)
cache.build = build
sys.argv = ["dprkrel", "--no-builtin", "--data", {str(BASE)!r}, "timeline", "--json"]
from dprkrel.cli.launch import main
main()
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env_with(DPRKREL_CACHE_DIR=str(folder)),
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert result.stdout == b"" and result.stderr == b""
    assert [path.name for path in folder.iterdir()] in ([], ["files.json"])


@pytest.fixture
def odd_path(tmp_path: Path) -> Iterator[bytes]:
    """A copy of base.yaml at a path whose bytes are not UTF-8."""
    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system only takes UTF-8 names")
    path = os.fsencode(tmp_path) + b"/facts-\xff\xfe.yaml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, BASE.read_bytes())
    os.close(fd)
    yield path


def test_a_fact_file_at_a_path_that_is_not_utf8_is_used(tmp_path: Path, odd_path: bytes) -> None:
    folder = tmp_path / "cache"
    env = env_with(DPRKREL_CACHE_DIR=str(folder))
    command = [sys.executable, "-m", "dprkrel", "--no-builtin", "--data", odd_path, "timeline", "--json"]
    for _ in range(2):
        result = subprocess.run(command, env=env, capture_output=True, timeout=30, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stderr == b""
        payload = json.loads(result.stdout.decode("utf-8"))  # valid UTF-8
        assert RIGHT in [item["summary"] for item in payload["results"]]
        assert [path.name for path in folder.iterdir() if path.name.endswith(".tmp")] == []
    assert len(list(folder.glob("*.sqlite"))) == 1
    table = subprocess.run(command[:-1], env=env, capture_output=True, timeout=30, check=False)
    assert table.returncode == 0, table.stderr
