"""Earlier status reports for a sample portfolio: the ``status_history`` sheet and the status columns of projects.

:func:`add_history` is called by ``generate_portfolios.py`` on each sample's
sheets. For every in-flight project it draws 5 or 6 monthly status reports
before the status date (month ends, none before the project's first month):

- PV is the baseline's cumulative PV at that month end, or, for a project
  without baseline rows, its budget on the generator's S-curve
  ``F(t) = 0.4 t + 0.6 (3t^2 - 2t^3)`` of the elapsed share of its plan;
- EV and AC follow from a CPI and an SPI that drift month by month towards
  today's (EV / AC and EV / PV of the projects sheet): about 20 % of projects
  were doing better and have worsened (by 0.01-0.03 a month), about 20 % were
  doing worse and have improved, the rest wander by +/- 0.01. EV and AC never
  fall from one month to the next and never pass today's figures;
- the reported RAG is the RAG the package computes for that month's figures
  (a "check estimate" rating reported as green); about 8 % of in-flight
  projects (picked among today's amber and red ones) report one step greener
  than their figures, every month: the "watermelons" the report points at.

The projects sheet gains ``status_date`` (the status date; about 5 % of
in-flight projects last reported two months earlier, so their update is stale,
older than 35 days, and their history stops there; closed and cancelled
projects carry the earlier of their finish and the status date; proposed ones
none) and ``reported_rag`` (the current month's reported RAG).

Everything is drawn from ``numpy.random.default_rng`` with a seed made from the
status date, so the files are the same from one run to the next.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_workbench.portfolio.evm import earned_value

IN_FLIGHT = ("active", "on_hold")
WORSEN_SHARE = 0.20
IMPROVE_SHARE = 0.20
WATERMELON_SHARE = 0.08
STALE_SHARE = 0.05
GREENER = {"red": "amber", "amber": "green", "green": "green"}


def _s_curve(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return 0.4 * t + 0.6 * (3 * t**2 - 2 * t**3)


def _reported(rag: pd.Series) -> np.ndarray:
    """The RAG a project would report for its computed one ("check estimate" reads as green)."""
    return rag.map({"green": "green", "check estimate": "green", "amber": "amber", "red": "red"}).to_numpy(
        dtype=object)


def _planned(projects: pd.DataFrame, baseline: pd.DataFrame | None, date: pd.Timestamp) -> np.ndarray:
    """Cumulative PV of each project at ``date``: the baseline's value, else the S-curve of its plan."""
    start, finish = pd.to_datetime(projects["start"]), pd.to_datetime(projects["finish"])
    t = ((date - start).dt.days / ((finish - start).dt.days + 1)).to_numpy(dtype=float)
    pv = np.round(projects["bac"].to_numpy(dtype=float) * _s_curve(t), 2)
    if baseline is not None and len(baseline):
        ends = pd.to_datetime(baseline["period_end"])
        upto = baseline[ends <= date].groupby("project_id")["cumulative_pv"].max()
        known = projects["project_id"].map(upto)
        has = projects["project_id"].isin(baseline["project_id"]).to_numpy()
        pv = np.where(has, known.fillna(0.0).to_numpy(dtype=float), pv)
    return pv


def add_history(sheets: dict[str, pd.DataFrame], as_of: str, *, months: tuple[int, int] = (5, 6)
                ) -> dict[str, pd.DataFrame]:
    """``sheets`` with a ``status_history`` sheet and ``status_date``, ``reported_rag`` columns on projects.

    Parameters
    ----------
    sheets
        The sheets of one sample (``projects`` and ``baseline`` are read; none is changed in place).
    as_of
        The sample's status date, a month end ``YYYY-MM-DD``.
    months
        The fewest and most earlier monthly reports per project.

    Returns
    -------
    dict[str, pandas.DataFrame]
        A new dict: the same sheets, projects with the two columns, and ``status_history``
        (``project_id, status_date, pv, ev, ac, reported_rag``, dates as ISO text).
    """
    day = pd.Timestamp(as_of)
    rng = np.random.default_rng(int(as_of.replace("-", "")))
    projects = sheets["projects"].copy()
    baseline = sheets.get("baseline")
    if baseline is not None:
        baseline = baseline.assign(period_end=pd.to_datetime(baseline["period_end"]))
    typed = projects.assign(start=pd.to_datetime(projects["start"]), finish=pd.to_datetime(projects["finish"]))
    status = projects["status"].astype(str)
    flight = typed[status.isin(IN_FLIGHT).to_numpy()].reset_index(drop=True)
    n = len(flight)

    now = earned_value(flight, baseline, as_of=day)
    kind = rng.choice(["worsen", "improve", "wander"], size=n, p=[WORSEN_SHARE, IMPROVE_SHARE,
                                                                   1 - WORSEN_SHARE - IMPROVE_SHARE])
    step = rng.uniform(0.01, 0.03, size=n)
    drift = np.where(kind == "worsen", step, np.where(kind == "improve", -step, 0.0))  # index then - index now
    reports = rng.integers(months[0], months[1] + 1, size=n)
    unhealthy = np.flatnonzero(now["rag"].isin(["amber", "red"]).to_numpy())
    melons = set(rng.choice(unhealthy, size=min(len(unhealthy), round(WATERMELON_SHARE * n)), replace=False))
    stale = set(rng.choice(n, size=round(STALE_SHARE * n), replace=False)) if n else set()

    cpi_now = (flight["ev"] / flight["ac"]).to_numpy(dtype=float)
    spi_now = (flight["ev"] / flight["pv"]).to_numpy(dtype=float)
    cpi_now = np.where(np.isfinite(cpi_now), cpi_now, 1.0)
    spi_now = np.where(np.isfinite(spi_now), spi_now, 1.0)
    rows = []
    ev_next, ac_next = flight["ev"].to_numpy(dtype=float), flight["ac"].to_numpy(dtype=float)
    for k in range(1, months[1] + 1):   # month by month backwards, so that EV and AC never fall going forwards
        date = (day - pd.offsets.MonthEnd(k)).normalize()
        pv = _planned(flight, baseline, date)
        wander = rng.normal(0.0, 0.01, size=(2, n))
        cpi = np.clip(cpi_now + drift * k + wander[0], 0.5, 1.5)
        spi = np.clip(spi_now + drift * k + wander[1], 0.5, 1.5)
        ev = np.minimum(np.round(pv * spi, 2), ev_next)
        ac = np.minimum(np.round(ev / cpi, 2), ac_next)
        ev_next, ac_next = ev, ac
        keep = (k <= reports) & (date >= flight["start"]).to_numpy() & (pv > 0)
        keep &= ~np.isin(np.arange(n), list(stale)) | (k >= 2)
        then = earned_value(flight.assign(pv=pv, ev=ev, ac=ac, status="active"), baseline, as_of=date)
        said = _reported(then["rag"])
        for i in np.flatnonzero(keep):
            told = GREENER.get(said[i], said[i]) if i in melons else said[i]
            rows.append((flight.at[i, "project_id"], date.date().isoformat(), pv[i], ev[i], ac[i],
                         told if isinstance(told, str) else None))
    history = pd.DataFrame(rows, columns=["project_id", "status_date", "pv", "ev", "ac", "reported_rag"])
    history = history.sort_values(["project_id", "status_date"], kind="stable").reset_index(drop=True)

    said_now = _reported(now["rag"])
    told_now = [GREENER.get(s, s) if i in melons else s for i, s in enumerate(said_now)]
    stale_date = (day - pd.offsets.MonthEnd(2)).date().isoformat()
    by_id = dict(zip(flight["project_id"], [stale_date if i in stale else as_of for i in range(n)]))
    closing = np.minimum(pd.to_datetime(projects["finish"]), day).dt.strftime("%Y-%m-%d")
    projects["status_date"] = [by_id.get(pid) if s in IN_FLIGHT else (c if s in ("closed", "cancelled") else None)
                               for pid, s, c in zip(projects["project_id"], status, closing)]
    reported = dict(zip(flight["project_id"], [t if isinstance(t, str) else None for t in told_now]))
    projects["reported_rag"] = [reported.get(pid) for pid in projects["project_id"]]
    return {**sheets, "projects": projects, "status_history": history}
