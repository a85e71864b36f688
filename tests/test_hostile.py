"""Hostile input and faults (issue 5): no traceback, no hang, no code run, no data lost.

One test per case of the issue, each run end to end through the command line: the exit code,
the one line on stderr that names the file (and line:column where there is one), and no
traceback. Cases that depend on the real process (a crash of the C loader, memory, signals,
pipes, the output encoding) run `python -m dprkrel` in a subprocess; the others use the
CliRunner. Small hostile files are in tests/hostile/ and tests/data/bad/; large ones are
generated here, in a temporary directory.

The cache cases of the issue (an unwritable cache directory, a damaged cache file, a cache of
another version, many processes on a cold cache) are tested with the cache itself.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli import process
from dprkrel.cli.app import app
from dprkrel.core.files import MAX_FILE_BYTES
from dprkrel.core.loader import MAX_DEPTH, MAX_VALUES
from dprkrel.output.text import cell_width

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
BASE = DATA / "base.yaml"
BAD = DATA / "bad"
HOSTILE = TESTS / "hostile"

runner = CliRunner()

# What must never reach stdout or stderr raw: C0 controls (but tab and line feed), DEL, C1
# controls, bidi controls, and the Unicode line and paragraph separators.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# The summary line that follows the problems of a DataError.
SUMMARY = re.compile(r"dprkrel: \d+ problems? in the fact files")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _own_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled fact bases go to a directory of the test run, not the user's cache; and no
    setting of the developer's terminal leaks into the tests."""
    monkeypatch.setenv("DPRKREL_CACHE_DIR", str(cache_dir))
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "PYTHONIOENCODING", process.DEBUG_ENV):
        monkeypatch.delenv(name, raising=False)


# -- running dprkrel -----------------------------------------------------------------------


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run dprkrel in this process, through Typer's CliRunner."""
    result = runner.invoke(app, [str(arg) for arg in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def process_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DPRKREL_DATA", "PYTHONIOENCODING"}}
    env.update(extra)
    return env


def run(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m dprkrel` (the console script's `main`) as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "dprkrel", *(str(arg) for arg in args)],
        env=env or process_env(),
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def run_code(
    code: str, *, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run Python `code` (which ends by calling dprkrel's `main`) as a real process."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env or process_env(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )


# A child that runs dprkrel and reports its peak memory: RUSAGE_CHILDREN of this wrapper
# covers dprkrel alone, not the other tests' subprocesses.
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
print(json.dumps({
    "returncode": done.returncode,
    "stdout": done.stdout.decode("utf-8", "replace"),
    "stderr": done.stderr.decode("utf-8", "replace"),
    "max_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def measured(*args: str | Path, timeout: float = 120) -> dict[str, object]:
    """Run dprkrel in a subprocess; its exit code, output and peak memory. `timeout` only
    stops a hang: how fast a command runs is for bench/run.py to say, not the tests."""
    pytest.importorskip("resource")
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "dprkrel", *(str(arg) for arg in args)],
        env=process_env(),
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    report: dict[str, object] = json.loads(done.stdout)
    if sys.platform == "darwin":  # ru_maxrss is in bytes there
        report["max_rss_kib"] = int(str(report["max_rss_kib"])) // 1024
    return report


def stderr_of(result: Result | subprocess.CompletedProcess[bytes]) -> str:
    if isinstance(result, Result):
        return result.stderr
    return result.stderr.decode("utf-8", "replace")


def exit_code(result: Result | subprocess.CompletedProcess[bytes]) -> int:
    return result.exit_code if isinstance(result, Result) else result.returncode


def assert_clean(result: Result | subprocess.CompletedProcess[bytes]) -> None:
    """No traceback, no Python warning about an exception at exit, no raw control character."""
    err = stderr_of(result)
    out = result.stdout if isinstance(result, Result) else result.stdout.decode("utf-8", "replace")
    for text in (out, err):
        assert "Traceback" not in text
        assert "Exception ignored" not in text
    assert not RAW_CONTROL.search(err), f"raw control character on stderr: {err!r}"


def assert_refused(
    result: Result | subprocess.CompletedProcess[bytes],
    path: Path | str,
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
) -> list[str]:
    """Exit 2, nothing on stdout, and a problem line for `path` (at line:column) with `message`.

    Returns the problem lines of stderr (every line but the summary).
    """
    assert_clean(result)
    lines = stderr_of(result).splitlines()
    assert exit_code(result) == 2, lines
    assert not (result.stdout if isinstance(result, Result) else result.stdout.strip())
    assert lines and SUMMARY.fullmatch(lines[-1]), lines
    place = str(path)
    if line is not None:
        place += f":{line}"
        if column is not None:
            place += f":{column}"
    wanted = [text for text in lines[:-1] if text.startswith(place + ":") and message in text]
    assert wanted, f"no line for {place} with {message!r} in:\n" + "\n".join(lines)
    return lines[:-1]


def marker(path: Path, name: str) -> int:
    """The line of `path` whose comment holds `<name>`."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    hits = [number for number, text in enumerate(lines, 1) if re.search(r"#.*<" + re.escape(name) + ">", text)]
    assert len(hits) == 1, (path, name)
    return hits[0]


def validate(*paths: Path) -> Result:
    """`dprkrel --no-builtin validate tests/data/base.yaml PATHS` (base.yaml gives ids to refer to)."""
    return invoke("--no-builtin", "validate", BASE, *paths)


# -- fact files: code, aliases, nesting ------------------------------------------------------


def test_python_object_tags_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    path = HOSTILE / "code_tags.yaml"
    result = run("--no-builtin", "validate", BASE, path, cwd=tmp_path)
    problems = assert_refused(result, path, "the tag !!python/object/apply:os.system is not allowed")
    for name in ("apply", "new", "name", "module", "object"):
        line = marker(path, name)
        assert any(text.startswith(f"{path}:{line}:14: ") and "the tag !!python/" in text for text in problems)
    assert len(problems) == 5
    assert list(tmp_path.iterdir()) == [], "a tag ran code"


def test_every_other_non_standard_tag_is_refused() -> None:
    path = HOSTILE / "other_tags.yaml"
    result = validate(path)
    expected = {
        "binary": "!!binary",
        "set": "!!set",
        "omap": "!!omap",
        "local": "!custom",
        "verbatim": "tag:example.org,2024:thing",
        "directive": "!!python/object/apply:os.system",
    }
    problems = assert_refused(result, path, "is not allowed in fact files")
    assert len(problems) == len(expected)
    for name, tag in expected.items():
        line = marker(path, name)
        assert any(text.startswith(f"{path}:{line}:") and f"the tag {tag} is not allowed" in text for text in problems)


def billion_laughs(levels: int, width: int) -> str:
    """`levels` lines of `width` aliases each to the line before: width**levels values."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def bomb_in_a_record(levels: int) -> str:
    """A record whose `details` is the last level of a doubling bomb (2**levels values)."""
    head = "events:\n  - id: bomb\n    date: '2001'\n    category: visit\n    summary: S.\n"
    head += "    sources: [{source: src-a, section: body}]\n"
    anchors = "    note: &b0 [x, x]\n" + "".join(f"    n{i}: &b{i} [*b{i - 1}, *b{i - 1}]\n" for i in range(1, levels))
    return head + anchors + f"    details: [*b{levels - 1}, *b{levels - 1}]\n"


@pytest.mark.parametrize(
    "name",
    ["committed", "forty_doublings", "in_a_record"],
)
def test_alias_bombs_are_refused_in_bounded_memory(tmp_path: Path, name: str) -> None:
    if name == "committed":
        path = HOSTILE / "laughs.yaml"  # 9**9 values from 401 bytes
        assert path.stat().st_size < 500
    else:
        path = tmp_path / f"{name}.yaml"
        text = billion_laughs(40, 2) if name == "forty_doublings" else bomb_in_a_record(40)
        path.write_text(text, encoding="utf-8")
    report = measured("--no-builtin", "validate", BASE, path)
    assert report["returncode"] == 2
    assert "Traceback" not in str(report["stderr"])
    assert re.search(
        re.escape(str(path)) + r":\d+:\d+: (\[\S+\] )?aliases \(\*\w+\) are not allowed", str(report["stderr"])
    )
    # The interpreter with typer and rich takes some 30-40 MiB; expanded, the bomb would take GiBs.
    assert int(str(report["max_rss_kib"])) < 200 * 1024, report["max_rss_kib"]


def test_a_file_of_many_aliases_is_refused_in_a_few_lines(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a x\nb: [" + "*a," * 100_000 + "*a]\n", encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) < 1000


def test_self_referencing_aliases_are_refused() -> None:
    path = HOSTILE / "self_alias.yaml"
    result = validate(path)
    assert_refused(result, path, "aliases (*x) are not allowed", line=marker(path, "top"), column=11)
    assert_refused(result, path, "[self-event] aliases (*d) are not allowed", line=marker(path, "record"), column=18)


def nested(kind: str, levels: int) -> str:
    """A fact file whose `events` nests `levels` lists or mappings deep."""
    match kind:
        case "flow_lists":
            return "events: " + "[" * levels + "]" * levels + "\n"
        case "flow_mappings":
            return "events: " + "{a: " * levels + "x" + "}" * levels + "\n"
        case "block_mappings":
            return "events:\n" + "".join(" " * depth + "a:\n" for depth in range(1, levels)) + " " * levels + "x\n"
        case "block_dashes":
            return "events:\n" + "- " * levels + "x\n"
        case "unclosed":
            return "events: " + "[" * levels + "\n"
    raise AssertionError(kind)


NESTINGS = ["flow_lists", "flow_mappings", "block_mappings", "block_dashes", "unclosed"]


@pytest.mark.parametrize("kind", NESTINGS)
def test_nesting_thousands_deep_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(nested(kind, 3000), encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    assert_refused(result, path, f"lists and mappings are nested more than {MAX_DEPTH} levels deep")
    assert len(stderr_of(result).splitlines()) == 2


@pytest.mark.parametrize("kind", ["flow_lists", "flow_mappings", "block_dashes"])
def test_nesting_30000_deep_exits_2_instead_of_crashing(tmp_path: Path, kind: str) -> None:
    # libyaml's composer recurses once per level: at 30,000 it overflows the C stack and the
    # interpreter dies of SIGSEGV (exit -11) unless the file is refused before composing.
    path = tmp_path / f"{kind}.yaml"
    path.write_text(nested(kind, 30_000), encoding="utf-8")
    result = run("--no-builtin", "validate", path)
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    # The top-level mapping is the first level: the 64th bracket or dash is one too many.
    line, column = {"flow_lists": (1, 9 + MAX_DEPTH - 1), "flow_mappings": (1, 9 + 4 * (MAX_DEPTH - 1))}.get(
        kind, (2, 2 * MAX_DEPTH - 1)
    )
    assert_refused(result, path, "nested more than 64 levels deep", line=line, column=column)


def test_deep_nesting_is_refused_by_the_pure_python_loader_too(tmp_path: Path) -> None:
    # Without libyaml, PyYAML's own composer would raise RecursionError below 500 levels.
    path = tmp_path / "deep.yaml"
    path.write_text(nested("flow_lists", 3000), encoding="utf-8")
    result = run_code(
        f"""
        import sys, yaml
        del yaml.CSafeLoader  # as if PyYAML were built without libyaml
        sys.argv = ["dprkrel", "--no-builtin", "validate", {str(path)!r}]
        from dprkrel.cli import app, process
        process.run(lambda: app.app(prog_name='dprkrel'))
        """
    )
    assert_refused(result, path, "nested more than 64 levels deep", line=1, column=9 + MAX_DEPTH - 1)


def test_deep_flow_nesting_is_found_past_quoted_brackets_and_comments(tmp_path: Path) -> None:
    # Each level holds a quoted closing bracket and a comment with one: neither closes a level.
    path = tmp_path / "hidden.yaml"
    path.write_text("events:\n  - " + '[ "]", # ]\n' * 2000 + "\n", encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    # The top-level mapping and the block list are two levels: the 63rd bracket, on line 64,
    # is too deep.
    assert_refused(result, path, f"nested more than {MAX_DEPTH} levels deep", line=MAX_DEPTH, column=1)


def test_deep_flow_nesting_below_block_levels_is_placed_at_the_first_level_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    blocks = "".join(" " * depth + "a:\n" for depth in range(1, 10))
    path.write_text("events:\n" + blocks + " " * 10 + "b: " + "[" * 1500 + "\n", encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    # Eleven mappings (the top-level one included), then brackets: the 54th is level 65.
    assert_refused(result, path, "nested more than 64 levels deep", line=11, column=14 + MAX_DEPTH - 11)


def test_brackets_in_text_are_not_nesting(tmp_path: Path) -> None:
    # Brackets inside quoted, plain and block scalars are text, however many.
    path = tmp_path / "brackets.yaml"
    brackets = "[" * 2000
    path.write_text(
        f"schema_version: 1\nsources:\n  - id: s\n    title: '{brackets}'\n    note: x{brackets}\n"
        f"    publisher: |\n      {brackets}\n    url: x\n",
        encoding="utf-8",
    )
    result = invoke("--no-builtin", "validate", path)
    lines = stderr_of(result).splitlines()
    assert exit_code(result) == 2
    assert not any("nested" in line for line in lines), lines
    assert not any("not valid YAML" in line for line in lines), lines


def test_nesting_at_the_limit_is_read(tmp_path: Path) -> None:
    # 64 levels, the top-level mapping included, are read: the schema refuses the shape.
    path = tmp_path / "deep.yaml"
    path.write_text("events: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    assert_refused(result, path, "a record of 'events' must be a mapping", line=1, column=10)


def test_more_values_than_the_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("events: [" + "x," * MAX_VALUES + "x]\n", encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    assert_refused(result, path, f"holds more than {MAX_VALUES:,} values", line=1)


# -- fact files: keys, ids, values -----------------------------------------------------------


def test_duplicate_keys_are_refused_at_every_level() -> None:
    path = BAD / "duplicate_keys.yaml"
    result = validate(path)
    problems = assert_refused(result, path, "duplicate key 'schema_version'", line=marker(path, "top"))
    for name, key in (("record", "name"), ("names", "en"), ("citation", "section")):
        assert_refused(result, path, f"duplicate key '{key}'", line=marker(path, name))
    assert len(problems) == 4


def test_duplicate_ids_within_a_file_are_refused() -> None:
    path = BAD / "duplicate_ids.yaml"
    first, second = marker(path, "first"), marker(path, "second")
    result = validate(path)
    assert_refused(result, path, f"duplicate id 'di-statement', first defined at {path}:{first}:5", line=second)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    clash = BAD / "clash.yaml"
    assert_refused(
        validate(clash), clash, f"duplicate id 'land-a', first defined at {BASE}:", line=marker(clash, "clash")
    )
    # A user's file that reuses an id of the shipped base, given with --data and DPRKREL_DATA.
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "entities:\n  - id: esp\n    entity_kind: country\n    name: Spain again\n"
        "    sources: [{source: wikipedia-prk-esp, section: lead}]\n",
        encoding="utf-8",
    )
    for result in (invoke("--data", mine, "timeline"), invoke("timeline", env={"DPRKREL_DATA": str(mine)})):
        assert_refused(result, mine, "duplicate id 'esp', first defined at", line=2, column=5)


def test_yaml_11_coercions_are_refused_where_text_is_expected() -> None:
    path = BAD / "coerced.yaml"
    result = validate(path)
    expected = {
        "no": "'NO' would be read as a boolean",
        "yes": "'yes' would be read as a boolean",
        "on-key": "the key 'on' would be read as a boolean",
        "sexagesimal": "'1:20' would be read as an integer",
        "octal": "'0755' would be read as an integer",
        "nan": "'.nan' would be read as a number",
        "bare-date": "'2013-10-01' would be read as a date object",
        "unquoted-date": 'must be a quoted date such as "2013-10"',
    }
    problems = assert_refused(result, path, "quote it")
    assert len(problems) == len(expected)
    for name, message in expected.items():
        assert_refused(result, path, message, line=marker(path, name))


def test_quoted_coercions_stay_the_text_written() -> None:
    path = HOSTILE / "hostile_text.yaml"
    result = invoke("--no-builtin", "--data", BASE, "--data", path, "show", "ht-entity", "--json")
    assert result.exit_code == 0, result.output
    entity = json.loads(result.stdout)["results"][0]["entity"]
    assert entity["name"] == "NO"
    assert entity["names"]["en"] == ".nan"
    assert entity["aliases"] == ["yes", "on", "~", "1:20", "0755", "2013-10-01"]
    assert entity["description"] == "2013-10-01"
    assert entity["sources"] == [{"source": "src-b", "section": "1:20"}]


def test_impossible_dates_are_refused() -> None:
    path = BAD / "bad_dates.yaml"
    result = validate(path)
    assert_refused(result, path, "'2023-02-30' is impossible: that month has 28 days", line=marker(path, "impossible"))
    assert_refused(result, path, "'2001-13-45' has no month 13", line=marker(path, "no-month-13"))
    for option in ("--since", "--until", "--as-of"):
        refused = invoke("timeline", option, "2023-02-30")
        assert refused.exit_code == 2
        assert refused.stderr == f"dprkrel: {option}: '2023-02-30' is impossible: that month has 28 days\n"


def test_numbers_too_long_to_convert_are_refused(tmp_path: Path) -> None:
    # Python will not turn a string of more than 4,300 digits into an int (ValueError).
    digits = "9" * 5000
    path = tmp_path / "long.yaml"
    path.write_text(
        f"schema_version: {digits}\n"
        "aid:\n  - id: aid-long\n    donor: land-a\n    recipient: land-b\n    summary: S.\n"
        f"    amount: {digits}\n    sources: [{{source: src-a, section: body}}]\n"
        f'events:\n  - id: ev-long\n    date: "{digits}"\n    category: visit\n    summary: S.\n'
        "    sources: [{source: src-a, section: body}]\n",
        encoding="utf-8",
    )
    result = validate(path)
    assert_refused(result, path, "'schema_version' has too many digits", line=1, column=17)
    assert_refused(result, path, "[aid-long] 'amount' has too many digits", line=7, column=13)
    assert_refused(result, path, "[ev-long] 'date': ", line=11, column=11)
    refused = invoke("timeline", "--since", digits)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("dprkrel: --since: ")
    assert len(refused.stderr.splitlines()) == 1


# -- fact files: files that are not fact files -----------------------------------------------

WHOLE_FILE_CASES = {
    "empty": (None, "the file holds no facts"),
    "comments_only": (None, "the file holds no facts"),
    "scalar": ("scalar", "a fact file must be a mapping of keys to values, not the value"),
    "list": ("list", "a fact file must be a mapping of keys to values, not a list"),
    "multi_doc": ("second", "not valid YAML: expected a single document in the stream"),
    "not_utf8": ("bad-byte", "is not UTF-8 text (byte 27)"),
}


@pytest.mark.parametrize("name", sorted(WHOLE_FILE_CASES))
def test_a_file_that_is_not_a_mapping_of_sections_is_refused(name: str) -> None:
    path = BAD / f"{name}.yaml"
    name_of_marker, message = WHOLE_FILE_CASES[name]
    result = validate(path)
    line = marker(path, name_of_marker) if name_of_marker else None
    problems = assert_refused(result, path, message, line=line)
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("content", "message", "place"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "holds a NUL byte: a binary file, not YAML text", "1:8"),
        (b"events:\n  - id: a\x00b\n", "holds a NUL byte: a binary file, not YAML text", "2:10"),
        ("events: []\n".encode("utf-16"), "is UTF-16 text; save it as UTF-8", None),
        (b"events:\n  - summary: \x1b[2Jred\n", "the character U+001B is not allowed in YAML text", "2:14"),
        ("a: \u0085ok \u009b\n".encode(), "the character U+009B is not allowed in YAML text", "1:8"),
        (b"\xef\xbb\xbf\xff\xfe", "is not UTF-8 text (byte 3)", "1:4"),
    ],
    ids=["binary", "nul-in-text", "utf-16", "escape-character", "c1-control", "bad-byte-after-bom"],
)
def test_binary_and_control_characters_are_refused_at_their_place(
    tmp_path: Path, content: bytes, message: str, place: str | None
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    result = invoke("--no-builtin", "validate", path)
    line, column = (int(part) for part in place.split(":")) if place else (None, None)
    problems = assert_refused(result, path, message, line=line, column=column)
    assert len(problems) == 1


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert_refused(invoke("--no-builtin", "validate", tmp_path), tmp_path, "is a directory, not a fact file")


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    assert_refused(invoke("--data", missing, "timeline"), missing, "no such file")
    assert_refused(invoke("timeline", env={"DPRKREL_DATA": str(missing)}), missing, "no such file")
    assert_refused(invoke("--no-builtin", "validate", missing), missing, "no such file")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_an_unreadable_file_is_refused() -> None:
    """chmod 000 stops anyone but root. Run as root (in a container, say), the child reads the
    files as the user 'nobody', so that the kernel itself refuses: its effective user id is
    switched around each read, and everything else runs as root. A readable file beside the
    unreadable one shows that the folder itself can be reached."""
    folder = Path(tempfile.mkdtemp(prefix="dprkrel-unreadable-"))
    try:
        folder.chmod(0o755)
        readable, secret = folder / "readable.yaml", folder / "secret.yaml"
        for path in (readable, secret):
            path.write_text("events: []\n", encoding="utf-8")
        readable.chmod(0o644)
        secret.chmod(0)
        switch = ""
        if os.geteuid() == 0:
            switch = """
                import dprkrel.core.reading as loader
                original = loader.read_bytes
                def read_as_nobody(path):
                    os.setegid(65534)
                    os.seteuid(65534)
                    try:
                        return original(path)
                    finally:
                        os.seteuid(0)
                        os.setegid(0)
                loader.read_bytes = read_as_nobody
            """
        result = run_code(
            f"""
            import os, sys
            {textwrap.indent(textwrap.dedent(switch), " " * 12).strip()}
            sys.argv = ["dprkrel", "--no-builtin", "validate", {str(readable)!r}, {str(secret)!r}]
            from dprkrel.cli import app, process
            process.run(lambda: app.app(prog_name='dprkrel'))
            """
        )
        problems = assert_refused(result, secret, "cannot be read: Permission denied")
        assert problems == [f"{secret}: cannot be read: Permission denied"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_file_over_64_mib_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: a GiB that takes no room on disk
        handle.truncate(1 << 30)
    report = measured("--no-builtin", "validate", path)
    assert report["returncode"] == 2
    assert str(report["stderr"]).splitlines()[0] == f"{path}: is larger than 64 MiB, the most a fact file may hold"
    assert int(str(report["max_rss_kib"])) < 150 * 1024, "the file was read"


def test_a_file_of_exactly_64_mib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # a comment, then NULs: read, then refused as binary
        handle.write(b"# " + b"x" * 100 + b"\n")
        handle.truncate(MAX_FILE_BYTES)
    result = invoke("--no-builtin", "validate", path)
    assert_refused(result, path, "holds a NUL byte", line=2, column=1)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_stream_is_cut_off_at_64_mib() -> None:
    report = measured("--no-builtin", "validate", "/dev/zero")
    assert report["returncode"] == 2
    assert str(report["stderr"]).splitlines()[0] == "/dev/zero: is larger than 64 MiB, the most a fact file may hold"
    assert int(str(report["max_rss_kib"])) < 400 * 1024


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_nobody_writes_to_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    result = run("--no-builtin", "validate", fifo, timeout=30)
    assert_refused(result, fifo, "the file holds no facts")


def test_a_fact_file_given_through_a_pipe_is_read(tmp_path: Path) -> None:
    # The O_NONBLOCK open that keeps a named pipe from hanging must not break real streams.
    result = subprocess.run(
        [sys.executable, "-m", "dprkrel", "--no-builtin", "validate", "/dev/stdin"],
        input=BASE.read_bytes(),
        env=process_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 and b"/dev/stdin: no such file" in result.stderr:
        pytest.skip("no /dev/stdin here")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"valid: 2 sources")


def test_problem_lines_never_carry_raw_control_characters(tmp_path: Path) -> None:
    # Double-quoted YAML may spell any character as an escape: here in a key, which the
    # problem quotes, and in a file name.
    path = tmp_path / "odd\x1b[2Jname\u202e.yaml"
    path.write_text('events:\n  - "\\e[31mkey\\u202e": x\n', encoding="utf-8")
    result = invoke("--no-builtin", "validate", path)
    assert_clean(result)
    assert result.exit_code == 2
    assert "odd\\x1b[2Jname\\u202e.yaml:2:5: " in result.stderr
    assert "\\x1b[31mkey\\u202e" in result.stderr


# -- text from data, on the way out ----------------------------------------------------------

HOSTILE_DATA = ("--no-builtin", "--data", BASE, "--data", HOSTILE / "hostile_text.yaml")
MARKUP_SUMMARY = "[bold]x [/] a[b]c [link=https://example.org]x[/link] 1:cd:2 :smile: [red]"
CONTROL_SUMMARY = (
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b2J \u202eevil\u202c"
    " \u2066iso\u2069 bell\x07 cr\rend \u2028sep"
)


def test_markup_and_emoji_codes_are_printed_literally() -> None:
    result = invoke(*HOSTILE_DATA, "timeline", "--since", "2002", "--until", "2002", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert MARKUP_SUMMARY in result.stdout
    shown = invoke(*HOSTILE_DATA, "show", "ht-entity", env={"COLUMNS": "200"})
    assert "조선 [bold]사람[/bold]" in shown.stdout
    assert "😄" not in result.stdout + shown.stdout


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}, {"COLUMNS": "20"}], ids=["plain", "colour", "narrow"])
def test_control_sequences_never_reach_the_terminal_raw(env: dict[str, str]) -> None:
    for args in (("timeline",), ("show", "ht-entity"), ("search", "evil"), ("timeline", "--chart")):
        result = invoke(*HOSTILE_DATA, *args, env=env)
        assert result.exit_code == 0, result.output
        # Colour (with FORCE_COLOR) is rich's own SGR sequences; nothing else may be raw.
        without_colour = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        assert not RAW_CONTROL.search(without_colour), repr(without_colour)
    wide = invoke(*HOSTILE_DATA, "timeline", "--since", "2003", "--until", "2003", env={"COLUMNS": "300"})
    assert "\\x1b[31mred\\x1b[0m \\x1b]8;;https://evil.example\\x1b\\link" in wide.stdout
    assert "\\x9b2J \\u202eevil\\u202c \\u2066iso\\u2069 bell\\x07 cr\\x0dend \\u2028sep" in wide.stdout


def test_json_carries_control_characters_as_escapes_and_round_trips() -> None:
    result = invoke(*HOSTILE_DATA, "timeline", "--json")
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout.replace("\n", ""))
    summaries = {event["id"]: event for event in json.loads(result.stdout)["results"]}
    assert summaries["ht-markup"]["summary"] == MARKUP_SUMMARY
    assert summaries["ht-controls"]["summary"] == CONTROL_SUMMARY
    assert summaries["ht-controls"]["details"] == ["\x1b[2J\x1b[H cleared", "tab\there"]


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_and_the_same_at_any_width_and_colour() -> None:
    outputs = set()
    for env in ({}, {"COLUMNS": "20"}, {"COLUMNS": "1000"}, {"FORCE_COLOR": "1"}, {"TERM": "dumb", "FORCE_COLOR": "1"}):
        result = invoke(*HOSTILE_DATA, "timeline", "--json", env=env)
        assert result.exit_code == 0
        assert "\x1b[" not in result.stdout
        strict_json(result.stdout)
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_json_through_a_pipe_is_valid() -> None:
    result = run("show", "Cao de Benós", "--json")
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    payload = strict_json(result.stdout.decode("utf-8"))
    assert isinstance(payload, dict)
    assert payload["results"][0]["entity"]["names"]["ko"] == "조선일"


# -- the terminal and the process --------------------------------------------------------------


def test_output_cut_short_by_a_closed_pipe_is_quiet() -> None:
    for args in (("timeline",), ("timeline", "--json"), ("embassy", "--format", "csv"), ("sources",)):
        child = subprocess.Popen(
            [sys.executable, "-m", "dprkrel", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=process_env(),
        )
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # the reader is gone before the first write
        err = child.stderr.read()
        child.wait(timeout=60)
        assert err == b"", err.decode("utf-8", "replace")
        expected = -signal.SIGPIPE if hasattr(signal, "SIGPIPE") else process.EXIT_BROKEN_PIPE
        assert child.returncode == expected


@pytest.mark.skipif(not shutil.which("sh") or not shutil.which("head"), reason="needs sh and head")
def test_piping_into_head_is_quiet(tmp_path: Path) -> None:
    # Enough output to fill the pipe, so that dprkrel is still writing when head exits.
    events = "".join(
        f"  - id: ev-{n}\n    date: '2001'\n    category: visit\n    summary: Visit number {n} {'x' * 80}.\n"
        "    sources: [{source: src-a, section: body}]\n"
        for n in range(1500)
    )
    many = tmp_path / "many.yaml"
    many.write_text("events:\n" + events, encoding="utf-8")
    command = f"{sys.executable} -m dprkrel --no-builtin --data {BASE} --data {many} timeline | head -1"
    result = subprocess.run(
        ["sh", "-c", command], env=process_env(), capture_output=True, timeout=120, check=False, cwd=tmp_path
    )
    assert result.returncode == 0
    assert result.stdout == b"Timeline\n"
    assert result.stderr == b""


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    # A real SIGINT, delivered while a command is working and while the app is starting.
    interrupt = "lambda *args, **kwargs: (os.kill(os.getpid(), signal.SIGINT), time.sleep(30))"
    for patch in (
        f"import dprkrel.core.queries as q; q.timeline = {interrupt}",  # inside a command
        f"import dprkrel.cli.app as c; c.app = {interrupt}",  # outside Typer's own handling
    ):
        result = run_code(
            f"""
            import os, signal, sys, time
            {patch}
            sys.argv = ["dprkrel", "timeline"]
            from dprkrel.cli import app, process
            process.run(lambda: app.app(prog_name='dprkrel'))
            """
        )
        assert result.returncode == process.EXIT_INTERRUPTED == 130
        assert_clean(result)
        assert result.stderr == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_one_line() -> None:
    with Path("/dev/full").open("wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "dprkrel", "timeline"],
            stdout=full,
            stderr=subprocess.PIPE,
            env=process_env(),
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == b"dprkrel: write error: No space left on device\n"


COLOUR_ENVS = [
    {"NO_COLOR": "1"},
    {"NO_COLOR": ""},
    {"FORCE_COLOR": "1"},
    {"FORCE_COLOR": "0"},
    {"FORCE_COLOR": "anything"},
    {"FORCE_COLOR": ""},
    {"TERM": "dumb"},
    {"TERM": "dumb", "FORCE_COLOR": "1"},
    {"NO_COLOR": "1", "FORCE_COLOR": "1"},
    {"COLUMNS": "20"},
    {"COLUMNS": "1"},
    {"COLUMNS": "0"},
    {"COLUMNS": "-5"},
    {"COLUMNS": "wide"},
]


@pytest.mark.parametrize("env", COLOUR_ENVS, ids=lambda env: ",".join(f"{k}={v}" for k, v in env.items()))
def test_colour_and_width_settings_degrade_gracefully(env: dict[str, str]) -> None:
    for args in (("embassy", "madrid", "--as-of", "2015"), ("timeline", "spain", "--chart"), ("show", "조선")):
        table = invoke(*args, env=env)
        args = tuple(arg for arg in args if arg != "--chart")  # a chart is drawn only in a table
        assert table.exit_code == 0, table.output
        assert table.stdout.strip()
        coloured = "\x1b[" in table.stdout
        assert coloured == bool(env.get("FORCE_COLOR") and not env.get("NO_COLOR")), env
        if env.get("COLUMNS") == "20":
            plain = re.sub(r"\x1b\[[0-9;]*m", "", table.stdout)
            assert all(cell_width(line) <= 20 for line in plain.splitlines())
        answer = invoke(*args, "--json", env=env)
        assert answer.exit_code == 0
        assert "\x1b" not in answer.stdout
        strict_json(answer.stdout)


def test_colour_settings_in_a_real_process() -> None:
    env = process_env(TERM="dumb", NO_COLOR="1", COLUMNS="20")
    result = run("embassy", "madrid", "--as-of", "2015", env=env)
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout
    assert all(cell_width(line) <= 20 for line in result.stdout.decode().splitlines())
    result = run("embassy", "madrid", "--json", env=process_env(FORCE_COLOR="1"))
    assert b"\x1b" not in result.stdout
    strict_json(result.stdout.decode())


def ascii_env() -> dict[str, str]:
    return process_env(PYTHONIOENCODING="ascii")


def test_an_ascii_output_shows_plain_tables_with_ascii_punctuation() -> None:
    result = run("embassy", "madrid", "--as-of", "2015", env=ascii_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    text = result.stdout.decode("ascii")
    assert "Mission (from" in text
    assert "North Korea ->" in text
    assert result.stderr == b""


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_an_ascii_output_refuses_korean_cleanly(fmt: str) -> None:
    result = run("show", "cao de benos", "--format", fmt, env=ascii_env())
    assert result.returncode == 2
    assert result.stdout == b"", "nothing is half written"
    assert_clean(result)
    assert result.stderr.decode().splitlines() == [
        "dprkrel: the output's encoding (ascii) cannot show '\\xf3' (U+00F3); use --json, or a UTF-8 locale"
        " (PYTHONIOENCODING=utf-8)"
    ]


def test_json_to_an_ascii_output_is_escaped_and_equal() -> None:
    escaped = run("show", "cao de benos", "--json", env=ascii_env())
    plain = run("show", "cao de benos", "--json")
    assert escaped.returncode == plain.returncode == 0
    assert escaped.stdout.isascii()
    assert b"\\uc870\\uc120\\uc77c" in escaped.stdout  # 조선일
    assert strict_json(escaped.stdout.decode("ascii")) == strict_json(plain.stdout.decode("utf-8"))
    # A query with no match still prints its JSON envelope, with the suggestions in it.
    nothing = run("show", "atlantis", "--json", env=ascii_env())
    assert nothing.returncode == 1
    assert strict_json(nothing.stdout.decode("ascii"))


QUERIES = {
    "empty": "",
    "blank": " \t ",
    "punctuation": "?!.,;:'\"()[]{}-",
    "one character": "x",
    "one Korean letter": "ㄱ",
    "10,000 characters": "spain " * 1666 + "spai",
    "10,000 Korean": "조선" * 5000,
    "markup": "[bold]",
    "control": "\x1b[2J\u202e",
}


@pytest.mark.parametrize("command", ["timeline", "embassy", "advisory", "show", "search"])
@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_odd_queries_get_a_clear_answer(command: str, query: str) -> None:
    result = invoke(command, "--", query)
    if not query.strip():
        # An empty subject or query is a usage error, with a hint of what to give.
        assert result.exit_code == 2, result.output
        assert len(result.stderr.splitlines()) == 1
        return
    assert result.exit_code in (0, 1), result.output
    if query != QUERIES["control"]:  # see test_a_query_echoed_on_stderr_is_made_visible
        assert_clean(result)
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("dprkrel: ")
    else:
        assert result.stdout.strip()


def test_a_query_echoed_on_stderr_is_made_visible() -> None:
    result = invoke("search", "--", "\x1b[2J\u202e")
    assert result.exit_code == 1
    assert_clean(result)


def test_a_huge_columns_does_not_make_a_huge_chart() -> None:
    result = invoke("timeline", "spain", "--chart", env={"COLUMNS": "10000000"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 1000


def test_an_internal_error_shows_no_local_variables() -> None:
    assert app.pretty_exceptions_show_locals is False  # typer's default is True
    code = """
        import sys
        import dprkrel.core.queries as q
        def broken(*args, **kwargs):
            secret = "hunter2-from-a-fact-file"
            raise KeyError("boom")
        q.timeline = broken
        sys.argv = ["dprkrel", "timeline"]
        from dprkrel.cli import app, process
        process.run(lambda: app.app(prog_name='dprkrel'))
        """
    result = run_code(code)
    assert result.returncode == process.EXIT_INTERNAL
    assert_clean(result)
    assert result.stderr.decode().splitlines() == [
        "dprkrel: internal error (KeyError: 'boom'); this is a bug in dprkrel."
        f" Set {process.DEBUG_ENV}=1 to see where it happened."
    ]
    debug = run_code(code, env=process_env(**{process.DEBUG_ENV: "1"}))
    assert debug.returncode == process.EXIT_INTERNAL
    assert b"Traceback" in debug.stderr
    assert b"hunter2" not in debug.stderr


# -- process.run, for the paths a POSIX process does not take ---------------------------------


@pytest.fixture
def no_sigpipe_change(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """process.run without touching this process's SIGPIPE or stdout, and ending with
    SystemExit instead of ending the process."""
    silenced: list[bool] = []

    def end(code: int) -> NoReturn:
        raise SystemExit(code)

    monkeypatch.setattr(process, "_die_quietly_on_sigpipe", lambda: None)
    monkeypatch.setattr(process, "_guard_standard_streams", lambda: None)
    monkeypatch.setattr(process, "_silence_stdout", lambda: silenced.append(True))
    monkeypatch.setattr(process, "_end_process", end)
    yield silenced


def ended(entry: object) -> int | str | None:
    with pytest.raises(SystemExit) as caught:
        process.run(entry)  # type: ignore[arg-type]
    return caught.value.code


def raising(error: BaseException) -> object:
    def entry() -> None:
        raise error

    return entry


def test_run_ends_a_broken_pipe_quietly(no_sigpipe_change: list[bool], capsys: pytest.CaptureFixture[str]) -> None:
    assert ended(raising(BrokenPipeError(errno.EPIPE, "Broken pipe"))) == process.EXIT_BROKEN_PIPE
    assert no_sigpipe_change == [True]
    assert capsys.readouterr().err == ""


def test_run_ends_an_interrupt_with_130(no_sigpipe_change: list[bool], capsys: pytest.CaptureFixture[str]) -> None:
    assert ended(raising(KeyboardInterrupt())) == 130
    assert capsys.readouterr().err == ""


def test_run_reports_a_failed_write_in_one_line(
    no_sigpipe_change: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    assert ended(raising(OSError(errno.EIO, "Input/output error"))) == 2
    assert capsys.readouterr().err == "dprkrel: write error: Input/output error\n"


def test_run_keeps_exit_codes(no_sigpipe_change: list[bool], capsys: pytest.CaptureFixture[str]) -> None:
    for code in (0, 1, 2):
        assert ended(raising(SystemExit(code))) == code
    assert ended(raising(SystemExit(None))) == 0
    assert ended(lambda: None) == 0
    assert ended(raising(SystemExit("bye\x1b[2J"))) == 1
    assert capsys.readouterr().err == "dprkrel: bye\\x1b[2J\n"


def test_run_reports_a_bug_without_its_locals(
    no_sigpipe_change: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    def entry() -> None:
        secret = "hunter2"
        raise ValueError(f"bad\nvalue {len(secret)}")

    assert ended(entry) == process.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "hunter2" not in err
    assert err.startswith("dprkrel: internal error (ValueError: bad value 7); this is a bug in dprkrel.")


def test_the_limits_are_far_above_what_the_shipped_base_needs(builtin_path: Path) -> None:
    import yaml

    text = builtin_path.read_text(encoding="utf-8")
    depth = deepest = values = 0
    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        values += isinstance(event, yaml.NodeEvent)
    assert deepest * 10 < MAX_DEPTH
    assert values * 100 < MAX_VALUES
    assert len(text.encode()) * 100 < MAX_FILE_BYTES
