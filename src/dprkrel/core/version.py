"""The version of dprkrel: written here only; pyproject.toml and the compiled cache read it."""

__version__ = "0.1.0"
