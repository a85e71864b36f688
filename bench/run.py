"""Time dprkrel's commands as whole processes, against bare Python and PyYAML's C loader.

Usage (with the Python of the environment dprkrel is installed in; Linux or macOS):

    .venv/bin/python bench/run.py [--runs 10] [--heavy-runs 5] [--budget 600]
                                  [--events 100000] [--keep] [--save results.json]

Every command is run as users run it: the `dprkrel` console script next to this
interpreter, as a process of its own, with stdout piped back here (never a terminal).
Each command runs once to warm up (compiling bytecode, filling dprkrel's cache), then in
rounds: every round runs each command once, round-robin, starting one further along each
round, so that drift of the machine hits every row alike. Bare `python -c pass` and
PyYAML's C loader run in the same rounds. The table shows medians, and the fastest and
slowest run to show the noise.

Light rows (1-4 and bare Python) run --runs times. Heavy rows (5-7 and PyYAML) run in
the first --heavy-runs rounds (default: --runs, at most 5); they stop early, after at
least 3 runs, once their runs have taken --budget seconds. --events sets their size.

Rows (ratios are of medians):

1. `timeline spain --json`, shipped base: at most 5x bare Python.
2. `timeline spain`, a table piped to another program: at most 7x.
3. `embassy madird --json` (a typo): at most 6x.
4. shell completion of `dprkrel embassy ma<Tab>` through typer's protocol
   (`_DPRKREL_COMPLETE=complete_bash COMP_WORDS="dprkrel embassy ma" COMP_CWORD=2 dprkrel`;
   typer takes `complete_bash`, instruction then shell, where click takes `bash_complete`):
   at most 5x; the note says "no candidates" when it prints none.
5. `--data BIG timeline spain --json` with the cache warm: at most 3x row 1.
   (Row 10, below, is a light row on the shipped base, like rows 1-4.)
6. `--data BIG search "embassy closed" --json` with the cache warm: at most 16x bare Python.
7. `--data COPY timeline spain --json`, the first run after the files changed: at most 1.3x
   the time PyYAML's C loader takes to load the same files in a process of its own
   (`yaml.load(open(FILE), Loader=yaml.CSafeLoader)` for each).
8. peak memory of rows 1-6 and 10: at most 250 MiB.
9. peak memory of row 7: at most 1.2x the C loader's.
10. `search "when did spain recognise north korea" --json`, shipped base: at most 6x bare Python
    (a question in words, with stop words, a synonym and two subjects to read).

BIG is a synthetic fact base (bench/make_synthetic.py) with --events events, written to a
temporary directory, as one file (or in files of --events-per-file events), each given
with --data. COPY is a copy
of those files that row 7 changes before every run; PyYAML loads every file of COPY in one
process and keeps them all, as it would one large file.

The cache. Children run with NO_COLOR=1, without DPRKREL_DATA or DPRKREL_CACHE_DIR, and
with XDG_CACHE_HOME pointing into the temporary directory, so the user's own cache is
never read or written. Rows 1-6 share one cache directory, filled by their warm-up runs.
Row 7 has a cache directory of its own, so its new entries never push rows 5-6's out, and
before each of its runs a record with a new marker is written at the end of every file of
COPY (in place of the last run's): the contents change (and with them the sizes and times,
whatever a cache keys on), so a cache of the whole base or of each file must read them all
again, while the shipped base stays cached, as after a user edits their files. Row 7 checks
that its output shows that run's markers: a cache that served stale facts is an ERROR.

Memory is the peak resident set size (ru_maxrss) of each command, from os.wait4 in a
small launcher process that starts it (see run_process); "peak" is the largest over all
runs of a row. The launcher also times the command, from fork to exit.

Exit status: 0 when every target is met, 1 when one is missed or a command failed (the
table is printed in full either way), 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import make_synthetic

REPO = Path(__file__).resolve().parent.parent
# Heavy rows get at least this many runs, whatever the --budget.
MIN_HEAVY_RUNS = 3
WARM_MEMORY_LIMIT_MIB = 250.0
# ru_maxrss is in KiB on Linux, in bytes on macOS.
RSS_UNIT = 1024 if sys.platform == "darwin" else 1
# Row 10: a question as people type it, on the shipped base.
SEARCH_QUESTION = "when did spain recognise north korea"
COMPLETION_ENV = {"_DPRKREL_COMPLETE": "complete_bash", "COMP_WORDS": "dprkrel embassy ma", "COMP_CWORD": "2"}
# Keeps every document, as one large file would: the peak memory is that of the whole base.
YAML_LOAD = "import yaml,sys; docs = [yaml.load(open(f), Loader=yaml.CSafeLoader) for f in sys.argv[1:]]"
# The smallest Typer app with two commands: what starting any Typer CLI costs, shown beside
# the rows. dprkrel reads its usual command lines without Typer (dprkrel.cli.quick), and only
# help, --version and usage errors pay for it.
TYPER_APP = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def a(x: str) -> None: print(x)\n"
    "@app.command()\n"
    "def b(y: str = '') -> None: print(y)\n"
    "app()\n"
)
# Variables that would change what the children do or how fast; the children run without them.
DROPPED_ENV = (
    "DPRKREL_DATA",
    "DPRKREL_CACHE_DIR",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "COLUMNS",
    "LINES",
    "PYTHONDEVMODE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONTRACEMALLOC",
    "PYTHONVERBOSE",
    "PYTHONWARNINGS",
    "_DPRKREL_COMPLETE",
    "COMP_WORDS",
    "COMP_CWORD",
    # Installed packages run from compiled bytecode; with this set, an editable install would
    # compile dprkrel's modules afresh in every child and the timings would measure that.
    "PYTHONDONTWRITEBYTECODE",
)


class BenchError(Exception):
    """The benchmark cannot run (exit status 2)."""


# -- running one process ------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One run of a command."""

    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: bytes
    stderr: bytes


# Runs one command (argv[2:]) and writes its wall time, peak memory and exit status to the
# file descriptor argv[1]. The command's stdin, stdout and stderr are the launcher's own.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
os.write(int(sys.argv[1]), f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_process(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Sample:
    """Run a command to its end, stdout piped here; its wall time and its own peak memory.

    The command is started by a small launcher process (bare Python with `-I -S`) that
    forks, execs it, and times it from fork to os.wait4, which also gives the command's own
    ru_maxrss. Why not subprocess from here: CPython's subprocess uses vfork, and Linux
    then counts the memory of the process that started a command in the command's peak (it
    ran in that memory until exec), so every command would seem at least as large as this
    benchmark process. The launcher is exec'd afresh, so its forked child starts from the
    launcher's few MiB, less than any Python command uses on its own.
    """
    executable = shutil.which(argv[0]) or argv[0]
    report_read, report_write = os.pipe()
    with tempfile.TemporaryFile() as errors:
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(report_write), executable, *argv[1:]],
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            pass_fds=(report_write,),
        )
        os.close(report_write)
        with os.fdopen(report_read, "rb") as report:
            stdout, _ = launcher.communicate()
            fields = report.read().split()
        errors.seek(0)
        stderr = errors.read()
    if len(fields) != 3 or launcher.returncode != 0:
        raise BenchError(f"the launcher could not run {executable} (exit {launcher.returncode}): {stderr[-300:]!r}")
    return Sample(float(fields[0]), int(fields[1]) // RSS_UNIT, int(fields[2]), stdout, stderr)


# -- what is timed ------------------------------------------------------------------------


@dataclass
class Job:
    """A command timed in every round (light) or in the first --heavy-runs rounds (heavy)."""

    key: str
    label: str
    argv: list[str]
    env: dict[str, str]
    heavy: bool = False
    # Called before every run, the warm-up included (row 7 changes its file here).
    prepare: Callable[[], None] | None = None
    # A problem with a run's output that makes the row an ERROR, or None.
    check: Callable[[Sample], str | None] | None = None
    # A remark on the last run's output for the note column, or None.
    describe: Callable[[Sample], str | None] | None = None
    samples: list[Sample] = field(default_factory=list)  # every timed run
    good: list[Sample] = field(default_factory=list)  # the timed runs without a problem
    failed: int = 0
    problems: list[str] = field(default_factory=list)
    last: Sample | None = None

    def run(self, cwd: Path, *, record: bool) -> Sample:
        if self.prepare is not None:
            self.prepare()
        sample = run_process(self.argv, self.env, cwd)
        problem = _failure(sample) or (self.check(sample) if self.check else None)
        if problem and problem not in self.problems:
            self.problems.append(problem)
        self.last = sample
        if record:
            # Outputs can be large; only the last one is kept.
            self.samples.append(Sample(sample.seconds, sample.max_rss_kib, sample.returncode, b"", b""))
            if problem:
                self.failed += 1
            else:
                self.good.append(self.samples[-1])
        return sample

    @property
    def counted(self) -> list[Sample]:
        """The runs the statistics are of: those that went right, or all when none did."""
        return self.good or self.samples

    @property
    def median_ms(self) -> float | None:
        return statistics.median(s.seconds for s in self.counted) * 1000 if self.counted else None

    @property
    def range_ms(self) -> tuple[float, float] | None:
        if not self.counted:
            return None
        times = [s.seconds * 1000 for s in self.counted]
        return min(times), max(times)

    @property
    def peak_mib(self) -> float | None:
        return max(s.max_rss_kib for s in self.counted) / 1024 if self.counted else None


def _failure(sample: Sample) -> str | None:
    if sample.returncode == 0:
        return None
    lines = sample.stderr.decode("utf-8", "replace").strip().splitlines()
    return f"exit {sample.returncode}" + (f": {lines[-1][:100]}" if lines else "")


class ChangingFiles:
    """Copies of a base's files; each change appends a record with a new marker to every copy."""

    def __init__(self, sources: Sequence[Path], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / source.name for source in sources]
        self.lengths = []
        for source, copy in zip(sources, self.paths, strict=True):
            shutil.copyfile(source, copy)
            self.lengths.append(copy.stat().st_size)
        self.changes = 0
        self.marker = ""

    def change(self) -> None:
        """Give every file new content: a cache of the whole base or of each file must read them all again."""
        self.changes += 1
        # The length varies too, for a cache that would only look at size and time.
        self.marker = f"run {self.changes}" + "." * (self.changes % 5)
        for part, (path, length) in enumerate(zip(self.paths, self.lengths, strict=True), start=1):
            with path.open("r+b") as file:
                file.seek(length)
                file.write(make_synthetic.change_record(self.marker, part).encode())
                file.truncate()

    def check(self, sample: Sample) -> str | None:
        """A problem when the output lacks any of the changed records."""
        if sample.returncode != 0:
            return None
        for part in range(1, len(self.paths) + 1):
            if make_synthetic.change_summary(self.marker, part).encode() not in sample.stdout:
                return f"stale: the output lacks the change made to part {part} before this run"
        return None


def _completions(sample: Sample) -> str | None:
    if sample.returncode != 0:
        return "no candidates"
    candidates = [line for line in sample.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    if not candidates:
        return "no candidates"
    shown = ", ".join(candidates[:4]) + (", ..." if len(candidates) > 4 else "")
    return f"{len(candidates)} {'candidate' if len(candidates) == 1 else 'candidates'}: {shown}"


# -- targets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A limit on one row: its median time (or peak memory) over another row's."""

    row: str
    against: str
    limit: float
    memory: bool = False


@dataclass(frozen=True)
class Verdict:
    value: str
    target: str
    result: str  # PASS, FAIL or ERROR


# How a target names the row it is measured against.
_AGAINST = {"python": "python", "yaml": "PyYAML", "tl_json": "row 1"}


def judge(target: Target, jobs: Mapping[str, Job]) -> Verdict:
    row, against = jobs[target.row], jobs[target.against]
    name = _AGAINST.get(target.against, against.label)
    goal = f"<= {target.limit:g}x {name}"
    if target.memory:
        mine, theirs = row.peak_mib, against.peak_mib
    else:
        mine, theirs = row.median_ms, against.median_ms
    if mine is None or theirs is None or theirs <= 0:
        return Verdict("-", goal, "ERROR")
    ratio = mine / theirs
    result = "ERROR" if row.problems or against.problems else ("PASS" if ratio <= target.limit else "FAIL")
    return Verdict(f"{ratio:.2f}x {name}", goal, result)


def judge_warm_memory(jobs: Sequence[Job]) -> Verdict:
    peaks = [job.peak_mib for job in jobs if job.peak_mib is not None]
    goal = f"<= {WARM_MEMORY_LIMIT_MIB:g} MiB"
    if not peaks:
        return Verdict("-", goal, "ERROR")
    peak = max(peaks)
    return Verdict(f"{peak:.1f} MiB", goal, "PASS" if peak <= WARM_MEMORY_LIMIT_MIB else "FAIL")


# -- the machine --------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return f"git {head}" + (" with uncommitted changes in src/" if dirty else "")


def _libyaml() -> str:
    import yaml

    return "with libyaml" if getattr(yaml, "CSafeLoader", None) else "WITHOUT libyaml: the C loader rows cannot run"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "cpus": f"{usable} usable of {cpus} (nproc {usable})",
        "cpu": _cpu_model(),
        "system": platform.platform(),
        "python": f"{platform.python_version()} ({sys.executable})",
        "dprkrel": f"{_version('dprkrel')} ({_git_state()})",
        "libraries": (
            f"typer {_version('typer')}, rich {_version('rich')}, rapidfuzz {_version('rapidfuzz')}, "
            f"PyYAML {_version('PyYAML')} ({_libyaml()})"
        ),
        "load average": load,
    }


# -- the table ----------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if 1 < i < 5 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


# -- the run ------------------------------------------------------------------------------


@dataclass
class Plan:
    jobs: dict[str, Job]
    rows: list[tuple[str, str, Target | None]]  # (row number or "", job key, target)
    workdir: Path
    base: list[Path]  # the synthetic base's files


def data_options(paths: Sequence[Path]) -> list[str]:
    return [part for path in paths for part in ("--data", str(path))]


def plan(args: argparse.Namespace, workdir: Path, dprkrel: str) -> Plan:
    events = args.events
    target = workdir / "base" / f"synthetic-{events}.yaml"
    target.parent.mkdir()
    print(f"writing {target} ({events:,} events) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    # As a command of its own, the way its docstring says to run it; it prints its files.
    generator = [sys.executable, make_synthetic.__file__, str(events), str(target)]
    generator += ["--seed", str(args.seed), "--events-per-file", str(args.events_per_file)]
    made = subprocess.run(generator, capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise BenchError(f"bench/make_synthetic.py failed:\n{made.stderr}")
    big = [Path(line) for line in made.stdout.splitlines()]
    size = sum(path.stat().st_size for path in big)
    print(f"  {made.stderr.strip()}, {size / 2**20:.1f} MiB in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    cold = ChangingFiles(big, workdir / "changing")

    def env(cache: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        variables = {name: value for name, value in os.environ.items() if name not in DROPPED_ENV}
        variables |= {"NO_COLOR": "1", "XDG_CACHE_HOME": str(workdir / cache)}
        return variables | dict(extra or {})

    warm = env("cache-warm")
    n = f"{events:,}-event base"
    python = sys.executable
    jobs = [
        Job("python", "python -c pass (baseline)", [python, "-c", "pass"], warm),
        Job("typer", "a two-command Typer app (reference)", [python, "-c", TYPER_APP, "a", "x"], warm),
        Job("tl_json", "timeline spain --json", [dprkrel, "timeline", "spain", "--json"], warm),
        Job("tl_table", "timeline spain (table, piped)", [dprkrel, "timeline", "spain"], warm),
        Job("embassy", "embassy madird --json", [dprkrel, "embassy", "madird", "--json"], warm),
        Job("search", f'search "{SEARCH_QUESTION}" --json', [dprkrel, "search", SEARCH_QUESTION, "--json"], warm),
        Job(
            "complete", "complete: embassy ma<Tab>", [dprkrel], env("cache-warm", COMPLETION_ENV), describe=_completions
        ),
        Job(
            "big_tl",
            f"{n}: timeline spain --json (warm)",
            [dprkrel, *data_options(big), "timeline", "spain", "--json"],
            warm,
            heavy=True,
        ),
        Job(
            "big_search",
            f'{n}: search "embassy closed" --json (warm)',
            [dprkrel, *data_options(big), "search", "embassy closed", "--json"],
            warm,
            heavy=True,
        ),
        Job(
            "cold",
            f"{n}: timeline spain --json (files changed)",
            [dprkrel, *data_options(cold.paths), "timeline", "spain", "--json"],
            env("cache-cold"),
            heavy=True,
            prepare=cold.change,
            check=cold.check,
        ),
        Job(
            "yaml",
            "PyYAML CSafeLoader load (baseline)",
            [python, "-c", YAML_LOAD, *map(str, cold.paths)],
            warm,
            heavy=True,
        ),
    ]
    rows: list[tuple[str, str, Target | None]] = [
        ("1", "tl_json", Target("tl_json", "python", 5)),
        ("2", "tl_table", Target("tl_table", "python", 7)),
        ("3", "embassy", Target("embassy", "python", 6)),
        ("4", "complete", Target("complete", "python", 5)),
        ("10", "search", Target("search", "python", 6)),
        ("5", "big_tl", Target("big_tl", "tl_json", 3)),
        ("6", "big_search", Target("big_search", "python", 16)),
        ("7", "cold", Target("cold", "yaml", 1.3)),
        ("", "python", None),
        ("", "typer", None),
        ("", "yaml", None),
    ]
    return Plan({job.key: job for job in jobs}, rows, workdir, big)


def measure(the_plan: Plan, runs: int, heavy_runs: int, budget: float) -> str:
    """Warm up, then run the rounds; returns how many runs each kind of row got."""
    jobs = list(the_plan.jobs.values())
    cwd = the_plan.workdir
    warmup = 0.0
    for job in jobs:
        sample = job.run(cwd, record=False)
        warmup += sample.seconds
        print(f"warm-up  {job.label}: {sample.seconds:.2f} s", file=sys.stderr, flush=True)
    light = sum(job.last.seconds for job in jobs if job.last and not job.heavy)
    heavy = sum(job.last.seconds for job in jobs if job.last and job.heavy)
    least = min(heavy_runs, max(MIN_HEAVY_RUNS, int(budget // heavy) if heavy else heavy_runs))
    print(
        f"warm-up took {warmup:.0f} s; the timed runs should take about {(light * runs + heavy * least) / 60:.1f} min",
        file=sys.stderr,
        flush=True,
    )
    heavy_spent = 0.0
    heavy_done = 0
    for round_number in range(max(runs, heavy_runs)):
        with_heavy = round_number < heavy_runs and (heavy_done < MIN_HEAVY_RUNS or heavy_spent < budget)
        chosen = [job for job in jobs if (with_heavy if job.heavy else round_number < runs)]
        if not chosen:
            break
        shift = round_number % len(chosen)
        started = time.perf_counter()
        for job in chosen[shift:] + chosen[:shift]:
            sample = job.run(cwd, record=True)
            if job.heavy:
                heavy_spent += sample.seconds
        heavy_done += with_heavy
        print(
            f"round {round_number + 1}: {len(chosen)} commands in {time.perf_counter() - started:.1f} s"
            + (", the heavy rows included" if with_heavy else ""),
            file=sys.stderr,
            flush=True,
        )
    light_runs = min(len(job.samples) for job in jobs if not job.heavy)
    return f"{light_runs} runs of the light rows, {heavy_done} of the heavy rows (after one warm-up run each)"


def report(
    the_plan: Plan, info: Mapping[str, str], runs_line: str, events: int, seed: int
) -> tuple[str, bool, list[dict[str, object]]]:
    """The table, whether every target was met, and the rows for --save."""
    jobs = the_plan.jobs
    python_ms = jobs["python"].median_ms
    header = ["#", "row", "median ms", "min-max ms", "x python", "checked", "target", "result", "peak MiB", "note"]
    rows = [header]
    saved: list[dict[str, object]] = []
    all_met = True
    for number, key, target in the_plan.rows:
        job = jobs[key]
        median = job.median_ms
        spread = job.range_ms
        times = "-" if spread is None else f"{_ms(spread[0])}-{_ms(spread[1])}"
        vs_python = f"{median / python_ms:.1f}x" if median is not None and python_ms else "-"
        verdict = judge(target, jobs) if target else Verdict("", "", "ERROR" if job.problems else "")
        notes = list(job.problems)
        if job.failed:
            counted = "the others" if job.good else "all of them"
            notes.insert(0, f"{job.failed} of {len(job.samples)} timed runs failed; times are of {counted}")
        if job.describe and job.last:
            remark = job.describe(job.last)
            if remark:
                notes.append(remark)
        all_met = all_met and verdict.result in ("PASS", "")
        peak = job.peak_mib
        rows.append(
            [
                number,
                job.label,
                _ms(median),
                times,
                vs_python,
                verdict.value,
                verdict.target,
                verdict.result,
                "-" if peak is None else f"{peak:.1f}",
                "; ".join(notes),
            ]
        )
        saved.append(
            {
                "row": number,
                "key": key,
                "label": job.label,
                "runs": len(job.samples),
                "failed_runs": job.failed,
                "median_ms": median,
                "times_ms": [s.seconds * 1000 for s in job.samples],  # failed runs included
                "peak_mib": peak,
                "checked": verdict.value,
                "target": verdict.target,
                "result": verdict.result,
                "notes": notes,
            }
        )
    warm_memory = judge_warm_memory(
        [jobs[key] for key in ("tl_json", "tl_table", "embassy", "complete", "search", "big_tl", "big_search")]
    )
    cold_memory = judge(Target("cold", "yaml", 1.2, memory=True), jobs)
    for number, label, verdict in (
        ("8", "peak memory, rows 1-6 and 10 (warm)", warm_memory),
        ("9", "peak memory, row 7 (files changed)", cold_memory),
    ):
        all_met = all_met and verdict.result == "PASS"
        rows.append([number, label, "", "", "", verdict.value, verdict.target, verdict.result, "", ""])
        saved.append(
            {
                "row": number,
                "label": label,
                "checked": verdict.value,
                "target": verdict.target,
                "result": verdict.result,
            }
        )
    lines = [f"dprkrel benchmark, {info['date']}"]
    lines += [f"  {name}: {value}" for name, value in info.items() if name != "date"]
    lines.append(f"  runs: {runs_line}; medians; rounds interleaved")
    lines.append(
        f"  data: the shipped base (rows 1-4 and 10); with a synthetic {events:,}-event base (rows 5-7: "
        f"{len(the_plan.base)} files, {sum(p.stat().st_size for p in the_plan.base) / 2**20:.1f} MiB, "
        f"bench/make_synthetic.py, seed {seed})"
    )
    lines.append("")
    lines.append(table(rows))
    lines.append("")
    lines.append("All targets met." if all_met else "Some targets are not met (exit status 1).")
    return "\n".join(lines), all_met, saved


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time dprkrel's commands as whole processes against bare Python and PyYAML's C loader.",
        epilog="Exit status: 0 every target met, 1 a target missed or a command failed, 2 the benchmark could not run. "
        "Run it with the Python of the environment dprkrel is installed in: .venv/bin/python bench/run.py",
    )
    parser.add_argument("--runs", type=int, default=10, help="timed runs of the light rows (default 10)")
    parser.add_argument(
        "--heavy-runs",
        type=int,
        default=None,
        help="timed runs of the rows on the synthetic base and of PyYAML (default: --runs, at most 5)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=600.0,
        help=f"stop the heavy rows' runs once they have taken this many seconds, but not before {MIN_HEAVY_RUNS} "
        "runs (default 600)",
    )
    parser.add_argument("--events", type=int, default=100_000, help="events in the synthetic base (default 100000)")
    parser.add_argument("--seed", type=int, default=make_synthetic.DEFAULT_SEED, help="seed of the synthetic base")
    parser.add_argument(
        "--events-per-file",
        type=int,
        default=make_synthetic.EVENTS_PER_FILE,
        metavar="M",
        help="split the synthetic base into files of M events; 0 for one file "
        f"(default {make_synthetic.EVENTS_PER_FILE})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (synthetic base, caches)")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument(
        "--dprkrel",
        metavar="PATH",
        help="the dprkrel console script to time (default: the one next to this Python)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.events < 1:
        parser.error("--runs and --events must be at least 1")
    if args.heavy_runs is None:
        args.heavy_runs = min(args.runs, 5)
    if args.heavy_runs < 1:
        parser.error("--heavy-runs must be at least 1")
    return args


def find_dprkrel(given: str | None) -> str:
    script = Path(given) if given else Path(sys.executable).parent / "dprkrel"
    if not script.is_file():
        raise BenchError(
            f"no dprkrel console script at {script}; run this with the Python of the environment "
            "dprkrel is installed in (.venv/bin/python bench/run.py), or give --dprkrel PATH"
        )
    return str(script)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="dprkrel-bench-"))
    try:
        dprkrel = find_dprkrel(args.dprkrel)
        info = machine()
        the_plan = plan(args, workdir, dprkrel)
        runs_line = measure(the_plan, args.runs, args.heavy_runs, args.budget)
        text, all_met, saved = report(the_plan, info, runs_line, args.events, args.seed)
        print(text, flush=True)
        if args.save:
            payload = {"machine": info, "events": args.events, "seed": args.seed, "runs": runs_line, "rows": saved}
            args.save.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return 0 if all_met else 1
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print("bench: the benchmark itself failed (exit status 2)", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
