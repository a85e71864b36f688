"""How the dprkrel process ends when its output or its user goes away, or when it has a bug.

Only the entry points (`launch.main`, the console script, and `cli.main`) run through
`run`; the commands and the tests' CliRunner never see it. Each way of ending is quiet and
has its own exit code:

- a closed output pipe (`dprkrel timeline | head -1`): on POSIX the process ends as any
  Unix tool does, by SIGPIPE, silently (shells report 141); elsewhere it ends with
  EXIT_BROKEN_PIPE, and without "Exception ignored ... BrokenPipeError" at exit;
- Ctrl-C: EXIT_INTERRUPTED (130), no traceback;
- output that cannot be written (a full disk): one line on stderr, EXIT_ERROR;
- an internal error, which is a bug: one line on stderr naming the error, never a traceback
  with local variables (they may hold a user's data), EXIT_INTERNAL. With DPRKREL_DEBUG set,
  Python's plain traceback (which has no local variables) is printed as well.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from dprkrel.core.errors import EXIT_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

EXIT_INTERRUPTED = 128 + 2  # SIGINT, as shells report a process that Ctrl-C ended
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: an internal software error
DEBUG_ENV = "DPRKREL_DEBUG"


def run(entry: Callable[[], int | None]) -> NoReturn:
    """Call `entry` (which returns or exits with the exit code) and end the process, whatever
    happens inside it."""
    _die_quietly_on_sigpipe()
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
    from dprkrel.output.text import visible

    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(f"dprkrel: {visible(message)}\n")
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
