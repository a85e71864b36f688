"""What each command does, once its arguments are read: one request in, output and an exit code out.

Two readers of the command line build these requests: the Typer app (`cli`), which knows
every option, help, version and usage error, and `quick`, which reads the common, complete
command lines without importing Typer at all. Both end here, so a command behaves the same
whichever read it; tests check that both readers build equal requests.

The output goes to `sys.stdout`, problems to `sys.stderr` as one line each. Start-up matters
on this path: it imports neither Typer nor pathlib, and the heavy modules (yaml, rich,
rapidfuzz) only where a command needs them.
"""

from __future__ import annotations

import os
import sys

from dprkrel.core.errors import EXIT_ERROR, EXIT_FOUND, EXIT_NOT_FOUND, DataError, DprkrelError, UsageError
from dprkrel.core.frozen import Frozen

# Names used in annotations only: typing costs ~14 ms at start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from dprkrel.core.answers import Matched
    from dprkrel.core.dates import PartialDate
    from dprkrel.core.store import FactBase
    from dprkrel.output.views import Answer

DATA_ENV = "DPRKREL_DATA"

# How many results `search --limit` may ask for.
MIN_LIMIT, MAX_LIMIT = 1, 1000


class Settings(Frozen):
    """The global options: which fact files to read."""

    data: tuple[str, ...] = ()
    builtin: bool = True

    def fact_paths(self, extra: tuple[str, ...] = ()) -> list[str]:
        """The fact files to load: the shipped base, then DPRKREL_DATA, then --data, then extra."""
        from dprkrel.core.paths import builtin_fact_path

        paths = [builtin_fact_path()] if self.builtin else []
        paths += [part for part in os.environ.get(DATA_ENV, "").split(os.pathsep) if part]
        paths += self.data
        paths += extra
        return paths


class Request(Frozen):
    """A command with its arguments as given (dates still text): what `execute` runs."""

    settings: Settings = Settings()


class TimelineRequest(Request):
    subject: str | None = None
    since: str | None = None
    until: str | None = None
    categories: tuple[str, ...] = ()
    as_of: str | None = None
    chart: bool = False
    format: str = "table"
    sources: bool = False


class EmbassyRequest(Request):
    subject: str | None = None
    as_of: str | None = None
    format: str = "table"
    sources: bool = False


class AdvisoryRequest(Request):
    country: str | None = None
    format: str = "table"
    sources: bool = False


class SearchRequest(Request):
    query: str = ""
    limit: int = 10
    kinds: tuple[str, ...] = ()
    format: str = "table"
    sources: bool = False


class ShowRequest(Request):
    name: str = ""
    format: str = "table"
    sources: bool = False


class SourcesRequest(Request):
    format: str = "table"
    sections: bool = False


class ValidateRequest(Request):
    paths: tuple[str, ...] = ()


def execute(request: Request) -> int:
    """Run the request: the answer on stdout, each problem as a line on stderr; the exit code.

    Every line is passed through `visible`: problems quote fact files and queries, and a
    control character in them must not reach the terminal raw, nor break the one-line form.
    """
    from dprkrel.output.text import visible

    try:
        return _RUNNERS[type(request)](request)
    except DataError as error:
        for problem in error.problems:
            say(visible(str(problem)), prefix="")
        say(visible(str(error)))
        return error.exit_code
    except DprkrelError as error:
        say(visible(str(error)))
        return error.exit_code
    except UnicodeEncodeError as error:
        # The renderers check before writing: nothing was printed. Names in Korean, accents,
        # or a dash cannot be shown in the output's encoding (PYTHONIOENCODING=ascii, say).
        bad = error.object[error.start : error.start + 1]
        code = f" (U+{ord(bad):04X})" if bad else ""
        say(
            f"the output's encoding ({error.encoding}) cannot show {bad!a}{code}; "
            "use --json, or a UTF-8 locale (PYTHONIOENCODING=utf-8)"
        )
        return EXIT_ERROR


def say(message: str, *, prefix: str = "dprkrel: ") -> None:
    """One line on stderr."""
    print(prefix + message, file=sys.stderr, flush=True)


def subject_candidates(settings: Settings, incomplete: str) -> list[str]:
    """Names, aliases and codes starting with what was typed, for the shell's Tab key.

    Completion must never fail loudly: with bad data or no fact base it offers nothing.
    """
    from dprkrel.core.normalise import normalise
    from dprkrel.core.subjects import complete

    try:
        candidates = complete(_load(settings), incomplete)
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


# -- the commands ---------------------------------------------------------------------------


def _timeline(request: TimelineRequest) -> int:
    from dprkrel.core import answers, queries

    since = _date_option("--since", request.since)
    until = _date_option("--until", request.until)
    as_of = _date_option("--as-of", request.as_of)
    categories = [item.strip().lower().replace(" ", "_") for item in request.categories]
    if categories:
        from dprkrel.core.schema import EVENT_CATEGORIES

        unknown = [item for item in categories if item not in EVENT_CATEGORIES]
        if unknown:
            raise UsageError(f"unknown category '{unknown[0]}'; choose from {', '.join(EVENT_CATEGORIES)}")
    base = _load(request.settings)
    found = _subject(base, "timeline", request.subject, request.format, as_of)
    events = queries.timeline(base, scope=found.scope, since=since, until=until, categories=categories, as_of=as_of)
    answer = answers.timeline_answer(
        base,
        events,
        query=request.subject,
        matched=found.matched,
        as_of=as_of,
        with_sources=request.sources,
        scope=found.scope,
        warnings=found.warnings,
        with_chart=request.chart and request.format == "table",
    )
    who = f" for {found.matched[0].name}" if found.matched else ""
    return _emit(answer, request.format, nothing=f"no events{who} match these options")


def _embassy(request: EmbassyRequest) -> int:
    from dprkrel.core import answers, queries

    as_of = _date_option("--as-of", request.as_of) or queries.today()
    base = _load(request.settings)
    found = _subject(base, "embassy", request.subject, request.format, as_of)
    missions = queries.missions_concerning(base, found.scope)
    answer = answers.embassy_answer(
        base,
        missions,
        query=request.subject,
        matched=found.matched,
        as_of=as_of,
        with_sources=request.sources,
        warnings=found.warnings,
    )
    who = f" concern {found.matched[0].name}" if found.matched else " are in the fact base"
    return _emit(answer, request.format, nothing=f"no missions{who}")


def _advisory(request: AdvisoryRequest) -> int:
    from dprkrel.core import answers, queries

    base = _load(request.settings)
    as_of = queries.today()  # stated facts are marked when their source is older than this
    found = _subject(base, "advisory", request.country, request.format, as_of)
    advisories = queries.advisories_for(base, found.scope)
    answer = answers.advisory_answer(
        base,
        advisories,
        query=request.country,
        matched=found.matched,
        as_of=as_of,
        with_sources=request.sources,
        warnings=found.warnings,
    )
    who = f" from or about {found.matched[0].name}" if found.matched else ""
    return _emit(answer, request.format, nothing=f"no travel advice{who} in the fact base")


def _search(request: SearchRequest) -> int:
    from dprkrel.core import answers
    from dprkrel.core import search as search_core
    from dprkrel.core.model import RECORD_TYPES

    kinds = [item.strip().lower() for item in request.kinds]
    known = [record_type.KIND for record_type in RECORD_TYPES]
    unknown = [item for item in kinds if item not in known]
    if unknown:
        raise UsageError(f"unknown kind '{unknown[0]}'; choose from {', '.join(known)}")
    base = _load(request.settings)
    hits = search_core.search(base, request.query, limit=request.limit, kinds=kinds)
    answer = answers.search_answer(base, hits, query=request.query, with_sources=request.sources)
    return _emit(answer, request.format, nothing=f"nothing matches '{request.query}'")


def _show(request: ShowRequest) -> int:
    from dprkrel.core import answers
    from dprkrel.core.model import Entity

    base = _load(request.settings)
    found = _subject(base, "show", request.name, request.format, None)
    entity = base.by_id[found.matched[0].id]
    assert isinstance(entity, Entity)
    answer = answers.show_answer(
        base, entity, query=request.name, matched=found.matched, with_sources=request.sources, warnings=found.warnings
    )
    return _emit(answer, request.format, nothing=f"nothing about '{request.name}'")


def _sources(request: SourcesRequest) -> int:
    from dprkrel.core import answers

    base = _load(request.settings)
    answer = answers.sources_answer(base, with_sources=request.sections)
    return _emit(answer, request.format, nothing="no sources in the fact base")


def _validate(request: ValidateRequest) -> int:
    from dprkrel.core.reading import load

    files = request.settings.fact_paths(request.paths)
    if not files:
        raise UsageError("nothing to validate: --no-builtin was given without fact files")
    base = load(files)
    counts = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in base.counts().items())
    print(f"valid: {counts} in {len(files)} {_plural('file', len(files))}")
    return EXIT_FOUND


_RUNNERS: dict[type[Request], Callable[[Any], int]] = {
    TimelineRequest: _timeline,
    EmbassyRequest: _embassy,
    AdvisoryRequest: _advisory,
    SearchRequest: _search,
    ShowRequest: _show,
    SourcesRequest: _sources,
    ValidateRequest: _validate,
}


# -- shared steps ---------------------------------------------------------------------------


def _load(settings: Settings) -> FactBase:
    from dprkrel.core.reading import load

    files = settings.fact_paths()
    if not files:
        raise UsageError("no fact files: --no-builtin was given without --data")
    return load(files)


def _date_option(name: str, value: str | None) -> PartialDate | None:
    from dprkrel.core.dates import DateFormatError, PartialDate

    if value is None:
        return None
    try:
        return PartialDate.parse(value.strip())
    except DateFormatError as error:
        raise UsageError(f"{name}: {error}") from None


class Subject(Frozen):
    """What a subject argument resolved to (nothing, when no subject was given)."""

    matched: tuple[Matched, ...]
    scope: frozenset[str] | None
    warnings: list[dict[str, Any]]


def _subject(
    base: FactBase,
    command: str,
    query: str | None,
    fmt: str,
    as_of: PartialDate | None,
) -> Subject:
    """Resolve a subject; with no match, print the JSON envelope (for JSON) and raise NoMatch."""
    from dprkrel.core import answers, queries
    from dprkrel.core.subjects import NoMatch, resolve
    from dprkrel.output.text import visible

    if query is None:
        return Subject((), None, [])
    try:
        resolution = resolve(base, query)
    except NoMatch as error:
        if fmt == "json":
            suggestions = [
                {"id": match.id, "name": match.name, "kind": match.kind, "score": match.score}
                for match in error.suggestions
            ]
            payload = answers.envelope(command, query=query, as_of=as_of, results=[], suggestions=suggestions)
            _write_json(payload)
        raise
    best = resolution.best
    matched = (answers.Matched(best.id, best.name, best.kind, best.score),)
    warnings = []
    if resolution.alternatives:
        others = ", ".join(f"{match.name} ({match.id})" for match in resolution.alternatives)
        message = f"'{query}' matched {best.name} ({best.id}); it could also mean: {others}"
        warnings.append(answers.warning("ambiguous", message, best.id))
        say(visible(message))
    return Subject(matched, queries.subject_scope(base, best.id), warnings)


def _write_json(payload: dict[str, Any]) -> None:
    from dprkrel.output import json_out

    json_out.write_json(payload, sys.stdout)


def _emit(answer: Answer, fmt: str, *, nothing: str) -> int:
    """Print the answer (with its chart, when one was made); when it holds nothing, say so on
    stderr and return EXIT_NOT_FOUND."""
    from dprkrel.output import render
    from dprkrel.output.text import visible
    from dprkrel.output.views import OutputFormat

    output = OutputFormat(fmt)
    if answer.found or output is OutputFormat.JSON:
        render(answer, output, sys.stdout, chart=answer.chart is not None and answer.found)
    if not answer.found:
        say(visible(nothing))
        return EXIT_NOT_FOUND
    return EXIT_FOUND


def _plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    irregular = {"entity": "entities", "advisory": "advisories", "policy": "policies", "aid": "aid"}
    return irregular.get(noun, noun + "s")
