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
   (Playwright), one browser for a whole batch;
6. :func:`~pmo_workbench.reports.document.write_docx` makes the Word document
   (``--format docx``) from the same executed notebook.

Where the reports of a batch run is an executor's business
(:mod:`pmo_workbench.reports.executors`): this machine's process pool, or a
Dask cluster (:mod:`pmo_workbench.reports.cluster`). Skipping, PDF printing,
publication, the saved state and the index are done here, the same for both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
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
from ..errors import FileError, KernelStartError, PmoWorkbenchError, ReportParameterError
from ..resources import templates_dir
from .branding import load_branding
from .deck import write_deck
from .document import write_docx
from .execute import CELL_TIMEOUT, ReportOutcome, _kernel_config, execute
from .executors import Executor, RenderJob, executor_for
from .export import add_chart_svgs, export_html, vega_bundle, write_index
from .kernels import KernelTemplate, fork_supported
from .pdf import PdfPrinter
from .publish import LOCK_FILE, entry_of, load_state, migrate_legacy_state, publish, reserved_name, save_entry
from ..i18n import use_language
from .records import read_records, report_language
from .shared import shared_inputs
from .spec import FORMATS, ReportSpec, check_formats, report_title



# --- one report --------------------------------------------------------------------------------

def _render_notebook(spec: ReportSpec, out_dir: Path, work: Path, formats: Sequence[str], kernel_config,
                     vega_js: str | None, cell_timeout: int) -> ReportOutcome:
    """Execute one report and stage its notebook, HTML and Word files in ``work`` (PDF is printed by the caller).

    Never raises: any failure becomes a ``"failed"`` outcome.
    """
    started = time.perf_counter()
    try:
        if spec.problem:
            raise PmoWorkbenchError(f"{spec.organisation}: {spec.problem}")
        branding = load_branding(spec.branding)
        nb = execute(spec, out_dir, work=work, kernel_config=kernel_config, cell_timeout=cell_timeout)
        with report_language(spec.parameters.get("language"), records := read_records(nb)):
            charts = add_chart_svgs(nb)
            staged = _stage(nb, spec, work, formats, branding, vega_js)
    except Exception as exc:  # noqa: BLE001 - one report failing never stops the others
        kept = getattr(exc, "notebook", None)
        error = FileError.from_os_error("write", work, exc) if isinstance(exc, OSError) else exc
        return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                             files={"ipynb": kept} if kept else {},
                             error=f"{spec.organisation}: {error}" if isinstance(error, FileError) else
                             str(error) if isinstance(error, PmoWorkbenchError) else
                             f"{spec.organisation}: {type(error).__name__}: {error}",
                             cell=getattr(exc, "cell", None), seconds=time.perf_counter() - started,
                             environment=isinstance(error, (FileError, KernelStartError, MemoryError)))
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "rendered", staged, records, charts,
                         seconds=time.perf_counter() - started)


def _stage(nb, spec: ReportSpec, work: Path, formats: Sequence[str], branding, vega_js: str | None) -> dict[str, str]:
    """Write the notebook, HTML, deck and Word files of one executed report into ``work`` (in its language)."""
    staged: dict[str, str] = {}
    if "ipynb" in formats:
        staged["ipynb"] = str(write_text(work / f"{spec.name}.ipynb", nbformat.writes(nb)))
    if "html" in formats or "pdf" in formats:
        page = export_html(nb, spec, branding=branding, vega_js=vega_js)
        staged["html"] = str(write_text(work / f"{spec.name}.html", page))
    if "pptx" in formats:
        staged["pptx"] = str(write_deck(nb, spec.report, work / f"{spec.name}.pptx", organisation=spec.organisation,
                                        branding=branding, title=report_title(spec.report)))
    if "docx" in formats:
        staged["docx"] = str(write_docx(nb, spec, work / f"{spec.name}.docx", branding=branding))
    return staged


def _print_pdf(outcome: ReportOutcome, printer: PdfPrinter, work: Path, language: str | None = None) -> ReportOutcome:
    """Print the staged HTML of a rendered report to a staged PDF (its page furniture in ``language``)."""
    pdf = work / f"{outcome.name}.pdf"
    try:
        with report_language(language, outcome.records):
            printer.print_pdf(outcome.files["html"], pdf, charts=outcome.charts)
    except Exception as exc:  # noqa: BLE001 - one page failing to print fails that report only
        return replace(outcome, status="failed", files={}, environment=isinstance(exc, OSError),
                       error=f"{outcome.organisation}: PDF printing failed: {exc}")
    return replace(outcome, files={**outcome.files, "pdf": str(pdf)})


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
    notices: tuple[str, ...] = ()
    """What the user should know about how the batch ran (e.g. it fell back to slower, ordinary kernels)."""

    @property
    def failed(self) -> tuple[ReportOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


def _hash_files(paths: Iterable[Path], digest, memo: dict | None = None) -> None:
    """Add each file's path and the SHA-256 of its bytes to ``digest``. ``memo`` (one batch's) keeps each file's
    hash under its status (size, times, inode): a responses file shared by thousands of reports is read once per
    batch, and again only when it is written to (any write changes its ctime)."""
    memo = {} if memo is None else memo
    for path in sorted(paths):
        digest.update(str(path).encode())
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                digest.update(b"<missing>")
                continue
            key = (str(path), status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
            if key not in memo:
                with path.open("rb") as fh:
                    memo[key] = hashlib.file_digest(fh, "sha256").digest()
            digest.update(memo[key])
        except FileNotFoundError:
            digest.update(b"<missing>")
        except OSError:  # unreadable now: the report fails when it reads it, and renders again next time
            digest.update(b"<unreadable>")


PACKAGE = Path(__file__).resolve().parents[1]


def code_fingerprint(package: Path = PACKAGE, templates: Path | None = None) -> str:
    """Every module of the package (sub-packages and migrations included) and its templates (report,
    instruments, recommendations), hashed: a change to any of them re-renders every report."""
    digest = hashlib.sha256(__version__.encode())
    _hash_files((p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                 and p.suffix in (".py", ".mako", ".j2", ".css", ".js", ".yaml")), digest)
    folder = templates if templates is not None else templates_dir()
    _hash_files((p for p in folder.rglob("*") if p.is_file()), digest)
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    return code_fingerprint()


def fingerprint(spec: ReportSpec, formats: Sequence[str], memo: dict | None = None) -> str:
    """What decides whether a report must be rendered again: notebook, parameters, input files, code (``memo``:
    see :func:`_hash_files`)."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    digest.update(json.dumps({"spec": asdict(spec), "formats": sorted(formats)}, sort_keys=True,
                             default=str).encode())
    inputs = [spec.notebook_path, *(Path(p) for p in spec.inputs)]
    if spec.branding:
        with contextlib.suppress(PmoWorkbenchError):
            loaded = load_branding(spec.branding)
            inputs.extend(p for p in (loaded.logo, loaded.deck) if p is not None)
    _hash_files(inputs, digest, memo)
    return digest.hexdigest()


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
    lock = out_dir / LOCK_FILE
    try:
        fh = open(lock, "a+")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as exc:
        raise FileError.from_os_error("lock", lock, exc) from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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


class BatchStopped(KeyboardInterrupt):
    """A batch stopped by SIGINT (Ctrl-C), SIGTERM (``kill``) or SIGHUP (its terminal closed) before every report
    was done.

    Raised by :func:`run_batch` once its running reports are abandoned (their
    earlier files untouched, nothing half-written left), its workers and kernels
    stopped and the state of every report already published saved. ``result``
    holds the outcomes of the reports done before the stop; ``not_run`` counts
    the others; ``signum`` is the signal (the command exits ``128 + signum``).
    A ``KeyboardInterrupt``, so that code that does not know it stops as after
    Ctrl-C.
    """

    def __init__(self, signum: int, result: BatchResult | None = None, not_run: int = 0):
        super().__init__(signum)
        self.signum, self.result, self.not_run = signum, result, not_run

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def summary(self) -> str:
        """``stopped: N rendered, M not run`` (and the unchanged and failed, when there are any)."""
        outcomes = self.result.outcomes if self.result is not None else ()
        counts = {status: sum(o.status == status for o in outcomes) for status in ("rendered", "unchanged", "failed")}
        more = ", ".join(f"{n} {status}" for status, n in counts.items() if n and status != "rendered")
        return f"stopped: {counts['rendered']} rendered, {self.not_run} not run" + (f" ({more})" if more else "")


class _Stop:
    """SIGINT, SIGTERM and SIGHUP during a batch (installed from the main thread only; elsewhere Python's own handling
    stays; a signal the batch was started ignoring, as under ``nohup`` or in a background job, stays ignored): the
    first raises :class:`BatchStopped` where the batch is, except while a report is being published
    (:meth:`publishing`), which completes first; a second one while the batch stops kills its processes and
    exits at once."""

    SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self):
        self.signum: int | None = None
        self.pending = False
        self.depth = 0
        self.work: Path | None = None
        self.counts: Callable[[], str] = lambda: ""
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                signum = getattr(signal, name, None)
                if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
                    self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.signum is not None:
            self.at_once(signum)
        self.signum = signum
        if self.depth:
            self.pending = True
            return
        raise BatchStopped(signum)

    @contextlib.contextmanager
    def publishing(self):
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending:
            self.pending = False
            raise BatchStopped(self.signum)

    def at_once(self, signum: int) -> None:
        """The second signal: every process the batch started is killed, its work folder removed, and it exits."""
        import os
        import signal

        from .kernels import _children

        for pid in _children():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.write(2, f"\nstopped at once{': ' + self.counts() if self.counts() else ''}\n".encode())
        os._exit(128 + signum)


def _clear_dead_work(out_dir: Path) -> None:
    """Remove the work folders a batch killed outright left in ``out_dir`` (called with the folder's lock held:
    no other batch is at work in it)."""
    for folder in out_dir.glob(".work-*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
    _restore_aside(out_dir)


def _restore_aside(out_dir: Path) -> None:
    """Put back the old files of a report a batch killed outright was publishing (``.NAME.FMT.previous``, moved
    aside before the new ones came in): an old file whose new one never arrived takes its place again (its record
    was cleared first, so the report runs again), one whose new file is in place is removed."""
    from .publish import _ASIDE

    for aside in out_dir.glob(f".*{_ASIDE}"):
        target = aside.with_name(aside.name[1:-len(_ASIDE)])
        if not aside.is_file() or aside.is_symlink() or target.suffix.lstrip(".") not in FORMATS:
            continue
        with contextlib.suppress(OSError):
            if target.exists() or target.is_symlink():
                aside.unlink()
            else:
                os.replace(aside, target)


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
    language: str | None = None,
    cluster: str | None = None,
) -> BatchResult:
    """Render many reports, ``jobs`` at a time (or on a Dask ``cluster``); a failed report never stops the others.

    Reports whose fingerprint (notebook, parameters, input files, code) matches
    the last run's and whose files still exist are skipped unless ``force``.
    Each report's files are staged and moved into ``out_dir`` only when all its
    formats are done (:func:`~pmo_workbench.reports.publish.publish`): a good
    report is never removed or overwritten before its replacement is complete.
    A report that fails keeps its old files when the failure was the machine's
    (a full disk, a permission) or its inputs are unchanged; a report whose
    new inputs make it fail loses them, so that no report passes for inputs it
    was not made from. Each report's state is saved as it is published; writes
    ``index.html`` (when ``index``) in ``language`` (default English), each
    row naming its report's language; a second batch into the same folder
    waits for the first.

    ``cluster`` runs the reports on Dask instead of this machine's process
    pool (:mod:`pmo_workbench.reports.cluster`): ``"local"`` or ``"local:N"``
    starts a LocalCluster of N workers (default one per core), ``"tcp://HOST:PORT"``
    uses a running scheduler; it cannot be combined with ``jobs``. Everything
    else (skipping, PDF, publication, state, index) is the same.

    Raises
    ------
    PdfUnavailableError
        Before anything runs, when PDF is asked for and Chromium is missing.
    ClusterError
        Before any report runs: a malformed ``cluster``, ``cluster`` with ``jobs``, a scheduler that cannot be
        reached, no worker, or workers running another pmo-workbench version.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    formats = check_formats(formats)
    for spec in specs:  # a manifest refuses them itself, at their rows
        if (clash := reserved_name(None, spec.name)) is not None:
            raise ReportParameterError(f"{spec.organisation}: {clash}")
    specs = _unique_names(specs)
    executor = executor_for(cluster, jobs)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, ReportOutcome] = {}
    with _Stop() as stop:
        stop.counts = lambda: BatchStopped(0, BatchResult(tuple(outcomes.values()), None, 0.0),
                                           len(specs) - len(outcomes)).summary().removeprefix("stopped: ")
        try:
            return _run_locked(specs, out_dir, formats, executor, force, cell_timeout, progress, index, on_outcome,
                               language, outcomes, stop, started)
        except BatchStopped as exc:
            exc.result = BatchResult(tuple(outcomes[s.name] for s in specs if s.name in outcomes), None,
                                     time.perf_counter() - started)
            exc.not_run = len(specs) - len(outcomes)
            raise


def _run_locked(specs, out_dir, formats, executor, force, cell_timeout, progress, index, on_outcome, language,
                outcomes: dict[str, ReportOutcome], stop: _Stop, started: float) -> BatchResult:
    with _locked(out_dir):
        _clear_dead_work(out_dir)
        state = load_state(out_dir)
        migrate_legacy_state(out_dir, state)
        todo: list[tuple[ReportSpec, str]] = []
        hashed: dict = {}
        notices: list[str] = []
        for spec in specs:
            print_ = fingerprint(spec, formats, hashed)
            skipped = None if force else _unchanged(spec, state, print_, formats, out_dir)
            if skipped is not None:
                outcomes[spec.name] = skipped
            else:
                todo.append((spec, print_))
        work = stop.work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir))
        try:
            _render_all(todo, outcomes, state, out_dir, work, formats, executor, cell_timeout, progress, len(specs),
                        on_outcome, hashed, notices, stop)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            stop.work = None
        ordered = tuple(outcomes[s.name] for s in specs)
        if index:
            with use_language(language):
                index_path = write_index(out_dir, ordered, {s.name: s.parameters.get("language") for s in specs})
        else:
            index_path = None
    return BatchResult(ordered, index_path, time.perf_counter() - started, tuple(notices))


def _render_all(todo, outcomes, state, out_dir, work, formats, executor: Executor, cell_timeout, progress, total,
                on_outcome, hashed: dict, notices: list[str], stop: _Stop | None = None) -> None:
    with contextlib.ExitStack() as stack:
        stack.enter_context(executor)
        if todo:
            executor.start(len(todo))  # before the kernel template: local workers start beside it
        printer = stack.enter_context(PdfPrinter()) if "pdf" in formats and todo else None
        warm = shared_inputs(spec for spec, _ in todo) if todo else ()
        template = None
        if todo and executor.local_template and fork_supported():
            template = KernelTemplate(warm=warm)
            stack.callback(template.close)
            template.start()
        # Stopped (Ctrl-C, kill): the running reports are abandoned first, before their kernels' template closes
        # (a worker that lost its template would start an ordinary kernel instead).
        stack.push(lambda kind, *exc: executor.abandon() if kind and not issubclass(kind, Exception) else None)
        bar = stack.enter_context(_progress(total, progress))
        bar.advance(len(outcomes))

        def finish(spec: ReportSpec, print_: str, outcome: ReportOutcome) -> None:
            if printer is not None and outcome.status == "rendered":
                outcome = _print_pdf(outcome, printer, work, spec.parameters.get("language"))
            if fingerprint(spec, formats, hashed) != print_:
                print_ = None  # an input changed while the report ran: published, but not recorded as up to date
            with stop.publishing() if stop is not None else contextlib.nullcontext():  # a stop waits for it
                outcome = _settle(spec, print_, outcome, state.get(spec.name), out_dir, formats)
                outcomes[spec.name] = outcome
            bar.advance(1)
            if on_outcome is not None:
                on_outcome(outcome)

        vega_js = vega_bundle() if todo and ("html" in formats or "pdf" in formats) else ""
        if template is not None:
            try:
                template.wait_ready()
            except KernelStartError as exc:
                template.close()
                template = None  # ordinary kernels: slower, same reports
                notices.append(f"{exc}; the reports run in ordinary kernels instead, each starting its own and "
                               "reading its inputs itself (the same reports, more slowly)")
        job = RenderJob(out_dir, work, tuple(formats), cell_timeout, vega_js, tuple(warm),
                        template.socket_path if template else None, str(template.ipc_dir) if template else None)
        prints = {spec.name: print_ for spec, print_ in todo}
        for spec, outcome in executor.run([spec for spec, _ in todo], job):
            finish(spec, prints[spec.name], outcome)


def _settle(spec: ReportSpec, print_: str | None, outcome: ReportOutcome, old: Mapping[str, Any] | None, out_dir: Path,
            formats: Sequence[str]) -> ReportOutcome:
    """Publish one report and record it, so that the files on disk and the recorded inputs always agree.

    The report's entry is cleared before its files move and written once they
    are in place. A failed report keeps its old files when they are a good
    report of the same inputs or the failure was the machine's; its entry then
    stays as it was.
    """
    good_before = bool(old) and old.get("status") == "rendered" and old.get("fingerprint") is not None
    written = (old or {}).get("hashes") or {}
    if outcome.status == "rendered":
        save_entry(out_dir, spec.name, None)
        outcome = publish(replace(outcome, fingerprint=print_), out_dir, formats, keep_old=True, written=written)
        if outcome.status == "rendered":
            save_entry(out_dir, spec.name, entry_of(outcome, formats))
            return outcome
        if good_before:  # the old files came back: so does their entry
            save_entry(out_dir, spec.name, {k: v for k, v in old.items() if k != "name"})
        return replace(outcome, fingerprint=None)
    keep = outcome.environment or (good_before and old.get("fingerprint") == print_)
    outcome = publish(outcome, out_dir, formats, keep_old=keep, written=written)
    if not keep:
        save_entry(out_dir, spec.name, entry_of(outcome, formats))
    return replace(outcome, fingerprint=None)


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
