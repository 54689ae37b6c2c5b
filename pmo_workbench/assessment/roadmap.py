"""The roadmap of one PMO: the library's steps the evidence calls for, grouped into phased initiatives.

:func:`build_roadmap` works in five moves, each deterministic (ties broken by id):

1. **Select.** A step is a candidate when it fits the PMO: its ``pmo_levels``
   (none = all; a PMO of unknown level fits every step), its ``types`` (the
   PMO's current type; none = all), its ``frameworks`` (none = all; without a
   framework, steps written for one framework are left out) and its
   dimension's maturity level (``levels``; an unscored dimension counts as
   level 1). It is selected when one of its triggers fires (an item mean below
   its threshold, a dimension at one of the listed levels, a finding), or, when
   it has none, by its level alone. An unscored dimension's level calls for
   nothing (neither a step by its level nor a dimension trigger): too few
   answers are a gap in the data, not an absent practice. An evidence trigger (the consultant's answer
   to an evidence question, :attr:`Findings.answers`) fires whatever the
   dimension's level: a foundation that does not exist is needed at any level.
   A step that ``creates`` what an evidence question asks about is left out
   when the answer is ``yes`` (a named sponsor: no "secure a named sponsor").
   As in :func:`~pmo_workbench.assessment.recommendations.recommend`, the roadmap leads to the PMO's goal (its target
   when that lies above its type) and never beyond it: a step on a dimension
   gated only by types above the goal is left out, unless a problem called
   for it (a perception gap, low agreement, a dependency cycle, over-allocation,
   a project without a sponsor: a problem to fix, not a step up the ladder;
   missing evidence or a foundation gap there is left alone). ``exclude``
   removes steps by id; ``add`` forces steps in whatever their fit.
2. **Supersede.** A step superseded by a selected step goes (unless forced in);
   its evidence passes to the step that supersedes it, and a prerequisite on it
   becomes a prerequisite on that step.
3. **Group.** Steps are grouped into initiatives, one per workstream and
   dimension (the library puts each dimension in one workstream, so an
   initiative is "the work on one dimension"); the library defines 2-4
   workstreams. A step called for by findings alone stands on its own; when it
   is of low impact (a workshop on split views) it joins instead the
   best-placed initiative on a dimension its findings name, as one of its
   steps (never its lead), and stands alone only when there is none; a step
   standing alone for a finding on a dimension is shown under that dimension.
   **Ranking rule**: initiatives are ranked by the impact of their lead step
   first (high, then medium, then low), and within one impact by class: the
   gaps to the goal (most points needed first), then foundations (a
   foundation gap, or evidence that a thing the step creates is missing),
   then work called for by a finding or added by the consultant, then
   maturity work; then lower effort, then larger weighted gap
   ``weight * (100 - score)``, then id. So a low-impact step called for by a
   finding never ranks ahead of high-impact foundations such as a sponsor.
4. **Cap.** Initiatives are ordered by priority with their prerequisites first
   (a prerequisite inherits the priority of the initiatives that need it;
   initiatives in a prerequisite cycle are ordered by priority). The first
   ``cap`` are kept (an initiative holding a step the consultant added, and
   every initiative it needs, is always kept and counts first, so a roadmap
   holds more than ``cap`` initiatives only when the consultant added more);
   the others are :attr:`Roadmap.deferred`, with the reason.
5. **Phase.** In that order each initiative takes the earliest phase after the
   phases of the initiatives it needs (a prerequisite's initiative is never in
   a later phase than its dependant: it comes one phase before, or, in the last
   phase or a cycle, in the same one), subject to three limits: phase 1 "Now
   (0-3 months)" holds at most :data:`NOW_LIMIT` initiatives of which at most
   :data:`NOW_HIGH_EFFORT` (one) is of high effort, and phase 2 "Next (3-6
   months)" at most :data:`NEXT_LIMIT`; the rest go to phase 3 "Later (6-12
   months)". A low-impact initiative does not start in phase 1 while an
   initiative of higher impact waits for a later phase because of those limits.
   Phases span weeks 1-13, 14-26 and 27-52 (:data:`PHASE_WEEKS`): an initiative
   starts at its phase's first week or, later, when what it needs ends; one that
   cannot start within its phase moves to the phase in which it can.

An initiative tells one story, that of its **lead step**: the step not folded
in with the highest impact, then one no other step of it needs first, then one
the evidence says is missing, then the lowest effort, then id. Its ``title``,
``owner_role`` and ``kpi`` (the step's ``evidence_of_done``) are the lead's.
``because`` is one line: why the initiative is in the roadmap (it closes a gap to
the target or a foundation gap of its dimension; for a step standing alone for
its finding, or work the evidence calls for, the lead step's first evidence,
labelled by its kind: "Evidence ... answered no", "Low score on "<statement>"
(47, under 50)", "Maturity: <dimension> at level 2", "Answers
<finding>", "Added by the consultant", then what the other steps answer besides,
counted by kind: "also 2 low item scores and a finding"), then, when the lead is not of high effort but
another step is, "includes a high-effort step: <its title>", then why in its
phase ("starts now", "after I2, which it needs", "one high-effort start at a
time", "earlier phases are full", "after the higher-impact work").
``effort`` and ``impact`` are the highest of its steps (what the phasing uses)
and ``duration_weeks`` is the critical path through its steps (steps not linked
by a prerequisite run side by side).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import current_language
from .findings import Findings
from .instrument import Instrument
from .positioning import TypeResult
from .recommendations import COLUMNS, FRAMEWORKS, FindingTrigger, RecommendationLibrary
from . import roadmap_words as words
from .roadmap_select import _dimension_context, _Pick, _select, _supersede, short
from .roadmap_words import PHASE_LABELS, phase_label
DEFAULT_CAP = 8
"""Initiatives a roadmap holds at most, unless told otherwise."""
NOW_LIMIT = 3
"""Initiatives phase 1 holds at most."""
NOW_HIGH_EFFORT = 1
"""High-effort initiatives phase 1 holds at most."""
NEXT_LIMIT = 3
"""Initiatives phase 2 holds at most."""
PHASE_WEEKS: dict[int, tuple[int, int]] = {1: (0, 13), 2: (13, 26), 3: (26, 52)}
"""Roadmap phase number -> the weeks it spans (from, to): a quarter, a quarter, half a year."""
_RANK = {"low": 0, "medium": 1, "high": 2}
STEP_COLUMNS = [*COLUMNS, "initiative", "phase", "phase_label"]
"""Columns of :meth:`Roadmap.steps`: the flat list of the kept initiatives' steps."""


@dataclass(frozen=True)
class RoadmapOptions:
    """What the engagement chose: the framework, steps left out or forced in, and the cap."""

    framework: str | None = None
    exclude: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    cap: int = DEFAULT_CAP


@dataclass(frozen=True)
class Initiative:
    """A group of steps on one dimension, in one workstream and one phase (see the module docstring)."""

    id: str
    title: str
    workstream: str
    workstream_label: str
    dimension: str
    dimension_label: str
    phase: int
    phase_label: str
    owner_role: str
    duration_weeks: int
    effort: str
    impact: str
    kpi: str
    steps: tuple[dict[str, Any], ...]
    evidence: tuple[str, ...]
    because: str
    prerequisites: tuple[str, ...] = ()
    unlocks: str | None = None
    start_week: int = 1
    end_week: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "workstream": self.workstream,
                "workstream_label": self.workstream_label, "dimension": self.dimension,
                "dimension_label": self.dimension_label, "phase": self.phase, "phase_label": self.phase_label,
                "owner_role": self.owner_role, "duration_weeks": self.duration_weeks, "effort": self.effort,
                "impact": self.impact, "kpi": self.kpi, "steps": [dict(s) for s in self.steps],
                "evidence": list(self.evidence), "because": self.because,
                "prerequisites": list(self.prerequisites), "unlocks": self.unlocks,
                "start_week": self.start_week, "end_week": self.end_week}


@dataclass(frozen=True)
class Deferred:
    """An initiative the cap left out, and why."""

    title: str
    workstream: str
    dimension: str
    steps: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "workstream": self.workstream, "dimension": self.dimension,
                "steps": list(self.steps), "reason": self.reason}


@dataclass(frozen=True)
class Roadmap:
    """The roadmap of one PMO.

    ``to_dict()`` gives (JSON-ready)::

        {"initiatives": [{"id": "I1", "title": str, "workstream": str, "workstream_label": str,
                          "dimension": str, "dimension_label": str, "phase": 1 | 2 | 3,
                          "phase_label": "Now (0-3 months)" | "Next (3-6 months)" | "Later (6-12 months)",
                          "owner_role": str, "duration_weeks": int, "effort": "low" | "medium" | "high",
                          "impact": "low" | "medium" | "high", "kpi": str,
                          "steps": [{"id", "title", "action", "evidence_of_done", "owner_role",
                                     "duration_weeks", "effort", "impact"}],
                          "evidence": [str], "because": str, "prerequisites": [initiative ids],
                          "unlocks": type id | None,
                          "start_week": int, "end_week": int}],   # weeks from 1: when it starts and ends
         "deferred": [{"title", "workstream", "dimension", "steps": [step ids], "reason"}],
         "workstreams": [{"id", "label"}],           # those the initiatives use, in library order
         "phases": {"1": label, "2": label, "3": label},
         "options": {"framework": str | None, "exclude": [ids], "add": [ids], "cap": int}}

    Initiatives are in phase order, numbered ``I1``, ``I2``... in that order.
    """

    initiatives: tuple[Initiative, ...] = ()
    deferred: tuple[Deferred, ...] = ()
    workstreams: tuple[tuple[str, str], ...] = ()
    options: RoadmapOptions = field(default_factory=RoadmapOptions)
    step_rows: tuple[dict[str, Any], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.initiatives

    def table(self) -> pd.DataFrame:
        """One row per initiative: every field of :class:`Initiative` but ``steps`` (``step_titles`` instead,
        joined by "; "), ``evidence`` joined by "; "."""
        cols = ["id", "title", "workstream", "workstream_label", "dimension", "dimension_label", "phase",
                "phase_label", "owner_role", "duration_weeks", "start_week", "end_week", "effort", "impact", "kpi",
                "step_titles", "evidence", "because"]
        return pd.DataFrame([{**{k: getattr(i, k) for k in cols if hasattr(i, k) and k != "evidence"},
                              "step_titles": "; ".join(s["title"] for s in i.steps),
                              "evidence": "; ".join(i.evidence)} for i in self.initiatives], columns=cols)

    def steps(self) -> pd.DataFrame:
        """The kept initiatives' steps, flat, in roadmap order: :data:`STEP_COLUMNS`."""
        return pd.DataFrame(list(self.step_rows), columns=STEP_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        return {"initiatives": [i.to_dict() for i in self.initiatives],
                "deferred": [d.to_dict() for d in self.deferred],
                "workstreams": [{"id": w, "label": label} for w, label in self.workstreams],
                "phases": {str(k): phase_label(k) for k in PHASE_LABELS},
                "options": {"framework": self.options.framework, "exclude": list(self.options.exclude),
                            "add": list(self.options.add), "cap": self.options.cap}}


_Key = tuple[str, str, str]  # workstream, dimension, and a step id for a step that stands alone


def _check_options(library: RecommendationLibrary, framework: str | None, exclude: Iterable[str],
                   add: Iterable[str], cap: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if framework is not None and framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}")
    if isinstance(cap, bool) or not isinstance(cap, (int, np.integer)) or cap < 1:
        raise ValueError(f"the cap must be a whole number of initiatives, 1 or more; got {cap!r}")
    known = {r.id for r in library.recommendations}
    exclude, add = tuple(dict.fromkeys(exclude)), tuple(dict.fromkeys(add))
    for key, ids in (("exclude", exclude), ("add", add)):
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"recommendations {key}: unknown step id{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(repr(u) for u in unknown)}; the library {library.id} has no such step")
    both = sorted(set(exclude) & set(add))
    if both:
        raise ValueError(f"recommendations: {', '.join(repr(b) for b in both)} both excluded and added")
    return exclude, add


def build_roadmap(a_dimensions: pd.DataFrame, item_scores: Mapping[str, float] | pd.Series,
                  type_result: TypeResult, library: RecommendationLibrary, instrument: Instrument, *,
                  findings: Findings | Mapping[str, set[str] | bool] | None = None, framework: str | None = None,
                  pmo_level: str | None = None, exclude: Iterable[str] = (), add: Iterable[str] = (),
                  cap: int = DEFAULT_CAP) -> Roadmap:
    """Build the roadmap of one PMO (see the module docstring for every rule).

    Parameters
    ----------
    a_dimensions
        The PMO's dimension rows: ``dimension``, ``score``, ``level``.
    item_scores
        Item id -> the PMO's mean item score (0-100, reversed items turned round); a missing item fires no trigger.
    type_result
        Where the PMO stands and its target (:func:`~pmo_workbench.assessment.positioning.classify_type`).
    findings
        :class:`~pmo_workbench.assessment.findings.Findings`, or a mapping ``name -> True | {dimension ids}``.
    framework
        ``pmbok``, ``prince2``, ``agile`` or ``None`` (framework-neutral wording).
    pmo_level
        ``project``, ``department``, ``enterprise`` or ``None``.
    exclude, add
        Step ids to leave out and to force in.
    cap
        The most initiatives kept; the rest are deferred.

    Raises
    ------
    ValueError
        An unknown framework, a cap below 1, an unknown step id in ``exclude`` or ``add`` (the message names it),
        or an id in both.
    """
    exclude, add = _check_options(library, framework, exclude, add, cap)
    found = Findings.coerce(findings)
    scores = item_scores if isinstance(item_scores, Mapping) else dict(item_scores.items())
    dims = _dimension_context(a_dimensions, type_result, instrument)
    questions = {q.id: q.text for q in instrument.evidence}
    statements = {str(k): (str(r.text), bool(r.reverse)) for k, r in instrument.items.iterrows()}
    picks = _select(library, dims, scores, found, type_result, framework, pmo_level, set(exclude), set(add),
                    questions, statements)
    picks, redirect = _supersede(picks)
    groups = _group(picks, library, dims)
    order, needs, keys = _order(groups, picks, redirect, dims)
    forced = {g for g in order if any(picks[s].forced for s in groups[g])}
    stack = list(forced)
    while stack:  # what an added step needs is kept with it
        for pre in needs[stack.pop()]:
            if pre not in forced:
                forced.add(pre)
                stack.append(pre)
    room = max(cap - len(forced), 0)
    others = [g for g in order if g not in forced]
    kept = [g for g in order if g in forced or g in others[:room]]
    cut = [g for g in order if g not in kept]
    phases, pushed = _phase(kept, needs, groups, picks)
    starts = _timing(kept, needs, groups, picks, phases, pushed)
    position = {g: n for n, g in enumerate(kept)}
    kept.sort(key=lambda g: (phases[g], position[g]))
    numbers = {g: f"I{n}" for n, g in enumerate(kept, start=1)}
    labels = {d.id: d.label for d in instrument.dimensions}
    initiatives, rows = [], []
    for g in kept:
        initiative = _initiative(g, numbers, groups[g], picks, library, dims, labels, phases[g], pushed.get(g),
                                 [numbers[n] for n in sorted(needs[g] & set(kept), key=kept.index)], framework,
                                 instrument, starts[g])
        initiatives.append(initiative)
        for s in initiative.steps:
            d = dims[initiative.dimension]
            rows.append({"dimension": initiative.dimension, "level": d["level"], "id": s["id"], "title": s["title"],
                         "action": s["action"], "effort": s["effort"], "impact": s["impact"],
                         "unlocks": initiative.unlocks, "weighted_gap": d["weighted_gap"], "reason": d["reason"],
                         "initiative": initiative.id, "phase": initiative.phase, "phase_label": initiative.phase_label})
    deferred = tuple(Deferred(_lead(groups[g], picks).rec.text(framework)[0], g[0], _shown(g, groups, picks),
                              tuple(groups[g]), words.deferred_reason(cap)) for g in cut)
    used = {g[0] for g in kept}
    streams = tuple((w.id, w.label) for w in library.workstreams if w.id in used)
    return Roadmap(tuple(initiatives), deferred, streams, RoadmapOptions(framework, exclude, add, cap), tuple(rows))


def _group(picks: Mapping[str, _Pick], library: RecommendationLibrary,
           dims: Mapping[str, dict[str, Any]]) -> dict[_Key, list[str]]:
    """One group per workstream and dimension; a step called for by findings alone (no other trigger) stands on
    its own, keyed by its id, so that it does not lend its finding to the dimension's other work. A low-impact
    step called for by findings alone joins instead the best-placed initiative on a dimension its findings name,
    when there is one (it becomes one step of that work, never its lead)."""
    groups: dict[_Key, list[str]] = {}
    foldable = []
    for sid in sorted(picks):
        rec = picks[sid].rec
        alone = bool(rec.triggers) and all(isinstance(t, FindingTrigger) for t in rec.triggers)
        if alone and rec.impact == "low" and picks[sid].found_on and not picks[sid].forced:
            foldable.append(sid)
        groups.setdefault((rec.workstream, rec.dimension, sid if alone else ""), []).append(sid)
    for sid in foldable:
        pick = picks[sid]
        on = {dim for dim, _ in pick.found_on}
        into = [g for g in groups if not g[2] and g[1] in on]
        if into:
            best = min(into, key=lambda g: _priority(g, groups, picks, dims))
            del groups[(pick.rec.workstream, pick.rec.dimension, sid)]
            groups[best].append(sid)
            # it answers the findings on that dimension there
            here = [text for dim, text in pick.found_on if dim == best[1]]
            pick.evidence, pick.found, pick.folded = here, here, True
    return groups


def _priority(g: _Key, groups: Mapping[_Key, list[str]], picks: Mapping[str, _Pick],
              dims: Mapping[str, dict[str, Any]]) -> tuple:
    """The priority key of an initiative (smaller first): impact, then class, then the rest (module docstring)."""
    d, lead = dims[g[1]], _lead(groups[g], picks)
    own = [picks[s] for s in groups[g] if not picks[s].folded]
    if d["rank"] == 0:
        cls = 0
    elif d["rank"] == 1 or any(p.missing for p in own):
        cls = 1
    elif any(p.found or p.forced for p in own):
        cls = 2
    else:
        cls = 3
    return (-_RANK[lead.rec.impact], cls, -d["needed"] if d["rank"] < 2 else 0.0, _RANK[lead.rec.effort],
            -d["weighted_gap"], g)


def _depths(steps: list[str], picks: Mapping[str, _Pick]) -> dict[str, int]:
    """How many of the initiative's steps come before each one, by prerequisites (0: none needed first)."""
    inside = set(steps)
    depth: dict[str, int] = {}

    def level(sid: str, trail: frozenset[str]) -> int:
        if sid not in depth:
            before = [level(p, trail | {sid}) + 1 for p in picks[sid].rec.prerequisites
                      if p in inside and p not in trail]
            depth[sid] = max(before, default=0)
        return depth[sid]

    for sid in steps:
        level(sid, frozenset())
    return depth


def _step_order(steps: list[str], picks: Mapping[str, _Pick]) -> list[str]:
    """Steps with their prerequisites first, then higher impact, lower effort, id; steps folded in last."""
    depth = _depths(steps, picks)
    return sorted(steps, key=lambda s: (picks[s].folded, depth[s], -_RANK[picks[s].rec.impact],
                                        _RANK[picks[s].rec.effort], s))


def _shown(g: _Key, groups: Mapping[_Key, list[str]], picks: Mapping[str, _Pick]) -> str:
    """The dimension an initiative is shown under: its own, or, for a step standing alone for a finding on a
    dimension, that dimension (a perception gap on the mandate is work on the mandate, wherever the library
    files the step)."""
    on = picks[groups[g][0]].found_on if g[2] else []
    return on[0][0] if on else g[1]


def _lead(steps: list[str], picks: Mapping[str, _Pick]) -> _Pick:
    """The step that names and leads the initiative: not one folded in, highest impact, then one no other step of
    the initiative needs first, then one the evidence says is missing (a foundation), then lower effort, then id."""
    depth = _depths(steps, picks)
    return min((picks[s] for s in steps), key=lambda p: (p.folded, -_RANK[p.rec.impact], depth[p.rec.id],
                                                          not p.missing, _RANK[p.rec.effort], p.rec.id))


def _order(groups: Mapping[_Key, list[str]], picks: Mapping[str, _Pick], redirect: Mapping[str, str],
           dims: Mapping[str, dict[str, Any]]):
    """Initiatives in priority order with their prerequisites first; what each needs; each one's priority key."""
    owner = {sid: g for g, steps in groups.items() for sid in steps}
    needs: dict[_Key, set[_Key]] = {g: set() for g in groups}
    for g, steps in groups.items():
        for sid in steps:
            for pre in picks[sid].rec.prerequisites:
                pre = redirect.get(pre, pre)
                if pre in owner and owner[pre] != g:
                    needs[g].add(owner[pre])

    keys = {g: _priority(g, groups, picks, dims) for g in groups}
    effective = dict(keys)
    changed = True
    while changed:  # a prerequisite takes the priority of what needs it (a fixed point: keys only fall)
        changed = False
        for g in groups:
            for pre in needs[g]:
                if effective[g] < effective[pre]:
                    effective[pre], changed = effective[g], True
    order: list[_Key] = []
    left = set(groups)
    while left:
        ready = [g for g in left if not (needs[g] & left)] or list(left)  # a cycle: take the best of it
        best = min(ready, key=lambda g: (effective[g], keys[g]))
        order.append(best)
        left.remove(best)
    return order, needs, keys


def _phase(kept: list[_Key], needs: Mapping[_Key, set[_Key]],
           groups: Mapping[_Key, list[str]], picks: Mapping[str, _Pick]):
    """Phase of each kept initiative, and why it was pushed back (None when it starts as early as it can)."""
    phases: dict[_Key, int] = {}
    pushed: dict[_Key, str | None] = {}
    count = {1: 0, 2: 0, 3: 0}
    high_now = 0
    waiting = -1  # the highest impact among the initiatives the limits kept out of phase 1
    for g in kept:
        placed = [phases[p] for p in needs[g] if p in phases]
        earliest = min(3, max(placed) + 1) if placed else 1
        why = "prerequisite" if placed and earliest > 1 else None
        high = any(picks[s].rec.effort == "high" for s in groups[g])
        impact = _RANK[_lead(groups[g], picks).rec.impact]
        phase = earliest
        if phase == 1 and impact == _RANK["low"] and waiting > impact:
            phase, why = 2, "impact"
        if phase == 1 and high and high_now >= NOW_HIGH_EFFORT:
            phase, why = 2, "high_effort"
        if phase == 1 and count[1] >= NOW_LIMIT:
            phase, why = 2, "full"
        if phase == 2 and count[2] >= NEXT_LIMIT:
            phase, why = 3, why or "full"
        if earliest == 1 and phase > 1 and why in ("high_effort", "full"):
            waiting = max(waiting, impact)
        phases[g], pushed[g] = phase, why
        count[phase] += 1
        high_now += int(phase == 1 and high)
    changed = True
    while changed:  # prerequisites met later (a cycle): never later than what needs them
        changed = False
        for g in kept:
            for p in needs[g]:
                if p in phases and phases[p] > phases[g]:
                    phases[g], pushed[g], changed = phases[p], "prerequisite", True
    return phases, pushed


def _timing(kept: list[_Key], needs: Mapping[_Key, set[_Key]], groups: Mapping[_Key, list[str]],
            picks: Mapping[str, _Pick], phases: dict[_Key, int], pushed: dict[_Key, str | None]) -> dict[_Key, int]:
    """The week (from 0) each initiative starts: its phase's first week, or later when what it needs ends later;
    an initiative that cannot start within its phase moves to the phase in which it can (the last at most)."""
    start: dict[_Key, int] = {}
    end: dict[_Key, int] = {}
    for g in sorted(kept, key=lambda g: (phases[g], kept.index(g))):
        ready = max((end[p] for p in needs[g] if p in end), default=0)
        begin = max(PHASE_WEEKS[phases[g]][0], ready)
        while phases[g] < 3 and begin >= PHASE_WEEKS[phases[g]][1]:
            phases[g], pushed[g] = phases[g] + 1, "prerequisite"
            begin = max(PHASE_WEEKS[phases[g]][0], ready)
        start[g], end[g] = begin, begin + _critical_path(groups[g], picks)
    return start


def _lower_first(title: str) -> str:
    """A title inside a sentence: its first letter lower-cased, unless the first word is an acronym (PRINCE2) or
    the sentence is not in English (German nouns keep their capital)."""
    if current_language() != "en":
        return title
    head = title.split(" ", 1)[0]
    return title if len(head) > 1 and head[:2].isupper() else title[:1].lower() + title[1:]


def _critical_path(steps: list[str], picks: Mapping[str, _Pick]) -> int:
    inside = set(steps)
    memo: dict[str, int] = {}

    def finish(sid: str, trail: frozenset[str]) -> int:
        if sid not in memo:
            before = [finish(p, trail | {sid}) for p in picks[sid].rec.prerequisites if p in inside and p not in trail]
            memo[sid] = picks[sid].rec.duration_weeks + max(before, default=0)
        return memo[sid]

    return max(finish(s, frozenset()) for s in steps)


def _initiative(g: _Key, numbers: Mapping[_Key, str], steps: list[str],
                picks: Mapping[str, _Pick], library: RecommendationLibrary, dims: Mapping[str, dict[str, Any]],
                labels: Mapping[str, str], phase: int, pushed: str | None, after: list[str],
                framework: str | None, instrument: Instrument, start: int) -> Initiative:
    d = dims[g[1]]
    lead = _lead(steps, picks)
    ordered = _step_order(steps, picks)
    rows = []
    for sid in ordered:
        rec = picks[sid].rec
        title, action, done = rec.text(framework)
        rows.append({"id": sid, "title": title, "action": action, "evidence_of_done": done,
                     "owner_role": rec.owner_role, "duration_weeks": rec.duration_weeks, "effort": rec.effort,
                     "impact": rec.impact})
    others = [s for s in ordered if s != lead.rec.id]
    evidence = tuple(dict.fromkeys([*lead.evidence, *(e for s in others for e in picks[s].evidence)]))
    kinds = {k: v for s in ordered for k, v in picks[s].kinds.items()}
    label = labels[g[1]]
    also: list[str] = []
    if g[2] or d["rank"] >= 2:  # a step standing alone for its finding, or work the evidence calls for
        first = lead.evidence[0] if lead.evidence else d["level_words"]
        why = words.labelled(kinds.get(first, "level"), first)
        said = {first}
        for s in others:
            new = next((e for e in picks[s].evidence if e not in said), None)
            if new is not None:
                said.add(new)
                also.append(kinds.get(new, "level"))
    elif d["rank"] == 0:
        target = instrument.type_label(d["unlocks"])
        why = words.goal_gap(target, label, None if np.isinf(d["needed"]) else d["needed"])
    else:
        why = words.foundation_gap(d["gate_type"], label, None if np.isinf(d["needed"]) else d["needed"])
    why = words.also(why, also)  # what else the other steps answer, counted by kind
    heavy = next((s for s in ordered if picks[s].rec.effort == "high"), None)
    if lead.rec.effort != "high" and heavy is not None:
        why = words.heavy_step(why, _lower_first(short(picks[heavy].rec.text(framework)[0], 34)))
    weeks = _critical_path(steps, picks)
    late = start > PHASE_WEEKS[phase][0]
    when = words.when(pushed, after, start + 1 if late else None)
    rank_effort = max(_RANK[picks[s].rec.effort] for s in steps)
    rank_impact = max(_RANK[picks[s].rec.impact] for s in steps)
    names = {v: k for k, v in _RANK.items()}
    title = lead.rec.text(framework)[0]
    return Initiative(
        id=numbers[g], title=title, workstream=g[0], workstream_label=library.workstream_label(g[0]),
        dimension=_shown(g, {g: steps}, picks), dimension_label=labels[_shown(g, {g: steps}, picks)], phase=phase,
        phase_label=phase_label(phase),
        owner_role=lead.rec.owner_role, duration_weeks=weeks, effort=names[rank_effort],
        impact=names[rank_impact], kpi=lead.rec.text(framework)[2], steps=tuple(rows), evidence=evidence,
        because=words.because(why, when), prerequisites=tuple(after), unlocks=d["unlocks"],
        start_week=start + 1, end_week=start + weeks)
