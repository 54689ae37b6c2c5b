"""Packaging: conda environment in step with pyproject; the wheel works without the source tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_environment_yml_lists_every_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    missing = {_name(d) for d in project["dependencies"]} - conda
    assert not missing, f"add to environment.yml: {sorted(missing)}"
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert any(p.startswith("-e .") for p in pip_part), "environment.yml must install the package itself"


@pytest.mark.slow
def test_wheel_installs_and_works_without_the_source_tree(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("pmo_workbench-*.whl")
    # A fresh environment that borrows the already-installed third-party packages
    # (not their .pth hooks, so not the editable install of this project).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import pmo_workbench, pmo_workbench.resources as r; "
                            "print(pmo_workbench.__file__); print(r.templates_dir())"],
                           cwd=work, check=True, capture_output=True, text=True).stdout
    assert str(env_dir) in where.splitlines()[0] and "_data" in where.splitlines()[1]
    # The borrowed packages' data files (nbconvert's templates, the kernel spec) live under this
    # environment's share/jupyter, as they would under the new one had pip installed them there.
    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    # A report, a portfolio analysis of a sample workbook and a new store prove the wheel carries its notebooks,
    # templates, sample data and migrations (the demo as a whole is tested from the source tree).
    exe = str(env_dir / "bin" / "pmo-workbench")
    examples = Path(where.splitlines()[1]).parent / "examples"
    runs = [
        [exe, "report", "positioning", "--responses", str(examples / "pmo_responses.csv"),
         "--organisation", "Vantellis Insurance Group", "--out", "reports", "--format", "html"],
        [exe, "portfolio", str(examples / "portfolios" / "stellbrook-pharmaceuticals.xlsx"),
         "--as-of", "2026-09-30"],
        [exe, "store", "init", "--db", "w.db"],
    ]
    for command in runs:
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    page = (work / "reports" / "vantellis-insurance-group-positioning.html").read_text(encoding="utf-8")
    assert "Vantellis Insurance Group" in page


def test_importing_the_package_imports_no_pandas_so_the_command_handles_an_early_ctrl_c():
    """The console script imports the package before its own Ctrl-C handling runs: that import must be quick
    (names load on first use), so that a Ctrl-C in the command's first second is ``interrupted``, not a traceback
    from the middle of pandas."""
    code = ("import sys, pmo_workbench as pw; assert 'pandas' not in sys.modules, 'pandas imported'; "
            "print(pw.assess.__module__, pw.PmoWorkbenchError.__name__, pw.examples_dir().name)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["pmo_workbench.assessment.results", "PmoWorkbenchError", "examples"]
