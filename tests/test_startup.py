"""Start-up: what every command runs imports none of the standard modules that are slow to load.

typing (some 14 ms, with the re it loads), dataclasses (24 ms, with inspect) and pathlib (14 ms)
would each add a large share of a warm `dprkrel timeline spain --json`. This checks which
modules are loaded, never how long anything takes: a fresh Python runs the core's own path
from a warm cache (opening the fact base, resolving a subject, a timeline, JSON out, shell
completion) and reports the forbidden modules it loaded. rich and rapidfuzz, loaded for tables
and fuzzy matches, import typing themselves; they are not on this path.
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
from dprkrel.core.paths import builtin_fact_path
from dprkrel.core.reading import load
from dprkrel.output import render
from dprkrel.output.layout import answer
from dprkrel.core.subjects import complete
from dprkrel.output.views import OutputFormat

base = load([builtin_fact_path()])
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
