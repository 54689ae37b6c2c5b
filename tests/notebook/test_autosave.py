"""The autosave engine without widgets: debounce, retries, closing and the last attempt at exit.

Time is a :class:`~tests.fake_clock.FakeClock`: nothing sleeps, timers fire when a
test advances the clock. Only the tests of the default timer use real threads.
"""

from __future__ import annotations

import ast
import gc
import random
import re
import sys
import threading
import types
import weakref

import pytest

from pmo_workbench.notebook import autosave as _autosave
from pmo_workbench.notebook.autosave import RETRY_DELAYS, Autosaver, thread_timer
from pmo_workbench.errors import PmoWorkbenchError, UnsavedAnswersError

from tests.helpers import FakeClock

SAVED = re.compile(r"^saved \d\d:\d\d:\d\d$")


class Store:
    """A save callable that keeps every batch it is given and fails while ``failing`` is set."""

    def __init__(self, clock: FakeClock | None = None):
        self.clock = clock
        self.batches: list[dict] = []
        self.times: list[float] = []  # the clock's time of each successful write
        self.data: dict = {}
        self.calls = 0
        self.failing: str | None = None

    def __call__(self, batch: dict) -> None:
        self.calls += 1
        if self.failing:
            raise OSError(self.failing)
        self.batches.append(dict(batch))
        self.data.update(batch)
        if self.clock is not None:
            self.times.append(self.clock.now)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock) -> Store:
    return Store(clock)


@pytest.fixture
def make_saver(clock, store):
    savers = []

    def make(**options) -> Autosaver:
        options = {"debounce": 0.5, "clock": clock, "timer": clock.timer, "name": "t", **options}
        saver = Autosaver(options.pop("save", store), **options)
        savers.append(saver)
        return saver

    yield make
    store.failing = None
    for saver in savers:
        saver.close()


def test_the_engine_imports_the_standard_library_and_the_errors_only():
    # UI-free: no ipywidgets, pandas or store behind the engine
    tree = ast.parse(open(_autosave.__file__, encoding="utf-8").read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or "") if node.level else node.module.split(".")[0])
    relative = {name for name in imported if name.startswith(".")}
    assert relative == {"..errors"}
    assert imported - relative <= set(sys.stdlib_module_names) | {"__future__"}


# -- debounce ------------------------------------------------------------------------------------------------


def test_a_change_is_written_when_its_debounce_ends_and_the_status_says_so(make_saver, store, clock):
    statuses = []
    saver = make_saver(on_status=statuses.append)
    assert saver.status == "" and saver.pending == {}
    saver.record("G1", 4)
    assert saver.status == "saving…" and saver.pending == {"G1": 4}
    clock.advance(0.4)
    assert store.batches == []
    clock.advance(0.1)
    assert store.batches == [{"G1": 4}]
    assert store.times == [0.5]
    assert saver.pending == {}
    assert SAVED.match(saver.status)
    assert statuses == ["saving…", saver.status]
    assert clock.waiting == []


def test_steady_changes_do_not_restart_the_debounce(make_saver, store, clock):
    # each change used to restart the wait, so nothing was written while the user kept typing
    saver = make_saver(debounce=0.5)
    for step in range(20):  # a change every 0.125 s for 2.5 s
        saver.record("P1", "x" * (step + 1))
        saver.record(f"K{step}", step)
        clock.advance(0.125)
    # written every 0.5 s (the first change after a write starts the wait), each batch holding what came meanwhile
    assert store.times == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert store.batches[0] == {"P1": "xxxx", "K0": 0, "K1": 1, "K2": 2, "K3": 3}
    assert store.data["P1"] == "x" * 20
    assert [t.daemon for t in clock.timers] == [False] * 5  # a save after a change keeps the process alive
    assert clock.timers[0].name == "pmo-workbench-save-t"


def test_flush_writes_every_pending_change_in_one_call_and_cancels_the_timer(make_saver, store, clock):
    saved_calls = []
    saver = make_saver(on_saved=saved_calls.append)
    saver.record("A", 1)
    saver.record("B", 2)
    saver.record("A", 3)  # a change of mind: the newest value
    assert saver.flush() is True
    assert store.batches == [{"A": 3, "B": 2}]
    assert saved_calls == [False]
    assert clock.waiting == [] and saver.due == float("inf")
    assert saver.flush() is True  # nothing pending: no call, no on_saved
    assert store.calls == 1 and saved_calls == [False]


# -- failures and retries ------------------------------------------------------------------------------------


def test_retries_back_off_1_2_4_then_every_4_seconds_as_daemons(make_saver, store, clock):
    saver = make_saver()
    store.failing = "disk full"
    saver.record("S1", 4)
    waits = []
    for _ in range(5):
        assert saver.flush() is False  # each failure schedules the next retry
        (timer,) = clock.waiting
        waits.append(timer.interval)
        assert timer.daemon and timer.name == "pmo-workbench-retry-t"  # a failing store cannot keep a process alive
        assert saver.due == clock.now + timer.interval
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert saver.failures == 5
    assert saver.status == "not saved: disk full"
    assert saver.pending == {"S1": 4}
    store.failing = None
    assert saver.flush() is True
    assert saver.failures == 0 and SAVED.match(saver.status)
    assert RETRY_DELAYS == (1.0, 2.0, 4.0)


def test_a_failed_write_is_retried_without_a_new_change(make_saver, store, clock):
    saver = make_saver(debounce=0.5)
    store.failing = "database is locked"
    saver.record("S1", 4)
    clock.advance(0.5)  # the debounce write fails
    assert store.calls == 1 and saver.pending == {"S1": 4}
    store.failing = None
    clock.advance(0.999)
    assert store.calls == 1
    clock.advance(0.001)  # nobody touched it: the retry after 1 s wrote it
    assert store.batches == [{"S1": 4}] and store.times == [1.5]
    assert saver.pending == {} and SAVED.match(saver.status)


def test_retry_delays_may_be_a_callable_read_at_each_failure(make_saver, store, clock):
    delays = [(0.25,)]
    saver = make_saver(retry_delays=lambda: delays[0])
    store.failing = "locked"
    saver.record("S1", 4)
    saver.flush()
    assert clock.waiting[0].interval == 0.25
    delays[0] = (7.0,)
    saver.flush()
    assert clock.waiting[0].interval == 7.0


def test_a_change_during_a_long_retry_wait_is_written_within_its_debounce(make_saver, store, clock):
    saver = make_saver(debounce=0.5)
    store.failing = "disk full"
    saver.record("S1", 4)
    saver.flush()
    saver.flush()
    saver.flush()  # the third failure: the next retry in 4 s
    assert saver.due == pytest.approx(4.0)
    store.failing = None
    clock.advance(1.0)
    saver.record("S2", 1)  # due in 0.5 s, sooner than the retry: the wait is moved earlier
    assert saver.due == pytest.approx(1.5)
    (timer,) = clock.waiting
    assert timer.interval == 0.5 and not timer.daemon  # now a save after a change: it keeps the process alive
    clock.advance(0.5)
    assert store.batches == [{"S1": 4, "S2": 1}] and store.times == [1.5]


def test_a_change_during_a_short_retry_wait_joins_it(make_saver, store, clock):
    saver = make_saver(debounce=0.5, retry_delays=(0.25,))
    store.failing = "locked"
    saver.record("S1", 4)
    saver.flush()
    (retry,) = clock.waiting
    store.failing = None
    clock.advance(0.125)
    saver.record("S2", 1)  # the retry (due at 0.25) is sooner than this change's deadline (0.625): kept
    assert clock.waiting == [retry] and saver.due == 0.25
    clock.advance(0.125)
    assert store.batches == [{"S1": 4, "S2": 1}] and store.times == [0.25]


def test_a_failed_write_keeps_its_batch_and_a_newer_change_wins(make_saver, clock):
    batches = []

    def save(batch):
        batches.append(dict(batch))
        if len(batches) == 1:
            saver.record("A", "newer")  # a change made while the write runs (the write then fails)
            raise OSError("disk full")

    saver = make_saver(save=save)
    saver.record("A", "older")
    saver.record("B", "kept")
    assert saver.flush() is False
    assert saver.pending == {"A": "newer", "B": "kept"}
    assert saver.status == "not saved: disk full"
    # the change recorded meanwhile is due at its debounce, sooner than the 1 s retry
    assert saver.due == pytest.approx(0.5)
    clock.advance(0.5)
    assert batches[1] == {"A": "newer", "B": "kept"}
    assert saver.pending == {}


def test_the_status_never_reads_saved_while_a_newer_change_is_pending(make_saver):
    # a change recorded between the end of a write and the "saved" status was hidden
    late: list[threading.Thread] = []

    def on_status(text: str) -> None:
        if text.startswith("saved") and not late:  # a change comes in just as the write reports success
            late.append(threading.Thread(target=saver.record, args=("S1", 2)))
            late[0].start()
            late[0].join(0.05)  # it waits for the lock the status is set under
    saver = make_saver(on_status=on_status)
    saver.record("G1", 4)
    saver.flush()
    late[0].join()
    assert saver.pending == {"S1": 2}
    assert saver.status == "saving…"


# -- closing -------------------------------------------------------------------------------------------------


def test_close_writes_pending_changes_and_closes(make_saver, store, clock):
    saved_calls = []
    saver = make_saver(on_saved=saved_calls.append)
    saver.record("G1", 5)
    saver.close()
    assert store.batches == [{"G1": 5}]
    assert saved_calls == [True]  # made by close(): an owner about to go need not redraw
    assert saver.closed and saver.pending == {} and clock.waiting == []
    saver.close()  # closing again does nothing
    assert store.calls == 1
    with pytest.raises(PmoWorkbenchError, match="closed"):
        saver.record("G1", 1)


def test_close_raises_and_keeps_what_it_cannot_write(make_saver, store, clock):
    # close() used to drop the pending answers silently when the write failed
    saver = make_saver(name="respondent 7")
    store.failing = "disk full"
    saver.record("G1", 5)
    with pytest.raises(UnsavedAnswersError, match=r"respondent 7: 1 change\(s\).*G1.*disk full"):
        saver.close()
    assert not saver.closed
    assert saver.pending == {"G1": 5}
    assert clock.waiting[0].daemon  # still retried
    saver.record("G2", 3)  # still open and usable
    store.failing = None
    saver.close()
    assert store.data == {"G1": 5, "G2": 3}
    assert saver.closed and saver.pending == {}


def test_close_also_writes_a_change_made_during_its_write(make_saver, clock):
    batches = []

    def save(batch):
        batches.append(dict(batch))
        if len(batches) == 1:
            saver.record("B", 2)  # another thread's change, recorded while close() writes

    saver = make_saver(save=save)
    saver.record("A", 1)
    saver.close()
    assert batches == [{"A": 1}, {"B": 2}]
    assert saver.closed and clock.waiting == []


def test_unsaved_answers_error_is_importable_from_the_widgets_module():
    pytest.importorskip("ipywidgets")
    from pmo_workbench.notebook import form as widgets

    assert widgets.UnsavedAnswersError is UnsavedAnswersError
    assert issubclass(UnsavedAnswersError, PmoWorkbenchError)


# -- the last attempt at exit --------------------------------------------------------------------------------


@pytest.fixture
def registered(monkeypatch) -> list[tuple]:
    """What autosavers register with atexit (the real atexit is left alone)."""
    calls: list[tuple] = []
    monkeypatch.setattr(_autosave, "atexit", types.SimpleNamespace(register=lambda *call: calls.append(call)))
    return calls


def test_at_exit_the_pending_changes_are_written(make_saver, store, registered, capsys):
    saver = make_saver()
    (function, ref), = registered
    assert isinstance(ref, weakref.ref) and ref() is saver
    saver.record("MAN1", 4)  # the process ends before the debounce
    function(ref)
    assert store.batches == [{"MAN1": 4}]
    assert saver.pending == {}
    assert capsys.readouterr().err == ""


def test_at_exit_what_cannot_be_written_is_named_on_stderr(make_saver, store, registered, capsys):
    saver = make_saver(name="respondent 3")
    (function, ref), = registered
    store.failing = "disk unplugged"
    saver.record("MAN1", 4)
    saver.record("MAN2", None)
    function(ref)
    err = capsys.readouterr().err
    assert err == ("pmo-workbench: 2 change(s) of respondent 3 could not be saved before exit: "
                   "MAN1=4, MAN2=None\n")
    assert saver.pending == {"MAN1": 4, "MAN2": None}  # nothing dropped


def test_at_exit_the_owner_may_describe_what_is_lost(make_saver, store, registered, capsys):
    saver = make_saver(describe_lost=lambda lost: f"lost {sorted(lost)}")
    (function, ref), = registered
    store.failing = "disk unplugged"
    saver.record("B", 1)
    saver.record("A", 2)
    function(ref)
    assert capsys.readouterr().err == "lost ['A', 'B']\n"


def test_at_exit_a_closed_or_idle_saver_does_nothing(make_saver, store, registered, capsys):
    idle = make_saver()
    closed = make_saver()
    closed.record("A", 1)
    closed.close()
    store.failing = "disk unplugged"
    for function, ref in registered:
        function(ref)
    assert store.calls == 1  # close()'s write only
    assert capsys.readouterr().err == ""
    assert idle.pending == {}


def test_a_collected_saver_is_not_kept_alive_by_atexit(clock, store, registered, capsys):
    saver = Autosaver(store, clock=clock, timer=clock.timer)
    (function, ref), = registered
    saver.record("A", 1)
    saver.flush()  # nothing left for a timer to hold on to
    del saver
    gc.collect()
    assert ref() is None  # only a weak reference was registered
    function(ref)  # and the hook of a collected saver costs nothing
    assert capsys.readouterr().err == ""


def test_a_collected_owner_and_its_saver_go_together(clock, store, registered):
    class Owner:
        def __init__(self):
            self.saver = Autosaver(store, clock=clock, timer=clock.timer, on_status=lambda text: self.seen(text))

        def seen(self, text):
            self.text = text

    owner = Owner()
    (_, ref), = registered
    owner_ref = weakref.ref(owner)
    del owner
    gc.collect()
    assert owner_ref() is None and ref() is None


# -- threads -------------------------------------------------------------------------------------------------


def test_two_threads_recording_while_flushing_lose_nothing(make_saver, store):
    rng = random.Random(7)

    def save(batch):  # a store that fails now and then, like a busy database
        if rng.random() < 0.3:
            raise OSError("database is locked")
        store.data.update(batch)

    saver = make_saver(save=save)
    last: dict[str, int] = {}
    start = threading.Barrier(3)

    def typist(prefix: str) -> None:
        start.wait()
        for value in range(2000):
            key = f"{prefix}{value % 37}"
            saver.record(key, value)
            last[key] = value  # each thread writes its own keys

    threads = [threading.Thread(target=typist, args=(prefix,)) for prefix in "ab"]
    for thread in threads:
        thread.start()
    start.wait()
    while any(thread.is_alive() for thread in threads):
        saver.flush()
    for thread in threads:
        thread.join()
    while not saver.flush():
        pass
    assert saver.pending == {}
    assert store.data == last  # every key, with its newest value: a failed batch never overwrote a newer change


# -- the default timer ---------------------------------------------------------------------------------------


def test_the_default_timer_is_a_named_thread_timer_not_yet_started():
    timer = thread_timer(30.0, lambda: None, True, "pmo-workbench-retry-x")
    assert isinstance(timer, threading.Timer)
    assert (timer.interval, timer.daemon, timer.name) == (30.0, True, "pmo-workbench-retry-x")
    assert not timer.is_alive()


def test_with_real_threads_a_change_is_written_by_the_save_thread():
    written = threading.Event()
    threads = []

    def save(batch):
        threads.append(threading.current_thread())
        written.set()

    saver = Autosaver(save, debounce=0.02, name="real")
    try:
        saver.record("A", 1)
        assert written.wait(10)
        assert threads[0].name == "pmo-workbench-save-real" and not threads[0].daemon
    finally:
        saver.close()
