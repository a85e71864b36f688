"""Where the shipped fact base lives, installed or in a source tree."""

from __future__ import annotations

import os

# The shipped fact base: the curated facts, then the listings that scripts/wikidata_missions.py
# writes from the 2022 missions table (they refer to the curated records, never the reverse).
BUILTIN_NAMES = ("facts.yaml", "missions-2022.yaml")


def builtin_data_dir() -> str:
    """The folder of the shipped fact files, as an absolute path.

    A wheel carries them inside the package (dprkrel/data/); an editable install or a source
    checkout reads them from the top-level data/ folder, so both stay one set of files.
    """
    package_dir = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    packaged = os.path.join(package_dir, "data")
    if os.path.isfile(os.path.join(packaged, BUILTIN_NAMES[0])):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package_dir)), "data")


def builtin_fact_paths() -> tuple[str, ...]:
    """The shipped fact files, in the order they are read."""
    folder = builtin_data_dir()
    return tuple(os.path.join(folder, name) for name in BUILTIN_NAMES)


def builtin_fact_path() -> str:
    """The curated fact file of the shipped base (data/facts.yaml): valid on its own."""
    return builtin_fact_paths()[0]


def synonyms_path() -> str:
    """The stop words, kind words and synonyms search reads (data/synonyms.yaml), beside the
    shipped fact base: every compiled base is compiled with them."""
    return os.path.join(builtin_data_dir(), "synonyms.yaml")
