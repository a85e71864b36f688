"""A compile that takes long shows a progress bar on a terminal's stderr, and only there."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def large_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fact base that takes a few seconds to compile."""
    path = tmp_path_factory.mktemp("large") / "large.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_synthetic.py"), "15000", str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


def compile_with_stderr_on_a_terminal(base: Path, cache: Path, *args: str) -> tuple[bytes, bytes, int]:
    """Run `dprkrel --data BASE timeline ARGS` with stderr on a pseudo-terminal: (stdout, what
    the terminal received, exit code)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "DPRKREL_CACHE_DIR": str(cache), "COLUMNS": "100", "TERM": "xterm"}
    env.pop("DPRKREL_DATA", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "dprkrel", "--data", str(base), "timeline", "spain", *args],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    received = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
        elif child.poll() is not None:
            break
    assert child.stdout is not None
    out = child.stdout.read()
    child.wait(timeout=60)
    os.close(controller)
    return out, received, child.returncode


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_long_compile_shows_a_progress_bar_on_a_terminal(large_base: Path, tmp_path: Path) -> None:
    out, terminal, code = compile_with_stderr_on_a_terminal(large_base, tmp_path / "cache")
    assert code == 0
    assert b"checking" in terminal or b"reading" in terminal or b"writing" in terminal
    assert out.startswith(b"Timeline: Spain")
    # A warm start compiles nothing, and shows nothing.
    _out, warm, code = compile_with_stderr_on_a_terminal(large_base, tmp_path / "cache")
    assert code == 0 and warm == b""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_no_progress_bar_beside_json(large_base: Path, tmp_path: Path) -> None:
    out, terminal, code = compile_with_stderr_on_a_terminal(large_base, tmp_path / "cache", "--json")
    assert code == 0
    assert terminal == b""
    assert out.startswith(b"{")


def test_no_progress_bar_in_a_pipe(large_base: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DPRKREL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("DPRKREL_DATA", None)
    done = subprocess.run(
        [sys.executable, "-m", "dprkrel", "--data", str(large_base), "timeline", "spain"],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr == b""
