"""Data-quality findings on the projects, earned value and risk data.

The reader (:func:`pmo_workbench.portfolio.read_portfolio`) rejects what is
invalid; what is valid but doubtful (a project with no sponsor, EV above its
budget, a status nobody updated) is listed here as a :class:`Finding` so the
report shows it rather than dropping it. Resource findings belong to the
resource analysis, dependency findings to the dependency analysis.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .._values import fmt, money, project_label
from ..i18n import DEFAULT_LANGUAGE, _, current_language
from .labels import report_date, status_word
from .model import CLOSED_RISK_STATUSES, IN_FLIGHT, OPEN_RISK_STATUSES, Finding, Portfolio
from .risk import is_open, recognised_status

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

LONGEST_PROJECT_YEARS = 30
"""A project planned to run longer than this many years is listed (``long_project``): more likely a mistyped year
than a plan."""

STATUS_DATE_REACH_YEARS = 2
"""A status date more than this many years from every date in the workbook is listed (``status_date_far``): the
figures are read against a date they were not reported at."""

_YEAR = pd.Timedelta(days=365.25)

CHECKS = (
    "no_sponsor", "no_budget", "stale_status", "ev_over_bac", "ev_without_ac", "spend_before_start",
    "closed_incomplete", "missing_evm", "null_indices", "no_baseline", "risk_no_owner", "risk_incomplete",
    "risk_status_unknown", "long_project", "status_date_far", "no_status_date",
)
"""The check ids :func:`data_quality` can report."""


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _blank(series: pd.Series) -> np.ndarray:
    text = series.astype("str").str.strip()
    return (text.isna() | text.eq("")).to_numpy(dtype=bool, na_value=True)


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _amount(value: float, currency: str | None = None) -> str:
    """A number as a person reads it: 120,000 or 1,234.50 (in the current locale); with ``currency``, the whole
    amount with its currency as the locale writes it (``538.720 £``)."""
    if currency:
        return money(value, currency, full=True)
    return fmt(value, 0 if float(value).is_integer() else 2, thousands=True)


def data_dates(portfolio: Portfolio) -> list[pd.Series]:
    """Every date column of the workbook's sheets (projects, baseline, status history, milestones, dependencies,
    benefits), non-blank dates only."""
    columns = []
    for sheet in ("projects", "baseline", "status_history", "milestones", "dependencies", "benefits"):
        frame = getattr(portfolio, sheet)
        if frame is None:
            continue
        for name in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[name]):
                columns.append(frame[name].dropna())
    return columns


def _far_status_date(portfolio: Portfolio, as_of: pd.Timestamp) -> list[Finding]:
    """``status_date_far`` when no date of the workbook lies within :data:`STATUS_DATE_REACH_YEARS` of ``as_of``."""
    columns = [c for c in data_dates(portfolio) if len(c)]
    if not columns:
        return []
    reach = STATUS_DATE_REACH_YEARS * _YEAR
    if any(((c - as_of).abs() <= reach).any() for c in columns):
        return []
    first, last = min(c.min() for c in columns), max(c.max() for c in columns)
    return [Finding("warning", "status_date_far", _(
        "The status date {as_of} is more than {years} years from every date in the workbook ({first} to {last}); "
        "check the status date").format(as_of=_day(as_of), years=STATUS_DATE_REACH_YEARS, first=_day(first),
                                        last=_day(last)),
        extra={"as_of": as_of, "first": first, "last": last})]


def _blank_or(value: float, label: str, currency: str | None = None) -> str:
    return (_("{label} blank") if np.isnan(value) else _("{label} {amount}")).format(
        label=label, amount=None if np.isnan(value) else _amount(value, currency))


def _day(value) -> str:
    return report_date(pd.Timestamp(value))


def data_quality(portfolio: Portfolio, evm: pd.DataFrame, *, as_of: dt.date | str | pd.Timestamp) -> list[Finding]:
    """List what in the portfolio's data needs a person to look at.

    Parameters
    ----------
    portfolio
        The validated portfolio.
    evm
        Its per-project earned value (:func:`pmo_workbench.portfolio.evm.earned_value`);
        ``cpi`` and ``spi`` tell which indices could not be computed.
    as_of
        The status date.

    Returns
    -------
    list[Finding]
        Errors first, then warnings, then info; within a severity by project
        (portfolio-level last), check and row. Checks (:data:`CHECKS`):

        - ``no_sponsor`` (warning): blank sponsor;
        - ``no_budget`` (warning): BAC blank or 0, project not cancelled;
        - ``stale_status`` (warning): active or on hold, but the forecast
          finish (the planned finish when there is no forecast) is before
          ``as_of``;
        - ``ev_over_bac`` (error): EV above BAC;
        - ``ev_without_ac`` (warning): EV > 0 with AC 0 or blank;
        - ``spend_before_start`` (warning): proposed with AC > 0;
        - ``closed_incomplete`` (info): closed with EV below BAC;
        - ``missing_evm`` (warning): in flight with PV, EV or AC blank;
        - ``null_indices`` (info): in flight with AC 0 (no CPI) or PV 0 (no SPI);
        - ``no_baseline`` (info): a baseline sheet is given but an in-flight
          project has no rows in it;
        - ``risk_no_owner`` (warning): open risk without an owner;
        - ``risk_incomplete`` (warning): open risk with a blank probability
          or impact (it counts as open but adds no EMV or score);
        - ``risk_status_unknown`` (info): a risk status that is neither
          blank nor in ``OPEN_RISK_STATUSES`` or ``CLOSED_RISK_STATUSES``
          (e.g. "Mitigated"); the risk is counted as open.
    """
    as_of = pd.Timestamp(as_of)
    p = portfolio.projects
    findings: list[Finding] = []

    ids = p["project_id"].to_numpy(dtype=object)
    rows = p["source_row"].to_numpy(dtype=object) if "source_row" in p.columns else np.full(len(p), None)
    status = p["status"].astype("str").to_numpy(dtype=object)
    english = current_language() == DEFAULT_LANGUAGE  # English messages as they have always been written
    labels = _labels(p, english)
    currency = None if english else portfolio.currency
    bac, pv, ev, ac = (_floats(p, c) for c in ("bac", "pv", "ev", "ac"))
    in_flight = p["status"].isin(IN_FLIGHT).to_numpy(dtype=bool)
    is_status = {s: (status == s) for s in ("proposed", "closed", "cancelled")}

    def add(severity: str, check: str, mask: np.ndarray, message, extra) -> None:
        for i in np.flatnonzero(mask):
            row = rows[i]
            findings.append(Finding(
                severity, check, message(i), project_id=_text(ids[i]), sheet="projects",
                row=None if row is None or pd.isna(row) else int(row), extra=extra(i),
            ))

    def state(i: int) -> str:
        return str(status_word(str(status[i]))).replace("_", " ")

    # who and how much
    sponsor = p["sponsor"] if "sponsor" in p.columns else pd.Series(np.nan, index=p.index, dtype=object)
    add("warning", "no_sponsor", _blank(sponsor),
        lambda i: _("{project} has no sponsor").format(project=labels[i]), lambda i: {})
    with np.errstate(invalid="ignore"):
        add("warning", "no_budget", ~is_status["cancelled"] & (np.isnan(bac) | (bac == 0)),
            lambda i: _("{project} has no budget ({bac})").format(project=labels[i],
                                                                  bac=_blank_or(bac[i], "BAC", currency)),
            lambda i: {"bac": bac[i]})

        # dates
        finish = pd.to_datetime(p["finish"]).reset_index(drop=True)
        forecast = (pd.to_datetime(p["forecast_finish"]).reset_index(drop=True) if "forecast_finish" in p.columns
                    else pd.Series(pd.NaT, index=finish.index, dtype=finish.dtype))
        has_forecast = forecast.notna().to_numpy(dtype=bool)
        due = forecast.where(forecast.notna(), finish)
        stale = in_flight & (due < as_of).to_numpy(dtype=bool, na_value=False)
        add("warning", "stale_status", stale,
            lambda i: (_("{project} is still {status} but its forecast finish {finish} is before the status date "
                         "{as_of}") if has_forecast[i] else
                       _("{project} is still {status} but its planned finish {finish} is before the status date "
                         "{as_of}")).format(project=labels[i], status=state(i), finish=_day(due.iloc[i]),
                                            as_of=_day(as_of)),
            lambda i: {"finish": due.iloc[i], "as_of": as_of, "forecast": bool(has_forecast[i])})

        # earned value that contradicts itself
        add("error", "ev_over_bac", ev > bac,
            lambda i: _("{project} has EV {ev} above its BAC {bac}").format(
                project=labels[i], ev=_amount(ev[i], currency), bac=_amount(bac[i], currency)),
            lambda i: {"ev": ev[i], "bac": bac[i]})
        add("warning", "ev_without_ac", (ev > 0) & (np.isnan(ac) | (ac == 0)),
            lambda i: _("{project} has EV {ev} but no actual cost ({ac})").format(
                project=labels[i], ev=_amount(ev[i], currency), ac=_blank_or(ac[i], "AC", currency)),
            lambda i: {"ev": ev[i], "ac": ac[i]})
        add("warning", "spend_before_start", is_status["proposed"] & (ac > 0),
            lambda i: _("{project} is proposed but has already spent AC {ac}").format(project=labels[i],
                                                                                       ac=_amount(ac[i], currency)),
            lambda i: {"ac": ac[i]})
        add("info", "closed_incomplete", is_status["closed"] & (ev < bac),
            lambda i: _("{project} is closed with EV {ev} below its BAC {bac}").format(
                project=labels[i], ev=_amount(ev[i], currency), bac=_amount(bac[i], currency)),
            lambda i: {"ev": ev[i], "bac": bac[i]})

        # in-flight projects whose earned value cannot be read
        missing = {"PV": np.isnan(pv), "EV": np.isnan(ev), "AC": np.isnan(ac)}
        add("warning", "missing_evm", in_flight & (missing["PV"] | missing["EV"] | missing["AC"]),
            lambda i: _("{project} is {status} with {figures} blank").format(
                project=labels[i], status=state(i), figures=", ".join(k for k, v in missing.items() if v[i])),
            lambda i: {"missing": [k.lower() for k, v in missing.items() if v[i]]})
        cpi, spi = _indices(evm, ids)
        no_cpi = (ac == 0) & np.isnan(cpi)
        no_spi = (pv == 0) & np.isnan(spi)
        add("info", "null_indices", in_flight & (no_cpi | no_spi),
            lambda i: (_("{project} is {status} with AC 0 and PV 0, so CPI and SPI cannot be computed")
                       if no_cpi[i] and no_spi[i] else
                       _("{project} is {status} with AC 0, so CPI cannot be computed") if no_cpi[i] else
                       _("{project} is {status} with PV 0, so SPI cannot be computed")).format(
                project=labels[i], status=state(i)),
            lambda i: {"cpi": not no_cpi[i], "spi": not no_spi[i]})

        # plausible dates (every read date lies in 1950-2150, so these differences cannot overflow)
        start = pd.to_datetime(p["start"]).reset_index(drop=True)
        years = ((finish - start) / _YEAR).to_numpy(dtype=float, na_value=np.nan)
        add("warning", "long_project", years > LONGEST_PROJECT_YEARS,
            lambda i: _("{project} is planned to run {years} years, from {start} to {finish}; check the dates")
            .format(project=labels[i], years=fmt(years[i], 0), start=_day(start.iloc[i]), finish=_day(finish.iloc[i])),
            lambda i: {"years": years[i]})
    findings.extend(_far_status_date(portfolio, as_of))

    if portfolio.baseline is not None:
        baselined = p["project_id"].isin(portfolio.baseline["project_id"]).to_numpy(dtype=bool)
        add("info", "no_baseline", in_flight & ~baselined,
            lambda i: _("{project} is {status} but has no baseline rows, so it has no earned schedule").format(
                project=labels[i], status=state(i)),
            lambda i: {})

    if portfolio.risks is not None and len(portfolio.risks):
        findings.extend(_risk_findings(portfolio.risks))

    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.project_id is None, f.project_id or "",
                                 f.check, f.row if f.row is not None else -1))
    return findings


def _labels(projects: pd.DataFrame, english: bool = True) -> np.ndarray:
    """``"<project_id> <name>"`` per project, the id alone when the name is blank (in other languages the
    package's usual ``"<project_id> — <name>"``)."""
    ids = projects["project_id"].astype("str").reset_index(drop=True)
    if "name" not in projects.columns:
        return ids.to_numpy(dtype=object)
    if not english:
        return np.array([project_label(i, n) for i, n in zip(ids, projects["name"])], dtype=object)
    names = projects["name"].astype("str").str.strip().reset_index(drop=True)
    named = names.notna() & names.ne("")
    return ids.where(~named, ids + " " + names).to_numpy(dtype=object)


def _indices(evm: pd.DataFrame, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CPI and SPI of each project, looked up by id in the earned value frame."""
    if evm is None or len(evm) == 0:
        nan = np.full(len(ids), np.nan)
        return nan, nan.copy()
    position = pd.Index(evm["project_id"]).get_indexer(ids)
    found = position >= 0
    out = []
    for column in ("cpi", "spi"):
        values = _floats(evm, column)
        out.append(np.where(found, values[np.clip(position, 0, None)], np.nan))
    return out[0], out[1]


def _risk_findings(risks: pd.DataFrame) -> list[Finding]:
    """``risk_no_owner``, ``risk_incomplete`` and ``risk_status_unknown``, one finding per risk and check."""
    def column(name: str) -> pd.Series:
        if name in risks.columns:
            return risks[name].reset_index(drop=True)
        return pd.Series(np.nan, index=pd.RangeIndex(len(risks)), dtype=object)

    status = column("status")
    open_ = is_open(status)
    probability = pd.to_numeric(column("probability"), errors="coerce").isna().to_numpy(dtype=bool)
    impact = pd.to_numeric(column("impact"), errors="coerce").isna().to_numpy(dtype=bool)
    kind = column("kind").astype("str").str.strip().str.lower().to_numpy(dtype=object)
    ids, projects, titles, rows, statuses = (column(c).to_numpy(dtype=object)
                                             for c in ("risk_id", "project_id", "title", "source_row", "status"))
    out: list[Finding] = []

    def add(severity: str, check: str, mask: np.ndarray, text) -> None:
        for i in np.flatnonzero(mask):
            risk_id, pid, name, row = _text(ids[i]), _text(projects[i]), _text(titles[i]), rows[i]
            label = str(risk_id) if name is None else f"{risk_id} {name}"
            where = f"({pid})" if pid is not None else _("(portfolio-level)")
            out.append(Finding(severity, check, text(i).format(risk=label, where=where), project_id=pid, sheet="risks",
                               row=None if row is None or pd.isna(row) else int(row), extra={"risk_id": risk_id}))

    add("warning", "risk_no_owner", open_ & _blank(column("owner")),
        lambda i: _("Risk {risk} {where} is open with no owner"))

    def unsized(i: int) -> str:
        blank = (_("probability and impact") if probability[i] and impact[i] else
                 _("probability") if probability[i] else _("impact"))
        what = {"threat": _("an open threat"), "opportunity": _("an open opportunity")}.get(kind[i],
                                                                                          _("an open risk"))
        return _("Risk {{risk}} {{where}} is open with {blank} blank, so it counts as {what} but adds nothing to the "
                 "exposure and has no place on the matrix").format(blank=blank, what=what)
    add("warning", "risk_incomplete", open_ & (probability | impact), unsized)

    add("info", "risk_status_unknown", ~recognised_status(status),
        lambda i: _("Risk {{risk}} {{where}} has status {status}, which is not a recognised risk status, so it is "
                    "counted as open (open statuses: {open} or blank; {closed} take a risk out of the "
                    "exposure)").format(status=repr(str(statuses[i]).strip()),
                                        open=", ".join(sorted(OPEN_RISK_STATUSES)),
                                        closed=", ".join(sorted(CLOSED_RISK_STATUSES))))
    return out


__all__ = ["CHECKS", "data_quality"]
