"""Where the shipped fact base lives, installed or in a source tree."""

from __future__ import annotations

from pathlib import Path

BUILTIN_NAME = "facts.yaml"


def builtin_fact_file() -> Path:
    """The fact base shipped with dprkrel.

    A wheel carries it inside the package (dprkrel/data/facts.yaml); an editable install
    or a source checkout reads it from the top-level data/ folder, so both stay one file.
    """
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / "data" / BUILTIN_NAME
    if packaged.is_file():
        return packaged
    return package_dir.parent.parent / "data" / BUILTIN_NAME
