"""The quick reader of command lines (`dprkrel.cli.quick`) against the Typer app (`dprkrel.cli.app`).

The console script runs what `quick` reads without Typer, and leaves the rest to the app.
What it reads must be exactly what the app would have read: these tests capture the request
the app builds for a command line and compare it with the one `quick` builds, over the usual
command lines and over generated ones. They also check that `quick` really takes the usual
ones (else every run would pay for Typer), and that it answers the shells' completion
requests as Typer does, byte for byte.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dprkrel.cli import quick, run, spec
from dprkrel.cli.app import app
from dprkrel.core.commands import MAX_LIMIT, MIN_LIMIT

pytestmark = pytest.mark.usefixtures("fast_cli")

runner = CliRunner(env={"DPRKREL_DATA": None, "NO_COLOR": "1"})

# The Typer app's own options, which `quick` leaves to it.
TYPER_ONLY = {"--help", "-h", "--version", "-V", "--install-completion", "--show-completion"}

# Command lines people and scripts type every day: `quick` must read every one of them.
USUAL = [
    "timeline spain --json",
    "timeline spain",
    "timeline north korea --json",
    "timeline spain --data x.yaml",
    "--data a.yaml timeline spain --no-builtin --data b.yaml --csv",
    "embassy madrid --nl",
    "search embassy -f md",
    "search embassy --tsv --tsv",
    "show Kim Hyok Chol",
    "timeline",
    "timeline spain --since 2013 --until 2020 -c visit --category expulsion",
    "timeline spain --as-of 2015 --chart --sources",
    "timeline spain -f csv",
    "timeline spain --format=markdown",
    "timeline spain --format JSON",
    "--data extra.yaml timeline spain",
    "--data ./extra//facts.yaml timeline spain",
    "--data=a.yaml --data b.yaml --no-builtin timeline kim",
    "embassy madird --json",
    "embassy madrid --as-of 2015",
    "embassy --json",
    "advisory spain",
    "advisory --sources -f json",
    "search 'embassy closed' --json -n 5 -k event --kind mission",
    "search embassy --limit=1000",
    "show 'Cao de Benós'",
    "show madrid --json --sources",
    "sources",
    "sources --sources --json",
    "validate",
    "validate a.yaml ./b.yaml",
    "--no-builtin validate a.yaml",
    "timeline ''",
    "timeline spain --since=-5",
]

# Command lines `quick` must leave to the app: help, version, usage errors, unusual forms.
DECLINED = [
    "",
    "--help",
    "timeline --help",
    "timeline -h",
    "--version",
    "--install-completion",
    "bogus",
    "timeline spain --format xml",
    "timeline spain -fjson",
    "timeline spain --json=yes",
    "timeline -- -spain",
    "timeline -",
    "search",
    "search x --limit 0",
    "search x --limit 1001",
    "search x --limit +5",
    "search x --limit 5_0",
    "search x -n",
    "show",
    "sources spain",
    "--data",
]


def split(line: str) -> list[str]:
    import shlex

    return shlex.split(line)


def typer_request(argv: list[str]) -> spec.Request | None:
    """The request the Typer app builds for `argv`, or None when it runs no command."""
    built: list[spec.Request] = []

    def record(request: spec.Request) -> int:
        built.append(request)
        return 0

    original = run.execute
    run.execute = record  # type: ignore[assignment]
    try:
        result = runner.invoke(app, argv)
    finally:
        run.execute = original  # type: ignore[assignment]
    assert len(built) <= 1
    if built:
        assert result.exit_code == 0, result.output
        return built[0]
    return None


@pytest.mark.parametrize("line", USUAL)
def test_quick_reads_the_usual_command_lines_as_typer_does(line: str) -> None:
    argv = split(line)
    expected = typer_request(argv)
    assert expected is not None, f"the app runs no command for {line!r}"
    assert quick.parse(argv) == expected


def test_a_null_character_is_left_to_typer() -> None:
    # Hypothesis found it: Typer's path type refuses "\x00", which quick took as a file name.
    assert quick.parse(["validate", "\x00"]) is None
    # And Typer says so as a usage error, for a fact file given either way.
    for argv in (["validate", "\x00"], ["--data", "a\x00b", "timeline"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2, (argv, result.exception)
        assert "null character" in result.stderr


@pytest.mark.parametrize("line", DECLINED)
def test_quick_leaves_help_errors_and_unusual_forms_to_typer(line: str) -> None:
    assert quick.parse(split(line)) is None


def test_a_repeated_option_keeps_its_last_value_as_in_typer() -> None:
    argv = split("timeline spain --since 2001 --since 2010 -f csv --format json")
    request = quick.parse(argv)
    assert request is not None and request.command == "timeline"
    assert (request["since"], request["format"]) == ("2010", "json")
    assert request == typer_request(argv)


# -- generated command lines -----------------------------------------------------------------


def options_by_name(options: tuple[spec.Option, ...]) -> dict[str, spec.Option]:
    return {name: option for option in options for name in option.names}


GLOBAL_OPTIONS = options_by_name(spec.GLOBAL_OPTIONS)
ALL_OPTIONS = sorted(
    {*GLOBAL_OPTIONS, *TYPER_ONLY, *(name for line in spec.COMMANDS.values() for name in options_by_name(line.options))}
)
# "j\u017fon" (long s) case-folds to "json"; fullwidth "json" does not.
VALUES = [
    "spain",
    "madird",
    "json",
    "JSON",
    "Json",
    "j\u017fon",
    "\uff4a\uff53\uff4f\uff4e",
    "csv",
    "5",
    "+5",
    "05",
    "1000",
    "1001",
    "0",
]
VALUES += [
    "-5",
    "-",
    "--",
    "",
    "a b",
    "2013",
    "2013-10",
    "event",
    "visit",
    "x.yaml",
    "./x.yaml",
    "İ",
    "ß",
    "=",
    "-n5",
    "-fjson",
]

token = st.one_of(
    st.sampled_from(sorted(spec.COMMANDS)),
    st.sampled_from(ALL_OPTIONS),
    st.sampled_from(VALUES),
    st.builds(lambda name, value: f"{name}={value}", st.sampled_from(ALL_OPTIONS), st.sampled_from(VALUES)),
    st.text(max_size=6),
)
command_line = st.builds(
    lambda before, name, after: [*before, name, *after],
    st.lists(st.sampled_from(["--data", "--no-builtin", "x.yaml", "--data=y.yaml"]), max_size=3),
    st.sampled_from(sorted(spec.COMMANDS)),
    st.lists(token, max_size=6),
)


# Values by what an option takes: mostly valid, some that Typer would refuse or convert.
VALUES_FOR = {
    "format": ["json", "JSON", "Csv", "table", "markdown", "j\u017fon", "xml", ""],
    "limit": ["5", "1", "1000", "05", "1001", "0", "+5", " 5"],
    "text": VALUES,
    "texts": VALUES,
    "paths": VALUES,
}


@st.composite
def plausible_command_line(draw: st.DrawFn) -> list[str]:
    """A command with its own options and values, and arguments, in any order, now and then
    a stray token: most are valid, which the fully random lines seldom are."""
    name = draw(st.sampled_from(sorted(spec.COMMANDS)))
    options = options_by_name(spec.COMMANDS[name].options)
    parts: list[list[str]] = [[argument] for argument in draw(st.lists(st.sampled_from(ARGUMENTS), max_size=2))]
    for _ in range(draw(st.integers(0, 4)) if options else 0):
        option = draw(st.sampled_from(sorted(options)))
        kind = options[option].value
        if kind in ("flag", "format_flag"):
            parts.append([option])
            continue
        value = draw(st.sampled_from(VALUES_FOR[kind]))
        equals = option.startswith("--") and draw(st.booleans())
        parts.append([f"{option}={value}"] if equals else [option, value])
    if draw(st.integers(0, 9)) == 0:
        parts.append([draw(token)])
    parts = draw(st.permutations(parts))
    before = draw(st.lists(st.sampled_from([["--no-builtin"], ["--data", "x.yaml"], ["--data=./y.yaml"]]), max_size=2))
    return [*(word for part in before for word in part), name, *(word for part in parts for word in part)]


ARGUMENTS = ["spain", "madird", "x.yaml", "embassy closed", "Cao de Benós", ""]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.one_of(plausible_command_line(), plausible_command_line(), command_line, st.lists(token, max_size=6)))
def test_whatever_quick_reads_typer_reads_the_same(argv: list[str]) -> None:
    request = quick.parse(argv)
    if request is not None:
        assert request == typer_request(argv)


# -- the options are Typer's ------------------------------------------------------------------


def click_params(command: Any) -> tuple[dict[str, Any], list[Any]]:
    options = {name: param for param in command.params if param.param_type_name == "option" for name in param.opts}
    options.update(
        {name: param for param in command.params if param.param_type_name == "option" for name in param.secondary_opts}
    )
    arguments = [param for param in command.params if param.param_type_name == "argument"]
    return options, arguments


def check_options(options: tuple[spec.Option, ...], theirs: dict[str, Any]) -> None:
    ours = options_by_name(options)
    assert set(ours) == set(theirs) - TYPER_ONLY
    for name, option in ours.items():
        param = theirs[name]
        assert (option.value in ("flag", "format_flag")) == param.is_flag, name
        assert (option.value in ("texts", "paths")) == param.multiple, name
        if option.value == "format":
            assert sorted(param.type.choices) == sorted(spec.FORMATS)
        if option.value == "limit":
            assert (param.type.min, param.type.max) == (MIN_LIMIT, MAX_LIMIT)


def test_the_global_options_are_the_apps() -> None:
    group = typer.main.get_command(app)
    options, arguments = click_params(group)
    check_options(spec.GLOBAL_OPTIONS, options)
    assert not arguments


@pytest.mark.parametrize("name", sorted(spec.COMMANDS))
def test_each_commands_options_and_argument_are_the_apps(name: str) -> None:
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    options, arguments = click_params(command)
    ours = spec.COMMANDS[name]
    # The global options may come after the command too.
    check_options((*ours.options, *spec.GLOBAL_OPTIONS), options)
    if ours.argument is None:
        assert not arguments
        return
    (argument,) = arguments
    assert argument.name == ours.argument.field
    assert argument.required == ours.argument.required
    assert (argument.nargs == -1) == (ours.argument.many or ours.argument.words)
    assert (argument._custom_shell_complete is not None) == ours.argument.completes_subject


def test_every_command_of_the_app_is_read() -> None:
    group = typer.main.get_command(app)
    assert set(group.commands) == set(spec.COMMANDS)  # type: ignore[attr-defined]


# -- completion -------------------------------------------------------------------------------

# (what has been typed, the word being completed): the line as the shell has it.
# A fact file of the user's own, given with --data: its subjects complete too.
EXTRA = Path(__file__).resolve().parent / "data" / "base.yaml"

COMPLETED = [
    "dprkrel embassy ma",
    f"dprkrel --data {EXTRA} --no-builtin show la",
    f"dprkrel --data={EXTRA} embassy ci",
    "dprkrel timeline ",
    "dprkrel timeline sp",
    "dprkrel timeline --since 2013 -c visit sp",
    "dprkrel timeline --json ko",
    "dprkrel advisory es",
    "dprkrel show cao",
    "dprkrel show Ma",
    "dprkrel --no-builtin embassy ma",
    "dprkrel embassy zz",
]
# Lines `quick.complete` leaves to Typer (options, other arguments, quoting).
COMPLETION_DECLINED = [
    "dprkrel ",
    "dprkrel emb",
    "dprkrel search emb",
    "dprkrel embassy --",
    "dprkrel embassy --as-of ",
    "dprkrel embassy madrid ",
    "dprkrel validate fa",
    'dprkrel show "cao',
    "dprkrel embassy -- ma",
]


def shell_env(shell: str, line: str, fish_action: str = "get-args") -> dict[str, str]:
    if shell == "bash":
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        return {quick.COMPLETE_VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    env = {quick.COMPLETE_VAR: f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = fish_action
    if shell in ("powershell", "pwsh"):
        env["_TYPER_COMPLETE_WORD_TO_COMPLETE"] = "" if line.endswith(" ") else line.split()[-1]
    return env


def typer_completion(env: dict[str, str]) -> tuple[str, int]:
    result = runner.invoke(app, [], env=env, prog_name="dprkrel")
    return result.stdout, result.exit_code


def quick_completion(env: dict[str, str]) -> tuple[str, int] | None:
    reply = quick.complete(env)
    if reply is None:
        return None
    return ("" if reply.text is None else reply.text + "\n"), reply.code


SHELLS = [("bash", ""), ("zsh", ""), ("fish", "get-args"), ("fish", "is-args"), ("powershell", ""), ("pwsh", "")]


@pytest.mark.parametrize("line", COMPLETED)
@pytest.mark.parametrize(("shell", "fish_action"), SHELLS)
def test_quick_completes_subjects_as_typer_does(
    shell: str, fish_action: str, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = shell_env(shell, line, fish_action)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ours = quick_completion(env)
    assert ours is not None, f"quick leaves {line!r} ({shell}) to Typer"
    theirs = typer_completion(env)
    if shell in ("bash", "fish"):
        # The same names, but each in its own case, where Typer gives the case typed (and
        # so has to leave out those that differ in more than case).
        assert ours[1] == theirs[1]
        assert {unescaped(value).casefold() for value in theirs[0].split()} <= {
            unescaped(value).casefold() for value in ours[0].split()
        }
    else:
        assert ours == theirs


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("dprkrel timeline --category vi", ["visit"]),
        ("dprkrel timeline -c sa", ["sanctions"]),
        ("dprkrel search x --kind m", ["mission"]),
        ("dprkrel subjects --kind c", ["country", "city"]),
        ("dprkrel search x --format c", ["csv"]),
    ],
)
def test_option_values_with_choices_complete(line: str, expected: list[str]) -> None:
    text, code = typer_completion(shell_env("bash", line))
    assert code == 0
    assert text.split() == expected


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize(
    ("shell", "line", "expected"),
    [
        ("bash", "dprkrel embassy new", ["New\\ Delhi", "New\\ Zealand"]),
        ("bash", "dprkrel timeline madr", ["Madrid"]),
        ("fish", "dprkrel embassy new", ["New Delhi", "New Zealand"]),
    ],
)
def test_completion_inserts_names_whole_and_in_their_own_case(shell: str, line: str, expected: list[str]) -> None:
    reply = quick.complete(shell_env(shell, line))
    assert reply is not None and reply.text is not None
    assert reply.text.splitlines() == expected


@pytest.mark.parametrize("line", COMPLETION_DECLINED)
def test_quick_leaves_other_completions_to_typer(line: str) -> None:
    assert quick.complete(shell_env("bash", line)) is None


def test_completion_offers_the_subjects_typed() -> None:
    reply = quick.complete(shell_env("bash", "dprkrel embassy ma"))
    assert reply is not None and reply.text is not None
    assert "Madrid" in reply.text.splitlines()
    reply = quick.complete(shell_env("bash", f"dprkrel --data {EXTRA} --no-builtin show la"))
    assert reply is not None and reply.text is not None
    assert {"Land\\ A", "Land\\ B"} <= set(reply.text.splitlines()), "the subjects of the --data file"


# -- the console script -----------------------------------------------------------------------


def imported_by(argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The modules `dprkrel ARGV` imports, as a process of its own."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dprkrel", *argv],
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


HEAVY = {"typer", "click", "yaml", "rich", "rapidfuzz"}


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (["timeline", "spain", "--json"], set()),
        (["timeline", "spain"], {"rich"}),
        (["embassy", "madird", "--json"], {"rapidfuzz"}),
    ],
)
def test_the_usual_commands_run_without_typer(argv: list[str], needed: set[str]) -> None:
    modules = imported_by(argv)
    assert {name for name in HEAVY if name in modules} == needed


def test_completion_runs_without_typer() -> None:
    modules = imported_by([], shell_env("bash", "dprkrel embassy ma"))
    assert not {name for name in HEAVY if name in modules}


def test_help_still_comes_from_typer() -> None:
    assert "typer" in imported_by(["--help"])


# The Typer app run by itself, under the console script's exit policy.
TYPER_ALONE = (
    "from dprkrel.cli.app import app; from dprkrel.cli.process import run; run(lambda: app(prog_name='dprkrel'))"
)


def test_quick_and_typer_print_the_same() -> None:
    """The same command line, through the console script and through the app alone."""
    argv = ["embassy", "madird", "--json", "--as-of", "2015"]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    through_quick = subprocess.run(
        [sys.executable, "-m", "dprkrel", *argv], env=env, capture_output=True, check=False, timeout=120
    )
    through_typer = subprocess.run(
        [sys.executable, "-c", TYPER_ALONE, *argv],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert through_quick.returncode == through_typer.returncode == 0
    assert through_quick.stdout == through_typer.stdout
    assert through_quick.stderr == through_typer.stderr
