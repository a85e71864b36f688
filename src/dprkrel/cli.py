"""The command-line interface: parses arguments, calls the core, renders, sets the exit code.

Heavy modules (yaml, rich tables, rapidfuzz) are imported inside the commands that need
them, so that start-up stays quick.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from dprkrel.answers import Matched
from dprkrel.dates import DateFormatError, PartialDate
from dprkrel.errors import EXIT_ERROR, EXIT_NOT_FOUND, DataError, DprkrelError, UsageError
from dprkrel.model import RECORD_TYPES, Entity
from dprkrel.views import Answer, OutputFormat

if TYPE_CHECKING:
    from dprkrel.factbase import FactBase


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
            from dprkrel.render.text import visible

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

DATA_ENV = "DPRKREL_DATA"


@dataclass
class Settings:
    """Global options, shared by every command through the Typer context."""

    data: list[Path] = field(default_factory=list)
    builtin: bool = True

    def fact_paths(self, extra: list[Path] | None = None) -> list[Path]:
        """The fact files to load: the shipped base, then DPRKREL_DATA, then --data, then extra."""
        from dprkrel.paths import builtin_fact_file

        paths = [builtin_fact_file()] if self.builtin else []
        env = os.environ.get(DATA_ENV, "")
        paths += [Path(part) for part in env.split(os.pathsep) if part]
        paths += self.data
        paths += extra or []
        return paths


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
        list[Path] | None,
        typer.Option(
            "--data",
            help=f"Add a fact file to the shipped base (repeatable). {DATA_ENV} adds files too, "
            f"separated by '{os.pathsep}'.",
            metavar="PATH",
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
    ctx.obj = Settings(data=list(data or []), builtin=not no_builtin)


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Fact files to check together with the shipped base (and --data).", show_default=False),
    ] = None,
) -> None:
    """Check the fact base strictly and report every problem with its file, line and column.

    On success, prints one line with the number of records of each kind.

    Example: dprkrel validate my-facts.yaml
    """
    from dprkrel.reading import load

    settings: Settings = ctx.obj
    files = settings.fact_paths(paths)
    if not files:
        _fail("nothing to validate: --no-builtin was given without fact files")
    with reporting_errors():
        base = load(files)
    counts = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in base.counts().items())
    typer.echo(f"valid: {counts} in {len(files)} {_plural('file', len(files))}")


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
    """Names, aliases and codes starting with what was typed, for the shell's Tab key.

    Completion must never fail loudly: with bad data or no fact base it offers nothing.
    """
    from dprkrel.resolve import complete, normalise

    # While completing, the global options are parsed but their callback has not run.
    params = ctx.find_root().params
    settings = Settings(data=list(params.get("data") or []), builtin=not params.get("no_builtin"))
    try:
        candidates = complete(_load_files(settings), incomplete)
    except DprkrelError:
        return []
    # The shell keeps only words that begin with what was typed, letter for letter, while
    # subjects match regardless of case and accents: "ma" offers "Madrid" as "madrid".
    offered = []
    for candidate in candidates:
        typed_case = incomplete + candidate[len(incomplete) :]
        if candidate.startswith(incomplete):
            offered.append(candidate)
        elif normalise(typed_case) == normalise(candidate):
            offered.append(typed_case)
    return offered


def _date_option(name: str, value: str | None) -> PartialDate | None:
    if value is None:
        return None
    try:
        return PartialDate.parse(value.strip())
    except DateFormatError as error:
        raise UsageError(f"{name}: {error}") from None


def _load(ctx: typer.Context) -> FactBase:
    settings: Settings = ctx.obj
    return _load_files(settings)


def _load_files(settings: Settings) -> FactBase:
    from dprkrel.reading import load

    files = settings.fact_paths()
    if not files:
        raise UsageError("no fact files: --no-builtin was given without --data")
    return load(files)


@dataclass(frozen=True)
class Subject:
    """What a subject argument resolved to."""

    matched: tuple[Matched, ...]
    scope: frozenset[str] | None
    warnings: list[dict[str, Any]]


def _subject(
    base: FactBase,
    command: str,
    query: str | None,
    fmt: OutputFormat,
    as_of: PartialDate | None,
    kinds: set[str] | None = None,
) -> Subject:
    """Resolve a subject; with no match, print the JSON envelope (for --json) and end with exit 1."""
    from dprkrel import answers, queries
    from dprkrel.resolve import NoMatch, resolve

    if query is None:
        return Subject((), None, [])
    try:
        resolution = resolve(base, query, kinds=kinds)
    except NoMatch as error:
        if fmt is OutputFormat.JSON:
            suggestions = [
                {"id": match.id, "name": match.name, "kind": match.kind, "score": match.score}
                for match in error.suggestions
            ]
            payload = answers.envelope(command, query=query, as_of=as_of, results=[], suggestions=suggestions)
            _write_json(payload)
        raise
    best = resolution.best
    matched = (Matched(best.id, best.name, best.kind, best.score),)
    warnings = []
    if resolution.alternatives:
        others = ", ".join(f"{match.name} ({match.id})" for match in resolution.alternatives)
        message = f"'{query}' matched {best.name} ({best.id}); it could also mean: {others}"
        warnings.append(answers.warning("ambiguous", message, best.id))
        typer.echo(f"dprkrel: {_visible(message)}", err=True)
    return Subject(matched, queries.subject_scope(base, best.id), warnings)


def _visible(text: str) -> str:
    """A message that quotes a query or a fact, with control characters made visible."""
    from dprkrel.render.text import visible

    return visible(text)


def _write_json(payload: dict[str, Any]) -> None:
    from dprkrel.render import json_out

    json_out.write_json(payload, sys.stdout)


def _emit(answer: Answer, fmt: OutputFormat, *, nothing: str) -> None:
    """Print the answer (with its chart, when one was made); when it holds nothing, say so on
    stderr and end with exit 1."""
    from dprkrel.render import render

    if answer.found or fmt is OutputFormat.JSON:
        render(answer, fmt, sys.stdout, chart=answer.chart is not None and answer.found)
    if not answer.found:
        typer.echo(f"dprkrel: {_visible(nothing)}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND)


def _format(fmt: OutputFormat, json_flag: bool) -> OutputFormat:
    return OutputFormat.JSON if json_flag else fmt


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
    from dprkrel import answers, queries

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        since_date, until_date = _date_option("--since", since), _date_option("--until", until)
        as_of_date = _date_option("--as-of", as_of)
        categories = [item.strip().lower().replace(" ", "_") for item in category or []]
        if categories:
            from dprkrel.schema import EVENT_CATEGORIES

            unknown = [item for item in categories if item not in EVENT_CATEGORIES]
            if unknown:
                raise UsageError(f"unknown category '{unknown[0]}'; choose from {', '.join(EVENT_CATEGORIES)}")
        base = _load(ctx)
        found = _subject(base, "timeline", subject, fmt, as_of_date)
        events = queries.timeline(
            base, scope=found.scope, since=since_date, until=until_date, categories=categories, as_of=as_of_date
        )
        answer = answers.timeline_answer(
            base,
            events,
            query=subject,
            matched=found.matched,
            as_of=as_of_date,
            with_sources=sources,
            scope=found.scope,
            warnings=found.warnings,
            with_chart=chart and fmt is OutputFormat.TABLE,
        )
        who = f" for {found.matched[0].name}" if found.matched else ""
        _emit(answer, fmt, nothing=f"no events{who} match these options")


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
    from dprkrel import answers, queries

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        as_of_date = _date_option("--as-of", as_of) or queries.today()
        base = _load(ctx)
        found = _subject(base, "embassy", subject, fmt, as_of_date)
        missions = queries.missions_concerning(base, found.scope)
        answer = answers.embassy_answer(
            base,
            missions,
            query=subject,
            matched=found.matched,
            as_of=as_of_date,
            with_sources=sources,
            warnings=found.warnings,
        )
        who = f" concern {found.matched[0].name}" if found.matched else " are in the fact base"
        _emit(answer, fmt, nothing=f"no missions{who}")


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
    from dprkrel import answers, queries

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        base = _load(ctx)
        as_of_date = queries.today()  # stated facts are marked when their source is older than this
        found = _subject(base, "advisory", country, fmt, as_of_date)
        advisories = queries.advisories_for(base, found.scope)
        answer = answers.advisory_answer(
            base,
            advisories,
            query=country,
            matched=found.matched,
            as_of=as_of_date,
            with_sources=sources,
            warnings=found.warnings,
        )
        who = f" from or about {found.matched[0].name}" if found.matched else ""
        _emit(answer, fmt, nothing=f"no travel advice{who} in the fact base")


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for; typos and word forms are forgiven.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Show at most this many results.")] = 10,
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
    from dprkrel import answers
    from dprkrel import search as search_core

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        kinds = [item.strip().lower() for item in kind or []]
        known = [record_type.KIND for record_type in RECORD_TYPES]
        unknown = [item for item in kinds if item not in known]
        if unknown:
            raise UsageError(f"unknown kind '{unknown[0]}'; choose from {', '.join(known)}")
        base = _load(ctx)
        hits = search_core.search(base, query, limit=limit, kinds=kinds)
        answer = answers.search_answer(base, hits, query=query, with_sources=sources)
        _emit(answer, fmt, nothing=f"nothing matches '{query}'")


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
    from dprkrel import answers

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        base = _load(ctx)
        found = _subject(base, "show", name, fmt, None)
        entity = base.by_id[found.matched[0].id]
        assert isinstance(entity, Entity)
        answer = answers.show_answer(
            base, entity, query=name, matched=found.matched, with_sources=sources, warnings=found.warnings
        )
        _emit(answer, fmt, nothing=f"nothing about '{name}'")


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
    from dprkrel import answers

    fmt = _format(fmt, json_flag)
    with reporting_errors():
        base = _load(ctx)
        answer = answers.sources_answer(base, with_sources=with_sections)
        _emit(answer, fmt, nothing="no sources in the fact base")


def _plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    irregular = {"entity": "entities", "advisory": "advisories", "policy": "policies", "aid": "aid"}
    return irregular.get(noun, noun + "s")


def _fail(message: str) -> NoReturn:
    typer.echo(f"dprkrel: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn the core's errors into lines on stderr and the documented exit code.

    Every line is passed through `visible`: problems quote fact files and queries, and a
    control character in them must not reach the terminal raw, nor break the one-line form.
    """
    from dprkrel.render.text import visible

    try:
        yield
    except DataError as error:
        for problem in error.problems:
            typer.echo(visible(str(problem)), err=True)
        typer.echo(f"dprkrel: {visible(str(error))}", err=True)
        raise typer.Exit(error.exit_code) from None
    except DprkrelError as error:
        typer.echo(f"dprkrel: {visible(str(error))}", err=True)
        raise typer.Exit(error.exit_code) from None
    except UnicodeEncodeError as error:
        # The renderers check before writing: nothing was printed. Names in Korean, accents,
        # or a dash cannot be shown in the output's encoding (PYTHONIOENCODING=ascii, say).
        bad = error.object[error.start : error.start + 1]
        code = f" (U+{ord(bad):04X})" if bad else ""
        typer.echo(
            f"dprkrel: the output's encoding ({error.encoding}) cannot show {bad!a}{code}; "
            "use --json, or a UTF-8 locale (PYTHONIOENCODING=utf-8)",
            err=True,
        )
        raise typer.Exit(EXIT_ERROR) from None


def main() -> None:
    """The console-script entry point.

    Runs the app through `terminal.run`, which ends the process quietly on a closed output
    pipe, on Ctrl-C (exit 130) and on an internal error (one line, no traceback, no locals).
    """
    from dprkrel.terminal import run

    run(lambda: app(prog_name="dprkrel"))
