"""Every command and option of the command line, declared once.

The quick reader (`quick`), the Typer app (`app`) and the requests they build are all made
from the tables here: adding an option to a command is one `Option` in its `Command`, and a
keyword of the same name on the core function that answers it (see CONTRIBUTING.md).
"""

from __future__ import annotations

import os

from dprkrel.core.frozen import Frozen
from dprkrel.output.views import FORMAT_ALIASES, OutputFormat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

DATA_ENV = "DPRKREL_DATA"


class Option(Frozen):
    """One option: its spellings, the request field it fills, and how its value is read.

    `value` is one of: "flag" (no value), "format_flag" (a flag that means `--format SETS`),
    "text", "texts" (repeatable), "paths" (repeatable fact files), "format" (an output
    format) or "limit" (a whole number from MIN_LIMIT to MAX_LIMIT).
    """

    names: tuple[str, ...]
    field: str
    value: str = "flag"
    help: str = ""
    metavar: str | None = None
    # The values a "text" or "texts" option takes, when they are a fixed list: the name of
    # the list in `choices_of`. The help lists them, and the shell's Tab key offers them.
    choices: str = ""
    sets: str = ""  # the output format a "format_flag" asks for


class Argument(Frozen):
    """A command's argument: the request field it fills, and how it is read."""

    field: str
    help: str
    required: bool = False
    many: bool = False  # any number of values ("paths")
    completes_subject: bool = False  # the shell's Tab key offers subjects
    # Several words unquoted are one value, joined by spaces: `dprkrel timeline north korea`.
    words: bool = True


# What the help says of an argument whose words need no quotes.
WORDS_HELP = "Several words need no quotes; options may come before or after them, and '--' ends the options."


def joined(words: tuple[str, ...] | list[str]) -> str | None:
    """Several words given as one subject or query, as the user would have quoted them."""
    return " ".join(words) if words else None


class Command(Frozen):
    """One command: its help (first line, more lines, example), argument and options."""

    name: str
    summary: str
    example: str
    options: tuple[Option, ...]
    argument: Argument | None = None
    details: str = ""

    def help(self) -> str:
        parts = [self.summary, *([self.details] if self.details else []), f"Example: {self.example}"]
        return "\n\n".join(parts)

    def option(self, name: str) -> Option | None:
        """The option spelled `name` ("--since", "-c"), if the command has one."""
        for option in self.options:
            if name in option.names:
                return option
        return None

    def defaults(self) -> dict[str, object]:
        """Each field of the command's request with the value it has when not given."""
        values: dict[str, object] = {}
        if self.argument is not None:
            values[self.argument.field] = () if self.argument.many else None
        for option in self.options:
            if option.value != "format_flag":
                values[option.field] = DEFAULTS[option.value]
        return values


# What an option holds when it is not given, by the kind of value it takes.
DEFAULTS: dict[str, object] = {
    "flag": False,
    "text": None,
    "texts": (),
    "paths": (),
    "format": "table",
    "limit": 10,
}

# The output formats as the command line spells them: the renderers' own list, and aliases.
FORMATS = (*(output.value for output in OutputFormat), *FORMAT_ALIASES)


def format_named(name: str) -> str:
    """The output format a name given to --format means ("md" is markdown)."""
    return FORMAT_ALIASES.get(name, name)


def chosen_format(option: str | None, flags: list[str] | tuple[str, ...]) -> str:
    """The one output format --format and the short flags ask for; UsageError for two."""
    from dprkrel.core.errors import UsageError

    asked = dict.fromkeys([*([format_named(option)] if option else []), *flags])
    if len(asked) > 1:
        first, second = list(asked)[:2]
        raise UsageError(f"two output formats were asked for, {first} and {second}; give one")
    return next(iter(asked), str(DEFAULTS["format"]))


_FORMAT = Option(
    ("--format", "-f"),
    "format",
    "format",
    "Output format: table and markdown for people; json, ndjson (or jsonl), csv and tsv for programs.",
)
_FORMAT_FLAGS = tuple(
    Option((name,), "format", "format_flag", f"Short for --format {fmt}.", sets=fmt)
    for name, fmt in (("--json", "json"), ("--nl", "ndjson"), ("--csv", "csv"), ("--tsv", "tsv"))
)
_SOURCES = Option(("--sources",), "sources", help="Add a column with each row's source and section.")
_AS_OF = Option(
    ("--as-of",), "as_of", "text", "The date to answer for: YYYY, YYYY-MM or YYYY-MM-DD (default: today).", "DATE"
)
_OUTPUT = (_FORMAT, *_FORMAT_FLAGS, _SOURCES)

GLOBAL_OPTIONS: tuple[Option, ...] = (
    Option(
        ("--data",),
        "data",
        "paths",
        f"Add a fact file to the shipped base (repeatable). {DATA_ENV} adds files too, separated by '{os.pathsep}'.",
        "PATH",
    ),
    Option(("--no-builtin",), "no_builtin", help="Leave the shipped fact base out; use only the files given."),
)

COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command(
            "validate",
            "Check the fact base strictly and report every problem with its file, line and column.",
            "dprkrel validate my-facts.yaml",
            (),
            Argument(
                "paths", "Fact files to check together with the shipped base (and --data).", many=True, words=False
            ),
            details="On success, prints one line with the number of records of each kind.",
        ),
        Command(
            "timeline",
            "The dated events, oldest first, at the precision the sources give.",
            "dprkrel timeline spain --since 2013",
            (
                Option(("--since",), "since", "text", "Only events from this date on (YYYY[-MM[-DD]]).", "DATE"),
                Option(("--until",), "until", "text", "Only events up to this date (YYYY[-MM[-DD]]).", "DATE"),
                Option(
                    ("--category", "-c"),
                    "categories",
                    "texts",
                    "Only events of this category (repeatable):",
                    choices="event categories",
                ),
                _AS_OF,
                Option(("--chart",), "chart", help="Draw the history as a chart above the table."),
                Option(
                    ("--details",), "details", help="Add each event's details under its summary (table, CSV, Markdown)."
                ),
                *_OUTPUT,
            ),
            Argument("subject", "A country, organisation, city or person.", completes_subject=True),
        ),
        Command(
            "embassy",
            "Diplomatic missions that concern a place, with their status on a date.",
            "dprkrel embassy madrid --as-of 2015",
            (_AS_OF, *_OUTPUT),
            Argument("subject", "A city, country or organisation.", completes_subject=True),
            details="Shows who sends each mission, when it opened and closed, whether it does consular work,\n"
            "which countries it is accredited to, and who acts for whom.",
        ),
        Command(
            "relations",
            "North Korea's relations: with a country, its status on a date, changes, missions and latest events.",
            "dprkrel relations botswana",
            (
                _AS_OF,
                Option(
                    ("--status", "-s"),
                    "statuses",
                    "texts",
                    "Only relations with this status on the as-of date (repeatable):",
                    choices="relation statuses",
                ),
                Option(
                    ("--continent",),
                    "continents",
                    "texts",
                    "Only countries of this continent (repeatable):",
                    choices="continents",
                ),
                Option(("--sort",), "sort", "text", "Order of the list:", choices="relation sorts"),
                *_OUTPUT,
            ),
            Argument("country", "A country or organisation; leave it out for every relation.", completes_subject=True),
            details="A status stated in the present tense holds as of its source's date, and says so;\n"
            "a change the sources date inside the as-of period leaves the status unknown.",
        ),
        Command(
            "advisory",
            "The travel advice a government gives its citizens about North Korea.",
            "dprkrel advisory spain",
            _OUTPUT,
            Argument("country", "The country giving the advice, or the one it is about.", completes_subject=True),
        ),
        Command(
            "search",
            "Search every record, best match first, with its kind, score and a one-line summary.",
            'dprkrel search "ambassador expelled"',
            (
                Option(("--limit", "-n"), "limit", "limit", "Show at most this many results."),
                Option(
                    ("--kind", "-k"),
                    "kinds",
                    "texts",
                    "Only records of this kind (repeatable):",
                    choices="record kinds",
                ),
                *_OUTPUT,
            ),
            Argument("query", "Words to look for; typos and word forms are forgiven.", required=True),
        ),
        Command(
            "show",
            "The profile of an entity: its names in every script, roles, and every record about it.",
            'dprkrel show "Cao de Benós"',
            _OUTPUT,
            Argument("name", "A person, country, organisation or city.", required=True, completes_subject=True),
        ),
        Command(
            "subjects",
            "Every subject the fact base knows, with its kind, aliases and how many records involve it.",
            "dprkrel subjects --kind country",
            (
                Option(
                    ("--kind", "-k"),
                    "kinds",
                    "texts",
                    "Only subjects of this kind (repeatable):",
                    choices="subject kinds",
                ),
                *_OUTPUT,
            ),
        ),
        Command(
            "export",
            "Write the whole fact base (the shipped one and --data) for analysis: SQLite, JSON or CSV.",
            "dprkrel export --format sqlite base.db",
            (
                Option(
                    ("--format", "-f"),
                    "format",
                    "text",
                    "What to write: sqlite (a database), json (one document) or csv (a folder, a file a table):",
                    choices="export formats",
                ),
                Option(("--force",), "force", help="Replace DESTINATION if it is a file, or a folder of an export."),
            ),
            Argument("destination", "The file to write (a folder, for csv).", required=True, words=False),
            details="The tables, their keys and the views are described in docs/export.md.",
        ),
        Command(
            "cache",
            "Where the compiled fact bases are kept and how much they hold; --clear removes them.",
            "dprkrel cache --clear",
            (
                Option(
                    ("--clear",), "clear", help="Remove every file dprkrel wrote in the cache folder, and no other."
                ),
                Option(("--json",), "json", help="Print as JSON."),
            ),
            details="Removing them is always safe: the fact base is compiled again when next needed.",
        ),
        Command(
            "sources",
            "The source documents, with publisher, address, date and how many records cite each.",
            "dprkrel sources --json",
            (
                _FORMAT,
                *_FORMAT_FLAGS,
                Option(("--sources",), "sources", help="Add a column with the sections records may cite."),
            ),
        ),
    )
}


def choices_of(option: Option) -> tuple[str, ...]:
    """The values an option with `choices` takes, from the schema that declares them."""
    from dprkrel.core import commands, model, schema
    from dprkrel.output.export_out import FORMATS as EXPORT_FORMATS

    lists = {
        "event categories": schema.EVENT_CATEGORIES,
        "record kinds": tuple(record_type.KIND for record_type in model.RECORD_TYPES),
        "subject kinds": schema.ENTITY_KINDS,
        "relation statuses": (*schema.RELATION_STATUSES, "unknown", "not_stated"),
        "continents": schema.CONTINENTS,
        "relation sorts": commands.RELATION_SORTS,
        "export formats": EXPORT_FORMATS,
    }
    return tuple(lists[option.choices])


class Settings(Frozen):
    """The global options: which fact files to read."""

    data: tuple[str, ...] = ()
    builtin: bool = True

    def fact_paths(self, extra: tuple[str, ...] = ()) -> list[str]:
        """The fact files to load: the shipped base, then DPRKREL_DATA, then --data, then extra."""
        from dprkrel.core.paths import builtin_fact_paths

        paths = list(builtin_fact_paths()) if self.builtin else []
        paths += [part for part in os.environ.get(DATA_ENV, "").split(os.pathsep) if part]
        paths += self.data
        paths += extra
        return paths


class Request(Frozen):
    """A command with its arguments as given (dates still text): what `run.execute` runs.

    `values` holds every field of the command's options and argument, in the order of
    `Command.defaults`, so two requests for the same command line compare equal.
    """

    command: str
    settings: Settings
    values: tuple[tuple[str, object], ...]

    def __getitem__(self, field: str) -> object:
        for name, value in self.values:
            if name == field:
                return value
        raise KeyError(field)

    def get(self, field: str, default: object = None) -> object:
        """The field's value; `default` for a field this command does not have."""
        try:
            return self[field]
        except KeyError:
            return default

    def items(self) -> Iterator[tuple[str, object]]:
        return iter(self.values)


DEFAULT_SETTINGS = Settings()


def settings(given: Mapping[str, object]) -> Settings:
    """The settings the global options give (by field: `data`, `no_builtin`), either reader's."""
    data = given.get("data") or ()
    assert isinstance(data, (tuple, list))
    return Settings(data=tuple(data), builtin=not given.get("no_builtin"))


def request(command: str, settings: Settings = DEFAULT_SETTINGS, **given: object) -> Request:
    """The request for `command` with the fields given and every other at its default."""
    values = COMMANDS[command].defaults()
    unknown = given.keys() - values.keys()
    if unknown:
        raise TypeError(f"the {command} command has no option {sorted(unknown)[0]!r}")
    values.update(given)
    return Request(command, settings, tuple(values.items()))
