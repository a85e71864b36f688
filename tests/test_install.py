"""An installed wheel works on its own: away from the source tree, with its fact base inside.

The test builds a wheel of this tree and installs it, without dependencies, into a fresh
virtual environment. Its dependencies come from the environment running the tests: a
.pth file adds that environment's site-packages *after* the fresh one's. A path named in a
.pth file is not scanned for .pth files itself, so the editable install's own
_editable_impl_dprkrel.pth (which points at src/) is never read, and the fresh site-packages,
which comes first, is where `dprkrel` is imported from. The test checks that it is.
That keeps the test offline and quick (no download of typer, rich, pyyaml, rapidfuzz).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dprkrel.cli.app import app

REPO = Path(__file__).resolve().parent.parent


def command(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No variable that would point Python or dprkrel back at the source tree.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "DPRKREL_DATA"}}
    env["PYTHONNOUSERSITE"] = "1"
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False
    )


def build_wheel(out: Path) -> Path:
    args: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out]
    if importlib.util.find_spec("hatchling") is not None:
        # The build backend is here already: no need to fetch it into an isolated build env.
        args.append("--no-build-isolation")
    result = command(*args, REPO, cwd=out)
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("dprkrel-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the fresh venv's bin directory, the wheel) with dprkrel installed from the wheel."""
    root = tmp_path_factory.mktemp("install")
    wheel = build_wheel(root)
    venv = root / "venv"
    result = command(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    assert result.returncode == 0, result.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    # pip of the running environment installs into the fresh one (pip >= 22.3).
    result = command(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=root
    )
    assert result.returncode == 0, result.stderr
    site = command(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root)
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "_dependencies_from_tests.pth").write_text("\n".join(sorted(ours)) + "\n")
    return bin_dir, wheel


def test_the_wheel_carries_the_fact_base(installed: tuple[Path, Path]) -> None:
    _, wheel = installed
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("dprkrel/data/facts.yaml") == (REPO / "data" / "facts.yaml").read_bytes()
        assert "dprkrel/cli/app.py" in archive.namelist()


def test_the_installed_package_is_the_wheels(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir, _ = installed
    venv = bin_dir.parent
    code = "import dprkrel, dprkrel.core.paths; print(dprkrel.__file__); print(dprkrel.core.paths.builtin_fact_path())"
    result = command(bin_dir / "python", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module, facts = (Path(line) for line in result.stdout.splitlines())
    assert module.is_relative_to(venv), f"dprkrel was imported from {module}, not from the fresh venv"
    assert facts.is_relative_to(venv), f"the fact base is read from {facts}"
    assert not facts.is_relative_to(REPO)


def test_the_console_script_validates_from_another_directory(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir, _ = installed
    in_tree = CliRunner().invoke(app, ["validate"])
    assert in_tree.exit_code == 0
    result = command(bin_dir / "dprkrel", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == in_tree.stdout
    assert result.stderr == ""


def test_python_m_dprkrel_runs_and_reports_bad_data(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir, _ = installed
    bad = tmp_path / "bad.yaml"
    bad.write_text("events: {}\n", encoding="utf-8")
    result = command(bin_dir / "python", "-m", "dprkrel", "validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "bad.yaml:1:9: the section 'events' must be a list, not a mapping"
    assert "Traceback" not in result.stderr


def test_the_installed_version(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir, wheel = installed
    result = command(bin_dir / "dprkrel", "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"dprkrel {wheel.name.split('-')[1]}\n"
