"""Turn the Wikidata table of missions concerning North Korea into fact-base records.

The table (source `wikidata-missions-2022`, compiled on 2022-11-16) lists one diplomatic
mission a row. This script writes `data/missions-2022.yaml` from it:

- `listings`: one per row, the mission as the table lists it (jurisdictions, coordinates,
  contacts, the year or day it opened), citing the row's QID;
- `missions`: one per row that matches no mission of the curated base, citing the row;
- `entities`: the cities the rows name that the curated base lacks (a district, such as
  Mitte, becomes a city that is `part_of` its city, Berlin; that is general geography).

A row matches a curated mission when both have the same sending state, host country and
kind, and the same city (a district counting as its city), or when the curated mission has
no city and is the only one of its sending state, host and kind. Its listing then points at
the curated mission and no mission is generated.

Run it by hand from the repository root (standard library and PyYAML only):

    python scripts/wikidata_missions.py [--csv PATH] [--facts FILE]... [--out data/missions-2022.yaml]

It always reads `data/facts.yaml`; `--facts` adds fact files (repeatable), such as curated
parts not merged yet. Re-run it whenever the curated missions or cities change, with the
same command; `--check` only reports whether the committed file is up to date. The output
is sorted and stable: the same inputs give the same bytes. Never edit the output by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CSV = REPO.parent / "shared" / "sources" / "wikidata-missions-north-korea-2022.csv"
DEFAULT_FACTS = REPO / "data" / "facts.yaml"
DEFAULT_OUT = REPO / "data" / "missions-2022.yaml"
SOURCE = "wikidata-missions-2022"

# Wikidata's countries (operator, country and jurisdictions of the table) and the entity ids
# of the fact base (ISO 3166-1 alpha-3 in lower case). Looked up by QID, then by name.
COUNTRIES: dict[str, tuple[str, str]] = {
    "Q222": ("Albania", "alb"),
    "Q408": ("Australia", "aus"),
    "Q40": ("Austria", "aut"),
    "Q902": ("Bangladesh", "bgd"),
    "Q31": ("Belgium", "bel"),
    "Q225": ("Bosnia and Herzegovina", "bih"),
    "Q155": ("Brazil", "bra"),
    "Q219": ("Bulgaria", "bgr"),
    "Q424": ("Cambodia", "khm"),
    "Q16": ("Canada", "can"),
    "Q224": ("Croatia", "hrv"),
    "Q229": ("Cyprus", "cyp"),
    "Q213": ("Czech Republic", "cze"),
    "Q35": ("Denmark", "dnk"),
    "Q983": ("Equatorial Guinea", "gnq"),
    "Q33": ("Finland", "fin"),
    "Q142": ("France", "fra"),
    "Q183": ("Germany", "deu"),
    "Q117": ("Ghana", "gha"),
    "Q41": ("Greece", "grc"),
    "Q28": ("Hungary", "hun"),
    "Q189": ("Iceland", "isl"),
    "Q668": ("India", "ind"),
    "Q252": ("Indonesia", "idn"),
    "Q794": ("Iran", "irn"),
    "Q38": ("Italy", "ita"),
    "Q1008": ("Ivory Coast", "civ"),
    "Q766": ("Jamaica", "jam"),
    "Q17": ("Japan", "jpn"),
    "Q819": ("Laos", "lao"),
    "Q211": ("Latvia", "lva"),
    "Q37": ("Lithuania", "ltu"),
    "Q32": ("Luxembourg", "lux"),
    "Q1019": ("Madagascar", "mdg"),
    "Q833": ("Malaysia", "mys"),
    "Q233": ("Malta", "mlt"),
    "Q96": ("Mexico", "mex"),
    "Q217": ("Moldova", "mda"),
    "Q711": ("Mongolia", "mng"),
    "Q236": ("Montenegro", "mne"),
    "Q1029": ("Mozambique", "moz"),
    "Q836": ("Myanmar", "mmr"),
    "Q837": ("Nepal", "npl"),
    "Q55": ("Netherlands", "nld"),
    "Q664": ("New Zealand", "nzl"),
    "Q423": ("North Korea", "prk"),
    "Q20": ("Norway", "nor"),
    "Q843": ("Pakistan", "pak"),
    "Q219060": ("Palestine", "pse"),
    "Q148": ("People's Republic of China", "chn"),
    "Q36": ("Poland", "pol"),
    "Q45": ("Portugal", "prt"),
    "Q27": ("Republic of Ireland", "irl"),
    "Q218": ("Romania", "rou"),
    "Q159": ("Russia", "rus"),
    "Q238": ("San Marino", "smr"),
    "Q403": ("Serbia", "srb"),
    "Q334": ("Singapore", "sgp"),
    "Q214": ("Slovakia", "svk"),
    "Q215": ("Slovenia", "svn"),
    "Q258": ("South Africa", "zaf"),
    "Q884": ("South Korea", "kor"),
    "Q29": ("Spain", "esp"),
    "Q34": ("Sweden", "swe"),
    "Q39": ("Switzerland", "che"),
    "Q858": ("Syria", "syr"),
    "Q869": ("Thailand", "tha"),
    "Q43": ("Turkey", "tur"),
    "Q145": ("United Kingdom", "gbr"),
    "Q237": ("Vatican", "vat"),
    "Q717": ("Venezuela", "ven"),
    "Q881": ("Vietnam", "vnm"),
}
COUNTRY_BY_NAME = dict(COUNTRIES.values())

# Districts and municipalities the table gives as a mission's city, and the city each is
# part of, with a short description. This is general geography, not the table's claim.
DISTRICTS: dict[str, tuple[str, str]] = {
    "Chaoyang District": ("Beijing", "A district of Beijing."),
    "Jongno District": ("Seoul", "A district of central Seoul."),
    "Mitte": ("Berlin", "The central borough of Berlin."),
    "Moranbong-guyok": ("Pyongyang", "A district of Pyongyang."),
    "Taedonggang-guyok": ("Pyongyang", "A district of Pyongyang."),
    "Lidingö Municipality": ("Stockholm", "A municipality on an island in the Stockholm urban area."),
    "Muri bei Bern": ("Bern", "A municipality on the edge of Bern, in its urban area."),
    "Sofia Capital Municipality": ("Sofia", "The municipality that holds Bulgaria's capital, Sofia."),
}
# Cities the fact base holds as an entity of another kind, by the table's name for them.
# Hong Kong is a city and a territory; the base has one entity for both (the territory).
CITY_ENTITIES: dict[str, str] = {"Hong Kong": "hkg"}

DISTRICT_NOTE = "That it is part of its city is general geography, not a claim of the table."

# The table's `type` and the fact base's mission_kind, with the words a mission's name uses.
KINDS: dict[str, tuple[str, str]] = {
    "embassy": ("embassy", "Embassy"),
    "consulate": ("consulate", "Consulate"),
    "consulate general": ("consulate_general", "Consulate General"),
    "de facto embassy": ("de_facto_embassy", "De facto embassy"),
    "apostolic nunciature": ("apostolic_nunciature", "Apostolic Nunciature"),
}
# A mission's name uses the table's name of a country, but for these; and "the" before some
# ("Embassy of the Netherlands"). Names come from here, not from the fact files read, so
# that the output depends on those files only through their missions and cities.
SHORT_NAMES = {"chn": "China", "irl": "Ireland"}
WITH_THE = {"civ", "cze", "gbr", "nld", "phl", "usa"}

NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
CREATION = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T00:00:00Z")


class ConversionError(Exception):
    """A row the script cannot convert; the message is one line naming what and why."""


# -- reading ------------------------------------------------------------------------------


def read_rows(text: str) -> list[dict[str, str]]:
    """The table's rows: semicolon-separated, with a header row; values stripped."""
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]


@dataclass
class Base:
    """What the script needs of the curated fact base: its entities and missions."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    missions: list[dict[str, Any]] = field(default_factory=list)

    def add(self, document: Mapping[str, Any]) -> None:
        for entity in document.get("entities") or []:
            self.entities[entity["id"]] = entity
        self.missions.extend(document.get("missions") or [])


def read_base(paths: Iterable[Path]) -> Base:
    import yaml  # imported here, like everywhere in the project (start-up speed)

    base = Base()
    for path in paths:
        base.add(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return base


# -- the pure conversion ------------------------------------------------------------------


def qid(value: str) -> str:
    """`http://www.wikidata.org/entity/Q62089090` -> `Q62089090`."""
    return value.rsplit("/", 1)[-1]


def slug(name: str) -> str:
    """An id from a name: lower-case ASCII with hyphens (`Lidingö Municipality` -> `lidingo-municipality`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def opened(creation: str) -> str | None:
    """The table's `creation` at its precision: Wikidata prints a year as 1 January."""
    if not creation:
        return None
    match = CREATION.fullmatch(creation)
    if not match:
        raise ConversionError(f"creation {creation!r} is not a Wikidata time YYYY-MM-DDT00:00:00Z")
    year, month, day = match.groups()
    return year if (month, day) == ("01", "01") else f"{year}-{month}-{day}"


def mission_kind(table_type: str) -> str:
    """The fact base's mission_kind for the table's `type`."""
    if table_type not in KINDS:
        raise ConversionError(f"mission type {table_type!r} has no mission_kind; add it to KINDS")
    return KINDS[table_type][0]


def country_id(name: str, wikidata_id: str) -> str:
    """The entity id of one of the table's countries, by its QID, else by its name."""
    if wikidata_id in COUNTRIES:
        return COUNTRIES[wikidata_id][1]
    if name in COUNTRY_BY_NAME:
        return COUNTRY_BY_NAME[name]
    raise ConversionError(f"cannot map Wikidata country {name!r} ({wikidata_id}) to an entity id; add it to COUNTRIES")


def jurisdictions(row: Mapping[str, str]) -> list[str]:
    names = [name for name in row.get("jurisdictions", "").split("|") if name]
    qids = [qid(value) for value in row.get("jurisdictionQIDs", "").split("|") if value]
    if len(qids) != len(names):
        qids = [""] * len(names)
    return [country_id(name, wikidata_id) for name, wikidata_id in zip(names, qids, strict=True)]


def city_of(base: Base, entity_id: str | None) -> str | None:
    """A curated city's own city: a district's parent, followed while it is a city."""
    seen: set[str] = set()
    while entity_id and entity_id not in seen:
        seen.add(entity_id)
        parent = base.entities.get(entity_id, {}).get("part_of")
        if parent and base.entities.get(parent, {}).get("entity_kind") == "city":
            entity_id = parent
        else:
            break
    return entity_id


def find_city(base: Base, name: str, country: str) -> str | None:
    """The id of the curated city of that name (its id, name or an alias) in that country."""
    wanted = slug(name)
    if base.entities.get(wanted, {}).get("entity_kind") == "city":
        return wanted
    folded = name.casefold()
    for entity_id, entity in sorted(base.entities.items()):
        spellings = [entity.get("name", ""), *(entity.get("names") or {}).values(), *(entity.get("aliases") or [])]
        if (
            entity.get("entity_kind") == "city"
            and entity.get("country") == country
            and folded in {str(spelling).casefold() for spelling in spellings}
        ):
            return entity_id
    return None


def match(base: Base, sending: str, host: str, kind: str, city: str | None) -> str | None:
    """The curated mission the row is, if any (see the module's docstring); `city` is the
    row's own city (a district counts as its city)."""
    candidates = [
        mission
        for mission in base.missions
        if (mission.get("sending"), mission.get("host"), mission.get("mission_kind")) == (sending, host, kind)
    ]
    same_city = sorted(mission["id"] for mission in candidates if city_of(base, mission.get("city")) == city)
    if same_city:
        return str(same_city[0])
    if len(candidates) == 1 and not candidates[0].get("city"):
        return str(candidates[0]["id"])
    return None


@dataclass
class Output:
    """The records to write, by id, and what happened to each row."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    missions: dict[str, dict[str, Any]] = field(default_factory=dict)
    listings: dict[str, dict[str, Any]] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)  # listing id -> curated mission id
    undefined: set[str] = field(default_factory=set)  # ids of countries no file read defines


def cite(row: Mapping[str, str]) -> dict[str, str]:
    return {"source": SOURCE, "section": qid(row["QID"])}


def add_city(out: Output, base: Base, name: str, country: str, row: Mapping[str, str], extra: Mapping[str, str]) -> str:
    """The id of the city of that name, creating its entity when the curated base lacks it."""
    if name in CITY_ENTITIES:
        if CITY_ENTITIES[name] not in base.entities:
            out.undefined.add(CITY_ENTITIES[name])
        return CITY_ENTITIES[name]
    found = find_city(base, name, country)
    if found:
        return found
    entity_id = slug(name)
    entity = out.entities.setdefault(
        entity_id, {"id": entity_id, "entity_kind": "city", "name": name, "country": country, **extra, "sources": []}
    )
    if entity["country"] != country:
        raise ConversionError(f"city {name!r} is in {entity['country']} and in {country} in different rows")
    if cite(row) not in entity["sources"]:
        entity["sources"].append(cite(row))
        entity["sources"].sort(key=lambda citation: int(citation["section"].removeprefix("Q")))
    return entity_id


def convert(rows: Sequence[Mapping[str, str]], base: Base) -> Output:
    out = Output()
    named: set[str] = set()  # cities some row names as its city
    districts_of: dict[str, set[str]] = {}  # parent city -> the districts rows name in it
    for row in rows:
        row_id = qid(row["QID"])
        sending = country_id(row["operator"], qid(row["operatorQID"]))
        host = country_id(row["country"], qid(row["countryQID"]))
        kind = mission_kind(row["type"])
        covered = jurisdictions(row)
        out.undefined.update(
            c for c in (sending, host, *covered) if base.entities.get(c, {}).get("entity_kind") != "country"
        )

        city = place = parent = None
        if row.get("city"):
            place = row["city"]
            if place in DISTRICTS:
                parent_name, description = DISTRICTS[place]
                parent = add_city(out, base, parent_name, host, row, {})
                districts_of.setdefault(parent, set()).add(place)
                city = add_city(
                    out, base, place, host, row, {"part_of": parent, "description": description, "note": DISTRICT_NOTE}
                )
                place = parent_name
            else:
                city = parent = add_city(out, base, place, host, row, {})
                named.add(city)
            parent = city_of(base, parent) if parent not in out.entities else parent

        mission_id = match(base, sending, host, kind, parent)
        if mission_id:
            out.matched[f"lst-{row_id.lower()}"] = mission_id
        else:
            mission_id = f"{sending}-{kind.replace('_', '-')}-{parent or host}"
            if mission_id in out.missions:
                raise ConversionError(
                    f"rows {out.missions[mission_id]['sources'][0]['section']} and {row_id} both make {mission_id}"
                )
            out.missions[mission_id] = generated_mission(mission_id, sending, host, kind, city, place, row)

        listing: dict[str, Any] = {"id": f"lst-{row_id.lower()}", "mission": mission_id}
        if covered:
            listing["jurisdictions"] = covered
        listing.update(contacts(row))
        when = opened(row.get("creation", ""))
        if when:
            listing["opened"] = when
        listing["present_tense"] = True
        listing["sources"] = [cite(row)]
        out.listings[listing["id"]] = listing

    # A city only the districts of which the rows name: say so, before its sources.
    for parent, districts in districts_of.items():
        if parent in out.entities and parent not in named:
            entity = out.entities[parent]
            sources = entity.pop("sources")
            entity["note"] = (
                f"The table names only {', '.join(sorted(districts))} as a mission's city; "
                "that it is part of this city is general geography."
            )
            entity["sources"] = sources
    return out


def generated_mission(
    mission_id: str,
    sending: str,
    host: str,
    kind: str,
    city: str | None,
    place: str | None,
    row: Mapping[str, str],
) -> dict[str, Any]:
    label = KINDS[row["type"]][1]
    where = place or SHORT_NAMES.get(host, row["country"])
    if kind == "apostolic_nunciature":
        name = f"{label} in {where}"
    else:
        sender = SHORT_NAMES.get(sending, row["operator"])
        name = f"{label} of {'the ' if sending in WITH_THE else ''}{sender} in {where}"
    mission: dict[str, Any] = {"id": mission_id, "name": name, "sending": sending, "host": host}
    if city:
        mission["city"] = city
    mission.update({"mission_kind": kind, "present_tense": True, "sources": [cite(row)]})
    return mission


def contacts(row: Mapping[str, str]) -> dict[str, Any]:
    """The listing's address, coordinates and contacts, where the row gives them."""
    found: dict[str, Any] = {}
    if row.get("address"):
        found["address"] = row["address"]
    for key in ("latitude", "longitude"):
        if row.get(key):
            if not NUMBER.fullmatch(row[key]):
                raise ConversionError(f"row {qid(row['QID'])}: {key} {row[key]!r} is not a decimal number")
            found[key] = Number(row[key])
    for key in ("phone", "email", "website", "facebook", "twitter"):
        if row.get(key):
            found[key] = row[key].removeprefix("mailto:") if key == "email" else row[key]
    return found


class Number(str):
    """A number written as the table gives it (no float rounding), unquoted in the output."""


# -- writing ------------------------------------------------------------------------------

HEADER = """\
# GENERATED FILE: do not edit by hand.
# Written by scripts/wikidata_missions.py from the Wikidata table of missions concerning
# North Korea (source wikidata-missions-2022, as of 2022-11-16) and the curated fact base.
# To change it, change the script or the curated records and re-run the script (see its
# docstring for how).
"""


def scalar(value: Any, flow: bool = False) -> str:
    """A YAML scalar, quoted when YAML would read it as anything but this text."""
    import yaml  # imported here, like everywhere in the project (start-up speed)

    if value is True:
        return "true"
    if isinstance(value, Number):
        return str(value)
    text = str(value)
    risky = (
        text != text.strip()
        or text[:1] in set("-?:,[]{}#&*!|>'\"%@`")
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or (flow and any(char in text for char in ",[]{}"))
    )
    if not risky:
        try:
            risky = yaml.safe_load(text) != text
        except yaml.YAMLError:
            risky = True
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' if risky else text


def render_record(record: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for index, (key, value) in enumerate(record.items()):
        lead = "  - " if index == 0 else "    "
        if key == "sources":
            lines.append(f"{lead}sources:")
            lines += [f"      - {{source: {c['source']}, section: {scalar(c['section'], flow=True)}}}" for c in value]
        elif isinstance(value, list):
            lines.append(f"{lead}{key}: [" + ", ".join(scalar(item, flow=True) for item in value) + "]")
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def render(out: Output) -> str:
    """The output file's text; records sorted by id within each section."""
    parts = [HEADER]
    for section, records in (("entities", out.entities), ("missions", out.missions), ("listings", out.listings)):
        if not records:
            continue
        body = "\n\n".join("\n".join(render_record(records[key])) for key in sorted(records))
        parts.append(f"\n{section}:\n{body}\n")
    return "".join(parts)


def summary(rows: Sequence[Mapping[str, str]], out: Output) -> list[str]:
    lines = [
        f"{len(rows)} rows, {len(out.listings)} listings",
        f"{len(out.matched)} matched curated missions"
        + "".join(f"\n  {listing} -> {mission}" for listing, mission in sorted(out.matched.items())),
        f"{len(out.missions)} generated missions",
        f"{len(out.entities)} generated cities: {', '.join(sorted(out.entities)) or '-'}",
    ]
    if out.undefined:
        lines.append(f"warning: no file read defines {', '.join(sorted(out.undefined))}")
    return lines


# -- command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="the table (default: %(default)s)")
    parser.add_argument(
        "--facts", type=Path, action="append", default=[], help="another fact file to read besides data/facts.yaml"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when --out is not up to date")
    args = parser.parse_args(argv)

    out_path = args.out.resolve()
    fact_paths: list[Path] = []
    for path in [DEFAULT_FACTS, *args.facts]:
        if path.resolve() == out_path:
            parser.error(f"{path} is the output; the generated file is not part of the curated base")
        if path.resolve() not in fact_paths:
            fact_paths.append(path.resolve())
    try:
        rows = read_rows(args.csv.read_text(encoding="utf-8"))
        out = convert(rows, read_base(fact_paths))
    except (ConversionError, OSError) as error:
        print(f"wikidata_missions: {error}", file=sys.stderr)
        return 2
    text = render(out)
    print("\n".join(summary(rows, out)), file=sys.stderr)
    if args.check:
        current = out_path.read_text(encoding="utf-8") if out_path.exists() else ""
        if current != text:
            print(f"{args.out} is not up to date: re-run without --check", file=sys.stderr)
            return 1
        return 0
    out_path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
