"""Earned value, earned schedule and RAG ratings, per project and rolled up.

The formulas are those of DOMAIN.md section 6 (PMBOK / PMI EVM standard and
Lipke's earned schedule):

- CV = EV - AC, SV = EV - PV, CPI = EV / AC, SPI = EV / PV;
- EAC typical ``BAC / CPI``, atypical ``AC + (BAC - EV)``, cost-and-schedule
  ``AC + (BAC - EV) / (CPI * SPI)``; ETC = EAC - AC; VAC = BAC - EAC;
  TCPI = (BAC - EV) / (BAC - AC);
- ES = C + (EV - PV_C) / (PV_{C+1} - PV_C), C the number of whole baseline
  periods whose cumulative PV is at most EV; SPI(t) = ES / AT; SV(t) = ES - AT.

A zero or missing divisor gives ``NaN`` (never ``inf``, never an error). The
portfolio roll-up sums PV, EV, AC and BAC over the in-flight projects that have
all four and computes its indices from the sums; it never averages per-project
indices. Its EAC is the sum of the projects' own EACs, with the index-based
forecast from the sums beside it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..i18n import _
from .model import CHECK_ESTIMATE, EAC_METHODS, IN_FLIGHT, NO_HEALTH, RAG, EacMethod, Thresholds

EVM_COLUMNS = (
    "project_id", "name", "pmo", "sponsor", "category", "objective", "status", "bac", "pv", "ev", "ac", "cv", "sv",
    "cpi", "spi", "eac", "etc", "vac", "tcpi", "es", "at", "spi_t", "sv_t", "planned_duration", "forecast_duration",
    "schedule", "schedule_index", "schedule_basis", "rag_cost", "rag_schedule", "rag", "overdue", "late_forecast",
)
"""Columns of the frame :func:`earned_value` returns, in order."""

ROLLUP_KEYS = ("pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "eac_index", "etc", "vac", "tcpi",
               "projects", "excluded", "eac_from_bac")
"""Keys of the dict :func:`rollup` returns."""

SCHEDULE_BASIS = {"spi_t": "SPI(t)", "spi": "SPI"}
"""How the ``schedule_basis`` column names the index schedule health used on a row."""

_RAG_DECIMALS = 10
"""Indices are rounded to this many decimals before banding, so that a ratio that is
0.95 on paper but 0.9499999999999999 in floating point still counts as green."""


# -- helpers -----------------------------------------------------------------

def _tcpi(bac, ev, ac):
    """TCPI to budget, ``(BAC - EV) / (BAC - AC)``; missing once the budget is spent (``AC >= BAC``): no
    efficiency can then finish within it, and the negative ratio the formula gives would mean nothing.

    >>> _tcpi([100.0, 100.0], [50.0, 100.0], [60.0, 112.0]).round(3).tolist()
    [1.25, nan]
    """
    bac, ac = np.asarray(bac, dtype=float), np.asarray(ac, dtype=float)
    return np.where(bac - ac > 0, _div(np.asarray(bac) - np.asarray(ev, dtype=float), bac - ac), np.nan)


def _div(numerator, denominator):
    """``numerator / denominator`` elementwise, ``NaN`` where the divisor is 0 or missing or the result infinite.

    A zero is always ``0.0``, never ``-0.0`` (0 / -x), which a table would print as "-0.00" (the TCPI of closed
    work, whose EV equals its BAC and whose AC is over it).

    >>> _div([0.0, 1.0], [-5.0, 0.0]).tolist()
    [0.0, nan]
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / den
    out = np.where((den == 0) | ~np.isfinite(out), np.nan, out)
    return out + 0.0                                      # -0.0 + 0.0 is 0.0


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _ns(values) -> np.ndarray:
    """Datetimes as int64 nanoseconds (NaT -> the int64 minimum; check ``isna`` separately)."""
    return pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]").view("int64")


def _check_method(eac_method: str) -> None:
    if eac_method not in EAC_METHODS:
        raise ValueError(f"unknown EAC method {eac_method!r}; expected one of {', '.join(EAC_METHODS)}")


def _eac(bac, ev, ac, cpi, spi, eac_method: str) -> np.ndarray:
    bac, ev, ac = (np.asarray(x, dtype=float) for x in (bac, ev, ac))
    if eac_method == "typical":
        return _div(bac, cpi)
    if eac_method == "atypical":
        return ac + (bac - ev)
    return ac + _div(bac - ev, np.asarray(cpi, dtype=float) * np.asarray(spi, dtype=float))


# -- RAG ---------------------------------------------------------------------

def _rag_codes(values, thresholds: Thresholds) -> np.ndarray:
    """0 green, 1 check estimate (above amber), 2 amber, 3 red (below amber), -1 unknown (NaN):
    the code order is the order of concern, so the worse of two ratings is the larger code."""
    x = np.round(np.asarray(values, dtype=float), _RAG_DECIMALS)
    lo_g, hi_g = thresholds.green
    lo_a, hi_a = thresholds.amber
    with np.errstate(invalid="ignore"):
        codes = np.where((x >= lo_g) & (x <= hi_g), 0,
                         np.where((x >= lo_a) & (x <= hi_a), 2, np.where(x > hi_a, 1, 3)))
    return np.where(np.isnan(x), -1, codes)


def _rag_labels(codes: np.ndarray) -> np.ndarray:
    labels = np.array([*RAG, None], dtype=object)  # code -1 picks the last entry, None
    return labels[codes]


def _objects(values: np.ndarray) -> pd.Series:
    """An object Series (pandas would infer ``str`` and turn ``None`` into ``NaN``)."""
    return pd.Series(values, dtype=object)


def rag(index: pd.Series | float, thresholds: Thresholds = Thresholds()) -> pd.Series | str | None:  # noqa: B008
    """Rate a performance index (CPI, SPI, SPI(t)) green, amber, red or "check estimate".

    Green when ``thresholds.green[0] <= index <= thresholds.green[1]``, amber
    when outside green but within ``thresholds.amber``, red below the amber
    band and ``"check estimate"`` above it (an under-run that large questions
    the estimate, not the delivery); a boundary value belongs to the band
    nearer green. A missing index rates ``None``.

    Parameters
    ----------
    index
        One index, or a Series of them.
    thresholds
        The bands (default green 0.95-1.05, amber 0.90-1.10).

    Returns
    -------
    pd.Series | str | None
        A Series of ``"green"``/``"amber"``/``"red"``/``"check estimate"``/``None``
        with the input's index for a Series, else one rating.

    Examples
    --------
    >>> rag(0.95), rag(0.93), rag(0.8), rag(1.2), rag(float("nan"))
    ('green', 'amber', 'red', 'check estimate', None)
    """
    if isinstance(index, pd.Series):
        labels = _rag_labels(_rag_codes(pd.to_numeric(index, errors="coerce").to_numpy(dtype=float,
                                                                                        na_value=np.nan),
                                        thresholds))
        return pd.Series(labels, index=index.index, name=index.name, dtype=object)
    value = np.nan if index is None or pd.isna(index) else float(index)
    return _rag_labels(_rag_codes(np.array([value]), thresholds))[0]


def _worse(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The worse of two RAG code arrays, ignoring an unknown (-1) one (red, then amber, then check estimate)."""
    return np.maximum(a, b)


# -- earned schedule ---------------------------------------------------------

def earned_schedule(period_pv: Sequence[float], ev: float) -> float:
    """Earned schedule (Lipke) of one project, in periods.

    Parameters
    ----------
    period_pv
        The baseline's cumulative planned value at the end of each period,
        in period order (``PV_1 ... PV_n``; ``PV_0 = 0`` is implied).
    ev
        Earned value to date.

    Returns
    -------
    float
        ``ES = C + (EV - PV_C) / (PV_{C+1} - PV_C)`` where ``C`` is the number
        of periods ``k >= 1`` with ``PV_k <= EV``; ``n`` (the number of
        periods) when ``EV >= PV_n``. ``NaN`` when EV is missing, there are no
        periods, a PV is missing, or the interpolation divisor is 0.

    Examples
    --------
    >>> earned_schedule([100, 200, 300], 250)  # C = 2, 2 + (250 - 200) / (300 - 200)
    2.5
    """
    pv = [float(v) for v in period_pv]
    n = len(pv)
    if n == 0 or ev is None or math.isnan(ev) or any(math.isnan(v) for v in pv):
        return math.nan
    ev = float(ev)
    if ev >= pv[-1]:
        return float(n)
    c = sum(1 for v in pv if v <= ev)
    pv_c = 0.0 if c == 0 else pv[c - 1]
    step = pv[c] - pv_c
    if step == 0:
        return math.nan
    return c + (ev - pv_c) / step


def _schedule(projects: pd.DataFrame, baseline: pd.DataFrame | None, ev: np.ndarray,
              as_of_ns: int) -> dict[str, np.ndarray]:
    """Earned schedule, actual time and planned duration per project, vectorised over the baseline."""
    n_proj = len(projects)
    nan = np.full(n_proj, np.nan)
    out = {"es": nan.copy(), "at": nan.copy(), "planned_duration": nan.copy()}
    if baseline is None or len(baseline) == 0 or n_proj == 0:
        return out

    group = pd.Index(projects["project_id"]).get_indexer(baseline["project_id"])
    keep = group >= 0
    group = group[keep]
    if len(group) == 0:
        return out
    pe_nat = pd.isna(baseline["period_end"]).to_numpy()[keep]
    pe = _ns(baseline["period_end"])[keep]
    pv = _floats(baseline, "cumulative_pv")[keep]
    order = np.lexsort((pe, group))
    group, pe, pe_nat, pv = group[order], pe[order], pe_nat[order], pv[order]

    counts = np.bincount(group, minlength=n_proj)
    has = counts > 0
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))  # offset of each project's first row
    last = first + counts - 1
    n = counts.astype(float)

    # ES: C = number of periods with PV_k <= EV; PV_C and PV_{C+1} read at the group offset.
    ev_rows = ev[group]
    bad_pv = np.bincount(group, weights=np.isnan(pv), minlength=n_proj) > 0
    with np.errstate(invalid="ignore"):
        c = np.bincount(group, weights=pv <= ev_rows, minlength=n_proj).astype(np.int64)
    c_idx = np.minimum(c, np.maximum(counts - 1, 0))
    pv_c = np.where(c > 0, pv[np.clip(first + c - 1, 0, len(pv) - 1)], 0.0)
    pv_next = pv[np.clip(first + c_idx, 0, len(pv) - 1)]
    with np.errstate(invalid="ignore"):
        done = has & (ev >= pv[np.clip(last, 0, len(pv) - 1)])
    es = np.where(done, n, c + _div(ev - pv_c, pv_next - pv_c))
    es = np.where(has & ~bad_pv & ~np.isnan(ev), es, np.nan)

    # AT: whole periods ended by as_of, plus the elapsed fraction of the current one.
    start_nat = pd.isna(projects["start"]).to_numpy()
    start = _ns(projects["start"])
    bad_pe = np.bincount(group, weights=pe_nat, minlength=n_proj) > 0
    m = np.bincount(group, weights=pe <= as_of_ns, minlength=n_proj).astype(np.int64)
    rows = len(pe)
    prev_end = np.where(m > 0, pe[np.clip(first + m - 1, 0, rows - 1)], start)  # b_m (b_0 = start)
    next_end = pe[np.clip(first + m, 0, rows - 1)]                               # b_{m+1} while m < n
    within = _div((as_of_ns - prev_end).astype(float), (next_end - prev_end).astype(float))
    before_last = np.where(counts > 1, pe[np.clip(last - 1, 0, rows - 1)], start)  # b_{n-1}
    last_end = pe[np.clip(last, 0, rows - 1)]
    last_length = (last_end - before_last).astype(float)
    beyond = _div((as_of_ns - last_end).astype(float), np.where(last_length > 0, last_length, np.nan))
    at = np.where(m >= counts, n + beyond, m + within)
    at = np.where(as_of_ns < start, 0.0, at)
    at = np.where(has & ~bad_pe & ~start_nat, at, np.nan)

    out["es"] = es
    out["at"] = at
    out["planned_duration"] = np.where(has, n, np.nan)
    return out


# -- per project -------------------------------------------------------------

def earned_value(
    projects: pd.DataFrame,
    baseline: pd.DataFrame | None = None,
    *,
    as_of: dt.date | pd.Timestamp,
    eac_method: EacMethod = "typical",
    thresholds: Thresholds = Thresholds(),  # noqa: B008 (frozen, so sharing the default is safe)
) -> pd.DataFrame:
    """Earned value, earned schedule and RAG per project.

    Parameters
    ----------
    projects
        ``Portfolio.projects`` (see ``model.PROJECT_COLUMNS``).
    baseline
        ``Portfolio.baseline`` (cumulative PV per period end) or ``None``;
        projects with baseline rows get earned schedule, the others ``NaN``.
    as_of
        The status date (actual time AT is measured to it).
    eac_method
        ``"typical"`` ``BAC/CPI``, ``"atypical"`` ``AC + (BAC - EV)`` or
        ``"cost_schedule"`` ``AC + (BAC - EV)/(CPI*SPI)``.
    thresholds
        RAG bands.

    Returns
    -------
    pd.DataFrame
        One row per project, in input order, with the columns of
        :data:`EVM_COLUMNS`: the inputs ``project_id, name, pmo, status, bac,
        pv, ev, ac``; ``cv, sv, cpi, spi, eac, etc, vac, tcpi``; earned
        schedule ``es, at`` (periods), ``spi_t, sv_t`` (periods),
        ``planned_duration`` (number of baseline periods) and
        ``forecast_duration`` (``planned_duration / spi_t``); ``schedule`` (the index schedule health uses: SPI(t)
        where a baseline gives it, else SPI) and ``schedule_index``
        (``"spi_t"`` when SPI(t) is known, else ``"spi"`` when SPI is, else
        ``None``); ``schedule_basis`` (the same, named for a
        reader: ``"SPI(t)"`` or ``"SPI"``); ``rag_cost`` (from CPI),
        ``rag_schedule`` (from that index), ``rag`` (the worse of the two,
        ignoring a missing one; red before amber before ``"check estimate"``).
        A closed or cancelled project gets no colour: ``rag_cost`` and
        ``rag_schedule`` are ``None`` and ``rag`` holds its status. ``overdue``
        (in flight and planned finish before ``as_of``) and ``late_forecast``
        (forecast finish after planned finish).

    Raises
    ------
    ValueError
        When ``eac_method`` is not one of ``EAC_METHODS``.
    """
    _check_method(eac_method)
    as_of = pd.Timestamp(as_of)
    as_of_ns = int(as_of.to_datetime64().astype("datetime64[ns]").view("int64"))

    bac, pv, ev, ac = (_floats(projects, c) for c in ("bac", "pv", "ev", "ac"))
    cpi = _div(ev, ac)
    spi = _div(ev, pv)
    eac = _eac(bac, ev, ac, cpi, spi, eac_method)
    sched = _schedule(projects, baseline, ev, as_of_ns)
    es, at = sched["es"], sched["at"]
    spi_t = _div(es, at)
    forecast_duration = _div(sched["planned_duration"], spi_t)

    schedule = np.where(np.isnan(spi_t), spi, spi_t)
    schedule_index = np.full(len(projects), None, dtype=object)
    schedule_index[~np.isnan(spi)] = "spi"
    schedule_index[~np.isnan(spi_t)] = "spi_t"
    status = projects["status"]
    no_health = status.isin(NO_HEALTH).to_numpy(dtype=bool)
    cost_codes = np.where(no_health, -1, _rag_codes(cpi, thresholds))
    schedule_codes = np.where(no_health, -1, _rag_codes(schedule, thresholds))
    health = _rag_labels(_worse(cost_codes, schedule_codes))
    health[no_health] = np.asarray(status.astype(object))[no_health]
    in_flight = status.isin(IN_FLIGHT).to_numpy(dtype=bool)
    finish = pd.to_datetime(projects["finish"])
    overdue = in_flight & (finish < as_of).to_numpy(dtype=bool, na_value=False)
    if "forecast_finish" in projects.columns:
        late = (pd.to_datetime(projects["forecast_finish"]) > finish).to_numpy(dtype=bool, na_value=False)
    else:
        late = np.zeros(len(projects), dtype=bool)

    def text(column: str):
        return projects[column].array if column in projects.columns else np.full(len(projects), np.nan)

    frame = pd.DataFrame({
        "project_id": text("project_id"),
        "name": text("name"),
        "pmo": text("pmo"),
        "sponsor": text("sponsor"),
        "category": text("category"),
        "objective": text("objective"),
        "status": status.array,
        "bac": bac, "pv": pv, "ev": ev, "ac": ac,
        "cv": ev - ac,
        "sv": ev - pv,
        "cpi": cpi,
        "spi": spi,
        "eac": eac,
        "etc": eac - ac,
        "vac": bac - eac,
        "tcpi": _tcpi(bac, ev, ac),
        "es": es,
        "at": at,
        "spi_t": spi_t,
        "sv_t": es - at,
        "planned_duration": sched["planned_duration"],
        "forecast_duration": forecast_duration,
        "schedule": schedule,
        "schedule_index": _objects(schedule_index),
        "schedule_basis": _objects(np.array([SCHEDULE_BASIS.get(i) for i in schedule_index], dtype=object)),
        "rag_cost": _objects(_rag_labels(cost_codes)),
        "rag_schedule": _objects(_rag_labels(schedule_codes)),
        "rag": _objects(health),
        "overdue": overdue,
        "late_forecast": late,
    }, columns=list(EVM_COLUMNS))
    return frame


# -- portfolio roll-up -------------------------------------------------------

def rollup(projects: pd.DataFrame, *, eac_method: EacMethod = "typical",
           statuses: Sequence[str] = IN_FLIGHT) -> dict[str, float | None]:
    """The portfolio's earned value from summed PV, EV, AC and BAC.

    Only projects whose status is in ``statuses`` count (by default the
    in-flight ones, active and on hold: a closed project's SPI is 1.0 by
    construction and would pull the schedule index towards plan; roll up
    ``statuses=CLOSED`` for the finished work on its own), and of those only
    the ones with all of PV, EV, AC and BAC: every sum then covers the same
    projects. A counted project with any of the four blank is left out of all
    four sums and counted in ``excluded`` (data quality reports a blank BAC as
    ``no_budget`` and an in-flight project's blank PV, EV or AC as
    ``missing_evm``). CV, SV, CPI, SPI, ``eac_index`` (the ``eac_method``
    formula applied to the sums, BAC / CPI for ``"typical"``) and TCPI are
    computed from the sums, never by averaging project indices.

    ``eac``, the portfolio EAC, is the sum of the projects' own EACs (each by
    ``eac_method``); a project whose EAC is undefined (no cost yet, so no CPI)
    counts at its BAC and is counted in ``eac_from_bac``. ETC = EAC - AC and
    VAC = BAC - EAC follow that EAC. It differs from ``eac_index`` because each
    project's remaining work is forecast at its own CPI, where the index-based
    forecast applies the blended CPI to all of it (see
    :func:`eac_difference`).

    Parameters
    ----------
    projects
        ``Portfolio.projects`` or the :func:`earned_value` frame (columns
        ``status, pv, ev, ac, bac``).
    eac_method
        As for :func:`earned_value`.
    statuses
        The project statuses to roll up.

    Returns
    -------
    dict
        Keys :data:`ROLLUP_KEYS`; floats, ``None`` where undefined (no
        complete project, or a zero divisor); ``projects`` is the number of
        projects summed, ``excluded`` the number with a counted status left
        out because PV, EV, AC or BAC is blank, ``eac_from_bac`` the number
        whose EAC is taken at BAC.

    Examples
    --------
    Two projects, EV/AC 90/100 and 10/5: CPI = (90 + 10) / (100 + 5) = 0.952,
    not the mean of 0.9 and 2.0.
    """
    _check_method(eac_method)
    rolled = projects[projects["status"].isin(statuses)]
    frame = grouped_rollup(rolled, np.zeros(len(rolled), dtype=int), eac_method=eac_method)
    if len(frame):
        row = frame.iloc[0].to_dict()
    else:
        row = {key: math.nan for key in ROLLUP_KEYS} | {"projects": 0, "excluded": 0, "eac_from_bac": 0}
    return {key: (int(row[key]) if key in _COUNTS else None if math.isnan(row[key]) else float(row[key]))
            for key in ROLLUP_KEYS}


_COUNTS = ("projects", "excluded", "eac_from_bac")


def grouped_rollup(projects: pd.DataFrame, by, *, eac_method: EacMethod = "typical") -> pd.DataFrame:
    """:func:`rollup` of every group of ``projects`` at once (no status filter: pass the rows to roll up).

    Parameters
    ----------
    projects
        Rows with ``pv, ev, ac, bac`` (any others are ignored).
    by
        One group label per row (a Series aligned with ``projects`` or an array); a blank label is a
        group of its own.
    eac_method
        As for :func:`earned_value`.

    Returns
    -------
    pd.DataFrame
        One row per group (the labels as index, in sorted order), columns :data:`ROLLUP_KEYS`, ``NaN``
        where undefined.
    """
    _check_method(eac_method)
    pv, ev, ac, bac = (_floats(projects, c) for c in ("pv", "ev", "ac", "bac"))
    complete = ~(np.isnan(pv) | np.isnan(ev) | np.isnan(ac) | np.isnan(bac))
    own = _eac(bac, ev, ac, _div(ev, ac), _div(ev, pv), eac_method)
    from_bac = complete & np.isnan(own)
    own = np.where(np.isnan(own), bac, own)
    zero = np.zeros(len(projects))
    data = pd.DataFrame({
        "pv": np.where(complete, pv, zero), "ev": np.where(complete, ev, zero),
        "ac": np.where(complete, ac, zero), "bac": np.where(complete, bac, zero),
        "eac": np.where(complete, own, zero), "projects": complete.astype(int),
        "excluded": (~complete).astype(int), "eac_from_bac": from_bac.astype(int),
    })
    labels = by.to_numpy(dtype=object) if isinstance(by, pd.Series) else np.asarray(by, dtype=object)
    sums = data.groupby(labels, dropna=False, sort=True).sum()
    none = sums["projects"].to_numpy() == 0
    pv, ev, ac, bac, eac = (np.where(none, np.nan, sums[c].to_numpy(dtype=float))
                            for c in ("pv", "ev", "ac", "bac", "eac"))
    cpi, spi = _div(ev, ac), _div(ev, pv)
    out = pd.DataFrame({
        "pv": pv, "ev": ev, "ac": ac, "bac": bac, "cv": ev - ac, "sv": ev - pv, "cpi": cpi, "spi": spi,
        "eac": eac, "eac_index": _eac(bac, ev, ac, cpi, spi, eac_method), "etc": eac - ac, "vac": bac - eac,
        "tcpi": _tcpi(bac, ev, ac), "projects": sums["projects"].to_numpy(),
        "excluded": sums["excluded"].to_numpy(), "eac_from_bac": sums["eac_from_bac"].to_numpy(),
    }, index=sums.index, columns=list(ROLLUP_KEYS))
    return out


def eac_difference(totals: dict, money=lambda x: f"{x:,.0f}") -> str | None:
    """One plain sentence on why the sum of project EACs differs from the index-based forecast.

    Parameters
    ----------
    totals
        A :func:`rollup` dict.
    money
        How to write an amount.

    Returns
    -------
    str | None
        ``None`` when either forecast is undefined.

    Examples
    --------
    >>> print(eac_difference({"eac": 1100.0, "eac_index": 1150.0}))  # doctest: +NORMALIZE_WHITESPACE
    The portfolio EAC is the sum of the projects' own forecasts (1,100); BAC ÷ CPI of the whole portfolio
    gives 1,150 (50 more), because it applies the blended CPI to every project's remaining work instead of
    each project's own.
    """
    eac, index = totals.get("eac"), totals.get("eac_index")
    if eac is None or index is None:
        return None
    gap = index - eac
    if round(gap, 2) == 0:
        return _("The portfolio EAC is the sum of the projects' own forecasts ({eac}); BAC ÷ CPI of the whole "
                 "portfolio gives the same figure.").format(eac=money(eac))
    text = (_("The portfolio EAC is the sum of the projects' own forecasts ({eac}); BAC ÷ CPI of the whole "
              "portfolio gives {index} ({gap} more), because it applies the blended CPI to every project's "
              "remaining work instead of each project's own.") if gap > 0 else
            _("The portfolio EAC is the sum of the projects' own forecasts ({eac}); BAC ÷ CPI of the whole "
              "portfolio gives {index} ({gap} less), because it applies the blended CPI to every project's "
              "remaining work instead of each project's own."))
    return text.format(eac=money(eac), index=money(index), gap=money(abs(gap)))


RAG_ORDER = {"red": 0, "amber": 1, CHECK_ESTIMATE: 2, "green": 3}
"""Health, worst first; a project with no index comes after green."""


def worst_first(evm: pd.DataFrame) -> pd.DataFrame:
    """The in-flight projects of an :func:`earned_value` frame, red first, then amber, check estimate, green
    and no index;
    within a colour, the largest forecast overrun (lowest VAC) first."""
    flight = evm[evm["status"].isin(IN_FLIGHT)]
    order = flight["rag"].map(RAG_ORDER).fillna(len(RAG_ORDER))
    return flight.assign(_order=order).sort_values(["_order", "vac"], kind="stable").drop(columns="_order")


__all__ = ["EVM_COLUMNS", "RAG_ORDER", "ROLLUP_KEYS", "SCHEDULE_BASIS", "eac_difference", "earned_schedule",
           "earned_value", "grouped_rollup", "rag", "rollup", "worst_first"]
