"""Start-up: what every command runs imports none of the standard modules that are slow to load.

Every dprkrel command is a new process, run from scripts in loops and on every Tab press, so
the modules a warm command runs import none of typing, dataclasses, inspect and pathlib. On
top of what a warm command needs anyway, they cost (measured on the project machine) about
2.7 ms for typing, 3.7 ms for pathlib and 7.8 ms for dataclasses with inspect. That is why
the code uses these idioms, each explained here once rather than in every module:

- `TYPE_CHECKING = False` then `if TYPE_CHECKING:` imports names used only in annotations
  for type checkers alone (annotations are strings, `from __future__ import annotations`);
- records are `Frozen` (dprkrel.core.frozen), not frozen dataclasses;
- paths are strings handled with `os.path`;
- yaml, rich and rapidfuzz are imported inside the functions that need them (ruff's
  banned-module-level-imports enforces it).

This checks which modules are loaded, never how long anything takes (`bench/run.py` measures
that): a fresh Python runs the core's own path from a warm cache (opening the fact base,
resolving a subject, a timeline, JSON out, shell completion) and reports the forbidden
modules it loaded. rich and rapidfuzz, loaded for tables and fuzzy matches, import typing
themselves; they are not on this path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("typing", "dataclasses", "inspect", "pathlib")

SCRIPT = """
import io, sys
forbidden = sys.argv[1].split(",")
# Whatever the interpreter's own start-up loaded (site, .pth files) is not ours to judge.
already = {name for name in forbidden if name in sys.modules}

from dprkrel.cli import process, quick, run, spec
from dprkrel.core import commands, errors
from dprkrel.core.paths import builtin_fact_paths
from dprkrel.core.reading import load
from dprkrel.output import render
from dprkrel.output.layout import answer
from dprkrel.core.subjects import complete
from dprkrel.output.views import OutputFormat

base = load(builtin_fact_paths())
result = commands.timeline(base, "spain")
out = io.StringIO()
render(answer(result), OutputFormat.JSON, out)
assert '"command": "timeline"' in out.getvalue() and complete(base, "madr") == ["Madrid"]
print(",".join(sorted(name for name in forbidden if name in sys.modules and name not in already)))
"""


def run(cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPRKREL_CACHE_DIR": str(cache)}
    env.pop("DPRKREL_DATA", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(FORBIDDEN)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_core_path_loads_no_slow_standard_module(tmp_path: Path) -> None:
    # The first run compiles the base (the YAML checks may load anything); the second reads it.
    compiling = run(tmp_path)
    assert compiling.returncode == 0, compiling.stderr
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip()
    assert not loaded, f"the core path imported {loaded}"
