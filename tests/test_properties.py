"""Property tests (issue 5): random argument lists and random fact files, thrown at the CLI.

Plain random text finds nothing, so the alphabets are rich in what breaks things: rich markup
(`[]/`), emoji codes (`:`), terminal escapes, Korean, and YAML's own syntax. Whatever comes
in, dprkrel must end with 0, 1 or 2, never with a traceback, and print valid JSON whenever
--json was given; a value it accepts must come out exactly as written.

The examples are few enough for CI (some 20 seconds in all); set DPRKREL_HYPOTHESIS_SCALE=10
to search ten times longer.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app

DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "base.yaml"

# Examples per test, multiplied by DPRKREL_HYPOTHESIS_SCALE.
SCALE = max(1, int(os.environ.get("DPRKREL_HYPOTHESIS_SCALE", "1") or 1))
FAST = settings(
    max_examples=100 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

runner = CliRunner()

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

KOREAN = "조선민주주의인민공화국에스빠냐대사관ㄱㅏ"
HOSTILE_CHARACTERS = "[]/:\\{}(),'\"!&*#|>-?%@`~=<.;_ \t\n\x1b\x9b\u202e\u2066\u2028\x00\x07\r" + KOREAN + "abcXYZ019é"
hostile_text = st.text(alphabet=HOSTILE_CHARACTERS, max_size=30)

# Words that mean something to dprkrel, to YAML, to rich or to a terminal.
SPECIAL_WORDS = [
    "spain",
    "madrid",
    "esp",
    "ES",
    "prk",
    "eu",
    "조선",
    "에스빠냐",
    "Corea del Norte",
    "[bold]",
    "[/]",
    "a[b]c",
    "[link=https://example.org]x[/link]",
    "1:cd:2",
    ":smile:",
    "\x1b[2J",
    "\u202eevil",
    "NO",
    "yes",
    "on",
    "~",
    "0755",
    "1:20",
    ".nan",
    "2013-10-01",
    "2023-02-30",
    "2013",
    "2013-10",
    "0000",
    "99999999999999999999",
    "-",
    "--",
    "---",
    "",
    " ",
]
word = st.one_of(st.sampled_from(SPECIAL_WORDS), hostile_text)

COMMANDS = ["timeline", "embassy", "advisory", "search", "show", "sources", "validate"]
OPTIONS = [
    "--json",
    "--format",
    "-f",
    "json",
    "table",
    "csv",
    "markdown",
    "--sources",
    "--since",
    "--until",
    "--as-of",
    "--category",
    "-c",
    "visit",
    "--chart",
    "--limit",
    "-n",
    "--kind",
    "-k",
    "event",
    "--data",
    "--no-builtin",
    "--help",
    "-h",
    "--version",
    "--",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(cache_dir))
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "DPRKREL_DATA"):
        monkeypatch.delenv(name, raising=False)


def invoke(args: list[str]) -> Result:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{args!r} raised {result.exception!r}"
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, args
    return result


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# -- random argument lists -----------------------------------------------------------------


@FAST
@given(st.lists(st.one_of(st.sampled_from(COMMANDS + OPTIONS), word), max_size=8))
def test_any_argument_list_ends_cleanly(args: list[str]) -> None:
    invoke(args)


DATES = st.one_of(st.sampled_from(["2001", "2013-10", "2015-06-01", "1900", "2999-12-31"]), word)


@st.composite
def json_command(draw: st.DrawFn) -> list[str]:
    """A command with --json surely read as the flag: options, then `--`, then the subject."""
    command = draw(st.sampled_from(["timeline", "embassy", "advisory", "search", "show", "sources"]))
    args = [command, draw(st.sampled_from(["--json", "--format=json", "-fjson"]))]
    if command == "timeline":
        for option in draw(st.lists(st.sampled_from(["--since", "--until", "--as-of", "--category"]), max_size=3)):
            args += [option, draw(DATES if option != "--category" else word)]
        if draw(st.booleans()):
            args.append("--chart")
    if command == "embassy" and draw(st.booleans()):
        args += ["--as-of", draw(DATES)]
    if command == "search":
        if draw(st.booleans()):
            args += ["--limit", str(draw(st.integers(-5, 1500)))]
        if draw(st.booleans()):
            args += ["--kind", draw(st.one_of(st.sampled_from(["event", "mission", "entity"]), word))]
    if draw(st.booleans()):
        args.append("--sources")
    if command in ("search", "show") or (command != "sources" and draw(st.booleans())):
        args += ["--", draw(word)]
    return args


@FAST
@given(json_command())
def test_json_is_always_valid_json(args: list[str]) -> None:
    result = invoke(args)
    if result.exit_code == 2:
        # A usage error: an option's value was refused before anything was printed.
        assert result.stdout == ""
        assert result.stderr.count("\n") >= 1
        return
    payload = strict_json(result.stdout)
    assert isinstance(payload, dict)
    assert payload["schema_version"] == 1
    assert "\x1b" not in result.stdout
    assert (result.exit_code == 1) == (payload["results"] == [])


# -- random fact files -----------------------------------------------------------------------

YAML_PIECES = [
    "events:",
    "entities:",
    "sources:",
    "schema_version: 1",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "- ",
    "id: ",
    "date: ",
    "summary: ",
    "name: ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ",
    "!!binary ",
    "!!set ",
    "!custom ",
    "<<: ",
    "|",
    ">",
    "'",
    '"',
    "# ",
    "---",
    "...",
    "%YAML 1.1\n",
    "\\e",
    "\\x9b",
    "\\u202e",
    "\t",
    "\x1b",
    "\ufeff",
    "{source: src-a, section: body}",
    "category: visit",
    "'2001'",
]
scrap = st.lists(st.one_of(st.sampled_from(YAML_PIECES), word), max_size=40).map("".join)

# A fact file shaped like a real one, each value either right or hostile, so that the
# examples get past the YAML parser to the schema, the cross-file checks and the output.
GOOD_VALUES = {
    "date": [
        "'2001'",
        "'2013-10'",
        "[{value: '2001', source: src-a, section: body}, {value: '2002', source: src-b, section: x}]",
    ],
    "category": ["visit", "incident"],
    "summary": ["A visit.", "'[bold]x'", '"\\e[31m \\u202e"', "조선"],
    "sources": ["[{source: src-a, section: body}]", "[{source: src-b, section: any}]"],
    "actors": ["[land-a]", "[land-a, land-b]", "[]"],
    "places": ["[city-b]"],
    "details": ["[one, two]"],
    "colour": ["red"],
    "id": ["ev-relations", "land-a"],
}
REQUIRED = ["date", "category", "summary", "sources"]


@st.composite
def record_text(draw: st.DrawFn) -> str:
    lines = ["events:"]
    for number in range(draw(st.integers(1, 3))):
        extra = draw(st.lists(st.sampled_from(list(GOOD_VALUES)), max_size=3, unique=draw(st.booleans())))
        keys = draw(st.permutations(REQUIRED + extra))
        lines.append(f"  - id: ev-{number}")
        for key in keys:
            # Mostly right, so that many files get through to the checks that follow.
            if draw(st.integers(0, 11)) < 11:
                value = draw(st.sampled_from(GOOD_VALUES[key]))
            else:
                value = draw(st.one_of(word, scrap))
            lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


fact_text = st.one_of(scrap, record_text())


def assert_problems_are_one_line_each(result: Result, *paths: Path) -> None:
    lines = result.stderr.splitlines()
    assert not RAW_CONTROL.search(result.stderr), repr(result.stderr)
    if result.exit_code == 2 and lines and lines[-1].endswith("in the fact files"):
        assert all(line.startswith(tuple(f"{path}:" for path in paths)) for line in lines[:-1]), lines


@FAST
@given(fact_text)
def test_any_fact_file_is_read_or_refused_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    checked = invoke(["--no-builtin", "validate", str(BASE), str(path)])
    assert checked.exit_code in (0, 2)
    assert_problems_are_one_line_each(checked, BASE, path)
    answer = invoke(["--no-builtin", "--data", str(BASE), "--data", str(path), "timeline", "--json"])
    assert answer.exit_code == (2 if checked.exit_code == 2 else 0), answer.output
    if answer.exit_code == 0:
        strict_json(answer.stdout)
    else:
        assert answer.stdout == ""


@settings(FAST, max_examples=30 * SCALE)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_cleanly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "random.yaml"
    path.write_bytes(content)
    result = invoke(["--no-builtin", "validate", str(BASE), str(path)])
    assert_problems_are_one_line_each(result, BASE, path)


def yaml_quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar that every YAML reader gives back exactly."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


summary_text = st.one_of(
    hostile_text,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(SPECIAL_WORDS),
).filter(lambda text: text.strip() != "")


@settings(FAST, max_examples=60 * SCALE)
@given(summary_text)
def test_any_text_comes_out_exactly_as_written(tmp_path: Path, summary: str) -> None:
    path = tmp_path / "event.yaml"
    path.write_text(
        "events:\n  - id: ev-random\n    date: '2002'\n    category: visit\n"
        f"    summary: {yaml_quoted(summary)}\n    sources: [{{source: src-a, section: body}}]\n",
        encoding="utf-8",
    )
    data = ["--no-builtin", "--data", str(BASE), "--data", str(path)]
    answer = invoke([*data, "timeline", "--since", "2002", "--until", "2002", "--json"])
    assert answer.exit_code == 0, answer.output
    (event,) = strict_json(answer.stdout)["results"]  # type: ignore[index]
    assert event["summary"] == summary
    assert not RAW_CONTROL.search(answer.stdout.replace("\n", ""))
    table = invoke([*data, "timeline", "--since", "2002", "--until", "2002"])
    assert table.exit_code == 0
    assert not RAW_CONTROL.search(table.stdout.replace("\n", "")), repr(table.stdout)
