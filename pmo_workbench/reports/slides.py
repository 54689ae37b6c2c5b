"""What a slide deck needs from a report that the report does not record already.

A report notebook's last cell records ``show.record("deck", positioning_slides(...))`` (or
:func:`portfolio_slides`): a small JSON-able dict that :mod:`pmo_workbench.reports.deck` turns into slides
in the report engine's worker, together with the notebook's other records (``roadmap/<pmo>``,
``summary/<pmo>``, ``engagement``, ``headline``...). Labels travel with the ids, so that the deck never
needs the instrument or the workbook again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from .._values import fmt
from ..i18n import N_, _, ngettext

MAX_ITEMS = 8
"""Lists recorded for the deck (ranked rows, findings) keep at most this many entries."""


def _num(value: Any, places: int = 2) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else round(number, places)


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


# --- positioning -------------------------------------------------------------------------------

def positioning_slides(pmos: Sequence[Any], instrument: Any, *, min_group_size: int, answers: Any = None) -> dict:
    """The deck's view of a positioning report: per PMO its type, profile, scores, scores by role (suppressed
    cells as ``None`` and listed apart), gaps and data basis; the instrument's labels and method.

    ``pmos`` are :class:`~pmo_workbench.assessment.results.PmoAssessment`; ``answers`` (the long-form answers)
    adds each PMO's answer and "don't know" rates.
    """
    from ..assessment import insights

    ins = instrument
    type_labels = {t.id: t.label for t in ins.types}
    out = []
    for a in pmos:
        dims = a.dimensions
        by_role = a.perception.by_role
        suppressed = [[str(r.role), str(r.dimension)] for r in by_role.itertuples() if pd.notna(r.suppressed)]
        scores_by_role: dict[str, dict[str, float | None]] = {}
        for r in by_role.itertuples():
            scores_by_role.setdefault(str(r.role), {})[str(r.dimension)] = (
                None if pd.notna(r.suppressed) else _num(r.score, 1))
        target = a.type.target
        profile = [{"type": str(p.type), "label": type_labels.get(p.type, str(p.type)), "gates": int(p.gates),
                    "passed": int(p.passed), "met": int(p.met)} for p in a.type.profile.itertuples()]
        quality = None
        if answers is not None:
            dq = insights.data_quality(answers, a, ins)
            quality = {"answer_rate": _num(dq.answer_rate, 4), "dont_know_rate": _num(dq.dont_know_rate, 4),
                       "unanswered_items": len(dq.unanswered), "excluded_scores": len(dq.excluded)}
        steps = a.recommendations
        titles = ({str(i): str(t) for i, t in zip(steps["id"], steps["title"])}
                  if {"id", "title"} <= set(steps.columns) else {})
        out.append({
            "pmo": a.pmo, "pmo_level": a.pmo_level, "respondents": int(a.respondents),
            "type": a.type.type, "type_label": a.type.label, "certainty": a.type.certainty,
            "target": None if target is None else target.id,
            "target_label": None if target is None else type_labels.get(target.id, target.id),
            "target_reached": bool(a.type.target_reached) if target is not None else None,
            "overall_score": _num(a.overall_score, 1), "overall_level": a.overall_level,
            "level_words": insights.level_words(ins, a.overall_level),
            "sentence": insights.summary_sentence(a, ins, min_group_size=min_group_size),
            "profile_sentence": insights.profile_sentence(a, ins),
            "foundation": insights.foundation_sentence(a, ins),
            "profile": profile,
            "to_target": {str(d): _num(v, 1) for d, v in a.type.to_target.items()} if target is not None else {},
            "scores": {str(r.dimension): _num(r.score, 1) for r in dims.itertuples()},
            "levels": {str(r.dimension): None if pd.isna(r.level) else int(r.level) for r in dims.itertuples()},
            "by_role": scores_by_role,
            "suppressed": suppressed,
            "gaps": insights.gap_statements(a, ins),
            "data_basis": insights.data_basis(a, ins, min_group_size),
            "notes": (insights.agreement_notes(a, ins) + insights.reliability_notes(a))[:MAX_ITEMS],
            "quality": quality,
            "step_titles": titles,
        })
    return {
        "report": "positioning",
        "instrument": {"id": ins.id, "version": str(ins.version), "title": ins.title, "items": len(ins.items),
                       "dimensions": len(ins.dimensions), "scale": [ins.scale.min, ins.scale.max]},
        "min_group_size": int(min_group_size),
        "dimensions": [{"id": d.id, "label": d.label} for d in ins.dimensions],
        "roles": [{"id": r.id, "label": r.label} for r in ins.roles],
        "method": insights.methodology_points(ins, min_group_size),
        "languages": (None if answers is None  # "Answered in English (7) and German (5).", when the answers say
                      else insights.languages_sentence(answers, pmos=[a.pmo for a in pmos])),
        "pmos": out,
    }


# --- portfolio ---------------------------------------------------------------------------------

def _rag_rows(frame: pd.DataFrame, key: str) -> list[dict]:
    """Each group's in-flight projects by health, with its CPI and SPI; ``parent`` names the PMO a PMO sits under
    (a parent's counts include those of the PMOs under it), ``None`` elsewhere."""
    rows = []
    for r in frame.itertuples():
        name = getattr(r, key)
        rows.append({"name": _("(none named)") if _text(name) is None else str(name),
                     **{k: int(getattr(r, k, 0) or 0) for k in ("red", "amber", "green", "check_estimate")},
                     "cpi": _num(getattr(r, "cpi", None)), "spi": _num(getattr(r, "spi", None)),
                     "parent": _text(getattr(r, "parent", None))})
    return rows


def portfolio_slides(result: Any, actions: Iterable[Any] = ()) -> dict:
    """The deck's view of a portfolio report: RAG by PMO (else category), the largest threat exposures,
    over-allocated roles, dependency problems, the selection and the actions by urgency, amounts already
    written in the portfolio's currency (``"€1.2m"``).

    ``result`` is a :class:`~pmo_workbench.portfolio.analysis.PortfolioAnalysis`; ``actions`` what
    :func:`pmo_workbench.portfolio.actions` returns for it.
    """
    names = result.project_names()
    money = result.money
    head, totals = result.headline(), result.totals
    deck: dict[str, Any] = {
        "report": "portfolio", "as_of": result.as_of.date().isoformat(), "currency": result.currency,
        "money": {k: money(v) for k, v in (("bac", head.get("bac")), ("eac", head.get("eac")),
                                           ("vac", head.get("vac")), ("ev", totals.get("ev")),
                                           ("ac", totals.get("ac")), ("pv", totals.get("pv")))},
        "actions": [{"urgency": a.urgency, "area": a.area, "text": a.text} for a in actions],
    }
    groups = result.breakdowns()
    for key, label in (("pmo", N_("PMO")), ("category", N_("category")), ("sponsor", N_("sponsor"))):
        frame = groups.get(key)
        if frame is not None and len(frame) > 1 or (frame is not None and key == "sponsor"):
            deck["rag"] = {"key": key, "label": _(label), "rows": _rag_rows(frame.head(12), key)}
            break
    risks = result.risks
    if risks is not None:
        from ..portfolio.risk import risk_summary

        by_project = risks.by_project
        measure = "threat_emv" if risks.totals.get("exposure_basis") == "threat_emv" else "threat_score"
        top = by_project.sort_values(measure, ascending=measure == "threat_emv").head(MAX_ITEMS)
        deck["risks"] = {
            "summary": risk_summary(risks, result.currency), "measure": risks.totals.get("exposure_label"),
            "money": measure == "threat_emv", "currency": result.currency,
            "top": [{"name": names.get(str(r.project_id), str(r.project_id)),
                     "value": _num(abs(getattr(r, measure)) if pd.notna(getattr(r, measure)) else None, 1),
                     "text": money(abs(getattr(r, measure))) if measure == "threat_emv" else
                     fmt(getattr(r, measure), 0)} for r in top.itertuples()],
            "open_threats": risks.totals.get("open_threats"), "red_threats": risks.totals.get("red_threats"),
        }
    res = result.resources
    if res is not None:
        over = res.by_role[res.by_role["total_excess_fte"] > 0].head(MAX_ITEMS)
        t = res.totals
        deck["resources"] = {
            "roles": int(t.get("roles") or 0), "roles_over": int(t.get("roles_over") or 0),
            "over_cells": int(t.get("over_allocated_cells") or 0),
            "committed_over_cells": int(t.get("committed_over_cells") or 0),
            "rows": [{"role": str(r.role), "excess_fte": _num(r.total_excess_fte, 2),
                      "utilisation": _num(r.mean_utilisation, 3)} for r in over.itertuples()],
        }
    dep = result.dependencies
    if dep is not None:
        from ..portfolio.links import late_links

        late = late_links(dep)   # the one count of late links, as the report's headline and section give it
        deck["dependencies"] = {
            "links": int(len(dep.edges)) if hasattr(dep.edges, "__len__") else None,
            "cycles": [[names.get(i, i) for i in cycle] for cycle in dep.cycles][:MAX_ITEMS],
            "late": [{"project": names.get(str(r.from_project), str(r.from_project)),
                      "needs": names.get(str(r.to_project), str(r.to_project)), "days": int(round(r.days_late)),
                      "needed_by": pd.Timestamp(r.needed_by).date().isoformat(), "date_from": str(r.needed_by_source)}
                     for r in late.late.head(MAX_ITEMS).itertuples()],
            "late_count": late.count,
            "dated": late.dated,
            "late_sentence": late.summary(),
            "definition": late.definition(),
            "longest_chain": [names.get(i, i) for i in dep.longest_chain],
            "longest_days": None if dep.longest_chain_days is None else int(dep.longest_chain_days),
        }
    s = result.selection
    if s is not None:
        chosen = s.projects[s.projects["selected"]] if "selected" in s.projects else s.projects.iloc[:0]
        deck["selection"] = {
            "status": s.status, "budget": money(s.budget), "cost": money(s.total_cost),
            "value": _num(s.total_value), "selected": int(len(s.selected)), "candidates": int(len(s.projects)),
            "funded": [names.get(str(i), str(i)) for i in chosen["project_id"]][:MAX_ITEMS],
            "left_out": _candidates(int(len(s.projects) - len(chosen))),
        }
        if s.status == "feasible":  # a set found but not proven the best: how far from the best it may be
            from ..portfolio.solve import gap_text

            deck["selection"]["unproven"] = _(
                "It is the best set found, not proven the best: a better set could add at most {gap} of its "
                "value.").format(gap=gap_text(s.gap))
    elif result.candidates is not None and len(result.candidates):
        deck["selection"] = {"status": "no budget", "candidates": int(len(result.candidates))}
    stopped = getattr(result, "frontier_words", lambda: None)()
    if stopped and "selection" in deck:
        deck["selection"]["frontier_stopped"] = stopped
    found = result.findings_frame()
    deck["findings"] = ({} if found.empty else
                        {str(k): int(v) for k, v in found["severity"].value_counts().items()})
    return deck


def _candidates(n: int) -> str:
    return ngettext("{n} candidate", "{n} candidates", n).format(n=n)


def key_messages(records: Mapping[str, Any]) -> list[str]:
    """The engagement's key messages when it gives them, else nothing (the deck falls back on the report)."""
    engagement = records.get("engagement")
    if isinstance(engagement, Mapping):
        messages = engagement.get("key_messages")
        if isinstance(messages, list):
            return [str(m) for m in messages if str(m).strip()]
    return []
