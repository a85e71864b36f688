"""Full-text fuzzy search over every record; pure, never prints."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from dprkrel import model
from dprkrel.factbase import FactBase
from dprkrel.resolve import normalise

# Scores below this are noise: an unrelated word shares a few letters with a query word.
MIN_SCORE = 60.0
# Words this short carry little meaning ("of", "in") and would match everywhere.
_MIN_WORD = 3
# A pathological query is cut here: no one searches with more words than that.
_MAX_QUERY_WORDS = 12
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """A record that matches a search, with its score from 0 to 100."""

    record: model.Record
    score: float


def record_text(record: model.Record) -> str:
    """Every piece of text a record holds, for searching: names, summaries, notes, details."""
    return " ".join(_texts(record))


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in ("origin", "sources", "citation", "KIND"):
                yield from _texts(getattr(value, field.name))


def _words(text: str) -> list[str]:
    return [word for word in _WORD.findall(normalise_words(text)) if len(word) >= _MIN_WORD]


def normalise_words(text: str) -> str:
    """Like resolve.normalise, but keeping word boundaries."""
    return " ".join(normalise(word) for word in text.split())


def search(base: FactBase, query: str, *, limit: int = 10, kinds: Collection[str] = ()) -> list[Hit]:
    """Records that contain the query's words, allowing typos and other word forms.

    Each query word scores its best fuzzy match among the record's words; a record's
    score is the mean over the query words, so every word counts. Best first, ties by id.
    """
    from rapidfuzz import fuzz, process

    query_words = list(dict.fromkeys(_words(query)))[:_MAX_QUERY_WORDS]
    if not query_words:
        return []
    hits = []
    for record in base.records:
        if kinds and record.kind not in kinds:
            continue
        words = set(_words(record_text(record)))
        if not words:
            continue
        total = 0.0
        for word in query_words:
            best = process.extractOne(word, words, scorer=fuzz.ratio)
            # A word that begins a longer one ("expel" in "expelled") counts as found.
            prefix = any(
                candidate.startswith(word) or word.startswith(candidate)
                for candidate in words
                if min(len(candidate), len(word)) >= 4
            )
            total += max(best[1] if best else 0.0, 90.0 if prefix else 0.0)
        score = round(total / len(query_words), 1)
        if score >= MIN_SCORE:
            hits.append(Hit(record, score))
    hits.sort(key=lambda hit: (-hit.score, hit.record.id))
    return hits[:limit]
