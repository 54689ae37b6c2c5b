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

from .._values import count, fmt, money, percent
from ..i18n import DEFAULT_LANGUAGE, N_, _, current_language, format_date, ngettext, npgettext
from .capacity import FTE_TOLERANCE
from .labels import check_word, rag_word, report_month
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


REASONS_IN_WORDS = {"over budget": N_("does not fit the remaining budget")}
"""Selection's reasons as a reader should read them: a project left out for cost need not be over its own budget."""

REASON_WORDS = {"mandatory": N_("mandatory"), "prerequisite of mandatory": N_("prerequisite of mandatory"),
                "selected": N_("selected"), "prerequisite cancelled": N_("prerequisite cancelled"),
                "no cost estimate": N_("no cost estimate"), "excluded": N_("excluded"),
                "prerequisite not selected": N_("prerequisite not selected"), "over capacity": N_("over capacity"),
                "no value": N_("no value"), "no value given": N_("no value given"), "lower value": N_("lower value"),
                "infeasible": N_("infeasible")}
"""The other reasons of a selection (:class:`pmo_workbench.portfolio.problem.Selection`), marked for the
catalogue: in English they read as they are."""


def reasons_in_words(projects: pd.DataFrame) -> pd.DataFrame:
    """A copy of a selection's candidates with each ``reason`` in words of the current language (see
    :data:`REASONS_IN_WORDS` and :data:`REASON_WORDS`).

    >>> reasons_in_words(pd.DataFrame({"reason": ["over budget", "selected"]}))["reason"].tolist()
    ['does not fit the remaining budget', 'selected']
    """
    words = {**{code: _(text) for code, text in REASON_WORDS.items()},
             **{code: _(text) for code, text in REASONS_IN_WORDS.items()}}
    return projects.assign(reason=projects["reason"].map(lambda r: words.get(r, r) if isinstance(r, str) else r))


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
        return _("finish on budget")
    return (_("overrun its budget by {amount}").format(amount=money(-vac, currency)) if vac < 0
            else _("finish {amount} under budget").format(amount=money(vac, currency)))


def _listing(ids: list[str], limit: int = 3, kind: str = "projects") -> str:
    """The first ``limit`` of ``ids`` and how many more; ``kind`` (``projects``, ``stage gates``, ``milestones``,
    ``benefits``, ``roles``) is the message context, as "1 more" agrees with the noun in some languages."""
    shown = ", ".join(ids[:limit])
    if len(ids) <= limit:
        return shown
    n = len(ids) - limit
    forms = {
        "stage gates": npgettext("stage gates", "{listed} and {n} more", "{listed} and {n} more", n),
        "milestones": npgettext("milestones", "{listed} and {n} more", "{listed} and {n} more", n),
        "benefits": npgettext("benefits", "{listed} and {n} more", "{listed} and {n} more", n),
        "roles": npgettext("roles", "{listed} and {n} more", "{listed} and {n} more", n),
    }
    text = forms.get(kind) or npgettext("projects", "{listed} and {n} more", "{listed} and {n} more", n)
    return text.format(listed=shown, n=n)


def _named(a: PortfolioAnalysis):
    """A function giving a project id's label for the reader, ``"P-001 — Payroll upgrade"``."""
    names = a.project_names()
    return lambda project_id: names.get(str(project_id), str(project_id))


def actions(analysis: PortfolioAnalysis) -> list[Action]:
    """The actions the analysis calls for, most urgent first (at most one per finding type).

    Projects are named by id and name, and money is in the analysis's currency; the texts are in the current
    language (:func:`pmo_workbench.i18n.current_language`).
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


def _needs(source: str, target: str) -> str:
    return _("{source} needs {target}").format(source=source, target=target)


def _dependency_actions(a: PortfolioAnalysis) -> list[Action]:
    d = a.dependencies
    if d is None:
        return []
    out, name = [], _named(a)
    for cycle in d.cycles:
        chain = _(" needs ").join([*cycle, cycle[0]])
        out.append(Action("now", "dependencies", _(
            "Break the dependency cycle {chain}: as recorded, none of these projects can finish first. Correct the "
            "data or re-plan the hand-overs.").format(chain=chain)))
    orphans = [f for f in d.findings if f.check == "needs_cancelled"]
    if orphans:
        pairs = [_needs(name(f.project_id), name(f.extra.get("to_project", "?"))) for f in orphans]
        out.append(Action("now", "dependencies", ngettext(
            "{n} project depends on a cancelled project ({listed}): find another way to deliver what it was to "
            "provide, or stop the project that needs it.",
            "{n} projects depend on a cancelled project ({listed}): find another way to deliver what it was to "
            "provide, or stop the projects that need it.", len(orphans)).format(n=len(orphans),
                                                                                listed=_listing(pairs))))
    late = late_links(d)
    if late.count:
        fix = (_("Agree new dates or bring the predecessors forward, and record in the dependencies sheet the date "
                 "each link is really needed by where it gives none.") if late.from_start
               else _("Agree new dates or bring the predecessors forward."))
        out.append(Action("now", "dependencies", f"{late.sentence(name)} {fix}"))
    if d.longest_chain:
        out.append(Action("watch", "dependencies", _chain_text(d, name)))
    return out


def _chain_text(d, name) -> str:
    """The longest dependency chain, its span and tightest link, and exactly what a slip of its first project delays."""
    chain = " → ".join(d.longest_chain)
    if d.longest_chain_days is not None:
        text = _("Watch the longest dependency chain {chain} ({days} days from the first project's start to the last "
                 "one's finish)").format(chain=chain, days=fmt(d.longest_chain_days, 0, thousands=True))
    else:
        text = _("Watch the longest dependency chain {chain}").format(chain=chain)
    on_chain = d.links[d.links["from_project"].isin(d.longest_chain) & d.links["to_project"].isin(d.longest_chain)
                       & d.links["slack_days"].notna()]
    if len(on_chain):
        tight = on_chain.iloc[0]
        slack = int(tight["slack_days"])
        source, target = name(tight["from_project"]), name(tight["to_project"])
        text += "; " + (ngettext("its tightest link: {source} needs {target} with {n} day of slack",
                                 "its tightest link: {source} needs {target} with {n} days of slack", slack)
                        if slack >= 0 else
                        ngettext("its tightest link: {source} needs {target} {n} day before it is due to finish",
                                 "its tightest link: {source} needs {target} {n} days before it is due to finish",
                                 -slack)).format(source=source, target=target, n=abs(slack))
    radius = d.projects.set_index("project_id")["blast_radius"]
    first = d.longest_chain[0]
    reach = int(radius.get(first, 0))
    return text + ". " + ngettext(
        "A slip of {first} can delay only the {n} project that needs it, directly or through others (its blast "
        "radius, in the table of most depended-on projects); a slip further along delays only the projects after "
        "it, and not at all while it stays within a link's slack.",
        "A slip of {first} can delay only the {n} projects that need it, directly or through others (its blast "
        "radius, in the table of most depended-on projects); a slip further along delays only the projects after "
        "it, and not at all while it stays within a link's slack.", reach).format(first=name(first), n=reach)


def _delivery_actions(a: PortfolioAnalysis) -> list[Action]:
    evm, totals, out, name, money = a.evm, a.totals, [], _named(a), a.money
    flight = evm[evm["status"].isin(IN_FLIGHT)]
    # Red is below the amber band (over budget or late); far above it a project is rated "check estimate".
    red = flight[flight["rag"] == "red"].sort_values("vac")
    if len(red):
        worst = [_("{project} (VAC {vac})").format(project=name(r.project_id), vac=money(r.vac))
                 if pd.notna(r.vac) else name(r.project_id) for r in red.itertuples()]
        out.append(Action("now", "delivery", ngettext(
            "{n} in-flight project is red, over budget or late: {listed}. Hold recovery reviews with their sponsors.",
            "{n} in-flight projects are red, over budget or late: {listed}. Hold recovery reviews with their "
            "sponsors.", len(red)).format(n=len(red), listed=_listing(worst))))
    generous = flight[flight["rag"] == CHECK_ESTIMATE]
    if len(generous):
        seen = [_("{project} (CPI {cpi}, schedule index {schedule})").format(
                    project=name(r.project_id), cpi=fmt(r.cpi, 2), schedule=fmt(r.schedule, 2))
                for r in generous.sort_values("project_id").itertuples()]
        out.append(Action("soon", "delivery", ngettext(
            "{n} in-flight project is rated \"check estimate\", under-running cost or schedule beyond {high}: "
            "{listed}. Re-examine its estimate and baseline with the project manager: an under-run that large more "
            "often means a generous estimate or a stale baseline than exceptional delivery, and the forecasts built "
            "on it are not yet to be trusted.",
            "{n} in-flight projects are rated \"check estimate\", under-running cost or schedule beyond {high}: "
            "{listed}. Re-examine their estimate and baseline with the project managers: an under-run that large "
            "more often means a generous estimate or a stale baseline than exceptional delivery, and the forecasts "
            "built on it are not yet to be trusted.", len(generous)).format(
            n=len(generous), high=fmt(a.thresholds.amber[1], 2), listed=_listing(seen))))
    vac, cpi = totals.get("vac"), totals.get("cpi")
    if vac is not None and not math.isnan(vac) and vac < 0:
        out.append(Action("soon", "delivery", _(
            "The portfolio is forecast to overrun its budget by {overrun} (EAC {eac} against BAC {bac}, CPI {cpi}). "
            "Decide where the money comes from or what is descoped.").format(
            overrun=money(-vac), eac=money(totals.get("eac")), bac=money(totals.get("bac")), cpi=fmt(cpi, 2))))
    behind = flight[flight["sv_t"] <= -1].sort_values("sv_t")
    if len(behind):
        listed = [_("{project} ({periods} periods)").format(project=name(r.project_id), periods=_signed(r.sv_t))
                  for r in behind.itertuples()]
        out.append(Action("soon", "delivery", ngettext(
            "{n} project is a period or more behind on earned schedule: {listed}. Plain SPI hides this as projects "
            "near completion.",
            "{n} projects are a period or more behind on earned schedule: {listed}. Plain SPI hides this as "
            "projects near completion.", len(behind)).format(n=len(behind), listed=_listing(listed))))
    overdue = evm[evm["overdue"]]
    if len(overdue):
        out.append(Action("soon", "delivery", ngettext(
            "{n} project is past the planned finish and still open: {listed}. Re-baseline them or close them.",
            "{n} projects are past the planned finish and still open: {listed}. Re-baseline them or close them.",
            len(overdue)).format(n=len(overdue), listed=_listing([name(i) for i in overdue["project_id"]]))))
    return out


def _signed(value: float) -> str:
    """A number with one decimal and its sign (``+1.5``, ``-2.0``), in the current locale."""
    text = fmt(value, 1)
    return text if text.startswith("-") else "+" + text


def _when(date) -> str:
    if current_language() == DEFAULT_LANGUAGE:
        return pd.Timestamp(date).strftime("%d %b %Y").lstrip("0")
    return format_date(pd.Timestamp(date), "medium")


def _trend_actions(a: PortfolioAnalysis) -> list[Action]:
    out, name = [], _named(a)
    t = a.trends
    if t is not None:
        greener = t.watermelons()
        if len(greener):
            listed = [_("{project} (reported {reported}, figures {computed})").format(
                          project=name(r.project_id), reported=rag_word(r.reported_rag), computed=rag_word(r.rag))
                      for r in greener.itertuples()]
            out.append(Action("now", "reporting", ngettext(
                "{n} project reports a greener RAG than its own earned value gives: {listed}. Ask the project "
                "manager to reconcile the status with the figures before the next board.",
                "{n} projects report a greener RAG than their own earned value gives: {listed}. Ask the project "
                "managers to reconcile the status with the figures before the next board.",
                len(greener)).format(n=len(greener), listed=_listing(listed))))
        worse = t.worsened()
        if len(worse):
            listed = [_("{project} ({then} to {now})").format(project=name(r.project_id),
                                                              then=rag_word(r.previous_rag), now=rag_word(r.rag))
                      for r in worse.itertuples()]
            out.append(Action("soon", "reporting", ngettext(
                "{n} project worsened since the previous status report: {listed}. Find out what changed while it is "
                "still recent.",
                "{n} projects worsened since the previous status report: {listed}. Find out what changed while it "
                "is still recent.", len(worse)).format(n=len(worse), listed=_listing(listed))))
    stale = a.stale
    if stale is not None and len(stale):
        listed = [name(i) for i in stale["project_id"]]
        out.append(Action("soon", "reporting", ngettext(
            "{n} in-flight project last reported more than {days} days before the status date, or never: {listed}. "
            "Its figures describe an older state than this report; ask for a current update.",
            "{n} in-flight projects last reported more than {days} days before the status date, or never: "
            "{listed}. Their figures describe an older state than this report; ask for a current update.",
            len(stale)).format(n=len(stale), days=a.stale_days, listed=_listing(listed))))
    return out


def _milestone_actions(a: PortfolioAnalysis) -> list[Action]:
    m, out, name = a.milestones, [], _named(a)
    if m is None:
        return out
    decisions = m.decisions
    if len(decisions):
        late = decisions[decisions["days_to_go"] < 0]
        listed = [(_("{milestone} of {project} (was due {date})") if r.days_to_go < 0
                   else _("{milestone} of {project} (due {date})")).format(
                      milestone=r.milestone, project=name(r.project_id), date=_when(r.expected))
                  for r in decisions.itertuples()]
        needing = ngettext("{n} milestone needs a decision", "{n} milestones need a decision",
                           len(decisions)).format(n=len(decisions))
        if len(late):
            needing = ngettext("{needing}, {n} of them past its date", "{needing}, {n} of them past their date",
                               len(late)).format(needing=needing, n=len(late))
        out.append(Action("now" if len(late) else "soon", "milestones", ngettext(
            "{needing}: {listed}. Put it on the agenda of the board that decides, soonest first.",
            "{needing}: {listed}. Put them on the agenda of the board that decides, soonest first.",
            len(decisions)).format(needing=needing, listed=_listing(listed, kind="milestones"))))
    gates = m.gates[m.gates["days_to_go"] < 0]
    if len(gates):
        listed = [_("{milestone} of {project} (due {date})").format(milestone=r.milestone, project=name(r.project_id),
                                                                     date=_when(r.expected))
                  for r in gates.itertuples()]
        out.append(Action("now", "milestones", ngettext(
            "{n} stage gate is past its date and not passed: {listed}. Hold the gate review or stop the work that "
            "waits on it.",
            "{n} stage gates are past their date and not passed: {listed}. Hold the gate review or stop the work "
            "that waits on it.", len(gates)).format(n=len(gates), listed=_listing(listed, kind="stage gates"))))
    other = m.overdue[~m.overdue["gate"]] if "gate" in m.overdue else m.overdue
    if len(other):
        listed = [_("{milestone} of {project}").format(milestone=r.milestone, project=name(r.project_id))
                  for r in other.itertuples()]
        out.append(Action("soon", "milestones", ngettext(
            "{n} milestone is overdue: the date expected has passed and it is not reached: {listed}. Ask the "
            "project managers for a date they can keep.",
            "{n} milestones are overdue: the date expected has passed and they are not reached: {listed}. Ask the "
            "project managers for a date they can keep.", len(other)).format(
            n=len(other), listed=_listing(listed, kind="milestones"))))
    return out


def _benefit_and_finance_actions(a: PortfolioAnalysis) -> list[Action]:
    out, name = [], _named(a)
    b = a.benefits
    if b is not None and len(b.past_due):
        listed = [_("{benefit} of {project}").format(benefit=r.benefit, project=name(r.project_id))
                  if pd.notna(r.project_id) else _("{benefit} of the portfolio").format(benefit=r.benefit)
                  for r in b.past_due.itertuples()]
        out.append(Action("soon", "benefits", ngettext(
            "{n} benefit is past its due date and not fully realised: {listed}. Ask the owners what will be "
            "realised and when, and record it in the benefits register.",
            "{n} benefits are past their due date and not fully realised: {listed}. Ask the owners what will be "
            "realised and when, and record it in the benefits register.", len(b.past_due)).format(
            n=len(b.past_due), listed=_listing(listed, kind="benefits"))))
    f = a.finance
    variance = None if f is None else f.totals.get("variance")
    if variance is not None and not math.isnan(variance) and variance < 0:
        t = f.totals
        out.append(Action("soon", "finance", _(
            "The financial year {year} is forecast to end {over} over its in-year budget (outturn {outturn} against "
            "{budget}). Agree in-year savings or re-phasing before the budget is committed.").format(
            year=f.label, over=a.money(-variance), outturn=a.money(t.get("outturn")),
            budget=a.money(t.get("in_year_budget")))))
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
        months = int(row["months"])
        out.append(Action("now" if row["months"] >= 3 else "soon", "resources", ngettext(
            "{role} is over-allocated by committed work (active and on-hold projects) in {n} month ahead; the worst "
            "is {month} ({committed} FTE committed against {capacity}), with demand from {projects}. Re-sequence "
            "these projects or add capacity.",
            "{role} is over-allocated by committed work (active and on-hold projects) in {n} months ahead; the "
            "worst is {month} ({committed} FTE committed against {capacity}), with demand from {projects}. "
            "Re-sequence these projects or add capacity.", months).format(
            role=role, n=months, month=report_month(worst["month"]), committed=fmt(worst["committed_fte"], 1),
            capacity=fmt(worst["capacity_fte"], 1), projects=worst["projects"])))
    if len(roles) > 3:
        more = len(roles) - 3
        out.append(Action("soon", "resources", ngettext(
            "{n} more role over-allocated by committed work in some month ahead; see the resource table.",
            "{n} more roles over-allocated by committed work in some month ahead; see the resource table.",
            more).format(n=more)))
    pipeline = ahead[ahead["committed_excess_fte"] <= FTE_TOLERANCE]
    if len(pipeline):
        listed = _listing(sorted(pipeline["role"].astype(str).unique().tolist()), kind="roles")
        text = ngettext("Proposals not yet approved would over-allocate {n} role-month ahead ({roles}) if all of "
                        "them started", "Proposals not yet approved would over-allocate {n} role-months ahead "
                        "({roles}) if all of them started", len(pipeline)).format(n=len(pipeline), roles=listed)
        if r.selection is not None:
            chosen = r.selection[(r.selection["month"] >= month) & r.selection["over_allocated"]]
            keys = set(zip(pipeline["role"], pipeline["month"]))
            still = sum((role, m) in keys for role, m in zip(chosen["role"], chosen["month"]))
            text += "; " + (ngettext("with the recommended selection {n} of them is still over capacity",
                                     "with the recommended selection {n} of them are still over capacity",
                                     still).format(n=still) if still
                            else _("the recommended selection keeps them within capacity"))
        out.append(Action("watch", "resources", text + ". " + _(
            "Sequence the proposals' start dates before approving them rather than adding capacity.")))
    return out


def _risk_actions(a: PortfolioAnalysis) -> list[Action]:
    r = a.risks
    if r is None:
        return []
    t, out, name, money = r.totals, [], _named(a), a.money
    if t.get("red_threats"):
        out.append(Action("now", "risk", ngettext(
            "{n} open threat is in the red zone of the matrix: confirm each has an owner and a response that is "
            "under way.",
            "{n} open threats are in the red zone of the matrix: confirm each has an owner and a response that is "
            "under way.", t["red_threats"]).format(n=t["red_threats"])))
    conc = r.concentration.get("project") or {}
    share = conc.get("share")
    if share is not None and share >= 0.25 and conc.get("top") not in (None, "(portfolio)"):
        text = (_("{project} carries {share} of the portfolio's threat EMV; review its risk responses and "
                  "contingency first.") if t.get("impact_scale") == "money" else
                _("{project} carries {share} of the portfolio's threat exposure index (summed probability × impact "
                  "scores); review its risk responses and contingency first."))
        out.append(Action("soon", "risk", text.format(project=name(conc["top"]), share=percent(share))))
    threat, opportunity = t.get("threat_emv"), t.get("opportunity_emv")
    if threat is not None and not math.isnan(threat) and threat < 0:
        # Expectation is additive: the summed EMV is the expected cost whatever the correlation; independence
        # only decides how likely that amount is to suffice.
        text = _("Open threats have an expected monetary value of {emv}, their expected cost whether or not they "
                 "are independent: a contingency of {contingency} covers the expected loss, and how likely it is to "
                 "suffice depends on whether the threats are independent (threats that strike together need more "
                 "for the same confidence)").format(emv=money(threat), contingency=money(-threat))
        if opportunity:
            text += "; " + _("open opportunities are worth {amount} if pursued").format(amount=money(opportunity))
        out.append(Action("watch", "risk", text + "."))
    return out


def _selection_actions(a: PortfolioAnalysis) -> list[Action]:
    s = a.selection
    if s is None:
        return []
    name, money = _named(a), a.money
    if s.status == "infeasible":
        return [Action("now", "selection", _("No project set fits the budget of {budget}: {notes}").format(
            budget=money(s.budget), notes="; ".join(s.notes)))]
    frame = s.projects
    # A project left out only because it has no value is not a candidate for stopping: it needs a value.
    dropped = frame[(~frame["selected"]) & frame["status"].isin(IN_FLIGHT) & ~frame["project_id"].isin(a.unvalued)]
    text = ngettext("Within the budget of {budget}, the best set funds {n} project for {cost} (total value {value}).",
                    "Within the budget of {budget}, the best set funds {n} projects for {cost} (total value "
                    "{value}).", len(s.selected)).format(
        budget=money(s.budget), n=len(s.selected), cost=money(s.total_cost),
        value=fmt(s.total_value, 1, thousands=True))
    if s.status != "optimal":  # a set was found, but the time limit (or the greedy method) left it unproven
        from .solve import gap_text

        text += " " + _("It is the best set found, not proven the best: a better set could add at most {gap} of "
                        "its value.").format(gap=gap_text(s.gap))
    unvalued = [i for i in a.unvalued if i not in s.selected]
    if unvalued:
        text += " " + ngettext(
            "{n} candidate has no value and was counted as worth nothing ({listed}): score it before deciding.",
            "{n} candidates have no value and were counted as worth nothing ({listed}): score them before deciding.",
            len(unvalued)).format(n=len(unvalued), listed=_listing([name(i) for i in unvalued]))
    if len(dropped):
        text += " " + ngettext(
            "{n} in-flight project falls outside it ({listed}): review whether to stop or pause it.",
            "{n} in-flight projects fall outside it ({listed}): review whether to stop or pause them.",
            len(dropped)).format(n=len(dropped), listed=_listing([name(i) for i in dropped["project_id"]]))
    return [Action("soon", "selection", text)]


_OWN_ACTIONS = frozenset({"dependency_cycle", "dependency_conflict", "needs_cancelled", "reported_greener",
                          "stale_update"})
"""Findings that have an action of their own; the data action leaves them out."""


def _data_actions(a: PortfolioAnalysis) -> list[Action]:
    problems = [f for f in a.findings if f.severity in ("error", "warning") and f.check not in _OWN_ACTIONS]
    if not problems:
        return []
    counts = Counter(f.check for f in problems)
    common = ", ".join(f"{check_word(check)} ({n})" for check, n in counts.most_common(3))
    errors = sum(f.severity == "error" for f in problems)
    return [Action("now" if errors else "soon", "data", ngettext(
        "Fix {n} data problem in the portfolio records ({errors}); most common: {common}. Numbers built on them are "
        "less reliable.",
        "Fix {n} data problems in the portfolio records ({errors}); most common: {common}. Numbers built on them "
        "are less reliable.", len(problems)).format(
        n=len(problems), errors=ngettext("{n} error", "{n} errors", errors).format(n=errors), common=common))]


__all__ = ["REASONS_IN_WORDS", "REASON_WORDS", "URGENCY", "Action", "actions", "budget_verdict", "count", "money",
           "reasons_in_words", "with_project_names"]
