"""The benchmark's tools work: a valid, proportionate, deterministic synthetic base; a runnable runner.

Nothing here times anything: bench/run.py does that, by hand.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DPRKREL = Path(sys.executable).parent / ("dprkrel.exe" if os.name == "nt" else "dprkrel")
SHIPPED_REFS = {"prk", "esp", "madrid", "pyongyang"}


def _module(name: str) -> ModuleType:
    """bench/NAME.py, imported as `make_synthetic` (as run.py imports it) or `bench_NAME`."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # run.py imports make_synthetic as its neighbour
    if name != "make_synthetic":
        name = f"bench_{name}"
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name.removeprefix('bench_')}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


synthetic = _module("make_synthetic")


def _load_yaml(path: Path) -> Any:
    import yaml

    with path.open(encoding="utf-8") as file:
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _dprkrel(*args: str | Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DPRKREL_DATA"}
    env |= {"DPRKREL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    return subprocess.run(
        [str(DPRKREL), *map(str, args)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _counts(line: str) -> dict[str, int]:
    """{"sources": 3, ...} from validate's "valid: 3 sources, 44 entities, ... in 2 files"."""
    body = line.removeprefix("valid: ").rsplit(" in ", 1)[0]
    counts = {}
    for part in body.split(", "):
        number, kind = part.split(" ", 1)
        counts[kind] = int(number)
    return counts


_PLURALS = {"source": "sources", "entity": "entities", "event": "events", "mission": "missions"}
_PLURALS |= {"advisory": "advisories", "aid": "aid", "policy": "policies", "sanction": "sanctions"}
_PLURALS |= {"statement": "statements"}


def _by_section(counts: dict[str, int]) -> dict[str, int]:
    return {_PLURALS.get(kind, kind): number for kind, number in counts.items()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A 2,000-event base (10 countries): its path and what it counts."""
    path = tmp_path_factory.mktemp("bench") / "synthetic.yaml"
    counts, paths = synthetic.write(path, 2000, per_file=0)
    assert paths == [path]
    return path, counts


def test_the_synthetic_base_validates_with_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.yaml"
    counts, paths = synthetic.write(path, 300, per_file=100)
    assert [p.name for p in paths] == ["synthetic.yaml", "synthetic.part2.yaml", "synthetic.part3.yaml"]
    merged = _dprkrel(*[arg for p in paths for arg in ("--data", p)], "validate", tmp_path=tmp_path)
    assert merged.returncode == 0, merged.stderr
    shipped = _dprkrel("validate", tmp_path=tmp_path)
    assert shipped.returncode == 0, shipped.stderr
    # validate counts the shipped base and the synthetic one together.
    together, alone = _by_section(_counts(merged.stdout.strip())), _by_section(_counts(shipped.stdout.strip()))
    added = {kind: together[kind] - alone.get(kind, 0) for kind in together}
    # Kinds the synthetic base writes none of (relations, listings) add nothing.
    assert {kind: n for kind, n in added.items() if n} == {kind: n for kind, n in counts.records().items() if n}


def test_the_records_are_in_the_documented_proportions(small: tuple[Path, Any]) -> None:
    path, counts = small
    data = _load_yaml(path)
    assert {section: len(data[section]) for section in counts.records()} == counts.records()
    countries = [e for e in data["entities"] if e["entity_kind"] == "country"]
    c = len(countries)
    assert c == synthetic.country_count(2000) == 10
    assert counts.countries == c and counts.events == 2000
    assert sum(e["entity_kind"] == "city" for e in data["entities"]) == c
    assert 2 * c <= sum(e["entity_kind"] == "person" for e in data["entities"]) <= 3 * c
    assert c <= len(data["missions"]) <= 2 * c
    indices = range(c)
    assert len(data["advisories"]) == sum(i % 10 == 0 for i in indices)
    assert len(data["aid"]) == sum(i % 5 == 0 for i in indices)
    assert len(data["policies"]) == sum(i % 5 == 2 for i in indices)
    assert len(data["sanctions"]) == sum(i % 10 == 5 for i in indices)
    assert len(data["statements"]) == sum(i % 4 == 3 for i in indices)
    assert len(data["sources"]) == synthetic.source_count(2000) == 1
    # The documented scale: 100,000 events bring 500 countries and 5 sources.
    assert synthetic.country_count(100_000) == 500
    assert synthetic.source_count(100_000) == 5
    assert synthetic.country_count(1) == 1


def test_some_missions_and_events_are_disputed(small: tuple[Path, Any]) -> None:
    path, counts = small
    data = _load_yaml(path)
    disputed = [m for m in data["missions"] if isinstance(m.get("opened"), list)]
    assert len(disputed) == counts.disputed_missions > 0
    for mission in disputed:
        values = {claim["value"] for claim in mission["opened"]}
        assert len(mission["opened"]) == 2 and len(values) == 2  # a conflict, not two agreeing claims
    assert any(m.get("closed") for m in data["missions"])
    assert sum(isinstance(e["date"], list) for e in data["events"]) == counts.disputed_events == 2000 // 50
    precisions = {len(e["date"]) for e in data["events"] if isinstance(e["date"], str)}
    assert precisions == {4, 7, 10}  # year, month and day


def test_ids_are_prefixed_and_refer_to_the_shipped_base(small: tuple[Path, Any], builtin_path: Path) -> None:
    path, counts = small
    data = _load_yaml(path)
    shipped = _load_yaml(builtin_path)
    shipped_ids = {record["id"] for section in shipped.values() if isinstance(section, list) for record in section}
    ids = [record["id"] for section in data.values() if isinstance(section, list) for record in section]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(synthetic.ID_PREFIX) for i in ids)
    assert not set(ids) & shipped_ids
    referred = {ref for event in data["events"] for ref in event.get("actors", []) + event.get("places", [])}
    assert SHIPPED_REFS.issubset(referred | {m["city"] for m in data["missions"]})
    esp_events = [e for e in data["events"] if "esp" in e.get("actors", [])]
    assert len(esp_events) == counts.esp_events == 1  # a few more for `timeline spain`, not thousands


def test_the_output_depends_only_on_size_and_seed() -> None:
    def texts(events: int, seed: int, parts: int = 1) -> list[str]:
        outs = [io.StringIO() for _ in range(parts)]
        synthetic.generate(outs, events, seed)
        return [out.getvalue() for out in outs]

    (first,) = texts(300, 7)
    assert [first] == texts(300, 7)
    assert [first] != texts(300, 8)
    # Split in parts, the same events in the same order.
    split = texts(300, 7, parts=3)
    assert all(part.count("  - id: syn-ev-") == 100 for part in split)
    assert _events(first) == [event for part in split for event in _events(part)]
    assert "á" in first or "é" in first or "ñ" in first  # Spanish-looking names
    assert any("\uac00" <= char <= "\ud7a3" for char in first)  # Korean names


def _events(text: str) -> list[str]:
    return [event.strip() for event in text[text.index("\nevents:\n") :].split("\n  - id: ")[1:]]


def test_a_change_gives_every_file_new_facts(tmp_path: Path) -> None:
    run = _module("run")
    _counts, paths = synthetic.write(tmp_path / "synthetic.yaml", 60, per_file=30)
    changing = run.ChangingFiles(paths, tmp_path / "copies")
    changing.change()
    first = [path.read_text(encoding="utf-8") for path in changing.paths]
    changing.change()
    second = [path.read_text(encoding="utf-8") for path in changing.paths]
    for part, (original, before, after) in enumerate(zip(paths, first, second, strict=True), start=1):
        assert before != after and after.startswith(original.read_text(encoding="utf-8"))
        assert synthetic.change_summary(changing.marker, part) in after
    data = [arg for path in changing.paths for arg in ("--data", path)]
    result = _dprkrel(*data, "timeline", "spain", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert changing.check(run.Sample(0.1, 1, 0, result.stdout.encode(), b"")) is None
    changing.change()  # the output above is now stale
    assert "stale" in changing.check(run.Sample(0.1, 1, 0, result.stdout.encode(), b""))


def test_run_process_reports_the_childs_own_peak_memory() -> None:
    # In a fresh process that has used 128 MiB and freed it: with vfork (as subprocess does),
    # Linux would count that peak in every child's ru_maxrss.
    script = f"""
import os, sys
sys.path.insert(0, {str(BENCH)!r})
import run
used = bytearray(128 * 2**20)
used[::4096] = b"x" * len(used[::4096])
del used
small = run.run_process([sys.executable, "-c", "pass"], os.environ, run.Path.cwd())
big = run.run_process([sys.executable, "-c", "b = bytearray(64 * 2**20); b[::4096] = b'x' * (len(b) // 4096)"],
                      os.environ, run.Path.cwd())
print(small.max_rss_kib, big.max_rss_kib, small.returncode, big.returncode)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    small, big, *codes = map(int, result.stdout.split())
    assert codes == [0, 0]
    assert small < 64 * 1024, "the child's peak includes the parent's"
    assert big - small > 50 * 1024


def test_make_synthetic_prints_the_files_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "base.yaml"
    command = [sys.executable, str(BENCH / "make_synthetic.py"), "25", str(out), "--events-per-file", "10"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert paths == [out, tmp_path / "base.part2.yaml", tmp_path / "base.part3.yaml"]
    assert all(path.is_file() for path in paths)
    assert "25 events" in result.stderr


def test_run_help() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    for option in ("--runs", "--heavy-runs", "--events", "--keep", "--budget", "Exit status"):
        assert option in result.stdout
