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
  to compare fuzzily: "es" is Spain by its code, and "ma" matches nothing.
- Hangul is compared letter by letter (as jamo, its NFD form), so one wrong letter costs
  a letter, not a whole syllable.

A score says how alike two spellings are, not whether one is a slip for the other: "zambia"
scores 83 against "Gambia", as much as the typo "madird" against "Madrid", and "Republic of
Iceland" 94 against "Republic of Ireland". So a query that is not a name, a run of words of
one, or a name's words in another order, is taken for a name only when it is also a
plausible typo of it (`_slips`): word by word, at most one slip of the fingers, two in a
word of LONG_WORD_CHARS letters or more, where a slip is a letter left out, doubled or
swapped with the next, or one struck for a neighbouring key or a vowel for another vowel;
any other wrong or extra letter counts as two. A typo of only a word of a longer name
("dastsi") is not an answer, only a suggestion.

When a query is a word several names share ("korea", "red cross"), the names it is most
of (at least half their words: "North Korea", "Spanish Red Cross") are what it means; names
that only carry it among more words ("Workers' Party of Korea", "United States Forces
Korea") are named after it, and are not reported beside them.

A NoMatch suggests only what a user may have meant: plausible typos, the subjects whose
name begins with the query when they are few enough to name them all ("mad": Madrid,
Madagascar, Madeleine Albright), and the people who share a word of their names ("kim").

fuzz.WRatio was the obvious scorer, but its partial_ratio finds the query anywhere inside
a name: "ma" and "mad" score 90 against Madrid, and "korea" 90 against "Korean Friendship
Association", as much as against "North Korea". Whole-word parts keep those apart.
"""

from __future__ import annotations

import re
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
# are one-transposition typos of five-letter names ("spian" scores 80). One slip in a
# four-letter name scores 75 ("cbua" for Cuba), as do English words one letter off a name
# ("barn" Bern, "seam" Siam): those are suggestions, not answers. Measured, with the typo
# rule, on the shipped base of 417 subjects against: one slip of each kind in each of its
# names (9,685 typos), 10,000 English words of 4 to 14 letters, and some 580 real names of
# countries (ISO 3166), cities, people and bodies that are no name of the base. Lowering
# it to 75 would answer 72 more typos (all of four-letter names), 2 more as the wrong
# subject and 5 more English words; raising it to 80 would change one answer. No real
# name outside the base is then taken for one inside by its likeness (55 were without the
# typo rule); 8,599 of the typos are (98.6% were: the rest have a letter no slip explains).
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
# A word of a name this long may carry two slips and still be a plausible typo of it;
# shorter words, one. Measured on the sets of THRESHOLD: at 7 letters two real names are
# taken for others ("colombia" for Colombo, "niger" for Nigeria) and 15 English words pass
# for typos; at 8, none and 7; at 9, none and 5, but 215 more of the typos go unanswered.
LONG_WORD_CHARS = 8
# A name that begins with the query is a good suggestion even when it scores poorly
# ("mad" for Madrid): a NoMatch ranks it as if it scored this (times PART_WEIGHT when a
# later word of the name begins with the query). Below THRESHOLD: a hint, not an answer.
# Only when at most MAX_SUGGESTIONS subjects have such a name: a beginning that many names
# share ("ma") points to none of them.
PREFIX_HINT_SCORE = 70.0
# Only this much of a query is compared. The longest name is well under a hundred
# characters, so a longer query cannot be a typo of one, and cutting it keeps a pasted
# 10,000-character query as quick to answer as a short one.
MAX_QUERY_CHARS = 200
# How many suggestions a NoMatch names.
MAX_SUGGESTIONS = 3
# A NoMatch suggests a plausible typo only when it scores this much: a slip in a four-letter
# name, or in a six-letter word of a longer name ("dastsi" for Alfonso Dastis), scores 75.
# On the sets of THRESHOLD, at 76 the 72 typos that score 75 lose their suggestion; at 70,
# 17 more English words get one, and no typo. Of the real names outside the base, two
# get a suggestion: "niger" Nigeria (the beginning of the name), "panama" the Angkor
# Panorama Museum ("Panorama", two letters short); "ankara" among cities, Thomas Sankara.
SUGGESTION_SCORE = 74.0
# Names scoring less than this against a query are not near it at all (candidates' second
# list stops here, which also keeps a query that matches nothing quick to answer).
_NEAREST_SCORE = 50.0
# A single word of a person's name ("cao"), or a beginning of it past its first word
# ("kim hy"), finds that person when nobody else has it: scored like a part of a longer
# name, and a beginning a little lower, both above THRESHOLD. A word several people have
# ("kim") finds none of them, and the NoMatch names them.
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


# -- plausible typos -------------------------------------------------------------------------

# The letter keys of a QWERTY keyboard, row by row; each row sits a quarter, then half, a key
# further right than the one above, so a key's neighbours are the keys around it.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_AT = {
    char: (row, column + (0.0, 0.25, 0.75)[row]) for row, keys in enumerate(_ROWS) for column, char in enumerate(keys)
}
_NEIGHBOURS = {
    char: frozenset(
        other
        for other, (other_row, other_column) in _AT.items()
        if other != char and abs(other_row - row) <= 1 and abs(other_column - column) <= 1.0
    )
    for char, (row, column) in _AT.items()
}
# Vowels, Latin and Hangul (the medial jamo, U+1161 to U+1175): one is easily written for
# another in a name heard or romanised ("Pyeongyang", "Seul", "서을").
_VOWELS = frozenset("aeiouy" + "".join(chr(code) for code in range(0x1161, 0x1176)))


def _substitution(typed: str, meant: str) -> int:
    """What striking `typed` for `meant` costs: a neighbouring key or another vowel is one
    slip, any other letter two. Letters off the keyboard (Hangul jamo, digits) cost one."""
    if typed in _VOWELS and meant in _VOWELS:
        return 1
    if typed not in _AT or meant not in _AT:
        return 1
    return 1 if typed in _NEIGHBOURS[meant] else 2


def _insertion(typed: str, at: int) -> int:
    """What the extra letter typed[at] costs: one slip when it doubles a letter beside it,
    is a key next to one ("sweeden", "madrird"), or is a vowel beside a vowel, as names are
    romanised ("Cheongjin", "Kim Jong Eun"); two otherwise."""
    char = typed[at]
    if char not in _AT:
        return 1
    for beside in typed[max(at - 1, 0) : at] + typed[at + 1 : at + 2]:
        if beside == char or char in _NEIGHBOURS.get(beside, ()) or (char in _VOWELS and beside in _VOWELS):
            return 1
    return 2


def _slips(typed: str, meant: str) -> int:
    """How many slips turn `meant` into `typed`: a letter left out or two swapped count one,
    a wrong or extra letter one or two (`_substitution`, `_insertion`); the least total."""
    if typed == meant:
        return 0
    extra = [_insertion(typed, at) for at in range(len(typed))]
    previous2: list[int] = []
    previous = list(range(len(meant) + 1))
    for i in range(1, len(typed) + 1):
        current = [previous[0] + extra[i - 1]]
        for j in range(1, len(meant) + 1):
            if typed[i - 1] == meant[j - 1]:
                cost = previous[j - 1]
            else:
                cost = previous[j - 1] + _substitution(typed[i - 1], meant[j - 1])
            cost = min(cost, previous[j] + extra[i - 1], current[j - 1] + 1)
            if i > 1 and j > 1 and typed[i - 1] == meant[j - 2] and typed[i - 2] == meant[j - 1]:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _allowed(word: str) -> int:
    """How many slips a word may carry and still be taken for a typo of itself."""
    return 2 if len(word) >= LONG_WORD_CHARS else 1


def _plausible(typed: list[str], meant: list[str]) -> bool:
    """Whether the typed words are a plausible typo of a name's words: word by word when
    there are as many, so that words the two share ("Republic of") excuse no slip in the
    others; else the letters run together."""
    if len(typed) == len(meant):
        return all(_slips(word, name) <= _allowed(name) for word, name in zip(typed, meant, strict=True))
    joined = "".join(meant)
    return _slips("".join(typed), joined) <= _allowed(joined)


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
    nearest entities when they are genuinely close. `shared_by`, when not 0, is how many
    people have the query as a word of their names ("kim"): it names none of them alone."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, query: str, suggestions: tuple[Match, ...] = (), covered: str = "", shared_by: int = 0) -> None:
        self.query = query
        self.suggestions = suggestions
        self.shared_by = shared_by
        if shared_by:
            message = (
                f"'{_shown(query)}' could be any of {shared_by} people in the fact base "
                "('dprkrel subjects --kind person' lists them)."
            )
        elif covered and words(query):
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


# Per entity: (score, whether the query is most of the name, key order, key position) of its
# best key so far. A query is most of a name when it is the whole of it, or a run of at
# least half its words ("korea" of "North Korea", not of "Workers' Party of Korea").
_Best = dict[int, tuple[float, bool, int, int]]
# A ranked match: the Match, the position of the key it matched by, and whether the query is
# most of that name.
_Ranked = tuple[Match, int, bool]


def _little(name: list[str], text: str) -> set[str]:
    """The little words of a name: those shorter than MIN_FUZZY_CHARS that the name, as
    written, writes in lower case ("of", "del", "de"; not "US", "Kim")."""
    return {
        word
        for word in name
        if len(word) < MIN_FUZZY_CHARS and re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text)
    }


def _most_of(run: list[str], name: list[str], little: set[str]) -> bool:
    """Whether a run of a name's words is at least half of them, little words not counted
    ("Corea del Norte" is two words, "Republic of Korea" two; "US Forces Korea" three)."""
    return 2 * sum(word not in little for word in run) >= sum(word not in little for word in name)


def _run(name: list[str], part: str) -> list[str]:
    """The consecutive words of a name that make up a part of it (see `_add_parts`)."""
    for start in range(len(name)):
        joined = ""
        for end in range(start, len(name)):
            joined += name[end]
            if joined == part:
                return name[start : end + 1]
            if not part.startswith(joined):
                break
    return name


def _keep(best: _Best, key: _Key, position: int, score: float, most: bool = True) -> None:
    score = round(score, 1)
    current = best.get(key.entity)
    if current is None or (score, most, -key.order) > (current[0], current[1], -current[2]):
        best[key.entity] = (score, most, key.order, position)


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

    def _ranked(self, best: _Best) -> list[_Ranked]:
        """Each entity's Match, best first, with the position of the key it matched by and
        whether the query is most of that name."""
        ranked = []
        for score, most, _order, position in best.values():
            id_, name, kind, involvement = self.entities[self._keys[position].entity]
            ranked.append((Match(id_, name, kind, score), position, most, involvement))
        # Scores are rounded before they are compared, so equal-looking scores are equal; of
        # names scoring alike, one the query is most of comes first ("korea": North Korea
        # before "Workers' Party of Korea"), then the entity more of the base involves, then
        # the smaller id: the same query always gets the same answer.
        ranked.sort(key=lambda row: (-row[0].score, not row[2], -row[3], row[0].id))
        return [(match, position, most) for match, position, most, _involvement in ranked]

    def candidates(self, query: str) -> tuple[list[Match], list[Match]]:
        """Every entity the query matches, best first; and the nearest ones, however poorly.

        The first list holds one Match per entity that the rules allow to match (each with
        its best name: a name, a run of its words or its words reordered, or a plausible
        typo of a whole name), down to SUGGESTION_SCORE, not THRESHOLD. The second scores every entity
        fuzzily down to half marks, short queries, exact-only keys and implausible typos
        included, and counts a name that begins with the query as PREFIX_HINT_SCORE.
        """
        accepted, nearest, _suggested = self._candidates(query)
        return [match for match, _key, _most in accepted], [match for match, _key, _most in nearest]

    def _candidates(self, query: str) -> tuple[list[_Ranked], list[_Ranked], list[_Ranked]]:
        """As `candidates`, with the key each matched by and whether the query is most of
        it; and, third, what a NoMatch may suggest: plausible typos that score at least
        SUGGESTION_SCORE (of a word of a longer name too), and the names the query begins
        when at most MAX_SUGGESTIONS subjects have one."""
        from rapidfuzz import fuzz, process

        spaced, full = _query_keys(query)
        if not full:
            return [], [], []
        typed = spaced.split()
        accepted: _Best = {}
        nearest: _Best = {}
        suggested: _Best = {}
        fuzzy_query = len(full) >= MIN_FUZZY_CHARS
        for position in self._exact.get(full, ()):
            for best in (accepted, nearest, suggested):
                _keep(best, self._keys[position], position, 100.0)
        views: list[tuple[str, str, list[str], Callable[..., float], float]] = [
            ("whole", full, self._full, fuzz.ratio, 1.0)
        ]
        if len(typed) > 1:
            views.append(("reorder", spaced, self._spaced, fuzz.token_sort_ratio, REORDER_WEIGHT))
        views.append(("part", full, self._parts, fuzz.ratio, PART_WEIGHT))
        for view, text, choices, scorer, weight in views:
            found = process.extract(text, choices, scorer=scorer, limit=None, score_cutoff=_NEAREST_SCORE / weight)
            for choice, ratio, i in found:
                position = self._part_keys[i] if view == "part" else i
                key = self._keys[position]
                score = round(ratio * weight, 1)
                if not key.fuzzy or score < SUGGESTION_SCORE:
                    _keep(nearest, key, position, score)
                    continue
                name = self._spaced[position].split()
                little: set[str] = set()
                if view == "part":
                    meant = _run(name, choice)
                    little = _little(name, key.text)
                    if meant[0] in little or meant[-1] in little:
                        # A run of words begins and ends with a word of weight: "de libération"
                        # is no part to be matched by "deliberation".
                        _keep(nearest, key, position, score, False)
                        continue
                    exact = choice == full
                elif view == "reorder":
                    meant = sorted(name)
                    exact = meant == sorted(typed)
                else:
                    meant, exact = name, False
                most = view != "part" or _most_of(meant, name, little)
                _keep(nearest, key, position, score, most)
                if view == "reorder" and len(meant) != len(typed):
                    continue  # words in another order are as many words
                if exact or _plausible(sorted(typed) if view == "reorder" else typed, meant):
                    _keep(suggested, key, position, score, most)
                    # A typo of only a word of a longer name is too little to go on.
                    if fuzzy_query and (exact or view != "part"):
                        _keep(accepted, key, position, score, most)
        hinted: _Best = {}
        for position, choice in enumerate(self._full):
            if choice.startswith(full) and self._keys[position].fuzzy:
                _keep(hinted, self._keys[position], position, PREFIX_HINT_SCORE)
        for i, choice in enumerate(self._parts):
            if choice.startswith(full):
                _keep(hinted, self._keys[self._part_keys[i]], self._part_keys[i], PREFIX_HINT_SCORE * PART_WEIGHT)
        for score, most, _order, position in hinted.values():
            key = self._keys[position]
            _keep(nearest, key, position, score, most)
            if len(hinted) <= MAX_SUGGESTIONS:
                _keep(suggested, key, position, score, most)
        return self._ranked(accepted), self._ranked(nearest), self._ranked(suggested)

    def _people(self, query: str) -> list[_Ranked]:
        """The people a word of whose names is the query ("cao", "kim"), the best known first;
        or the one subject whose name begins with its words ("kim hy"), if a person. [] for
        none."""
        spaced, full = _query_keys(query)
        if len(full) < MIN_PERSON_WORD_CHARS:
            return []
        people = set(self._person_words.get(full, [])) if " " not in spaced else set()
        score = PERSON_WORD_SCORE
        if not people:
            # A beginning finds a person only past a first word ("kim hy", not "ernest"), and
            # when no other subject, of any kind, has a name that begins so.
            if " " not in spaced:
                return []
            score = PERSON_PREFIX_SCORE
            people = {
                self._keys[position].entity
                for position, choice in enumerate(self._full)
                if choice.startswith(full) and self._keys[position].fuzzy
            }
            if len(people) != 1 or self.entities[next(iter(people))][2] != "person":
                return []
        best: _Best = {}
        for position, key in enumerate(self._keys):
            if key.entity in people and key.fuzzy:
                _keep(best, key, position, score)
        return self._ranked(best)

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

    def _exact_matches(self, query: str) -> list[_Ranked]:
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
        accepted, _nearest, suggested = self._candidates(query)
        if accepted and accepted[0][0].score >= THRESHOLD:
            best, _position, most = accepted[0]
            floor = max(THRESHOLD, best.score - ALTERNATIVE_MARGIN)
            # Beside a name the query is most of, names that only carry it among more words
            # are named after it, not by it: no alternatives ("korea", not "Workers' Party of
            # Korea").
            return self._resolution(query, [row for row in accepted if row[0].score >= floor and (row[2] or not most)])
        people = self._people(query)
        if len(people) == 1:
            return self._resolution(query, people)
        if people:
            found = tuple(match for match, _key, _most in people[:MAX_SUGGESTIONS])
            raise NoMatch(query, found, self.covered(), shared_by=len(people))
        # Only what the user may have meant is suggested: the nearest of unrelated names
        # would only puzzle.
        suggestions = tuple(match for match, _key, _most in suggested[:MAX_SUGGESTIONS])
        raise NoMatch(query, suggestions, self.covered())

    def _resolution(self, query: str, ranked: list[_Ranked]) -> Resolution:
        texts = tuple(self._keys[key].text for _match, key, _most in ranked)
        return Resolution(query, ranked[0][0], tuple(match for match, _key, _most in ranked[1:]), texts)

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
