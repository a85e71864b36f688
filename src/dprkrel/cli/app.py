"""The full command-line interface, built with Typer from the command specification
(`spec`): every option, help, completion scripts and usage errors. It reads the command line
into a request and `run.execute` runs it.

The console script first tries `quick`, which reads the common command lines without
importing Typer, and comes here for everything else (help, --version, a usage error, an
option written in a form `quick` leaves alone). Heavy modules (yaml, rich tables,
rapidfuzz) are imported inside the commands that need them.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
import typer.core
from typer._types import TyperChoice
from typer.models import TyperPath

from dprkrel.cli import quick, run, spec
from dprkrel.core.commands import MAX_LIMIT, MIN_LIMIT
from dprkrel.core.errors import EXIT_ERROR, UsageError


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (an unknown option, a missing argument) as one line on stderr, exit 2.

    Typer would draw a box of usage, hint and message; a tool used from scripts says what is
    wrong in one line that names the help to read.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as error:
            from typer._click.exceptions import NoSuchOption

            from dprkrel.output.text import visible

            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "dprkrel"
            message = error.format_message()
            words = spec.COMMANDS.get(context.info_name or "") if context is not None else None
            if isinstance(error, NoSuchOption) and words is not None and words.argument is not None:
                # "search -expel": the words of a query or subject cannot start with '-' unless
                # they come after '--', which ends the options.
                given = list(sys.argv[1:] if args is None else args)
                typed = next((arg for arg in given if arg.startswith(error.option_name)), error.option_name)
                message += f"; to look for '{typed}', write: {command} -- {typed}"
            if not message and context is not None:
                # No command at all: the help is the answer (exit 2 still, as for any usage error).
                typer.echo(context.get_help())
            else:
                typer.echo(f"dprkrel: {visible(message)} (see '{command} --help')", err=True)
            code = EXIT_ERROR if error.exit_code == 2 else error.exit_code
        except typer.Abort:
            typer.echo("dprkrel: aborted", err=True)
            code = EXIT_ERROR
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    name="dprkrel",
    help="An offline, source-cited reference on North Korea's foreign relations.",
    no_args_is_help=True,
    epilog="Examples: dprkrel timeline spain · dprkrel embassy madrid --as-of 2015 · "
    'dprkrel relations botswana · dprkrel search "ambassador expelled" · dprkrel show dastis · '
    "dprkrel timeline spain --csv > spain.csv. "
    "Exit codes: 0 found (or valid), 1 nothing found, 2 usage error or bad data, "
    "70 an internal error (a bug), 130 interrupted (Ctrl-C).",
    # --install-completion and --show-completion: subjects complete on the Tab key.
    add_completion=True,
    # Never print local variables of an internal error: they may hold a user's data.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Fact files: shown as paths in the help, kept as typed (Typer's Path would normalise
# "./a.yaml" to "a.yaml", and messages quote a file as the user wrote it). Nothing is checked
# here: reading a file reports its problems, for both readers of the command line alike.
class _TextPath(TyperPath):
    """A path kept as typed; one holding a null character, which no file's name can, is a
    usage error (click's path type would raise ValueError on it)."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail("a path cannot hold a null character", param, ctx)
        return super().convert(value, param, ctx)


_TEXT_PATH = _TextPath(readable=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"dprkrel {version('dprkrel')}")
        except PackageNotFoundError:
            typer.echo("dprkrel: dprkrel is not installed; install it with 'pip install .'", err=True)
            raise typer.Exit(EXIT_ERROR) from None
        raise typer.Exit()


def _complete_subject(ctx: typer.Context, incomplete: str) -> list[str]:
    """Subjects for the shell's Tab key (see `run.subject_candidates`)."""
    # While completing, the global options are parsed but their callback has not run; they
    # may come after the command too.
    settings = _after_command(spec.settings(ctx.find_root().params), ctx.params)
    shell = os.environ.get(quick.COMPLETE_VAR, "").partition("_")[2]
    # Typer keeps only the candidates that begin with what was typed, letter for letter.
    return run.subject_candidates(settings, incomplete, shell, own_case=False)


def _offering(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    """What the shell's Tab key offers for an option that takes one of `choices`."""

    def offered(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete)]

    return offered


# -- Typer parameters from the specification ---------------------------------------------------


def _option_parameter(option: spec.Option) -> inspect.Parameter:
    """The parameter of a Typer command function that declares `option`."""
    info: dict[str, Any] = {"help": option.help}
    if option.metavar:
        info["metavar"] = option.metavar
    if option.choices:
        choices = spec.choices_of(option)
        info["help"] += " " + ", ".join(choices) + "."
        info["autocompletion"] = _offering(choices)
    kind: Any
    default: Any
    match option.value:
        case "flag" | "format_flag":
            kind, default = bool, False
        case "text":
            kind, default = str | None, None
        case "texts":
            kind, default = list[str] | None, None
        case "paths":
            kind, default = list[str] | None, None
            info["click_type"] = _TEXT_PATH
        case "format":
            # None when not given, so that a short flag given with it can be told apart.
            kind, default = str | None, None
            info["click_type"] = TyperChoice(spec.FORMATS, case_sensitive=False)
            info["show_default"] = str(spec.DEFAULTS["format"])
        case "limit":
            kind, default = int, spec.DEFAULTS["limit"]
            info.update(min=MIN_LIMIT, max=MAX_LIMIT)
        case other:
            raise AssertionError(f"no Typer parameter for an option of {other!r}")
    name = option.sets if option.value == "format_flag" else option.field
    annotation = Annotated[kind, typer.Option(*option.names, **info)]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def _argument_parameter(argument: spec.Argument) -> inspect.Parameter:
    info: dict[str, Any] = {"help": argument.help}
    if argument.completes_subject:
        info["autocompletion"] = _complete_subject
    default: Any = inspect.Parameter.empty
    kind: Any = str
    if argument.many:
        kind, default = list[str] | None, None
        info.update(click_type=_TEXT_PATH, show_default=False)
    elif argument.words:
        kind = list[str]
        info["help"] += " " + spec.WORDS_HELP
        if not argument.required:
            kind, default = list[str] | None, None
            info["show_default"] = False
    elif not argument.required:
        kind, default = str | None, None
        info["show_default"] = False
    annotation = Annotated[kind, typer.Argument(**info)]
    return inspect.Parameter(argument.field, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def _fields(options: Sequence[spec.Option], given: dict[str, Any]) -> dict[str, object]:
    """The request fields for the values Typer read, by the kind of each option."""
    fields: dict[str, object] = {}
    flags = []
    for option in options:
        if option.value == "format_flag":
            if given[option.sets]:
                flags.append(option.sets)
            continue
        value = given[option.field]
        if option.value in ("texts", "paths"):
            value = tuple(value or ())
        fields[option.field] = value
    if any(option.value == "format" for option in options):
        value = fields["format"]
        try:
            fields["format"] = spec.chosen_format(value.lower() if isinstance(value, str) else None, flags)
        except UsageError as error:
            from typer._click.exceptions import UsageError as CommandLineError

            raise CommandLineError(str(error)) from None
    return fields


def _function(name: str, doc: str, parameters: list[inspect.Parameter], body: Callable[..., None]) -> Any:
    """A function Typer reads as a command: `body`, with the parameters and help given."""

    def command(**given: Any) -> None:
        body(**given)

    context = inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    command.__signature__ = inspect.Signature([context, *parameters])  # type: ignore[attr-defined]
    command.__name__ = command.__qualname__ = name.replace("-", "_")
    command.__doc__ = doc
    return command


def _add_command(command: spec.Command) -> None:
    parameters = [_argument_parameter(command.argument)] if command.argument else []
    parameters += [_option_parameter(option) for option in (*command.options, *spec.GLOBAL_OPTIONS)]

    def body(ctx: typer.Context, **given: Any) -> None:
        fields = _fields(command.options, given)
        settings = _after_command(ctx.obj, _fields(spec.GLOBAL_OPTIONS, given))
        argument = command.argument
        if argument is not None:
            value = given[argument.field]
            if argument.many:
                value = tuple(value or ())
            elif argument.words:
                value = spec.joined(value or ())
            fields[argument.field] = value
        raise typer.Exit(run.execute(spec.request(command.name, settings, **fields)))

    app.command(name=command.name)(_function(command.name, command.help(), parameters, body))


def _after_command(before: spec.Settings, given: dict[str, object]) -> spec.Settings:
    """The global options given before the command, and then those given after it."""
    data = given.get("data") or ()
    assert isinstance(data, tuple | list)
    return spec.Settings(data=(*before.data, *data), builtin=before.builtin and not given.get("no_builtin"))


def _add_global_options() -> None:
    version = inspect.Parameter(
        "version",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[
            bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
        ],
        default=False,
    )

    def body(ctx: typer.Context, **given: Any) -> None:
        ctx.obj = spec.settings(_fields(spec.GLOBAL_OPTIONS, given))

    doc = """An offline, source-cited reference on North Korea's foreign relations.

    Ask about a country, city, person or organisation; every answer cites its source and
    section. A command's words may be unquoted, and the global options may come before or
    after the command.
    """
    parameters = [_option_parameter(option) for option in spec.GLOBAL_OPTIONS]
    app.callback()(_function("main_options", doc, [*parameters, version], body))


_add_global_options()
for _command in spec.COMMANDS.values():
    _add_command(_command)
