"""dprkrel: an offline, source-cited reference on North Korea's foreign relations."""
