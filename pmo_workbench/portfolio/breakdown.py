"""Headline figures and RAG counts broken down by PMO, sponsor, category and strategic objective.

Each breakdown applies the portfolio's own rules to a group of projects: the
indices come from the summed PV, EV, AC and BAC of the group's in-flight
projects (:func:`pmo_workbench.portfolio.evm.grouped_rollup`), the EAC is the
sum of their project EACs, the RAG counts are of in-flight projects, and
closed work is totalled apart. The view by PMO follows the PMO hierarchy when
the workbook gives one (a ``pmos`` sheet): each PMO's row covers its own
projects and those of every PMO under it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._values import project_label
from ..i18n import N_, _
from .evm import grouped_rollup
from .model import CHECK_ESTIMATE, CLOSED, IN_FLIGHT, EacMethod, Finding
from .pmos import descendants

DIMENSIONS = {"pmo": N_("PMO"), "sponsor": N_("Sponsor"), "category": N_("Category"),
              "objective": N_("Strategic objective")}
"""The project columns a portfolio is broken down by, with their labels (English; shown with ``_()``)."""

BREAKDOWN_COLUMNS = (
    "projects", "in_flight", "red", "amber", "check_estimate", "green", "no_index", "overdue",
    "pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "eac_index", "vac", "tcpi", "excluded",
    "closed", "closed_bac", "closed_ac", "closed_cpi",
)
"""Columns of a breakdown after its key: ``projects`` (every status), ``in_flight`` and the in-flight
RAG counts (``no_index``: in flight with no index to rate), ``overdue``; the in-flight roll-up (EAC
the sum of project EACs, ``eac_index`` BAC / CPI of the sums, ``excluded`` in flight but missing
PV, EV, AC or BAC); ``closed`` projects with their summed BAC, AC and CPI."""

_BLANK = "\0blank"
"""The group of projects that leave the column blank, while grouping (``None`` in the results)."""

TREE_COLUMNS = ("pmo", "parent", "level", "depth", "own_projects", *BREAKDOWN_COLUMNS)
"""Columns of the view by PMO: with a hierarchy each row includes the PMOs under it
(``own_projects`` counts the PMO's own)."""

PRESSURE_COLUMNS = ("threat_emv", "exposure_index", "over_allocated_role_months")
"""Columns :func:`pmo_pressure` adds to the view by PMO: the open threats' EMV when risk impacts are money
(else ``None``), their exposure index, the summed probability × impact scores, when impacts are rated 1-5
(else ``None``), and the role-months over-allocated by committed work that the PMO's committed projects take
part in (``None`` without an assignments sheet)."""


def breakdown(evm: pd.DataFrame, key: str, *, eac_method: EacMethod = "typical") -> pd.DataFrame | None:
    """Every headline figure and RAG count per value of one project column.

    Parameters
    ----------
    evm
        The :func:`pmo_workbench.portfolio.evm.earned_value` frame.
    key
        One of :data:`DIMENSIONS`.
    eac_method
        As for the roll-up.

    Returns
    -------
    pd.DataFrame | None
        ``key`` then :data:`BREAKDOWN_COLUMNS`, one row per value (a blank value is a row with
        ``None``), largest in-flight BAC first; ``None`` when no project gives the column a value.

    Examples
    --------
    Two in-flight projects of one PMO, EV/AC 90/100 and 10/5: that PMO's CPI is 100 / 105 = 0.952.
    """
    if key not in evm.columns or evm[key].isna().all():
        return None
    labels = evm[key].astype(object).where(evm[key].notna(), _BLANK)
    out = _summarise(evm, labels, eac_method).rename_axis(key).reset_index()
    out[key] = out[key].astype(object).where(out[key].ne(_BLANK), None)
    order = out.assign(_bac=-out["bac"].fillna(0), _name=[("" if v is None else str(v)) for v in out[key]])
    order = order.sort_values(["_bac", "_name"], kind="stable").index
    return out.loc[order].reset_index(drop=True)


def pmo_view(evm: pd.DataFrame, pmos: pd.DataFrame | None, *,
             eac_method: EacMethod = "typical") -> tuple[pd.DataFrame | None, tuple[Finding, ...]]:
    """The view by PMO: one row per PMO, including the PMOs under it when ``pmos`` gives a hierarchy.

    Parameters
    ----------
    evm
        The :func:`pmo_workbench.portfolio.evm.earned_value` frame.
    pmos
        ``Portfolio.pmos`` or ``None`` (then each PMO's row is its own projects, largest BAC first).
    eac_method
        As for the roll-up.

    Returns
    -------
    tuple
        The frame (:data:`TREE_COLUMNS`; with a hierarchy, depth first in sheet order, then any
        PMO the projects name but the sheet does not, at depth 0) or ``None`` when no project names
        a PMO; and a warning finding per PMO missing from the ``pmos`` sheet.

    Examples
    --------
    An enterprise PMO over two PMOs: its row sums the PV, EV, AC and BAC of all three PMOs'
    in-flight projects and computes CPI and SPI from those sums.
    """
    flat = breakdown(evm, "pmo", eac_method=eac_method)
    if flat is None and pmos is None:
        return None, ()
    own = evm["pmo"].value_counts(dropna=False)
    if pmos is None:
        frame = flat.assign(parent=None, level=None, depth=0,
                            own_projects=flat["projects"])
        return frame[list(TREE_COLUMNS)], ()
    tree = descendants(pmos)
    ancestors: dict[str, list[str]] = {}
    for top, below in tree.items():
        for name in below:
            ancestors.setdefault(name, []).append(top)
    given = evm["pmo"].where(evm["pmo"].notna(), None)
    unknown = [p for p in dict.fromkeys(given.dropna()) if p not in tree]
    for name in unknown:
        ancestors[name] = [name]
    groups = given.map(lambda p: ancestors.get(p, [_BLANK]) if p is not None else [_BLANK])
    exploded = groups.explode()
    rows = evm.loc[exploded.index].reset_index(drop=True)
    summary = _summarise(rows, exploded.reset_index(drop=True), eac_method)
    depth = {}
    for name, up in zip(pmos["pmo"], pmos["parent"]):
        depth[name] = 0 if pd.isna(up) else depth.get(up, 0) + 1
    meta = pmos.set_index("pmo")
    order = [n for top in pmos["pmo"][pmos["parent"].isna()] for n in tree[top]] + unknown
    if given.isna().any():
        order.append(None)
    records = []
    for name in order:
        figures = summary.loc[_BLANK if name is None else name].to_dict() \
            if (_BLANK if name is None else name) in summary.index else _empty()
        records.append({
            "pmo": name,
            "parent": None if name not in meta.index or pd.isna(meta.at[name, "parent"]) else meta.at[name, "parent"],
            "level": None if name not in meta.index or pd.isna(meta.at[name, "level"]) else meta.at[name, "level"],
            "depth": depth.get(name, 0),
            "own_projects": int(own.get(name, 0)) if name is not None else int(given.isna().sum()),
            **figures,
        })
    findings = tuple(Finding("warning", "pmo_not_in_hierarchy",
                             _("Projects name the PMO '{pmo}', which the pmos sheet does not list; it is shown on its "
                               "own, outside the hierarchy. Add a row for it with its parent.").format(pmo=name),
                             sheet="pmos")
                     for name in unknown)
    frame = pd.DataFrame(records, columns=list(TREE_COLUMNS))
    counts = ["own_projects", *(c for c in _empty() if _empty()[c] == 0)]
    frame[counts] = frame[counts].astype(int)  # a row of figures read back from a frame is all floats
    return frame, findings


def pmo_pressure(by_pmo: pd.DataFrame | None, projects: pd.DataFrame, pmos: pd.DataFrame | None, *,
                 risks=None, resources=None) -> pd.DataFrame | None:
    """The view by PMO with each PMO's threat exposure and over-allocated role-months (:data:`PRESSURE_COLUMNS`).

    Each row covers the same projects as its figures: the PMO's own and, with a hierarchy, those of every PMO
    under it; the row of projects naming no PMO covers those. Threat exposure sums the open threats of those
    projects (portfolio-level threats belong to no PMO: :func:`unattached_threats` gives them, so that the
    exposure reconciles to the portfolio's total). A role-month (any month of the assignments sheet, before the
    status date too) counts once for a PMO when committed work alone (active and on-hold projects) is above
    capacity in it, the basis of the Resources section, and any of those projects has committed demand in it;
    a month over capacity only if the proposals started is not counted. A parent counts a role-month its two
    children share once, and the rows need not add up to the portfolio's count.

    Parameters
    ----------
    by_pmo
        :func:`pmo_view`'s frame, or ``None`` (returned as is).
    projects
        ``Portfolio.projects`` (``project_id`` and ``pmo``).
    pmos
        ``Portfolio.pmos`` or ``None``.
    risks, resources
        The :class:`~pmo_workbench.portfolio.risk.RiskAnalysis` and
        :class:`~pmo_workbench.portfolio.capacity.ResourceAnalysis`, or ``None`` when the sheet is absent.

    Examples
    --------
    An enterprise PMO over Corporate (threats of EMV -100 and -50) and Digital (-30): Enterprise's threat EMV
    is -180; an Analyst month over capacity by committed work, where both have committed demand, counts once for
    Enterprise and once for each child.
    """
    if by_pmo is None:
        return None
    tree = descendants(pmos) if pmos is not None else {}
    pmo_of = projects.set_index(projects["project_id"].astype(str))["pmo"]
    members = [set(pmo_of.index[pmo_of.isna()]) if pd.isna(name)
               else set(pmo_of.index[pmo_of.isin(tree.get(name, [name]))]) for name in by_pmo["pmo"]]
    money = risks is not None and risks.totals.get("impact_scale") == "money"
    exposure = None
    if risks is not None:
        table = risks.by_project
        exposure = dict(zip(table["project_id"].astype(str), table["threat_emv" if money else "threat_score"]))
    cells = None
    if resources is not None:
        load = resources.load
        committed = load.loc[load["committed_over"].astype(bool), ["role", "month"]]
        causes = resources.causes[resources.causes["stage"].eq("committed")]
        cells = causes.assign(project_id=causes["project_id"].astype(str)).merge(committed, on=["role", "month"])
    emv, index, over = [], [], []
    for ids in members:
        total = None if exposure is None else float(sum(exposure.get(i, 0.0) for i in ids))
        emv.append(total if money else None)
        index.append(total if exposure is not None and not money else None)
        over.append(None if cells is None else
                    int(len(cells.loc[cells["project_id"].isin(ids), ["role", "month"]].drop_duplicates())))
    return by_pmo.assign(threat_emv=pd.array(emv, dtype="Float64"), exposure_index=pd.array(index, dtype="Float64"),
                         over_allocated_role_months=pd.array(over, dtype="Int64"))


def unattached_threats(risks, projects: pd.DataFrame) -> float | None:
    """The open threat exposure on no project of the workbook, which no PMO's row of :func:`pmo_pressure` holds.

    It is the portfolio's total (threat EMV when impacts are money, else the exposure index) less the exposure
    of the projects of the projects sheet: portfolio-level threats (no project named) and any naming a project
    the sheet does not hold. With it, the rows of the top PMOs, the row of projects naming no PMO and this
    amount add up to the Risk section's total.

    Parameters
    ----------
    risks
        The :class:`~pmo_workbench.portfolio.risk.RiskAnalysis`, or ``None`` (then ``None``).
    projects
        ``Portfolio.projects``.

    Examples
    --------
    Threats of EMV -100 on P1 and -40 on no project: the total is -140, P1 holds -100, so -40 is unattached.
    """
    if risks is None:
        return None
    money = risks.totals.get("impact_scale") == "money"
    total = risks.totals.get("threat_emv" if money else "exposure_index")
    if total is None:
        return None
    table = risks.by_project
    known = table["project_id"].astype(str).isin(set(projects["project_id"].astype(str)))
    attached = float(table.loc[known, "threat_emv" if money else "threat_score"].fillna(0.0).sum())
    return float(total) - attached


def pmo_trend(periods: pd.DataFrame, pmos: pd.DataFrame | None, *,
              eac_method: EacMethod = "typical") -> pd.DataFrame:
    """The trend roll-up per status date and PMO, each PMO with the PMOs under it as in :func:`pmo_view`.

    So the trend of a PMO ends on the CPI and SPI its row of the view by PMO gives, rather than on those of its
    own projects alone. Without a hierarchy each PMO is its own projects.

    Parameters
    ----------
    periods
        ``Trends.periods`` (one row per project and status date: ``pmo``, ``status_date``, PV, EV, AC, BAC).
    pmos
        ``Portfolio.pmos`` or ``None``.
    eac_method
        As for the roll-up.

    Returns
    -------
    pd.DataFrame
        ``status_date, pmo, projects, pv, ev, ac, cpi, spi`` (the columns of ``Trends.by_pmo``), by PMO then date;
        projects naming no PMO have ``pmo`` ``None``.

    Examples
    --------
    Enterprise over Digital: at a date where Enterprise's project has EV/AC 100/100 and Digital's 80/100,
    Enterprise's CPI is 180 / 200 = 0.90 and Digital's 0.80.
    """
    tree = descendants(pmos) if pmos is not None else {}
    ancestors: dict[str, list[str]] = {}
    for top, below in tree.items():
        for name in below:
            ancestors.setdefault(name, []).append(top)
    given = periods["pmo"].astype(object).where(periods["pmo"].notna(), None)
    groups = given.map(lambda p: _BLANK if p is None else ancestors.get(p, [p])).explode()
    rows = periods.loc[groups.index].reset_index(drop=True)
    names = groups.reset_index(drop=True).astype(str)
    labels = rows["status_date"].dt.strftime("%Y-%m-%d") + "\x1f" + names
    sums = grouped_rollup(rows, labels, eac_method=eac_method).reset_index(names="_key")
    parts = sums["_key"].str.split("\x1f", n=1, expand=True)
    sums["status_date"] = pd.to_datetime(parts[0])
    sums["pmo"] = parts[1].astype(object).where(parts[1].ne(_BLANK), None)
    sums["projects"] = sums["projects"].astype(int)
    return sums[["status_date", "pmo", "projects", "pv", "ev", "ac", "cpi", "spi"]].sort_values(
        ["pmo", "status_date"], kind="stable", na_position="last").reset_index(drop=True)


def unaligned(projects: pd.DataFrame) -> tuple[Finding, ...]:
    """A warning per open project (proposed, active, on hold) with no strategic objective, when others name one.

    Without any objective the workbook simply does not record them, and nothing is flagged.

    Examples
    --------
    Of three active projects, two name "Growth" and one is blank: one warning, for the blank one.
    """
    if "objective" not in projects or projects["objective"].isna().all():
        return ()
    blank = projects[projects["objective"].isna() & projects["status"].isin(("proposed", *IN_FLIGHT))]
    rows = blank["source_row"] if "source_row" in blank else pd.Series(None, index=blank.index)
    return tuple(Finding("warning", "no_objective", _(
                             "{project} serves no strategic objective (blank objective) while other projects name "
                             "one; link it to an objective or question why it is funded").format(
                             project=project_label(i, n)),
                         project_id=str(i), sheet="projects", row=None if pd.isna(r) else int(r))
                 for i, n, r in zip(blank["project_id"], blank.get("name", pd.Series(None, index=blank.index)), rows))


def _empty() -> dict:
    counts = ("projects", "in_flight", "red", "amber", "check_estimate", "green", "no_index", "overdue",
              "excluded", "closed")
    return {c: (0 if c in counts else np.nan) for c in BREAKDOWN_COLUMNS}


def _summarise(evm: pd.DataFrame, labels: pd.Series, eac_method: EacMethod) -> pd.DataFrame:
    """:data:`BREAKDOWN_COLUMNS` per label (``labels`` aligned with ``evm`` by position, no blank)."""
    labels = pd.Series(labels.to_numpy(dtype=object), index=evm.index)
    status = evm["status"].astype(object)
    flight = status.isin(IN_FLIGHT)
    closed = status.isin(CLOSED)
    rag = evm["rag"].astype(object)
    counts = pd.DataFrame({
        "projects": 1,
        "in_flight": flight,
        "red": flight & rag.eq("red"),
        "amber": flight & rag.eq("amber"),
        "check_estimate": flight & rag.eq(CHECK_ESTIMATE),
        "green": flight & rag.eq("green"),
        "no_index": flight & rag.isna(),
        "overdue": evm["overdue"].astype(bool),
        "closed": closed,
    }, index=evm.index).astype(int).groupby(labels.to_numpy(), dropna=False, sort=True).sum()
    index = counts.index
    rolled = grouped_rollup(evm[flight], labels[flight], eac_method=eac_method).reindex(index)
    rolled["excluded"] = rolled["excluded"].fillna(0).astype(int)
    done = grouped_rollup(evm[closed], labels[closed], eac_method=eac_method).reindex(index)
    out = pd.concat([counts, rolled.drop(columns=["projects", "etc", "eac_from_bac"])], axis=1)
    out["closed_bac"], out["closed_ac"], out["closed_cpi"] = done["bac"], done["ac"], done["cpi"]
    return out[list(BREAKDOWN_COLUMNS)]


__all__ = ["BREAKDOWN_COLUMNS", "DIMENSIONS", "PRESSURE_COLUMNS", "TREE_COLUMNS", "breakdown",
           "pmo_pressure", "pmo_trend", "pmo_view", "unaligned", "unattached_threats"]
