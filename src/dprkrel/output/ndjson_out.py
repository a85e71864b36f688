"""The NDJSON output: one JSON object per line, each a result as the JSON envelope's
`results` holds it (`jq -c`, `pandas.read_json(lines=True)`, `sqlite-utils insert --nl`).

The envelope itself is not written: its warnings go to stderr, where the command line says
them (see `cli.run`).
"""

from __future__ import annotations

from dprkrel.output.json_out import dumps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


def write_ndjson(results: list[dict[str, Any]], stream: TextIO) -> None:
    """Each result on a line of its own, escaped as `json_out.dumps` escapes (and, for an output
    that cannot hold the text, in ASCII escapes)."""
    text = "".join(dumps(result, indent=None) for result in results)
    encoding = getattr(stream, "encoding", None)
    if encoding and not text.isascii():
        try:
            text.encode(encoding, getattr(stream, "errors", None) or "strict")
        except (UnicodeEncodeError, LookupError):
            text = "".join(dumps(result, indent=None, ascii_only=True) for result in results)
    stream.write(text)
