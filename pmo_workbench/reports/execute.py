"""Executing one report notebook with papermill, in a kernel forked from the warm template."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FileError, KernelStartError, ReportError, ReportParameterError
from .kernels import ForkingKernelManager
from .records import DEFER_SVG_ENV
from .spec import ReportSpec, check_parameters

KERNEL_NAME = "python3"
CELL_TIMEOUT = 600  # seconds per cell
START_TIMEOUT = 120  # seconds for a kernel to start


# --- execution ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportOutcome:
    """What became of one report.

    ``status`` is ``"rendered"``, ``"unchanged"`` (skipped: same inputs as the
    files on disk) or ``"failed"``; ``files`` maps a format to its path;
    ``environment`` is true when a failure was the machine's (a full disk, a
    permission, a kernel that could not start) rather than the report's.
    """

    name: str
    report: str
    organisation: str
    pmo: str | None
    status: str
    files: Mapping[str, str] = field(default_factory=dict)
    records: Mapping[str, Any] = field(default_factory=dict)
    charts: int = 0
    error: str | None = None
    cell: int | None = None
    fingerprint: str | None = None
    seconds: float = 0.0
    environment: bool = False
    kept: tuple[str, ...] = ()
    """Files a consultant had edited since the batch wrote them, kept under a new name instead of replaced."""


def _kernel_config(template_socket: str | None = None, ipc_dir: str | None = None):
    """Kernel manager settings: forked from the template at ``template_socket``, or ordinary kernels."""
    from traitlets.config import Config

    # A report's kernel is stopped at once when its last cell is done: the executed notebook is complete by then,
    # and a polite shutdown waits a tenth of a second for the kernel to end its loop.
    return Config({"ForkingKernelManager": {"template_socket": template_socket or "",
                                            "ipc_dir": ipc_dir or tempfile.gettempdir()},
                   "NotebookClient": {"shutdown_kernel": "immediate"}})


def execute(spec: ReportSpec, out_dir: Path, *, work: Path | None = None, kernel_config=None,
            cell_timeout: int = CELL_TIMEOUT):
    """Execute the spec's notebook; return the executed notebook or raise :class:`ReportError`.

    A notebook that raised is kept as ``failed/<name>.ipynb`` under ``out_dir``.
    When the kernel template cannot fork a kernel, an ordinary kernel is used.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb_path = spec.notebook_path
    check_parameters(nb_path, spec.parameters)
    work = work or out_dir
    scratch = work / f"{spec.name}.{os.getpid()}.run.ipynb"
    source = _in_language(nb_path, spec.parameters.get("language"))
    configs = [kernel_config or _kernel_config()]
    if configs[0].ForkingKernelManager.get("template_socket"):
        configs.append(_kernel_config())
    os.environ[DEFER_SVG_ENV] = "1"
    try:
        for attempt, config in enumerate(configs):
            try:
                nb = papermill.execute_notebook(
                    source, str(scratch), parameters=dict(spec.parameters), kernel_name=KERNEL_NAME,
                    cwd=str(out_dir), progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    execution_timeout=cell_timeout, start_timeout=START_TIMEOUT,
                    kernel_manager_class=ForkingKernelManager, config=config,
                )
                break
            except KernelStartError:
                if attempt + 1 == len(configs):
                    raise
    except PapermillExecutionError as exc:
        kept = _keep_failed(scratch, out_dir, spec.name)
        first_line = (exc.source or "").strip().splitlines()[:1]
        raise ReportError(
            f"{spec.organisation}: {spec.report} report failed in cell {exc.cell_index}"
            f"{' (' + first_line[0][:80] + ')' if first_line else ''}: {exc.ename}: {exc.evalue}",
            spec.organisation, exc.cell_index, exc.ename, exc.evalue, kept,
        ) from None
    except ReportParameterError:
        raise
    except OSError as exc:  # papermill could not write the executed notebook: the machine's fault
        raise FileError.from_os_error("write", scratch, exc) from None
    except Exception as exc:  # kernel died, timed out, could not start
        kept = _keep_failed(scratch, out_dir, spec.name)
        raise ReportError(f"{spec.organisation}: {spec.report} report failed: {type(exc).__name__}: {exc}",
                          spec.organisation, None, type(exc).__name__, str(exc), kept) from None
    finally:
        os.environ.pop(DEFER_SVG_ENV, None)
    scratch.unlink(missing_ok=True)
    return nb


def _in_language(nb_path: Path, language: str | None):
    """The notebook to run: its path, or for a report in another language than English, the notebook read with
    its markdown cells translated (:func:`pmo_workbench.i18n.translate_notebook`)."""
    from ..i18n import DEFAULT_LANGUAGE, check_language, translate_notebook

    try:
        code = check_language(language)
    except ValueError as exc:
        raise ReportParameterError(f"{nb_path.name}: language: {exc}") from None
    if code == DEFAULT_LANGUAGE:
        return str(nb_path)
    import nbformat

    return translate_notebook(nbformat.read(nb_path, as_version=4), code)


def _keep_failed(scratch: Path, out_dir: Path, name: str) -> str | None:
    if not scratch.exists():
        return None
    target = out_dir / "failed" / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(scratch, target)
    return str(target)
