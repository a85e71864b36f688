"""The compiled fact base in the user's cache directory: never parse unchanged YAML twice.

A compiled base is a SQLite file named by a hash of everything it came from: the format,
dprkrel's version, and each fact file's path and content. A changed file therefore gets a
new name and the old one is simply not used again. Files are written under a temporary
name and renamed into place, so a reader never sees half a file, and two processes that
build the same base at once both succeed.

Everything in the cache folder is untrusted input, since it outlives the process that wrote
it and a folder can be shared or planted:

- the folder is used only when it belongs to the user and nobody else may write to it (as
  ssh and pip require); otherwise the base is compiled into memory and `Folder.refused` says
  why, for the caller to tell the user;
- only regular files are read, opened without following links and without waiting (a named
  pipe or a link to /dev/zero is never read), and `files.json` is read within a size cap;
- a compiled base is used only when it is, byte for byte, what dprkrel wrote: its digest is
  recorded in `files.json` when it is written, and checked again whenever `stat` shows the
  file changed since; a base that is missing, truncated, damaged, crafted or of another
  format is rebuilt, never an error and never an answer;
- clean-up removes only files dprkrel wrote: compiled bases by their name and their SQLite
  application id, temporary files by their name once they are stale.

With no usable cache folder dprkrel works the same, only slower.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time

from dprkrel.core import model
from dprkrel.core.compiler import build, in_memory
from dprkrel.core.errors import DprkrelError
from dprkrel.core.files import read_fd, shown_name
from dprkrel.core.frozen import Frozen
from dprkrel.core.store import FORMAT, TABLES_SQL, DamagedCache, FactBase
from dprkrel.core.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

    from dprkrel.core.files import StrPath

CACHE_ENV = "DPRKREL_CACHE_DIR"
# Compiled bases kept at once; the least recently written beyond this are removed.
KEEP = 16
# Fact files whose digests `files.json` remembers; the least recently added beyond this are
# forgotten (they are then only hashed again), so that the list never grows without bound.
MAX_REMEMBERED = 256
# The largest `files.json` read: far above MAX_REMEMBERED entries of the longest paths.
MAX_LISTING_BYTES = 4 * 1024 * 1024
# A temporary file older than this was left by a process that died; it is removed.
STALE_SECONDS = 3600
# Written into the SQLite header of every compiled base (`PRAGMA application_id`): with its
# name, what tells a compiled base of dprkrel from any other database in the folder.
APPLICATION_ID = 0x64707231  # "dpr1"
_SUFFIX = ".sqlite"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BASE_NAME = re.compile(r"[0-9a-f]{40}\.sqlite")
_TEMPORARY_NAME = re.compile(r"\.(?:[0-9a-f]{40}|files)\.[A-Za-z0-9_]{1,16}\.tmp")
_DIGEST = re.compile(r"[0-9a-f]{64}")
# Opening flags for a file of the cache: read-only, no link followed, no wait for a writer.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


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


# -- trusting the folder and its files -------------------------------------------------------


def distrust(info: os.stat_result) -> str | None:
    """Why a folder or file with this `stat` cannot be trusted, or None when it can: it must
    belong to the user running dprkrel and be writable by nobody else."""
    if not hasattr(os, "geteuid"):  # Windows: no owners and modes to check
        return None
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    return None


class Folder:
    """The cache folder, once checked: usable, absent (and then created when written to),
    unusable (dprkrel cannot create or use it: silently in memory), or refused (it exists but
    cannot be trusted: in memory, and `refused` says why)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = cache_dir() if path is None else path
        self.refused: str | None = None
        self.distrusted: str | None = None  # what is wrong with it, when refused
        self.usable = self._check(create=False)

    def _check(self, *, create: bool) -> bool:
        try:
            if create:
                # 0o700: only the user may read what their fact files compile to.
                os.makedirs(self.path, mode=0o700, exist_ok=True)
            info = os.stat(self.path)
        except (OSError, ValueError):
            return False
        if not stat.S_ISDIR(info.st_mode):
            return False
        why = distrust(info)
        if why is not None:
            mine = hasattr(os, "geteuid") and info.st_uid == os.geteuid()
            fix = f"chmod go-w on it, or set {CACHE_ENV}" if mine else f"set {CACHE_ENV} to a folder of your own"
            self.distrusted = f"the cache folder {shown_name(self.path)} {why}"
            self.refused = f"{self.distrusted}, so it is not used: the fact base is compiled in memory ({fix})"
            return False
        return True

    def writable(self) -> bool:
        """Whether files can be written into the folder, creating it first when it is absent."""
        if self.usable:
            return True
        if self.refused is not None:
            return False
        self.usable = self._check(create=True)
        return self.usable

    def join(self, name: str) -> str:
        return os.path.join(self.path, name)


def open_regular(path: str) -> int | None:
    """A descriptor of the trusted regular file at `path`, or None (absent, a link, a pipe, a
    device, a folder, or a file another user owns or may write).

    Never follows a link and never waits for a writer; the caller closes the descriptor.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and distrust(info) is None:
            if getattr(os, "O_NONBLOCK", 0):
                os.set_blocking(fd, True)  # a regular file: reading never waits anyway
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _file_digest(fd: int) -> str:
    """The digest of a whole open file, read in pieces (a compiled base can be large)."""
    hasher = _blake2b(b"", digest_size=32)
    os.lseek(fd, 0, os.SEEK_SET)
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        hasher.update(chunk)
    value: str = hasher.hexdigest()
    return value


def _signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


# -- files.json: what is known of fact files and compiled bases ------------------------------


class FileDigests:
    """The digests of fact files, remembered with what `stat` says of each file; and the
    digest of each compiled base dprkrel wrote, with what `stat` said of it then.

    A file whose size, times and inode are as they were when it was last hashed is not read
    again: a warm start then costs a `stat` per file, not reading and hashing megabytes. A
    file changed within the last seconds is never remembered, since a change in the same
    clock tick would leave its times as they were; and any write changes ctime, which no
    program can set back.

    The list itself is untrusted input: read only from a trusted regular file of at most
    MAX_LISTING_BYTES, and every entry that is not exactly of the expected form is dropped.
    """

    FILE = "files.json"
    SETTLED_NS = 2_000_000_000

    def __init__(self, folder: Folder | None = None) -> None:
        self.folder = Folder() if folder is None else folder
        self._entries: dict[str, list[Any]] | None = None
        self._bases: dict[str, list[Any]] = {}
        self._changed = False

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            self._entries = {}
            if self.folder.usable:
                self._entries, self._bases = _read_listing(self.folder.join(self.FILE))
        return self._entries

    def of(self, path: StrPath, read: Callable[[StrPath], bytes]) -> tuple[str, bytes | None]:
        """The file's digest, and its bytes when they had to be read to work it out."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            info = None
        name = os.fsdecode(os.path.abspath(path))
        signature = None if info is None else _signature(info)
        entry = self._load().get(name)
        if signature is not None and entry is not None and entry[:4] == signature:
            return str(entry[4]), None
        content = read(path)  # raises DataError for a file that cannot be read
        file_digest = digest(content)
        if signature is not None and time.time_ns() - max(signature[1], signature[2]) > self.SETTLED_NS:
            entries = self._load()
            entries.pop(name, None)
            entries[name] = [*signature, file_digest]
            while len(entries) > MAX_REMEMBERED:
                del entries[next(iter(entries))]
            self._changed = True
        return file_digest, content

    def forget(self) -> None:
        self._load()
        self._entries = {}
        self._changed = True

    def base(self, base_key: str) -> list[Any] | None:
        """What was recorded of the compiled base `base_key` when dprkrel wrote it."""
        self._load()
        return self._bases.get(base_key)

    def record_base(self, base_key: str, signature: list[int], base_digest: str | None) -> None:
        """Remember the compiled base `base_key` as it is now (None: forget it)."""
        self._load()
        self._bases.pop(base_key, None)
        if base_digest is not None:
            self._bases[base_key] = [*signature, base_digest]
        self._changed = True

    def bases(self) -> dict[str, list[Any]]:
        self._load()
        return self._bases

    def save(self) -> None:
        """Write the list, atomically; a cache that cannot be written is skipped."""
        if not self._changed or not self.folder.writable():
            return
        import json
        import tempfile

        listing = {"format": _LISTING_FORMAT, "files": self._load(), "bases": self._bases}
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(prefix=".files.", suffix=".tmp", dir=self.folder.path)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                # ASCII only: a path with bytes that are not UTF-8 is kept as an escape.
                json.dump(listing, out, ensure_ascii=True, separators=(",", ":"))
            os.replace(temporary, self.folder.join(self.FILE))
            temporary = None
            self._changed = False
        except (OSError, ValueError):
            pass
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


_LISTING_FORMAT = 2


def _read_listing(path: str) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The (files, bases) entries of a `files.json`, or empty ones when it cannot be trusted."""
    import json

    fd = open_regular(path)
    if fd is None:
        return {}, {}
    try:
        raw = read_fd(fd, MAX_LISTING_BYTES)
        if raw is None:
            return {}, {}
        loaded = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError, MemoryError):
        return {}, {}
    finally:
        os.close(fd)
    if not isinstance(loaded, dict) or loaded.get("format") != _LISTING_FORMAT:
        return {}, {}

    def entries(section: object, limit: int) -> dict[str, list[Any]]:
        if not isinstance(section, dict):
            return {}
        kept = {name: entry for name, entry in section.items() if _valid_entry(entry)}
        return dict(list(kept.items())[-limit:])

    return entries(loaded.get("files"), MAX_REMEMBERED), entries(loaded.get("bases"), KEEP)


def _valid_entry(entry: object) -> bool:
    """[size, mtime_ns, ctime_ns, inode, digest]: four integers and a digest."""
    return (
        isinstance(entry, list)
        and len(entry) == 5
        and all(type(number) is int and number >= 0 for number in entry[:4])
        and isinstance(entry[4], str)
        and _DIGEST.fullmatch(entry[4]) is not None
    )


def _blake2b(data: bytes, digest_size: int = 64) -> Any:
    """BLAKE2b from CPython's own module: `hashlib` would load OpenSSL first, which costs
    more start-up time than hashing the fact files does."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(data, digest_size=digest_size)


# -- compiled bases --------------------------------------------------------------------------


def _open_existing(
    path: str,
    files: tuple[str, ...],
    recover: Callable[[], sqlite3.Connection],
    recorded: list[Any] | None,
    digests: FileDigests,
    base_key: str,
) -> FactBase | None:
    """The compiled base at `path`, or None when it is absent or cannot be trusted."""
    if recorded is None:  # not known as written by dprkrel: rebuilt, and then known
        return None
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        info = os.fstat(fd)
        if _signature(info) != recorded[:4]:
            # Changed since dprkrel wrote it (or merely touched, copied, chmod-ed): used only
            # when its bytes are still exactly those written.
            if _file_digest(fd) != recorded[4]:
                return None
            digests.record_base(base_key, _signature(info), recorded[4])
        return _connect(path, info.st_size, files, recover)
    except (OSError, MemoryError):
        return None
    finally:
        os.close(fd)


def _read_only(path: str) -> sqlite3.Connection | None:
    """The database at `path`, read-only and immutable: a compiled base is never changed in
    place, only replaced whole."""
    try:
        return sqlite3.connect(f"{_file_uri(path)}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, ValueError):
        return None


def _connect(
    path: str, size: int, files: tuple[str, ...], recover: Callable[[], sqlite3.Connection]
) -> FactBase | None:
    connection = _read_only(path)
    if connection is None:
        return None
    try:
        _check_schema(connection)
        page_size, page_count, application_id = (
            connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count", "application_id")
        )
        if page_size * page_count != size:
            raise DamagedCache("truncated")  # a cut-off file: its header promises more pages
        if application_id != APPLICATION_ID:
            raise DamagedCache("not a compiled base of dprkrel")
        base = FactBase(connection, files)
        if base.meta("format") != FORMAT:  # read before `recover` is set: a bad header means rebuild now
            raise DamagedCache("another format")
        return FactBase(connection, files, recover)
    except (sqlite3.Error, DamagedCache, ValueError, TypeError, OverflowError, RecursionError, MemoryError):
        connection.close()
        return None


_DECLARED_TABLES = {
    match.group(1): " ".join(match.group(0).split())
    for match in re.finditer(r"CREATE TABLE (\w+) \(.*?\);", TABLES_SQL, re.DOTALL)
}


def _check_schema(connection: sqlite3.Connection) -> None:
    """Raise DamagedCache unless the database holds only tables and indexes, and the store's
    own tables are ordinary tables declared exactly as the store declares them.

    Checked before any table is read: a view or a trigger in a crafted file could make a read
    recurse for ever, or answer with rows that no table holds.
    """
    declared: dict[str, str] = {}
    for kind, name, sql in connection.execute("SELECT type, name, sql FROM sqlite_master"):
        if kind not in ("table", "index"):
            raise DamagedCache(f"holds a {kind}")
        if kind == "table" and isinstance(name, str) and isinstance(sql, str):
            declared[name] = " ".join(sql.split()) + ";"
    for name, sql in _DECLARED_TABLES.items():
        if declared.get(name) != sql:
            raise DamagedCache(f"the table {name} is not the store's")


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


def discard(base_key: str, folder: Folder | None = None) -> None:
    """Remove a compiled base found damaged while in use, so the next run rebuilds it."""
    folder = Folder() if folder is None else folder
    if folder.usable:
        with contextlib.suppress(OSError):
            os.unlink(folder.join(f"{base_key}{_SUFFIX}"))


def open_or_build(
    base_key: str,
    files: tuple[str, ...],
    compile_records: Callable[[], Iterable[model.Record]],
    *,
    rebuild: bool = False,
    digests: FileDigests | None = None,
) -> FactBase:
    """The compiled base for `base_key`, from the cache or freshly compiled.

    `compile_records` parses and checks the YAML (it raises on bad data, and then nothing
    is written). `digests` is the list of what dprkrel wrote (saved here).
    """
    digests = FileDigests() if digests is None else digests
    folder = digests.folder
    target = folder.join(f"{base_key}{_SUFFIX}")
    if not rebuild and folder.usable:

        def recover() -> sqlite3.Connection:
            discard(base_key, folder)
            return open_or_build(base_key, files, compile_records, rebuild=True).connection

        existing = _open_existing(target, files, recover, digests.base(base_key), digests, base_key)
        if existing is not None:
            digests.save()
            return existing
    records = list(compile_records())
    base = _build_file(folder, base_key, target, records, files, digests)
    digests.save()
    return base


def _build_file(
    folder: Folder,
    base_key: str,
    target: str,
    records: list[model.Record],
    files: tuple[str, ...],
    digests: FileDigests,
) -> FactBase:
    """Compile the records into the cache folder (in memory when that cannot be done).

    The file is written under a temporary name that is removed whatever stops the writing, a
    Ctrl-C included; only a whole file is renamed into place.
    """
    if not folder.writable():
        return in_memory(records, files)
    temporary = None
    connection = None
    try:
        import tempfile  # only when compiling: it costs start-up time

        handle, temporary = tempfile.mkstemp(prefix=f".{base_key}.", suffix=".tmp", dir=folder.path)
        os.close(handle)
        connection = sqlite3.connect(temporary)
        # No journal and no syncs: a half-written file is never renamed into place anyway.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        build(connection, records)
        fd = open_regular(temporary)
        if fd is None:
            raise OSError("the compiled base cannot be read back")
        try:
            signature, written = _signature(os.fstat(fd)), _file_digest(fd)
        finally:
            os.close(fd)
        # The connection stays on the same file through the rename.
        os.replace(temporary, target)
        temporary = None
    except (OSError, sqlite3.Error):
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
        return in_memory(records, files)
    finally:
        if temporary is not None:  # failed or interrupted: no half-written file is left
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    digests.record_base(base_key, signature, written)
    _prune(folder, digests)
    return FactBase(connection, files)


def _head(path: str, size: int) -> tuple[os.stat_result, bytes] | None:
    """The `stat` and first bytes of the trusted regular file at `path`, or None."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        return os.fstat(fd), os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def written_by_dprkrel(path: str) -> bool:
    """Whether the file at `path` is a compiled base dprkrel wrote: a trusted regular file
    whose name is a base's and whose SQLite header carries dprkrel's application id (or, for
    a base written before there was one, that holds exactly the store's tables)."""
    head = _head(path, 100) if _BASE_NAME.fullmatch(os.path.basename(path)) else None
    if head is None:
        return False
    header = head[1]
    if not header.startswith(_SQLITE_MAGIC):
        return False
    if header[68:72] == APPLICATION_ID.to_bytes(4, "big"):
        return True
    # Written before compiled bases carried the application id: recognised by holding exactly
    # the store's own tables, declared as the store declares them.
    connection = _read_only(path) if header[68:72] == bytes(4) else None
    if connection is None:
        return False
    try:
        _check_schema(connection)
        return True
    except (sqlite3.Error, DamagedCache):
        return False
    finally:
        connection.close()


def _stale_temporary(path: str, now: float) -> bool:
    """Whether `path` is a temporary file of dprkrel's that its writer left long ago: by its
    name, its age, and a start that only dprkrel's temporary files have (nothing yet, a
    SQLite header, or the JSON of files.json)."""
    head = _head(path, len(_SQLITE_MAGIC)) if _TEMPORARY_NAME.fullmatch(os.path.basename(path)) else None
    if head is None or now - head[0].st_mtime < STALE_SECONDS:
        return False
    start = head[1]
    return start in (b"", _SQLITE_MAGIC) or start.startswith(b"{")


def _prune(folder: Folder, digests: FileDigests) -> None:
    """Keep the KEEP most recently written compiled bases, and remove stale temporary files:
    only files dprkrel wrote, never another file of the folder."""
    try:
        names = os.listdir(folder.path)
    except OSError:
        return
    now = time.time()
    bases = []
    for name in names:
        path = folder.join(name)
        if written_by_dprkrel(path):
            with contextlib.suppress(OSError):
                bases.append((os.stat(path, follow_symlinks=False).st_mtime, name, path))
        elif _stale_temporary(path, now):
            with contextlib.suppress(OSError):
                os.unlink(path)
    bases.sort(reverse=True)
    for _mtime, name, path in bases[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(path)
        digests.record_base(name[: -len(_SUFFIX)], [], None)
    known = {name[: -len(_SUFFIX)] for _mtime, name, _path in bases[:KEEP]}
    for base_key in [base_key for base_key in digests.bases() if base_key not in known]:
        digests.record_base(base_key, [], None)


# -- seeing and clearing the cache (`dprkrel cache`) -------------------------------------------


class Contents(Frozen):
    """What the cache folder holds of dprkrel's: its compiled bases and their size."""

    path: str
    refused: str | None
    bases: int
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "usable": self.refused is None, "refused": self.refused,
                "bases": self.bases, "bytes": self.size}  # fmt: skip


def _own_files(folder: Folder) -> list[str]:
    """The files of the folder that dprkrel wrote: compiled bases, its listing, its leftovers."""
    try:
        names = os.listdir(folder.path)
    except OSError:
        return []
    found = []
    for name in names:
        path = folder.join(name)
        if (
            written_by_dprkrel(path)
            or _TEMPORARY_NAME.fullmatch(name)
            or (name == FileDigests.FILE and os.path.isfile(path) and not os.path.islink(path))
        ):
            found.append(path)
    return found


def contents() -> Contents:
    """Where the cache is, and how many compiled bases of how many bytes it holds."""
    folder = Folder()
    files = _own_files(folder) if folder.refused is None else []
    bases = [path for path in files if _BASE_NAME.fullmatch(os.path.basename(path))]
    size = 0
    for path in files:
        with contextlib.suppress(OSError):
            size += os.stat(path, follow_symlinks=False).st_size
    return Contents(folder.path, folder.refused, len(bases), size)


def clear() -> tuple[int, int]:
    """Remove every file dprkrel wrote in the cache folder, and nothing else: (files, bytes)."""
    folder = Folder()
    if folder.distrusted is not None:
        raise DprkrelError(f"{folder.distrusted}: dprkrel leaves it alone")
    removed = size = 0
    for path in _own_files(folder):
        try:
            length = os.stat(path, follow_symlinks=False).st_size
            os.unlink(path)
        except OSError:
            continue
        removed += 1
        size += length
    return removed, size
