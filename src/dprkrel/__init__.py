"""dprkrel: an offline, source-cited reference on North Korea's foreign relations."""

# The single place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"
