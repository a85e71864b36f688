"""Fact files as bytes and text: read within a size cap, decoded, or refused with one problem.

The reading of a fact base, the loader and the cache share these (and the order problems are
reported in), so this module imports none of them.
"""

from __future__ import annotations

import os

from dprkrel.core.errors import DataError, Problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    # A fact file's path, as a string or a path object (a pathlib.Path, say).
    StrPath = str | os.PathLike[str]

# The largest fact file read, in bytes. A larger file is refused from its size alone, before
# any of it is read; a stream with no size (a pipe, a device) is read up to this and no more.
MAX_FILE_BYTES = 64 * 1024 * 1024


def shown_name(name: str) -> str:
    """A path as text that any output can hold: bytes of the path that are not UTF-8 (which
    Python keeps as lone surrogates) are shown as escapes such as \\xff."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def problem_order(problem: Problem) -> tuple[str, int, int]:
    """Problems sorted by file, then place."""
    return (problem.file, problem.line or 0, problem.column or 0)


def read_bytes(path: StrPath) -> bytes:
    """The bytes of a fact file; raises DataError with one problem if it cannot be read.

    Never reads more than MAX_FILE_BYTES, and never waits for a writer: a named pipe that
    nobody writes to reads as empty.
    """
    name = shown_name(os.fspath(path))

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
        return read_fd(fd, MAX_FILE_BYTES)
    finally:
        os.close(fd)


def read_fd(fd: int, limit: int) -> bytes | None:
    """The bytes of an open file descriptor up to its end, or None when it holds more than
    `limit` (then no more than `limit` + 1 bytes are read)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(chunks)
