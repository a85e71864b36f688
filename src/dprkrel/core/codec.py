"""Records to plain JSON-able values and back, for the compiled fact base.

The encoding follows the record classes' fields, so a new field needs no code here; the
round trip is exact (tested), origins included.

Decoding reads each field's annotation as its class writes it ("tuple[Citation, ...]",
"PartialDate | None"): the few shapes the fact model uses are understood here, once per
class, and any other is refused: typing.get_type_hints would do the same, but the warm path
does without typing (see tests/test_startup.py).
"""

from __future__ import annotations

import functools

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, annotations_of, fields_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Decoder = Callable[[Any], Any]

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
    record: model.Record = _decode_as(RECORD_TYPES_BY_KIND[kind], data)
    return record


def _decode_as(cls: type[Frozen], data: dict[str, Any]) -> Any:
    decoders = field_decoders(cls)
    return cls(**{name: None if value is None else decoders[name](value) for name, value in data.items()})


def field_decoders(cls: type[Frozen]) -> dict[str, Decoder]:
    """For each field of a record class, what turns its encoded value back into the value.

    Worked out once per class. Raises TypeError for a field whose annotation is not one of
    the shapes `encode` writes.
    """
    decoders = _DECODERS.get(cls)
    if decoders is None:
        annotations = annotations_of(cls).items()
        decoders = {name: _decoder(annotation, f"{cls.__name__}.{name}") for name, annotation in annotations}
        _DECODERS[cls] = decoders
    return decoders


_DECODERS: dict[type[Frozen], dict[str, Decoder]] = {}


def _decoder(annotation: str, field: str) -> Decoder:
    if not isinstance(annotation, str):
        raise TypeError(f"cannot decode {field}: its annotation is not a string (PEP 563)")
    text = annotation.replace(" ", "")
    if text.endswith("|None"):
        # None is decoded as None whatever the annotation (see _decode_as).
        return _decoder(text.removesuffix("|None"), field)
    if text.startswith("tuple[") and text.endswith(",...]"):
        item = _decoder(text.removeprefix("tuple[").removesuffix(",...]"), field)
        return lambda value: tuple(map(item, value))
    if text in ("str", "int", "bool"):
        return _same
    if text == "float":
        return _as_float
    target = getattr(model, text, None)
    if target is PartialDate:
        return PartialDate.parse
    if isinstance(target, type) and issubclass(target, Frozen):
        return functools.partial(_decode_as, target)
    raise TypeError(f"cannot decode {field}: {annotation!r} is not a type dprkrel.core.codec knows")


def _same(value: Any) -> Any:
    return value


def _as_float(value: Any) -> Any:
    # A float field given a whole number (1000 rather than 1000.0) keeps its type: float.
    return float(value) if isinstance(value, int) else value
