"""How the dprkrel process ends when its output or its user goes away, or when it has a bug.

Only the entry points (`launch.main`, the console script, and `cli.main`) run through
`run`; the commands and the tests' CliRunner never see it. Each way of ending is quiet and
has its own exit code:

- a closed output pipe (`dprkrel timeline | head -1`): on POSIX the process ends as any
  Unix tool does, by SIGPIPE, silently (shells report 141); elsewhere it ends with
  EXIT_BROKEN_PIPE, and without "Exception ignored ... BrokenPipeError" at exit;
- Ctrl-C: EXIT_INTERRUPTED (130), no traceback;
- output that cannot be written (a closed stdout, a full disk, a file size limit): one line
  on stderr, EXIT_ERROR. Every write to stdout is checked to the last byte: a short write
  is an error, never an exit 0 after losing output;
- a closed stderr (`2>&-`): messages go nowhere, never to stdout; a closed stdin, stdout
  or stderr is held by the null device, so that no file dprkrel opens takes its number;
- out of memory: one line on stderr, EXIT_ERROR (a limit of the machine, not a bug);
- an internal error, which is a bug: one line on stderr naming the error, never a traceback
  with local variables (they may hold a user's data), EXIT_INTERNAL. With DPRKREL_DEBUG set,
  Python's plain traceback (which has no local variables) is printed as well.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys

from dprkrel.core.errors import EXIT_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn, TextIO

EXIT_INTERRUPTED = 128 + 2  # SIGINT, as shells report a process that Ctrl-C ended
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: an internal software error
DEBUG_ENV = "DPRKREL_DEBUG"


def run(entry: Callable[[], int | None]) -> NoReturn:
    """Call `entry` (which returns or exits with the exit code) and end the process, whatever
    happens inside it."""
    _die_quietly_on_sigpipe()
    _guard_standard_streams()
    try:
        try:
            code: int | str | None = entry()
        except SystemExit as done:
            code = done.code
        # Flushed here rather than at interpreter exit, where a failure could only be
        # printed as "Exception ignored".
        if sys.stdout is not None:
            sys.stdout.flush()
    except KeyboardInterrupt:
        _silence_stdout()
        _exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        _exit(EXIT_BROKEN_PIPE)
    except OSError as error:
        # The core turns every problem with a fact file into a DataError, and the cache
        # copes with its own: what is left is writing the output (a full disk, EIO).
        _silence_stdout()
        where = f"{error.filename}: " if error.filename else "write error: "
        _say(where + (error.strerror or str(error)))
        _exit(EXIT_ERROR)
    except MemoryError:
        # Reading fact files says which files (core.errors.OutOfMemory); this is the rest.
        _silence_stdout()
        _say("out of memory while answering; the memory available (see ulimit -v) is too small for this fact base")
        _exit(EXIT_ERROR)
    except Exception as error:
        _internal_error(error)
    if code is None:
        _exit(0)
    if isinstance(code, int):
        _exit(code)
    # sys.exit("message") prints the message and ends with 1, as Python itself would.
    _say(str(code))
    _exit(1)


def _die_quietly_on_sigpipe() -> None:
    """Let a write to a closed pipe end the process silently, as it would any C program.

    Python ignores SIGPIPE and raises BrokenPipeError instead, from whichever write happens
    to fail: rich's, json's, click's, or the flush at exit, where it can only be reported as
    "Exception ignored". dprkrel opens no sockets, so the default action is safe.
    """
    if hasattr(signal, "SIGPIPE"):
        with contextlib.suppress(OSError, ValueError):  # ValueError: not the main thread
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class _CheckedFile(io.FileIO):
    """A file descriptor whose every write is written whole, or raises OSError.

    A write(2) may write less than it was given (a file size limit reached, a full disk
    reached part-way); Python's buffered writer can then lose the rest silently, and the
    process would end with exit 0 after losing output.
    """

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            written = super().write(view[done:])
            if not written:  # None: would block; 0: nothing could be written
                raise OSError(errno.EIO, "short write: the output took only part of what was written")
            done += written
        return done


class _ClosedOutput(io.TextIOBase):
    """sys.stdout when the process started with stdout closed (`>&-`): any write is an error."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _guard_standard_streams() -> None:
    """Make stdout's writes checked, and a closed stdin, stdout or stderr harmless.

    A closed descriptor 0, 1 or 2 is pointed at the null device, so that a file opened later
    (a compiled base, say) cannot take its number and receive the output; Python then has
    None for the stream, which `print` would quietly send to stdout.
    """
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    with contextlib.suppress(OSError):
        for fd in closed:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
    if 1 in closed or sys.stdout is None:
        sys.stdout = _ClosedOutput()
    else:
        sys.stdout = _checked(sys.stdout)
    if 2 in closed or sys.stderr is None:
        # Descriptor 2 is the null device now.
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace")


def _checked(stream: TextIO) -> TextIO:
    """`stream` (stdout) writing through a _CheckedFile, with the same encoding and buffering."""
    buffer = getattr(stream, "buffer", None)
    # Unbuffered (python -u, PYTHONUNBUFFERED), the text layer writes to the file itself.
    raw = buffer if type(buffer) is io.FileIO else getattr(buffer, "raw", None)
    if type(raw) is not io.FileIO or not isinstance(stream, io.TextIOWrapper):
        return stream  # a Windows console, or a stream someone replaced: left as it is
    with contextlib.suppress(OSError, ValueError):
        stream.flush()
        checked = io.TextIOWrapper(
            io.BufferedWriter(_CheckedFile(stream.fileno(), "w", closefd=False)),
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=stream.line_buffering,
            write_through=stream.write_through,
        )
        return checked
    return stream


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the flush at exit cannot fail again."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _internal_error(error: BaseException) -> NoReturn:
    """One line for a bug; the plain traceback too with DPRKREL_DEBUG; never local variables."""
    debug = bool(os.environ.get(DEBUG_ENV))
    if debug:
        import traceback

        with contextlib.suppress(AttributeError, OSError, ValueError):
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    detail = " ".join(str(error).split())
    hint = "" if debug else f" Set {DEBUG_ENV}=1 to see where it happened."
    _say(f"internal error ({type(error).__name__}{': ' + detail if detail else ''}); this is a bug in dprkrel.{hint}")
    _exit(EXIT_INTERNAL)


def _say(message: str) -> None:
    """One line on stderr, with any control character made visible."""
    from dprkrel.output.text import bounded, visible

    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(f"dprkrel: {bounded(visible(message))}\n")
        sys.stderr.flush()


def _exit(code: int) -> NoReturn:
    """End the process with `code`, once the output is flushed.

    It ends at once rather than through the interpreter's clean-up, which frees every object
    of every loaded module one by one: a sixth of the time of a table command, spent on memory
    the system reclaims anyway. Nothing is lost by it: dprkrel registers nothing to run at
    exit, and what it writes besides the output is complete before a command returns (a
    compiled base is committed before it is renamed into place; the digest list is closed).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    _end_process(code)


# How the process ends (the tests of `run` replace it, to stay alive).
_end_process: Callable[[int], NoReturn] = os._exit
