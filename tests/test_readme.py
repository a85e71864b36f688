"""The README's examples run and print what the README says they print.

Each ```console block holds `$ dprkrel ...` lines followed by their output. A command piped
into `jq` is checked with a small evaluator of the few jq filters the README uses, so the
test needs no jq on the machine.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dprkrel.cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"
# The README's tables are shown at this width, without colour.
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "FORCE_COLOR": None, "DPRKREL_DATA": None}


@dataclass(frozen=True)
class Example:
    line: int
    command: str
    expected: str


def examples() -> list[Example]:
    found = []
    lines = README.read_text(encoding="utf-8").splitlines()
    in_block = False
    current: tuple[int, str] | None = None
    output: list[str] = []
    indent = ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not in_block and stripped == "```console":
            in_block, indent = True, line[: len(line) - len(line.lstrip())]
            continue
        if not in_block:
            continue
        body = line[len(indent) :] if line.startswith(indent) else line
        if stripped == "```" or body.startswith("$ "):
            if current is not None:
                found.append(Example(current[0], current[1], "\n".join(output)))
            current, output = None, []
            if stripped == "```":
                in_block = False
            else:
                current = (number, body[2:])
            continue
        output.append(body)
    return found


def _tokens(path: str) -> Iterator[str]:
    for match in re.finditer(r"\.(\w+)|\[(\d*)\]", path):
        if match.group(1) is not None:
            yield match.group(1)
        else:
            yield match.group(2)


def _path(value: Any, path: str) -> Iterator[Any]:
    """Evaluate a jq path such as .results[0].entity or .results[].date."""
    values = [value]
    for token in _tokens(path):
        if token == "":
            values = [item for current in values for item in current]
        elif token.isdigit():
            values = [current[int(token)] for current in values]
        else:
            values = [current[token] for current in values]
    yield from values


def jq(data: Any, program: str) -> list[Any]:
    """The few jq filters the README uses: paths, `|`, and `{a, b}` object construction."""
    stream = [data]
    for stage in (part.strip() for part in program.split("|")):
        if stage.startswith("{"):
            keys = [key.strip() for key in stage.strip("{}").split(",")]
            stream = [{key: item[key] for key in keys} for item in stream]
        else:
            assert re.fullmatch(r"(\.\w+|\[\d*\])+", stage), f"jq filter not understood by the test: {stage}"
            stream = [result for item in stream for result in _path(item, stage)]
    return stream


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


EXAMPLES = examples()


def test_readme_has_examples_of_every_command() -> None:
    commands = {shlex.split(example.command)[1] for example in EXAMPLES}
    assert {"timeline", "embassy", "advisory", "search", "sources", "show"} <= commands


def test_readme_starts_with_the_two_commands() -> None:
    head = README.read_text(encoding="utf-8").splitlines()[:10]
    commands = [line.strip() for line in head if line.startswith("    ")]
    assert commands == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && dprkrel timeline spain",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest",
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README.md:{example.line}" for example in EXAMPLES])
def test_readme_example_prints_what_it_shows(example: Example) -> None:
    command, _, program = example.command.partition(" | jq ")
    args = shlex.split(command)
    assert args[0] == "dprkrel"
    result = CliRunner().invoke(app, args[1:], env=ENV)
    assert "Traceback" not in result.output
    if program:
        assert result.exit_code == 0, result.output
        values = jq(json.loads(result.stdout), shlex.split(program)[0])
        shown = "\n".join(json.dumps(value, ensure_ascii=False, indent=2) for value in values)
        assert _normalise(shown) == _normalise(example.expected)
    else:
        assert _normalise(result.output) == _normalise(example.expected)
        assert result.exit_code == (1 if "is not in the fact base" in example.expected else 0)


def python_examples() -> list[tuple[int, str]]:
    """Each ```python block of the README, with the line it starts on."""
    found = []
    lines = README.read_text(encoding="utf-8").splitlines()
    start: int | None = None
    for number, line in enumerate(lines, start=1):
        if line.strip() == "```python":
            start = number
        elif line.strip() == "```" and start is not None:
            found.append((start, "\n".join(lines[start : number - 1])))
            start = None
    return found


def test_the_readme_has_a_python_example() -> None:
    assert python_examples()


@pytest.mark.parametrize(("line", "code"), python_examples(), ids=lambda value: str(value)[:20])
def test_python_example_runs(
    line: int, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DPRKREL_DATA", raising=False)
    exec(compile(code, f"README.md:{line}", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("2017-09-19 ")
