"""Records to plain JSON-able values and back, for the compiled fact base.

The encoding follows the dataclass fields, so a new field needs no code here; the round
trip is exact (tested), origins included.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Any

from dprkrel import frozen, model
from dprkrel.dates import PartialDate
from dprkrel.frozen import Frozen, fields_of

RECORD_TYPES_BY_KIND: dict[str, type[model.Record]] = {
    record_type.KIND: record_type for record_type in model.RECORD_TYPES
}


def encode(value: Any) -> Any:
    """A record (or any value inside one) as dicts, lists, strings, numbers and None."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    kind: type = type(value)
    fields = dataclass_fields(kind)
    if fields:
        # Defaults are left out: most optional fields are empty, and rows stay small.
        encoded = {}
        for name, default in fields:
            item = getattr(value, name)
            if item != default:
                encoded[name] = encode(item)
        return encoded
    return value


@functools.cache
def dataclass_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field of a record class; () for other types.

    Cached per class: compiling a large base asks this of every value it encodes.
    """
    if not (isinstance(cls, type) and issubclass(cls, Frozen)):
        return ()
    return fields_of(cls)


def decode_record(kind: str, data: dict[str, Any]) -> model.Record:
    """The record of that kind that `encode` turned into `data`."""
    record_type = RECORD_TYPES_BY_KIND[kind]
    return record_type(**_decode_fields(record_type, data))


def _decode_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    return {name: _decode(hints[name], value) for name, value in data.items()}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # The annotations are strings (PEP 563), resolved in the namespaces they were written in.
    return typing.get_type_hints(cls, {**vars(frozen), **vars(model)})


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        # Optional fields: decode as the one non-None member.
        (member,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(member, value)
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        return tuple(_decode(item_hint, item) for item in value)
    if hint is PartialDate:
        return PartialDate.parse(value)
    if isinstance(hint, type) and issubclass(hint, Frozen):
        return hint(**_decode_fields(hint, value))
    if hint is float and isinstance(value, int):
        return float(value)
    return value
