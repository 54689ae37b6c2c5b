"""The layout the README's architecture section describes: small modules, a short root, the earlier module paths
kept for one release with a warning, and notebooks on the current paths."""

from __future__ import annotations

import importlib
import json
import re
import warnings
from pathlib import Path

import pytest

import pmo_workbench

PACKAGE = Path(pmo_workbench.__file__).resolve().parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
LEGACY = {
    "instrument": "pmo_workbench.assessment.instrument", "responses": "pmo_workbench.assessment.responses",
    "intake": "pmo_workbench.assessment.intake", "scoring": "pmo_workbench.assessment.scoring",
    "positioning": "pmo_workbench.assessment.positioning",
    "recommendations": "pmo_workbench.assessment.recommendations",
    "insights": "pmo_workbench.assessment.insights", "portfolio_charts": "pmo_workbench.charts.portfolio",
    "display": "pmo_workbench.notebook.show", "widgets": "pmo_workbench.notebook.form",
    "picker": "pmo_workbench.notebook.picker",
}


def test_no_module_is_over_600_lines_and_the_root_holds_at_most_10():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
    assert len(list(PACKAGE.glob("*.py"))) <= 10


@pytest.mark.parametrize("old, new", sorted(LEGACY.items()))
def test_earlier_module_paths_still_import_with_a_deprecation_warning(old, new):
    importlib.import_module(new)
    import sys

    sys.modules.pop(f"pmo_workbench.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"pmo_workbench.{old} is deprecated; import from {new}"):
        module = importlib.import_module(f"pmo_workbench.{old}")
    current = importlib.import_module(new)
    public = [n for n in getattr(current, "__all__", dir(current)) if not n.startswith("_")]
    assert public and all(getattr(module, n) is getattr(current, n) for n in public)


def test_the_public_namespaces_load_on_first_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        assert pmo_workbench.show.record and pmo_workbench.charts.dimension_scores
        assert pmo_workbench.insights.summary_sentence and pmo_workbench.portfolio.analyse_portfolio
    with pytest.raises(AttributeError):
        pmo_workbench.no_such_namespace  # noqa: B018


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebooks_use_the_current_module_paths(notebook):
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    old = "|".join(LEGACY)
    assert not re.search(rf"pmo_workbench\.({old})\b|from pmo_workbench import .*\b({old})\b", code)
