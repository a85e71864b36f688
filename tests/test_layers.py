"""The package's layers, as its folders show them: data flows one way, and nothing imports back.

    dprkrel.cli      the command line: reads argv, runs a request, exits
    dprkrel.output   formats a result: tables, CSV, Markdown, JSON text, the chart
    dprkrel.core     answers questions over the fact base; never prints
    dprkrel          the library's API, over the core

Every import between dprkrel's modules is counted, wherever it is written: at the top of a
module, inside a function, or for type checkers only. A module may import one of its own
layer or of a layer below; the import graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "dprkrel"
# The layers from the bottom up; a module may import from its own layer and those before it.
LAYERS = ("dprkrel.core", "dprkrel.output", "dprkrel.cli")
# The package itself: the library's API over the core, and `python -m dprkrel`.
TOP = {"dprkrel": ("dprkrel.core",), "dprkrel.__main__": ("dprkrel.cli",)}


def module_name(path: Path) -> str:
    parts = ["dprkrel", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The dprkrel modules `name` imports, anywhere in its code."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {imported for imported in found if imported in MODULES and imported != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int:
    for index, prefix in enumerate(LAYERS):
        if name == prefix or name.startswith(prefix + "."):
            return index
    raise AssertionError(f"{name} is in no layer")


def test_every_module_is_in_a_layer() -> None:
    for name in MODULES:
        if name not in TOP:
            layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_layer_above_its_own(name: str) -> None:
    if name in TOP:
        allowed = TOP[name]
        wrong = {imported for imported in GRAPH[name] if not imported.startswith(allowed)}
    else:
        wrong = {imported for imported in GRAPH[name] if imported in TOP or layer(imported) > layer(name)}
    assert not wrong, f"{name} imports {sorted(wrong)}, above its layer"


def test_the_import_graph_has_no_cycle() -> None:
    # Depth-first search; a module met again while still on the path closes a cycle.
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for imported in sorted(GRAPH[name]):
            visit(imported)
        path.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)


def test_the_check_sees_lazy_and_type_checking_imports() -> None:
    # The core's command functions import what they use inside themselves, and their
    # signatures' types only for type checkers: both count.
    assert {"dprkrel.core.queries", "dprkrel.core.store"} <= GRAPH["dprkrel.core.commands"]
