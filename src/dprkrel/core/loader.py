"""Read fact files into typed records, checking them strictly; never prints.

YAML is composed into nodes (never constructed into Python objects, so no tag can run
code), and the nodes are checked against the schema by hand. That way every problem
carries its line and column, duplicate keys are seen instead of silently dropped, and a
value YAML would coerce (an unquoted NO, a bare date) is caught where text is expected.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dprkrel.core import model, schema
from dprkrel.core.dates import DateFormatError, PartialDate
from dprkrel.core.errors import DataError, Problem
from dprkrel.core.files import problem_order

if TYPE_CHECKING:
    from yaml.nodes import Node


YAML = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = YAML + "str", YAML + "seq", YAML + "map"
_SCALAR_TAGS = {YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
# No leading zeros: YAML 1.1 reads 0755 as octal, and the fact files never need them.
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
# An asterisk that could start an alias (*name); a cheap test before looking closer.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s,\[\]{}]", re.MULTILINE)
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
# What an unquoted scalar of each implicit type would silently become.
_COERCED_AS = {
    YAML + "bool": "a boolean",
    YAML + "int": "an integer",
    YAML + "float": "a number",
    YAML + "null": "null",
    YAML + "timestamp": "a date object",
    YAML + "merge": "a merge key",
    YAML + "value": "a value key",
}


@dataclass(frozen=True)
class Reference:
    """An id one record names, checked once every file is read."""

    target: str
    kinds: tuple[str, ...]
    origin: model.Origin
    record_id: str


@dataclass(frozen=True)
class CitedSection:
    """A section a citation names, checked against its source once every file is read."""

    source: str
    section: str
    origin: model.Origin
    record_id: str


@dataclass(frozen=True)
class Declaration:
    """A record id as written, kept even when the record itself has problems."""

    id: str
    kind: str
    origin: model.Origin


@dataclass
class _FileResult:
    records: list[model.Record] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    sections: list[CitedSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Reader:
    """Checks the nodes of one file against the schema and builds its records."""

    def __init__(self, file: str, *, may_alias: bool = True) -> None:
        self.file = file
        self.result = _FileResult()
        self.record_id: str | None = None
        # The nodes visited, to tell an alias (see `visit`). A text without an asterisk holds
        # no alias, and then this set is not kept: for a large file it would hold millions of
        # ids, a third again of the memory of its nodes.
        self.seen: set[int] | None = set() if may_alias else None
        self.found_alias = False
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        # Looked up once here: the walk visits every value of the file.
        self.Scalar, self.Sequence, self.Mapping = ScalarNode, SequenceNode, MappingNode
        self.allowed_tags = {ScalarNode: _SCALAR_TAGS, SequenceNode: {_SEQ}, MappingNode: {_MAP}}

    # -- reporting -----------------------------------------------------------------

    def origin(self, node: Node) -> model.Origin:
        return model.Origin(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.result.problems.append(Problem(self.file, line, column, message, self.record_id))

    # -- node shapes ---------------------------------------------------------------

    def visit(self, node: Node) -> bool:
        """False (with a problem) for an alias or a tag the fact files do not use."""
        if self.seen is not None:
            if id(node) in self.seen:
                # The composer gives an alias the very node of its anchor: seeing a node twice
                # means an alias, and refusing it keeps "billion laughs" files from expanding.
                # The node carries the anchor's position, so the aliases are located afterwards.
                self.found_alias = True
                return False
            self.seen.add(id(node))
        if node.tag not in self.allowed_tags[type(node)]:
            self.problem(node, f"the tag {_short_tag(node.tag)} is not allowed in fact files")
            return False
        return True

    def mapping(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """The (key, key node, value node) items of a mapping, with duplicate keys reported."""

        if not self.visit(node):
            return None
        if not isinstance(node, self.Mapping):
            self.problem(node, f"{what} must be a mapping of keys to values, not {_describe(node)}")
            return None
        items: list[tuple[str, Node, Node]] = []
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is None:
                continue
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self.problem(key_node, f"duplicate key '{key}' (first at line {line}); YAML would keep only the last")
                continue
            first_seen[key] = key_node
            items.append((key, key_node, value_node))
        return items

    def key(self, node: Node) -> str | None:

        if not self.visit(node):
            return None
        if not isinstance(node, self.Scalar):
            self.problem(node, "a key must be plain text")
            return None
        if node.tag != _STR:
            self.problem(node, f"the key {node.value!r} would be read as {_coerced(node)}; quote it or rename it")
            return None
        return str(node.value)

    def sequence(self, node: Node, what: str) -> list[Node] | None:

        if not self.visit(node):
            return None
        if not isinstance(node, self.Sequence):
            self.problem(node, f"{what} must be a list, not {_describe(node)}")
            return None
        return list(node.value)

    def scalar(self, node: Node, what: str) -> Any:

        if not self.visit(node):
            return None
        if not isinstance(node, self.Scalar):
            self.problem(node, f"{what} must be a single value, not {_describe(node)}")
            return None
        return node

    # -- typed values --------------------------------------------------------------

    def text(self, node: Node, what: str) -> str | None:
        scalar = self.scalar(node, what)
        if scalar is None:
            return None
        if scalar.tag != _STR:
            coerced = _coerced(scalar)
            self.problem(node, f"{what} must be text, but {scalar.value!r} would be read as {coerced}; quote it")
            return None
        if not scalar.value.strip():
            self.problem(node, f"{what} must not be empty")
            return None
        return str(scalar.value)

    def date(self, node: Node, what: str) -> PartialDate | None:
        scalar = self.scalar(node, what)
        if scalar is None:
            return None
        if scalar.tag != _STR:
            self.problem(
                node,
                f'{what} must be a quoted date such as "2013-10"; unquoted, {scalar.value!r} '
                f"would be read as {_coerced(scalar)}",
            )
            return None
        try:
            return PartialDate.parse(scalar.value)
        except DateFormatError as error:
            self.problem(node, f"{what}: {error}")
            return None

    def boolean(self, node: Node, what: str) -> bool | None:
        scalar = self.scalar(node, what)
        if scalar is None:
            return None
        if scalar.tag == YAML + "null":
            return None
        if scalar.tag == YAML + "bool" and scalar.value in ("true", "false"):
            return bool(scalar.value == "true")
        self.problem(node, f"{what} must be true, false or null, not {scalar.value!r}")
        return None

    def number(self, node: Node, what: str) -> float | None:
        scalar = self.scalar(node, what)
        if scalar is None:
            return None
        # Only plain decimals: YAML 1.1 would read 0755 as octal and 1:20 as base 60.
        if scalar.tag not in (YAML + "int", YAML + "float") or not _NUMBER.fullmatch(scalar.value):
            self.problem(node, f"{what} must be a plain decimal number, not {scalar.value!r}")
            return None
        if len(scalar.value) > 30:
            self.problem(node, f"{what} has too many digits")
            return None
        return float(scalar.value)

    def ident(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if not _ID.fullmatch(value):
            self.problem(node, f"{what} {value!r} must be lower-case letters, digits, '.', '_' and '-'")
            return None
        return value

    def text_list(self, node: Node, what: str) -> tuple[str, ...] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        values = [self.text(item, f"each item of {what}") for item in items]
        return tuple(value for value in values if value is not None)

    def refs(self, node: Node, what: str, kinds: tuple[str, ...]) -> tuple[str, ...] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        values = [self.ref(item, f"each item of {what}", kinds) for item in items]
        return tuple(value for value in values if value is not None)

    def ref(self, node: Node, what: str, kinds: tuple[str, ...]) -> str | None:
        value = self.ident(node, what)
        if value is not None and self.record_id is not None:
            self.result.references.append(Reference(value, kinds, self.origin(node), self.record_id))
        return value

    def names(self, node: Node, what: str) -> tuple[model.Name, ...] | None:
        items = self.mapping(node, what)
        if items is None:
            return None
        names = []
        for lang, key_node, value_node in items:
            if not _LANG.fullmatch(lang):
                self.problem(key_node, f"{lang!r} is not a language tag such as en, es, ko or ko-Latn")
                continue
            text = self.shown_text(value_node, f"the {lang} name")
            if text is not None:
                names.append(model.Name(lang, text))
        return tuple(names)

    def citation(self, node: Node, what: str) -> model.Citation | None:
        values = self.fields(node, what, schema.CITATION_FIELDS)
        if values is None:
            return None
        return self.cite(node, values)

    def cite(self, node: Node, values: dict[str, Any]) -> model.Citation:
        """The citation in the checked `values` of mapping `node`; its section is noted with
        the place it is written, to be checked against the source's list of sections."""
        if self.record_id is not None:
            section_node = next(value for key, value in node.value if key.value == "section")
            origin = self.origin(section_node)
            self.result.sections.append(CitedSection(values["source"], values["section"], origin, self.record_id))
        return model.Citation(values["source"], values["section"])

    def citations(self, node: Node, what: str) -> tuple[model.Citation, ...] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        if not items:
            self.problem(node, f"{what} must name at least one source")
            return None
        citations = [self.citation(item, f"each item of {what}") for item in items]
        return tuple(citation for citation in citations if citation is not None)

    def date_claims(self, node: Node, what: str) -> tuple[model.DateClaim, ...] | None:
        """A single date, or a list of claims when sources disagree."""

        if not isinstance(node, self.Sequence):
            value = self.date(node, what)
            return None if value is None else (model.DateClaim(value),)
        items = self.sequence(node, what)
        if items is None:
            return None
        if len(items) < 2:
            self.problem(node, f"{what}: a list of claims needs at least two; write a single date instead")
            return None
        claims = []
        for item in items:
            values = self.fields(item, f"each claim of {what}", schema.CLAIM_FIELDS)
            if values is not None:
                claims.append(model.DateClaim(values["value"], self.cite(item, values), values.get("note")))
        return tuple(claims)

    def objects(self, node: Node, what: str, spec: schema.Field) -> tuple[Any, ...] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        assert spec.item_type is not None
        built = []
        cited = schema.inlined_citation(spec.item_type)
        for item in items:
            values = self.fields(item, f"each item of {what}", spec.item)
            if values is None:
                continue
            if cited is not None and ("source" in values or "section" in values):
                if not ("source" in values and "section" in values):
                    self.problem(item, f"each item of {what} names its source with both 'source' and 'section'")
                    continue
                values[cited] = self.cite(item, values)
                del values["source"], values["section"]
            built.append(spec.item_type(**values))
        return tuple(built)

    def shown_text(self, node: Node, what: str) -> str | None:
        """Text a subject is known and looked up by (a name, an alias, a code): refused when
        it holds a character that does not show (see `_unseen`)."""
        text = self.text(node, what)
        if text is None:
            return None
        why = _unseen(text)
        if why is not None:
            self.problem(node, f"{what} {why}; a name, alias or code must show every character it holds")
            return None
        return text

    def value(self, node: Node, name: str, spec: schema.Field) -> Any:
        what = f"'{name}'"
        if name in _SHOWN_FIELDS and spec.value_type == "text":
            return self.shown_text(node, what)
        if name in _SHOWN_FIELDS and spec.value_type == "text_list":
            items = self.sequence(node, what)
            if items is None:
                return None
            shown = [self.shown_text(item, f"each item of {what}") for item in items]
            return tuple(text for text in shown if text is not None)
        match spec.value_type:
            case "text":
                text = self.text(node, what)
                if text is not None and spec.choices and text not in spec.choices:
                    self.problem(node, f"{what} must be one of {', '.join(spec.choices)}; not {text!r}")
                    return None
                return text
            case "text_list":
                return self.text_list(node, what)
            case "id":
                return self.ident(node, what)
            case "date":
                return self.date(node, what)
            case "date_claims":
                return self.date_claims(node, what)
            case "bool_or_null":
                return self.boolean(node, what)
            case "number":
                return self.number(node, what)
            case "ref":
                return self.ref(node, what, spec.ref_kinds)
            case "ref_list":
                return self.refs(node, what, spec.ref_kinds)
            case "names":
                return self.names(node, what)
            case "citations":
                return self.citations(node, what)
            case "objects":
                return self.objects(node, what, spec)
        raise AssertionError(f"unknown field type {spec.value_type}")

    def fields(self, node: Node, what: str, spec: dict[str, schema.Field]) -> dict[str, Any] | None:
        """The checked values of a mapping; None if anything in it was wrong."""
        items = self.mapping(node, what)
        if items is None:
            return None
        before = len(self.result.problems)
        values: dict[str, Any] = {}
        for key, key_node, value_node in items:
            if key not in spec:
                self.problem(key_node, f"unknown key '{key}' in {what}; expected one of {', '.join(spec)}")
                continue
            value = self.value(value_node, key, spec[key])
            if value is not None:
                values[key] = value
        present = {key for key, _, _ in items}
        for name, field_spec in spec.items():
            if field_spec.required and name not in present:
                self.problem(node, f"missing required key '{name}' in {what}")
        if len(self.result.problems) > before:
            return None
        return values

    # -- records -------------------------------------------------------------------

    def record(self, node: Node, section: schema.Section) -> None:

        self.record_id = _peek_id(node) if isinstance(node, self.Mapping) else None
        if self.record_id is not None:
            kind = section.record_type.KIND
            self.result.declarations.append(Declaration(self.record_id, kind, self.origin(node)))
        what = f"a record of '{section.name}'"
        values = self.fields(node, what, section.fields)
        if values is not None:
            values = {key: _frozen(value) for key, value in values.items()}
            record = section.record_type(origin=self.origin(node), **values)
            if self.consistent(node, record):
                self.result.records.append(record)
        self.record_id = None

    def consistent(self, node: Node, record: model.Record) -> bool:
        """False (with a problem) for a record whose fields, each valid, do not fit together."""
        match record:
            case model.Mission():
                return self.opens_before_it_closes(node, record)
            case model.Relation() if len(set(record.between)) != 2:
                self.problem(self.at(node, "between"), "'between' names two different parties, no more, no fewer")
                return False
            case model.Event() if (record.relation is None) != (record.change is None):
                given, missing = ("relation", "change") if record.change is None else ("change", "relation")
                self.problem(
                    self.at(node, given), f"'{given}' needs '{missing}': an event changes a relation in some way"
                )
                return False
        return True

    def at(self, node: Node, key: str) -> Node:
        """The value of `key` in a record's mapping, to report a problem where it is written."""
        return next((value for name, value in node.value if name.value == key), node)

    def opens_before_it_closes(self, node: Node, mission: model.Mission) -> bool:
        """False (with a problem at 'closed') for a mission that closed before it opened by
        every claim: the latest day any closing may be is before the earliest opening."""
        if not mission.opened or not mission.closed:
            return True
        opened = min(claim.value.first_day for claim in mission.opened)
        closed = max(claim.value.last_day for claim in mission.closed)
        if closed >= opened:
            return True
        at = self.at(node, "closed")
        first = min((claim.value for claim in mission.opened), key=lambda date: date.first_day)
        last = max((claim.value for claim in mission.closed), key=lambda date: date.last_day)
        self.problem(at, f"'closed' ({last}) is before 'opened' ({first}): a mission cannot close before it opens")
        return False

    def document(self, node: Node | None) -> None:
        if node is None:
            self.problem(None, "the file holds no facts; expected a mapping with sections such as 'events'")
            return
        items = self.mapping(node, "a fact file")
        if items is None:
            return
        for key, key_node, value_node in items:
            if key in schema.TOP_LEVEL_FIELDS:
                version = self.number(value_node, f"'{key}'")
                if version is not None and version != schema.SCHEMA_VERSION:
                    supported = schema.SCHEMA_VERSION
                    self.problem(
                        value_node, f"schema_version {version:g} is not supported; this dprkrel reads {supported}"
                    )
                continue
            section = schema.SECTIONS_BY_NAME.get(key)
            if section is None:
                expected = ", ".join([*schema.SECTIONS_BY_NAME, *schema.TOP_LEVEL_FIELDS])
                self.problem(key_node, f"unknown section '{key}'; expected one of {expected}")
                continue
            records = self.sequence(value_node, f"the section '{key}'")
            if records is None:
                continue
            # Each record's nodes are let go once it is built, so the records take the memory
            # of the nodes they came from: a large file's nodes and all its records are never
            # held at once.
            value_node.value = []
            records.reverse()
            while records:
                self.record(records.pop(), section)


# The fields a subject is found by: what `timeline spain` matches and the tables show.
_SHOWN_FIELDS = frozenset({"name", "aliases", "codes"})
# Letters that show nothing: the Hangul fillers, and the blank Braille pattern.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories of characters that do not show: controls, format characters (zero-width
# spaces and joiners, the BOM, bidi controls, tag characters), line and paragraph
# separators, private use and lone surrogates.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})


def _unseen(text: str) -> str | None:
    """Why `text` cannot name a subject: a character in it does not show, or nothing in it
    shows but blanks and fillers; None when every character shows."""
    import unicodedata

    for position, char in enumerate(text, 1):
        if unicodedata.category(char) in _UNSEEN_CATEGORIES:
            name = unicodedata.name(char, "a character with no name")
            return f"holds an invisible character, U+{ord(char):04X} {name}, at character {position}"
    if all(char.isspace() or char in _FILLERS for char in text):
        return "holds only blanks and filler characters, which show nothing"
    return None


def _peek_id(node: Node) -> str | None:
    """The record's id, if it has a plain one, so problems inside the record can name it."""
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == "id" and isinstance(getattr(value_node, "value", None), str):
            return str(value_node.value)
    return None


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(YAML) :] if tag.startswith(YAML) else tag


def _coerced(node: Node) -> str:
    return _COERCED_AS.get(node.tag, f"type {_short_tag(node.tag)}")


def _describe(node: Node) -> str:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the value {node.value!r}"


# -- reading a file, and composing it safely -----------------------------------------
#
# A fact file comes from anyone, so reading it must end quickly, in bounded memory, with one
# problem naming the file when something is wrong. The limits are far above what a fact
# file needs (the shipped base is about 30 KiB, 2,100 values and 5 levels deep).

# The deepest nesting of lists and mappings, the top-level mapping included. libyaml's
# composer recurses once per level and crashes the interpreter (a segmentation fault)
# between 20,000 and 25,000 levels; PyYAML's own raises RecursionError below 500. The
# schema needs 5.
MAX_DEPTH = 64
# The most values (scalars, lists, mappings and aliases) in one file. Composing costs about
# 300 bytes and 5 microseconds a value: 4,000,000 holds some 200,000 records (a fact base of
# 100,000 events with its entities and missions is about 2,000,000 values) and bounds the
# memory a file of tiny values ("[a,a,a,...]", two bytes each) could make the composer use.
MAX_VALUES = 4_000_000

# Characters YAML does not allow in a stream (outside escapes in double quotes): C0 controls
# but tab, LF and CR; DEL; C1 controls but NEL; surrogates; U+FFFE and U+FFFF.
_NOT_YAML_CHARACTER = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _place(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _event_place(event: Any) -> tuple[int | None, int | None]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


# What can open, close or hide a flow collection: a quoted scalar (at the start of a token,
# so not the apostrophe of "don't"), a comment, a bracket or brace, and the indicator of a
# block scalar, whose indented lines below are text.
_FLOW_TOKEN = re.compile(
    r"""(?<![^\s\[\]{},:])(?:"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?)"""
    r"|(?<!\S)\#[^\n]*"
    r"|(?P<open>[\[{])"
    r"|(?P<close>[\]}])"
    r"|(?<![^\s:?-])(?P<block>[|>])[-+0-9]*[ \t]*(?:\#[^\n]*)?$",
    re.MULTILINE,
)


def _deep_flow_end(text: str) -> int | None:
    """Where a flow collection opens more than MAX_DEPTH levels deep, just past its bracket.

    The parser cannot be asked to find such nesting: libyaml's scanner reads ahead through
    a run of opening brackets before the parser sees the first, and newer releases refuse
    the run themselves once it passes their own limit (1,000 levels in PyYAML 6.0.4's), with
    their own message. So the text is scanned first, and the parser then reads only up to
    the bracket found here, where it meets the first level too deep as it does in any other
    file. The scan may count a bracket of a plain scalar as an opening; the parser then finds
    nothing too deep, and the whole text is checked as usual.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    position = 0
    search = _FLOW_TOKEN.search
    while (found := search(text, position)) is not None:
        position = found.end()
        if found.group("open"):
            depth += 1
            if depth > MAX_DEPTH:
                return position
        elif found.group("close"):
            depth = max(depth - 1, 0)
        elif found.group("block") and depth == 0:
            position = _block_scalar_end(text, found.start())
    return None


def _block_scalar_end(text: str, indicator: int) -> int:
    """The end of the text of a block scalar whose indicator is at `indicator`."""
    line_start = text.rfind("\n", 0, indicator) + 1
    indent = len(text[line_start:indicator]) - len(text[line_start:indicator].lstrip(" "))
    position = text.find("\n", indicator)
    while position != -1:
        following = text.find("\n", position + 1)
        line = text[position + 1 : following if following != -1 else len(text)]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            return position
        position = following
    return len(text)


def _structure_problem(text: str, file: str, loader_class: Any) -> Problem | None:
    """Nesting deeper than MAX_DEPTH, or more than MAX_VALUES values, as one problem.

    Found from the parser's events, which come one at a time and build nothing: the parser
    keeps its own stack rather than recursing, so it reads any depth safely and stops at the
    first level too many. Only the composer, which runs afterwards, recurses. A syntax error
    ends the check; the composer reports it, having gone no deeper than the check did.
    """
    deep_end = _deep_flow_end(text)
    if deep_end is not None:
        found = _parsed_structure_problem(text[:deep_end], file, loader_class)
        if found is not None:
            return found
    return _parsed_structure_problem(text, file, loader_class)


def _parsed_structure_problem(text: str, file: str, loader_class: Any) -> Problem | None:
    import yaml

    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    values = (yaml.ScalarEvent, yaml.AliasEvent)
    depth = count = documents = 0
    try:
        for event in yaml.parse(text, Loader=loader_class):
            kind = type(event)
            if kind in opening:
                depth += 1
                count += 1
                if depth > MAX_DEPTH:
                    line, column = _event_place(event)
                    message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep; fact files need 5"
                    return Problem(file, line, column, message)
            elif kind in closing:
                depth -= 1
            elif kind in values:
                count += 1
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None  # the composer reports the second document
            if count > MAX_VALUES:
                line, column = _event_place(event)
                message = f"holds more than {MAX_VALUES:,} values, the most one fact file may hold; split it"
                return Problem(file, line, column, message)
    except yaml.YAMLError:
        return None
    return None


def _compose(text: str, file: str, problems: list[Problem]) -> Node | None:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    too_big = _structure_problem(text, file, loader_class)
    if too_big is not None:
        problems.append(too_big)
        return None
    try:
        node: Node | None = yaml.compose(text, Loader=loader_class)
        return node
    except yaml.reader.ReaderError as error:
        # The loaders disagree on where (a byte offset or a character index): find it here.
        found = _NOT_YAML_CHARACTER.search(text)
        line, column = _place(text, found.start()) if found else (None, None)
        code = ord(found.group()) if found else error.character
        what = f"the character U+{code:04X}" if isinstance(code, int) else "a character"
        problems.append(Problem(file, line, column, f"not valid YAML: {what} is not allowed in YAML text"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        message = " ".join(part for part in (error.context, error.problem) if part)
        context = error.context_mark
        if context is not None and mark is not None and context.line != mark.line:
            # An unclosed quote or bracket is found far below where it starts: say both.
            message += f" (it starts at line {context.line + 1}, column {context.column + 1})"
        problems.append(Problem(file, line, column, f"not valid YAML: {' '.join(message.split())}"))
    except yaml.YAMLError as error:
        problems.append(Problem(file, None, None, f"not valid YAML: {' '.join(str(error).split())}"))
    except RecursionError:
        # Cannot happen within MAX_DEPTH; kept so that no input ends in a traceback.
        problems.append(Problem(file, None, None, "lists and mappings are nested too deep"))
    return None


def _read_file(name: str, text: str) -> _FileResult:
    reader = _Reader(name, may_alias="*" in text)
    node = _compose(text, name, reader.result.problems)
    if not reader.result.problems:
        reader.document(node)
    # Aliases inside parts the schema walk skipped (an unknown section) are caught by the text
    # check; parsing again only happens when the file may hold an alias at all, and could be
    # composed (a file refused before that has its problem already).
    composed = node is not None
    if composed and (reader.found_alias or _MAYBE_ALIAS.search(text)):
        reader.result.problems += _alias_problems(text, name, reader.result.declarations)
    return reader.result


# Aliases reported one by one before the rest are summed up in one line.
MAX_ALIASES_REPORTED = 20


def _alias_problems(text: str, file: str, declarations: list[Declaration]) -> list[Problem]:
    """One problem at each alias (*name), found from the parser's events, which keep their place."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                line, column = event.start_mark.line + 1, event.start_mark.column + 1
                if len(problems) == MAX_ALIASES_REPORTED:
                    # A file of many aliases is refused in a few lines, not one line each.
                    message = f"more aliases follow; only the first {MAX_ALIASES_REPORTED} are listed"
                    problems.append(Problem(file, line, column, message))
                    break
                owners = [d.id for d in declarations if (d.origin.line, d.origin.column) <= (line, column)]
                message = f"aliases (*{event.anchor}) are not allowed in fact files; write the value out"
                problems.append(Problem(file, line, column, message, owners[-1] if owners else None))
    except yaml.YAMLError:
        pass  # the syntax error itself is already reported by _compose
    return problems


def _cross_check(results: Sequence[_FileResult]) -> list[Problem]:
    """Problems that only show once every file is read: clashing ids, dangling references."""
    problems: list[Problem] = []
    first: dict[str, Declaration] = {}
    for result in results:
        for declared in result.declarations:
            if declared.id in first:
                message = f"duplicate id '{declared.id}', first defined at {first[declared.id].origin}"
                origin = declared.origin
                problems.append(Problem(origin.file, origin.line, origin.column, message, declared.id))
            else:
                first[declared.id] = declared
    for result in results:
        for reference in result.references:
            target = first.get(reference.target)
            if target is None:
                message = f"'{reference.target}' is not the id of any record"
            elif target.kind not in reference.kinds:
                expected = " or ".join(_with_article(kind) for kind in reference.kinds)
                message = f"'{reference.target}' is {_with_article(target.kind)}, but {expected} is expected here"
            else:
                continue
            origin = reference.origin
            problems.append(Problem(origin.file, origin.line, origin.column, message, reference.record_id))
    problems += _name_clashes(results)
    sources = {record.id: record for result in results for record in result.records if isinstance(record, model.Source)}
    for result in results:
        for cited in result.sections:
            source = sources.get(cited.source)
            if source is not None and source.sections and cited.section not in source.sections:
                known = "; ".join(source.sections)
                message = f"source '{source.id}' has no section '{cited.section}' (it has: {known})"
                origin = cited.origin
                problems.append(Problem(origin.file, origin.line, origin.column, message, cited.record_id))
    return problems


def _name_clashes(results: Sequence[_FileResult]) -> list[Problem]:
    """An entity of one file whose name, alias or code an entity of an earlier file already
    uses (as subjects are matched: regardless of case, accents and punctuation), reported at
    the newcomer with the place of the first. Within one file, a shared name is the author's
    choice (two cities named alike) and the resolver asks which is meant."""
    from dprkrel.core.normalise import normalise

    problems: list[Problem] = []
    first: dict[str, tuple[model.Entity, str]] = {}
    for result in results:
        here: dict[str, tuple[model.Entity, str]] = {}
        for record in result.records:
            if not isinstance(record, model.Entity) or record.origin is None:
                continue
            origin = record.origin
            texts = [record.name, *(name.text for name in record.names), *record.aliases, *record.codes]
            reported: set[str] = set()
            for text in texts:
                matched = normalise(text)
                if not matched:
                    continue
                earlier = first.get(matched)
                if earlier is not None and earlier[0].id != record.id and matched not in reported:
                    reported.add(matched)
                    other, other_text = earlier
                    message = (
                        f"'{text}' is already a name, alias or code of the entity '{other.id}' "
                        f"('{other_text}', at {other.origin}); give this entity names of its own"
                    )
                    problems.append(Problem(origin.file, origin.line, origin.column, message, record.id))
                here.setdefault(matched, (record, text))
        for matched, entry in here.items():
            first.setdefault(matched, entry)
    return problems


def _with_article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def parse(
    files: Sequence[str], texts: Sequence[str], starting: Callable[[int], None] | None = None
) -> list[model.Record]:
    """The records of the given file texts, checked strictly; raises DataError. `starting` is
    told the position of each file as its reading begins."""
    # Composing and checking a large file creates millions of objects and no cycles: the
    # cyclic garbage collector would scan them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        results = []
        for index, (name, text) in enumerate(zip(files, texts, strict=True)):
            if starting is not None:
                starting(index)
            results.append(_read_file(name, text))
    finally:
        if collecting:
            gc.enable()
    problems = [problem for result in results for problem in result.problems]
    problems += _cross_check(results)
    if problems:
        raise DataError(sorted(problems, key=problem_order))
    return [record for result in results for record in result.records]
