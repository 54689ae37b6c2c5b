"""The LP relaxation in a child process (``python -m pmo_workbench.portfolio._relax FOLDER``), so that the
parent can stop it at its time limit: see :func:`pmo_workbench.portfolio.selection._linprog`.

Reads ``a.npz`` (the constraint matrix) and ``in.npz`` (``c``, ``b``, ``bounds``, ``seconds``) from FOLDER and
writes ``out.npz`` (``status``, ``fun``, ``x``, ``duals``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import linprog


def main(folder: Path) -> None:
    """Solve the LP found in ``folder`` and write its answer there."""
    matrix = sparse.load_npz(folder / "a.npz")
    with np.load(folder / "in.npz") as given:
        c, b, bounds, seconds = given["c"], given["b"], given["bounds"], float(given["seconds"])
    result = linprog(c, A_ub=matrix, b_ub=b, bounds=bounds, method="highs",
                     options={"presolve": True, "time_limit": seconds})
    solved = result.status == 0
    np.savez(folder / "partial.npz", status=result.status, fun=result.fun if solved else np.nan,
             x=result.x if solved else np.zeros(0), duals=result.ineqlin.marginals if solved else np.zeros(0))
    (folder / "partial.npz").rename(folder / "out.npz")   # whole or not at all


if __name__ == "__main__":
    main(Path(sys.argv[1]))
