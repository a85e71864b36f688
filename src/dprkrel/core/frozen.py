"""A small base for typed, immutable records: what frozen dataclasses give, made cheaply.

Every record class of the fact model is created when dprkrel starts, and the dataclass
decorator writes and compiles six methods for each (together some 23 ms more a start-up
than this base, measured). Here the methods are written once, on this base, and a
subclass only lists its fields. `dataclass_transform` tells type checkers that subclasses
behave like frozen dataclasses, so their constructors stay checked.

Fields are read from the class's own annotations, which are strings (PEP 563), so nothing
needs evaluating, and neither typing nor inspect is imported (see tests/test_startup.py).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar, dataclass_transform

    F = TypeVar("F", bound="Frozen")
else:
    # Only type checkers read the decorator; at run time it leaves the class as it is.
    def dataclass_transform(**_options: object):
        return lambda cls: cls


_REQUIRED = object()


@dataclass_transform(frozen_default=True, eq_default=True)
class Frozen:
    """Fields are the class's annotations (ClassVars aside), in order, base classes first;
    a class attribute of the same name is the field's default. Instances compare equal when
    they are of the same class and their fields are equal, except those in `_UNCOMPARED`."""

    _FIELDS: ClassVar[tuple[str, ...]] = ()
    _DEFAULTS: ClassVar[dict[str, Any]] = {}
    # Each field's annotation as written ("tuple[Citation, ...]"), for dprkrel.core.codec.
    _ANNOTATIONS: ClassVar[dict[str, str]] = {}
    _UNCOMPARED: ClassVar[frozenset[str]] = frozenset()
    # The fields that equality and hashing read, in order: _FIELDS less _UNCOMPARED.
    _COMPARED: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        defaults = dict(cls._DEFAULTS)
        annotations = dict(cls._ANNOTATIONS)
        # The class's own annotations, as inspect.get_annotations reads them without its import.
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            if "ClassVar" in str(annotation):
                continue
            annotations[name] = annotation
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
        # A field a subclass annotates again keeps its place: dicts keep first insertion order.
        cls._FIELDS = tuple(annotations)
        cls._DEFAULTS = defaults
        cls._ANNOTATIONS = annotations
        cls._COMPARED = tuple(name for name in cls._FIELDS if name not in cls._UNCOMPARED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._FIELDS
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, not {len(args)}")
        values = dict(zip(fields, args, strict=False))
        if kwargs:
            for name, value in kwargs.items():
                if name in values:
                    raise TypeError(f"{type(self).__name__} got two values for {name!r}")
                values[name] = value
            unknown = values.keys() - self._ANNOTATIONS.keys()
            if unknown:
                raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        # One attribute at a time, in field order: instances of a class then share one table
        # of keys (PEP 412), which a large fact base's hundred thousand records need.
        assign = object.__setattr__
        defaults = self._DEFAULTS
        for name in fields:
            value = values.get(name, _REQUIRED)
            if value is _REQUIRED:
                value = defaults.get(name, _REQUIRED)
                if value is _REQUIRED:
                    raise TypeError(f"{type(self).__name__} needs a value for {name!r}")
            assign(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        """The fields and their values, in order (nested records stay records)."""
        return dict(self.__dict__)

    def _key(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple([values[name] for name in self._COMPARED])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.__class__, self._key()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._COMPARED)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is immutable")


def fields_of(cls: type[Frozen]) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field; the default is `REQUIRED` for a field without one."""
    return tuple((name, cls._DEFAULTS.get(name, REQUIRED)) for name in cls._FIELDS)


REQUIRED = _REQUIRED


def annotations_of(cls: type[Frozen]) -> dict[str, str]:
    """Each field's annotation, as its class writes it (a string, under PEP 563)."""
    return cls._ANNOTATIONS


def replace(record: F, **changes: Any) -> F:
    """A copy of `record` with some fields changed."""
    return type(record)(**{**record.__dict__, **changes})
