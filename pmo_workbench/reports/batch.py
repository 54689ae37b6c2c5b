"""Report rendering: papermill notebooks to self-contained HTML, PDF and the executed notebook.

One report is a :class:`ReportSpec` (which notebook, its parameters, the files
it reads). :func:`render` runs one; :func:`run_batch` runs many in parallel,
skips those whose inputs have not changed, and writes ``index.html``.

How a report is made:

1. the parameters are checked against the notebook's ``parameters`` cell
   (:func:`check_parameters`) before any kernel starts;
2. papermill executes the notebook through its API with an explicit kernel
   name, absolute paths and a per-cell timeout. Kernels are forked from a warm
   template (:mod:`pmo_workbench.reports.kernels`) and use the ``ipc`` transport;
3. the executed notebook is kept beside the report (``<name>.ipynb``); a
   notebook that raised is kept under ``failed/`` and nothing else is written;
4. :func:`export_html` makes one HTML file with the house template from
   ``templates/report/``: no code, no prompts, charts as inline SVG plus the
   vega bundle that lets them become interactive, the logo embedded;
5. :class:`PdfPrinter` prints that HTML to A4 PDF in headless Chromium
   (Playwright), one browser for a whole batch.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from .. import __version__
from .._io import write_text
from ..errors import KernelStartError, PmoWorkbenchError
from ..resources import templates_dir
from .branding import load_branding
from .execute import CELL_TIMEOUT, ReportOutcome, _kernel_config, execute
from .export import add_chart_svgs, export_html, vega_bundle, write_index
from .kernels import KernelTemplate, fork_supported
from .pdf import PdfPrinter
from .records import read_records
from .spec import FORMATS, ReportSpec, check_formats

STATE_FILE = ".pmo-workbench-batch.json"


# --- one report --------------------------------------------------------------------------------

def _render_notebook(spec: ReportSpec, out_dir: Path, work: Path, formats: Sequence[str], kernel_config,
                     vega_js: str | None, cell_timeout: int) -> ReportOutcome:
    """Execute one report and stage its notebook and HTML in ``work`` (PDF is printed by the caller).

    Never raises: any failure becomes a ``"failed"`` outcome.
    """
    started = time.perf_counter()
    try:
        branding = load_branding(spec.branding)
        nb = execute(spec, out_dir, work=work, kernel_config=kernel_config, cell_timeout=cell_timeout)
        charts = add_chart_svgs(nb)
        records = read_records(nb)
        staged: dict[str, str] = {}
        if "ipynb" in formats:
            staged["ipynb"] = str(write_text(work / f"{spec.name}.ipynb", nbformat.writes(nb)))
        if "html" in formats or "pdf" in formats:
            page = export_html(nb, spec, branding=branding, vega_js=vega_js)
            staged["html"] = str(write_text(work / f"{spec.name}.html", page))
    except Exception as exc:  # noqa: BLE001 - one report failing never stops the others
        kept = getattr(exc, "notebook", None)
        return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                             files={"ipynb": kept} if kept else {},
                             error=str(exc) if isinstance(exc, PmoWorkbenchError) else
                             f"{spec.organisation}: {type(exc).__name__}: {exc}",
                             cell=getattr(exc, "cell", None), seconds=time.perf_counter() - started)
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "rendered", staged, records, charts,
                         seconds=time.perf_counter() - started)


def _print_pdf(outcome: ReportOutcome, printer: PdfPrinter, work: Path) -> ReportOutcome:
    """Print the staged HTML of a rendered report to a staged PDF."""
    pdf = work / f"{outcome.name}.pdf"
    try:
        printer.print_pdf(outcome.files["html"], pdf, charts=outcome.charts)
    except Exception as exc:  # noqa: BLE001 - one page failing to print fails that report only
        return replace(outcome, status="failed", files={},
                       error=f"{outcome.organisation}: PDF printing failed: {exc}")
    return replace(outcome, files={**outcome.files, "pdf": str(pdf)})


def _publish(outcome: ReportOutcome, out_dir: Path, formats: Sequence[str]) -> ReportOutcome:
    """Move a report's staged files into place, or withdraw its old files when it failed."""
    if outcome.status != "rendered":
        for fmt in FORMATS:  # a report from earlier inputs must not pass for this run's
            (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
        return outcome
    files = {}
    for fmt in formats:
        target = out_dir / f"{outcome.name}.{fmt}"
        os.replace(outcome.files[fmt], target)
        files[fmt] = str(target)
    for fmt in set(FORMATS) - set(formats):  # formats not asked for this time would be stale
        (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
    (out_dir / "failed" / f"{outcome.name}.ipynb").unlink(missing_ok=True)
    return replace(outcome, files=files)



def render(spec: ReportSpec, out_dir: str | Path, formats: Sequence[str] = ("html", "ipynb"), *,
           cell_timeout: int = CELL_TIMEOUT) -> ReportOutcome:
    """Render one report in this process; a failure is returned as a ``"failed"`` outcome."""
    result = run_batch([spec], out_dir, formats, jobs=1, force=True, cell_timeout=cell_timeout,
                       progress=False, index=False)
    return result.outcomes[0]


# --- batches -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchResult:
    """Every outcome of a batch, and where its index is."""

    outcomes: tuple[ReportOutcome, ...]
    index: Path | None
    seconds: float

    @property
    def failed(self) -> tuple[ReportOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


def _hash_files(paths: Iterable[Path], digest) -> None:
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")


@cache
def _code_fingerprint() -> str:
    """The package's code and its templates (report, instruments, recommendations): a change re-renders all."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    _hash_files(package.glob("*.py"), digest)
    _hash_files((p for p in templates_dir().rglob("*") if p.is_file()), digest)
    return digest.hexdigest()


def fingerprint(spec: ReportSpec, formats: Sequence[str]) -> str:
    """What decides whether a report must be rendered again: notebook, parameters, input files, code."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    digest.update(json.dumps({"spec": asdict(spec), "formats": sorted(formats)}, sort_keys=True,
                             default=str).encode())
    inputs = [spec.notebook_path, *(Path(p) for p in spec.inputs)]
    if spec.branding:
        with contextlib.suppress(PmoWorkbenchError):
            logo = load_branding(spec.branding).logo
            if logo is not None:
                inputs.append(logo)
    _hash_files(inputs, digest)
    return digest.hexdigest()


def _load_state(out_dir: Path) -> dict[str, Any]:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _unchanged(spec: ReportSpec, state: Mapping[str, Any], print_: str, formats: Sequence[str],
               out_dir: Path) -> ReportOutcome | None:
    entry = state.get(spec.name)
    if not isinstance(entry, dict) or entry.get("fingerprint") != print_ or entry.get("status") != "rendered":
        return None
    files = {fmt: out_dir / f"{spec.name}.{fmt}" for fmt in formats}
    if sorted(entry.get("formats", [])) != sorted(formats) or not all(p.is_file() for p in files.values()):
        return None
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "unchanged",
                         {fmt: str(p) for fmt, p in files.items()}, entry.get("records", {}),
                         entry.get("charts", 0), fingerprint=print_)


@contextlib.contextmanager
def _locked(out_dir: Path):
    """Hold the output folder for one batch at a time (a second batch into it waits)."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with open(out_dir / ".pmo-workbench.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pool_context():
    """``forkserver`` where it exists: workers forked from a clean server that imported the engine once.

    Plain ``fork`` from the caller is unsafe when the caller runs threads (zmq's,
    a notebook's); ``spawn`` (the fallback) re-imports everything per worker.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pmo_workbench.reports.worker"])
    return context


def _worker_init() -> None:
    from .._imports import skip_slow_optional_imports

    skip_slow_optional_imports()


def _worker_render(spec: ReportSpec, out_dir: Path, work: Path, formats: tuple[str, ...], cell_timeout: int,
                   template_socket: str | None, ipc_dir: str | None, vega_js: str) -> ReportOutcome:
    config = _kernel_config(template_socket, ipc_dir)
    return _render_notebook(spec, out_dir, work, formats, config, vega_js, cell_timeout)


def _unique_names(specs: Sequence[ReportSpec]) -> list[ReportSpec]:
    """Give every report its own file name: a repeated name gets ``-2``, ``-3``... (never one already used)."""
    taken = {spec.name for spec in specs}
    seen: set[str] = set()
    out = []
    for spec in specs:
        name, n = spec.name, 1
        while name in seen or (n > 1 and name in taken):
            n += 1
            name = f"{spec.name}-{n}"
        seen.add(name)
        out.append(spec if name == spec.name else replace(spec, name=name))
    return out


def run_batch(
    specs: Sequence[ReportSpec],
    out_dir: str | Path,
    formats: Sequence[str] = ("html", "ipynb"),
    *,
    jobs: int | None = None,
    force: bool = False,
    cell_timeout: int = CELL_TIMEOUT,
    progress: bool = True,
    index: bool = True,
    on_outcome: Callable[[ReportOutcome], None] | None = None,
) -> BatchResult:
    """Render many reports, ``jobs`` at a time; a failed report never stops the others.

    Reports whose fingerprint (notebook, parameters, input files, code) matches
    the last run's and whose files still exist are skipped unless ``force``.
    Each report's files are staged and moved into ``out_dir`` only when all its
    formats are done; a failed report's old files are removed. Writes
    ``index.html`` (when ``index``) and a state file in ``out_dir``; a second
    batch into the same folder waits for the first.

    Raises
    ------
    PdfUnavailableError
        Before anything runs, when PDF is asked for and Chromium is missing.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    formats = check_formats(formats)
    specs = _unique_names(specs)
    jobs = max(1, jobs or os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        state = _load_state(out_dir)
        outcomes: dict[str, ReportOutcome] = {}
        todo: list[tuple[ReportSpec, str]] = []
        for spec in specs:
            print_ = fingerprint(spec, formats)
            skipped = None if force else _unchanged(spec, state, print_, formats, out_dir)
            if skipped is not None:
                outcomes[spec.name] = skipped
            else:
                todo.append((spec, print_))
        work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir))
        try:
            _render_all(todo, outcomes, out_dir, work, formats, jobs, cell_timeout, progress, len(specs),
                        on_outcome)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        ordered = tuple(outcomes[s.name] for s in specs)
        _save_state(out_dir, state, ordered, formats)
        index_path = write_index(out_dir, ordered) if index else None
    return BatchResult(ordered, index_path, time.perf_counter() - started)


def _render_all(todo, outcomes, out_dir, work, formats, jobs, cell_timeout, progress, total, on_outcome) -> None:
    parallel = jobs > 1 and len(todo) > 1
    with contextlib.ExitStack() as stack:
        if parallel:
            # Workers first, so that they start beside the kernel template (see _pool_context).
            pool = stack.enter_context(_pool(min(jobs, len(todo))))
        printer = stack.enter_context(PdfPrinter()) if "pdf" in formats and todo else None
        template = None
        if todo and fork_supported():
            template = KernelTemplate()
            stack.callback(template.close)
            template.start()
        bar = stack.enter_context(_progress(total, progress))
        bar.advance(len(outcomes))

        def finish(spec: ReportSpec, print_: str, outcome: ReportOutcome) -> None:
            if printer is not None and outcome.status == "rendered":
                outcome = _print_pdf(outcome, printer, work)
            outcome = _publish(outcome, out_dir, formats)
            outcome = replace(outcome, fingerprint=print_ if outcome.status == "rendered" else None)
            outcomes[spec.name] = outcome
            bar.advance(1)
            if on_outcome is not None:
                on_outcome(outcome)

        vega_js = vega_bundle() if todo and ("html" in formats or "pdf" in formats) else ""
        if template is not None:
            try:
                template.wait_ready()
            except KernelStartError:
                template.close()
                template = None  # ordinary kernels: slower, same reports
        socket_path = template.socket_path if template else None
        ipc_dir = str(template.ipc_dir) if template else None
        if not parallel:
            config = _kernel_config(socket_path, ipc_dir)
            for spec, print_ in todo:
                finish(spec, print_, _render_notebook(spec, out_dir, work, formats, config, vega_js, cell_timeout))
            return
        pending = list(todo)
        for attempt in range(2):
            futures = {pool.submit(_worker_render, spec, out_dir, work, formats, cell_timeout, socket_path, ipc_dir,
                                   vega_js): (spec, print_)
                       for spec, print_ in pending}
            broken = []
            for future in cf.as_completed(futures):
                spec, print_ = futures[future]
                try:
                    outcome = future.result()
                except cf.process.BrokenProcessPool as exc:
                    if attempt == 0:  # a worker died: every pending report lost its pool; try those again
                        broken.append((spec, print_))
                        continue
                    outcome = _lost(spec, exc)
                except Exception as exc:  # noqa: BLE001 - fails this report only
                    outcome = _lost(spec, exc)
                finish(spec, print_, outcome)
            if not broken:
                return
            pool.shutdown(wait=False, cancel_futures=True)
            pool = stack.enter_context(_pool(min(jobs, len(broken))))
            pending = broken


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_worker_init)
    for _ in range(workers):
        pool.submit(int)  # start the workers now
    return pool


def _lost(spec: ReportSpec, exc: BaseException) -> ReportOutcome:
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                         error=f"{spec.organisation}: {type(exc).__name__}: {exc}")


def _save_state(out_dir: Path, state: dict[str, Any], outcomes: Sequence[ReportOutcome],
                formats: Sequence[str]) -> None:
    for o in outcomes:
        state[o.name] = {"fingerprint": o.fingerprint, "status": "rendered" if o.status != "failed" else "failed",
                         "formats": sorted(formats), "records": dict(o.records), "charts": o.charts}
    write_text(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def advance(self, n: int) -> None:
        pass


@contextlib.contextmanager
def _progress(total: int, enabled: bool):
    if not enabled:
        yield _NoBar()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("reports", total=total)

        class _Bar:
            def advance(self, n: int) -> None:
                bar.advance(task, n)

        yield _Bar()
