"""Report kernels forked from a warm template process.

Starting a Python kernel and importing pandas, altair and scipy in it costs far
more than a report's own cells. A batch therefore starts one *template* process
that imports those libraries once and then waits on a Unix socket; every report
kernel is a fresh ``fork()`` of it that becomes an ipykernel. Each report still
runs in its own new process with its own namespace: the template never runs any
report code, so nothing one organisation's notebook does can reach another's.

The kernels talk to papermill over the ``ipc`` transport (files in a private
folder), so kernels started in parallel never race for TCP ports.

Used by :mod:`pmo_workbench.reports.batch`; the template needs ``os.fork`` (Linux,
macOS). Where it is missing, reports fall back to ordinary kernels.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode, default

from ..errors import KernelStartError
from .shared import WARM_ENV

#: Modules the template imports before it forks kernels: what the report
#: notebooks and ipykernel import at start-up.
PRELOAD = (
    "numpy", "pandas", "scipy.stats", "altair", "markupsafe",
    "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "comm",
    "pmo_workbench", "pmo_workbench.charts", "pmo_workbench.assessment.insights", "pmo_workbench.notebook.show",
    "pmo_workbench.assessment.report",
    "python_calamine", "networkx", "scipy.optimize", "scipy.sparse", "pmo_workbench.portfolio",
    "pmo_workbench.portfolio.analysis", "pmo_workbench.portfolio.actions",
)
_READY = "ready"


def fork_supported() -> bool:
    """Whether this platform can fork report kernels from a template."""
    return hasattr(os, "fork") and sys.platform != "win32"


class KernelTemplate:
    """A process holding warm imports that forks one fresh kernel per request.

    Use as a context manager (or :meth:`start`, other work, then
    :meth:`wait_ready`, and :meth:`close`); :attr:`socket_path` is what
    :class:`ForkingKernelManager` needs, :attr:`ipc_dir` where kernels put their
    ``ipc`` sockets.
    """

    def __init__(self, preload: tuple[str, ...] = PRELOAD, *, start_timeout: float = 60.0,
                 warm: tuple[dict[str, Any], ...] = ()):
        self.preload = preload
        self.warm = tuple(warm)
        self.start_timeout = start_timeout
        self.ipc_dir: Path | None = None
        self.socket_path: str | None = None
        self._proc: subprocess.Popen | None = None
        self._start_error: str | None = None

    def __enter__(self) -> KernelTemplate:
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the template process; a failure to start it is raised by :meth:`wait_ready`."""
        self._start_error = None
        try:
            # A short private folder: Unix socket paths are limited to about 100 bytes.
            self.ipc_dir = Path(tempfile.mkdtemp(prefix="pmo-k-"))
            self.socket_path = str(self.ipc_dir / "t.sock")
            env = None
            if self.warm:  # in a file: a batch's list may be longer than one environment variable may hold
                listed = self.ipc_dir / "warm.json"
                listed.write_text(json.dumps(list(self.warm)), encoding="utf-8")
                env = {**os.environ, WARM_ENV: str(listed)}
            # Its own session: a terminal's Ctrl-C (sent to the batch's process group) is the batch's to act on;
            # its stdin is its lifeline: the batch alone holds the other end, so the template leaves when the
            # batch is gone, however it went (see watch_parent).
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "pmo_workbench.reports.kernels", self.socket_path, *self.preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self.ipc_dir, text=True, env=env, start_new_session=True,
            )
        except OSError as exc:
            self._start_error = str(exc)

    def wait_ready(self) -> None:
        """Block until the template has imported everything and listens (after :meth:`start`).

        Raises :class:`KernelStartError` when it could not be started, exits or is not ready within
        ``start_timeout``.
        """
        if self._start_error:
            reason, self._start_error = self._start_error, None
            self.close()
            raise KernelStartError(f"the report kernel template did not start: {reason}")
        if self._proc is None or self._proc.stdout.closed:
            return
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=self.start_timeout)
        line = self._proc.stdout.readline().strip() if ready else ""
        if line != _READY:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            err = self._proc.stderr.read().strip()
            self.close()
            reason = (err.splitlines() or [""])[-1] or line or (
                f"not ready after {self.start_timeout:.0f} s" if not ready else "it exited")
            raise KernelStartError(f"the report kernel template did not start: {reason}")
        # From here on the template's own output is not read: stop it filling a pipe.
        self._proc.stdout.close()
        self._proc.stderr.close()

    def close(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self.ipc_dir is not None:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)


def _request_fork(socket_path: str, argv: list[str], env: dict[str, str], cwd: str) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        try:
            conn.connect(socket_path)
        except OSError as exc:
            raise KernelStartError(f"the report kernel template is not running ({exc})") from exc
        conn.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
        reply = conn.makefile("r").readline()
    if not reply:
        raise KernelStartError("the report kernel template closed the connection without forking a kernel")
    return int(json.loads(reply)["pid"])


class _ForkedProcess:
    """The parts of ``subprocess.Popen`` the provisioner uses, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the template reaps it; the exit status is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """Launches the kernel by asking a :class:`KernelTemplate` to fork one."""

    socket_path = Unicode("", config=True, help="Unix socket of the kernel template.")

    async def wait(self) -> int | None:
        """Wait for the kernel to exit, polling every 10 ms (the base class sleeps 100 ms a time)."""
        if self.process is None:
            return 0
        while self.process.poll() is None:
            await asyncio.sleep(0.01)
        code = self.process.returncode
        self.process = None
        return code

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = await asyncio.to_thread(_request_fork, self.socket_path, list(cmd), env, cwd)
        self.process = _ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the kernel calls setsid() first thing
        self.cwd = cwd
        return self.connection_info


class ReportKernelClient(AsyncKernelClient):
    """The kernel client of report runs: waits for a new kernel as jupyter_client's does, less two idle waits that
    every report paid with a core left idle: its sockets retry connecting to the kernel being forked every 10 ms
    rather than zmq's 100 ms, and it does not wait for a fifth of a second of silence on IOPub before the first
    cell (what is left there from the readiness check is taken without waiting; nbclient reads only the replies
    to its own requests). A kernel is ready in about 0.04 s instead of 0.35 s."""

    @default("context")
    def _default_context(self):
        # A new kernel binds its sockets a moment after it is forked; a socket that connects before then tries again
        # after zmq's reconnect interval, 100 ms by default: 10 ms here.
        import zmq
        import zmq.asyncio

        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, 10)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected when the kernel's status for that request arrives on it
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)


class ForkingKernelManager(AsyncKernelManager):
    """A kernel manager for report runs: ``ipc`` transport, kernels forked from a template.

    With ``template_socket`` empty it starts ordinary kernels (still on ``ipc``).
    """

    template_socket = Unicode("", config=True, help="Unix socket of a running KernelTemplate.")
    ipc_dir = Unicode("", config=True, help="Folder for the kernels' ipc sockets (short path).")

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("client_factory")
    def _default_client_factory(self) -> type:
        return ReportKernelClient

    async def _async_pre_start_kernel(self, **kw: Any):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        folder = self.ipc_dir or tempfile.gettempdir()
        self.ip = os.path.join(folder, f"k-{self.kernel_id[:12]}")
        if self.provisioner is None and self.template_socket:
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self,
                socket_path=self.template_socket,
            )
        return await super()._async_pre_start_kernel(**kw)


# --- the template process ----------------------------------------------------------------------

def _die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Linux: have this process sent ``signum`` when the process that started it dies, whatever the cause."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def watch_parent(lifeline: Any, leave: Any = None) -> threading.Thread:
    """Leave this process when its parent is gone, on any platform: a daemon thread blocks reading ``lifeline`` (a
    file descriptor, or a ``multiprocessing`` connection) whose write end only the parent holds; at its end (the
    parent exited or was killed: the system closed its end) it calls ``leave`` (default: exit at once)."""
    def wait() -> None:
        with contextlib.suppress(BaseException):
            while True:
                if isinstance(lifeline, int):
                    if not os.read(lifeline, 4096):
                        break
                else:
                    lifeline.recv_bytes()
        if leave is not None:
            leave()
        os._exit(1)

    thread = threading.Thread(target=wait, name="pmo-parent-watch", daemon=True)
    thread.start()
    return thread


def _become_kernel(request: dict[str, Any], lifeline: tuple[int, int] | None = None) -> None:
    """In a freshly forked child: turn into an ipykernel. Never returns."""
    code = 1
    try:
        _die_with_parent()
        if lifeline is not None:  # the template's end stays the template's: the kernel watches for its end
            os.close(lifeline[1])
            watch_parent(lifeline[0])
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        argv = request["argv"]
        args = argv[argv.index("ipykernel_launcher") + 1:] if "ipykernel_launcher" in argv else argv[1:]
        # No command history: a report kernel never needs it, and every kernel would otherwise open (and at exit
        # write) the one history database of the user's profile, all of a batch's kernels at once.
        args = [*args, "--HistoryManager.enabled=False"]
        sys.argv = [argv[0], *args]
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]  # as ipykernel_launcher does; the shell adds the working folder back
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - the child must never return into the template's loop
        traceback.print_exc()
    finally:
        os._exit(code)


def _warm_up() -> None:
    """Run the package once on made-up answers so that lazy imports and schema loading happen here.

    Nothing is cached from files: only code paths are exercised. Each kernel forked
    afterwards skips those first-call costs.
    """
    import pandas as pd

    from .. import assess, charts, load_instrument
    from ..assessment import insights

    instrument = load_instrument("pmo-core")
    rows = [("Warm", "PMO", f"r{r}", role, item, 1 + (r + n) % 5)
            for r, role in enumerate(instrument.role_ids[:3]) for n, item in enumerate(instrument.items.index)]
    answers = pd.DataFrame(rows, columns=["organisation", "pmo", "respondent", "role", "item", "value"])
    answers["value"] = answers["value"].astype(float)
    a = assess(answers, instrument, min_group_size=1).assessments[0]
    insights.data_quality(answers, a, instrument)
    insights.item_scores_by_role(answers, instrument, "Warm", "PMO")
    for chart in (charts.dimension_scores(a.dimensions), charts.pmo_roles(a.pmo_roles),
                  charts.ladder(a.type.ladder, a.type.type, {})):
        chart.to_dict(validate=False)


def _children() -> list[int]:
    """This process's living children (Linux, from /proc; elsewhere none are found)."""
    me, found = os.getpid(), []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                if int(fields[1]) == me:  # after the command name: state, then ppid
                    found.append(int(entry.name))
    return found


def _serve(socket_path: str, preload: list[str]) -> None:
    from .. import _skip_slow_optional_imports

    # A batch killed outright takes its template with it, and the template its kernels; on the way
    # out the template removes its private folder, which the dead batch can no longer do.
    folder = os.path.dirname(socket_path)

    def _leave(signum: int, frame: object) -> None:
        # Kernels die with the template, but one still starting could add a socket file while the folder is
        # being removed: stop them first, then remove it (again, if a file slipped in).
        for pid in _children():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for _ in range(20):
            shutil.rmtree(folder, ignore_errors=True)
            if not os.path.exists(folder):
                break
            time.sleep(0.05)
        os._exit(0)

    signal.signal(signal.SIGTERM, _leave)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # stopping is the batch's to decide (it closes the template)
    _die_with_parent(signal.SIGTERM)
    watch_parent(0, lambda: _leave(signal.SIGTERM, None))  # stdin: the batch's end closes when it is gone
    _skip_slow_optional_imports()
    for name in preload:
        importlib.import_module(name)
    if "pmo_workbench.charts" in preload:
        _warm_up()
    listed = os.environ.pop(WARM_ENV, None)
    if listed:
        from .shared import warm

        with contextlib.suppress(OSError, ValueError):  # unreadable: every report reads its own inputs
            warm(json.loads(Path(listed).read_text(encoding="utf-8")))  # once, for every kernel forked below
    # What is in memory now is the template's for good: kept out of the kernels' garbage collections, which then
    # neither walk it nor write to its pages (the kernels share them with the template until they change them).
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps nothing; exited kernels vanish
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(64)
    lifeline = os.pipe()  # the kernels' watch on the template: only the template keeps the write end
    print(_READY, flush=True)
    while True:
        conn, _ = server.accept()
        with conn:
            line = conn.makefile("r").readline()
            if not line:
                continue
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _become_kernel(request, lifeline)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2:])
