"""Reads the common command lines, and the shell's completion requests, without Typer.

Importing Typer (and the click it carries) takes longer than everything else a lookup
does, and a lookup tool is run from scripts in loops and on every Tab press. So the
console script first asks this module; what it reads is run at once, and everything it
does not read completely and exactly as Typer would is left to the Typer app (`cli`):
help, --version, usage errors, options written in forms it does not take (`-fjson`,
`--`), values Typer would convert (`--limit +5`), completion of anything but a subject.
Declining is always safe; reading differently from Typer never is, so the tests compare the
request read here with the one the Typer app builds, over generated command lines.

The options below must match the Typer app's: a test checks every name, whether it takes a
value, and whether it repeats.
"""

from __future__ import annotations

import sys

from dprkrel.cli import commands
from dprkrel.core.frozen import Frozen
from dprkrel.output.views import OutputFormat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# The environment variable with which a shell asks for completions (Typer's name for "dprkrel").
COMPLETE_VAR = "_DPRKREL_COMPLETE"

# The output formats as the command line spells them: the renderers' own list.
FORMATS = tuple(output.value for output in OutputFormat)


class Option(Frozen):
    """One option: the request field it fills, and how it is read."""

    field: str
    value: str = "flag"  # "flag" (no value), "text", "texts" (repeatable), "format" or "limit"


class CommandLine(Frozen):
    """The options of one command, and the name of its argument (if any)."""

    request: type[commands.Request]
    options: dict[str, Option]
    argument: str | None = None
    required: bool = False  # the argument must be given
    many: bool = False  # the argument takes any number of values
    completes_subject: bool = False  # the shell completes the argument with subjects


_FORMAT = {"--format": Option("format", "format"), "-f": Option("format", "format"), "--json": Option("json")}
_OUTPUT = {**_FORMAT, "--sources": Option("sources")}

GLOBAL_OPTIONS = {"--data": Option("data", "texts"), "--no-builtin": Option("no_builtin")}

COMMANDS: dict[str, CommandLine] = {
    "timeline": CommandLine(
        commands.TimelineRequest,
        {
            "--since": Option("since", "text"),
            "--until": Option("until", "text"),
            "--category": Option("categories", "texts"),
            "-c": Option("categories", "texts"),
            "--as-of": Option("as_of", "text"),
            "--chart": Option("chart"),
            **_OUTPUT,
        },
        argument="subject",
        completes_subject=True,
    ),
    "embassy": CommandLine(
        commands.EmbassyRequest,
        {"--as-of": Option("as_of", "text"), **_OUTPUT},
        argument="subject",
        completes_subject=True,
    ),
    "advisory": CommandLine(commands.AdvisoryRequest, _OUTPUT, argument="country", completes_subject=True),
    "search": CommandLine(
        commands.SearchRequest,
        {
            "--limit": Option("limit", "limit"),
            "-n": Option("limit", "limit"),
            "--kind": Option("kinds", "texts"),
            "-k": Option("kinds", "texts"),
            **_OUTPUT,
        },
        argument="query",
        required=True,
    ),
    "show": CommandLine(commands.ShowRequest, _OUTPUT, argument="name", required=True, completes_subject=True),
    "sources": CommandLine(commands.SourcesRequest, {**_FORMAT, "--sources": Option("sections")}),
    "validate": CommandLine(commands.ValidateRequest, {}, argument="paths", many=True),
}


class Reading(Frozen):
    """A command line read up to its end: the global settings, the command, what was given."""

    settings: commands.Settings
    command: CommandLine
    fields: dict[str, object]
    arguments: tuple[str, ...]


def parse(argv: list[str]) -> commands.Request | None:
    """The request a complete, valid command line makes; None to leave it to the Typer app."""
    reading = read(argv)
    if reading is None:
        return None
    command = reading.command
    fields = dict(reading.fields)
    if command.argument is not None:
        if command.many:
            fields[command.argument] = reading.arguments
        elif len(reading.arguments) > 1 or (command.required and not reading.arguments):
            return None  # Typer reports the extra or missing argument
        elif reading.arguments:
            fields[command.argument] = reading.arguments[0]
    elif reading.arguments:
        return None
    if fields.pop("json", False):
        fields["format"] = "json"
    return command.request(reading.settings, **fields)


def read(argv: list[str]) -> Reading | None:
    """Global options, the command and its options and arguments; None for anything else.

    As in click: global options come before the command, a command's options and arguments
    may mix, the last value of an option given twice wins, and `--name=value` is the same as
    `--name value`.
    """
    if sys.platform == "win32":
        return None  # there click expands ~, variables and wildcards in the arguments itself
    position = 0
    global_fields: dict[str, object] = {}
    while position < len(argv) and argv[position].startswith("-"):
        position = _read_option(argv, position, GLOBAL_OPTIONS, global_fields)
        if position < 0:
            return None
    if position == len(argv) or argv[position] not in COMMANDS:
        return None
    command = COMMANDS[argv[position]]
    position += 1
    fields: dict[str, object] = {}
    arguments: list[str] = []
    while position < len(argv):
        token = argv[position]
        if token.startswith("-"):  # an option (a lone "-", an argument to click, is declined too)
            position = _read_option(argv, position, command.options, fields)
            if position < 0:
                return None
        else:
            arguments.append(token)
            position += 1
    data = global_fields.get("data", ())
    assert isinstance(data, tuple)
    settings = commands.Settings(data=data, builtin=not global_fields.get("no_builtin", False))
    return Reading(settings, command, fields, tuple(arguments))


def _read_option(argv: list[str], position: int, options: dict[str, Option], fields: dict[str, object]) -> int:
    """Read the option at `position` into `fields`; the position after it, or -1 to decline."""
    name, equals, attached = argv[position].partition("=")
    option = options.get(name)
    if option is None or (equals and (option.value == "flag" or not name.startswith("--"))):
        return -1
    if option.value == "flag":
        fields[option.field] = True
        return position + 1
    if equals:
        text, position = attached, position + 1
    elif position + 1 < len(argv):
        text, position = argv[position + 1], position + 2
    else:
        return -1  # the value is missing
    value: object
    if option.value == "texts":
        previous = fields.get(option.field, ())
        assert isinstance(previous, tuple)
        value = (*previous, text)
    elif option.value == "format":
        # Only the plain spellings: click compares case-folded text, which for other scripts
        # is not the same as lower case.
        if not (text.isascii() and text.lower() in FORMATS):
            return -1
        value = text.lower()
    elif option.value == "limit":
        # Only plain digits: int() also takes signs, spaces and underscores, which click allows.
        if not (text.isascii() and text.isdigit()):
            return -1
        value = int(text)
        if not commands.MIN_LIMIT <= value <= commands.MAX_LIMIT:
            return -1
    else:
        value = text
    fields[option.field] = value
    return position


# -- shell completion -----------------------------------------------------------------------


class Reply(Frozen):
    """What a completion request prints (None: nothing), and its exit code."""

    text: str | None
    code: int = 0


def complete(environ: Mapping[str, str]) -> Reply | None:
    """The reply to a shell's request for the subjects that complete a word; None to leave
    the request to the Typer app. The shells and their formats are Typer's."""
    instruction = environ.get(COMPLETE_VAR, "")
    action, _, shell = instruction.partition("_")
    if action != "complete":
        return None
    if shell == "bash":
        words = _split(environ.get("COMP_WORDS"))
        cword = environ.get("COMP_CWORD", "")
        if words is None or not (cword.isascii() and cword.isdigit()):
            return None
        index = int(cword)
        args, incomplete = words[1:index], words[index] if index < len(words) else ""
    elif shell in ("zsh", "fish", "powershell", "pwsh"):
        line = environ.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(line)
        if words is None:
            return None
        args = words[1:]
        if shell in ("zsh", "fish"):
            incomplete = ""
            if args and not line.endswith(" "):
                args, incomplete = args[:-1], args[-1]
        else:
            incomplete = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
            if incomplete:
                args = args[:-1]
    else:
        return None
    settings = _subject_completion(args, incomplete)
    if settings is None:
        return None
    values = commands.subject_candidates(settings, incomplete)
    return _reply(shell, values, environ.get("_TYPER_COMPLETE_FISH_ACTION", ""))


def _split(line: str | None) -> list[str] | None:
    """The words of a command line as the shell passes it, when splitting is plain.

    click splits with shlex; without quotes, backslashes or unusual white space, that is
    splitting at spaces, tabs and line ends.
    """
    if line is None or any(char in "\"'\\" or (char.isspace() and char not in " \t\r\n") for char in line):
        return None
    return line.split()


def _subject_completion(args: list[str], incomplete: str) -> commands.Settings | None:
    """The settings for completing a subject, when `incomplete` is one; else None."""
    if incomplete.startswith("-") or "--" in args:
        return None
    reading = read(args)
    if reading is None or reading.arguments or not reading.command.completes_subject:
        return None
    return reading.settings


def _reply(shell: str, values: list[str], fish_action: str) -> Reply:
    if shell == "bash":
        return Reply("\n".join(values))
    if shell == "zsh":
        if not values:
            return Reply("_files")
        quoted = "\n".join(f'"{_zsh_escape(value)}"' for value in values)
        return Reply(f"_arguments '*: :(({quoted}))'")
    if shell == "fish":
        if fish_action == "is-args":
            return Reply(None, 0 if values else 1)
        if fish_action == "get-args" and values:
            return Reply("\n".join(values))
        return Reply("")
    return Reply("\n".join(f"{value}::: " for value in values))


def _zsh_escape(text: str) -> str:
    return text.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")
