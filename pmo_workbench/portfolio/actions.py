"""What the PMO should act on: the findings of a portfolio analysis, in words, most urgent first.

Each :class:`Action` is generated from numbers of the analysis (nothing is
written by hand per portfolio), so the report's closing section always agrees
with its tables.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .model import IN_FLIGHT

if TYPE_CHECKING:
    from .analysis import PortfolioAnalysis

URGENCY = ("now", "soon", "watch")
"""Urgency of an action, most urgent first."""


@dataclass(frozen=True)
class Action:
    """One thing the PMO should do, with the area it concerns and how urgent it is."""

    urgency: str
    area: str
    text: str


def _money(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for unit, size in (("m", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{sign}{value / size:,.1f}{unit}"
    return f"{sign}{value:,.0f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listing(ids: list[str], limit: int = 3) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def actions(analysis: PortfolioAnalysis) -> list[Action]:
    """The actions the analysis calls for, most urgent first (at most one per finding type)."""
    out: list[Action] = []
    out += _dependency_actions(analysis)
    out += _delivery_actions(analysis)
    out += _resource_actions(analysis)
    out += _risk_actions(analysis)
    out += _selection_actions(analysis)
    out += _data_actions(analysis)
    rank = {u: i for i, u in enumerate(URGENCY)}
    return sorted(out, key=lambda a: rank[a.urgency])


def _dependency_actions(a: PortfolioAnalysis) -> list[Action]:
    d = a.dependencies
    if d is None:
        return []
    out = []
    for cycle in d.cycles:
        chain = " needs ".join([*cycle, cycle[0]])
        out.append(Action("now", "dependencies", f"Break the dependency cycle {chain}: as recorded, none of these "
                                                  "projects can finish first. Correct the data or re-plan the "
                                                  "hand-overs."))
    if len(d.conflicts):
        worst = d.conflicts.iloc[0]
        out.append(Action("now", "dependencies", (
            f"{len(d.conflicts)} dependenc{'y is' if len(d.conflicts) == 1 else 'ies are'} forecast to arrive late; "
            f"the worst: {worst['from_project']} needs {worst['to_project']} by "
            f"{pd.Timestamp(worst['needed_by']).date()}, which finishes {int(worst['days_late'])} days later. "
            "Agree new dates or bring the predecessors forward.")))
    if d.critical_chain:
        out.append(Action("watch", "dependencies", (
            f"Protect the critical chain {' → '.join(d.critical_chain)}"
            + (f" ({d.critical_chain_days:,.0f} days of work end to end)" if d.critical_chain_days else "")
            + ": a slip anywhere on it moves every later project.")))
    return out


def _delivery_actions(a: PortfolioAnalysis) -> list[Action]:
    evm, totals, out = a.evm, a.totals, []
    flight = evm[evm["status"].isin(IN_FLIGHT)]
    red = flight[flight["rag"] == "red"].sort_values("vac")
    if len(red):
        worst = [f"{r.project_id} (VAC {_money(r.vac)})" if pd.notna(r.vac) else str(r.project_id)
                 for r in red.itertuples()]
        out.append(Action("now", "delivery", f"{len(red)} in-flight project{'s are' if len(red) != 1 else ' is'} "
                                             f"red on cost or schedule: {_listing(worst)}. Hold recovery reviews "
                                             "with their sponsors."))
    vac, cpi = totals.get("vac"), totals.get("cpi")
    if vac is not None and not math.isnan(vac) and vac < 0:
        out.append(Action("soon", "delivery", (
            f"The portfolio is forecast to overrun its budget by {_money(-vac)} (EAC {_money(totals.get('eac'))} "
            f"against BAC {_money(totals.get('bac'))}, CPI {cpi:.2f}). Decide where the money comes from or what "
            "is descoped.")))
    behind = flight[flight["sv_t"] <= -1].sort_values("sv_t")
    if len(behind):
        out.append(Action("soon", "delivery", (
            f"{len(behind)} project{'s are' if len(behind) != 1 else ' is'} a period or more behind on earned "
            f"schedule: {_listing([f'{r.project_id} ({r.sv_t:+.1f} periods)' for r in behind.itertuples()])}. "
            "Plain SPI hides this as projects near completion.")))
    overdue = evm[evm["overdue"]]
    if len(overdue):
        out.append(Action("soon", "delivery", (
            f"{len(overdue)} project{'s are' if len(overdue) != 1 else ' is'} past the planned finish and still "
            f"open: {_listing(overdue['project_id'].astype(str).tolist())}. Re-baseline them or close them.")))
    return out


def _resource_actions(a: PortfolioAnalysis) -> list[Action]:
    r = a.resources
    if r is None or r.by_role.empty:
        return []
    over = r.by_role[r.by_role["months_over"] > 0]
    out = []
    for row in over.head(3).itertuples():
        causes = r.over_allocations[r.over_allocations["role"] == row.role]
        driver = causes.sort_values("excess_fte", ascending=False)["projects"].iloc[0] if len(causes) else ""
        peak = f", peak {row.peak_utilisation:.0%}" if pd.notna(row.peak_utilisation) else ""
        out.append(Action("now" if row.months_over >= 3 else "soon", "resources", (
            f"{row.role} is over-allocated in {int(row.months_over)} month{'s' if row.months_over != 1 else ''}"
            f"{peak}; the largest demand comes from {driver}. Re-sequence these projects or add capacity.")))
    if len(over) > 3:
        out.append(Action("soon", "resources", f"{len(over) - 3} more roles are over-allocated in some month; see "
                                               "the resource table."))
    return out


def _risk_actions(a: PortfolioAnalysis) -> list[Action]:
    r = a.risks
    if r is None:
        return []
    t, out = r.totals, []
    if t.get("red_threats"):
        out.append(Action("now", "risk", f"{t['red_threats']} open threat{'s are' if t['red_threats'] != 1 else ' is'} "
                                         "in the red zone of the matrix: confirm each has an owner and a response "
                                         "that is under way."))
    conc = r.concentration.get("project") or {}
    share = conc.get("share")
    if share is not None and share >= 0.25 and conc.get("top") not in (None, "(portfolio)"):
        out.append(Action("soon", "risk", f"{conc['top']} carries {share:.0%} of the portfolio's threat exposure; "
                                          "review its risk responses and contingency first."))
    threat, opportunity = t.get("threat_emv"), t.get("opportunity_emv")
    if threat is not None and not math.isnan(threat) and threat < 0:
        text = (f"Open threats have an expected monetary value of {_money(threat)}: a contingency of "
                f"{_money(-threat)} covers the expected loss if the risks are independent")
        if opportunity:
            text += f"; open opportunities are worth {_money(opportunity)} if pursued"
        out.append(Action("watch", "risk", text + "."))
    return out


def _selection_actions(a: PortfolioAnalysis) -> list[Action]:
    s = a.selection
    if s is None:
        return []
    if s.status != "optimal":
        return [Action("now", "selection", f"No project set fits the budget of {_money(s.budget)}: "
                                           + " ".join(s.notes))]
    frame = s.projects
    dropped = frame[(~frame["selected"]) & frame["status"].isin(IN_FLIGHT)]
    text = (f"Within the budget of {_money(s.budget)}, the best set funds {_count(len(s.selected), 'project')} for "
            f"{_money(s.total_cost)} (total value {s.total_value:,.1f}).")
    if len(dropped):
        many = len(dropped) != 1
        text += (f" {_count(len(dropped), 'in-flight project')} {'fall' if many else 'falls'} outside it "
                 f"({_listing(dropped['project_id'].astype(str).tolist())}): review whether to stop or pause "
                 f"{'them' if many else 'it'}.")
    return [Action("soon", "selection", text)]


_OWN_ACTIONS = frozenset({"dependency_cycle", "dependency_conflict"})
"""Findings that have an action of their own; the data action leaves them out."""


def _data_actions(a: PortfolioAnalysis) -> list[Action]:
    problems = [f for f in a.findings if f.severity in ("error", "warning") and f.check not in _OWN_ACTIONS]
    if not problems:
        return []
    counts = Counter(f.check for f in problems)
    common = ", ".join(f"{check.replace('_', ' ')} ({n})" for check, n in counts.most_common(3))
    errors = sum(f.severity == "error" for f in problems)
    return [Action("now" if errors else "soon", "data", (
        f"Fix {len(problems)} data problem{'s' if len(problems) != 1 else ''} in the portfolio records "
        f"({errors} error{'s' if errors != 1 else ''}); most common: {common}. Numbers built on them are less "
        "reliable."))]


__all__ = ["URGENCY", "Action", "actions"]
