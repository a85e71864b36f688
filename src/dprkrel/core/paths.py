"""Where the shipped fact base lives, installed or in a source tree."""

from __future__ import annotations

import os

BUILTIN_NAME = "facts.yaml"


def builtin_fact_path() -> str:
    """The fact base shipped with dprkrel, as an absolute path.

    A wheel carries it inside the package (dprkrel/data/facts.yaml); an editable install
    or a source checkout reads it from the top-level data/ folder, so both stay one file.
    """
    package_dir = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    packaged = os.path.join(package_dir, "data", BUILTIN_NAME)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package_dir)), "data", BUILTIN_NAME)


def synonyms_path() -> str:
    """The stop words, kind words and synonyms search reads (data/synonyms.yaml), beside the
    shipped fact base: every compiled base is compiled with them."""
    return os.path.join(os.path.dirname(builtin_fact_path()), "synonyms.yaml")
