"""The words of a roadmap: why each initiative is in it and in its phase, and why one was deferred.

Part of :func:`pmo_workbench.assessment.roadmap.build_roadmap` (see its module docstring for when each reason
applies). Every sentence goes through the catalogue, so a roadmap built in a report's language reads in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._values import fmt
from ..i18n import N_, _, ngettext

PHASE_LABELS: dict[int, str] = {1: N_("Now (0-3 months)"), 2: N_("Next (3-6 months)"),
                                3: N_("Later (6-12 months)")}
"""Roadmap phase number -> the label a report shows (marked for the catalogue: show it with ``_()``)."""

KINDS = ("evidence", "finding", "item", "level", "added")
"""The kinds of evidence behind a step, in the order a reason counts them."""


def phase_label(phase: int) -> str:
    """The label of a phase in the current language (``"Now (0-3 months)"``)."""
    return _(PHASE_LABELS[phase])


def labelled(kind: str, text: str) -> str:
    """How a reason reads by the kind of evidence behind it: a level is maturity work, an item's low score and an
    evidence answer speak for themselves ("low score on ...", "evidence ... answered no"), a finding is
    answered."""
    if kind == "level":
        return _("maturity: {what}").format(what=text)
    if kind == "finding":
        return _("answers {finding}").format(finding=text)
    return text


def counted(kind: str, n: int) -> str:
    """``n`` pieces of evidence of one kind: "a finding", "2 low item scores"."""
    if kind == "evidence":
        return _("an evidence answer") if n == 1 else ngettext("{n} evidence answer", "{n} evidence answers",
                                                               n).format(n=n)
    if kind == "finding":
        return _("a finding") if n == 1 else ngettext("{n} finding", "{n} findings", n).format(n=n)
    if kind == "item":
        return _("a low item score") if n == 1 else ngettext("{n} low item score", "{n} low item scores",
                                                             n).format(n=n)
    if kind == "level":
        return _("a maturity level") if n == 1 else ngettext("{n} maturity level", "{n} maturity levels",
                                                             n).format(n=n)
    return (_("a step added by the consultant") if n == 1 else
            ngettext("{n} step added by the consultant", "{n} steps added by the consultant", n).format(n=n))


def and_list(parts: Sequence[str]) -> str:
    """``a and b and c``: the parts joined as the reasons join them."""
    out = parts[0]
    for part in parts[1:]:
        out = _("{first} and {second}").format(first=out, second=part)
    return out


def also(why: str, kinds: Sequence[str]) -> str:
    """``why`` and what the other steps answer besides, counted by kind (``"...; also 2 low item scores"``)."""
    if not kinds:
        return why
    things = and_list([counted(k, kinds.count(k)) for k in KINDS if k in kinds])
    return _("{why}; also {things}").format(why=why, things=things)


def goal_gap(target: str, dimension: str, needed: float | None) -> str:
    """Why an initiative closing a gap to the target is in the roadmap (``None``: the dimension is unscored)."""
    if needed is None:
        return _("closes a gap to the {type} target ({dimension}, not yet scored)").format(type=target,
                                                                                           dimension=dimension)
    return _("closes a gap to the {type} target ({dimension}, {points} points short)").format(
        type=target, dimension=dimension, points=fmt(needed, 1))


def foundation_gap(gate_type: str, dimension: str, needed: float | None) -> str:
    """Why an initiative closing a foundation gap is in the roadmap (``None``: the dimension is unscored)."""
    if needed is None:
        return _("foundation gap: {dimension} no score yet on a {type} gate").format(dimension=dimension,
                                                                                     type=gate_type)
    return _("foundation gap: {dimension} {points} points below the {type} gate").format(
        dimension=dimension, type=gate_type, points=fmt(needed, 1))


def heavy_step(why: str, step: str) -> str:
    return _("{why}; includes a high-effort step: {step}").format(why=why, step=step)


def when(pushed: str | None, after: Sequence[str], start_week: int | None) -> str:
    """Why an initiative is in its phase; ``start_week`` (from 1) when it starts after its phase's first week."""
    if pushed is None:
        return _("starts now")
    if pushed == "prerequisite":
        ids = ", ".join(after)
        if start_week is not None:
            return _("from week {week}, after {ids}, which it needs").format(week=start_week, ids=ids)
        return _("after {ids}, which it needs").format(ids=ids)
    return {"high_effort": _("one high-effort start at a time"), "full": _("earlier phases are full"),
            "impact": _("after the higher-impact work")}[pushed]


def because(why: str, when_text: str) -> str:
    """The whole line: the reason, capitalised, then why in its phase."""
    return _("{why}; {when}.").format(why=f"{why[0].upper()}{why[1:]}", when=when_text)


def deferred_reason(cap: int) -> str:
    """Why the cap left an initiative out."""
    return ngettext("beyond the cap of {cap} initiative: lower priority than those kept",
                    "beyond the cap of {cap} initiatives: lower priority than those kept", cap).format(cap=cap)
