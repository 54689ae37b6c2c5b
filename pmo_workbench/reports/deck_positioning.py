"""The positioning report's deck: 8 to 14 slides, several PMOs compared on shared slides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .branding import Branding
from .deck import (MAX_SLIDES, MUTED, Deck, NotebookChart, bullets_slide, chart_png, engagement_of, footer_mark,
                   footer_text, no_deck_record, pick_charts, title_slide)

MAX_KEY_MESSAGES = 5
ROADMAP_COLUMNS = ("Initiative", "Owner", "Weeks", "KPI", "Why")


def _fmt(value: Any, places: int = 1) -> str:
    from .._values import fmt

    return fmt(value, places)


def initiatives_of(records: Mapping[str, Any], pmo: str, step_titles: Mapping[str, str] | None = None,
                   ) -> tuple[list[dict[str, Any]], str | None]:
    """A PMO's roadmap from its ``roadmap/<pmo>`` record: ``(initiatives, shape)``.

    The record is ``{"initiatives": [...], "deferred": [...]}`` (shape ``"initiatives"``) or, from earlier
    versions, a list of ``{"id", "phase"}`` steps (shape ``"steps"``: titled from ``step_titles``); anything
    else gives no roadmap (``([], None)``).
    """
    record = records.get(f"roadmap/{pmo}")
    if isinstance(record, Mapping) and isinstance(record.get("initiatives"), list):
        return [dict(i) for i in record["initiatives"] if isinstance(i, Mapping)], "initiatives"
    if isinstance(record, list):
        titles = step_titles or {}
        steps = [{"id": s.get("id"), "title": titles.get(str(s.get("id")), str(s.get("id"))), "phase": s.get("phase")}
                 for s in record if isinstance(s, Mapping)]
        return steps, "steps"
    return [], None


def _phase_labels(initiatives: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    from ..assessment import insights

    known = dict(getattr(insights, "PHASE_LABELS", {}))
    labels: dict[int, str] = {}
    for i in initiatives:
        try:
            phase = int(i.get("phase"))
        except (TypeError, ValueError):
            continue
        labels.setdefault(phase, str(i.get("phase_label") or known.get(phase) or f"Phase {phase}"))
    return dict(sorted(labels.items()))


def _key_messages(records: Mapping[str, Any], deck_record: Mapping[str, Any], several: bool) -> list[str]:
    given = engagement_of(records).get("key_messages")
    if isinstance(given, list) and any(str(m).strip() for m in given):
        return [str(m) for m in given if str(m).strip()][:MAX_KEY_MESSAGES]
    messages = []
    for p in deck_record.get("pmos", []):
        summary = records.get(f"summary/{p['pmo']}")
        sentence = summary.get("sentence") if isinstance(summary, Mapping) else None
        sentence = sentence or p.get("sentence")
        if sentence:
            messages.append(f"{p['pmo']}: {sentence}" if several else str(sentence))
    for p in deck_record.get("pmos", []):
        messages.extend(f"{p['pmo']}: {g}" if several else str(g) for g in p.get("gaps", [])[:1])
    return messages[:MAX_KEY_MESSAGES]


def _type_line(p: Mapping[str, Any]) -> str:
    kind = str(p.get("type_label") or p.get("type")) + (" (borderline)" if p.get("certainty") == "borderline" else "")
    if not p.get("target_label"):
        target = "no target set"
    else:
        target = f"target {p['target_label']}" + (", reached" if p.get("target_reached") else ", not yet reached")
    return f"{kind}; {target}. Overall {_fmt(p.get('overall_score'))}, {p.get('level_words') or 'no level'}."


def positioning_deck(records: Mapping[str, Any], *, organisation: str, branding: Branding | None = None,
                     charts: Sequence[NotebookChart] = (), title: str | None = None) -> Deck:
    """The deck of a positioning report (see :mod:`pmo_workbench.reports.deck`)."""
    record = records.get("deck")
    if not isinstance(record, Mapping) or record.get("report") != "positioning":
        raise no_deck_record(organisation, "positioning")
    engagement = engagement_of(records)
    deck = Deck(branding, footer=footer_text(organisation, engagement), mark=footer_mark(engagement))
    pmos = list(record.get("pmos", []))
    several = len(pmos) > 1
    dims = [(d["id"], d["label"]) for d in record.get("dimensions", [])]
    roles = {r["id"]: r["label"] for r in record.get("roles", [])}
    names = ", ".join(p["pmo"] for p in pmos)
    title_slide(deck, title or "PMO positioning assessment", organisation, engagement,
                subject=(f"PMOs: {names}" if several else f"PMO: {names}") if pmos else None)
    bullets_slide(deck, "Key messages", _key_messages(records, record, several))
    _type_slide(deck, pmos, dict(dims))
    ladders = pick_charts(charts, "ladder", "Each type's gates")
    fixed = 9 + len(pmos)  # the slides every deck has, one perception slide per PMO included
    if len(pmos) == 1 and ladders and fixed + 1 <= MAX_SLIDES:
        _ladder_slide(deck, pmos[0], ladders[0])
    _scores_slide(deck, pmos, dims)
    _radar_slide(deck, pmos, dims)
    room = MAX_SLIDES - len(deck.prs.slides) - 5
    for p in pmos[:max(1, room)]:
        _perception_slide(deck, p, dims, roles, record.get("min_group_size"), several)
    _roadmap_slides(deck, records, pmos, several)
    _method_slide(deck, record)
    _quality_slide(deck, record, pmos, roles, several, left_out=pmos[max(1, room):])
    return deck


def _type_slide(deck: Deck, pmos: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> None:
    slide = deck.slide("Type profile and target")
    left, top, width, height = deck.body
    if len(pmos) == 1:
        p = pmos[0]
        text = [(_type_line(p), {"bold": True}), p.get("profile_sentence") or ""]
        if p.get("foundation"):
            text.append(p["foundation"])
        to_target = [f"{labels.get(k, k)}: {_fmt(v)} points" for k, v in (p.get("to_target") or {}).items() if v]
        if to_target:
            text.append("To reach the target: " + "; ".join(to_target) + ".")
        deck.text(slide, (left, top, int(width * 0.52), height), [t for t in text if t], max_pt=18, min_pt=11)
        rows = [[r["label"], f"{r['passed']} of {r['gates']}", f"{r['met']} of {r['gates']}"]
                for r in p.get("profile", [])]
        deck.table(slide, (left + int(width * 0.56), top, int(width * 0.44), height),
                   ["Type", "Gates passed", "Met (whole range)"], rows, [2, 1.2, 1.4], pt=14)
        return
    rows = [[p["pmo"], str(p.get("pmo_level") or ""), p.get("type_label") or "",
             p.get("target_label") or "–", _fmt(p.get("overall_score")), str(p.get("overall_level") or "–")]
            for p in pmos]
    table = deck.table(slide, (left, top, width, int(height * 0.45)),
                       ["PMO", "Level", "Type", "Target", "Overall", "Maturity level"], rows,
                       [2.2, 1.2, 1.5, 1.5, 1, 1], pt=14)
    below = top + sum(int(r.height) for r in table.rows) + int(height * 0.05)
    deck.text(slide, (left, below, width, top + height - below),
              [f"{p['pmo']}: {p.get('profile_sentence') or _type_line(p)}" for p in pmos], max_pt=16, min_pt=10,
              bullets=True)


def _ladder_slide(deck: Deck, p: Mapping[str, Any], chart: NotebookChart) -> None:
    """The report's type-gate chart as a picture, with what it says beside it."""
    slide = deck.slide(f"Type gates: {p['pmo']}")
    left, top, width, height = deck.body
    deck.picture(slide, (left, top, int(width * 0.6), height), chart_png(chart.spec))
    lines: list[Any] = [(_type_line(p), {"bold": True})]
    if p.get("foundation"):
        lines.append(p["foundation"])
    if chart.caption:
        lines.append((chart.caption, {"scale": 0.8, "colour": MUTED}))
    deck.text(slide, (left + int(width * 0.62), top, int(width * 0.38), height), lines, max_pt=16, min_pt=10)


def _scores_slide(deck: Deck, pmos, dims) -> None:
    slide = deck.slide("Maturity by dimension")
    left, top, width, height = deck.body
    series = {p["pmo"]: [p.get("scores", {}).get(d) for d, _ in dims] for p in pmos}
    deck.bar_chart(slide, (left, top, int(width * 0.72), height), [label for _, label in dims], series)
    lines = []
    for p in pmos:
        scored = [(v, label) for (d, label), v in zip(dims, series[p["pmo"]]) if v is not None]
        if scored:
            hi, lo = max(scored), min(scored)
            words = f"highest {hi[1]} ({_fmt(hi[0])}), lowest {lo[1]} ({_fmt(lo[0])})."
            lines.append(f"{p['pmo']}: {words}" if len(pmos) > 1 else words[:1].upper() + words[1:])
    lines.append(("Scores 0-100 from the answers; the report gives each score's 95% range, agreement and "
                  "reliability.", {"scale": 0.8, "colour": MUTED}))
    deck.text(slide, (left + int(width * 0.74), top, int(width * 0.26), height), lines, max_pt=16, min_pt=10)


def _radar_slide(deck: Deck, pmos, dims) -> None:
    slide = deck.slide("Profile across the dimensions")
    left, top, width, height = deck.body
    series = {p["pmo"]: [p.get("scores", {}).get(d) for d, _ in dims] for p in pmos}
    deck.radar_chart(slide, (left + int(width * 0.1), top, int(width * 0.8), height), [label for _, label in dims],
                     series)


def perception_series(p: Mapping[str, Any], dims, roles: Mapping[str, str]) -> tuple[dict[str, list], list[str]]:
    """The perception chart's series (one per role with a shown score; suppressed cells ``None``) and the roles
    left out because every cell of theirs is suppressed."""
    by_role = p.get("by_role") or {}
    series, hidden = {}, []
    for role in [*roles, *(r for r in by_role if r not in roles)]:
        cells = by_role.get(role)
        if cells is None:
            continue
        values = [cells.get(d) for d, _ in dims]
        if all(v is None for v in values):
            hidden.append(roles.get(role, role))
        else:
            series[roles.get(role, role)] = values
    return series, hidden


def _perception_slide(deck: Deck, p, dims, roles, min_group_size, several: bool) -> None:
    slide = deck.slide("Perception gaps by role" + (f": {p['pmo']}" if several else ""))
    left, top, width, height = deck.body
    series, hidden = perception_series(p, dims, roles)
    note_h = int(height * 0.1)
    gaps = list(p.get("gaps") or []) or ["No gap between the role groups shown is large enough to report."]
    if series:
        deck.bar_chart(slide, (left, top, int(width * 0.64), height - note_h), [label for _, label in dims], series,
                       legend=True)
        deck.text(slide, (left + int(width * 0.66), top, int(width * 0.34), height - note_h), gaps, max_pt=16,
                  min_pt=10, bullets=True)
    else:
        deck.text(slide, (left, top, width, height - note_h),
                  [f"Every role group is smaller than {min_group_size} respondents, so no view by role can be shown "
                   "without identifying people."], max_pt=20, min_pt=12)
    partly = sorted({roles.get(r, r) for r, _ in p.get("suppressed", [])} - set(hidden))
    note = [f"Groups of fewer than {min_group_size} respondents are not shown, to protect anonymity."]
    if hidden:
        note.append(f"Left out: {', '.join(hidden)}.")
    if partly:
        note.append(f"Some dimensions hidden for: {', '.join(partly)}.")
    deck.text(slide, (left, top + height - note_h, width, note_h), [" ".join(note)], max_pt=11, min_pt=9,
              colour=MUTED)


def _roadmap_slides(deck: Deck, records, pmos, several: bool) -> None:
    found = []
    for p in pmos:
        items, shape = initiatives_of(records, p["pmo"], p.get("step_titles"))
        found.extend((p["pmo"], i, shape) for i in items)
    slide = deck.slide("Roadmap on one page")
    left, top, width, height = deck.body
    if not found:
        deck.text(slide, deck.body, ["No roadmap was proposed for this assessment."], max_pt=18)
        slide = deck.slide("The initiatives")
        deck.text(slide, deck.body, ["No initiative was proposed."], max_pt=18)
        return
    phases = _phase_labels([i for _, i, _ in found])
    streams: dict[str, dict[int, list[str]]] = {}
    for pmo, item, _ in found:
        stream = str(item.get("workstream") or "Steps")
        key = f"{pmo} · {stream}" if several else stream
        try:
            phase = int(item.get("phase"))
        except (TypeError, ValueError):
            continue
        streams.setdefault(key, {}).setdefault(phase, []).append(str(item.get("title") or item.get("id")))
    rows = [[key, *("\n".join(f"• {t}" for t in cells.get(ph, [])) for ph in phases)] for key, cells in streams.items()]
    deck.table(slide, deck.body, ["Workstream", *phases.values()], rows, [1.4, *[2] * len(phases)], pt=12, min_pt=9,
               max_lines=6)
    slide = deck.slide("The initiatives")
    if all(shape == "steps" for _, _, shape in found):
        rows = [[f"{pmo}: {i['title']}" if several else i["title"], phases.get(_int(i.get("phase")), "")]
                for pmo, i, _ in found]
        deck.table(slide, deck.body, ["Step", "Phase"], rows, [4, 1.5], pt=13, min_pt=11, max_lines=2)
        return
    rows = []
    for pmo, i, _ in found:
        name = f"{pmo}: {i.get('title')}" if several else str(i.get("title") or i.get("id"))
        rows.append([name, str(i.get("owner_role") or "–"), _fmt(i.get("duration_weeks"), 0),
                     str(i.get("kpi") or "–"), str(i.get("because") or "")])
    deck.table(slide, deck.body, ROADMAP_COLUMNS, rows, [2.6, 1.4, 0.7, 2.4, 3.2], pt=12, min_pt=10, max_lines=3)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _method_slide(deck: Deck, record) -> None:
    ins = record.get("instrument") or {}
    head = (f"Instrument: {ins.get('title')} ({ins.get('id')} {ins.get('version')}), {ins.get('items')} items in "
            f"{ins.get('dimensions')} dimensions, answered on a {'-'.join(str(s) for s in ins.get('scale', []))} "
            "scale.")
    bullets_slide(deck, "Appendix: method", [head, *record.get("method", [])])


def _quality_slide(deck: Deck, record, pmos, roles, several: bool, left_out=()) -> None:
    lines = [f"Role groups of fewer than {record.get('min_group_size')} respondents are suppressed in every "
             "breakdown, and so are cells from which a hidden group could be worked out."]
    for p in pmos:
        prefix = f"{p['pmo']}: " if several else ""
        lines.append(prefix + str(p.get("data_basis") or ""))
        q = p.get("quality") or {}
        if q:
            lines.append(f"{prefix}{q.get('answer_rate', 0):.0%} of the items asked were answered on the scale; "
                         f"\u201cdon't know\u201d {q.get('dont_know_rate', 0):.0%}.")
        lines.extend(prefix + n for n in p.get("notes", [])[:2])
    if left_out:
        lines.append("Perception by role of " + ", ".join(p["pmo"] for p in left_out) + " is in the report.")
    bullets_slide(deck, "Appendix: data quality and suppression", lines)
