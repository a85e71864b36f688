"""Validation that protects users (issue 13): names that hide characters, names taken from
another file's entity, and a mission that closes before it opens are all refused.

Run end to end through `dprkrel validate`, in the style of tests/test_hostile.py: exit 2,
nothing on stdout, one problem line at the file:line:column of the value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dprkrel.cli.app import app
from dprkrel.core.paths import builtin_fact_path

TESTS = Path(__file__).resolve().parent
BASE = TESTS / "data" / "base.yaml"
runner = CliRunner()


def validate(*args: str | Path) -> tuple[int, str, list[str]]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr.splitlines()


def yaml_quoted(value: str) -> str:
    """`value` as a double-quoted YAML scalar of ASCII only (\\uXXXX and \\UXXXXXXXX escapes)."""

    def escape(char: str) -> str:
        code = ord(char)
        if 0x20 <= code < 0x7F and char not in '"\\':
            return char
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return '"' + "".join(escape(char) for char in value) + '"'


def entity_file(tmp_path: Path, field: str, value: str, entity_id: str = "newcomer") -> Path:
    """A file with one entity whose `field` (name, alias, code, or the Korean name) is `value`,
    written as a double-quoted YAML escape so that the file itself stays plain ASCII."""
    escaped = yaml_quoted(value)
    lines = ["entities:", f"  - id: {entity_id}", "    entity_kind: country"]
    lines.append(f"    name: {escaped}" if field == "name" else "    name: Newcomer")
    if field == "names":
        lines += ["    names:", f"      ko: {escaped}"]
    if field == "aliases":
        lines.append(f"    aliases: [{escaped}]")
    if field == "codes":
        lines.append(f"    codes: [{escaped}]")
    lines += ["    sources:", "      - {source: src-a, section: intro}"]
    path = tmp_path / f"{entity_id}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


UNSEEN = {
    "bom": "\ufeffSpain",
    "zero-width-space": "Spa\u200bin",
    "zero-width-joiner": "Spa\u200din",
    "word-joiner": "Spain\u2060",
    "tag": "Spain\U000e0041",
    "bidi-override": "\u202eniapS",
    "bidi-isolate": "Spain\u2066",
    "soft-hyphen": "Spa\u00adin",
    "hangul-filler": "\u3164",
    "halfwidth-hangul-filler": "\uffa0 \uffa0",
    "braille-blank": "\u2800",
}


@pytest.mark.parametrize("field", ["name", "aliases", "codes", "names"])
@pytest.mark.parametrize("value", list(UNSEEN.values()), ids=list(UNSEEN))
def test_names_aliases_and_codes_that_hide_characters_are_refused(tmp_path: Path, field: str, value: str) -> None:
    path = entity_file(tmp_path, field, value)
    code, out, err = validate("--no-builtin", "validate", BASE, path)
    assert code == 2, err
    assert out == ""
    line = {"name": 4, "names": 6, "aliases": 5, "codes": 5}[field]
    hits = [text for text in err if text.startswith(f"{path}:{line}:") and "must show every character" in text]
    assert hits, err


def test_names_in_korean_and_with_accents_are_accepted(tmp_path: Path) -> None:
    path = entity_file(tmp_path, "names", "조선민주주의인민공화국")
    assert validate("--no-builtin", "validate", BASE, path)[0] == 0
    path = entity_file(tmp_path, "aliases", "Reino de España")
    assert validate("--no-builtin", "validate", BASE, path)[0] == 0


@pytest.mark.parametrize(
    ("field", "value"), [("name", "Spain"), ("codes", "ESP"), ("aliases", "españa"), ("codes", "es")]
)
def test_a_name_or_code_of_a_shipped_entity_is_refused_with_both_places(tmp_path: Path, field: str, value: str) -> None:
    path = entity_file(tmp_path, field, value)
    code, out, err = validate("validate", path)
    assert code == 2, err
    assert out == ""
    hits = [text for text in err if text.startswith(f"{path}:2:5: [newcomer]") and "of the entity 'esp'" in text]
    assert hits, err
    assert f"at {builtin_fact_path()}:" in hits[0]


def test_a_clash_between_two_user_files_names_the_first(tmp_path: Path) -> None:
    first = entity_file(tmp_path, "name", "Neverland", entity_id="first-land")
    second = entity_file(tmp_path, "aliases", "NEVER-LAND")
    code, _out, err = validate("--no-builtin", "validate", BASE, first, second)
    assert code == 2
    assert any(f"{second}:2:5:" in text and f"'first-land' ('Neverland', at {first}:2:5)" in text for text in err), err


def mission_file(tmp_path: Path, opened: str, closed: str) -> Path:
    path = tmp_path / "mission.yaml"
    path.write_text(
        "missions:\n  - id: ms-backwards\n    name: Backwards embassy\n    sending: land-a\n    host: land-b\n"
        f"    mission_kind: embassy\n    opened: {opened}\n    closed: {closed}\n"
        "    sources: [{source: src-a, section: body}]\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("opened", "closed", "refused"),
    [
        ('"2010"', '"2009"', True),
        ('"2010-05-02"', '"2010-05-01"', True),
        ('[{value: "2010", source: src-a, section: body}, {value: "2011", source: src-b, section: x}]', '"2005"', True),
        ('"2010"', '"2010"', False),
        ('"2010"', '"2010-01"', False),  # within the same year: it may be
        ('"2010-05"', '"2010"', False),
        # Disputed: one source has it open in 2001, before the closing.
        (
            '[{value: "2001", source: src-a, section: body}, {value: "2012", source: src-b, section: x}]',
            '"2005"',
            False,
        ),
    ],
)
def test_a_mission_that_closes_before_it_opens_is_refused(
    tmp_path: Path, opened: str, closed: str, refused: bool
) -> None:
    path = mission_file(tmp_path, opened, closed)
    code, out, err = validate("--no-builtin", "validate", BASE, path)
    if not refused:
        assert code == 0, err
        return
    assert code == 2, err
    assert out == ""
    assert any(text.startswith(f"{path}:8:13: [ms-backwards]") and "before 'opened'" in text for text in err), err
