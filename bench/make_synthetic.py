"""Write a large synthetic fact base, valid against the shipped schema, for benchmarks.

Usage: python bench/make_synthetic.py N OUT.yaml [--seed SEED] [--events-per-file M]

It prints the files it wrote, one a line: OUT.yaml and, when M events per file are asked
for, OUT.part2.yaml, OUT.part3.yaml, ... By default (M = 0) it writes one file however
large: dprkrel reads a file of up to 4,000,000 YAML values, some 150,000 events. The first
file holds every record but the events, and the first share of the events; the others hold
the rest of the events, shared evenly; the events are the same whatever the split.

The files are meant to be read with the shipped base (`dprkrel --data OUT.yaml [--data
OUT.part2.yaml ...] ...`): their records refer to shipped ids (`prk`, `esp`, `madrid`, `pyongyang`, ...) but never reuse
one, since every id it declares starts with `syn-`. It is emitted line by line as text,
without building the document in memory and without yaml.dump: every text is written as a
JSON string, which is a valid YAML double-quoted scalar, and every date is quoted.

What N events bring with them (the tests check these proportions):

- countries: max(1, round(N / 200)), ids `syn-cNNNN`; each has
  - one capital city (`syn-cNNNN-city`) and one foreign ministry (`syn-cNNNN-mfa`);
  - 2 or 3 people (`syn-cNNNN-pK`), Korean-, Spanish- or other-looking, some with accents;
  - 1 or 2 missions: its embassy in Pyongyang (`-m1`) and, for about half, North Korea's
    embassy in its capital (`-m2`); every 4th mission has an `opened` disputed by two
    claims (a conflict), and about 40% have closed;
- per country index c (0-based): an advisory when c % 10 == 0, aid when c % 5 == 0, a
  policy when c % 5 == 2, a sanction when c % 10 == 5, a statement when c % 4 == 3;
- sources: ceil(countries / 100) records (`syn-src-NN`), each with the sections in
  SECTIONS; every record cites one of them (by its country), and claims cite them too;
- events (`syn-ev-NNNNNN`): event i belongs to country i % countries. Its date is "YYYY",
  "YYYY-MM" or "YYYY-MM-DD" (about 30/30/40%); every 50th (i % 50 == 7) has a date
  disputed by two claims. About 40% name `prk` among their actors; event i names `esp`
  when i % ESP_EVERY == 0 and is placed in `madrid` when i % ESP_EVERY == 1, so
  `timeline spain` on the merged base gains a few events (two per 10,000, at least one).

Events are the last section of every file, so a benchmark may append one more event
record to a copy of any part (see `change_record`) to change its facts.

The output depends only on N, the seed and the split.
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import functools
import json
import math
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from dprkrel.core.schema import EVENT_CATEGORIES

EVENTS_PER_COUNTRY = 200
# One file by default: dprkrel reads a fact file of up to 4,000,000 YAML values (keys,
# scalars, lists and mappings; loader.MAX_VALUES), and an event is about 26 of them.
EVENTS_PER_FILE = 0
COUNTRIES_PER_SOURCE = 100
ESP_EVERY = 10_000
DISPUTED_EVENT_EVERY = 50
DISPUTED_MISSION_EVERY = 4
DEFAULT_SEED = 2001

ID_PREFIX = "syn-"
SECTIONS = ("Summary", "Diplomatic relations", "Missions", "People", "Aid and sanctions", "Chronology")

# Queries the benchmark and the README use: no synthetic name may come close to them, so
# that `timeline spain` or `embassy madird` still mean what they mean on the shipped base.
GUARDED_QUERIES = ("spain", "spian", "espana", "madrid", "madird", "pyongyang", "seoul", "sweden", "paris", "korea")
GUARD_RATIO = 0.7
# Tries at a fresh name before a repeated one is accepted (a very large N runs out of them).
_TRIES = 40

_COUNTRY_HEADS = (
    "Al", "Bel", "Cor", "Dal", "Fen", "Gal", "Hel", "Ist", "Jor", "Kel", "Lor", "Mir",
    "Nor", "Ost", "Pel", "Quen", "Rul", "Sol", "Tor", "Ul", "Vel", "Zar", "Bor", "Tal",
)  # fmt: skip
_COUNTRY_MIDS = ("a", "e", "i", "o", "u", "ar", "en", "ir", "on", "ur")
_COUNTRY_TAILS = ("dia", "land", "stan", "via", "nia", "ria", "gal", "mar", "tenia", "bia", "lor", "vania")
_QUALIFIERS = ("Upper", "Lower", "Greater", "New", "Old", "Free", "United", "Outer")
_HANGUL = (
    "가", "나", "다", "라", "마", "바", "사", "아", "자", "차", "카", "타", "파", "하", "벨", "로",
    "디", "니", "스", "탄", "리", "모", "소", "노", "비", "르", "도", "미", "보", "수", "우", "지",
)  # fmt: skip
_KO_FAMILY = {"Kim": "김", "Ri": "리", "Pak": "박", "Choe": "최", "Kang": "강", "Yun": "윤", "Jang": "장", "Hyon": "현"}
_KO_GIVEN = {
    "Myong": "명", "Chol": "철", "Song": "성", "Hui": "희", "Yong": "용", "Su": "수", "Il": "일",
    "Gwang": "광", "Jin": "진", "Ok": "옥", "Chun": "춘", "Ho": "호", "Hwa": "화", "Thae": "태",
}  # fmt: skip
_ES_GIVEN = ("José", "María", "Ángela", "Jesús", "Inés", "Raúl", "Begoña", "Íñigo", "Lucía", "Tomás", "Nuria", "Óscar")
_ES_FAMILY = ("Núñez", "Peña", "Ibáñez", "Gómez", "Martín", "Sáez", "Muñoz", "Álvarez", "Rodríguez", "Cortés", "Ortiz")
_OTHER_GIVEN = ("Anna", "Lars", "Marta", "Jonas", "Élise", "Søren", "Zofia", "Piotr", "Chloé", "Björn")
_OTHER_FAMILY = ("Lindqvist", "Dubois", "Kowalski", "Novák", "Janssen", "Berg", "Moreau", "Weiß", "Horváth", "Eriksen")
_CITY_FORMS_ES = ("San {w}", "Santa {w}", "Villa {w}", "Puerto {w}", "{w} del Río", "Nueva {w}")
_CITY_STEMS = (
    "Olaña", "Bérula", "Toxén", "Calvera", "Nuñeta", "Frías", "Sotúa", "Lérez", "Ubeña", "Ribán",
    "Almería del Sil", "Cuéllar", "Oñate", "Zúñiga",
)  # fmt: skip
_CITY_QUALIFIERS_ES = ("de Arriba", "de Abajo", "Norte", "Sur", "la Vieja", "la Nueva")
_KO_CITY_SYLLABLES = {
    "Hwa": "화", "Sin": "신", "Chon": "천", "Kum": "금", "Ryong": "룡", "Sok": "석", "Hae": "해",
    "Un": "운", "Tae": "태", "Ok": "옥", "Pyok": "벽", "Nam": "남", "Song": "송", "Mun": "문",
}  # fmt: skip
_KO_CITY_SUFFIXES = {"ri": "리", "dong": "동", "up": "읍"}
_TOPICS = (
    "trade", "fisheries", "food security", "cultural exchange", "consular matters", "sport",
    "shipping", "education", "health", "flood relief", "nuclear disarmament", "tourism",
)  # fmt: skip
_ROLES = ("Ambassador to North Korea", "Foreign Minister", "Deputy Foreign Minister", "Special Envoy", "Consul")
_AID_FORMS = ("food aid", "medical assistance", "water and sanitation", "agricultural support", "winter fuel")
_MEASURES = ("asset freeze", "arms embargo", "travel ban", "export ban", "financial restrictions")


@dataclass
class Counts:
    """How many records of each kind a file holds."""

    sources: int = 0
    entities: int = 0
    events: int = 0
    missions: int = 0
    advisories: int = 0
    aid: int = 0
    policies: int = 0
    sanctions: int = 0
    statements: int = 0
    countries: int = 0
    cities: int = 0
    people: int = 0
    disputed_missions: int = 0
    disputed_events: int = 0
    esp_events: int = 0
    madrid_events: int = 0

    def records(self) -> dict[str, int]:
        """The number of records per section, as `dprkrel validate` counts them."""
        return {
            "sources": self.sources,
            "entities": self.entities,
            "events": self.events,
            "missions": self.missions,
            "advisories": self.advisories,
            "aid": self.aid,
            "policies": self.policies,
            "sanctions": self.sanctions,
            "statements": self.statements,
        }


def country_count(events: int) -> int:
    """The number of synthetic countries for a number of events."""
    return max(1, round(events / EVENTS_PER_COUNTRY))


def source_count(events: int) -> int:
    """The number of synthetic sources for a number of events."""
    return math.ceil(country_count(events) / COUNTRIES_PER_SOURCE)


def source_id(number: int) -> str:
    return f"{ID_PREFIX}src-{number + 1:02d}"


def q(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is a subset of YAML's."""
    return json.dumps(text, ensure_ascii=False)


def flow(ids: list[str]) -> str:
    """A flow list of ids (ids are plain YAML scalars: letters, digits, '-', '.', '_')."""
    return "[" + ", ".join(ids) + "]"


def cite(source: str, section: str) -> str:
    return f"      - {{source: {source}, section: {q(section)}}}\n"


def _key(text: str) -> str:
    """Lower-case ASCII letters and digits only, as names are compared."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _similarity(a: str, b: str) -> float:
    """2 * LCS / (len a + len b): the indel similarity fuzzy matchers score names by."""
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if char == other else max(previous[j + 1], current[j]))
        previous = current
    return 2 * previous[-1] / (len(a) + len(b))


def _guarded(name: str) -> bool:
    """True when a name, or any run of its words, resembles a guarded query."""
    words = [_key(word) for word in name.replace("-", " ").split()]
    runs = {"".join(words[start:end]) for start in range(len(words)) for end in range(start + 1, len(words) + 1)}
    return any(_similarity(run, query) >= GUARD_RATIO for run in runs for query in GUARDED_QUERIES)


@functools.cache
def _shipped_names() -> frozenset[str]:
    """The names, aliases and codes of the shipped base's entities, as `_key` compares them:
    a synthetic entity never takes one, which the validator would refuse."""
    import yaml

    from dprkrel.core.paths import builtin_fact_paths

    keys = set()
    for path in builtin_fact_paths():
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for entity in data.get("entities") or ():
            texts = [entity["name"], *(entity.get("names") or {}).values()]
            texts += [*(entity.get("aliases") or ()), *(entity.get("former_names") or ()), *(entity.get("codes") or ())]
            keys.update(_key(text) for text in texts)
    keys.discard("")
    return frozenset(keys)


@dataclass
class _Namer:
    """Deterministic, unique, unguarded names."""

    rng: random.Random
    used: set[str] = field(default_factory=set)

    def take(self, name: str, *, fresh: bool = True) -> bool:
        """Whether a name may be used (then it is taken): not too like a guarded query and,
        when `fresh`, not used before. After many tries, callers accept a repeated name."""
        key = _key(name)
        if not key or (fresh and key in self.used) or key in _shipped_names() or _guarded(name):
            return False
        self.used.add(key)
        return True

    def country(self) -> str:
        rng = self.rng
        for attempt in range(_TRIES):
            name = rng.choice(_COUNTRY_HEADS) + rng.choice(_COUNTRY_MIDS) + rng.choice(_COUNTRY_TAILS)
            if attempt >= _TRIES // 4:
                name = f"{rng.choice(_QUALIFIERS)} {name}"
            if self.take(name, fresh=attempt < _TRIES - 1):
                return name
        return f"Syntheland {len(self.used)}"

    def hangul(self, syllables: int) -> str:
        return "".join(self.rng.choice(_HANGUL) for _ in range(syllables))

    def city(self) -> tuple[str, str | None]:
        """A city name and, for Korean-looking ones, a Hangul name."""
        rng = self.rng
        for attempt in range(_TRIES):
            hangul = None
            if rng.random() < 0.5:
                name = rng.choice(_CITY_FORMS_ES).format(w=rng.choice(_CITY_STEMS))
                if attempt or rng.random() < 0.3:
                    name = f"{name} {rng.choice(_CITY_QUALIFIERS_ES)}"
            else:
                first, second = rng.sample(list(_KO_CITY_SYLLABLES), 2)
                name, hangul = first + second.lower(), _KO_CITY_SYLLABLES[first] + _KO_CITY_SYLLABLES[second]
                if attempt or rng.random() < 0.3:
                    suffix = rng.choice(list(_KO_CITY_SUFFIXES))
                    name, hangul = f"{name}-{suffix}", hangul + _KO_CITY_SUFFIXES[suffix]
            if self.take(name, fresh=attempt < _TRIES - 1):
                return name, hangul
        return f"Ciudad {len(self.used)}", None

    def person(self) -> tuple[str, dict[str, str]]:
        """A person's display name and names by language tag."""
        rng = self.rng
        for attempt in range(_TRIES):
            style = rng.random()
            names: dict[str, str]
            if style < 0.4:
                family = rng.choice(list(_KO_FAMILY))
                given = rng.sample(list(_KO_GIVEN), 2)
                name = f"{family} {given[0]} {given[1]}"
                names = {"en": name, "ko": _KO_FAMILY[family] + _KO_GIVEN[given[0]] + _KO_GIVEN[given[1]]}
                names["ko-Latn"] = f"{family} {given[0]}-{given[1].lower()}"
            elif style < 0.75:
                name = f"{rng.choice(_ES_GIVEN)} {rng.choice(_ES_FAMILY)} {rng.choice(_ES_FAMILY)}"
                names = {"en": name, "es": name}
            else:
                name = f"{rng.choice(_OTHER_GIVEN)} {rng.choice(_OTHER_FAMILY)}"
                names = {"en": name}
            if self.take(name, fresh=attempt < _TRIES - 1):
                return name, names
        name = f"Person {len(self.used)}"
        return name, {"en": name}


@dataclass(frozen=True)
class _Country:
    index: int
    id: str
    name: str
    city_id: str
    city: str
    people: tuple[tuple[str, str], ...]  # (id, name)
    missions: tuple[str, ...]
    source: str


class _Dates:
    """Random valid partial dates, quoted."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def parts(self, start: int = 1949, end: int = 2024) -> tuple[int, int, int]:
        rng = self.rng
        year = rng.randint(start, end)
        month = rng.randint(1, 12)
        return year, month, rng.randint(1, calendar.monthrange(year, month)[1])

    def random(self, start: int = 1949, end: int = 2024) -> str:
        year, month, day = self.parts(start, end)
        roll = self.rng.random()
        if roll < 0.3:
            return f"{year:04d}"
        if roll < 0.6:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"


def _es_name(name: str) -> str:
    """The Spanish form of a synthetic country name: Toraria is Toraría, Belstan Belstán."""
    for plain, accented in (("ia", "ía"), ("stan", "stán"), ("land", "landia")):
        if name.endswith(plain):
            return name[: -len(plain)] + accented
    return name


class _Writer:
    def __init__(self, out: TextIO, events: int, seed: int) -> None:
        self.out = out
        self.n_events = events
        self.rng = random.Random(seed)
        self.namer = _Namer(self.rng)
        self.dates = _Dates(self.rng)
        self.counts = Counts()
        self.countries: list[_Country] = []
        self.n_countries = country_count(events)
        self.n_sources = source_count(events)
        self.mission_serial = 0

    def w(self, text: str) -> None:
        self.out.write(text)

    # -- sections -----------------------------------------------------------------------

    def header(self) -> None:
        self.w(
            "# A synthetic dprkrel fact base, made by bench/make_synthetic.py for benchmarks.\n"
            f"# {self.n_events} events; seed and size decide every record. Not facts about the world.\n"
            "schema_version: 1\n"
        )

    def sources(self) -> None:
        self.w("\nsources:\n")
        for number in range(self.n_sources):
            self.w(
                f"  - id: {source_id(number)}\n"
                f"    title: {q(f'Synthetic chronicle of foreign relations, volume {number + 1}')}\n"
                f"    publisher: {q('dprkrel benchmark generator')}\n"
                f"    url: {q(f'https://example.invalid/dprkrel-bench/{number + 1}')}\n"
                f'    stated_as_of: "2024"\n'
                f"    sections: [{', '.join(q(section) for section in SECTIONS)}]\n"
            )
            self.counts.sources += 1

    def entities(self) -> None:
        self.w("\nentities:\n")
        for index in range(self.n_countries):
            self.country(index)

    def country(self, index: int) -> None:
        rng = self.rng
        cid = f"{ID_PREFIX}c{index + 1:04d}"
        source = source_id(index % self.n_sources)
        name = self.namer.country()
        es = _es_name(name)
        # "-랜드" (land): no real country's Korean name is made of these syllables and it, so
        # no synthetic name clashes with a shipped one.
        ko = self.namer.hangul(rng.randint(1, 3)) + "랜드"
        city, city_ko = self.namer.city()
        people = [f"{cid}-p{k + 1}" for k in range(2 + (rng.random() < 0.5))]
        missions = (f"{cid}-m1", f"{cid}-m2") if rng.random() < 0.5 else (f"{cid}-m1",)
        codes = ""
        code = "X" + chr(65 + index // 26) + chr(65 + index % 26)
        if index < 26 * 26 and _key(code) not in _shipped_names():  # XKX is Kosovo's
            codes = f"    codes: [{q(code)}]\n"
        self.w(
            f"  - id: {cid}\n"
            f"    entity_kind: country\n"
            f"    name: {q(name)}\n"
            f"    names: {{en: {q(name)}, es: {q(es)}, ko: {q(ko)}}}\n"
            f"    aliases: [{q('Republic of ' + name)}, {q('República de ' + es)}]\n"
            f"{codes}"
            f"    description: {q(f'A synthetic country made for benchmarks; its capital is {city}.')}\n"
            f"    sources:\n{cite(source, 'Summary')}"
        )
        names = f"{{en: {q(city)}, ko: {q(city_ko)}}}" if city_ko else f"{{en: {q(city)}}}"
        self.w(
            f"  - id: {cid}-city\n"
            f"    entity_kind: city\n"
            f"    name: {q(city)}\n"
            f"    names: {names}\n"
            f"    country: {cid}\n"
            f"    sources:\n{cite(source, 'Summary')}"
        )
        self.w(
            f"  - id: {cid}-mfa\n"
            f"    entity_kind: government_body\n"
            f"    name: {q('Ministry of Foreign Affairs of ' + name)}\n"
            f"    country: {cid}\n"
            f"    sources:\n{cite(source, 'Summary')}"
        )
        named_people = []
        for pid in people:
            person, names_by_tag = self.namer.person()
            named_people.append((pid, person))
            tags = ", ".join(f"{tag}: {q(text)}" for tag, text in names_by_tag.items())
            since = self.dates.random(1960, 2020)
            self.w(
                f"  - id: {pid}\n"
                f"    entity_kind: person\n"
                f"    name: {q(person)}\n"
                f"    names: {{{tags}}}\n"
                f"    country: {cid}\n"
                f"    roles:\n"
                f"      - {{title: {q(rng.choice(_ROLES))}, of: {cid}, since: {q(since)}}}\n"
                f"    sources:\n{cite(source, 'People')}"
            )
        self.countries.append(_Country(index, cid, name, f"{cid}-city", city, tuple(named_people), missions, source))
        self.counts.countries += 1
        self.counts.cities += 1
        self.counts.people += len(people)
        self.counts.entities += 3 + len(people)

    def missions(self) -> None:
        self.w("\nmissions:\n")
        for country in self.countries:
            for number, mid in enumerate(country.missions):
                self.mission(country, mid, abroad=number == 0)

    def mission(self, country: _Country, mid: str, *, abroad: bool) -> None:
        rng = self.rng
        serial = self.mission_serial
        self.mission_serial += 1
        if abroad:
            name, sending, host, city = f"Embassy of {country.name} in Pyongyang", country.id, "prk", "pyongyang"
        else:
            name, sending, host, city = f"Embassy of North Korea in {country.city}", "prk", country.id, country.city_id
        year, month, _day = self.dates.parts(1950, 2015)
        opened = f"{year:04d}-{month:02d}" if rng.random() < 0.5 else f"{year:04d}"
        lines = [
            f"  - id: {mid}\n",
            f"    name: {q(name)}\n",
            f"    sending: {sending}\n",
            f"    host: {host}\n",
            f"    city: {city}\n",
            "    mission_kind: embassy\n",
        ]
        last_year = year
        if serial % DISPUTED_MISSION_EVERY == 1:
            other = f"{year + 1:04d}"
            last_year = year + 1
            lines += [
                "    opened:\n",
                f'      - value: "{opened}"\n',
                f"        source: {country.source}\n",
                f"        section: {q('Missions')}\n",
                f"        note: {q('Gives the date the embassy first opened its doors.')}\n",
                f'      - value: "{other}"\n',
                f"        source: {country.source}\n",
                f"        section: {q('Chronology')}\n",
                f"        note: {q('Gives the year the embassy was formally inaugurated.')}\n",
            ]
            self.counts.disputed_missions += 1
        else:
            lines.append(f'    opened: "{opened}"\n')
        if rng.random() < 0.4 and last_year < 2023:
            lines.append(f"    closed: {q(self.dates.random(last_year + 1, 2024))}\n")
        lines.append(f"    consular_services: {'true' if rng.random() < 0.6 else 'false'}\n")
        if rng.random() < 0.2 and len(self.countries) > 1:
            neighbour = self.countries[(country.index + 1) % len(self.countries)]
            since = self.dates.random(max(last_year, 1990), 2024)
            lines.append(f"    accredited_to:\n      - {{country: {neighbour.id}, since: {q(since)}}}\n")
        lines.append(f"    notes: [{q(f'Staffed by {rng.randint(2, 40)} diplomats at its largest.')}]\n")
        lines.append(f"    sources:\n{cite(country.source, 'Missions')}")
        self.w("".join(lines))
        self.counts.missions += 1

    def others(self) -> None:
        """Advisories, aid, policies, sanctions and statements, by country index."""
        picks = {
            "advisories": [c for c in self.countries if c.index % 10 == 0],
            "aid": [c for c in self.countries if c.index % 5 == 0],
            "policies": [c for c in self.countries if c.index % 5 == 2],
            "sanctions": [c for c in self.countries if c.index % 10 == 5],
            "statements": [c for c in self.countries if c.index % 4 == 3],
        }
        rng = self.rng
        self.w("\nadvisories:\n" if picks["advisories"] else "\nadvisories: []\n")
        for c in picks["advisories"]:
            self.w(
                f"  - id: {c.id}-adv\n"
                f"    issuer: {c.id}\n"
                f"    subject: prk\n"
                f"    scope: {q('The whole of North Korea.')}\n"
                f"    advice:\n"
                f"      - {q(f'Citizens of {c.name} should not travel to North Korea.')}\n"
                f"      - {q('Travellers should register with the embassy in Pyongyang.')}\n"
                f"    registration_mission: {c.missions[0]}\n"
                f"    consular_help_missions: [{c.missions[0]}]\n"
                f"    present_tense: true\n"
                f"    sources:\n{cite(c.source, 'Summary')}"
            )
            self.counts.advisories += 1
        self.w("\naid:\n" if picks["aid"] else "\naid: []\n")
        for c in picks["aid"]:
            forms = ", ".join(q(form) for form in rng.sample(_AID_FORMS, 2))
            start = self.dates.random(1995, 2015)
            self.w(
                f"  - id: {c.id}-aid\n"
                f"    donor: {c.id}\n"
                f"    recipient: prk\n"
                f"    summary: {q(f'{c.name} gives North Korea humanitarian aid.')}\n"
                f"    amount: {rng.randint(1, 500) * 100_000}\n"
                f"    currency: {q(rng.choice(('EUR', 'USD')))}\n"
                f"    amount_qualifier: {rng.choice(('exactly', 'more_than', 'about'))}\n"
                f"    period_from: {q(start)}\n"
                f"    forms: [{forms}]\n"
                f"    channels: [international-red-cross]\n"
                f"    prompted_by: [{event_id(c.index)}]\n"
                f"    sources:\n{cite(c.source, 'Aid and sanctions')}"
            )
            self.counts.aid += 1
        self.w("\npolicies:\n" if picks["policies"] else "\npolicies: []\n")
        for c in picks["policies"]:
            summary = f"{c.name} ties closer relations with North Korea to progress on {rng.choice(_TOPICS)}."
            self.w(
                f"  - id: {c.id}-pol\n"
                f"    issuer: {c.id}\n"
                f"    subject: prk\n"
                f"    name: {q('Engagement with conditions')}\n"
                f"    summary: {q(summary)}\n"
                f"    areas: [{q(rng.choice(_TOPICS))}, {q(rng.choice(_TOPICS))}]\n"
                f"    since: {q(self.dates.random(1990, 2020))}\n"
                f"    present_tense: true\n"
                f"    sources:\n{cite(c.source, 'Diplomatic relations')}"
            )
            self.counts.policies += 1
        self.w("\nsanctions:\n" if picks["sanctions"] else "\nsanctions: []\n")
        for c in picks["sanctions"]:
            self.w(
                f"  - id: {c.id}-san\n"
                f"    imposer: {c.id}\n"
                f"    target: prk\n"
                f"    measure_kind: {q(rng.choice(_MEASURES))}\n"
                f"    summary: {q(f'{c.name} keeps restrictive measures against North Korea in force.')}\n"
                f"    prompted_by: [{event_id(c.index)}]\n"
                f"    sources:\n{cite(c.source, 'Aid and sanctions')}"
            )
            self.counts.sanctions += 1
        self.w("\nstatements:\n" if picks["statements"] else "\nstatements: []\n")
        for c in picks["statements"]:
            self.w(
                f"  - id: {c.id}-st\n"
                f"    subjects: [{c.id}, prk]\n"
                f"    category: diplomatic_relations\n"
                f"    summary: {q(f'{c.name} and North Korea maintain diplomatic relations.')}\n"
                f"    present_tense: true\n"
                f"    sources:\n{cite(c.source, 'Diplomatic relations')}"
            )
            self.counts.statements += 1

    def part_header(self, part: int, parts: int) -> None:
        self.w(
            f"# Part {part} of {parts} of a synthetic dprkrel fact base (bench/make_synthetic.py): more events.\n"
            "schema_version: 1\n"
        )

    def events(self, start: int, stop: int) -> None:
        self.w("\nevents:\n" if stop > start else "\nevents: []\n")
        for index in range(start, stop):
            self.w(self.event(index))

    def event(self, index: int) -> str:
        rng = self.rng
        c = self.countries[index % len(self.countries)]
        category = rng.choice(EVENT_CATEGORIES)
        person_id, person = rng.choice(c.people)
        actors = [c.id]
        places: list[str] = []
        if rng.random() < 0.4:
            actors.append("prk")
        if category in ("visit", "private_diplomacy", "expulsion"):
            actors.append(person_id)
        if rng.random() < 0.3:
            places.append(rng.choice((c.city_id, "pyongyang")))
        if index % ESP_EVERY == 0:
            actors.append("esp")
            self.counts.esp_events += 1
        if index % ESP_EVERY == 1:
            places.append("madrid")
            self.counts.madrid_events += 1
        summary = _summary(category, c, person, rng)
        lines = [f"  - id: {event_id(index)}\n"]
        date = self.dates.random()
        if index % DISPUTED_EVENT_EVERY == 7:
            year = int(date[:4])
            other = f"{year + 1:04d}" if year < 2024 else f"{year - 1:04d}"
            lines += [
                "    date:\n",
                f'      - value: "{date}"\n',
                f"        source: {c.source}\n",
                f"        section: {q('Chronology')}\n",
                f'      - value: "{other}"\n',
                f"        source: {c.source}\n",
                f"        section: {q('Diplomatic relations')}\n",
                f"        note: {q('Dates it a year apart from the chronology.')}\n",
            ]
            self.counts.disputed_events += 1
        else:
            lines.append(f'    date: "{date}"\n')
        lines += [
            f"    category: {category}\n",
            f"    summary: {q(summary)}\n",
            f"    actors: {flow(actors)}\n",
        ]
        if places:
            lines.append(f"    places: {flow(places)}\n")
        if rng.random() < 0.15:
            lines.append(f"    details: [{q(f'Talks also touched on {rng.choice(_TOPICS)}.')}]\n")
        lines.append(f"    sources:\n{cite(c.source, 'Chronology')}")
        self.counts.events += 1
        return "".join(lines)


def event_id(index: int) -> str:
    return f"{ID_PREFIX}ev-{index + 1:06d}"


def _summary(category: str, c: _Country, person: str, rng: random.Random) -> str:
    topic = rng.choice(_TOPICS)
    templates = {
        "diplomatic_relations": f"{c.name} and North Korea agree to widen relations, starting with {topic}.",
        "diplomatic_mission": rng.choice(
            (
                f"{c.name} closes its embassy in Pyongyang for the winter.",
                f"North Korea's embassy in {c.city} reopens after it was closed for repairs.",
                f"{c.name} names a new head for its embassy in Pyongyang.",
            )
        ),
        "visit": f"{person} of {c.name} visits Pyongyang for talks on {topic}.",
        "expulsion": f"{c.name} expels a North Korean diplomat; {person} announces the decision.",
        "incident": f"Police in {c.city} report an incident at North Korea's embassy.",
        "legal": f"A court in {c.city} rules on a case over {topic} involving North Korea.",
        "aid": f"{c.name} sends aid to North Korea for {topic}.",
        "disaster": f"Floods in North Korea prompt {c.name} to offer help.",
        "private_diplomacy": f"{person} leads a private delegation from {c.name} to Pyongyang.",
        "security": f"{c.name} condemns a North Korean missile launch.",
        "sanctions": f"{c.name} widens its sanctions on North Korea to cover {topic}.",
        "human_rights": f"{c.name} raises human rights in North Korea at the United Nations.",
        "multilateral": f"{c.name} and North Korea meet at a regional forum on {topic}.",
        "trade": f"{c.name} and North Korea sign a trade deal covering {topic}.",
        "military": f"{c.name} ends a military training programme with North Korea on {topic}.",
        "treaty": f"{c.name} and North Korea sign an agreement on {topic}.",
        "culture": f"A troupe from {c.name} performs in Pyongyang during talks on {topic}.",
        "nuclear": f"{c.name} condemns a North Korean nuclear test; {person} speaks of {topic}.",
    }
    return templates[category]


def change_record(marker: str, part: int = 1) -> str:
    """One more event record, naming `esp`, to append to part `part` (1, 2, ...) of a base.

    Its summary holds `marker`, so `timeline spain` shows whether a run read the new facts.
    """
    return (
        f"  - id: {ID_PREFIX}ev-bench-change-{part}\n"
        f'    date: "2024-06"\n'
        f"    category: incident\n"
        f"    summary: {q(change_summary(marker, part))}\n"
        f"    actors: [esp]\n"
        f"    sources:\n{cite(source_id(0), 'Chronology')}"
    )


def part_paths(path: Path, events: int, per_file: int = EVENTS_PER_FILE) -> list[Path]:
    """The files a base of this many events is written to: `path`, then `STEM.partK.SUFFIX`."""
    parts = max(1, math.ceil(events / per_file)) if per_file > 0 else 1
    return [path] + [path.with_name(f"{path.stem}.part{k}{path.suffix}") for k in range(2, parts + 1)]


def change_summary(marker: str, part: int = 1) -> str:
    """The summary of `change_record(marker, part)`, as `timeline` shows it."""
    return f"Benchmark change {marker} in part {part}."


def generate(outs: Sequence[TextIO], events: int, seed: int = DEFAULT_SEED) -> Counts:
    """Write a fact base with this many events over the given files; return what it holds.

    The first file holds every record but the events, then the first share of the events;
    the others hold the rest of the events, shared evenly. The events are the same, in the
    same order, however many files they are spread over.
    """
    if events < 1:
        raise ValueError("the number of events must be at least 1")
    if not outs:
        raise ValueError("no file to write to")
    writer = _Writer(outs[0], events, seed)
    writer.header()
    writer.sources()
    writer.entities()
    writer.missions()
    writer.others()
    bounds = [round(k * events / len(outs)) for k in range(len(outs) + 1)]
    for part, out in enumerate(outs):
        writer.out = out
        if part:
            writer.part_header(part + 1, len(outs))
        writer.events(bounds[part], bounds[part + 1])
    return writer.counts


def write(
    path: Path, events: int, seed: int = DEFAULT_SEED, per_file: int = EVENTS_PER_FILE
) -> tuple[Counts, list[Path]]:
    """Write the fact base to `path` and, past `per_file` events (0: no limit), more files.

    Returns what the base holds and the files it was written to (UTF-8, '\\n' line ends).
    """
    paths = part_paths(path, events, per_file)
    with contextlib.ExitStack() as stack:
        outs = [stack.enter_context(p.open("w", encoding="utf-8", newline="\n", buffering=1 << 20)) for p in paths]
        return generate(outs, events, seed), paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic dprkrel fact base with N events (and proportionate other records).",
        epilog="Prints the files it wrote, one a line. Read them with: dprkrel --data OUT.yaml "
        "[--data OUT.part2.yaml ...] timeline spain",
    )
    parser.add_argument("events", type=int, metavar="N", help="number of events (at least 1)")
    parser.add_argument("out", type=Path, metavar="OUT.yaml", help="the file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--events-per-file",
        type=int,
        default=EVENTS_PER_FILE,
        metavar="M",
        help=f"start another file (OUT.part2.yaml, ...) every M events; 0 for one file (default {EVENTS_PER_FILE})",
    )
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("N must be at least 1")
    counts, paths = write(args.out, args.events, args.seed, args.events_per_file)
    for path in paths:
        print(path)
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.records().items())
    print(f"{summary} in {len(paths)} {'file' if len(paths) == 1 else 'files'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
