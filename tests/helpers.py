"""Helpers the tests share: a tiny instrument, small responses frames and files, small portfolio workbooks.

The tiny instrument (:data:`TINY_YAML`) has numbers easy to work out by hand;
:func:`answers` builds a tidy responses frame and :func:`write_csv` a file.
Portfolio workbooks are written as a CSV folder or an .xlsx file:

``write_portfolio(tmp_path, {"projects": [minimal_project(), ...], "risks": [...]})``
returns a path :func:`pmo_workbench.portfolio.workbook.read_portfolio` reads.
Rows are dicts; a sheet's header is every key of its rows, in the order they
first appear; a key a row lacks, or ``None``, is a blank cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import openpyxl
import pandas as pd

TINY_YAML = textwrap.dedent("""\
    id: tiny
    version: "0.1"
    title: Tiny test instrument
    scale: {min: 1, max: 5}
    maturity_thresholds: [20, 40, 60, 80]
    roles:
      - {id: executive, label: Executive}
      - {id: pmo_staff, label: PMO staff}
      - {id: project_manager, label: Project manager}
    dimensions:
      - id: gov
        label: Governance
        pmo_role: standards
        weight: 2
        items:
          - {id: G1, text: "g one"}
          - {id: G2, text: "g two", reverse: true}
          - {id: G3, text: "g three", weight: 2}
          - {id: G4, text: "g four"}
      - id: sup
        label: Support
        pmo_role: customer_support
        items:
          - {id: S1, text: "s one"}
          - {id: S2, text: "s two"}
      - id: ppl
        label: People
        pmo_role: empowerment
        items:
          - {id: P1, text: "p one"}
          - {id: P2, text: "p two"}
          - {id: P3, text: "p three"}
          - {id: P4, text: "p four"}
          - {id: P5, text: "p five"}
    types:
      - {id: supportive, label: Supportive, gates: {gov: 40}}
      - {id: controlling, label: Controlling, gates: {gov: 60, sup: 50}}
      - {id: strategic, label: Strategic, gates: {ppl: 70}}
    """)

RELIABILITY_YAML = textwrap.dedent("""\
    id: mini
    version: "0.1"
    title: Item analysis test instrument
    scale: {min: 1, max: 5}
    roles:
      - {id: executive, label: Executive}
      - {id: project_manager, label: Project manager}
    dimensions:
      - id: fit
        label: Fit
        items:
          - {id: A, text: "a"}
          - {id: B, text: "b"}
          - {id: C, text: "c", reverse: true}
          - {id: D, text: "d, executives only", audience: [executive]}
      - id: few
        label: Few items
        items:
          - {id: E, text: "=e"}
          - {id: F, text: "f"}
    types:
      - {id: basic, label: Basic, gates: {fit: 40}}
    """)
"""For item analysis: ``fit`` has three items asked of every role (C reversed) and one (D) asked of executives
only; ``few`` has two items, too few for alpha (E's text starts like a spreadsheet formula)."""


def answers(rows: list[tuple], pmo: str = "PMO", organisation: str = "Org") -> pd.DataFrame:
    """A tidy responses frame from (respondent, role, item, value) tuples; value None = not answered."""
    return pd.DataFrame(
        [
            {"organisation": organisation, "pmo": pmo, "pmo_level": None, "respondent": r, "role": role,
             "item": item, "value": np.nan if v is None else float(v)}
            for r, role, item, v in rows
        ]
    )


def write_csv(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path

PROJECT = {
    "project_id": "P1",
    "name": "Project one",
    "pmo": "EPMO",
    "sponsor": "Ann",
    "status": "active",
    "start": "2025-01-01",
    "finish": "2025-12-31",
    "bac": 1000,
    "pv": 500,
    "ev": 400,
    "ac": 450,
}


def projects_frame(*rows: dict, name: str = "Project") -> pd.DataFrame:
    """A validated projects frame (model.PROJECT_COLUMNS) built in memory, ids P-001, P-002, ...

    Each row overrides the defaults: active 2024-01-01 to 2024-12-31, sponsor Sam, BAC 1000, PV 500, EV 400,
    AC 500 (CPI 0.8, SPI 0.8), strategic value 5, category IT.
    """
    from pmo_workbench.portfolio.model import PROJECT_STATUSES

    base = {
        "project_id": "P-001", "name": name, "pmo": "PMO", "sponsor": "Sam", "status": "active",
        "start": "2024-01-01", "finish": "2024-12-31", "forecast_finish": None,
        "bac": 1000.0, "pv": 500.0, "ev": 400.0, "ac": 500.0, "strategic_value": 5.0, "mandatory": False,
        "category": "IT", "status_date": None,
    }
    frame = pd.DataFrame([{**base, "project_id": f"P-{i + 1:03d}", **row} for i, row in enumerate(rows)])
    frame["status"] = pd.Categorical(frame["status"], categories=PROJECT_STATUSES)
    for column in ("start", "finish", "forecast_finish", "status_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("bac", "pv", "ev", "ac", "strategic_value"):
        frame[column] = frame[column].astype(float)
    frame["sponsor"] = frame["sponsor"].astype("str")
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def minimal_project(**overrides) -> dict:
    """A valid ``projects`` row (required columns only), with ``overrides`` applied.

    An override of ``None`` leaves the cell blank; to drop a column, build the
    dict yourself.
    """
    return {**PROJECT, **overrides}


def write_portfolio(
    tmp_path: Path,
    sheets: dict[str, list[dict]],
    *,
    form: Literal["csv", "xlsx"] = "csv",
    name: str = "portfolio",
) -> Path:
    """Write ``sheets`` (``{sheet name: rows}``) as a workbook under ``tmp_path``.

    Parameters
    ----------
    tmp_path
        The folder to write in.
    sheets
        Rows per sheet, written under the sheet name as given (so tests can
        use ``"Projects"`` or ``" risks "``). An empty list writes an empty
        file or sheet.
    form
        ``"csv"``: a folder ``<name>/`` with one ``<sheet>.csv`` (UTF-8) per
        sheet, values written as text (dates ISO). ``"xlsx"``: ``<name>.xlsx``
        with typed cells (numbers as numbers, ``datetime.date`` as date cells,
        strings as text).
    name
        The folder or file name without suffix; a number is appended when it
        is taken already.

    Returns
    -------
    pathlib.Path
        The folder or the .xlsx file.
    """
    suffix = "" if form == "csv" else ".xlsx"
    path = Path(tmp_path) / f"{name}{suffix}"
    number = 2
    while path.exists():
        path = Path(tmp_path) / f"{name}-{number}{suffix}"
        number += 1
    if form == "csv":
        path.mkdir(parents=True)
        for sheet, rows in sheets.items():
            header = _header(rows)
            with open(path / f"{sheet}.csv", "w", encoding="utf-8", newline="") as file:
                if header:
                    writer = csv.writer(file)
                    writer.writerow(header)
                    writer.writerows([_text(row.get(column)) for column in header] for row in rows)
    elif form == "xlsx":
        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet, rows in sheets.items():
            ws = book.create_sheet(sheet)
            header = _header(rows)
            if header:
                ws.append(header)
                for row in rows:
                    ws.append([row.get(column) for column in header])
        book.save(path)
    else:
        raise ValueError(f"form must be 'csv' or 'xlsx', not {form!r}")
    return path


def _header(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


# -- a fake clock for the autosaver ---------------------------------------------------------------
class FakeTimer:
    """What :func:`~pmo_workbench._autosave.thread_timer` returns, run by a :class:`FakeClock`."""

    def __init__(self, clock: FakeClock, interval: float, callback: Callable[[], None], daemon: bool, name: str):
        self.clock = clock
        self.interval = interval
        self.callback: Callable[[], None] | None = callback
        self.daemon = daemon
        self.name = name
        self.due: float | None = None  # set by start()
        self.cancelled = False
        self.fired = False

    def start(self) -> None:
        with self.clock._lock:
            self.due = self.clock.now + self.interval
            self.clock.timers.append(self)

    def cancel(self) -> None:
        self.cancelled = True
        self.callback = None  # a timer kept for inspection must not keep its owner alive

    @property
    def waiting(self) -> bool:
        """Started, neither cancelled nor fired."""
        return self.due is not None and not self.cancelled and not self.fired


class FakeClock:
    """Monotonic seconds that move only with :meth:`advance`; ``timer`` makes :class:`FakeTimer` s on it."""

    def __init__(self, now: float = 0.0):
        self.now = now
        self.timers: list[FakeTimer] = []  # every timer started, in start order
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def timer(self, interval: float, callback: Callable[[], None], daemon: bool, name: str) -> FakeTimer:
        return FakeTimer(self, interval, callback, daemon, name)

    @property
    def waiting(self) -> list[FakeTimer]:
        """The timers started and not yet cancelled or fired."""
        with self._lock:
            return [t for t in self.timers if t.waiting]

    def advance(self, seconds: float) -> None:
        """Move time on by ``seconds``, firing every timer that falls due meanwhile, earliest first."""
        end = self.now + seconds
        while True:
            due = [t for t in self.waiting if t.due is not None and t.due <= end + 1e-9]
            if not due:
                break
            timer = min(due, key=lambda t: t.due)
            self.now = max(self.now, timer.due)
            timer.fired = True
            callback, timer.callback = timer.callback, None
            if callback is not None:
                callback()
        self.now = end
