"""Choosing a roadmap's steps: each dimension's standing, the steps the evidence calls for, and supersession.

Part of :func:`pmo_workbench.assessment.roadmap.build_roadmap` (moves 1 and 2 of its docstring: select,
supersede); see there for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._values import fmt, is_missing
from ..i18n import N_, _
from .findings import Findings
from .instrument import Instrument
from .positioning import TypeResult
from .recommendations import (
    DimensionTrigger,
    EvidenceTrigger,
    FindingTrigger,
    ItemTrigger,
    Recommendation,
    RecommendationLibrary,
)

_PROBLEMS = frozenset({"perception_gap", "low_agreement", "dependency_cycle", "over_allocation", "no_sponsor"})
"""Findings that call for a step even on a dimension beyond the goal: problems to fix, not steps up the ladder
(a missing piece of evidence or a foundation gap on such a dimension is left alone, like its level)."""


@dataclass
class _Pick:
    rec: Recommendation
    evidence: list[str]
    forced: bool
    found: list[str]  # the findings' texts among the evidence
    found_on: list[tuple[str, str]] = field(default_factory=list)  # (dimension, text) of those on a dimension
    missing: bool = False  # an evidence answer says the thing the step creates is missing
    folded: bool = False  # a low-impact finding step folded into the initiative of its finding's dimension
    kinds: dict[str, str] = field(default_factory=dict)  # evidence text -> what kind of trigger gave it


SHORT = 42
"""Characters of a quoted item statement or evidence question at most in a roadmap's reasons."""


ADDED = N_("added by the consultant")
"""The reason of a step the consultant forced in (translated where the roadmap is built)."""

ANSWERED = {"no": N_("evidence \u201c{question}\u201d answered no"),
            "partly": N_("evidence \u201c{question}\u201d answered partly"),
            "yes": N_("evidence \u201c{question}\u201d answered yes")}
"""An evidence answer as a roadmap's reason reads it, by answer."""


def _score(value: float, below: float) -> str:
    """A score below a threshold, whole unless rounding would reach the threshold (39.9 under 40)."""
    return fmt(value, 0) if round(value) < below else fmt(value, 1)


def _threshold(value: float) -> str:
    """A threshold as ``:g`` writes it (50, 47.5), in the current language's numbers."""
    return fmt(value, len(f"{value:g}".partition(".")[2]))


def short(text: str, limit: int = SHORT) -> str:
    """``text`` without its final full stop, cut at a word before ``limit`` characters with an ellipsis.

    >>> short("The PMO has a written charter approved by senior management.", 30)
    'The PMO has a written charter\u2026'
    """
    text = " ".join(str(text).split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(",;: ") + "\u2026"


def _dimension_context(a_dimensions: pd.DataFrame, type_result: TypeResult,
                       instrument: Instrument) -> dict[str, dict[str, Any]]:
    """Per dimension: level, score, weighted gap, its class (0 goal, 1 foundation gap, 2 other), points needed,
    the reason words, and whether it lies beyond the goal (as :func:`recommend` decides)."""
    weights = instrument.dimension_table["weight"]
    goal, goal_gaps = type_result.goal, type_result.goal_gaps
    goal_label = None if goal is None else instrument.type_label(goal)
    ids = [t.id for t in instrument.types]
    ceiling = ids.index(goal) if goal is not None else max(type_result.rank, 0)
    beyond = {d for t in instrument.types[ceiling + 1:] for d in t.gates} if type_result.target else set()
    within = {d for t in instrument.types[:ceiling + 1] for d in t.gates}
    foundation: dict[str, Any] = {}
    for g in type_result.foundation_gaps.itertuples(index=False):
        foundation.setdefault(g.dimension, g)
    labels = {d.id: d.label for d in instrument.dimensions}
    out = {}
    by_dim = a_dimensions.set_index("dimension")
    for dim in instrument.dimensions:
        score = by_dim["score"].get(dim.id, np.nan) if "score" in by_dim else np.nan
        missing = is_missing(score)
        level = 1 if missing or is_missing(by_dim["level"].get(dim.id)) else int(by_dim["level"].get(dim.id))
        weighted_gap = float(weights[dim.id] * (100.0 - (0.0 if missing else float(score))))
        needed, rank, unlocks = 0.0, 2, None
        if dim.id in goal_gaps:
            rank, unlocks = 0, goal
            value = goal_gaps.get(dim.id)
            needed = np.inf if is_missing(value) else float(value)
            reason = (_("no score yet; the {type} gate needs it").format(type=goal_label) if np.isinf(needed)
                      else _("{points} points short of the {type} gate").format(points=fmt(needed, 1),
                                                                                 type=goal_label))
        elif dim.id in foundation:
            rank = 1
            gap = foundation[dim.id]
            needed = np.inf if is_missing(gap.points_needed) else float(gap.points_needed)
            type_label = instrument.type_label(gap.type)
            reason = (_("foundation gap: no score yet on a {type} gate").format(type=type_label) if np.isinf(needed)
                      else _("foundation gap: {points} points below the {type} gate").format(
                          points=fmt(needed, 1), type=type_label))
        elif missing:
            reason = _("not enough answers to score this dimension")
        else:
            reason = _("weighted gap of {points} points to full maturity").format(points=fmt(weighted_gap, 1))
        name = instrument.level_names.get(level) if not missing else None
        out[dim.id] = {"level": level, "score": None if missing else float(score), "weighted_gap": weighted_gap,
                       "rank": rank, "needed": needed, "unlocks": unlocks, "reason": reason,
                       "beyond": dim.id in beyond and dim.id not in within, "label": labels[dim.id],
                       "gate_type": (instrument.type_label(foundation[dim.id].type) if dim.id in foundation
                                     and dim.id not in goal_gaps else None),
                       "level_words": _("{dimension} not scored").format(dimension=labels[dim.id]) if missing else
                       _("{dimension} at level {level} ({name})").format(dimension=labels[dim.id], level=level,
                                                                         name=name) if name else
                       _("{dimension} at level {level}").format(dimension=labels[dim.id], level=level)}
    return out


def _select(library: RecommendationLibrary, dims: Mapping[str, dict[str, Any]], scores: Mapping[str, float],
            found: Findings, type_result: TypeResult, framework: str | None, pmo_level: str | None,
            exclude: set[str], add: set[str], questions: Mapping[str, str],
            statements: Mapping[str, tuple[str, bool]]) -> dict[str, _Pick]:
    """The steps called for, by id. ``questions``: evidence question id -> its text; ``statements``: item id ->
    (its statement, whether it is reversed)."""
    picks: dict[str, _Pick] = {}
    for rec in sorted(library.recommendations, key=lambda r: r.id):
        if rec.id in exclude:
            continue
        d = dims.get(rec.dimension)
        if d is None:
            continue
        if rec.id not in add and rec.creates is not None and found.answer(rec.creates) == "yes":
            continue  # the evidence says what the step would create exists
        applies = ((not rec.pmo_levels or pmo_level is None or pmo_level in rec.pmo_levels)
                   and (not rec.types or type_result.type in rec.types)
                   and (not rec.frameworks or framework in rec.frameworks))
        fits = applies and rec.fits(d["level"])
        found_here, found_on, problem, missing = [], [], False, False
        kinds: dict[str, str] = {}  # evidence text -> its kind, in the order found
        if fits and not rec.triggers and d["score"] is not None:  # an unscored dimension has no level to act on
            kinds.setdefault(d["level_words"], "level")
        for trig in rec.triggers if applies else ():
            if isinstance(trig, EvidenceTrigger):  # whatever the level: a missing foundation is needed at any
                answer = found.answer(trig.evidence)
                if answer in trig.answer:
                    missing = True
                    question = short(questions.get(trig.evidence, trig.evidence))
                    kinds.setdefault(_(ANSWERED[answer]).format(question=question) if answer in ANSWERED else
                                     _("evidence \u201c{question}\u201d answered {answer}").format(
                                         question=question, answer=answer), "evidence")
            elif not fits:
                continue
            elif isinstance(trig, ItemTrigger):
                value = scores.get(trig.item)
                if not is_missing(value) and float(value) < trig.below:
                    text, reverse = statements.get(trig.item, (trig.item, False))
                    shown = {"statement": short(text), "score": _score(float(value), trig.below),
                             "threshold": _threshold(trig.below)}
                    kinds.setdefault((_("\u201c{statement}\u201d too widely agreed ({score}, under {threshold})")
                                      if reverse else
                                      _("low score on \u201c{statement}\u201d ({score}, under {threshold})")
                                      ).format(**shown), "item")
            elif isinstance(trig, FindingTrigger):
                hits = found.matching(trig.finding, trig.dimension)
                for f in hits:
                    kinds.setdefault(f.text, "finding")
                found_here.extend(f.text for f in hits)
                found_on.extend((f.dimension, f.text) for f in hits if f.dimension is not None)
                problem = problem or (bool(hits) and trig.finding in _PROBLEMS)
            elif isinstance(trig, DimensionTrigger):
                t = dims.get(trig.dimension)
                if t is not None and t["score"] is not None and t["level"] in trig.levels:
                    kinds.setdefault(t["level_words"], "level")
        # an evidence answer is a fact about the PMO: it is said first
        evidence = sorted(kinds, key=lambda e: kinds[e] != "evidence")
        found_here = list(dict.fromkeys(found_here))
        if rec.id in add:
            added = _(ADDED)
            picks[rec.id] = _Pick(rec, [added, *evidence], True, found_here, found_on, missing,
                                  kinds={added: "added", **kinds})
        elif evidence and (problem or not d["beyond"]):
            picks[rec.id] = _Pick(rec, evidence, False, found_here, found_on, missing, kinds=kinds)
    return picks


def _supersede(picks: dict[str, _Pick]) -> tuple[dict[str, _Pick], dict[str, str]]:
    """Drop the steps a selected step supersedes (forced steps stay); their evidence passes on."""
    redirect: dict[str, str] = {}
    for sid in sorted(picks):
        for gone in picks[sid].rec.supersedes:
            if gone in picks and not picks[gone].forced and gone not in redirect:
                redirect[gone] = sid
    for start in sorted(redirect):  # steps superseding each other (a library not checked): the first by id stays
        trail = [start]
        while trail[-1] in redirect and redirect[trail[-1]] not in trail:
            trail.append(redirect[trail[-1]])
        if trail[-1] in redirect:
            del redirect[min(trail[trail.index(redirect[trail[-1]]):])]
    for gone, by in redirect.items():
        while by in redirect:
            by = redirect[by]
        redirect[gone] = by
    for gone, by in redirect.items():
        picks[by].evidence = list(dict.fromkeys([*picks[by].evidence, *picks[gone].evidence]))
        picks[by].found = list(dict.fromkeys([*picks[by].found, *picks[gone].found]))
        picks[by].missing = picks[by].missing or picks[gone].missing
        picks[by].kinds = {**picks[gone].kinds, **picks[by].kinds}
    return {k: v for k, v in picks.items() if k not in redirect}, redirect
