"""What a batch's worker processes load before their first report.

The batch pool uses multiprocessing's ``forkserver``: one clean server process
imports this module once, then forks each worker from it, so workers start at
once with the report engine imported, and are never forked from a caller that
may be running threads (a notebook, a test runner). Importing this module is
its purpose: it leaves out the slow optional import described in
the package root, then loads the engine. In the forkserver a batch started, it
first asks to die with the batch (Linux): a batch killed outright never leaves
its forkserver behind.
"""

from __future__ import annotations

import os

from .. import _skip_slow_optional_imports

if os.environ.get("PMO_WORKBENCH_FORKSERVER_PARENT") == str(os.getppid()):  # the batch's forkserver: see executors
    from .kernels import _die_with_parent

    _die_with_parent()  # its workers die with it in turn; without PR_SET_PDEATHSIG, they leave by their lifeline

_skip_slow_optional_imports()

from . import batch  # noqa: E402,F401 - loaded here, once, for every worker forked afterwards
