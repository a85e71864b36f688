"""Shared fixtures: where things are, and the shipped fact base loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dprkrel.core import model
from dprkrel.core.paths import builtin_fact_path, builtin_fact_paths
from dprkrel.core.reading import load
from dprkrel.core.store import FactBase

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _no_user_fact_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own DPRKREL_DATA must not leak into the tests."""
    monkeypatch.delenv("DPRKREL_DATA", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled fact bases go to a directory of the test run's own, never the user's cache.

    Session-scoped, so that it is in place before the session's own fixtures (the shipped
    base) compile anything: a function-scoped one would be set up after them.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DPRKREL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The top of the source tree (where pyproject.toml is)."""
    return TESTS_DIR.parent


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """tests/data: small fact files made for the tests."""
    return TESTS_DIR / "data"


@pytest.fixture(scope="session")
def builtin_path() -> Path:
    """The shipped fact base, as the package finds it."""
    return Path(builtin_fact_path())


@pytest.fixture(scope="session")
def shipped_base() -> FactBase:
    """The shipped fact base, loaded once for the whole run (records are immutable)."""
    return load(builtin_fact_paths())


@pytest.fixture(scope="session")
def shipped_records(shipped_base: FactBase) -> list[model.Record]:
    """Every record of the shipped base, in file order."""
    return list(shipped_base.at(range(sum(shipped_base.counts().values()))).values())


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed only: CliRunner builds the click command from the Typer app on every invoke;
    this builds it once. Without typer's private name, runs are only slower."""
    import typer.main
    import typer.testing

    from dprkrel.cli.app import app

    real_get_command = vars(typer.testing).get("_get_command")
    if real_get_command is None:
        return
    click_app = _click_app(app)
    monkeypatch.setattr(
        typer.testing,
        "_get_command",
        lambda typer_app: click_app if typer_app is app else real_get_command(typer_app),
    )


_CLICK_APPS: dict[int, object] = {}


def _click_app(app: object) -> object:
    import typer.main

    if id(app) not in _CLICK_APPS:
        _CLICK_APPS[id(app)] = typer.main.get_command(app)  # type: ignore[arg-type]
    return _CLICK_APPS[id(app)]
