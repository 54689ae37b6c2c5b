"""Batches on a Dask cluster: the :class:`DaskExecutor` behind ``pmo-workbench batch --cluster``.

``--cluster local[:N]`` starts a ``LocalCluster`` of N worker processes on this
machine (default: one per core); ``--cluster tcp://HOST:PORT`` uses a running
``dask scheduler`` and the ``dask worker`` processes attached to it.

- Each report is one task (``resources={"kernel": 1}``: one report per worker
  slot at a time). A worker keeps one warm kernel template
  (:class:`~pmo_workbench.reports.kernels.KernelTemplate`) for the reports it
  runs, started by its first report and kept for the batch's shared inputs; a
  batch with other inputs restarts it, and it closes with the worker (a worker
  killed outright takes it along: it dies with its parent).
- A report renders into a folder local to its worker; its files come back to
  the client as bytes, and the client stages them in the batch's work folder
  and publishes them as for a local batch. The output folder therefore need not
  be shared, but the *inputs* (responses, pools, engagement files, notebooks)
  must be readable at the same paths on every worker.
- A task whose worker died is run again by the scheduler on another worker;
  a task that fails (``KilledWorker``, an exception) fails its report only.
  The client publishes each report once, whatever the retries.
- Before anything runs, the workers must run the same pmo-workbench version and
  code as the client; a cluster with no worker is waited for a bounded time.

Workers fork kernels, which a daemonic process may not do: the executor sets
``distributed.worker.daemon`` to False for the workers it starts, and workers
started by hand need ``DASK_DISTRIBUTED__WORKER__DAEMON=False``.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import logging
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import CancelledError
from dataclasses import replace
from pathlib import Path
from typing import Any

import dask
import distributed
from distributed.diagnostics.plugin import WorkerPlugin

from .. import __version__
from .._io import write_with
from ..errors import ClusterError, FileError, KernelStartError
from .execute import ReportOutcome, _kernel_config
from .executors import ClusterTarget, Executor, RenderJob, lost
from .kernels import KernelTemplate, fork_supported
from .spec import ReportSpec

CONNECT_TIMEOUT = 10.0
"""Seconds to reach a scheduler before giving up."""
WORKER_TIMEOUT = 30.0
"""Seconds to wait for a first worker on a cluster that has none."""
QUIET_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")
"""Loggers turned down to errors for a batch's duration (closed comms on shutdown, an unresponsive event loop)."""
DAEMON_ENV = "DASK_DISTRIBUTED__WORKER__DAEMON=False"


# --- the client side ---------------------------------------------------------------------------

@contextlib.contextmanager
def quiet_dask() -> Iterator[None]:
    """Dask's own warnings and informational logging kept off the user's terminal (errors still show)."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def check_workers(answers: Mapping[str, Any], version: str, code: str) -> None:
    """Refuse workers that run another pmo-workbench than the client.

    ``answers`` maps each worker's address to its ``(version, code fingerprint)``
    (:func:`_identity`); a mismatch raises :class:`ClusterError` naming the
    first worker that differs and how many do.
    """
    wrong = sorted((address, tuple(answer)) for address, answer in answers.items()
                   if tuple(answer) != (version, code))
    if not wrong:
        return
    address, (their_version, their_code) = wrong[0]
    if their_version != version:
        what = f"runs pmo-workbench {their_version}, this machine {version}"
    else:
        what = (f"runs pmo-workbench {version} with other code (fingerprint {str(their_code)[:12]}, this machine "
                f"{code[:12]})")
    more = f" (and {len(wrong) - 1} other worker{'s' if len(wrong) > 2 else ''})" if len(wrong) > 1 else ""
    raise ClusterError(f"Dask worker {address}{more} {what}: install the same pmo-workbench on every worker and "
                       "restart them")


class DaskExecutor(Executor):
    """Reports on a Dask cluster; see the module's description."""

    local_template = False  # each worker keeps its own

    def __init__(self, target: ClusterTarget):
        self.target = target
        self.client: distributed.Client | None = None
        self.cluster: distributed.LocalCluster | None = None
        self._stack = contextlib.ExitStack()

    @property
    def where(self) -> str:
        return self.target.address or "a local Dask cluster"

    def start(self, count: int) -> None:
        self._stack.enter_context(quiet_dask())
        self._stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
        if self.target.local:
            self._start_local()
        else:
            self._connect(self.target.address)
        self._wait_for_workers()
        self._check_workers()
        self.client.register_plugin(TemplatePlugin())

    def _start_local(self) -> None:
        import os

        workers = self.target.workers or os.cpu_count() or 1
        try:
            self.cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1",
                resources={"kernel": 1}, silence_logs=logging.ERROR)
            self._stack.callback(self._close_cluster)
            self.client = distributed.Client(self.cluster, timeout=CONNECT_TIMEOUT)
            self._stack.callback(self._close_client)
        except (OSError, TimeoutError, RuntimeError) as exc:
            raise ClusterError(f"cannot start a local Dask cluster of {workers} workers: {_reason(exc)}") from None

    def _connect(self, address: str) -> None:
        try:
            self.client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {_reason(exc)}") from None
        self._stack.callback(self._close_client)

    def _wait_for_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except (TimeoutError, OSError) as exc:
            raise ClusterError(f"the Dask scheduler at {self.where} has no worker (waited {WORKER_TIMEOUT:.0f} s: "
                               f"{_reason(exc)}); start one with: {DAEMON_ENV} dask worker "
                               f"{self.target.address or 'SCHEDULER'} --nthreads 1 --resources kernel=1") from None
        workers = self.client.scheduler_info().get("workers", {})
        if not any((info.get("resources") or {}).get("kernel", 0) >= 1 for info in workers.values()):
            raise ClusterError(f"no Dask worker of {self.where} offers the 'kernel' resource a report needs: start "
                               "the workers with --resources kernel=1")

    def _check_workers(self) -> None:
        try:
            answers = self.client.run(_identity)
        except Exception as exc:  # noqa: BLE001 - a worker without the package cannot even answer
            raise ClusterError(f"cannot ask the Dask workers of {self.where} which pmo-workbench they run: "
                               f"{type(exc).__name__}: {_reason(exc)} (install pmo-workbench on every worker)"
                               ) from None
        check_workers(answers, __version__, _portable())

    def run(self, todo: Sequence[ReportSpec], job: RenderJob) -> Iterator[tuple[ReportSpec, ReportOutcome]]:
        if not todo:  # nothing to render: no cluster was started
            return
        client = self.client
        batch = uuid.uuid4().hex[:8]
        [vega_js] = client.scatter([job.vega_js], broadcast=True, hash=False)
        expected = (__version__, _portable())
        futures = {client.submit(_render_on_worker, spec, job.formats, job.cell_timeout, vega_js, job.warm, expected,
                                 key=f"pmo-report-{spec.name}-{batch}", resources={"kernel": 1}, retries=1,
                                 pure=False): spec
                   for spec in todo}
        self._stack.callback(_cancel, client, list(futures))
        done: set[str] = set()
        for future in distributed.as_completed(futures):
            spec = futures[future]
            if spec.name in done:  # as_completed yields each future once; a report is never published twice
                continue
            try:
                outcome = _receive(spec, *future.result(), job)
            except (Exception, CancelledError) as exc:  # noqa: BLE001 - a lost or failed task fails its report only
                outcome = lost(spec, exc)
            finally:
                future.release()
            done.add(spec.name)
            yield spec, outcome

    def close(self) -> None:
        self._stack.close()

    def _close_client(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close(timeout=10)
            self.client = None

    def _close_cluster(self) -> None:
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=20)
            self.cluster = None


def _cancel(client: distributed.Client, futures: list) -> None:
    with contextlib.suppress(Exception):
        client.cancel([f for f in futures if not f.done()])


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _receive(spec: ReportSpec, outcome: ReportOutcome, files: Mapping[str, bytes], failed: bytes | None,
             job: RenderJob) -> ReportOutcome:
    """Stage the files a worker sent back in the batch's work folder (a failed notebook under ``failed/``)."""
    placed: dict[str, str] = {}
    asked = {*job.formats, *(("html",) if "pdf" in job.formats else ())}  # a PDF is printed here from its HTML
    unasked = sorted(set(files) - asked)
    if unasked:  # only the formats asked for, each under its own name in the work folder
        return replace(outcome, status="failed", files={},
                       error=f"{spec.organisation}: a worker sent files the batch did not ask for: "
                             f"{', '.join(map(str, unasked))}")
    try:
        for fmt, data in files.items():
            path = job.work / f"{spec.name}.{fmt}"
            path.write_bytes(data)
            placed[fmt] = str(path)
        if failed is not None:
            target = job.out_dir / "failed" / f"{spec.name}.ipynb"
            write_with(target, lambda tmp: tmp.write_bytes(failed))
            placed = {"ipynb": str(target)}
    except (OSError, FileError) as exc:
        error = exc if isinstance(exc, FileError) else FileError.from_os_error("write", job.work, exc)
        return replace(outcome, status="failed", files={}, error=f"{spec.organisation}: {error}", environment=True)
    return replace(outcome, files=placed)


# --- the worker side ---------------------------------------------------------------------------

def _identity() -> tuple[str, str]:
    """What a worker runs: the package's version and code fingerprint."""
    return __version__, _portable()


def portable_code_fingerprint(package: Path | None = None, templates: Path | None = None) -> str:
    """The package's code and templates hashed by their paths inside the package, not where it is installed:
    what a client and its workers compare (the same files as
    :func:`~pmo_workbench.reports.batch.code_fingerprint`)."""
    from ..resources import templates_dir
    from .batch import PACKAGE

    package = package or PACKAGE
    templates = templates or templates_dir()
    digest = hashlib.sha256(__version__.encode())
    for root, files in ((package, (p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                                   and p.suffix in (".py", ".mako", ".j2", ".css", ".js", ".yaml"))),
                        (templates, (p for p in templates.rglob("*") if p.is_file()))):
        for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _portable() -> str:
    return portable_code_fingerprint()


_TEMPLATE: dict[str, KernelTemplate | None] = {}
"""This worker process's one kernel template, under the batch's shared inputs it was started with (``None``:
it could not start, so reports use ordinary kernels)."""
_TEMPLATE_LOCK = threading.Lock()


def _running(template: KernelTemplate) -> bool:
    proc = template._proc
    return proc is not None and proc.poll() is None


def worker_template(warm: tuple[dict[str, Any], ...]) -> KernelTemplate | None:
    """The warm kernel template of this worker for a batch with shared inputs ``warm`` (started on first use)."""
    if not fork_supported():
        return None
    key = json.dumps(warm, sort_keys=True, default=str)
    with _TEMPLATE_LOCK:
        if key in _TEMPLATE and (_TEMPLATE[key] is None or _running(_TEMPLATE[key])):
            return _TEMPLATE[key]
        close_templates()  # another batch's inputs, or a template that died: start afresh
        template = KernelTemplate(warm=warm)
        try:
            template.start()
            template.wait_ready()
        except KernelStartError:
            template.close()
            template = None  # ordinary kernels: slower, same reports
        if not _ATEXIT:
            atexit.register(close_templates)
            _ATEXIT.append(True)
        _TEMPLATE[key] = template
        return template


_ATEXIT: list[bool] = []


def close_templates() -> None:
    """Stop this worker's kernel template (when the worker closes)."""
    for template in _TEMPLATE.values():
        if template is not None:
            template.close()
    _TEMPLATE.clear()


class TemplatePlugin(WorkerPlugin):
    """Closes a worker's kernel template when the worker closes."""

    name = "pmo-workbench-kernel-template"

    def teardown(self, worker) -> None:
        close_templates()


def _render_on_worker(spec: ReportSpec, formats: tuple[str, ...], cell_timeout: int, vega_js: str,
                      warm: tuple[dict[str, Any], ...], expected: tuple[str, str]
                      ) -> tuple[ReportOutcome, dict[str, bytes], bytes | None]:
    """One report on a Dask worker: rendered into a private folder, returned with its files' bytes.

    A worker that joined after the batch's check and runs another pmo-workbench than the client (``expected``)
    refuses the report, which then fails with that reason.
    """
    from .. import _skip_slow_optional_imports

    _skip_slow_optional_imports()
    if _identity() != tuple(expected):
        try:
            where = distributed.get_worker().address
        except ValueError:
            where = "(unknown address)"
        check_workers({where: _identity()}, *expected)
    from . import batch

    template = worker_template(warm)
    config = _kernel_config(template.socket_path, str(template.ipc_dir)) if template else _kernel_config()
    folder = Path(tempfile.mkdtemp(prefix="pmo-report-"))
    try:
        work = folder / "work"
        work.mkdir()
        outcome = batch._render_notebook(spec, folder, work, formats, config, vega_js, cell_timeout)
        files: dict[str, bytes] = {}
        failed = None
        if outcome.status == "rendered":
            files = {fmt: Path(path).read_bytes() for fmt, path in outcome.files.items()}
        elif outcome.files.get("ipynb"):
            failed = Path(outcome.files["ipynb"]).read_bytes()
        return replace(outcome, files={}), files, failed
    finally:
        shutil.rmtree(folder, ignore_errors=True)
