"""The compiled base's encoding of records: every field of every record class decodes, exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dprkrel.core import codec, model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen, fields_of
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

RECORD_CLASSES = sorted(
    (value for value in vars(model).values() if isinstance(value, type) and issubclass(value, Frozen)),
    key=lambda cls: cls.__name__,
)


def every_record(base: FactBase) -> list[model.Record]:
    """Every record of the base, in file order."""
    return list(base.at(range(sum(base.counts().values()))).values())


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_every_field_of_every_record_class_has_a_decoder(cls: type[Frozen]) -> None:
    assert list(codec.field_decoders(cls)) == [name for name, _default in fields_of(cls)]


def test_a_field_of_another_shape_is_refused_by_name() -> None:
    class Odd(Frozen):
        counts: dict[str, int]

    with pytest.raises(TypeError, match=r"Odd\.counts: 'dict\[str, int\]'"):
        codec.field_decoders(Odd)


def typed(value: Any) -> Any:
    """The value with the type of everything in it, so that 1 and 1.0, or () and [], differ."""
    if isinstance(value, Frozen):
        return (type(value), {name: typed(item) for name, item in value.as_dict().items()})
    if isinstance(value, tuple | list):
        return (type(value), [typed(item) for item in value])
    return (type(value), value)


def round_trip(record: model.Record) -> model.Record:
    return codec.decode_record(record.kind, json.loads(json.dumps(codec.encode(record))))


def test_records_round_trip_exactly_origins_included(shipped_base: FactBase, data_dir: Path) -> None:
    records = [*every_record(shipped_base), *every_record(load([data_dir / "base.yaml"]))]
    assert {record.kind for record in records} == {cls.KIND for cls in model.RECORD_TYPES}
    for record in records:
        assert typed(round_trip(record)) == typed(record), record.id


def test_a_whole_amount_comes_back_a_float() -> None:
    aid = model.Aid(id="aid-a", summary="Rice.", amount=1000, period_from=PartialDate(2001, 2))
    decoded = round_trip(aid)
    assert isinstance(decoded, model.Aid)
    assert decoded.amount == 1000.0 and type(decoded.amount) is float
    assert decoded.period_from == PartialDate(2001, 2)
