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

from .._values import count, money
from .capacity import FTE_TOLERANCE
from .links import late_links
from .model import CHECK_ESTIMATE, IN_FLIGHT

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


REASONS_IN_WORDS = {"over budget": "does not fit the remaining budget"}
"""Selection's reasons as a reader should read them: a project left out for cost need not be over its own budget."""


def reasons_in_words(projects: pd.DataFrame) -> pd.DataFrame:
    """A copy of a selection's candidates with each ``reason`` in words (see :data:`REASONS_IN_WORDS`).

    >>> reasons_in_words(pd.DataFrame({"reason": ["over budget", "selected"]}))["reason"].tolist()
    ['does not fit the remaining budget', 'selected']
    """
    return projects.assign(reason=projects["reason"].replace(REASONS_IN_WORDS))


def with_project_names(frame: pd.DataFrame, names: dict[str, str], columns=("project_id",)) -> pd.DataFrame:
    """A copy of ``frame`` whose project id ``columns`` name each project as the reader sees it, "P-1 — Name".

    For tables that name two projects in a row (a link: a project and the one it needs), where an id column
    and a name column each would double the table; ``names`` is :meth:`PortfolioAnalysis.project_names`.

    >>> with_project_names(pd.DataFrame({"from_project": ["P1"], "to_project": ["P9"]}), {"P1": "P1 — Alpha"},
    ...                    ("from_project", "to_project")).iloc[0].tolist()
    ['P1 — Alpha', 'P9']
    """
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [names.get(str(v), v) for v in out[column]]
    return out


def budget_verdict(vac: float | None, *, tolerance: float = 0.5, currency: str | None = None) -> str | None:
    """What the forecast says of the budget, as the end of a sentence ("... is forecast to <verdict>").

    ``vac`` is the portfolio's variance at completion (BAC - EAC); within
    ``tolerance`` (money) it finishes on budget. ``None`` when VAC is unknown.
    ``currency`` is the ISO code the amount is written in (none: a plain number).

    >>> budget_verdict(-1_250_000), budget_verdict(0.2), budget_verdict(300_000, currency="GBP")
    ('overrun its budget by 1.2m', 'finish on budget', 'finish £300k under budget')
    """
    if vac is None or (isinstance(vac, float) and math.isnan(vac)):
        return None
    if abs(vac) < tolerance:
        return "finish on budget"
    return (f"overrun its budget by {money(-vac, currency)}" if vac < 0
            else f"finish {money(vac, currency)} under budget")


def _listing(ids: list[str], limit: int = 3) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _named(a: PortfolioAnalysis):
    """A function giving a project id's label for the reader, ``"P-001 — Payroll upgrade"``."""
    names = a.project_names()
    return lambda project_id: names.get(str(project_id), str(project_id))


def actions(analysis: PortfolioAnalysis) -> list[Action]:
    """The actions the analysis calls for, most urgent first (at most one per finding type).

    Projects are named by id and name, and money is in the analysis's currency.
    """
    out: list[Action] = []
    out += _dependency_actions(analysis)
    out += _delivery_actions(analysis)
    out += _trend_actions(analysis)
    out += _milestone_actions(analysis)
    out += _benefit_and_finance_actions(analysis)
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
    out, name = [], _named(a)
    for cycle in d.cycles:
        chain = " needs ".join([*cycle, cycle[0]])
        out.append(Action("now", "dependencies", f"Break the dependency cycle {chain}: as recorded, none of these "
                                                  "projects can finish first. Correct the data or re-plan the "
                                                  "hand-overs."))
    orphans = [f for f in d.findings if f.check == "needs_cancelled"]
    if orphans:
        pairs = [f"{name(f.project_id)} needs {name(f.extra.get('to_project', '?'))}" for f in orphans]
        out.append(Action("now", "dependencies", (
            f"{count(len(orphans), 'project')} {'depends' if len(orphans) == 1 else 'depend'} on a cancelled "
            f"project ({_listing(pairs)}): find another way to deliver what it was to provide, or stop the "
            f"{'project that needs' if len(orphans) == 1 else 'projects that need'} it.")))
    late = late_links(d)
    if late.count:
        fix = "Agree new dates or bring the predecessors forward"
        if late.from_start:
            fix += (", and record in the dependencies sheet the date each link is really needed by where it gives "
                    "none")
        out.append(Action("now", "dependencies", f"{late.sentence(name)} {fix}."))
    if d.longest_chain:
        out.append(Action("watch", "dependencies", _chain_text(d, name)))
    return out


def _chain_text(d, name) -> str:
    """The longest dependency chain, its span and tightest link, and exactly what a slip of its first project delays."""
    chain = d.longest_chain
    text = f"Watch the longest dependency chain {' → '.join(chain)}"
    if d.longest_chain_days is not None:
        text += f" ({d.longest_chain_days:,.0f} days from the first project's start to the last one's finish)"
    on_chain = d.links[d.links["from_project"].isin(chain) & d.links["to_project"].isin(chain)
                       & d.links["slack_days"].notna()]
    if len(on_chain):
        tight = on_chain.iloc[0]
        slack = int(tight["slack_days"])
        text += (f"; its tightest link: {name(tight['from_project'])} needs {name(tight['to_project'])} "
                 + (f"with {count(slack, 'day')} of slack" if slack >= 0
                    else f"{count(-slack, 'day')} before it is due to finish"))
    radius = d.projects.set_index("project_id")["blast_radius"]
    first = chain[0]
    reach = int(radius.get(first, 0))
    return text + (f". A slip of {name(first)} can delay only the {count(reach, 'project')} that "
                   f"{'needs' if reach == 1 else 'need'} it, directly or "
                   "through others (its blast radius, in the table of most depended-on projects); a slip further "
                   "along delays only the projects after it, and not at all while it stays within a link's "
                   "slack.")


def _delivery_actions(a: PortfolioAnalysis) -> list[Action]:
    evm, totals, out, name, money = a.evm, a.totals, [], _named(a), a.money
    flight = evm[evm["status"].isin(IN_FLIGHT)]
    # Red is below the amber band (over budget or late); far above it a project is rated "check estimate".
    red = flight[flight["rag"] == "red"].sort_values("vac")
    if len(red):
        worst = [f"{name(r.project_id)} (VAC {money(r.vac)})" if pd.notna(r.vac) else name(r.project_id)
                 for r in red.itertuples()]
        out.append(Action("now", "delivery", f"{count(len(red), 'in-flight project')} "
                                             f"{'is' if len(red) == 1 else 'are'} red, over budget or late: "
                                             f"{_listing(worst)}. Hold recovery reviews with their sponsors."))
    generous = flight[flight["rag"] == CHECK_ESTIMATE]
    if len(generous):
        high = a.thresholds.amber[1]
        seen = [f"{name(r.project_id)} (CPI {r.cpi:.2f}, schedule index {r.schedule:.2f})"
                for r in generous.sort_values("project_id").itertuples()]
        many = len(generous) != 1
        out.append(Action("soon", "delivery", (
            f"{count(len(generous), 'in-flight project')} {'are' if many else 'is'} rated \"check estimate\", "
            f"under-running cost or schedule beyond {high:.2f}: {_listing(seen)}. Re-examine "
            f"{'their' if many else 'its'} estimate and baseline with the project "
            f"{'managers' if many else 'manager'}: an under-run that large more often means a generous estimate "
            "or a stale baseline than exceptional delivery, and the forecasts built on it are not yet to be "
            "trusted.")))
    vac, cpi = totals.get("vac"), totals.get("cpi")
    if vac is not None and not math.isnan(vac) and vac < 0:
        out.append(Action("soon", "delivery", (
            f"The portfolio is forecast to overrun its budget by {money(-vac)} (EAC {money(totals.get('eac'))} "
            f"against BAC {money(totals.get('bac'))}, CPI {cpi:.2f}). Decide where the money comes from or what "
            "is descoped.")))
    behind = flight[flight["sv_t"] <= -1].sort_values("sv_t")
    if len(behind):
        out.append(Action("soon", "delivery", (
            f"{len(behind)} project{'s are' if len(behind) != 1 else ' is'} a period or more behind on earned "
            f"schedule: {_listing([f'{name(r.project_id)} ({r.sv_t:+.1f} periods)' for r in behind.itertuples()])}. "
            "Plain SPI hides this as projects near completion.")))
    overdue = evm[evm["overdue"]]
    if len(overdue):
        out.append(Action("soon", "delivery", (
            f"{len(overdue)} project{'s are' if len(overdue) != 1 else ' is'} past the planned finish and still "
            f"open: {_listing([name(i) for i in overdue['project_id']])}. Re-baseline them or close them.")))
    return out


def _when(date) -> str:
    return pd.Timestamp(date).strftime("%d %b %Y").lstrip("0")


def _trend_actions(a: PortfolioAnalysis) -> list[Action]:
    out, name = [], _named(a)
    t = a.trends
    if t is not None:
        greener = t.watermelons()
        if len(greener):
            listed = [f"{name(r.project_id)} (reported {r.reported_rag}, figures {r.rag})"
                      for r in greener.itertuples()]
            out.append(Action("now", "reporting", (
                f"{count(len(greener), 'project')} {'reports' if len(greener) == 1 else 'report'} a greener RAG than "
                f"{'its' if len(greener) == 1 else 'their'} own earned value gives: {_listing(listed)}. Ask the "
                f"project {'manager' if len(greener) == 1 else 'managers'} to reconcile the status with the figures "
                "before the next board.")))
        worse = t.worsened()
        if len(worse):
            listed = [f"{name(r.project_id)} ({r.previous_rag} to {r.rag})" for r in worse.itertuples()]
            out.append(Action("soon", "reporting", (
                f"{count(len(worse), 'project')} worsened since the previous status report: {_listing(listed)}. "
                "Find out what changed while it is still recent.")))
    stale = a.stale
    if stale is not None and len(stale):
        listed = [name(i) for i in stale["project_id"]]
        out.append(Action("soon", "reporting", (
            f"{count(len(stale), 'in-flight project')} last reported more than {a.stale_days} days before the status "
            f"date, or never: {_listing(listed)}. {'Its' if len(stale) == 1 else 'Their'} figures describe an older "
            "state than this report; ask for a current update.")))
    return out


def _milestone_actions(a: PortfolioAnalysis) -> list[Action]:
    m, out, name = a.milestones, [], _named(a)
    if m is None:
        return out
    decisions = m.decisions
    if len(decisions):
        late = decisions[decisions["days_to_go"] < 0]
        listed = [f"{r.milestone} of {name(r.project_id)} ({'was due' if r.days_to_go < 0 else 'due'} "
                  f"{_when(r.expected)})" for r in decisions.itertuples()]
        out.append(Action("now" if len(late) else "soon", "milestones", (
            f"{count(len(decisions), 'milestone')} {'needs' if len(decisions) == 1 else 'need'} a decision"
            + (f", {len(late)} of them past {'its' if len(late) == 1 else 'their'} date" if len(late) else "")
            + f": {_listing(listed)}. Put {'it' if len(decisions) == 1 else 'them'} on the agenda of the board "
            "that decides, soonest first.")))
    gates = m.gates[m.gates["days_to_go"] < 0]
    if len(gates):
        listed = [f"{r.milestone} of {name(r.project_id)} (due {_when(r.expected)})" for r in gates.itertuples()]
        out.append(Action("now", "milestones", (
            f"{count(len(gates), 'stage gate')} {'is' if len(gates) == 1 else 'are'} past "
            f"{'its' if len(gates) == 1 else 'their'} date and not passed: {_listing(listed)}. "
            "Hold the gate review or stop the work that waits on it.")))
    other = m.overdue[~m.overdue["gate"]] if "gate" in m.overdue else m.overdue
    if len(other):
        listed = [f"{r.milestone} of {name(r.project_id)}" for r in other.itertuples()]
        out.append(Action("soon", "milestones", (
            f"{count(len(other), 'milestone')} {'is' if len(other) == 1 else 'are'} overdue: the date expected "
            f"has passed and {'it is' if len(other) == 1 else 'they are'} not reached: {_listing(listed)}. "
            "Ask the project managers for a date they can keep.")))
    return out


def _benefit_and_finance_actions(a: PortfolioAnalysis) -> list[Action]:
    out, name = [], _named(a)
    b = a.benefits
    if b is not None and len(b.past_due):
        listed = [f"{r.benefit} of {name(r.project_id) if pd.notna(r.project_id) else 'the portfolio'}"
                  for r in b.past_due.itertuples()]
        out.append(Action("soon", "benefits", (
            f"{count(len(b.past_due), 'benefit')} {'is' if len(b.past_due) == 1 else 'are'} past "
            f"{'its' if len(b.past_due) == 1 else 'their'} due date and not fully realised: {_listing(listed)}. "
            "Ask the owners what will be realised and when, and record it in the benefits register.")))
    f = a.finance
    variance = None if f is None else f.totals.get("variance")
    if variance is not None and not math.isnan(variance) and variance < 0:
        t = f.totals
        out.append(Action("soon", "finance", (
            f"The financial year {f.label} is forecast to end {a.money(-variance)} over its in-year budget (outturn "
            f"{a.money(t.get('outturn'))} against {a.money(t.get('in_year_budget'))}). Agree in-year savings or "
            "re-phasing before the budget is committed.")))
    return out


def _resource_actions(a: PortfolioAnalysis) -> list[Action]:
    """Over-allocations from the status date's month on; earlier months are history, not something to act on.

    Only committed work (active, on hold) calls for re-sequencing or capacity: a cell that proposals alone push
    over capacity is a reason not to start them all, said once, with what the recommended selection leaves.
    """
    r = a.resources
    if r is None or r.over_allocations.empty:
        return []
    month = a.as_of.to_period("M")
    ahead = r.over_allocations[r.over_allocations["month"] >= month]
    committed = ahead[ahead["committed_excess_fte"] > FTE_TOLERANCE]
    roles = (committed.groupby("role", sort=False)
             .agg(months=("month", "nunique"), excess=("committed_excess_fte", "sum"))
             .sort_values(["excess", "months"], ascending=False))
    out = []
    for role, row in roles.head(3).iterrows():
        worst = committed[committed["role"] == role].sort_values("committed_excess_fte", ascending=False).iloc[0]
        out.append(Action("now" if row["months"] >= 3 else "soon", "resources", (
            f"{role} is over-allocated by committed work (active and on-hold projects) in "
            f"{count(int(row['months']), 'month')} ahead; the worst is {worst['month']} "
            f"({worst['committed_fte']:.1f} FTE committed against {worst['capacity_fte']:.1f}), with demand from "
            f"{worst['projects']}. Re-sequence these projects or add capacity.")))
    if len(roles) > 3:
        out.append(Action("soon", "resources", f"{count(len(roles) - 3, 'more role')} over-allocated by committed "
                                               "work in some month ahead; see the resource table."))
    pipeline = ahead[ahead["committed_excess_fte"] <= FTE_TOLERANCE]
    if len(pipeline):
        text = (f"Proposals not yet approved would over-allocate {count(len(pipeline), 'role-month')} ahead "
                f"({_listing(sorted(pipeline['role'].astype(str).unique().tolist()))}) if all of them started")
        if r.selection is not None:
            chosen = r.selection[(r.selection["month"] >= month) & r.selection["over_allocated"]]
            keys = set(zip(pipeline["role"], pipeline["month"]))
            still = sum((role, m) in keys for role, m in zip(chosen["role"], chosen["month"]))
            text += (f"; with the recommended selection {count(still, 'of them is', 'of them are')} still over "
                     "capacity" if still else "; the recommended selection keeps them within capacity")
        out.append(Action("watch", "resources", text + ". Sequence the proposals' start dates before approving "
                                                       "them rather than adding capacity."))
    return out


def _risk_actions(a: PortfolioAnalysis) -> list[Action]:
    r = a.risks
    if r is None:
        return []
    t, out, name, money = r.totals, [], _named(a), a.money
    if t.get("red_threats"):
        out.append(Action("now", "risk", f"{t['red_threats']} open threat{'s are' if t['red_threats'] != 1 else ' is'} "
                                         "in the red zone of the matrix: confirm each has an owner and a response "
                                         "that is under way."))
    conc = r.concentration.get("project") or {}
    share = conc.get("share")
    if share is not None and share >= 0.25 and conc.get("top") not in (None, "(portfolio)"):
        what = ("threat EMV" if t.get("impact_scale") == "money"
                else "threat exposure index (summed probability × impact scores)")
        out.append(Action("soon", "risk", f"{name(conc['top'])} carries {share:.0%} of the portfolio's {what}; "
                                          "review its risk responses and contingency first."))
    threat, opportunity = t.get("threat_emv"), t.get("opportunity_emv")
    if threat is not None and not math.isnan(threat) and threat < 0:
        # Expectation is additive: the summed EMV is the expected cost whatever the correlation; independence
        # only decides how likely that amount is to suffice.
        text = (f"Open threats have an expected monetary value of {money(threat)}, their expected cost whether or "
                f"not they are independent: a contingency of {money(-threat)} covers the expected loss, and how "
                "likely it is to suffice depends on whether the threats are independent (threats that strike "
                "together need more for the same confidence)")
        if opportunity:
            text += f"; open opportunities are worth {money(opportunity)} if pursued"
        out.append(Action("watch", "risk", text + "."))
    return out


def _selection_actions(a: PortfolioAnalysis) -> list[Action]:
    s = a.selection
    if s is None:
        return []
    name, money = _named(a), a.money
    if s.status != "optimal":
        return [Action("now", "selection", f"No project set fits the budget of {money(s.budget)}: "
                                           + " ".join(s.notes))]
    frame = s.projects
    # A project left out only because it has no value is not a candidate for stopping: it needs a value.
    dropped = frame[(~frame["selected"]) & frame["status"].isin(IN_FLIGHT) & ~frame["project_id"].isin(a.unvalued)]
    text = (f"Within the budget of {money(s.budget)}, the best set funds {count(len(s.selected), 'project')} for "
            f"{money(s.total_cost)} (total value {s.total_value:,.1f}).")
    unvalued = [i for i in a.unvalued if i not in s.selected]
    if unvalued:
        text += (f" {count(len(unvalued), 'candidate')} {'have' if len(unvalued) != 1 else 'has'} no value and "
                 f"{'were' if len(unvalued) != 1 else 'was'} counted as worth nothing "
                 f"({_listing([name(i) for i in unvalued])}): score {'them' if len(unvalued) != 1 else 'it'} "
                 "before deciding.")
    if len(dropped):
        many = len(dropped) != 1
        text += (f" {count(len(dropped), 'in-flight project')} {'fall' if many else 'falls'} outside it "
                 f"({_listing([name(i) for i in dropped['project_id']])}): review whether to stop or pause "
                 f"{'them' if many else 'it'}.")
    return [Action("soon", "selection", text)]


_OWN_ACTIONS = frozenset({"dependency_cycle", "dependency_conflict", "needs_cancelled", "reported_greener",
                          "stale_update"})
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


__all__ = ["REASONS_IN_WORDS", "URGENCY", "Action", "actions", "budget_verdict", "count", "money",
           "reasons_in_words", "with_project_names"]
