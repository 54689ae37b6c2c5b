"""Autosave without a user interface: changes written in batches, soon, retried, never dropped silently.

:class:`Autosaver` collects changes (a key and its newest value) and hands
every pending one to a ``save`` callable in one call:

* **Debounce.** The first change after a write starts a timer of ``debounce``
  seconds; later changes join it (they do not restart it), so steady typing
  cannot hold changes back: a change is written at most ``debounce`` seconds
  (plus the time of the write) after it was made.
* **Retries.** A failed write keeps its changes (a newer change of the same key
  wins over the failed one), the status reads ``"not saved: <error>"`` and a
  retry is scheduled after ``retry_delays`` (1, 2, 4, 4, … seconds by default,
  the last delay repeating). A change made while a retry waits is written no
  later than its own debounce.
* **Closing.** :meth:`Autosaver.close` writes what is pending, or raises
  :class:`~pmo_workbench.errors.UnsavedAnswersError` and keeps it.
* **Exit.** The timer after a change keeps the interpreter alive until it has
  run; a retry timer is a daemon thread (a store that keeps failing must not
  hold a process open), so at interpreter exit an autosaver still holding
  changes makes a last attempt and prints what is lost on stderr. That hook is
  registered with :mod:`atexit` through a weak reference: a collected
  autosaver costs nothing.

The clock and the timer factory are injectable, so tests drive time by hand.
This module uses the standard library only (and :mod:`pmo_workbench.errors`).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import math
import sys
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from ..errors import PmoWorkbenchError, UnsavedAnswersError

__all__ = ["NOT_SAVED", "RETRY_DELAYS", "SAVED", "SAVING", "Autosaver", "TimerLike", "UnsavedAnswersError",
           "thread_timer"]

SAVING = "saving…"
SAVED = "saved"
NOT_SAVED = "not saved"
RETRY_DELAYS = (1.0, 2.0, 4.0)  # seconds before retrying a failed write; the last one repeats

K = TypeVar("K")
V = TypeVar("V")


class TimerLike(Protocol):
    """What :class:`Autosaver` needs of a timer: :class:`threading.Timer` has it."""

    def start(self) -> None:
        """Start waiting; call the callback when the delay has passed (unless cancelled)."""

    def cancel(self) -> None:
        """Do not call the callback (a no-op once it runs)."""


TimerFactory = Callable[[float, Callable[[], None], bool, str], TimerLike]


def thread_timer(delay: float, callback: Callable[[], None], daemon: bool, name: str) -> threading.Timer:
    """The default timer factory: a named :class:`threading.Timer`, not yet started.

    Parameters
    ----------
    delay
        Seconds to wait.
    callback
        Called in the timer's thread once the delay has passed.
    daemon
        Whether the thread is a daemon (a daemon does not keep the interpreter alive).
    name
        The thread's name.

    Returns
    -------
    threading.Timer
        The timer; :class:`Autosaver` starts it.
    """
    timer = threading.Timer(delay, callback)
    timer.name = name
    timer.daemon = daemon
    return timer


class Autosaver(Generic[K, V]):
    """Pending changes written by ``save`` soon after they are made, retried on failure, never dropped silently.

    Parameters
    ----------
    save
        Writes a batch ``{key: value}`` of every pending change in one call
        (e.g. one transaction); any exception means nothing was written.
    debounce
        The longest time, in seconds, a change waits before it is written: the
        first change after a write starts the wait, later changes join it.
    retry_delays
        Seconds to wait before retrying a failed write, one per consecutive
        failure, the last repeating; or a callable returning them, read at each
        failure (so an owner can let its users change them at any time).
    clock
        Monotonic seconds (:func:`time.monotonic`); the timer deadlines are on this clock.
    timer
        ``timer(delay, callback, daemon, name)`` returns an unstarted timer
        (:func:`thread_timer`, a :class:`threading.Timer`); the autosaver starts
        and cancels it.
    on_status
        Called with the new :attr:`status` whenever it changes, while the
        autosaver's lock is held (so it must not call back into the autosaver).
    on_saved
        Called after each successful write of a non-empty batch, outside the
        locks, with ``closing``: ``True`` when the write was made by
        :meth:`close` or the last attempt at exit (a user interface about to go
        need not redraw).
    describe_lost
        Given the changes still pending at interpreter exit after the last
        attempt, the line printed on stderr; by default it names the
        autosaver and lists ``key=value``.
    name
        Names the timer threads (``pmo-workbench-save-<name>``,
        ``pmo-workbench-retry-<name>``) and the messages.

    Attributes
    ----------
    debounce
        As given, in seconds.
    name
        As given.

    Examples
    --------
    >>> saved = []
    >>> saver = Autosaver(saved.append, debounce=60)
    >>> saver.record("G1", 4)
    >>> saver.status
    'saving…'
    >>> saver.flush()
    True
    >>> saved
    [{'G1': 4}]
    >>> saver.close()
    """

    def __init__(self, save: Callable[[dict[K, V]], None], *, debounce: float = 0.5,
                 retry_delays: Sequence[float] | Callable[[], Sequence[float]] = RETRY_DELAYS,
                 clock: Callable[[], float] = time.monotonic, timer: TimerFactory = thread_timer,
                 on_status: Callable[[str], None] | None = None, on_saved: Callable[[bool], None] | None = None,
                 describe_lost: Callable[[dict[K, V]], str] | None = None, name: str = "") -> None:
        self._save = save
        self.debounce = float(debounce)
        self._retry_delays = retry_delays
        self._clock = clock
        self._timer_factory = timer
        self._on_status = on_status
        self._on_saved = on_saved
        self._describe_lost = describe_lost
        self.name = name
        self._lock = threading.Lock()  # guards _pending, _timer, _due, _failures, _closed, _status
        self._flush_lock = threading.Lock()  # one write at a time
        self._pending: dict[K, V] = {}
        self._timer: TimerLike | None = None
        self._due = math.inf  # clock() at which the running timer fires
        self._failures = 0  # consecutive failed writes
        self._closed = False
        self._status = ""
        atexit.register(_last_attempt, weakref.ref(self))

    # -- what an owner reads ----------------------------------------------------------------------
    @property
    def pending(self) -> dict[K, V]:
        """Changes recorded but not yet written (a copy)."""
        with self._lock:
            return dict(self._pending)

    @property
    def status(self) -> str:
        """``""`` (nothing yet), ``"saving…"``, ``"saved HH:MM:SS"`` or ``"not saved: <error>"``."""
        return self._status

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` succeeded (no change can be recorded any more)."""
        return self._closed

    @property
    def failures(self) -> int:
        """Consecutive failed writes (0 after a success)."""
        return self._failures

    @property
    def due(self) -> float:
        """The :attr:`clock` time at which the running timer fires, ``inf`` when none runs."""
        return self._due

    # -- what an owner does -----------------------------------------------------------------------
    def record(self, key: K, value: V) -> None:
        """Record a change: ``key`` now has ``value``; it is written at most ``debounce`` seconds later.

        The status becomes ``"saving…"``. A running timer is not restarted
        (steady changes cannot hold a write back), unless it fires later than
        this change's deadline (a retry waiting after a failed write): then
        the wait is shortened to ``debounce``.

        Raises
        ------
        PmoWorkbenchError
            When the autosaver is closed.
        """
        with self._lock:
            if self._closed:
                raise PmoWorkbenchError(f"autosaver {self.name!r} is closed; no change can be recorded")
            self._pending[key] = value
            if self._timer is None or self._due > self._clock() + self.debounce:
                self._start_timer(self.debounce, retry=False)
            self._set_status(SAVING)

    def flush(self) -> bool:
        """Write every pending change now, in one ``save`` call.

        Returns
        -------
        bool
            ``True`` when nothing was pending or the write succeeded; ``False``
            when it failed: the changes stay pending (a change recorded
            meanwhile wins over the failed one), the status reads
            ``"not saved: <error>"`` and a retry is scheduled after the next of
            the retry delays (sooner when a change is already due sooner).
        """
        return self._flush(closing=False)

    def close(self) -> None:
        """Write the pending changes and close; closing a closed autosaver does nothing.

        Raises
        ------
        UnsavedAnswersError
            When the pending changes cannot be written: they are kept, the
            autosaver stays open (and keeps retrying), and ``close()`` may be
            called again.
        """
        if self._closed:
            return
        while True:
            written = self._flush(closing=True)
            with self._lock:
                unsaved = dict(self._pending)
                if not unsaved:
                    self._closed = True
                    self._cancel_timer()
            if not unsaved or not written:  # written, but another thread added a change meanwhile: write that too
                break
        if unsaved:
            keys = ", ".join(str(key) for key in unsaved)
            raise UnsavedAnswersError(
                f"{self.name or 'autosaver'}: {len(unsaved)} change(s) could not be saved ({keys}); {self.status}. "
                "They are kept and retried; close() may be called again")

    # -- internals --------------------------------------------------------------------------------
    def _flush(self, *, closing: bool) -> bool:
        with self._flush_lock:
            with self._lock:
                self._cancel_timer()
                batch = dict(self._pending)
                self._pending.clear()
            if not batch:
                return True
            try:
                self._save(batch)
            except Exception as exc:  # noqa: BLE001 - any failure must show, never be lost silently
                with self._lock:
                    for key, value in batch.items():
                        self._pending.setdefault(key, value)  # a newer change wins
                    self._failures += 1
                    delays = self._retry_delays() if callable(self._retry_delays) else self._retry_delays
                    delay = delays[min(self._failures, len(delays)) - 1]
                    if self._timer is None or self._due > self._clock() + delay:  # a newer change may be sooner
                        self._start_timer(delay, retry=True)
                    self._set_status(f"{NOT_SAVED}: {exc}")
                return False
            with self._lock:
                self._failures = 0
                if not self._pending:  # under the lock: a change recorded meanwhile keeps "saving…"
                    self._set_status(f"{SAVED} {dt.datetime.now():%H:%M:%S}")
        if self._on_saved is not None:
            self._on_saved(closing)
        return True

    def _start_timer(self, delay: float, *, retry: bool) -> None:
        """Start (or move) the timer; the caller holds ``_lock``.

        The save after a change keeps the interpreter alive until it has run (a
        script's last changes are written on exit); a retry does not, so a
        store that keeps failing cannot hold the interpreter open for ever.
        """
        self._cancel_timer()
        self._due = self._clock() + delay
        self._timer = self._timer_factory(delay, self.flush, retry,
                                          f"pmo-workbench-{'retry' if retry else 'save'}-{self.name}")
        self._timer.start()

    def _cancel_timer(self) -> None:
        """Stop the timer, if any; the caller holds ``_lock``."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._due = math.inf

    def _set_status(self, text: str) -> None:
        """Set the status and tell ``on_status``; the caller holds ``_lock``."""
        self._status = text
        if self._on_status is not None:
            self._on_status(text)

    def _lost_message(self, lost: dict[K, V]) -> str:
        if self._describe_lost is not None:
            return self._describe_lost(lost)
        listed = ", ".join(f"{key}={value!r}" for key, value in lost.items())
        return (f"pmo-workbench: {len(lost)} change(s) of {self.name or 'an autosaver'} could not be saved "
                f"before exit: {listed}")


def _last_attempt(saver_ref: weakref.ref) -> None:
    """At interpreter exit: write what an autosaver still holds; if that fails too, say on stderr what is lost.

    Retry timers are daemon threads (a failing store must not keep a process alive), so without this a
    script or kernel ending during an outage would drop its last changes silently.
    """
    saver = saver_ref()
    if saver is None or saver.closed or not saver.pending:
        return
    with contextlib.suppress(Exception):
        saver._flush(closing=True)
    lost = saver.pending
    if lost:
        print(saver._lost_message(lost), file=sys.stderr)
