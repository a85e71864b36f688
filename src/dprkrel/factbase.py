"""The loaded fact base: every record of the fact files, by kind and by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from dprkrel import model, schema

R = TypeVar("R", bound=model.Record)


@dataclass(frozen=True)
class FactBase:
    """Every record of the loaded fact files, in file order, and an index by id."""

    records: tuple[model.Record, ...]
    files: tuple[str, ...]
    by_id: dict[str, model.Record] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # A frozen dataclass sets derived fields through object.__setattr__.
        object.__setattr__(self, "by_id", {record.id: record for record in self.records})

    def of_type(self, record_type: type[R]) -> tuple[R, ...]:
        return tuple(record for record in self.records if isinstance(record, record_type))

    def counts(self) -> dict[str, int]:
        """How many records of each kind, in schema order."""
        counts = {section.record_type.KIND: 0 for section in schema.SECTIONS}
        for record in self.records:
            counts[record.kind] += 1
        return counts
