"""A progress bar on stderr while a large fact base is compiled, for people at a terminal.

It appears only once a compile has taken more than `DELAY` seconds, so that the usual
quick compile shows nothing, and it is removed when the compile ends. The command line asks
for it only when stderr is a terminal and the output is for people (never in a pipe, never
with JSON or another data format).
"""

from __future__ import annotations

import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# How long a compile runs before the bar appears, in seconds.
DELAY = 1.0


class CompileProgress:
    """Called with each step of a compile, `(what, done, total)`; `close()` when it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._step: tuple[str, int, int] = ("compiling the fact base", 0, 1)
        self._timer: threading.Timer | None = None
        self._bar: Any = None
        self._task: Any = None
        self._closed = False

    def __call__(self, what: str, done: int, total: int) -> None:
        with self._lock:
            self._step = (what, done, total)
            if self._bar is not None:
                self._bar.update(self._task, description=what, completed=done, total=total)
            elif self._timer is None and not self._closed:
                self._timer = threading.Timer(DELAY, self._show)
                self._timer.daemon = True
                self._timer.start()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            what, done, total = self._step
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task(what, completed=done, total=total)
            self._bar.start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
