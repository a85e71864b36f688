"""The full command-line interface, built with Typer: every option, help, completion scripts
and usage errors. It reads the command line into a request and `commands.execute` runs it.

The console script first tries `quick`, which reads the common command lines without
importing Typer, and comes here for everything else (help, --version, a usage error, an
option written in a form `quick` leaves alone). Heavy modules (yaml, rich tables,
rapidfuzz) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer
import typer.core
from typer.models import TyperPath

from dprkrel.cli import commands
from dprkrel.cli.commands import DATA_ENV, Settings
from dprkrel.core.errors import EXIT_ERROR
from dprkrel.output.views import OutputFormat


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
            from dprkrel.output.text import visible

            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "dprkrel"
            message = error.format_message()
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
    epilog="Exit codes: 0 found (or valid), 1 nothing found, 2 usage error or bad data.",
    # --install-completion and --show-completion: subjects complete on the Tab key.
    add_completion=True,
    # Never print local variables of an internal error: they may hold a user's data.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Fact files: shown as paths in the help, kept as typed (Typer's Path would normalise
# "./a.yaml" to "a.yaml", and messages quote a file as the user wrote it). Nothing is checked
# here: reading a file reports its problems, for both readers of the command line alike.
_TEXT_PATH = TyperPath(readable=False)


def _run(request: commands.Request) -> NoReturn:
    """Run the command the options describe, and end with its exit code."""
    raise typer.Exit(commands.execute(request))


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"dprkrel {version('dprkrel')}")
        except PackageNotFoundError:
            _fail("dprkrel is not installed; install it with 'pip install .'")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            help=f"Add a fact file to the shipped base (repeatable). {DATA_ENV} adds files too, "
            f"separated by '{os.pathsep}'.",
            metavar="PATH",
            click_type=_TEXT_PATH,
        ),
    ] = None,
    no_builtin: Annotated[
        bool, typer.Option("--no-builtin", help="Leave the shipped fact base out; use only the files given.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """An offline, source-cited reference on North Korea's foreign relations.

    Exit codes: 0 found (or valid), 1 nothing found, 2 usage error or bad data.
    """
    ctx.obj = Settings(data=tuple(data or ()), builtin=not no_builtin)


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Fact files to check together with the shipped base (and --data).",
            click_type=_TEXT_PATH,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check the fact base strictly and report every problem with its file, line and column.

    On success, prints one line with the number of records of each kind.

    Example: dprkrel validate my-facts.yaml
    """
    _run(commands.ValidateRequest(ctx.obj, paths=tuple(paths or ())))


# -- shared options ------------------------------------------------------------------------

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
SourcesOption = Annotated[bool, typer.Option("--sources", help="Add a column with each row's source and section.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="The date to answer for: YYYY, YYYY-MM or YYYY-MM-DD (default: today).", metavar="DATE"
    ),
]


def _complete_subject(ctx: typer.Context, incomplete: str) -> list[str]:
    """Subjects for the shell's Tab key (see `commands.subject_candidates`)."""
    # While completing, the global options are parsed but their callback has not run.
    params = ctx.find_root().params
    settings = Settings(data=tuple(params.get("data") or ()), builtin=not params.get("no_builtin"))
    return commands.subject_candidates(settings, incomplete)


def _format(fmt: OutputFormat, json_flag: bool) -> str:
    return OutputFormat.JSON.value if json_flag else fmt.value


# -- commands -------------------------------------------------------------------------------


@app.command()
def timeline(
    ctx: typer.Context,
    subject: Annotated[
        str | None,
        typer.Argument(
            help="A country, organisation, city or person.", autocompletion=_complete_subject, show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only events from this date on (YYYY[-MM[-DD]]).", metavar="DATE")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only events up to this date (YYYY[-MM[-DD]]).", metavar="DATE")
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            "-c",
            help="Only events of this category (repeatable): diplomatic_relations, diplomatic_mission, visit, "
            "expulsion, incident, legal, aid, disaster, private_diplomacy, security, sanctions, human_rights, "
            "multilateral.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    chart: Annotated[bool, typer.Option("--chart", help="Draw the history as a chart above the table.")] = False,
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    sources: SourcesOption = False,
) -> None:
    """The dated events, oldest first, at the precision the sources give.

    Example: dprkrel timeline spain --since 2013
    """
    _run(
        commands.TimelineRequest(
            ctx.obj,
            subject=subject,
            since=since,
            until=until,
            categories=tuple(category or ()),
            as_of=as_of,
            chart=chart,
            format=_format(fmt, json_flag),
            sources=sources,
        )
    )


@app.command()
def embassy(
    ctx: typer.Context,
    subject: Annotated[
        str | None,
        typer.Argument(help="A city, country or organisation.", autocompletion=_complete_subject, show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    sources: SourcesOption = False,
) -> None:
    """Diplomatic missions that concern a place, with their status on a date.

    Shows who sends each mission, when it opened and closed, whether it does consular work,
    which countries it is accredited to, and who acts for whom.

    Example: dprkrel embassy madrid --as-of 2015
    """
    _run(
        commands.EmbassyRequest(ctx.obj, subject=subject, as_of=as_of, format=_format(fmt, json_flag), sources=sources)
    )


@app.command()
def advisory(
    ctx: typer.Context,
    country: Annotated[
        str | None,
        typer.Argument(
            help="The country giving the advice, or the one it is about.",
            autocompletion=_complete_subject,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    sources: SourcesOption = False,
) -> None:
    """The travel advice a government gives its citizens about North Korea.

    Example: dprkrel advisory spain
    """
    _run(commands.AdvisoryRequest(ctx.obj, country=country, format=_format(fmt, json_flag), sources=sources))


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for; typos and word forms are forgiven.")],
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", min=commands.MIN_LIMIT, max=commands.MAX_LIMIT, help="Show at most this many results."
        ),
    ] = 10,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only records of this kind (repeatable): event, mission, …")
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    sources: SourcesOption = False,
) -> None:
    """Search every record, best match first, with its kind, score and a one-line summary.

    Example: dprkrel search "ambassador expelled"
    """
    _run(
        commands.SearchRequest(
            ctx.obj, query=query, limit=limit, kinds=tuple(kind or ()), format=_format(fmt, json_flag), sources=sources
        )
    )


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="A person, country, organisation or city.", autocompletion=_complete_subject)
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    sources: SourcesOption = False,
) -> None:
    """The profile of an entity: its names in every script, roles, and every record about it.

    Example: dprkrel show "Cao de Benós"
    """
    _run(commands.ShowRequest(ctx.obj, name=name, format=_format(fmt, json_flag), sources=sources))


@app.command()
def sources(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.TABLE,
    json_flag: JsonOption = False,
    with_sections: Annotated[
        bool, typer.Option("--sources", help="Add a column with the sections records may cite.")
    ] = False,
) -> None:
    """The source documents, with publisher, address, date and how many records cite each.

    Example: dprkrel sources --json
    """
    _run(commands.SourcesRequest(ctx.obj, format=_format(fmt, json_flag), sections=with_sections))


def _fail(message: str) -> NoReturn:
    typer.echo(f"dprkrel: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    """Run the Typer app alone, without `quick` (the console script is `launch.main`).

    Runs through `process.run`, which ends the process quietly on a closed output pipe, on
    Ctrl-C (exit 130) and on an internal error (one line, no traceback, no locals).
    """
    from dprkrel.cli.process import run

    run(lambda: app(prog_name="dprkrel"))
