"""The wheel carries the web app's templates and static files (the app finds them beside its modules)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "pmo_workbench" / "web"


@pytest.mark.slow
def test_the_wheel_carries_every_template_and_static_file(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("pmo_workbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"pmo_workbench/web/{p.relative_to(WEB).as_posix()}" for folder in ("templates", "static")
              for p in (WEB / folder).rglob("*") if p.is_file()}
    assert {"pmo_workbench/web/templates/page.html", "pmo_workbench/web/static/style.css"} <= wanted
    assert wanted <= names, sorted(wanted - names)
