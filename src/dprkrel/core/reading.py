"""Opening the fact base that fact files make: from the cache when it can, else compiling them.

This is what every command runs first, so it stays light: the YAML parser and the checks
(dprkrel.core.loader) are imported only when the files changed since they were last compiled.
"""

from __future__ import annotations

import os

from dprkrel.core import cache
from dprkrel.core.errors import DataError, Problem
from dprkrel.core.files import decode, problem_order, read_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from dprkrel.core import model
    from dprkrel.core.files import StrPath
    from dprkrel.core.store import FactBase


def load(paths: Sequence[StrPath], *, rebuild: bool = False) -> FactBase:
    """Read and check the given fact files together; raise DataError listing every problem.

    An unchanged set of files is read from its compiled form in the cache (see cache.py):
    then the files are not even read when `stat` shows them as they were when last hashed,
    and never decoded or parsed, since they were checked when they were compiled. `rebuild`
    compiles afresh, for a compiled base found damaged while in use.
    """
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
        records: list[model.Record] = loader.parse(names, texts)
    except DataError as error:
        problems += error.problems
    if problems:
        raise DataError(sorted(problems, key=problem_order))
    return records
