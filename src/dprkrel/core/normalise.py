"""Text folded for matching, one way for subjects, completion and search; pure.

"Pyongyang", "P'yongyang", "PYŎNGYANG" and the name with U+02BB ("P\u02bby\u014fngyang")
all fold alike.
Folding a whole text at once with the C-level codecs and one regular expression is what a
compile of a large base can afford, since every word of every record passes through it.
"""

from __future__ import annotations

import re
import unicodedata

# Combining diacritical marks (the blocks Latin, Greek and Cyrillic accents come from), and
# apostrophes, which join a word rather than split it: "P'yŏngyang" is one word, and the
# spaced form of "People's" stays one word. U+02BC and U+02BB are letters to Unicode.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f'`\u2018\u2019\u02bc\u02bb]")
# Letters without a decomposition, spelt as their readers type them.
_FOLDS = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "\u0131": "i", "æ": "ae", "œ": "oe", "þ": "th"})
# What separates words once folded: everything but letters and digits.
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case, width and accents folded away ("Benós" → "benos"), Hangul kept in syllables.

    NFKD first: full-width letters (U+FF21 on) become ASCII, and Hangul however typed
    (syllables, or jamo as some systems send them) comes back composed from the final NFC.
    The words and whatever stands between them are kept.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed)).translate(_FOLDS)


def words(text: str) -> str:
    """The folded words of a text, letters and digits only, separated by single spaces."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def normalise(text: str) -> str:
    """The key subjects are matched by: two names with the same key are the same name.

    Folded (see `fold`), and everything but letters and digits dropped, spaces included:
    "España", "ESPANA" and "espana" are all "espana"; "North-Korea" and "north korea" are
    "northkorea"; Korean stays in composed syllables ("에스빠냐").
    """
    return _NOT_WORD.sub("", fold(text))
