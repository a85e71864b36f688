"""The NDJSON output: one JSON object per line, each a result as the JSON envelope's
`results` holds it (`jq -c`, `pandas.read_json(lines=True)`, `sqlite-utils insert --nl`).

The envelope itself is not written: its warnings go to stderr, where the command line says
them (see `cli.run`).
"""

from __future__ import annotations

import json

from dprkrel.output.json_out import escaped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


def write_ndjson(results: list[dict[str, Any]], stream: TextIO) -> None:
    lines = [escaped(json.dumps(result, ensure_ascii=False, allow_nan=False)) + "\n" for result in results]
    text = "".join(lines)
    encoding = getattr(stream, "encoding", None)
    if encoding and not text.isascii():
        try:
            text.encode(encoding, getattr(stream, "errors", None) or "strict")
        except (UnicodeEncodeError, LookupError):
            text = "".join(escaped(json.dumps(result, allow_nan=False)) + "\n" for result in results)
    stream.write(text)
