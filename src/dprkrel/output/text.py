"""Text helpers shared by the renderers: making control characters visible, and cell widths.

Cells come from fact files anyone can write, so a renderer for people must never pass a
control character through: an ESC could recolour or rewrite the terminal, a C1 CSI (U+009B)
does the same on some terminals, and bidi controls (U+202E and friends) can make a line read
differently from what it holds ("Trojan Source"). `visible` turns each of them into an escape
that shows what was there.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; bidi embeddings, overrides and isolates, the implicit
# marks (LRM, RLM, ALM); and the Unicode line and paragraph separators, which some terminals
# and editors treat as line breaks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

# A tab or a line feed inside a cell is formatting, not an attack, and an escape would only
# make ordinary multi-line text harder to read: they become one space. Everything else is
# escaped, including CR, which can overwrite the start of a line on a terminal.
_AS_SPACE = frozenset("\t\n")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _AS_SPACE:
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control, bidi-control and line-separator character made visible.

    Tab and line feed become a space; any other such character becomes a Python-style escape
    (`\\x1b`, `\\x9b`, `\\u202e`). A backslash already in the text is left alone: the output is
    for reading, not for decoding back.
    """
    return _UNSAFE.sub(_escape, text)


# A message quotes at most this much of one value of a fact file or of a query, and is at most
# MAX_MESSAGE characters in all: one problem line must never echo megabytes.
MAX_QUOTED = 200
MAX_MESSAGE = 2000
# A quote opens after a space or punctuation, not inside a word ("'a' or 'b'" is two quotes).
_LONG_QUOTE = re.compile(f"(?<!\\w)'([^'\n]{{{MAX_QUOTED + 1},}})'(?!\\w)")


def bounded(message: str) -> str:
    """`message` with each quoted value longer than MAX_QUOTED cut short with "…", and the
    whole cut to MAX_MESSAGE characters."""
    message = _LONG_QUOTE.sub(lambda match: f"'{match.group(1)[: MAX_QUOTED - 1]}…'", message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def visible_lines(text: str) -> str:
    """Like `visible`, but a line feed stays a line break: the core writes lists (advice,
    names in several scripts) one item per line, and a table cell can show that."""
    return "\n".join(visible(line) for line in text.split("\n"))


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes (Korean syllables take two)."""
    from rich.cells import cell_len

    return cell_len(text)


def fit_cells(text: str, width: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `width` cells, ending with `ellipsis` when something was cut."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    if room <= 0:
        return set_cell_size(text, max(width, 0)).rstrip()
    return set_cell_size(text, room).rstrip() + ellipsis


def pad_cells(text: str, width: int) -> str:
    """`text` padded with spaces to `width` cells (never cut)."""
    return text + " " * max(width - cell_width(text), 0)


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` split at spaces into lines of at most `width` cells; a longer word is folded."""
    from rich.cells import cell_len, chop_cells

    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        lines.extend(pieces[:-1])
        line = pieces[-1]
    if line or not lines:
        lines.append(line)
    return lines


# Punctuation that dprkrel writes itself (an arrow in headers, a dash for "nothing") or that
# the sources use, with the ASCII a table shows instead when the output cannot hold it.
_ASCII_PUNCTUATION = {
    "\u2192": "->",  # rightwards arrow
    "\u2190": "<-",  # leftwards arrow
    "\u2194": "<->",  # left right arrow
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "\u2012": "-",  # figure dash
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus
    "\u2026": "...",  # horizontal ellipsis
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u2022": "*",  # bullet
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
}


def for_encoding(text: str, encoding: str | None, errors: str | None = "strict") -> str:
    """`text` as an output in `encoding` can hold it, for people to read.

    Punctuation the encoding cannot hold becomes its ASCII look-alike (an arrow "->", a
    dash "-"); any other character it cannot hold (Korean in ASCII, say) raises
    UnicodeEncodeError, so that the caller can refuse before writing anything rather than
    print half a table. `errors` is the stream's own error handler: with a lenient one
    ("backslashreplace"), nothing is refused.
    """
    if not encoding:
        return text
    try:
        text.encode(encoding, errors or "strict")
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:  # an encoding Python does not know: let the stream decide
        return text
    shown = "".join(_ASCII_PUNCTUATION.get(char, char) if not _encodes(char, encoding) else char for char in text)
    shown.encode(encoding, errors or "strict")
    return shown


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def is_terminal(stream: object) -> bool:
    """Whether `stream` is a terminal, which acts on the control characters it is sent (False
    for a closed stream, or an object that is no stream)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):
        return False
