"""Full-text fuzzy search over every record, through an index of words; pure, never prints.

When a fact base is compiled, each record's words are put in an inverted index: the
vocabulary (every distinct word) and, per word, the records that hold it. A search then
compares the query's words with the vocabulary, not with every record, and builds only
the records it returns: a hundred thousand records cost little more than fifty.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import compress

from dprkrel.core import model
from dprkrel.core.codec import dataclass_fields
from dprkrel.core.frozen import Frozen
from dprkrel.core.normalise import fold

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence
    from typing import Any

    from dprkrel.core.store import FactBase

# Records scoring below this are noise: an unrelated word shares a few letters with a query word.
MIN_SCORE = 60.0
# A query word counts towards a record only when the record has a word at least this close;
# below it the resemblance is mostly chance ("embassy" and "assembly" score 53).
WORD_FLOOR = 60.0
# A record word that begins with the query word, or that the query word begins with
# ("expel", "expelled"), counts as this good when both have at least _MIN_STEM letters.
PREFIX_SCORE = 90.0
_MIN_STEM = 4
# Words this short carry little meaning ("of", "in") and would match everywhere.
_MIN_WORD = 3
# A pathological query is cut here: no one searches with more words than that.
_MAX_QUERY_WORDS = 12
_WORD = re.compile(r"\w+")


class Hit(Frozen):
    """A record that matches a search, with its score from 0 to 100."""

    record: model.Record
    score: float


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    else:
        kind: type = type(value)
        for name, _default in dataclass_fields(kind):
            # Ids are shown beside each result, not searched: their running numbers would
            # crowd the vocabulary of a large base.
            if name not in ("id", "sources", "citation", "origin"):
                yield from _texts(getattr(value, name))


def words_of(text: str) -> list[str]:
    """The folded words of a text (see normalise.fold) that are long enough to search by;
    numbers of more than four digits (serial numbers, not years) are left out."""
    return [
        word for word in _WORD.findall(fold(text)) if len(word) >= _MIN_WORD and not (len(word) > 4 and word.isdigit())
    ]


def record_words(record: model.Record) -> set[str]:
    """Every word a record holds in its names, summaries, notes and details."""
    return {word for text in _texts(record) for word in words_of(text)}


def headline_words(record: model.Record) -> set[str]:
    """The words of what a record is about at first glance: its name, title or summary.

    Among records that match a query equally well, one whose headline holds more of the
    query is more about it: "embassy madrid" puts the Madrid embassy before a person whose
    note mentions it.
    """
    headline = getattr(record, "name", "") or getattr(record, "title", "") or getattr(record, "summary", "")
    if isinstance(record, model.Advisory):
        headline = record.scope
    return set(words_of(headline))


def index(records: Sequence[model.Record]) -> tuple[list[int], Iterator[tuple[int, bytes, bytes]], str]:
    """The search index of these records, as the store keeps it (see store.write).

    Per record, in order, how many words its headline holds; the postings, for each word of
    the vocabulary (by its number) the positions of the records that hold it, packed, and a
    byte for each that is 1 when the word is in the record's headline; and the vocabulary,
    one word a line, sorted, so that a search finds the words beginning with a prefix by
    bisection. The words are worked out twice rather than kept: for a large base, keeping
    them costs more memory.
    """
    from array import array

    distinct: set[str] = set()
    for record in records:
        distinct.update(record_words(record))
    vocabulary = {word: number for number, word in enumerate(sorted(distinct))}
    del distinct
    headline_sizes: list[int] = []
    postings: dict[int, tuple[array[int], bytearray]] = {}
    for pos, record in enumerate(records):
        headline = headline_words(record)
        headline_sizes.append(len(headline))
        for word in record_words(record):
            positions, heads = postings.setdefault(vocabulary[word], (array("i"), bytearray()))
            positions.append(pos)
            heads.append(word in headline)
    rows = ((word, positions.tobytes(), bytes(heads)) for word, (positions, heads) in postings.items())
    # One string, not a list: decoding one long JSON string is far quicker than a list of
    # a hundred thousand short ones, and words never hold a line break.
    return headline_sizes, rows, "\n".join(vocabulary)


def _word_scores(query_word: str, vocabulary: list[str]) -> dict[int, float]:
    """How well each vocabulary word matches one query word, for those at WORD_FLOOR or more.

    The vocabulary is sorted, so the words that begin with the query word are one run of it,
    found by bisection rather than by a look at every word.
    """
    from rapidfuzz import fuzz, process

    scores = {
        index: score
        for _word, score, index in process.extract(
            query_word, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_FLOOR, limit=None
        )
    }
    if len(query_word) >= _MIN_STEM:
        index = bisect_left(vocabulary, query_word)
        while index < len(vocabulary) and vocabulary[index].startswith(query_word):
            scores[index] = max(scores.get(index, 0.0), PREFIX_SCORE)
            index += 1
        for end in range(_MIN_STEM, len(query_word)):
            stem = query_word[:end]
            index = bisect_left(vocabulary, stem)
            if index < len(vocabulary) and vocabulary[index] == stem:
                scores[index] = max(scores.get(index, 0.0), PREFIX_SCORE)
    return scores


def search(base: FactBase, query: str, *, limit: int = 10, kinds: Collection[str] = ()) -> list[Hit]:
    """Records that hold the query's words, allowing typos and other word forms.

    Each query word scores its best match among the record's words (0 when none reaches
    WORD_FLOOR); a record's score is the mean over the query words, so every word counts.
    Best first; equal scores go to the record whose headline holds more of the query, then
    to the shorter headline, then by id. Only the records returned are built.
    """
    query_words = list(dict.fromkeys(words_of(query)))[:_MAX_QUERY_WORDS]
    if not query_words:
        return []
    stored: str = base.meta("vocabulary")
    vocabulary = stored.split("\n") if stored else []
    totals: dict[int, float] = {}
    held: dict[int, int] = {}
    for query_word in query_words:
        scores = _word_scores(query_word, vocabulary)
        best: dict[int, float] = {}
        in_headline: set[int] = set()
        # Best-scoring words first: a record takes the score of the first word it holds.
        # Set operations rather than a loop per posting: a common word holds thousands.
        for word, positions, heads in sorted(base.postings(scores), key=lambda row: -scores[row[0]]):
            best.update(dict.fromkeys(set(positions).difference(best), scores[word]))
            in_headline.update(compress(positions, heads))
        for pos, score in best.items():
            totals[pos] = totals.get(pos, 0.0) + score
        for pos in in_headline:
            held[pos] = held.get(pos, 0) + 1
    # Only records that can reach MIN_SCORE once rounded are scored in full.
    least = (MIN_SCORE - 0.05) * len(query_words)
    ranked = {pos: round(total / len(query_words), 1) for pos, total in totals.items() if total >= least}
    ranked = {pos: score for pos, score in ranked.items() if score >= MIN_SCORE}
    summaries = base.summaries_at(ranked)  # (id, kind, headline size)
    if kinds:
        ranked = {pos: score for pos, score in ranked.items() if summaries[pos][1] in kinds}
    order = sorted(
        ranked,
        key=lambda pos: (-ranked[pos], -held.get(pos, 0), summaries[pos][2], summaries[pos][0]),
    )[:limit]
    records = base.at(order)
    return [Hit(records[pos], ranked[pos]) for pos in order if pos in records]
