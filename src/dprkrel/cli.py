"""The command-line interface: parses arguments, calls the core, renders, sets the exit code.

Heavy modules (yaml, rich tables, rapidfuzz) are imported inside the commands that need
them, so that start-up stays quick.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from dprkrel.errors import EXIT_ERROR, DataError, DprkrelError

app = typer.Typer(
    name="dprkrel",
    help="An offline, source-cited reference on North Korea's foreign relations.",
    no_args_is_help=True,
    add_completion=False,
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
    from dprkrel.loader import load

    settings: Settings = ctx.obj
    files = settings.fact_paths(paths)
    if not files:
        _fail("nothing to validate: --no-builtin was given without fact files")
    with reporting_errors():
        base = load(files)
    counts = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in base.counts().items())
    typer.echo(f"valid: {counts} in {len(files)} {_plural('file', len(files))}")


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
    """Turn the core's errors into lines on stderr and the documented exit code."""
    try:
        yield
    except DataError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"dprkrel: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except DprkrelError as error:
        typer.echo(f"dprkrel: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def main() -> None:
    """The console-script entry point."""
    app(prog_name="dprkrel")
