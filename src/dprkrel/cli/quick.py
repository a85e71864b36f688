"""Reads the common command lines, and the shell's completion requests, without Typer.

Importing Typer (and the click it carries) takes longer than everything else a lookup
does, and a lookup tool is run from scripts in loops and on every Tab press. So the
console script first asks this module; what it reads is run at once, and everything it
does not read completely and exactly as Typer would is left to the Typer app (`cli`):
help, --version, usage errors, options written in forms it does not take (`-fjson`,
`--`), values Typer would convert (`--limit +5`), completion of anything but a subject.
Declining is always safe; reading differently from Typer never is, so the tests compare the
request read here with the one the Typer app builds, over generated command lines.

Both read the options of `spec`; a test checks that the Typer app's options are those.
"""

from __future__ import annotations

import sys

from dprkrel.cli import spec
from dprkrel.core.commands import MAX_LIMIT, MIN_LIMIT
from dprkrel.core.errors import UsageError
from dprkrel.core.frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# The environment variable with which a shell asks for completions (Typer's name for "dprkrel").
COMPLETE_VAR = "_DPRKREL_COMPLETE"

GLOBAL_COMMAND = spec.Command("dprkrel", "", "", spec.GLOBAL_OPTIONS)


class Reading(Frozen):
    """A command line read up to its end: the global settings, the command, what was given."""

    settings: spec.Settings
    command: spec.Command
    fields: dict[str, object]
    arguments: tuple[str, ...]


def parse(argv: list[str]) -> spec.Request | None:
    """The request a complete, valid command line makes; None to leave it to the Typer app."""
    reading = read(argv)
    if reading is None:
        return None
    command = reading.command
    fields = dict(reading.fields)
    argument = command.argument
    if argument is not None:
        if argument.required and not reading.arguments:
            return None  # Typer reports the missing argument
        if argument.many:
            fields[argument.field] = reading.arguments
        elif argument.words:
            fields[argument.field] = spec.joined(reading.arguments)
        elif len(reading.arguments) > 1:
            return None  # Typer reports the extra argument
        elif reading.arguments:
            fields[argument.field] = reading.arguments[0]
    elif reading.arguments:
        return None
    named = command.option("--format")
    if named is not None and named.value == "format":
        flags = fields.pop("format_flags", ())
        option = fields.pop("format", None)
        assert isinstance(flags, tuple) and (option is None or isinstance(option, str))
        try:
            fields["format"] = spec.chosen_format(option, flags)
        except UsageError:
            return None  # Typer reports it
    return spec.request(command.name, reading.settings, **fields)


def read(argv: list[str]) -> Reading | None:
    """Global options, the command and its options and arguments; None for anything else.

    As in click: global options come before the command, a command's options and arguments
    may mix, the last value of an option given twice wins, and `--name=value` is the same as
    `--name value`.
    """
    if sys.platform == "win32":
        return None  # there click expands ~, variables and wildcards in the arguments itself
    if any("\x00" in token for token in argv):
        return None  # no shell passes one; click's path type refuses it, its own way
    position = 0
    global_fields: dict[str, object] = {}
    while position < len(argv) and argv[position].startswith("-"):
        position = _read_option(argv, position, GLOBAL_COMMAND, global_fields)
        if position < 0:
            return None
    if position == len(argv) or argv[position] not in spec.COMMANDS:
        return None
    command = spec.COMMANDS[argv[position]]
    position += 1
    fields: dict[str, object] = {}
    arguments: list[str] = []
    while position < len(argv):
        token = argv[position]
        if token.startswith("-"):  # an option (a lone "-", an argument to click, is declined too)
            # Global options may come after the command too, as the Typer app reads them.
            name = token.partition("=")[0]
            own = command.option(name) is not None or GLOBAL_COMMAND.option(name) is None
            position = _read_option(argv, position, *((command, fields) if own else (GLOBAL_COMMAND, global_fields)))
            if position < 0:
                return None
        else:
            arguments.append(token)
            position += 1
    return Reading(spec.settings(global_fields), command, fields, tuple(arguments))


def _read_option(argv: list[str], position: int, command: spec.Command, fields: dict[str, object]) -> int:
    """Read the option at `position` into `fields`; the position after it, or -1 to decline."""
    name, equals, attached = argv[position].partition("=")
    option = command.option(name)
    flag = option is not None and option.value in ("flag", "format_flag")
    if option is None or (equals and (flag or not name.startswith("--"))):
        return -1
    if option.value == "format_flag":
        previous = fields.get("format_flags", ())
        assert isinstance(previous, tuple)
        fields["format_flags"] = (*previous, option.sets)
        return position + 1
    if flag:
        fields[option.field] = True
        return position + 1
    if equals:
        text, position = attached, position + 1
    elif position + 1 < len(argv):
        text, position = argv[position + 1], position + 2
    else:
        return -1  # the value is missing
    value: object
    if option.value in ("texts", "paths"):
        previous = fields.get(option.field, ())
        assert isinstance(previous, tuple)
        value = (*previous, text)
    elif option.value == "format":
        # Only the plain spellings: click compares case-folded text, which for other scripts
        # is not the same as lower case.
        if not (text.isascii() and text.lower() in spec.FORMATS):
            return -1
        value = text.lower()
    elif option.value == "limit":
        # Only plain digits: int() also takes signs, spaces and underscores, which click allows.
        if not (text.isascii() and text.isdigit()):
            return -1
        value = int(text)
        if not MIN_LIMIT <= value <= MAX_LIMIT:
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
    from dprkrel.cli.run import subject_candidates

    values = subject_candidates(settings, incomplete, shell)
    return _reply(shell, values, environ.get("_TYPER_COMPLETE_FISH_ACTION", ""))


def _split(line: str | None) -> list[str] | None:
    """The words of a command line as the shell passes it, when splitting is plain.

    click splits with shlex; without quotes, backslashes or unusual white space, that is
    splitting at spaces, tabs and line ends.
    """
    if line is None or any(char in "\"'\\" or (char.isspace() and char not in " \t\r\n") for char in line):
        return None
    return line.split()


def _subject_completion(args: list[str], incomplete: str) -> spec.Settings | None:
    """The settings for completing a subject, when `incomplete` is one; else None."""
    if incomplete.startswith("-") or "--" in args:
        return None
    reading = read(args)
    argument = None if reading is None else reading.command.argument
    if reading is None or reading.arguments or argument is None or not argument.completes_subject:
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
