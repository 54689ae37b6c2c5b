"""Where a batch's reports run: one interface, two executors.

:func:`~pmo_workbench.reports.batch.run_batch` decides which reports must be
rendered, hands them to an executor, and takes each outcome as it comes back:
PDF printing, publication into the output folder, the saved state, the
progress bar and the index are the batch's, the same whatever ran the reports.

- :class:`LocalExecutor`, this machine: one report (or ``jobs=1``) runs in this
  process; more run in a process pool (``forkserver``) whose workers use kernels
  forked from the batch's kernel template. Reports whose pool broke (a worker
  died) are tried once more in a new pool.
- :class:`~pmo_workbench.reports.cluster.DaskExecutor`, a Dask cluster
  (``--cluster local[:N]`` or ``--cluster tcp://HOST:PORT``): see
  :mod:`pmo_workbench.reports.cluster`. Only that module imports Dask.

An executor is a context manager: :meth:`Executor.start` (before the batch
starts its own kernel template, if it needs one), then :meth:`Executor.run`,
which yields ``(spec, outcome)`` once per report, in the order they finish,
and never raises for one report: a report whose work was lost becomes a
``"failed"`` outcome.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import re
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ClusterError
from .execute import ReportOutcome, _kernel_config
from .spec import ReportSpec


@dataclass(frozen=True)
class RenderJob:
    """What every report of one batch is rendered with.

    ``work`` is the batch's staging folder and ``out_dir`` its output folder
    (both on the machine that runs the batch); ``warm`` lists the batch's
    shared inputs for a kernel template; ``template_socket`` and ``ipc_dir``
    name the batch's own template, when it started one.
    """

    out_dir: Path
    work: Path
    formats: tuple[str, ...]
    cell_timeout: int
    vega_js: str
    warm: tuple[dict[str, Any], ...] = ()
    template_socket: str | None = None
    ipc_dir: str | None = None


class Executor:
    """Runs a batch's reports; see the module's description."""

    #: Whether the batch starts a kernel template in its own process for this executor's reports.
    local_template = True

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, count: int) -> None:
        """Get ready to run ``count`` reports (start workers, connect); raise before any report runs."""

    def run(self, todo: Sequence[ReportSpec], job: RenderJob) -> Iterator[tuple[ReportSpec, ReportOutcome]]:
        """Render every report of ``todo``; yield each with its outcome as it finishes, exactly once."""
        raise NotImplementedError

    def abandon(self) -> None:
        """Stop the reports running now at once, without waiting for them (the batch was stopped)."""

    def close(self) -> None:
        """Stop whatever :meth:`start` started (also after a failure or an interrupt)."""


def lost(spec: ReportSpec, exc: BaseException) -> ReportOutcome:
    """The outcome of a report whose work was lost (its worker died, its task raised)."""
    message = (str(exc).strip().splitlines() or [""])[0]
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                         error=f"{spec.organisation}: {type(exc).__name__}: {message}")


# --- this machine ------------------------------------------------------------------------------

FORKSERVER_PARENT_ENV = "PMO_WORKBENCH_FORKSERVER_PARENT"
"""Set (to the batch's process id) only while the batch starts multiprocessing's forkserver: the forkserver then
knows it is the batch's, and dies with it (:mod:`pmo_workbench.reports.worker`)."""


_TERMINAL_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name)}
"""What a terminal sends the whole process group (Ctrl-C, the terminal closed): the batch's to act on, not its
workers'."""


def _pool_context():
    """``forkserver`` where it exists: workers forked from a clean server that imported the engine once.

    Plain ``fork`` from the caller is unsafe when the caller runs threads (zmq's,
    a notebook's); ``spawn`` (the fallback) re-imports everything per worker.

    The forkserver (and the resource tracker it starts) is started here, with the terminal's Ctrl-C (and its
    hang-up) blocked:
    they, and the workers forked from the forkserver, never see it; stopping them is the batch's. The signal
    stays pending for the batch itself, which acts on it as soon as the server has started.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pmo_workbench.reports.worker"])
    from multiprocessing import forkserver

    before = os.environ.get(FORKSERVER_PARENT_ENV)
    os.environ[FORKSERVER_PARENT_ENV] = str(os.getpid())
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _TERMINAL_SIGNALS)
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if before is None:
            os.environ.pop(FORKSERVER_PARENT_ENV, None)
        else:
            os.environ[FORKSERVER_PARENT_ENV] = before
    return context


def _worker_init(lifeline=None) -> None:
    """In each pool worker as it starts: Ctrl-C is the batch's; the worker dies with its parent (Linux), and leaves
    when the batch is gone, however it went (``lifeline``: the read end of a pipe only the batch writes to)."""
    from .. import _skip_slow_optional_imports
    from .kernels import _die_with_parent, watch_parent

    for signum in _TERMINAL_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _TERMINAL_SIGNALS)  # ignored now; blocked by the forkserver's start
    _die_with_parent()
    if lifeline is not None:
        watch_parent(lifeline)
    _skip_slow_optional_imports()


def _pool(workers: int, lifeline=None) -> cf.ProcessPoolExecutor:
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_worker_init,
                                  initargs=(lifeline,))
    for _n in range(workers):
        pool.submit(int)  # start the workers now
    return pool


def _abandon(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a pool at once, its running reports abandoned: its workers are killed (their kernels are the
    template's, which the batch closes), nothing more is started."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=2)


class LocalExecutor(Executor):
    """Reports on this machine, ``jobs`` at a time: in this process for one, else in a process pool."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.parallel = False
        self._pools: list[cf.ProcessPoolExecutor] = []
        self._lifeline = None

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and not issubclass(kind, Exception):  # stopped (Ctrl-C, kill): running reports abandoned
            self.abandon()
        self.close()

    def abandon(self) -> None:
        while self._pools:
            _abandon(self._pools.pop())

    def start(self, count: int) -> None:
        # Started before the batch's kernel template, so that the workers start beside it (see _pool_context).
        self.parallel = self.jobs > 1 and count > 1
        if self.parallel:
            self._lifeline = multiprocessing.Pipe(duplex=False)  # (read, write): the write end stays here
            self._pools.append(self._pool(min(self.jobs, count)))

    def _pool(self, workers: int) -> cf.ProcessPoolExecutor:
        return _pool(workers, self._lifeline[0] if self._lifeline else None)

    def run(self, todo: Sequence[ReportSpec], job: RenderJob) -> Iterator[tuple[ReportSpec, ReportOutcome]]:
        from . import batch  # looked up at call time: the batch module's functions are the ones that run

        if not self.parallel:
            config = _kernel_config(job.template_socket, job.ipc_dir)
            for spec in todo:
                yield spec, batch._render_notebook(spec, job.out_dir, job.work, job.formats, config, job.vega_js,
                                                   job.cell_timeout)
            return
        pool = self._pools[-1]
        futures = {pool.submit(_render_in_worker, spec, job): spec for spec in todo}
        broken = []
        for future in cf.as_completed(futures):
            spec = futures[future]
            try:
                outcome = future.result()
            except cf.process.BrokenProcessPool:  # a worker died: every pending report lost its pool
                broken.append(spec)
                continue
            except Exception as exc:  # noqa: BLE001 - fails this report only
                outcome = lost(spec, exc)
            yield spec, outcome
        if broken:
            pool.shutdown(wait=False, cancel_futures=True)
            self._pools.remove(pool)
            yield from self._one_by_one(broken, job)

    def _one_by_one(self, specs: Sequence[ReportSpec], job: RenderJob) -> Iterator[tuple[ReportSpec, ReportOutcome]]:
        """The reports a dead worker took down with its pool, again, each in a pool of its own (``jobs`` at a
        time): a worker that dies now is charged to the one report it was running, and the others complete."""
        waiting, running = list(specs), {}
        while waiting or running:
            while waiting and len(running) < self.jobs:
                spec, pool = waiting.pop(0), self._pool(1)
                self._pools.append(pool)
                running[pool.submit(_render_in_worker, spec, job)] = (spec, pool)
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in done:
                spec, pool = running.pop(future)
                try:
                    outcome = future.result()
                except cf.process.BrokenProcessPool:
                    outcome = lost(spec, RuntimeError(
                        "the process rendering this report died, twice (out of memory, or a crash in the notebook "
                        "or a library it uses); the other reports were not affected"))
                except Exception as exc:  # noqa: BLE001 - fails this report only
                    outcome = lost(spec, exc)
                pool.shutdown(wait=False, cancel_futures=True)
                self._pools.remove(pool)
                yield spec, outcome

    def close(self) -> None:
        while self._pools:
            self._pools.pop().shutdown(wait=True, cancel_futures=True)
        for end in self._lifeline or ():
            end.close()
        self._lifeline = None


def _render_in_worker(spec: ReportSpec, job: RenderJob) -> ReportOutcome:
    from . import batch  # looked up at call time: the batch module's functions are the ones that run

    return batch._worker_render(spec, job.out_dir, job.work, job.formats, job.cell_timeout, job.template_socket,
                                job.ipc_dir, job.vega_js)


# --- choosing one ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClusterTarget:
    """A parsed ``--cluster`` value: a LocalCluster of ``workers`` (``None``: one per core) or a scheduler's
    ``address``."""

    address: str | None = None
    workers: int | None = None

    @property
    def local(self) -> bool:
        return self.address is None


CLUSTER_VALUES = "'local', 'local:N' (N workers, N >= 1) or 'tcp://HOST:PORT' (a running Dask scheduler)"
_LOCAL = re.compile(r"local(?::(\d+))?")
_TCP = re.compile(r"tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})")


def max_local_workers() -> int:
    """The most workers ``local:N`` starts: four per core (more only queue for the cores and take memory)."""
    return 4 * (os.cpu_count() or 1)


def parse_cluster(value: str) -> ClusterTarget:
    """The cluster a ``--cluster`` value names; a malformed one raises :class:`ClusterError` naming what is
    accepted."""
    text = str(value).strip()
    if match := _LOCAL.fullmatch(text):
        workers = int(match.group(1)) if match.group(1) is not None else None
        if workers is not None and workers < 1:
            raise ClusterError(f"--cluster {value!r}: a local cluster needs at least 1 worker; give {CLUSTER_VALUES}")
        if workers is not None and workers > (most := max_local_workers()):
            raise ClusterError(f"--cluster {value!r}: this machine has {os.cpu_count() or 1} cores; a local cluster "
                               f"takes at most {most} workers (each runs a report and its kernel at once)")
        return ClusterTarget(workers=workers)
    if (match := _TCP.fullmatch(text)) and 0 < int(match.group(2)) < 65536:
        return ClusterTarget(address=text)
    raise ClusterError(f"--cluster {value!r} is not a cluster; give {CLUSTER_VALUES}")


def executor_for(cluster: str | None, jobs: int | None) -> Executor:
    """The executor of a batch: the local one, or the Dask cluster ``cluster`` names (checked here, before any
    work; connecting waits for :meth:`Executor.start`)."""
    if cluster is None:
        return LocalExecutor(jobs or os.cpu_count() or 1)
    target = parse_cluster(cluster)
    if jobs is not None:
        raise ClusterError("--jobs sets the local process pool's size and cannot be combined with --cluster: on a "
                           "cluster each worker runs one report at a time (local:N starts N workers)")
    from .cluster import DaskExecutor

    return DaskExecutor(target)
