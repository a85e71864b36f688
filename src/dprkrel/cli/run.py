"""Runs a request: the fact base opened, the core's answer rendered, an exit code returned.

Both readers of the command line (`quick` and the Typer app) end here, so a command behaves
the same whichever read it. The answer goes to `sys.stdout`, problems to `sys.stderr` as
one line each.
"""

from __future__ import annotations

import contextlib
import sys

from dprkrel.core.errors import EXIT_ERROR, EXIT_FOUND, EXIT_NOT_FOUND, DataError, DprkrelError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from dprkrel.cli.spec import Request, Settings
    from dprkrel.core.results import Result
    from dprkrel.core.store import FactBase


def execute(request: Request) -> int:
    """Run the request: the answer on stdout, each problem as a line on stderr; the exit code.

    Every line is passed through `visible`: problems quote fact files and queries, and a
    control character in them must not reach the terminal raw, nor break the one-line form.
    """
    from dprkrel.core.commands import SubjectNotFound
    from dprkrel.output.text import visible

    fmt = "table"
    try:
        if request.command == "validate":
            return _validate(request)
        if request.command == "export":
            return _export(request)
        if request.command == "cache":
            return _cache(request)
        fmt = str(request["format"])
        if request.command == "timeline" and request["chart"] and fmt != "table":
            raise UsageError(f"--chart draws only in a table; leave out --format {fmt} (or --chart)")
        result = _answer(request)
    except SubjectNotFound as error:
        if fmt == "json":
            _write(error.result, fmt)
        say(visible(str(error)))
        return error.exit_code
    except DataError as error:
        for problem in error.problems:
            say(visible(str(problem)), prefix="")
        say(visible(str(error)))
        return error.exit_code
    except DprkrelError as error:
        say(visible(str(error)))
        return error.exit_code
    for item in result.warnings:
        if item["type"] in _SAID_FIRST:
            say(visible(str(item["message"])))
    try:
        return _emit(result, request)
    except UnicodeEncodeError as error:
        # The renderers check before writing: nothing was printed. Names in Korean, accents,
        # or a dash cannot be shown in the output's encoding (PYTHONIOENCODING=ascii, say).
        bad = error.object[error.start : error.start + 1]
        code = f" (U+{ord(bad):04X})" if bad else ""
        say(
            f"the output's encoding ({error.encoding}) cannot show {bad!a}{code}; "
            "use --json, or a UTF-8 locale (PYTHONIOENCODING=utf-8)"
        )
        return EXIT_ERROR


def say(message: str, *, prefix: str = "dprkrel: ") -> None:
    """One line on stderr, quoting a bounded length of any value (see `bounded`)."""
    from dprkrel.output.text import bounded

    print(prefix + bounded(message), file=sys.stderr, flush=True)


def subject_candidates(settings: Settings, incomplete: str, shell: str = "", *, own_case: bool = True) -> list[str]:
    """Names, aliases and codes starting with what was typed, for the shell's Tab key, each
    as `shell` inserts it.

    Bash inserts a candidate as it is, replacing the word typed, and fish matches what was
    typed whatever its case: both get each name in its own case ("nor" offers North Korea),
    bash with spaces and shell characters escaped so that the name stays one word. zsh and
    PowerShell keep only candidates that begin with what was typed, letter for letter, as
    Typer does (`own_case` False): "ma" offers "Madrid" as "madrid". zsh and fish quote what
    they insert themselves.

    Completion must never fail loudly nor block: with bad data or no fact base it offers
    nothing; it reads only fact files that are regular files (a named pipe could wait for
    ever), and gives up after COMPLETION_SECONDS, offering nothing rather than hanging.
    """
    from dprkrel.core.normalise import normalise
    from dprkrel.core.reading import load
    from dprkrel.core.subjects import complete

    files = settings.fact_paths()
    if not files or not all(_is_regular(path) for path in files):
        return []
    try:
        with _time_bound(COMPLETION_SECONDS):
            candidates = complete(load(files), incomplete)
    except (DprkrelError, _OutOfTime, MemoryError, OSError):
        return []
    if not (own_case and shell in ("bash", "fish")):
        offered = []
        for candidate in candidates:
            typed_case = incomplete + candidate[len(incomplete) :]
            if candidate.startswith(incomplete):
                offered.append(candidate)
            elif normalise(typed_case) == normalise(candidate):
                offered.append(typed_case)
        candidates = offered
    if shell == "bash":
        return [_bash_escaped(candidate) for candidate in candidates]
    return candidates


# What bash would read as more than a letter of a word.
_BASH_SPECIAL = frozenset(" \t\"'\\$`!&;|<>()[]{}*?#~")


def _bash_escaped(text: str) -> str:
    return "".join("\\" + char if char in _BASH_SPECIAL else char for char in text)


# The longest the Tab key waits for the fact base: a cold compile of a large base may take
# longer, and then nothing is offered this time (the compiled base is not kept half-made).
COMPLETION_SECONDS = 3.0


class _OutOfTime(Exception):
    """Completion took longer than its time bound."""


def _is_regular(path: str) -> bool:
    import stat
    from pathlib import Path

    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in the block once `seconds` have passed (where a timer signal exists,
    in the main thread; elsewhere the block simply runs)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _answer(request: Request) -> Result:
    """The core's result for the request: each field of the request that is not about the
    output is a keyword of the command's core function, under the same name."""
    from dprkrel.core import commands

    # A progress bar for people only: never beside JSON or another data format.
    base = _open(request.settings, shows_progress=request["format"] in ("table", "markdown"))
    given = {name: value for name, value in request.items() if name not in _OUTPUT_FIELDS}
    function = getattr(commands, _CORE_FUNCTIONS.get(request.command, request.command))
    result: Result = function(base, **given)
    return result


# Warnings about what the subject was taken to mean: said on stderr before the answer.
_SAID_FIRST = frozenset({"ambiguous", "resemblance"})

# Request fields that say how to show the answer, not what to answer.
_OUTPUT_FIELDS = frozenset({"format", "sources", "details"})
# Where a command's core function has a name of its own.
_CORE_FUNCTIONS = {"embassy": "missions"}


def _validate(request: Request) -> int:
    from dprkrel.core.commands import validate

    paths = request["paths"]
    assert isinstance(paths, tuple)
    found = validate(request.settings.fact_paths(paths))
    counts = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in found.counts.items())
    print(f"valid: {counts} in {len(found.files)} {_plural('file', len(found.files))}")
    return EXIT_FOUND


def _cache(request: Request) -> int:
    import json

    from dprkrel.core import cache

    if request["clear"]:
        removed, size = cache.clear()
        found: dict[str, object] = {"removed": removed, "bytes": size}
        text = f"removed {removed} {_plural('file', removed)} ({_size(size)}) from {cache.cache_dir()}"
    else:
        contents = cache.contents()
        found = contents.to_json()
        text = f"cache folder: {contents.path}\ncompiled bases: {contents.bases} ({_size(contents.size)})"
        if contents.refused:
            text += f"\nnot used: {contents.refused}"
    print(json.dumps(found, ensure_ascii=False, indent=2) if request["json"] else text)
    return EXIT_FOUND


def _size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def _export(request: Request) -> int:
    from pathlib import Path

    from dprkrel.core.export import tables
    from dprkrel.output.export_out import FORMATS, write

    fmt = str(request["format"] or "sqlite").lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: choose from {', '.join(FORMATS)}")
    destination = str(request["destination"])
    target = Path(destination)
    if target.exists() or target.is_symlink():
        is_export = target.is_dir() and (target / "export.json").is_file() and fmt == "csv"
        replaceable = target.is_file() or is_export
        if not (request["force"] and replaceable):
            if replaceable:
                raise UsageError(f"{destination} exists; give --force to replace it")
            raise UsageError(f"{destination} exists and is not a file dprkrel may replace; choose another name")
        if is_export:
            import shutil

            shutil.rmtree(target)
    found = tables(_open(request.settings, shows_progress=True))
    try:
        write(found, fmt, destination)
    except OSError as error:
        raise UsageError(f"cannot write {destination}: {error.strerror or error}") from None
    rows = sum(len(table.rows) for table in found)
    say(f"wrote {len(found)} tables ({rows:,} rows) to {destination}")
    return EXIT_FOUND


def _open(settings: Settings, *, shows_progress: bool = False) -> FactBase:
    """The fact base of the settings' files; with `shows_progress`, a compile that takes long
    shows a progress bar on stderr when it is a terminal."""
    from dprkrel.core.reading import load
    from dprkrel.output.text import is_terminal, visible

    files = settings.fact_paths()
    if not files:
        raise UsageError("no fact files: --no-builtin was given without --data")
    progress = None
    if shows_progress and is_terminal(sys.stderr):
        from dprkrel.output.progress import CompileProgress

        progress = CompileProgress()
    try:
        return load(files, notice=lambda message: say(visible(message)), progress=progress)
    finally:
        if progress is not None:
            progress.close()


def _emit(result: Result, request: Request) -> int:
    """Print the result (with its chart, when one was made); when it holds nothing, say so on
    stderr and return EXIT_NOT_FOUND."""
    from dprkrel.output.text import visible

    fmt = str(request["format"])
    if result.found or fmt == "json":
        _write(result, fmt, with_sources=bool(request["sources"]), details=bool(request.get("details", False)))
    if fmt in ("ndjson", "csv", "tsv"):
        # A row or a line of data has no room for the notes a table has under it, and no
        # envelope to hold them as JSON has: they are said on stderr, once the data is out.
        sys.stdout.flush()
        for item in result.warnings:
            if item["type"] not in _SAID_FIRST:
                say(visible(str(item["message"])))
    if not result.found:
        say(visible(result.nothing))
        return EXIT_NOT_FOUND
    return EXIT_FOUND


def _write(result: Result, fmt: str, *, with_sources: bool = False, details: bool = False) -> None:
    from dprkrel.output.views import OutputFormat

    output = OutputFormat(fmt)
    if output is OutputFormat.JSON:
        from dprkrel.output.json_out import write_json

        write_json(result.to_json(), sys.stdout)
        return
    from dprkrel.output import render
    from dprkrel.output.layout import answer

    chart = result.chart is not None and result.found
    render(answer(result, with_sources=with_sources, chart=chart, details=details), output, sys.stdout, chart=chart)


def _plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    irregular = {"entity": "entities", "advisory": "advisories", "policy": "policies", "aid": "aid"}
    return irregular.get(noun, noun + "s")
