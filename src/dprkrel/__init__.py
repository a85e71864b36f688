"""dprkrel: an offline, source-cited reference on North Korea's foreign relations.

As a library: open the fact base, then ask it what the commands ask. Each function returns
the same result the command line renders; `to_json()` gives exactly its `--json` output.

    >>> import dprkrel
    >>> base = dprkrel.open_base()
    >>> result = dprkrel.timeline(base, "spain", since="2017")
    >>> result.items[0].record.date[0].value.iso()
    '2017-09-19'

Errors are `DprkrelError`s: `DataError` for fact files that cannot be used, `UsageError`
for an argument that cannot be, `SubjectNotFound` for a subject that matches nothing.
"""

from dprkrel.core.commands import (
    SubjectNotFound,
    advisory,
    missions,
    open_base,
    search,
    show,
    sources,
    timeline,
    validate,
)
from dprkrel.core.dates import PartialDate
from dprkrel.core.errors import DataError, DprkrelError, UsageError
from dprkrel.core.results import Item, Result, Validation
from dprkrel.core.store import FactBase
from dprkrel.core.version import __version__

__all__ = [
    "DataError",
    "DprkrelError",
    "FactBase",
    "Item",
    "PartialDate",
    "Result",
    "SubjectNotFound",
    "UsageError",
    "Validation",
    "__version__",
    "advisory",
    "missions",
    "open_base",
    "search",
    "show",
    "sources",
    "timeline",
    "validate",
]
