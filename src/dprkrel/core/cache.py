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
import time

from dprkrel.core import model
from dprkrel.core.compiler import build, in_memory
from dprkrel.core.store import FORMAT, DamagedCache, FactBase
from dprkrel.core.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from dprkrel.core.files import StrPath

CACHE_ENV = "DPRKREL_CACHE_DIR"
# Compiled bases kept at once; the least recently written beyond this are removed.
KEEP = 16
_SUFFIX = ".sqlite"


def cache_dir() -> str:
    """$DPRKREL_CACHE_DIR, else $XDG_CACHE_HOME/dprkrel, else the platform's usual place."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "dprkrel")
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "dprkrel", "Cache")
    return os.path.join(os.path.expanduser("~"), ".cache", "dprkrel")


def key(paths: Sequence[StrPath], digests: Sequence[str]) -> str:
    """The name of the compiled base for these files with these contents (see `digest`)."""
    hasher = _blake2b(f"dprkrel-cache\0{FORMAT}\0{__version__}\0".encode(), digest_size=20)
    for path, file_digest in zip(paths, digests, strict=True):
        hasher.update(os.fsencode(os.path.abspath(path)) + b"\0" + file_digest.encode() + b"\0")
    name: str = hasher.hexdigest()
    return name


def digest(content: bytes) -> str:
    """A file's content as a short, collision-resistant name."""
    value: str = _blake2b(content, digest_size=32).hexdigest()
    return value


class FileDigests:
    """The digests of fact files, remembered with what `stat` says of each file.

    A file whose size, times and inode are as they were when it was last hashed is not read
    again: a warm start then costs a `stat` per file, not reading and hashing megabytes. A
    file changed within the last seconds is never remembered, since a change in the same
    clock tick would leave its times as they were; and any write changes ctime, which no
    program can set back.
    """

    FILE = "files.json"
    SETTLED_NS = 2_000_000_000

    def __init__(self) -> None:
        self._entries: dict[str, list[Any]] | None = None
        self._changed = False

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            import json

            try:
                with open(os.path.join(cache_dir(), self.FILE), encoding="utf-8") as listing:
                    loaded = json.load(listing)
                self._entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._entries = {}
        return self._entries

    def of(self, path: StrPath, read: Callable[[StrPath], bytes]) -> tuple[str, bytes | None]:
        """The file's digest, and its bytes when they had to be read to work it out."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            info = None
        name = os.fsdecode(os.path.abspath(path))
        signature = None if info is None else [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        entry = self._load().get(name)
        if signature is not None and isinstance(entry, list) and entry[:4] == signature and len(entry) == 5:
            return str(entry[4]), None
        content = read(path)  # raises DataError for a file that cannot be read
        file_digest = digest(content)
        if signature is not None and time.time_ns() - max(signature[1], signature[2]) > self.SETTLED_NS:
            self._load()[name] = [*signature, file_digest]
            self._changed = True
        return file_digest, content

    def forget(self) -> None:
        self._entries = {}
        self._changed = True

    def save(self) -> None:
        """Write the remembered digests, atomically; a cache that cannot be written is skipped."""
        if not self._changed:
            return
        import json
        import tempfile

        directory = cache_dir()
        try:
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".files.", suffix=".tmp", dir=directory)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self._load(), out)
            os.replace(temporary, os.path.join(directory, self.FILE))
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)


def _blake2b(data: bytes, digest_size: int = 64) -> Any:
    """BLAKE2b from CPython's own module: `hashlib` would load OpenSSL first, which costs
    more start-up time than hashing the fact files does."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(data, digest_size=digest_size)


def _open_existing(path: str, files: tuple[str, ...], recover: Callable[[], sqlite3.Connection]) -> FactBase | None:
    """The compiled base at `path`, or None when it is absent or cannot be trusted."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return None
    try:
        # Read-only and immutable: the file is never changed in place, only replaced whole.
        connection = sqlite3.connect(f"{_file_uri(path)}?mode=ro&immutable=1", uri=True)
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


def _file_uri(path: str) -> str:
    """The file: URI of `path` made absolute, for SQLite. Every byte but letters, digits and
    "-._~/:" is percent-encoded, so that a "?", "#" or "%" in the path is read as part of it."""
    absolute = os.path.abspath(path).replace(os.sep, "/")
    if not absolute.startswith("/"):  # a Windows drive: file:///C:/...
        absolute = "/" + absolute
    return "file://" + "".join(
        chr(byte) if chr(byte) in _URI_SAFE else f"%{byte:02X}" for byte in os.fsencode(absolute)
    )


_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/:")


def discard(base_key: str) -> None:
    """Remove a compiled base found damaged while in use, so the next run rebuilds it."""
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(cache_dir(), f"{base_key}{_SUFFIX}"))


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
    target = os.path.join(directory, f"{base_key}{_SUFFIX}")
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

        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{base_key}.", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError:
        return in_memory(records, files)
    try:
        connection = sqlite3.connect(temporary)
        # No journal and no syncs: a half-written file is never renamed into place anyway.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        build(connection, records)
        # The connection stays on the same file through the rename.
        os.replace(temporary, target)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError, sqlite3.Error, UnboundLocalError):
            connection.close()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return in_memory(records, files)
    _prune(directory)
    return FactBase(connection, files)


def _prune(directory: str) -> None:
    """Keep the KEEP most recently written compiled bases; old ones are never read again."""
    try:
        paths = [os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(_SUFFIX)]
        entries = sorted(paths, key=lambda path: os.stat(path).st_mtime, reverse=True)
        for old in entries[KEEP:]:
            os.unlink(old)
    except OSError:
        pass
