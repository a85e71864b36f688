"""Subject resolution: which entity a user means by a name, alias, code or typo; pure, never prints.

Every command that takes a subject (`dprkrel timeline spain`, `dprkrel embassy madird`,
`dprkrel show "Cao de Benós"`) resolves it here against every entity of the fact base:
its display name, its names in every language, its aliases, its codes and its id.

How a query is compared with a name:

- Both are normalised (`dprkrel.core.normalise`): folded as search folds them (case,
  width, accents and apostrophes), then hyphens, spaces and other punctuation dropped.
  Equal keys are an exact match and score 100 ("ESPAÑA", "north-korea", "northkorea").
- Otherwise rapidfuzz scores the pair, and the best of three views counts:
  the whole keys with fuzz.ratio (typos: "madird", "sweeden"); the words in any order
  with fuzz.token_sort_ratio, times REORDER_WEIGHT ("Korea, North"); and a run of
  consecutive words of a longer name with fuzz.ratio, times PART_WEIGHT ("dastis",
  "red cross", "korea").
- Codes, ids and acronyms ("DPRK") match only exactly, as do names and queries too short
  to compare fuzzily: "es" is Spain by its code, and "ma" matches nothing (a NoMatch
  suggests Madrid, and `complete` offers it).
- Hangul is compared letter by letter (as jamo, its NFD form), so one wrong letter costs
  a letter, not a whole syllable.

fuzz.WRatio was the obvious scorer, but its partial_ratio finds the query anywhere inside
a name: "ma" and "mad" score 90 against Madrid, and "korea" 90 against "Korean Friendship
Association", as much as against "North Korea". Whole-word parts keep those apart.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left

from dprkrel.core.errors import EXIT_NOT_FOUND, DprkrelError
from dprkrel.core.frozen import Frozen
from dprkrel.core.normalise import normalise, words
from dprkrel.core.store import DamagedCache

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from dprkrel.core import model
    from dprkrel.core.store import FactBase

# A match scoring below this is rejected. The weakest real matches it must let through
# are one-transposition typos of five-letter names ("spian" scores 80). Tried against
# some 6,000 English words, the band from 75 to 78 held chance resemblances ("android"
# 76.9 Madrid, "series" 76.9 Sweden) and no typos; clear non-matches ("atlantis",
# "pizza", "xyzzy", "zzzz") score below 60.
THRESHOLD = 78.0
# Other entities within this many points of the best are reported as alternatives. It is
# kept below the gap between an exact match (100) and a part of a longer name (at most
# 100 * PART_WEIGHT = 90), so "spain" is just Spain, not also "Council of Ministers of
# Spain"; while two names that share a word ("korea") tie and are both reported.
ALTERNATIVE_MARGIN = 5.0
# A query that matches only some words of a name says less than one matching it all.
PART_WEIGHT = 0.9
# The right words in another order ("Korea, North") are nearly, but not quite, the name.
REORDER_WEIGHT = 0.95
# Queries, names and parts of names shorter than this many letters (Hangul counted in
# jamo) match only exactly. Three letters one edit away from a name score 75-86 by
# chance ("col" against "Chol", "unc" against "UNSC"), and three-letter words are codes
# ("esp", "kor") or little words ("del", "les") that no one looks a subject up by.
MIN_FUZZY_CHARS = 4
# A name that begins with the query is a good suggestion even when it scores poorly
# ("ma" for Madrid): a NoMatch ranks it as if it scored this (times PART_WEIGHT when a
# later word of the name begins with the query). Below THRESHOLD: a hint, not an answer.
PREFIX_HINT_SCORE = 70.0
# Only this much of a query is compared. The longest name is well under a hundred
# characters, so a longer query cannot be a typo of one, and cutting it keeps a pasted
# 10,000-character query as quick to answer as a short one.
MAX_QUERY_CHARS = 200
# How many suggestions a NoMatch names.
MAX_SUGGESTIONS = 3
# A NoMatch suggests an entity only when it scores this much, or begins with the query.
# Measured on names the base does not hold (tests/test_resolve.py lists them): other
# countries, cities, people and organisations score at most 72 against the base's names
# ("united states" against United Nations), while typos too far off to be accepted score
# 74 and more ("dastsi" 75 against Alfonso Dastis).
SUGGESTION_SCORE = 74.0
# A single word of a person's name ("kim", "cao"), or the beginning of it ("kim hy"), finds
# that person when no other person has it: scored like a part of a longer name, and a
# beginning a little lower, both above THRESHOLD.
PERSON_WORD_SCORE = 90.0
PERSON_PREFIX_SCORE = 85.0
# Words of people's names shorter than this ("de", "y") find nobody by themselves.
MIN_PERSON_WORD_CHARS = 3
# How much of a query a NoMatch message repeats, so that it stays one readable line.
_MAX_SHOWN_CHARS = 60


def _letters(key: str) -> str:
    """The form rapidfuzz compares: Hangul split into jamo, so a typo costs one letter."""
    return unicodedata.normalize("NFD", key)


def _query_keys(query: str) -> tuple[str, str]:
    """A query as its names are compared: its words' letters, spaced, and run together."""
    spaced = _letters(words(query[:MAX_QUERY_CHARS]))
    return spaced, spaced.replace(" ", "")


class Match(Frozen):
    """A subject a query matched: the entity's id, display name and kind, and the score of
    the best of its names. `as_dict()` is its JSON form, fields in this order."""

    id: str
    name: str
    kind: str
    score: float


class Resolution(Frozen):
    """The entity a query resolved to, and others that scored nearly as well; `matched_texts`
    holds the name, alias or code each of them was matched by (best first), as written."""

    query: str
    best: Match
    alternatives: tuple[Match, ...]
    matched_texts: tuple[str, ...]

    @property
    def matched_text(self) -> str:
        """The name, alias or code the best match was matched by."""
        return self.matched_texts[0]


def _shown(query: str) -> str:
    """The query as a message repeats it: on one line, and cut when long."""
    text = "".join(char if char.isprintable() else " " for char in query)
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[: _MAX_SHOWN_CHARS - 1] + "…"
    return text


class NoMatch(DprkrelError):
    """No entity matches a subject well enough: says what the base covers, and names the
    nearest entities when they are genuinely close."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, query: str, suggestions: tuple[Match, ...] = (), covered: str = "") -> None:
        self.query = query
        self.suggestions = suggestions
        if covered and words(query):
            message = f"'{_shown(query)}' is not in the fact base ({covered}; 'dprkrel subjects' lists them)."
        else:
            message = f"No subject matches '{_shown(query)}'."
        if suggestions:
            message += f" Did you mean: {', '.join(match.name for match in suggestions)}?"
        super().__init__(message)


# How a count of subjects of each kind is said: (one, many).
_KIND_NOUNS = {
    "person": ("person", "people"),
    "city": ("city", "cities"),
    "country": ("country", "countries"),
    "organisation": ("organisation or body", "organisations and bodies"),
}


def _counted(count: int, kind: str) -> str:
    one, many = _KIND_NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
    return f"{count} {one if count == 1 else many}"


class _Key:
    """One text an entity can be found by."""

    __slots__ = ("entity", "fuzzy", "order", "text")

    def __init__(self, entity: int, text: str, order: int, fuzzy: bool) -> None:
        self.entity = entity  # position in SubjectIndex.entities
        self.text = text  # as the fact file writes it
        self.order = order  # position among the entity's keys: of two that score alike, the earlier is shown
        self.fuzzy = fuzzy  # False for codes, ids and very short names, which match only exactly


# Per entity: (score, key order, key position) of its best key so far.
_Best = dict[int, tuple[float, int, int]]


def _keep(best: _Best, key: _Key, position: int, score: float) -> None:
    score = round(score, 1)
    current = best.get(key.entity)
    if current is None or (score, -key.order) > (current[0], -current[1]):
        best[key.entity] = (score, key.order, position)


class SubjectIndex:
    """Every text each entity can be found by, prepared once for matching and completion.

    Build it with `SubjectIndex.of(base)`, which keeps one per fact base.
    """

    def __init__(self, entities: Iterable[model.Entity], involvement: Mapping[str, int] | None = None) -> None:
        entities = tuple(entities)
        involvement = involvement or {}
        # Per entity, what a Match shows (id, name, kind) and how many records involve it,
        # which settles a tie ("korea" is North Korea in a base about it), so the index can
        # be stored with a compiled base.
        self.entities: list[tuple[str, str, str, int]] = [
            (entity.id, entity.name, entity.entity_kind, involvement.get(entity.id, 0)) for entity in entities
        ]
        self._person_words: dict[str, list[int]] = {}  # a word of a person's names -> those people
        self._keys: list[_Key] = []
        self._exact: dict[str, list[int]] = {}
        self._full: list[str] = []  # per key, its letters (for fuzz.ratio)
        self._spaced: list[str] = []  # per key, its words' letters (for fuzz.token_sort_ratio)
        self._parts: list[str] = []  # runs of consecutive words of longer names
        self._part_keys: list[int] = []  # per part, the key it comes from
        completions: dict[str, str] = {}
        for position, entity in enumerate(entities):
            # (text, may match fuzzily, offered for completion): ids are for people who copy
            # them from an answer ("South Korea (kor)"), not words to complete.
            texts = [
                *((text, True, True) for text in (entity.name, *(name.text for name in entity.names))),
                *((text, True, True) for text in entity.aliases),
                *((text, True, True) for text in entity.former_names),
                *((code, False, True) for code in entity.codes),
                (entity.id, False, False),
            ]
            seen: set[str] = set()
            for text, fuzzy, completes in texts:
                spaced = _letters(words(text))
                full = spaced.replace(" ", "")
                if not full or full in seen:
                    continue
                seen.add(full)
                # An acronym ("DPRK", "ECHO") one letter off is another acronym, not a typo.
                acronym = text.isupper() and " " not in spaced
                key = _Key(position, text, len(seen), fuzzy and not acronym and len(full) >= MIN_FUZZY_CHARS)
                index = len(self._keys)
                self._keys.append(key)
                self._exact.setdefault(full, []).append(index)
                self._full.append(full)
                self._spaced.append(spaced)
                if completes:
                    # The first entity in file order to use a text offers it for completion.
                    completions.setdefault(full, text)
                if key.fuzzy:
                    self._add_parts(index, spaced.split())
                if entity.entity_kind == "person" and fuzzy:
                    for word in spaced.split():
                        people = self._person_words.setdefault(word, [])
                        if len(word) >= MIN_PERSON_WORD_CHARS and position not in people:
                            people.append(position)
        self._completions = sorted(completions.items())
        self._completion_keys = [full for full, _text in self._completions]

    def to_state(self) -> dict[str, Any]:
        """The index as plain tables, to store with a compiled fact base (see `from_store`).

        Each table is stored and read on its own: an exact name needs only `exact`, `keys`
        and `entities`; completion only `completions`; only a fuzzy match needs the rest.
        """
        return {
            "entities": [list(entity) for entity in self.entities],
            "keys": [[key.entity, key.text, key.order, key.fuzzy] for key in self._keys],
            "exact": self._exact,
            "spaced": self._spaced,
            "parts": self._parts,
            "part_keys": self._part_keys,
            "completions": [list(item) for item in self._completions],
            "person_words": self._person_words,
        }

    @classmethod
    def from_store(cls, fetch: Callable[[str], Any]) -> SubjectIndex:
        """The index `to_state` stored, each table fetched by name when first needed."""
        index = cls.__new__(cls)
        index.__dict__["_fetch"] = fetch
        return index

    def __getattr__(self, name: str) -> Any:
        # Only called for a table not yet read from the store (see from_store).
        table = _STORED_TABLES.get(name)
        fetch = self.__dict__.get("_fetch")
        if table is None or fetch is None:
            raise AttributeError(name)
        stored, convert = table
        try:
            value = convert(fetch(stored))
        except (KeyError, TypeError, ValueError):
            raise DamagedCache("the compiled fact base is damaged (subject index)") from None
        setattr(self, name, value)
        return value

    def _add_parts(self, index: int, words: list[str]) -> None:
        parts = set()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                run = words[start:end]
                if len(run) == len(words) or all(len(word) < MIN_FUZZY_CHARS for word in run):
                    continue
                part = "".join(run)
                if part not in parts:
                    parts.add(part)
                    self._parts.append(part)
                    self._part_keys.append(index)

    @classmethod
    def of(cls, base: FactBase) -> SubjectIndex:
        """The index of a fact base's entities, built on first use and kept while the base lives."""
        # Kept by the base itself, so it goes with the base; a registry of live bases would
        # need weak references, and weakref costs a millisecond at start-up.
        index = base.derived.get(_DERIVED_KEY)
        if not isinstance(index, SubjectIndex):
            index = cls.from_store(lambda table: base.meta(f"subjects:{table}"))
            base.derived[_DERIVED_KEY] = index
        return index

    def _ranked(self, best: _Best) -> list[tuple[Match, int]]:
        """Each entity's Match, best first, with the position of the key it matched by."""
        ranked = []
        for score, _order, position in best.values():
            id_, name, kind, involvement = self.entities[self._keys[position].entity]
            ranked.append((Match(id_, name, kind, score), position, involvement))
        # Scores are rounded before they are compared, so equal-looking scores are equal;
        # the tie goes to the entity more of the base involves, then to the smaller id: the
        # same query always gets the same answer.
        ranked.sort(key=lambda row: (-row[0].score, -row[2], row[0].id))
        return [(match, position) for match, position, _involvement in ranked]

    def candidates(self, query: str) -> tuple[list[Match], list[Match]]:
        """Every entity the query matches, best first; and the nearest ones however poorly.

        The first list holds one Match per entity that the rules allow to match (each
        with its best name), unfiltered by THRESHOLD; the second scores every entity
        fuzzily, short queries and exact-only keys included, and counts a name that
        begins with the query as PREFIX_HINT_SCORE: it ranks suggestions, so a short
        query's suggestion may show a score the rules did not let it match with.
        """
        accepted, nearest, _hinted = self._candidates(query)
        return [match for match, _key in accepted], [match for match, _key in nearest]

    def _candidates(self, query: str) -> tuple[list[tuple[Match, int]], list[tuple[Match, int]], set[str]]:
        """As `candidates`, with the key each matched by; and the ids of entities a name of
        which begins with the query."""
        from rapidfuzz import fuzz, process

        spaced, full = _query_keys(query)
        if not full:
            return [], [], set()
        accepted: _Best = {}
        nearest: _Best = {}
        fuzzy_query = len(full) >= MIN_FUZZY_CHARS
        for position in self._exact.get(full, ()):
            _keep(accepted, self._keys[position], position, 100.0)
            _keep(nearest, self._keys[position], position, 100.0)
        views = (
            (full, self._full, fuzz.ratio, 1.0, None),
            (spaced, self._spaced, fuzz.token_sort_ratio, REORDER_WEIGHT, None),
            (full, self._parts, fuzz.ratio, PART_WEIGHT, self._part_keys),
        )
        for text, choices, scorer, weight, owners in views:
            for _choice, score, i in process.extract(text, choices, scorer=scorer, limit=None):
                position = owners[i] if owners is not None else i
                key = self._keys[position]
                _keep(nearest, key, position, score * weight)
                if fuzzy_query and key.fuzzy:
                    _keep(accepted, key, position, score * weight)
        hinted: set[str] = set()
        for position, choice in enumerate(self._full):
            if choice.startswith(full):
                _keep(nearest, self._keys[position], position, PREFIX_HINT_SCORE)
                hinted.add(self.entities[self._keys[position].entity][0])
        for i, choice in enumerate(self._parts):
            position = self._part_keys[i]
            if choice.startswith(full):
                _keep(nearest, self._keys[position], position, PREFIX_HINT_SCORE * PART_WEIGHT)
                hinted.add(self.entities[self._keys[position].entity][0])
        return self._ranked(accepted), self._ranked(nearest), hinted

    def _person(self, query: str) -> list[tuple[Match, int]]:
        """The one person a word of whose names is the query ("kim"), or whose name begins
        with it ("kim hy"); nothing when no person, or more than one, has it."""
        spaced, full = _query_keys(query)
        if len(full) < MIN_PERSON_WORD_CHARS:
            return []
        people = self._person_words.get(full, []) if " " not in spaced else []
        score = PERSON_WORD_SCORE
        if not people:
            score = PERSON_PREFIX_SCORE
            people = sorted(
                {
                    self._keys[position].entity
                    for position, choice in enumerate(self._full)
                    if choice.startswith(full) and self.entities[self._keys[position].entity][2] == "person"
                }
            )
        if len(people) != 1:
            return []
        best: _Best = {}
        for position, key in enumerate(self._keys):
            if key.entity == people[0] and key.fuzzy:
                _keep(best, key, position, score)
        return self._ranked(best)[:1]

    def covered(self) -> str:
        """What the base covers, in a few words: "32 subjects: 6 countries, 4 cities, ..."."""
        kinds: dict[str, int] = {}
        for _id, _name, kind, _involvement in self.entities:
            group = kind if kind in _KIND_NOUNS else "organisation"
            kinds[group] = kinds.get(group, 0) + 1
        if not kinds:
            return ""
        order = ("country", "city", "person", "organisation")
        parts = ", ".join(_counted(kinds[kind], kind) for kind in order if kind in kinds)
        total = len(self.entities)
        return f"{total} subject{'s' if total != 1 else ''}: {parts}"

    def listing(self) -> list[tuple[str, str, str, int]]:
        """Every entity: (id, name, kind, how many records involve it)."""
        return list(self.entities)

    def _exact_matches(self, query: str) -> list[tuple[Match, int]]:
        """Entities with a name, alias or code equal to the query once normalised."""
        full = _letters(normalise(query[:MAX_QUERY_CHARS]))
        best: _Best = {}
        for position in self._exact.get(full, ()) if full else ():
            _keep(best, self._keys[position], position, 100.0)
        return self._ranked(best)

    def resolve(self, query: str) -> Resolution:
        """See `resolve`."""
        exact = self._exact_matches(query)
        if exact:
            # A name typed exactly needs no fuzzy scoring (and no rapidfuzz import): any other
            # entity that also bears that exact name is still reported as an alternative.
            return self._resolution(query, exact)
        accepted, nearest, hinted = self._candidates(query)
        if not accepted or accepted[0][0].score < THRESHOLD:
            person = self._person(query)
            if person:
                return self._resolution(query, person)
            # Only a genuinely close name, or one that begins with the query, is suggested:
            # the nearest of unrelated names would only puzzle.
            suggestions = tuple(
                match for match, _key in nearest if match.score >= SUGGESTION_SCORE or match.id in hinted
            )[:MAX_SUGGESTIONS]
            raise NoMatch(query, suggestions, self.covered())
        floor = max(THRESHOLD, accepted[0][0].score - ALTERNATIVE_MARGIN)
        return self._resolution(query, [pair for pair in accepted if pair[0].score >= floor])

    def _resolution(self, query: str, ranked: list[tuple[Match, int]]) -> Resolution:
        texts = tuple(self._keys[key].text for _match, key in ranked)
        return Resolution(query, ranked[0][0], tuple(match for match, _key in ranked[1:]), texts)

    def complete(self, prefix: str, limit: int = 20) -> list[str]:
        """See `complete`."""
        start = _letters(normalise(prefix[:MAX_QUERY_CHARS]))
        found: list[str] = []
        # The candidates are sorted by key, so those starting with the prefix are adjacent.
        for full, text in self._completions[bisect_left(self._completion_keys, start) :]:
            if len(found) >= limit or not full.startswith(start):
                break
            found.append(text)
        return found


# The stored tables of a SubjectIndex: attribute -> (stored name, how to rebuild it).
_STORED_TABLES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "entities": ("entities", lambda rows: [(id_, name, kind, involved) for id_, name, kind, involved in rows]),
    "_person_words": ("person_words", dict),
    "_keys": ("keys", lambda rows: [_Key(*row) for row in rows]),
    "_exact": ("exact", dict),
    "_spaced": ("spaced", list),
    "_full": ("spaced", lambda rows: [spaced.replace(" ", "") for spaced in rows]),
    "_parts": ("parts", list),
    "_part_keys": ("part_keys", list),
    "_completions": ("completions", lambda rows: [(full, text) for full, text in rows]),
    "_completion_keys": ("completions", lambda rows: [full for full, _text in rows]),
}


# Where a fact base keeps its SubjectIndex (see SubjectIndex.of).
_DERIVED_KEY = "resolve.SubjectIndex"


def resolve(base: FactBase, query: str) -> Resolution:
    """The entity a subject names, and the others it could as well mean.

    Raises NoMatch, naming the nearest entities, when nothing scores THRESHOLD or more;
    also for a blank query or one of punctuation only.
    """
    return SubjectIndex.of(base).resolve(query)


def complete(base: FactBase, prefix: str, *, limit: int = 20) -> list[str]:
    """Names, aliases and codes that start with the prefix, for shell completion.

    Compared by normalised key ("ma" finds "Madrid", "espa" finds "España"), sorted by that
    key, one text per key, at most `limit` of them.
    """
    return SubjectIndex.of(base).complete(prefix, limit)
