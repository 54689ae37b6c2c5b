"""Shared resources: demand against capacity per role and month.

DOMAIN.md section 6: per role and month, ``utilisation = demand / capacity``;
a cell is over-allocated when ``demand > capacity``; ``net availability =
capacity - demand``. Demand is the sum of ``demand_fte`` over the assignments
of projects that are still open (not closed or cancelled), split into
*committed* work (approved: active or on hold) and the *pipeline* (proposed
projects nobody has funded yet): an over-allocation that only the pipeline
causes is a reason not to start every proposal, not to add capacity.
:meth:`ResourceAnalysis.with_selection` adds the load of a recommended
selection (committed work plus the proposals it funds).

Everything is computed with ``groupby``/``merge`` on whole frames, so 100,000
assignment rows over 200 roles x 36 months take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .._values import fmt
from ..i18n import _, format_number, ngettext
from .labels import report_month, status_word
from .model import Finding

EXCLUDED_STATUSES = ("closed", "cancelled")
"""Project statuses whose assignments do not count as demand."""

COMMITTED_STATUSES = ("active", "on_hold")
"""Approved work: its demand is committed. Proposed projects are the pipeline."""

FTE_TOLERANCE = 1e-9
"""Demand counts as above capacity only when it exceeds it by more than this (float sums are not exact)."""

LOAD_COLUMNS = ["role", "month", "committed_fte", "pipeline_fte", "demand_fte", "capacity_fte", "utilisation",
                "net_fte", "over_allocated", "committed_over"]
OVER_COLUMNS = [*LOAD_COLUMNS[:-2], "excess_fte", "committed_excess_fte", "projects", "pipeline_projects"]
CAUSE_COLUMNS = ["role", "month", "project_id", "stage", "demand_fte", "share_of_demand"]
SELECTION_COLUMNS = ["role", "month", "demand_fte", "capacity_fte", "utilisation", "net_fte", "over_allocated"]
DEMAND_COLUMNS = ["role", "month", "project_id", "stage", "demand_fte"]
BY_ROLE_COLUMNS = ["role", "months", "months_over", "peak_utilisation", "total_excess_fte", "mean_utilisation"]


@dataclass(frozen=True)
class ResourceAnalysis:
    """Demand against capacity, per role and month.

    Attributes
    ----------
    load
        One row per (role, month) found in demand or capacity, sorted by role
        then month: ``role``, ``month`` (``Period[M]``), ``committed_fte``
        (demand of active and on-hold projects), ``pipeline_fte`` (of proposed
        ones), ``demand_fte`` (both), ``capacity_fte`` (NaN without a capacity
        sheet; 0 where the sheet has no row for a demanded role-month),
        ``utilisation`` (demand / capacity, NaN when capacity is 0 or
        unknown), ``net_fte`` (capacity - demand), ``over_allocated``
        (demand > capacity) and ``committed_over`` (committed demand alone >
        capacity: the over-allocations to act on).
    over_allocations
        The over-allocated rows of ``load`` (without the flags), plus
        ``excess_fte`` (demand - capacity), ``committed_excess_fte`` (committed
        demand - capacity, 0 when only the pipeline overloads the cell),
        ``projects``, the committed projects that make up the demand, largest
        first: ``"P-001 (1.5), P-007 (0.5)"``, and ``pipeline_projects``, the
        proposals, alike ("" when none). Sorted by committed excess, then
        excess, largest first, then role and month.
    causes
        For over-allocated cells only, one row per contributing project:
        ``role``, ``month``, ``project_id``, ``stage`` (``"committed"`` or
        ``"pipeline"``), ``demand_fte``, ``share_of_demand`` (the project's
        share of the cell's demand). Sorted by role, month, then demand,
        largest first.
    by_role
        One row per role: ``months`` (rows in ``load``), ``months_over``,
        ``peak_utilisation``, ``total_excess_fte``, ``mean_utilisation``
        (over months where utilisation is defined). Sorted by total excess,
        largest first, then months over, then role.
    totals
        ``roles``, ``months``, ``over_allocated_cells``, ``roles_over``,
        ``total_excess_fte``, ``committed_over_cells``,
        ``committed_excess_fte``, ``pipeline_only_cells`` (over-allocated
        only with the proposals counted) and ``peak``, the ``(role, month,
        utilisation)`` cell with the highest defined utilisation (``None``
        when none is defined); with a selection also ``selection_over_cells``
        and ``selection_excess_fte``.
    findings
        ``demand_on_closed_project`` (warning, one per closed or cancelled
        project with assignments) and ``no_capacity`` (warning, one per role
        demanded in months the capacity sheet does not cover).
    demand
        The demand per project: ``role``, ``month``, ``project_id``,
        ``stage``, ``demand_fte`` (open projects only).
    selection
        ``None``, or after :meth:`with_selection` the load of committed work
        plus the selected proposals: ``role``, ``month``, ``demand_fte``,
        ``capacity_fte``, ``utilisation``, ``net_fte``, ``over_allocated``,
        one row per row of ``load``.
    selected
        The project ids the ``selection`` load was computed for.
    """

    load: pd.DataFrame
    over_allocations: pd.DataFrame
    causes: pd.DataFrame
    by_role: pd.DataFrame
    totals: dict
    findings: tuple[Finding, ...]
    demand: pd.DataFrame | None = None
    selection: pd.DataFrame | None = None
    selected: tuple[str, ...] = ()

    def with_selection(self, selected: Iterable[str]) -> ResourceAnalysis:
        """A copy with the load of committed work plus the proposals in ``selected`` (a recommended set).

        Committed projects count whether or not ``selected`` names them (they are under way); proposals count
        only when selected. Capacity is that of ``load``.
        """
        chosen = tuple(str(p) for p in selected)
        demand = self.demand if self.demand is not None else pd.DataFrame(columns=DEMAND_COLUMNS)
        keep = demand["stage"].eq("committed") | demand["project_id"].astype(str).isin(chosen)
        fte = (demand[keep].groupby(["role", "month"], sort=False, observed=True)["demand_fte"].sum()
               .rename("demand_fte").reset_index())
        frame = self.load[["role", "month", "capacity_fte"]].merge(fte, on=["role", "month"], how="left")
        frame["demand_fte"] = frame["demand_fte"].fillna(0.0)
        frame = _measured(frame)[SELECTION_COLUMNS]
        over = frame[frame["over_allocated"]]
        totals = {**self.totals, "selection_over_cells": int(len(over)),
                  "selection_excess_fte": float((over["demand_fte"] - over["capacity_fte"]).sum())}
        return replace(self, selection=frame, selected=chosen, totals=totals)


def _measured(load: pd.DataFrame) -> pd.DataFrame:
    """``load`` with utilisation, net availability and the over-allocation flag from demand and capacity."""
    dem = load["demand_fte"].to_numpy(dtype=float)
    cap = load["capacity_fte"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(cap > 0, dem / np.where(cap > 0, cap, 1.0), np.nan)
    return load.assign(utilisation=utilisation, net_fte=cap - dem,
                       over_allocated=(dem - cap) > FTE_TOLERANCE)  # NaN capacity compares False


def resource_load(assignments: pd.DataFrame, capacity: pd.DataFrame | None, projects: pd.DataFrame) -> ResourceAnalysis:
    """Compare demand with capacity for every role and month.

    Parameters
    ----------
    assignments
        ``project_id``, ``role``, ``month`` (``Period[M]``), ``demand_fte``
        (the ``assignments`` sheet of :class:`~pmo_workbench.portfolio.model.Portfolio`).
    capacity
        ``role``, ``month``, ``capacity_fte``, or ``None`` when the portfolio
        has no capacity sheet.
    projects
        ``project_id``, ``name``, ``status``: assignments of closed and
        cancelled projects are left out of the demand and reported; those
        of active and on-hold projects are committed, of proposed ones the
        pipeline.

    Returns
    -------
    ResourceAnalysis

    Notes
    -----
    - Capacity 0 with demand > 0: utilisation NaN, over-allocated.
    - A demanded (role, month) with no capacity row, when a capacity sheet
      exists: capacity counts as 0 and a ``no_capacity`` finding lists the
      role's uncovered months.
    - Without a capacity sheet: capacity, utilisation and net are NaN and no
      cell is over-allocated; the demand is still there to show.
    - Over-allocated means demand exceeds capacity by more than
      :data:`FTE_TOLERANCE`, so ``0.1 + 0.2`` FTE against 0.3 FTE is not flagged.
    """
    findings: list[Finding] = []
    info = projects.drop_duplicates("project_id").set_index("project_id")
    status = assignments["project_id"].map(info["status"]).astype(object)
    closed = status.isin(EXCLUDED_STATUSES).to_numpy()
    findings += _closed_findings(assignments[closed], status[closed], info)

    kept = assignments.loc[~closed, ["project_id", "role", "month", "demand_fte"]]
    stage = np.where(status[~closed].isin(COMMITTED_STATUSES).to_numpy(dtype=bool), "committed", "pipeline")
    per_project = (kept.assign(stage=stage)
                   .groupby(["role", "month", "project_id", "stage"], sort=False, observed=True)["demand_fte"]
                   .sum().reset_index())
    split = (per_project.pivot_table(index=["role", "month"], columns="stage", values="demand_fte", aggfunc="sum",
                                     observed=True, sort=False)
             .reindex(columns=["committed", "pipeline"]).fillna(0.0)
             .rename(columns={"committed": "committed_fte", "pipeline": "pipeline_fte"}))
    split.columns.name = None
    demand = split.reset_index()
    demand["demand_fte"] = demand["committed_fte"] + demand["pipeline_fte"]

    if capacity is None:
        load = demand.assign(capacity_fte=np.nan)
    else:
        supply = (capacity.groupby(["role", "month"], sort=False, observed=True)["capacity_fte"].sum(min_count=1)
                  .reset_index())
        load = demand.merge(supply, on=["role", "month"], how="outer")
        for column in ("committed_fte", "pipeline_fte", "demand_fte"):
            load[column] = load[column].fillna(0.0)
        uncovered = load["capacity_fte"].isna()
        findings += _no_capacity_findings(load[uncovered & load["demand_fte"].gt(0)])
        load["capacity_fte"] = load["capacity_fte"].fillna(0.0)

    load = _measured(load.sort_values(["role", "month"], kind="stable").reset_index(drop=True))
    load["committed_over"] = (load["committed_fte"] - load["capacity_fte"]) > FTE_TOLERANCE
    load = load[LOAD_COLUMNS]

    over = load[load["over_allocated"]].drop(columns=["over_allocated", "committed_over"])
    over = over.assign(excess_fte=over["demand_fte"] - over["capacity_fte"],
                       committed_excess_fte=(over["committed_fte"] - over["capacity_fte"]).clip(lower=0.0))

    causes = per_project.merge(over[["role", "month", "demand_fte"]], on=["role", "month"], suffixes=("", "_cell"))
    causes["share_of_demand"] = causes["demand_fte"] / causes["demand_fte_cell"]
    causes = (causes.sort_values(["role", "month", "demand_fte", "project_id"], ascending=[True, True, False, True],
                                 kind="stable")
              .reset_index(drop=True)[CAUSE_COLUMNS])

    labels = causes[["role", "month", "stage"]].assign(
        label=causes["project_id"].astype(str) + " (" + _fte_text(causes["demand_fte"]) + ")")
    for stage_name, column in (("committed", "projects"), ("pipeline", "pipeline_projects")):
        listing = (labels[labels["stage"].eq(stage_name)].groupby(["role", "month"], sort=False)["label"]
                   .agg(", ".join).rename(column).reset_index())
        over = over.merge(listing, on=["role", "month"], how="left")
        over[column] = over[column].fillna("").astype(object)
    over = (over.sort_values(["committed_excess_fte", "excess_fte", "role", "month"],
                             ascending=[False, False, True, True], kind="stable")
            .reset_index(drop=True)[OVER_COLUMNS])

    by_role = _by_role(load)
    return ResourceAnalysis(load=load, over_allocations=over, causes=causes, by_role=by_role,
                            totals=_totals(load, over), findings=tuple(findings),
                            demand=per_project[DEMAND_COLUMNS].reset_index(drop=True))


def beside_selection(resources: ResourceAnalysis) -> pd.DataFrame:
    """The over-allocations with ``selection_fte``: the cell's demand under the recommended selection (NaN without one).

    Committed and pipeline demand, the excess of each and the load the selection would bring, side by side.
    """
    over = resources.over_allocations
    if resources.selection is None:
        return over.assign(selection_fte=np.nan)
    chosen = resources.selection[["role", "month", "demand_fte"]].rename(columns={"demand_fte": "selection_fte"})
    return over.merge(chosen, on=["role", "month"], how="left")


def _fte_text(values: pd.Series) -> pd.Series:
    """FTE as short text in the current locale: 1.5 -> "1.5" ("1,5" in German), 2.0 -> "2", 0.333 -> "0.33"."""
    return pd.Series([format_number(v, 2) for v in np.round(values.to_numpy(dtype=float), 2)], index=values.index,
                     dtype=object)


def _by_role(load: pd.DataFrame) -> pd.DataFrame:
    excess = (load["demand_fte"] - load["capacity_fte"]).where(load["over_allocated"], 0.0)
    grouped = load.assign(excess=excess).groupby("role", sort=False)
    by_role = pd.DataFrame({
        "months": grouped.size(),
        "months_over": grouped["over_allocated"].sum().astype(int),
        "peak_utilisation": grouped["utilisation"].max(),
        "total_excess_fte": grouped["excess"].sum(),
        "mean_utilisation": grouped["utilisation"].mean(),
    }).rename_axis("role").reset_index()
    by_role = by_role.sort_values(["total_excess_fte", "months_over", "role"], ascending=[False, False, True],
                                  kind="stable")
    return by_role.reset_index(drop=True)[BY_ROLE_COLUMNS]


def _totals(load: pd.DataFrame, over: pd.DataFrame) -> dict:
    peak = None
    utilisation = load["utilisation"]
    if utilisation.notna().any():
        top = load.loc[utilisation.idxmax()]
        peak = (top["role"], top["month"], float(top["utilisation"]))
    return {
        "roles": int(load["role"].nunique()),
        "months": int(load["month"].nunique()),
        "over_allocated_cells": int(len(over)),
        "roles_over": int(over["role"].nunique()),
        "total_excess_fte": float(over["excess_fte"].sum()),
        "committed_over_cells": int(load["committed_over"].sum()),
        "committed_excess_fte": float(over["committed_excess_fte"].sum()),
        "pipeline_only_cells": int((load["over_allocated"] & ~load["committed_over"]).sum()),
        "peak": peak,
    }


def _closed_findings(rows: pd.DataFrame, status: pd.Series, info: pd.DataFrame) -> list[Finding]:
    """One warning per closed or cancelled project that still has assignments."""
    if rows.empty:
        return []
    rows = rows.assign(status=status.to_numpy())
    aggregations = {"status": ("status", "first"), "fte": ("demand_fte", "sum"), "n": ("demand_fte", "size"),
                    "first": ("month", "min"), "last": ("month", "max")}
    if "source_row" in rows:
        aggregations["row"] = ("source_row", "min")
    summary = rows.groupby("project_id", sort=True).agg(**aggregations)
    summary["name"] = summary.index.map(info["name"]) if "name" in info else np.nan
    findings = []
    for record in summary.reset_index().to_dict("records"):
        project_id, name = record["project_id"], record["name"]
        label = project_id if pd.isna(name) else f"{project_id} {name}"
        span = (report_month(record["first"]) if record["first"] == record["last"] else
                _("{first} to {last}").format(first=report_month(record["first"]), last=report_month(record["last"])))
        row = record.get("row")
        findings.append(Finding(
            "warning", "demand_on_closed_project",
            ngettext("{project} is {status} but still has {n} assignment row(s) ({fte} FTE-months over {span}); left "
                     "out of the resource load",  # English reads the same for one and many, as it always has
                     "{project} is {status} but still has {n} assignment row(s) ({fte} FTE-months over {span}); left "
                     "out of the resource load", int(record["n"])).format(
                project=label, status=status_word(record["status"]), n=record["n"], fte=_fte(record["fte"]),
                span=span),
            project_id=project_id, sheet="assignments", row=None if row is None or pd.isna(row) else int(row),
            extra={"status": record["status"], "demand_fte": float(record["fte"]), "rows": int(record["n"])},
        ))
    return findings


def _fte(value: float) -> str:
    """FTE-months as ``:g`` writes them (``2.5``, ``12``), with the current locale's decimal sign."""
    return f"{value:g}".replace(".", fmt(0.5, 1)[1])


def _no_capacity_findings(uncovered: pd.DataFrame) -> list[Finding]:
    """One warning per role demanded in months the capacity sheet has no row for."""
    findings = []
    for role, rows in uncovered.sort_values(["role", "month"]).groupby("role", sort=True):
        months = [str(m) for m in rows["month"]]
        findings.append(Finding(
            "warning", "no_capacity",
            _("Role {role} has demand ({fte} FTE-months) but no capacity in {months}; capacity counted as 0").format(
                role=role, fte=_fte(rows["demand_fte"].sum()), months=", ".join(months)),
            sheet="capacity", extra={"role": role, "months": months},
        ))
    return findings


__all__ = ["COMMITTED_STATUSES", "EXCLUDED_STATUSES", "FTE_TOLERANCE", "ResourceAnalysis", "beside_selection",
           "resource_load"]
