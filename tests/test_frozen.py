"""The immutable record base: construction, equality, immutability, as frozen dataclasses."""

from __future__ import annotations

import pytest

from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import REQUIRED, fields_of, replace


def event(**changes: object) -> model.Event:
    values: dict[str, object] = {
        "id": "ev-a",
        "sources": (model.Citation("src", "body"),),
        "date": (model.DateClaim(PartialDate(2001, 2)),),
        "category": "visit",
        "summary": "A visit.",
        "origin": model.Origin("a.yaml", 3, 5),
    }
    return model.Event(**{**values, **changes})  # type: ignore[arg-type]


def test_fields_come_in_order_base_class_first_with_their_defaults() -> None:
    names = [name for name, _ in fields_of(model.Event)]
    assert names[:6] == ["id", "sources", "inferred", "present_tense", "note", "origin"]
    assert names[6:] == [
        "date",
        "category",
        "summary",
        "actors",
        "places",
        "details",
        "opens_period",
        "undated",
        "relation",
        "change",
    ]
    defaults = dict(fields_of(model.Event))
    assert defaults["id"] is REQUIRED
    assert defaults["actors"] == ()
    assert "KIND" not in defaults and "CLAIM_FIELDS" not in defaults


def test_positional_and_keyword_construction_agree() -> None:
    assert model.Citation("src", "body") == model.Citation(source="src", section="body")
    assert model.DateClaim(PartialDate(2001)).citation is None


def test_equality_ignores_where_a_record_was_written_but_not_its_facts() -> None:
    assert event() == event(origin=model.Origin("b.yaml", 9, 1))
    assert hash(event()) == hash(event(origin=None))
    assert event() != event(summary="Another visit.")
    assert event() != model.Statement(id="ev-a", subjects=(), category="identity", summary="A visit.")


def test_records_cannot_be_changed() -> None:
    record = event()
    with pytest.raises(AttributeError):
        record.summary = "Changed."  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del record.summary
    assert record.summary == "A visit."


def test_replace_makes_a_changed_copy() -> None:
    record = event()
    changed = replace(record, summary="Changed.")
    assert changed.summary == "Changed." and record.summary == "A visit."
    assert changed.id == record.id and type(changed) is model.Event


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("a", "b", "c"), {}, "takes 2 fields"),
        (("a",), {"source": "b"}, "two values for 'source'"),
        ((), {"source": "a", "section": "b", "page": 1}, "no field 'page'"),
        (("a",), {}, "needs a value for 'section'"),
    ],
)
def test_wrong_construction_is_refused(args: tuple[object, ...], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        model.Citation(*args, **kwargs)  # type: ignore[arg-type]


def test_repr_shows_the_facts() -> None:
    assert repr(model.Citation("src", "body")) == "Citation(source='src', section='body')"
    assert "origin" not in repr(event())
