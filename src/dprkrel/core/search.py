"""Ranked full-text search over every record, through SQLite's FTS5 and BM25; pure, never prints.

When a fact base is compiled, each record becomes one row of an FTS5 table (see store.py)
with five columns, folded (see normalise.fold) and tokenised with `porter unicode61
remove_diacritics 2`, so that "closes" finds "closed" and "Benós" finds "benos":

- `head`: what the record is at first glance: names in every language, aliases, codes,
  title, summary; for an advisory its scope and advice;
- `kind`: the words for its kind ("sanctions", "measures", "advice", "embassy", … from
  data/synonyms.yaml), its category ("expulsion", "embassy") and the names of the fields
  it fills ("registration", "consular help");
- `body`: every other text: details, notes, descriptions, roles, reasons;
- `involves`: the entities it names (one token per entity id);
- `dates`: every date it holds, as a year, year and month, and day ("2017 201709 20170919").

A query is read into concepts: the words that mean something (stop words left out), each
corrected against the base's vocabulary when the base does not know it (rapidfuzz), and
widened to its synonyms; the subjects it names (any name or alias the subject index knows),
which match the records that involve them or name them as the records do (a people's word,
"swiss", stands for its country when synonyms.yaml says so); and the years or months it
names, which match the records dated then. A stop word typed in capitals that names a
subject ("UN") is that subject.

Ranking is in two steps. FTS5's bm25(), with WEIGHTS per column (a word in a record's
headline counts four times one in its body), proposes the _POOL records best matching any
concept. Each of those is then scored by BM25F (k1 1.2, the same weights, the base's own
record counts), per concept:

- a concept counts once, by its best alternative, so a record holding three synonyms of
  one word, or a subject both by name and by reference, holds it once;
- its alternatives are one term, as rare as the records holding any of them, so a synonym
  scores as the word typed, not more for being rarer ("ties" for "relations"); only the
  precisions of a date (a day is rarer than its month and year) and the subjects an
  ambiguous name means are rare each in their own measure;
- each column's occurrences are weighed by that column's length against its average
  (LENGTH_WEIGHTS: headline and body; the kind's words, subjects and dates are lists), so a
  long body of notes does not make a record's headline or date say less;
- an entity holds the concept that names it fully when its name is all the query asks:
  `조선` finds North Korea itself first, while in "when did algeria recognise north korea"
  Algeria holds its name only as its text does;
- a synonym counts SYNONYM_WEIGHT of the words typed.

Scores run from 0 to 100: the best record of a query scores 100, the others their
relevance as a share of its (rounded to a tenth, at least 0.1, and at most 99.9 when less
than the best: a near tie at the top still shows which record is ahead). Records of equal score go
to the one holding more of the query's concepts, then more of them in its headline, then
to the shorter headline, and only then by id.

The second step reads each proposed record itself, not the index (see `_scored`): an
index that proposes a record holding none of the query, or finds nothing for a word of
the vocabulary, raises DamagedCache, and the base is compiled afresh.
"""

from __future__ import annotations

import re

from dprkrel.core import model
from dprkrel.core.codec import dataclass_fields
from dprkrel.core.dates import PartialDate
from dprkrel.core.frozen import Frozen
from dprkrel.core.normalise import fold
from dprkrel.core.store import SEARCH_COLUMNS, SEARCH_TOKENIZER, DamagedCache

TYPE_CHECKING = False  # see tests/test_startup.py
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
    from typing import Any

    from dprkrel.core.store import FactBase

# bm25() weights of the columns, in SEARCH_COLUMNS order: head, kind, body, involves, dates.
# A headline word and a record's own date say most about what a record is; the kind's words
# and the subjects it involves come next; details least.
WEIGHTS = (4.0, 2.0, 1.0, 2.0, 4.0)
# How much a column's length weighs on the words it holds (BM25F's b, per column): in text
# (headline, body) a word among many says less than one among few; the kind's words, the
# subjects involved and the dates are lists, whose length says nothing of what each means.
LENGTH_WEIGHTS = (0.75, 0.0, 0.75, 0.0, 0.0)
# BM25's k1: how soon more occurrences stop adding to a word's score.
_K1 = 1.2
# What a synonym of the words typed counts against the words themselves: a little less, so
# that of two records holding a concept alike, the one in the words typed comes first.
SYNONYM_WEIGHT = 0.8
# A word the base does not hold is replaced by the closest word it does (fuzz.ratio) when
# they are at least this alike; a one-letter typo of a five-letter word scores 80.
CORRECTION_FLOOR = 80.0
# Words shorter than this are never corrected: too many words are one edit away.
_MIN_CORRECTED = 4
# A pathological query is cut here: no one searches with more words than that.
_MAX_QUERY_WORDS = 16
# The longest run of words looked up as a subject's name ("Council of Ministers of Spain").
_MAX_SUBJECT_WORDS = 5
# How many of the names a run of words begins are looked at for the run itself.
_COMPLETIONS = 50
# Beyond the records asked for, how many more are ranked, so that ties at the limit are
# settled by relevance features rather than by where the index stopped.
_MARGIN = 20
# How many records the whole query proposes before each is scored concept by concept.
_POOL = 100
_WORD = re.compile(r"\w+")
# A word of letters as typed, to tell one written in capitals.
_CAPITALS = re.compile(r"[^\W\d_]{2,}")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_MONTHS = {
    **{name: number for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"), 1)},
    **{name: number for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    **{name: number for number, name in enumerate(
        ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"), 1)},
}  # fmt: skip
# Fields whose text goes in the headline column.
_HEAD_FIELDS = frozenset({"name", "names", "aliases", "former_names", "codes", "title", "summary", "scope", "advice"})
# Fields that name other records or entities (the involves column holds those), say how a
# record is kept, or are a language code: not text to search.
_REFERENCES = frozenset(
    {
        "id", "sources", "citation", "origin", "lang", "actors", "places", "sending", "host", "city",
        "issuer", "subject", "imposer", "target", "donor", "recipient", "channels", "prompted_by",
        "refers_to", "subjects", "country", "part_of", "of", "on_behalf_of", "registration_mission",
        "consular_help_missions", "opens_period", "url", "license", "between", "mission", "jurisdictions",
        "relation", "successor",
    }
)  # fmt: skip
# Fields whose value is a category: their words go in the kind column.
_CATEGORIES = frozenset({"category", "entity_kind", "mission_kind", "measure_kind", "change", "stated_status"})
# Fields every record has or that hold its main text: their names say nothing of its kind.
_COMMON_FIELDS = frozenset(
    {"id", "sources", "inferred", "present_tense", "note", "origin", "name", "names", "summary", "title", "lang"}
)
_DERIVED_KEY = "search.Words"


class Hit(Frozen):
    """A record that matches a search, with its score: 100 for the best, above 0 for the others."""

    record: model.Record
    score: float


# -- the words of data/synonyms.yaml -------------------------------------------------------------


def load_words(path: str | None = None) -> dict[str, Any]:
    """The stop words, kind words and synonym groups of data/synonyms.yaml, folded, as the
    compiler stores them with a base. The file is one of the inputs a compiled base is named
    by (see `reading.load`), so an edit to it compiles a new base."""
    import yaml

    from dprkrel.core.paths import synonyms_path

    path = path or synonyms_path()
    with open(path, encoding="utf-8") as file:
        data = yaml.safe_load(file)

    def phrase(text: object) -> str:
        return " ".join(_WORD.findall(fold(str(text))))

    return {
        "stop": sorted({phrase(word) for word in data["stop_words"]} - {""}),
        "kinds": {kind: [phrase(word) for word in words] for kind, words in data["kinds"].items()},
        "synonyms": [list(dict.fromkeys(phrase(word) for word in group)) for group in data["synonyms"]],
    }


class _Words:
    """The stored words, ready for reading queries."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self.stop = frozenset(data["stop"])
            self.kinds: dict[str, list[str]] = dict(data["kinds"])
            self.groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
            for group in data["synonyms"]:
                members = [tuple(str(member).split()) for member in group]
                for member in members:
                    known = self.groups.setdefault(member, [])
                    known.extend(other for other in members if other not in known)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise DamagedCache("the compiled fact base is damaged (search words)") from None
        self.longest = max((len(member) for member in self.groups), default=1)
        # Every word of a synonym: a word the table knows is meant, never a typo.
        self.known = frozenset(word for member in self.groups for word in member)


def _words(base: FactBase) -> _Words:
    words = base.derived.get(_DERIVED_KEY)
    if not isinstance(words, _Words):
        words = base.checked(lambda: _Words(base.meta("search:words")))
        base.derived[_DERIVED_KEY] = words
    return words


# -- what a record holds -------------------------------------------------------------------------


def _id_token(entity_id: str) -> str:
    """The one token an entity id is indexed as in the involves column."""
    return "".join(char for char in entity_id.lower() if char.isalnum())


def _date_tokens(date: PartialDate) -> list[str]:
    tokens = [f"{date.year:04d}"]
    if date.month:
        tokens.append(f"{date.year:04d}{date.month:02d}")
        if date.day:
            tokens.append(f"{date.year:04d}{date.month:02d}{date.day:02d}")
    return tokens


def columns(record: model.Record, kind_words: dict[str, list[str]]) -> tuple[str, str, str, str, str]:
    """The text of each search column for a record, folded (see the module's docstring)."""
    head: list[str] = []
    body: list[str] = []
    kind: list[str] = list(kind_words.get(record.kind, ()))
    dates: list[str] = []

    def walk(value: Any, into: list[str], own: bool) -> None:
        # `own`: a date here is the record's own (an event's, a mission's opening), not that
        # of something it holds (a person's role): only its own dates date the record.
        if isinstance(value, str):
            into.append(value)
        elif isinstance(value, tuple):
            for item in value:
                walk(item, into, own)
        elif isinstance(value, PartialDate):
            if own:
                dates.extend(_date_tokens(value))
        else:
            own = own and isinstance(value, model.DateClaim)
            held: type = type(value)
            for name, _default in dataclass_fields(held):
                if name not in _REFERENCES:
                    walk(getattr(value, name), into, own)

    record_type: type = type(record)
    for name, _default in dataclass_fields(record_type):
        value = getattr(record, name)
        if value is None or value == () or value == "" or value is False:
            continue
        if name not in _COMMON_FIELDS and name not in _CATEGORIES:
            kind.append(name.replace("_", " "))  # "donor", "registration", "consular help"
        if name in _REFERENCES:
            continue
        if name in _CATEGORIES:
            kind.append(str(value).replace("_", " "))
        else:
            # An undated event's date is only the latest its source allows (see model.Event):
            # not a date it happened on, so not one that dates it.
            own = not (name == "date" and isinstance(record, model.Event) and record.undated)
            walk(value, head if name in _HEAD_FIELDS else body, own)
    involves = set(model.mentioned_ids(record))
    if isinstance(record, model.Entity):
        involves.add(record.id)
    # A text given twice (an entity's name and its English name) is said once: a record does
    # not hold a word more for repeating itself.
    return (
        fold(" \n".join(dict.fromkeys(head))),
        fold(" \n".join(kind)),
        fold(" \n".join(dict.fromkeys(body))),
        " ".join(sorted(_id_token(entity) for entity in involves)),
        " ".join(sorted(set(dates))),
    )


def index(
    records: Iterable[model.Record], words: dict[str, Any]
) -> tuple[Iterator[tuple[Any, ...]], set[str], list[float]]:
    """The search rows of these records, as store.write keeps them, the vocabulary and the size.

    Rows are (position, head, kind, body, involves, dates), made as they are written. The
    vocabulary (every word of the text columns and the stop words: what a misspelt query
    word is corrected against) and the size ([how many records, [the average number of
    words of each column]], which BM25 weighs each column's length by) fill as the rows are
    read: they are whole once the rows are all written.
    """
    vocabulary: set[str] = set()
    for text in words["stop"]:
        vocabulary.update(text.split())
    size: list[Any] = [0, [0.0] * len(SEARCH_COLUMNS)]

    def rows() -> Iterator[tuple[Any, ...]]:
        tokens = [0] * len(SEARCH_COLUMNS)
        for pos, record in enumerate(records):
            row = columns(record, words["kinds"])
            for column, text in enumerate(row):
                found = _WORD.findall(text)
                tokens[column] += len(found)
                if column < 3:
                    vocabulary.update(found)
            size[:] = [pos + 1, [count / (pos + 1) for count in tokens]]
            yield (pos, *row)

    return rows(), vocabulary, size


# -- reading a query -------------------------------------------------------------------------------


class _Concept(Frozen):
    """One thing a query asks for: any of its alternatives, each a phrase in some columns.

    Alternatives of the same level (`levels` holds one per alternative; all are of one level
    when it is empty) are one term: they share one rarity, the number of records holding any
    of them, so that a synonym scores as the word typed, not more for being a rarer word.
    Levels of their own are the precisions of a date (a day, its month, its year) and the
    subjects an ambiguous name means, whose rarities differ. `entities` are the subjects the
    concept names: each holds it as fully as a record can when it is all the query asks.
    """

    text: str
    alternatives: tuple[tuple[str, tuple[str, ...]], ...]  # (columns, words of a phrase)
    levels: tuple[int, ...] = ()
    entities: tuple[str, ...] = ()
    # For a synonym group, the words typed: a text alternative that is not them (once
    # stemmed) counts SYNONYM_WEIGHT as much.
    typed: tuple[str, ...] = ()

    def level(self, number: int) -> int:
        """The level of the alternative at this position."""
        return self.levels[number] if self.levels else 0


def _phrase(columns_: str, words: Sequence[str]) -> str:
    """An FTS5 query for one alternative. A name ("=" first) is a phrase, its words in a row;
    other words are a NEAR group, within two words of each other ("establish relations"
    finds "establishes diplomatic relations")."""
    exact = bool(words) and words[0] == "="
    words = words[1:] if exact else words
    phrase = '"' + " ".join(words) + '"'
    near = "NEAR(" + " ".join(f'"{word}"' for word in words) + f", {len(words)})"
    body = phrase if exact or len(words) == 1 else near
    return f"{{{columns_}}} : {body}" if columns_ else body


def _expression(concept: _Concept, columns_: str | None = None) -> str:
    return "(" + " OR ".join(_phrase(columns_ or where, words) for where, words in concept.alternatives) + ")"


_TEXT = "head kind body"


def words_of(text: str) -> list[str]:
    """The folded words of a text (see normalise.fold), as search reads a query."""
    return _WORD.findall(fold(text))


def query_words(base: FactBase, query: str) -> list[str]:
    """The words of a query that search by, once folded: all but its stop words."""
    tokens = words_of(query)[:_MAX_QUERY_WORDS]
    return [word for word, stop in zip(tokens, _stops(base, query, tokens), strict=True) if not stop]


def _correct(base: FactBase, word: str, words: _Words) -> str:
    """The word, or the base's closest word when the base holds neither it nor its stem."""
    if len(word) < _MIN_CORRECTED or word.isdigit() or word in words.known or base.search_holds(f'"{word}"'):
        return word
    from rapidfuzz import fuzz, process

    vocabulary = _vocabulary(base)
    best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_FLOOR)
    return str(best[0]) if best else word


def _vocabulary(base: FactBase) -> list[str]:
    vocabulary = base.derived.get("search.vocabulary")
    if not isinstance(vocabulary, list):
        stored = base.meta("search:vocabulary")
        if not isinstance(stored, str):
            raise DamagedCache("the compiled fact base is damaged (search vocabulary)")
        vocabulary = stored.split("\n") if stored else []
        base.derived["search.vocabulary"] = vocabulary
    return vocabulary


def _subject(base: FactBase, words: Sequence[str]) -> list[tuple[str, str, str]]:
    """The (id, name, kind) of the entity these words name exactly (a name, alias or code),
    then of the others the subject index says they could as well mean; [] for none."""
    from dprkrel.core.normalise import normalise
    from dprkrel.core.subjects import SubjectIndex

    text = " ".join(words)
    key = normalise(text)
    if not key:
        return []
    index = SubjectIndex.of(base)
    # Completion is by exact prefix and needs no fuzzy matching (nor rapidfuzz): the name
    # itself, if the index knows it, is among the names it begins, whatever their order.
    for name in index.complete(text, limit=_COMPLETIONS):
        if normalise(name) == key:
            resolution = index.resolve(name)
            return [(match.id, match.name, match.kind) for match in (resolution.best, *resolution.alternatives)]
    return []


def _spans(
    tokens: list[str],
    used: list[bool],
    stop: list[bool],
    longest: int,
    find: Callable[[tuple[str, ...]], _Concept | None],
) -> list[_Concept]:
    """The concepts `find` makes of runs of the tokens not yet used, longest runs first, left
    to right; a run neither begins nor ends with a stop word. Marks their tokens used."""
    found: list[_Concept] = []
    i = 0
    while i < len(tokens):
        size = 0
        for size in range(min(longest, len(tokens) - i), 0, -1):
            if stop[i] or stop[i + size - 1] or any(used[i : i + size]):
                continue
            concept = find(tuple(tokens[i : i + size]))
            if concept is not None:
                found.append(concept)
                used[i : i + size] = [True] * size
                break
        else:
            size = 1
        i += size
    return found


def _date(tokens: list[str], i: int, used: list[bool]) -> _Concept:
    """The date a query names around the year at tokens[i], as precise as it is written:
    "2017", "september 2017", "19 september 2017", "september 19, 2017", "2017-09-19"
    (tokens 2017 09 19). Marks its tokens used."""
    year = tokens[i]

    def number(j: int, most: int) -> int | None:
        ok = 0 <= j < len(tokens) and not used[j] and tokens[j].isdigit() and len(tokens[j]) <= 2
        return int(tokens[j]) if ok and 1 <= int(tokens[j]) <= most else None

    month = day = None
    taken = [i]
    for j in (i - 1, i + 1, i - 2):
        if 0 <= j < len(tokens) and tokens[j] in _MONTHS and not used[j]:
            month = _MONTHS[tokens[j]]
            taken.append(j)
            for k in (j - 1, j + 1):
                day = day or (number(k, 31) if k not in taken else None)
                if day:
                    taken.append(k)
                    break
            break
    if month is None and number(i + 1, 12):
        month = number(i + 1, 12)
        taken.append(i + 1)
        day = number(i + 2, 31)
        if day:
            taken.append(i + 2)
    for j in taken:
        used[j] = True
    # A record dated that year, or naming the year in its text, holds the year; a record
    # dated that month or day holds the rarer, finer level.
    alternatives = [("dates", (year,)), (_TEXT, (year,))]
    levels = [0, 0]
    if month:
        alternatives.insert(0, ("dates", (f"{year}{month:02d}",)))
        levels.insert(0, 1)
        if day:
            alternatives.insert(0, ("dates", (f"{year}{month:02d}{day:02d}",)))
            levels.insert(0, 2)
    return _Concept(" ".join(tokens[j] for j in sorted(taken)), tuple(alternatives), tuple(levels))


def _stops(base: FactBase, query: str, tokens: Sequence[str]) -> list[bool]:
    """Which of the query's words are stop words. A stop word typed in capitals, in a query
    not all in capitals, that is a subject's name or code is that subject: "UN" in "join the
    UN" is the United Nations, "un" in "un embajador" an article."""
    stop = _words(base).stop
    capitals = set() if query.isupper() else {fold(word) for word in _CAPITALS.findall(query) if word.isupper()}
    return [token in stop and not (token in capitals and _subject(base, (token,))) for token in tokens]


def _concepts(base: FactBase, query: str) -> list[_Concept]:
    words = _words(base)
    tokens = words_of(query)[:_MAX_QUERY_WORDS]
    stop = _stops(base, query, tokens)
    concepts: list[_Concept] = []
    used = [False] * len(tokens)
    # Dates: a year, with the month and day beside it if there are ones.
    for i, token in enumerate(tokens):
        if _YEAR.fullmatch(token):
            concepts.append(_date(tokens, i, used))
    for i, token in enumerate(tokens):
        if not used[i] and not stop[i]:
            tokens[i] = _correct(base, token, words)

    # Subjects, then synonym phrases, longest first; then the words left.
    def subject(span: tuple[str, ...]) -> _Concept | None:
        entities = _subject(base, span)
        if not entities:
            return None
        # The records that involve it, and those that name it as the base's texts do: by its
        # own name, not the alias typed ("corea del norte" is "North Korea" in the records).
        # A name several entities bear ("korea") stands for each, and for its own words.
        # Each entity is a level of its own: "korea" names North Korea in most records and
        # South Korea in fewer, and a record naming either holds it.
        alternatives: dict[tuple[str, tuple[str, ...]], int] = {}
        for level, (entity_id, name, _kind) in enumerate(entities):
            alternatives.setdefault(("involves", (_id_token(entity_id),)), level)
            alternatives.setdefault((_TEXT, ("=", *(words_of(name) or span))), level)
        if len(entities) > 1:
            alternatives.setdefault((_TEXT, ("=", *span)), len(entities))
        return _Concept(
            " ".join(span),
            tuple(alternatives),
            tuple(alternatives.values()),
            tuple(entity_id for entity_id, _name, _kind in entities),
        )

    def synonyms(span: tuple[str, ...]) -> _Concept | None:
        members = words.groups.get(span)
        if not members:
            return None
        alternatives = [(_TEXT, member) for member in members]
        # A people's word stands for its country ("swiss" for Switzerland), as the country's
        # name does: the records that involve the country hold it.
        for member in members:
            for entity_id, name, kind in _subject(base, member)[:1]:
                if kind == "country":
                    alternatives += [("involves", (_id_token(entity_id),)), (_TEXT, ("=", *words_of(name)))]
        return _Concept(" ".join(span), tuple(dict.fromkeys(alternatives)), typed=span)

    concepts += _spans(tokens, used, stop, _MAX_SUBJECT_WORDS, subject)
    concepts += _spans(tokens, used, [False] * len(tokens), words.longest, synonyms)
    concepts += [
        _Concept(token, ((_TEXT, (token,)),)) for token, taken, left_out in zip(tokens, used, stop, strict=True)
        if not taken and not left_out
    ]  # fmt: skip
    return list({concept.text: concept for concept in concepts}.values())


# -- ranking ------------------------------------------------------------------------------------


class _Scored(Frozen):
    """What ranking knows of one record of the pool."""

    relevance: float
    held: int  # how many of the query's concepts it holds
    in_head: int  # how many of them in its headline
    head_size: int  # how many words its headline has


def _positions(db: Any, table: str, terms: Collection[str] | None = None) -> dict[int, list[dict[str, list[int]]]]:
    """Per row of an in-memory FTS5 table: per column, where each of its tokens (stemmed)
    stands, or only each of `terms`."""
    db.execute(f"CREATE VIRTUAL TABLE {table}_v USING fts5vocab({table}, 'instance')")
    sql = f"SELECT term, doc, col, offset FROM {table}_v"
    if terms is not None:
        sql += f" WHERE term IN ({', '.join('?' * len(terms))})"
    rows: dict[int, list[dict[str, list[int]]]] = {}
    for term, row, column, offset in db.execute(sql, tuple(terms or ())):
        rows.setdefault(row, [{} for _ in SEARCH_COLUMNS])[SEARCH_COLUMNS.index(column)].setdefault(term, []).append(
            offset
        )
    return rows


def _frequency(positions: dict[str, list[int]], phrase: list[str], exact: bool) -> int:
    """How often a phrase occurs in a column, given where its tokens stand: its words in a
    row (`exact`, or a single word), else all within 2 * len(phrase) words of its first word,
    as FTS5's NEAR finds them."""
    first = positions.get(phrase[0], []) if phrase else []
    if len(phrase) <= 1 or not first:
        return len(first)
    others = [set(positions.get(word, ())) for word in phrase[1:]]
    if not all(others):
        return 0
    if exact:
        return sum(1 for at in first if all(at + step in where for step, where in enumerate(others, 1)))
    reach = 2 * len(phrase)
    return sum(1 for at in first if all(any(abs(other - at) <= reach for other in where) for where in others))


def _check_unfound(base: FactBase, concepts: list[_Concept]) -> None:
    """Raise DamagedCache if the index found no record for a word of the vocabulary: every
    word of it is some record's."""
    known = set(_vocabulary(base))
    for concept in concepts:
        for where, phrase in concept.alternatives:
            if where == _TEXT and len(phrase) == 1 and phrase[0] in known:
                raise DamagedCache("the compiled fact base is damaged (search index)")


def _scored(base: FactBase, records: dict[int, model.Record], concepts: list[_Concept]) -> dict[int, _Scored]:
    """Each record's relevance: BM25F, per concept.

    A concept counts once, by its best alternative, so a record holding three synonyms of
    one word holds that word once, not three times; the alternatives of one level share
    one rarity (see _Concept). Within an alternative, each column's occurrences count by
    WEIGHTS and are weighed by that column's length against its average (LENGTH_WEIGHTS),
    and only then saturate (k1 1.2): a long body of notes does not make a record's headline
    or date say less. An entity a concept names holds that concept fully (as if it held it
    without end) when the concept is the whole query: `show`'s subject for its own name.

    The record's text is worked out afresh from the record itself, the numbers of records
    holding each level come from the stored index, with the base's size and its columns'
    average lengths. The index only proposed these records: one holding none of the query,
    or a word of the vocabulary that the index says no record holds, means the index is
    damaged.
    """
    import math
    import sqlite3

    words = _words(base)
    alternatives = list(dict.fromkeys(alternative for concept in concepts for alternative in concept.alternatives))
    rows = {alternative: row for row, alternative in enumerate(alternatives)}
    texts = {pos: columns(record, words.kinds) for pos, record in records.items()}
    db = sqlite3.connect(":memory:")
    try:
        for table in ("t", "q"):
            db.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(SEARCH_COLUMNS)}, tokenize = '{SEARCH_TOKENIZER}')"
            )
        db.executemany(
            f"INSERT INTO t (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES ({', '.join('?' * (len(SEARCH_COLUMNS) + 1))})",
            ((pos, *text) for pos, text in texts.items()),
        )
        # The alternatives' own words, stemmed as the records' are; then where the records
        # hold them.
        db.executemany(
            "INSERT INTO q (rowid, head) VALUES (?, ?)",
            ((number, " ".join(phrase).lstrip("= ")) for number, (_where, phrase) in enumerate(alternatives)),
        )
        stems: dict[int, list[str]] = {}
        for row, (phrase_at, *_others) in _positions(db, "q").items():
            order = sorted((at, term) for term, offsets in phrase_at.items() for at in offsets)
            stems[row] = [term for _at, term in order]
        held_at = _positions(db, "t", sorted({term for phrase in stems.values() for term in phrase}))
    finally:
        db.close()
    total, averages = _size(base)
    # The rarity of each level of each concept: how many records hold any of its alternatives.
    idf: dict[tuple[int, int], float] = {}
    for number, concept in enumerate(concepts):
        levels: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
        for position, alternative in enumerate(concept.alternatives):
            levels.setdefault(concept.level(position), []).append(alternative)
        for level, held_by in levels.items():
            holding = base.search_count(_expression(_Concept("", tuple(held_by))))
            if holding == 0:
                _check_unfound(base, [_Concept("", tuple(held_by))])
            idf[number, level] = max(1e-6, math.log((total - holding + 0.5) / (holding + 0.5)))
    # Per concept, each alternative as the loop below reads it: the columns it is sought in,
    # its stemmed words, whether they are a name (in a row), and what it is worth (its
    # level's rarity, less for a synonym of the words typed).
    readings: list[list[tuple[list[bool], list[str], bool, float]]] = []
    for number, concept in enumerate(concepts):
        typed = stems.get(rows[_TEXT, concept.typed], []) if concept.typed else []
        reading = []
        for position, (where, phrase) in enumerate(concept.alternatives):
            stemmed = stems.get(rows[where, phrase], [])
            synonym = bool(typed) and where == _TEXT and stemmed != typed
            worth = idf[number, concept.level(position)] * (SYNONYM_WEIGHT if synonym else 1.0)
            sought = [name in where.split() for name in SEARCH_COLUMNS]
            reading.append((sought, stemmed, bool(phrase) and phrase[0] == "=", worth))
        readings.append(reading)
    nothing: list[dict[str, list[int]]] = [{} for _ in SEARCH_COLUMNS]
    scored: dict[int, _Scored] = {}
    for pos, record in records.items():
        cols = held_at.get(pos, nothing)
        terms = {term for positions in cols for term in positions}
        lengths = [len(_WORD.findall(text)) for text in texts[pos]]
        norms = [
            (1 - weight + weight * length / max(average, 1e-6)) / column_weight
            for weight, length, average, column_weight in zip(LENGTH_WEIGHTS, lengths, averages, WEIGHTS, strict=True)
        ]
        relevance = 0.0
        held = in_head = 0
        for number, concept in enumerate(concepts):
            best = 0.0
            head = False
            for sought, stemmed, exact, worth in readings[number]:
                if not stemmed or stemmed[0] not in terms:
                    continue
                frequencies = [
                    _frequency(positions, stemmed, exact) if wanted else 0
                    for wanted, positions in zip(sought, cols, strict=True)
                ]
                weighted = sum(count / norm for count, norm in zip(frequencies, norms, strict=True) if count)
                if weighted:
                    best = max(best, worth * weighted * (_K1 + 1) / (weighted + _K1))
                    head = head or frequencies[0] > 0
            if record.id in concept.entities and len(concepts) == 1:
                level = concept.level(concept.alternatives.index(("involves", (_id_token(record.id),))))
                best = max(best, idf[number, level] * (_K1 + 1))
            relevance += best
            held += best > 0
            in_head += head
        if not held:
            raise DamagedCache("the compiled fact base is damaged (search index)")
        scored[pos] = _Scored(relevance, held, in_head, lengths[0])
    return scored


def _size(base: FactBase) -> tuple[int, list[float]]:
    """How many records the base has, and each search column's average length."""
    size = base.meta("search:size")
    try:
        total, averages = size
        averages = [float(average) for average in averages]
        if not isinstance(total, int) or len(averages) != len(SEARCH_COLUMNS):
            raise ValueError(size)
    except (TypeError, ValueError):
        raise DamagedCache("the compiled fact base is damaged (search size)") from None
    return total, averages


def search(base: FactBase, query: str, *, limit: int = 10, kinds: Collection[str] = ()) -> list[Hit]:
    """The records that best match a query, best first, at most `limit` of them.

    See the module's docstring for how a query is read and the records ranked. A query
    of stop words only (see `query_words`) finds nothing. A damaged index is noticed (and
    the base compiled afresh when it came from the cache).
    """
    return base.checked(lambda: _search(base, query, limit, kinds))


def _search(base: FactBase, query: str, limit: int, kinds: Collection[str]) -> list[Hit]:
    concepts = _concepts(base, query)
    if not concepts:
        return []
    size = max(limit + _MARGIN, _POOL)
    match = " OR ".join(_expression(concept) for concept in concepts)
    pool = [pos for pos, _rank in base.search_ranked(match, WEIGHTS, size, kinds)]
    if len(concepts) > 1:
        # bm25() weighs a whole record's length: a long record holding every concept (the
        # Madrid break-in for "embassy incident") can rank below a hundred short ones holding
        # the commonest. The records holding them all are proposed as well.
        every = " AND ".join(_expression(concept) for concept in concepts)
        pool = list(dict.fromkeys([pos for pos, _rank in base.search_ranked(every, WEIGHTS, size, kinds)] + pool))
    records = base.at(pool)
    if len(records) != len(pool):
        raise DamagedCache("the compiled fact base is damaged (search index)")
    # The entities the query names are scored whatever bm25() thinks of them (North Korea's
    # many names make a long headline), under keys of their own when not proposed.
    if not kinds or "entity" in kinds:
        proposed = {record.id for record in records.values()}
        for entity_id in dict.fromkeys(entity for concept in concepts for entity in concept.entities):
            entity = base.get(entity_id) if entity_id not in proposed else None
            if entity is not None:
                records[-1 - len(records)] = entity
    if not records:
        _check_unfound(base, concepts)
        return []
    scored = _scored(base, records, concepts)
    best = max(item.relevance for item in scored.values())
    # 100 is the best relevance's alone: one a little below it, rounded, shows as 99.9.
    scores = {
        pos: 100.0 if item.relevance == best else min(99.9, max(0.1, round(100.0 * item.relevance / best, 1)))
        for pos, item in scored.items()
    }
    order = sorted(
        records,
        key=lambda pos: (-scores[pos], -scored[pos].held, -scored[pos].in_head, scored[pos].head_size, records[pos].id),
    )[:limit]
    return [Hit(records[pos], scores[pos]) for pos in order]
