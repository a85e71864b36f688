"""The process under attack (issue 13): every write checked, no stream mixed with another.

Each case runs `python -m dprkrel` as a real process, since what is tested is the process's
own standard streams: closed (`>&-`, `2>&-`), full, or limited in size (`ulimit -f`); and its
memory (`ulimit -v`). Completion, which a shell runs on every Tab, must never block.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from dprkrel.cli import process, quick, run
from dprkrel.core import loader

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "data" / "base.yaml"
SH = shutil.which("sh")
needs_sh = pytest.mark.skipif(SH is None or os.name == "nt", reason="needs a POSIX shell")
try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def env_with(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DPRKREL_DATA", "PYTHONIOENCODING"}}
    env.update(extra)
    return env


def shell(redirect: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m dprkrel ARGS REDIRECT` through sh, stdout and stderr captured unless closed."""
    words = " ".join(f"'{arg}'" for arg in (sys.executable, "-m", "dprkrel", *args))
    assert SH is not None
    return subprocess.run(
        [SH, "-c", f"exec {words} {redirect}"], env=env or env_with(), capture_output=True, timeout=60, check=False
    )


FORMATS = [("timeline", "spain", "--json"), ("timeline", "spain", "--format", "csv")]
FORMATS += [("timeline", "spain", "--format", "markdown"), ("timeline", "spain"), ("--help",), ("validate",)]


@needs_sh
@pytest.mark.parametrize("args", FORMATS, ids=lambda args: " ".join(args))
def test_a_closed_stdout_is_exit_2_and_one_line(args: tuple[str, ...]) -> None:
    result = shell(">&-", *args)
    assert result.returncode == 2
    assert result.stderr == b"dprkrel: write error: standard output is closed\n"


@needs_sh
def test_a_closed_stderr_never_sends_messages_to_stdout() -> None:
    # Not found, with JSON: the JSON alone on stdout; the message goes nowhere.
    result = shell("2>&-", "timeline", "nowhere-at-all", "--json")
    assert result.returncode == 1
    json.loads(result.stdout)
    assert b"dprkrel:" not in result.stdout
    result = shell("2>&-", "timeline", "nowhere-at-all")
    assert (result.returncode, result.stdout) == (1, b"")


@needs_sh
def test_a_closed_stderr_with_an_untrusted_cache_keeps_the_json_whole(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    result = shell("2>&-", "timeline", "spain", "--json", env=env_with(DPRKREL_CACHE_DIR=str(folder)))
    assert result.returncode == 0
    assert json.loads(result.stdout)["results"]


@needs_sh
def test_a_closed_stdin_is_harmless() -> None:
    result = shell("<&-", "timeline", "spain", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["results"]


def limit_file_size() -> None:
    assert resource is not None
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.skipif(resource is None or not hasattr(resource, "RLIMIT_FSIZE"), reason="needs ulimit -f")
@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("args", [("timeline", "spain", "--json"), ("timeline", "spain")], ids=["json", "table"])
def test_output_cut_short_by_a_file_size_limit_is_exit_2(
    tmp_path: Path, args: tuple[str, ...], unbuffered: str
) -> None:
    out = tmp_path / "out"
    env = env_with(PYTHONUNBUFFERED=unbuffered)
    with out.open("wb") as stream:
        result = subprocess.run(
            [sys.executable, "-m", "dprkrel", *args],
            stdout=stream,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=limit_file_size,
            timeout=60,
            check=False,
        )
    full = subprocess.run([sys.executable, "-m", "dprkrel", *args], capture_output=True, env=env, check=True)
    assert len(full.stdout) > 4096, "the answer must be longer than the limit"
    assert out.stat().st_size <= 4096
    assert result.returncode == 2
    assert result.stderr == b"dprkrel: write error: File too large\n"


def test_a_write_that_stops_short_is_an_error() -> None:
    """A pipe that takes part of a write and then no more (non-blocking, nobody reading)."""
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(write_end, False)
        stream = process._CheckedFile(write_end, "w", closefd=False)
        with pytest.raises(OSError, match="short write"):
            stream.write(b"x" * (1 << 22))
    finally:
        os.close(read_end)
        os.close(write_end)


# -- memory ---------------------------------------------------------------------------------


def many_events(path: Path, count: int) -> Path:
    events = "".join(
        f"  - id: ev-{n}\n    date: '2001'\n    category: visit\n    summary: Visit number {n} {'x' * 80}.\n"
        "    sources: [{source: src-a, section: body}]\n"
        for n in range(count)
    )
    path.write_text("events:\n" + events, encoding="utf-8")
    return path


def test_out_of_memory_while_reading_names_the_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dprkrel.cli.app import app

    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(tmp_path / "cache"))

    def exhausted(files: list[str], texts: list[str]) -> NoReturn:
        raise MemoryError

    monkeypatch.setattr(loader, "parse", exhausted)
    result = CliRunner().invoke(app, ["--no-builtin", "--data", str(BASE), "timeline", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"dprkrel: out of memory while reading the fact files {BASE}\n"


@pytest.fixture
def run_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def end(code: int) -> NoReturn:
        raise SystemExit(code)

    monkeypatch.setattr(process, "_die_quietly_on_sigpipe", lambda: None)
    monkeypatch.setattr(process, "_guard_standard_streams", lambda: None)
    monkeypatch.setattr(process, "_silence_stdout", lambda: None)
    monkeypatch.setattr(process, "_end_process", end)
    yield


def test_out_of_memory_elsewhere_is_exit_2_not_a_bug(run_in_process: None, capsys: pytest.CaptureFixture[str]) -> None:
    def entry() -> NoReturn:
        raise MemoryError

    with pytest.raises(SystemExit) as ended:
        process.run(entry)
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dprkrel: out of memory while answering")


def limit_memory() -> None:
    assert resource is not None
    resource.setrlimit(resource.RLIMIT_AS, (150 * 2**20, 150 * 2**20))


@pytest.mark.skipif(
    resource is None or not hasattr(resource, "RLIMIT_AS") or sys.platform != "linux", reason="needs ulimit -v"
)
def test_a_memory_limit_is_a_resource_error(tmp_path: Path) -> None:
    many = many_events(tmp_path / "many.yaml", 20_000)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dprkrel",
            "--no-builtin",
            "--data",
            str(BASE),
            "--data",
            str(many),
            "timeline",
            "--json",
        ],
        capture_output=True,
        env=env_with(DPRKREL_CACHE_DIR=str(tmp_path / "cache")),
        preexec_fn=limit_memory,
        timeout=120,
        check=False,
    )
    if result.returncode == 0:
        pytest.skip("150 MiB was enough memory here")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("dprkrel: out of memory while"), lines
    assert str(many) in lines[0] or "answering" in lines[0]


# -- completion -------------------------------------------------------------------------------


def completion_env(line: str, **extra: str) -> dict[str, str]:
    words = line.split()
    return {quick.COMPLETE_VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1), **extra}


@needs_sh
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_completion_with_a_pipe_held_open_by_a_silent_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    holder = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer open at once
    assert SH is not None
    writer = subprocess.Popen([SH, "-c", f"exec sleep 30 > '{fifo}'"])  # holds the pipe, writes nothing
    try:
        env = env_with(**completion_env("dprkrel embassy ma"), DPRKREL_DATA=str(fifo))
        result = subprocess.run(
            [sys.executable, "-m", "dprkrel"], env=env, capture_output=True, timeout=15, check=False
        )
    finally:
        writer.kill()
        writer.wait()
        os.close(holder)
    assert result.returncode == 0
    assert result.stdout.strip() == b""
    assert result.stderr == b""


def test_completion_gives_up_after_its_time_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    import dprkrel.core.reading as reading

    def slow(*args: object, **kwargs: object) -> NoReturn:
        time.sleep(30)
        raise AssertionError("not reached")

    monkeypatch.setattr(reading, "load", slow)
    monkeypatch.setattr(run, "COMPLETION_SECONDS", 0.2)
    started = time.monotonic()
    reply = quick.complete(completion_env("dprkrel embassy ma"))
    assert time.monotonic() - started < 5
    assert reply is not None and not (reply.text or "").strip()
