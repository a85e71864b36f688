"""Reading fact files and opening the fact base they make, from the cache when it can.

This is what every command runs first, so it stays light: the YAML parser and the checks
(dprkrel.core.loader) are imported only when the files changed since they were last compiled.
"""

from __future__ import annotations

import os

from dprkrel.core.errors import DataError, Problem

# Start-up: paths are strings or os.PathLike, handled with os (pathlib costs some 14 ms),
# and typing (some 14 ms more) is read by type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from dprkrel.core import cache, model
    from dprkrel.core.store import FactBase

    # A fact file's path, as a string or a path object (a pathlib.Path, say).
    StrPath = str | os.PathLike[str]

# The largest fact file read, in bytes. A larger file is refused from its size alone, before
# any of it is read; a stream with no size (a pipe, a device) is read up to this and no more.
MAX_FILE_BYTES = 64 * 1024 * 1024


def load(paths: Sequence[StrPath], *, rebuild: bool = False) -> FactBase:
    """Read and check the given fact files together; raise DataError listing every problem.

    An unchanged set of files is read from its compiled form in the cache (see cache.py):
    then the files are not even read when `stat` shows them as they were when last hashed,
    and never decoded or parsed, since they were checked when they were compiled. `rebuild`
    compiles afresh, for a compiled base found damaged while in use.
    """
    from dprkrel.core import cache

    digests = cache.FileDigests()
    for _attempt in range(3):
        try:
            return _load(paths, digests, rebuild=rebuild)
        except _ChangedWhileReading:
            digests.forget()  # a file changed under us: hash everything afresh
    raise DataError([Problem(os.fspath(paths[0]), None, None, "keeps changing while it is read")])


class _ChangedWhileReading(Exception):
    """A file's bytes differ from the digest its stat promised."""


def _load(paths: Sequence[StrPath], digests: cache.FileDigests, *, rebuild: bool) -> FactBase:
    from dprkrel.core import cache

    found: list[tuple[str, str, bytes | None]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            file_digest, content = digests.of(path, read_bytes)
            found.append((os.fspath(path), file_digest, content))
        except DataError as error:
            problems += error.problems
    digests.save()
    if problems:
        # Check the files that could be read too, so that every problem is reported at once.
        try:
            _compile([(name, read_bytes(name) if content is None else content) for name, _, content in found])
        except DataError as error:
            problems += error.problems
        raise DataError(sorted(problems, key=problem_order))
    base_key = cache.key(paths, [file_digest for _, file_digest, _ in found])

    def compile_records() -> list[model.Record]:
        files = []
        for name, file_digest, content in found:
            if content is None:
                content = read_bytes(name)
                if cache.digest(content) != file_digest:
                    raise _ChangedWhileReading(name)
            files.append((name, content))
        return _compile(files)

    return cache.open_or_build(base_key, tuple(name for name, _, _ in found), compile_records, rebuild=rebuild)


def _compile(files: list[tuple[str, bytes]]) -> list[model.Record]:
    """The records of the files' bytes, checked strictly; every problem of every file at once."""
    problems: list[Problem] = []
    names, texts = [], []
    for name, raw in files:
        try:
            texts.append(decode(name, raw))
            names.append(name)
        except DataError as error:
            problems += error.problems
    try:
        records: list[model.Record] = _loader().parse(names, texts)
    except DataError as error:
        problems += error.problems
    if problems:
        raise DataError(sorted(problems, key=problem_order))
    return records


def problem_order(problem: Problem) -> tuple[str, int, int]:
    """Problems sorted by file, then place."""
    return (problem.file, problem.line or 0, problem.column or 0)


def read_text(path: StrPath) -> str:
    """The text of a fact file; raises DataError with one problem if it cannot be read."""
    return decode(os.fspath(path), read_bytes(path))


def read_bytes(path: StrPath) -> bytes:
    """The bytes of a fact file; raises DataError with one problem if it cannot be read.

    Never reads more than MAX_FILE_BYTES, and never waits for a writer: a named pipe that
    nobody writes to reads as empty.
    """
    name = os.fspath(path)

    def refuse(message: str) -> DataError:
        return DataError([Problem(name, None, None, message)])

    try:
        raw = _read_capped(path)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except IsADirectoryError:
        raise refuse("is a directory, not a fact file") from None
    except OSError as error:
        raise refuse(f"cannot be read: {error.strerror or error}") from None
    except ValueError:  # a NUL character in the path
        raise refuse("cannot be read: the path holds a NUL character") from None
    if raw is None:
        raise refuse(f"is larger than {MAX_FILE_BYTES // 2**20} MiB, the most a fact file may hold")
    return raw


def decode(name: str, raw: bytes) -> str:
    """A fact file's bytes as text; raises DataError if they are not UTF-8 YAML text."""

    def refuse(message: str, line: int | None = None, column: int | None = None) -> DataError:
        return DataError([Problem(name, line, column, message)])

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("is UTF-16 text; save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_place(raw, nul)
        raise refuse("holds a NUL byte: a binary file, not YAML text", line, column)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_place(raw, error.start)
        raise refuse(f"is not UTF-8 text (byte {error.start})", line, column) from None


def _byte_place(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (counted in bytes) of `offset` in `raw`."""
    return raw.count(b"\n", 0, offset) + 1, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _read_capped(path: StrPath) -> bytes | None:
    """The bytes of `path`, or None when it holds more than MAX_FILE_BYTES.

    A regular file is measured before it is read. Opening does not wait for a writer to a
    named pipe (O_NONBLOCK); reading then waits as usual, and ends at once if none is there.
    """
    import stat

    nonblock = getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | nonblock)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", os.fspath(path))
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
            return None
        if nonblock:
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(MAX_FILE_BYTES + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return None if size > MAX_FILE_BYTES else b"".join(chunks)


def _loader() -> ModuleType:
    from dprkrel.core import loader

    return loader
