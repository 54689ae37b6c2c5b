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
- A task whose worker died is run again by the scheduler on another worker
  (or on the worker a nanny restarts); a task holds everything it needs (the
  Vega script is built by each worker itself), so no report depends on data
  only a dead worker held. A task that fails (``KilledWorker``, an exception)
  fails its report only. The client publishes each report once, whatever the
  retries, under the names *it* gave the report: a worker's answer names only
  file contents, for the formats asked.
- Before anything runs, the address must answer as a Dask scheduler within
  :data:`CONNECT_TIMEOUT` (a silent or foreign server is refused), and the
  workers must run the same pmo-workbench version and code, and the same
  versions of the libraries that render a report, as the client; a cluster with
  no worker is waited for a bounded time.
- The workers of ``local`` go quiet on Ctrl-C (:func:`dask_setup`): the
  client's interruption closes them, without each printing its own traceback.
  A batch stopped (Ctrl-C, SIGTERM) abandons its running reports: the workers
  of ``local`` are killed at once (:meth:`DaskExecutor.abandon`), and the
  client closes within a second or two. A client killed outright takes them
  along too: each Dask worker leaves when its parent's pipe closes, and its
  kernel template and kernels watch theirs.

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
import os
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
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
"""Loggers silenced for a batch's duration (closed comms on shutdown, a worker lost and its task run again): what
matters reaches the user as a report's failure or a :class:`ClusterError`."""
RENDERING_LIBRARIES = ("papermill", "nbconvert", "nbformat", "jupyter_client", "ipykernel", "altair",
                       "vl-convert-python", "pandas", "python-pptx", "python-docx")
"""Libraries whose version changes what a report looks like: a worker must run the client's."""
DAEMON_ENV = "DASK_DISTRIBUTED__WORKER__DAEMON=False"


# --- the client side ---------------------------------------------------------------------------

@contextlib.contextmanager
def quiet_dask(keep: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Dask's own warnings and logging kept off the user's terminal; left off at the end when ``keep()`` says so
    (after Ctrl-C, Dask's threads still log their interrupted work while the process exits)."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
            yield
    finally:
        if not keep():
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


def check_workers(answers: Mapping[str, Any], version: str, code: str, libraries: Sequence[str] = ()) -> None:
    """Refuse workers that run another pmo-workbench, or other versions of its rendering libraries, than the client.

    ``answers`` maps each worker's address to its ``(version, code fingerprint,
    library versions)`` (:func:`_identity`); a mismatch raises
    :class:`ClusterError` naming the first worker that differs and how many do.
    """
    def identity(answer) -> tuple:
        answer = tuple(answer)
        return (*answer[:2], tuple(answer[2]) if len(answer) > 2 else ())

    expected = (version, code, tuple(libraries))
    wrong = sorted((address, identity(answer)) for address, answer in answers.items() if identity(answer) != expected)
    if not wrong:
        return
    address, (their_version, their_code, their_libraries) = wrong[0]
    if their_version != version:
        what = f"runs pmo-workbench {their_version}, this machine {version}"
    elif their_code != code:
        what = (f"runs pmo-workbench {version} with other code (fingerprint {str(their_code)[:12]}, this machine "
                f"{code[:12]})")
    else:
        theirs, ours = sorted(set(their_libraries) - set(libraries)), sorted(set(libraries) - set(their_libraries))
        what = f"runs {', '.join(theirs) or 'other libraries'}, this machine {', '.join(ours) or 'none of them'}"
    more = f" (and {len(wrong) - 1} other worker{'s' if len(wrong) > 2 else ''})" if len(wrong) > 1 else ""
    remedy = ("install the same pmo-workbench on every worker and restart them"
              if (their_version, their_code) != (version, code) else
              "install the same versions of these libraries on every worker (the same environment as this "
              "machine's) and restart them")
    raise ClusterError(f"Dask worker {address}{more} {what}: {remedy}")


class DaskExecutor(Executor):
    """Reports on a Dask cluster; see the module's description."""

    local_template = False  # each worker keeps its own

    def __init__(self, target: ClusterTarget):
        self.target = target
        self.client: distributed.Client | None = None
        self.cluster: distributed.LocalCluster | None = None
        self._stack = contextlib.ExitStack()
        self._interrupted = self._abandoned = False

    @property
    def where(self) -> str:
        return self.target.address or "a local Dask cluster"

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._interrupted = kind is not None and issubclass(kind, KeyboardInterrupt)
        if kind is not None and not issubclass(kind, Exception) and not self._abandoned:
            self.abandon()
        self.close()

    def start(self, count: int) -> None:
        self._stack.enter_context(quiet_dask(keep=lambda: self._interrupted))
        self._stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
        if self.target.local:
            self._start_local()
        else:
            self._connect(self.target.address)
        self._wait_for_workers()
        self._check_workers()
        self.client.register_plugin(TemplatePlugin())

    def _start_local(self) -> None:
        workers = self.target.workers or os.cpu_count() or 1
        try:
            with dask.config.set({"distributed.worker.preload": [__name__]}):  # dask_setup: Ctrl-C is the client's
                self.cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1",
                    resources={"kernel": 1}, silence_logs=logging.CRITICAL + 1)
            self._stack.callback(self._close_cluster)
            self.client = distributed.Client(self.cluster, timeout=CONNECT_TIMEOUT)
            self._stack.callback(self._close_client)
        except (OSError, TimeoutError, RuntimeError) as exc:
            raise ClusterError(f"cannot start a local Dask cluster of {workers} workers: {_reason(exc)}") from None

    def _connect(self, address: str) -> None:
        kind = probe(address)
        if kind != "Scheduler":
            what = f"a Dask {kind.lower()}" if kind else "a server that is not Dask"
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: the address answers as {what}; give "
                               "the scheduler's address (tcp://HOST:8786 by default)")
        try:
            self.client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: it did not accept this client within "
                               f"{CONNECT_TIMEOUT:.0f} s") from None
        except Exception as exc:  # noqa: BLE001 - whatever the connection raised, the batch stops with exit 2
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
        check_workers(answers, *_identity())

    def run(self, todo: Sequence[ReportSpec], job: RenderJob) -> Iterator[tuple[ReportSpec, ReportOutcome]]:
        if not todo:  # nothing to render: no cluster was started
            return
        client = self.client
        batch = uuid.uuid4().hex[:8]
        expected = _identity()
        futures = {client.submit(_render_on_worker, spec, job.formats, job.cell_timeout, job.warm, expected,
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

    def abandon(self) -> None:
        """The batch was stopped: the reports running are abandoned. The workers of ``local`` are killed at once
        (their kernel templates and kernels follow them: each watches its parent); the client then closes without
        waiting long for a scheduler that may be busy."""
        self._interrupted = self._abandoned = True
        if self.cluster is not None:
            import signal

            for nanny in list(getattr(self.cluster, "workers", {}).values()):
                with contextlib.suppress(Exception):
                    os.kill(nanny.pid, signal.SIGKILL)

    def close(self) -> None:
        self._stack.close()

    def _close_client(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close(timeout=1 if self._abandoned else 10)
            self.client = None

    def _close_cluster(self) -> None:
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=1 if self._abandoned else 20)
            self.cluster = None


def _cancel(client: distributed.Client, futures: list) -> None:
    with contextlib.suppress(Exception):
        client.cancel([f for f in futures if not f.done()])


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def probe(address: str, timeout: float | None = None) -> str | None:
    """What answers at ``address``: ``"Scheduler"``, ``"Worker"``, ``"Nanny"`` (Dask's own names), or ``None``
    for a server that does not speak Dask's protocol; :class:`ClusterError` when nothing can be reached within
    ``timeout`` seconds (an unknown host, a refused or unanswered connection).

    The whole exchange (name lookup, connection, handshake, one question) is bounded: ``distributed.Client``'s
    own timeout covers only the connection, so a server that accepts and stays silent would hold it for ever,
    and one that answers in another protocol makes it read a nonsense frame length (a ``MemoryError``). It runs
    in a thread of its own (with its own event loop: a notebook's may run in this one), which Ctrl-C does not
    wait for.
    """
    import asyncio
    import socket
    import threading

    from distributed.comm import connect, parse_address, parse_host_port
    from distributed.core import send_recv

    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    cannot = f"cannot reach the Dask scheduler at {address}"

    async def ask() -> Any:
        host, port = parse_host_port(parse_address(address)[1])
        try:  # a plain connection first: Dask's own retries a refused one until its timeout, saying only that
            _reader, writer = await asyncio.open_connection(host, port)
        except socket.gaierror:
            raise ClusterError(f"{cannot}: unknown host {host}") from None
        except ConnectionRefusedError:
            raise ClusterError(f"{cannot}: the connection was refused (is the scheduler running, on this "
                               "port?)") from None
        except OSError as exc:
            raise ClusterError(f"{cannot}: {exc.strerror or _reason(exc)}") from None
        writer.close()
        try:
            comm = await connect(address, timeout=timeout)
        except OSError as exc:
            raise ClusterError(f"{cannot}: {_reason(exc)}") from None
        except Exception:  # noqa: BLE001 - Dask's handshake could not read the answer: not Dask
            return None
        try:
            return await send_recv(comm, op="identity")
        except Exception:  # noqa: BLE001 - an answer Dask cannot read, or the server hung up: not Dask
            return None
        finally:
            comm.abort()

    async def bounded() -> Any:
        try:
            return await asyncio.wait_for(ask(), timeout)
        except TimeoutError:
            raise ClusterError(f"{cannot}: no answer as a Dask scheduler within {timeout:.0f} s") from None

    result: list[Any] = []

    def run() -> None:
        try:
            result.append(asyncio.run(bounded()))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            result.append(exc)

    thread = threading.Thread(target=run, name="pmo-dask-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)  # Ctrl-C interrupts the wait; the thread, a daemon, is not waited for at exit
    if not result:
        raise ClusterError(f"{cannot}: no answer as a Dask scheduler within {timeout:.0f} s")
    if isinstance(result[0], BaseException):
        raise result[0]
    answer = result[0]
    return answer.get("type") if isinstance(answer, dict) and isinstance(answer.get("type"), str) else None


def _receive(spec: ReportSpec, outcome: ReportOutcome, files: Mapping[str, bytes], failed: bytes | None,
             job: RenderJob) -> ReportOutcome:
    """Stage the files a worker sent back in the batch's work folder (a failed notebook under ``failed/``).

    The outcome keeps the names the client gave the report (``spec``), whatever the worker's answer says, and a
    rendered report must bring exactly the formats asked for (the HTML a PDF is printed from included).
    """
    outcome = replace(outcome, name=spec.name, report=spec.report, organisation=spec.organisation, pmo=spec.pmo)
    if outcome.status not in ("rendered", "failed"):
        return replace(outcome, status="failed", files={},
                       error=f"{spec.organisation}: a worker answered with an unknown status {outcome.status!r}")
    if outcome.status == "failed" and not outcome.error:
        outcome = replace(outcome, error=f"{spec.organisation}: the report failed on a worker, which gave no reason")
    placed: dict[str, str] = {}
    asked = {*job.formats, *(("html",) if "pdf" in job.formats else ())} - {"pdf"}  # a PDF is printed here
    unasked, missing = sorted(map(str, set(files) - asked)), sorted(asked - set(files))
    if unasked or (missing and outcome.status == "rendered"):
        what = (f"files the batch did not ask for: {', '.join(unasked)}" if unasked else
                f"no {', '.join(missing)} file")
        return replace(outcome, status="failed", files={}, error=f"{spec.organisation}: a worker sent {what}")
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

def _identity() -> tuple[str, str, tuple[str, ...]]:
    """What a worker runs: the package's version and code fingerprint, and its rendering libraries' versions."""
    return __version__, _portable(), _libraries()


@functools.cache
def _libraries() -> tuple[str, ...]:
    from importlib import metadata

    found = []
    for name in RENDERING_LIBRARIES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return tuple(found)


def dask_setup(worker) -> None:
    """Run in each worker process of ``local`` as it starts (a Dask preload).

    Ctrl-C in the terminal reaches the whole process group, workers included; stopping them is the client's to
    do. A worker interrupted therefore carries on, but silently: what it would print while the client stops it
    (its report's kernel closed under it, its event loop torn down) is noise after an interruption.
    """
    import signal

    def _quiet(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        logging.disable(logging.CRITICAL)

    with contextlib.suppress(ValueError):  # not the main thread: leave it
        signal.signal(signal.SIGINT, _quiet)


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


FOLDER_PREFIX = "pmo-report-"
"""A worker renders each report in ``<temp>/pmo-report-<worker pid>-<random>``, removed when the report ends."""


@functools.cache
def _clear_dead_workers_folders() -> None:
    """Remove the report folders of workers that died mid-report (killed outright, their ``finally`` never ran):
    they hold a notebook with a client's data. Once per worker process."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name[len(FOLDER_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive, another user's
            continue


def _render_on_worker(spec: ReportSpec, formats: tuple[str, ...], cell_timeout: int,
                      warm: tuple[dict[str, Any], ...], expected: tuple
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
    from .export import vega_bundle

    vega_js = vega_bundle() if {"html", "pdf"} & set(formats) else ""  # built once per worker (same libraries)

    template = worker_template(warm)
    config = _kernel_config(template.socket_path, str(template.ipc_dir)) if template else _kernel_config()
    _clear_dead_workers_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
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
