"""Safe text in every format (issue 13): what a terminal is sent, and what a program reads.

Written to a terminal, every format makes control and bidi characters visible (CSV and
Markdown included); written to a pipe or a file, CSV and JSON keep each value exactly.
Messages quote a bounded length of a value or a query, and JSON is valid UTF-8 whatever the
bytes of the arguments.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dprkrel.cli.app import app
from dprkrel.output.csv_out import write_csv
from dprkrel.output.json_out import dumps
from dprkrel.output.text import MAX_MESSAGE, bounded
from dprkrel.output.views import Column, TableView

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "data" / "base.yaml"
HOSTILE_DATA = ("--no-builtin", "--data", str(BASE), "--data", str(TESTS / "hostile" / "hostile_text.yaml"))
CONTROL_SUMMARY = (
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b2J \u202eevil\u202c"
    " \u2066iso\u2069 bell\x07 cr\rend \u2028sep"
)
# What must never reach a terminal raw (a line feed may, and the terminal's own CR before it).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

runner = CliRunner()


def env_with(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DPRKREL_DATA", "PYTHONIOENCODING"}}
    env.update(extra)
    return env


def on_a_terminal(*args: str) -> str:
    """What `python -m dprkrel ARGS` writes to a terminal (a pseudo-terminal), as text."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "dprkrel", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env_with(NO_COLOR="1", COLUMNS="300"),
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert child.wait(timeout=30) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")  # the terminal's own line ends


@pytest.mark.skipif(os.name == "nt", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_every_format_on_a_terminal_shows_control_characters_visibly(fmt: str) -> None:
    shown = on_a_terminal(*HOSTILE_DATA, "timeline", "--since", "2003", "--until", "2003", "--format", fmt)
    assert not RAW_CONTROL.search(shown), repr(shown)
    assert "x1b" in shown and "u202eevil" in shown


def test_csv_to_a_pipe_keeps_every_value_exactly() -> None:
    result = runner.invoke(app, [*HOSTILE_DATA, "timeline", "--since", "2003", "--until", "2003", "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(result.stdout, newline="")) for cell in row]
    assert CONTROL_SUMMARY in cells


def test_csv_for_a_terminal_keeps_line_breaks_inside_a_cell() -> None:
    table = TableView(title="t", columns=(Column("a\x1b"),), rows=(("one\ntwo\x07",),))
    out = io.StringIO()
    write_csv(table, out, for_terminal=True)
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["a\\x1b"], ["one\ntwo\\x07"]]


# -- bounded messages ------------------------------------------------------------------------


def test_a_huge_query_is_quoted_in_a_bounded_length() -> None:
    query = "x" * 200_000
    result = runner.invoke(app, ["show", query])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert len(line) < MAX_MESSAGE + 20
    assert "x" * 1000 not in line


def test_a_problem_quotes_a_bounded_length_of_a_huge_value(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(f"events:\n  - {{id: ev-x, {'k' * 1_000_000}: x}}\n", encoding="utf-8")
    result = runner.invoke(app, ["--no-builtin", "validate", str(BASE), str(path)])
    assert result.exit_code == 2
    assert all(len(line) <= MAX_MESSAGE for line in result.stderr.splitlines())
    assert str(path) in result.stderr


def test_bounded_cuts_each_long_quote_and_the_whole() -> None:
    assert bounded("short 'quote' kept") == "short 'quote' kept"
    assert bounded(f"a '{'q' * 500}' b") == f"a '{'q' * 199}…' b"
    long_between = f"'one' {'w' * 300} 'two'"
    assert bounded(long_between) == long_between
    assert len(bounded("z" * 50_000)) == MAX_MESSAGE


# -- JSON is valid UTF-8 -----------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin" or os.name == "nt", reason="arguments are UTF-8 there")
@pytest.mark.parametrize("encoding", ["", "ascii"])
@pytest.mark.parametrize("command", ["show", "search", "timeline"])
def test_json_is_valid_utf8_whatever_the_bytes_of_the_arguments(command: str, encoding: str) -> None:
    env = env_with(PYTHONIOENCODING=encoding) if encoding else env_with()
    result = subprocess.run(
        [sys.executable, "-m", "dprkrel", command, b"spa\xff\xfein", "--json"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    payload = json.loads(result.stdout.decode("utf-8"))  # strictly UTF-8
    assert payload["query"] == "spa\ufffd\ufffdin"
    assert "\\udc" not in result.stdout.decode("utf-8")


def test_dumps_replaces_lone_surrogates_and_escapes_beyond_the_bmp() -> None:
    payload = {"a": "x\udcff", "b": "😄 조선"}
    assert json.loads(dumps(payload)) == {"a": "x\ufffd", "b": "😄 조선"}
    ascii_text = dumps(payload, ascii_only=True)
    assert ascii_text.isascii()
    assert json.loads(ascii_text) == {"a": "x\ufffd", "b": "😄 조선"}
    assert ascii_text == json.dumps({"a": "x\ufffd", "b": "😄 조선"}, indent=2) + "\n"
