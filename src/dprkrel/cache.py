"""The compiled fact base in the user's cache directory: never parse unchanged YAML twice.

A compiled base is a SQLite file named by a hash of everything it came from: the format,
dprkrel's version, and each fact file's path and content. A changed file therefore gets a
new name and the old one is simply not used again. Files are written under a temporary
name and renamed into place, so a reader never sees half a file, and two processes that
build the same base at once both succeed. Any file that is missing, truncated, damaged or
of another format is ignored and rebuilt; with no writable cache directory the base is
compiled into memory, and dprkrel works the same, only slower.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from dprkrel import __version__, model
from dprkrel.factbase import FORMAT, DamagedCache, FactBase, build

CACHE_ENV = "DPRKREL_CACHE_DIR"
# Compiled bases kept at once; the least recently written beyond this are removed.
KEEP = 16
_SUFFIX = ".sqlite"


def cache_dir() -> Path:
    """$DPRKREL_CACHE_DIR, else $XDG_CACHE_HOME/dprkrel, else the platform's usual place."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "dprkrel"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "dprkrel" / "Cache"
    return Path.home() / ".cache" / "dprkrel"


def key(paths: Sequence[Path], texts: Sequence[str]) -> str:
    """The name of the compiled base for these files with these contents."""
    digest = _blake2b(f"dprkrel-cache\0{FORMAT}\0{__version__}\0".encode(), digest_size=20)
    for path, text in zip(paths, texts, strict=True):
        digest.update(os.fsencode(Path(path).absolute()) + b"\0")
        digest.update(_blake2b(text.encode("utf-8", "surrogatepass")).digest())
    name: str = digest.hexdigest()
    return name


def _blake2b(data: bytes, digest_size: int = 64) -> Any:
    """BLAKE2b from CPython's own module: `hashlib` would load OpenSSL first, which costs
    more start-up time than hashing the fact files does."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(data, digest_size=digest_size)


def _open_existing(path: Path, files: tuple[str, ...], recover: Callable[[], sqlite3.Connection]) -> FactBase | None:
    """The compiled base at `path`, or None when it is absent or cannot be trusted."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    try:
        # Read-only and immutable: the file is never changed in place, only replaced whole.
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, ValueError):
        return None
    try:
        page_size, page_count = (
            connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count")
        )
        if page_size * page_count != size:
            raise DamagedCache("truncated")  # a cut-off file: its header promises more pages
        base = FactBase(connection, files)
        if base.meta("format") != FORMAT:  # read before `recover` is set: a bad header means rebuild now
            raise DamagedCache("another format")
        return FactBase(connection, files, recover)
    except (sqlite3.Error, DamagedCache, ValueError):
        connection.close()
        return None


def discard(base_key: str) -> None:
    """Remove a compiled base found damaged while in use, so the next run rebuilds it."""
    with contextlib.suppress(OSError):
        (cache_dir() / f"{base_key}{_SUFFIX}").unlink()


def open_or_build(
    base_key: str,
    files: tuple[str, ...],
    compile_records: Callable[[], Iterable[model.Record]],
    *,
    rebuild: bool = False,
) -> FactBase:
    """The compiled base for `base_key`, from the cache or freshly compiled.

    `compile_records` parses and checks the YAML (it raises on bad data, and then nothing
    is written).
    """
    directory = cache_dir()
    target = directory / f"{base_key}{_SUFFIX}"
    if not rebuild:

        def recover() -> sqlite3.Connection:
            discard(base_key)
            return open_or_build(base_key, files, compile_records, rebuild=True).connection

        existing = _open_existing(target, files, recover)
        if existing is not None:
            return existing
    records = list(compile_records())
    try:
        import tempfile  # only when compiling: it costs start-up time

        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{base_key}.", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError:
        return FactBase.in_memory(records, files)
    try:
        connection = sqlite3.connect(temporary)
        # No journal and no syncs: a half-written file is never renamed into place anyway.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        build(connection, records)
        # The connection stays on the same file through the rename.
        Path(temporary).replace(target)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError, sqlite3.Error, UnboundLocalError):
            connection.close()
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        return FactBase.in_memory(records, files)
    _prune(directory)
    return FactBase(connection, files)


def _prune(directory: Path) -> None:
    """Keep the KEEP most recently written compiled bases; old ones are never read again."""
    try:
        entries = sorted(directory.glob(f"*{_SUFFIX}"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass
