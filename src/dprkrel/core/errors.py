"""The exceptions the core raises; the CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations

# A Frozen record rather than a frozen dataclass: dataclasses costs some 24 ms at start-up.
from dprkrel.core.frozen import Frozen

EXIT_FOUND = 0
EXIT_NOT_FOUND = 1
EXIT_ERROR = 2


class Problem(Frozen):
    """One thing wrong with a fact file, at a place in it."""

    file: str
    line: int | None
    column: int | None
    message: str
    record_id: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" [{self.record_id}]" if self.record_id else ""
        return f"{place}:{where} {self.message}"


class DprkrelError(Exception):
    """Anything a user can cause; `exit_code` says how the CLI ends."""

    exit_code = EXIT_ERROR


class DataError(DprkrelError):
    """Fact files that cannot be used as they are; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the fact files")


class UsageError(DprkrelError):
    """An option or argument the user gave cannot be used."""


class OutOfMemory(DprkrelError):
    """The memory available ran out while fact files were read or compiled: a limit of the
    machine or of the process (ulimit -v), not a bug; the message names what was read."""
