"""Opening the fact base that fact files make: from the cache when it can, else compiling them.

This is what every command runs first, so it stays light: the YAML parser and the checks
(dprkrel.core.loader) are imported only when the files changed since they were last compiled.
"""

from __future__ import annotations

import os

from dprkrel.core import cache
from dprkrel.core.errors import DataError, OutOfMemory, Problem
from dprkrel.core.files import decode, problem_order, read_bytes, shown_name
from dprkrel.core.paths import synonyms_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dprkrel.core import model
    from dprkrel.core.files import StrPath
    from dprkrel.core.store import FactBase

    # Told each step of a compile: what is being done, how many steps are done, of how many.
    Progress = Callable[[str, int, int], None]


def load(
    paths: Sequence[StrPath],
    *,
    rebuild: bool = False,
    notice: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> FactBase:
    """Read and check the given fact files together; raise DataError listing every problem.

    An unchanged set of files is read from its compiled form in the cache (see cache.py):
    then the files are not even read when `stat` shows them as they were when last hashed,
    and never decoded or parsed, since they were checked when they were compiled. `rebuild`
    compiles afresh, for a compiled base found damaged while in use. `notice` is told, in one
    line, when the cache folder exists but cannot be trusted (the base is then compiled in
    memory). `progress` is told each step of a compile, `(what, done, total)`: it is called
    only when the files must be compiled, never for a warm start.

    Running out of memory while reading or compiling raises OutOfMemory, naming the files.
    """
    digests = cache.FileDigests()
    if notice is not None and digests.folder.refused is not None:
        notice(digests.folder.refused)
    try:
        return _load_retrying(paths, digests, rebuild=rebuild, progress=progress)
    except MemoryError:
        raise OutOfMemory(f"out of memory while reading the fact files {_quoted_names(paths)}") from None


def _quoted_names(paths: Sequence[StrPath]) -> str:
    """The files' names for a message: at most three, each at most 200 characters."""
    names = [shown_name(os.fspath(path)) for path in paths[:3]]
    shown = ", ".join(name if len(name) <= 200 else name[:199] + "…" for name in names)
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _load_retrying(
    paths: Sequence[StrPath], digests: cache.FileDigests, *, rebuild: bool, progress: Progress | None
) -> FactBase:
    for _attempt in range(3):
        try:
            return _load(paths, digests, rebuild=rebuild, progress=progress)
        except _ChangedWhileReading:
            digests.forget()  # a file changed under us: hash everything afresh
    raise DataError([Problem(os.fspath(paths[0]), None, None, "keeps changing while it is read")])


class _ChangedWhileReading(Exception):
    """A file's bytes differ from the digest its stat promised."""


def _load(
    paths: Sequence[StrPath], digests: cache.FileDigests, *, rebuild: bool, progress: Progress | None = None
) -> FactBase:
    # (the path, its name as shown, its digest, its bytes when they were read)
    found: list[tuple[StrPath, str, str, bytes | None]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            file_digest, content = digests.of(path, read_bytes)
            found.append((path, shown_name(os.fspath(path)), file_digest, content))
        except DataError as error:
            problems += error.problems
    if problems:
        digests.save()
        # Check the files that could be read too, so that every problem is reported at once.
        try:
            _compile([(name, read_bytes(path) if content is None else content) for path, name, _, content in found])
        except DataError as error:
            problems += error.problems
        raise DataError(sorted(problems, key=problem_order))
    # The words search reads are compiled into the base too: an edit to them is a new base.
    words = synonyms_path()
    words_digest, _content = digests.of(words, read_bytes)
    base_key = cache.key([*paths, words], [*(file_digest for _, _, file_digest, _ in found), words_digest])

    def compile_records() -> list[model.Record]:
        steps = 2 * len(found) + 1
        files = []
        for done, (path, name, file_digest, content) in enumerate(found):
            if progress is not None:
                progress(f"reading {name}", done, steps)
            if content is None:
                content = read_bytes(path)
                if cache.digest(content) != file_digest:
                    raise _ChangedWhileReading(name)
            files.append((name, content))
        records = _compile(files, progress, (len(found), steps))
        if progress is not None:
            progress("writing the compiled fact base", steps - 1, steps)
        return records

    names = tuple(name for _, name, _, _ in found)
    return cache.open_or_build(base_key, names, compile_records, rebuild=rebuild, digests=digests)


def _compile(
    files: list[tuple[str, bytes]], progress: Progress | None = None, steps: tuple[int, int] = (0, 0)
) -> list[model.Record]:
    """The records of the files' bytes, checked strictly; every problem of every file at once.
    `steps` is (the steps done before, all steps) for `progress`."""
    from dprkrel.core import loader

    problems: list[Problem] = []
    names, texts = [], []
    for name, raw in files:
        try:
            texts.append(decode(name, raw))
            names.append(name)
        except DataError as error:
            problems += error.problems
    try:

        def checking(index: int) -> None:
            if progress is not None:
                progress(f"checking {names[index]}", steps[0] + index, steps[1])

        records: list[model.Record] = (
            loader.parse(names, texts) if progress is None else loader.parse(names, texts, checking)
        )
    except DataError as error:
        problems += error.problems
    if problems:
        raise DataError(sorted(problems, key=problem_order))
    return records
