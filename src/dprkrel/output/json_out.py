"""The JSON output: the command's payload, exactly, as strict JSON.

JSON is written with the json module and never through rich, so that no markup, wrapping or
colour can touch it. Korean text stays readable (no \\uXXXX for it), while every character
that could act on a terminal is written as a JSON escape, which decodes back to exactly the
same string.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

# json escapes C0 controls itself. With ensure_ascii=False it writes DEL, C1 controls, bidi
# controls and U+2028/U+2029 raw, which a terminal may act on (U+009B starts an escape
# sequence on some) and which could reorder what a reader sees. Outside strings JSON is plain
# ASCII, so every match is inside a string, where "\\uXXXX" stands for the same character.
_ESCAPE_TOO = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def dumps(payload: dict[str, Any], *, ascii_only: bool = False, indent: int | None = 2) -> str:
    """The payload as indented strict JSON, ending with a newline.

    With `ascii_only`, every character beyond ASCII is written as a \\uXXXX escape too: the same
    JSON, for an output that cannot hold Korean. Raises ValueError when the payload holds a
    float NaN or infinity, which strict JSON cannot represent (Python's default would print
    the non-standard `NaN`).
    """
    try:
        text = json.dumps(payload, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as error:
        raise ValueError(f"cannot write the answer as strict JSON: {error}") from error
    # A lone surrogate is no character: Python holds an argument's or a path's bytes that are
    # not UTF-8 as one (U+DCFF for the byte 0xFF), and it can be written neither as UTF-8 nor
    # as a JSON escape that a strict reader accepts. It becomes U+FFFD, the replacement
    # character, so that the output is always valid UTF-8 whatever the bytes given.
    text = _SURROGATE.sub("\ufffd", text)
    text = _ESCAPE_TOO.sub(_escaped, text)
    if ascii_only:
        text = _NOT_ASCII.sub(_escaped, text)
    return text + "\n"


_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_ASCII = re.compile("[^\x00-\x7f]")


def _escaped(match: re.Match[str]) -> str:
    """A character as JSON's \\uXXXX escape; beyond the BMP as its UTF-16 surrogate pair."""
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def write_json(payload: dict[str, Any], stream: TextIO) -> None:
    """Write the payload to `stream` as strict JSON (see `dumps`).

    When the stream's encoding cannot hold a character (PYTHONIOENCODING=ascii, a Latin-1
    terminal and Korean), the JSON is written with \\uXXXX escapes instead, which decodes to
    exactly the same values: JSON output never fails for want of an encoding.
    """
    text = dumps(payload)
    encoding = getattr(stream, "encoding", None)
    if encoding and not text.isascii():
        try:
            text.encode(encoding, getattr(stream, "errors", None) or "strict")
        except (UnicodeEncodeError, LookupError):  # LookupError: an encoding Python does not know
            text = dumps(payload, ascii_only=True)
    stream.write(text)
