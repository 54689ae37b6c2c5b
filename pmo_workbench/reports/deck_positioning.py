"""The positioning report's deck: 8 to 14 slides, several PMOs compared on shared slides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._values import percent
from ..i18n import N_, _, ngettext, pgettext
from .branding import Branding
from .deck_text import more_in_report
from .deck import (MAX_SLIDES, MUTED, Deck, NotebookChart, bullets_slide, chart_png, engagement_of, footer_mark,
                   footer_text, no_deck_record, pick_charts, title_slide)

MAX_KEY_MESSAGES = 5
ROADMAP_COLUMNS = (N_("Initiative"), N_("Owner"), N_("Weeks"), N_("KPI"), N_("Why"))
"""The initiatives table's headings (marked for the catalogue: :func:`roadmap_columns` gives them translated)."""


def roadmap_columns() -> tuple[str, ...]:
    """:data:`ROADMAP_COLUMNS` in the current language."""
    return tuple(_(c) for c in ROADMAP_COLUMNS)


def _level(value: Any) -> str:
    """A PMO level (``enterprise``) as the deck shows it."""
    words = {"project": pgettext("PMO level", "project"), "department": pgettext("PMO level", "department"),
             "enterprise": pgettext("PMO level", "enterprise")}
    return words.get(str(value), "" if value is None else str(value))


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
        label = i.get("phase_label") or (_(known[phase]) if phase in known else None)
        labels.setdefault(phase, str(label or _("Phase {n}").format(n=phase)))
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
    kind = str(p.get("type_label") or p.get("type"))
    if p.get("certainty") == "borderline":
        kind = _("{type} (borderline)").format(type=kind)
    if not p.get("target_label"):
        target = _("no target set")
    else:
        target = (_("target {target}, reached") if p.get("target_reached") else
                  _("target {target}, not yet reached")).format(target=p["target_label"])
    return _("{type}; {target}. Overall {score}, {level}.").format(
        type=kind, target=target, score=_fmt(p.get("overall_score")), level=p.get("level_words") or _("no level"))


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
    title_slide(deck, title or _("PMO positioning assessment"), organisation, engagement,
                subject=ngettext("PMO: {names}", "PMOs: {names}", len(pmos)).format(names=names) if pmos else None)
    bullets_slide(deck, _("Key messages"), _key_messages(records, record, several))
    _type_slide(deck, pmos, dict(dims))
    ladders = pick_charts(charts, "ladder", "Each type's gates")
    fixed = 9 + len(pmos)  # the slides every deck has, one perception slide per PMO included
    if len(pmos) == 1 and ladders and fixed + 1 <= MAX_SLIDES:
        _ladder_slide(deck, pmos[0], ladders[0])
    _scores_slide(deck, pmos, dims)
    _radar_slide(deck, pmos, dims)
    after = 3  # the roadmap on one page and the two appendix slides
    free = MAX_SLIDES - len(deck.prs.slides) - after
    pages = initiative_pages(deck, records, pmos, budget=free - 1)  # at least one perception slide
    shown = max(1, min(len(pmos), free - len(pages)))
    for p in pmos[:shown]:
        _perception_slide(deck, p, dims, roles, record.get("min_group_size"), several)
    _roadmap_slide(deck, records, pmos, several)
    _initiative_slides(deck, pages)
    _method_slide(deck, record)
    _quality_slide(deck, record, pmos, roles, several, left_out=pmos[shown:])
    return deck


def _type_slide(deck: Deck, pmos: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> None:
    slide = deck.slide(_("Type profile and target"))
    left, top, width, height = deck.body
    if len(pmos) == 1:
        p = pmos[0]
        text = [(_type_line(p), {"bold": True}), p.get("profile_sentence") or ""]
        if p.get("foundation"):
            text.append(p["foundation"])
        to_target = [_("{dimension}: {points} points").format(dimension=labels.get(k, k), points=_fmt(v))
                     for k, v in (p.get("to_target") or {}).items() if v]
        if to_target:
            text.append(_("To reach the target: {gaps}.").format(gaps="; ".join(to_target)))
        deck.text(slide, (left, top, int(width * 0.52), height), [t for t in text if t], max_pt=18, min_pt=11)
        rows = [[r["label"], _("{n} of {total}").format(n=r["passed"], total=r["gates"]),
                 _("{n} of {total}").format(n=r["met"], total=r["gates"])] for r in p.get("profile", [])]
        deck.table(slide, (left + int(width * 0.56), top, int(width * 0.44), height),
                   [_("Type"), _("Gates passed"), _("Met (whole range)")], rows, [2, 1.2, 1.4], pt=14)
        return
    rows = [[p["pmo"], _level(p.get("pmo_level")), p.get("type_label") or "",
             p.get("target_label") or "–", _fmt(p.get("overall_score")), str(p.get("overall_level") or "–")]
            for p in pmos]
    share = 0.45 if len(pmos) <= 4 else 0.7  # every PMO in the table; the sentences below give way
    table = deck.table(slide, (left, top, width, int(height * share)),
                       [_("PMO"), pgettext("PMO level", "Level"), _("Type"), _("Target"), _("Overall"),
                        _("Maturity level")], rows,
                       [2.2, 1.2, 1.5, 1.5, 1, 1], pt=14, min_pt=9)
    below = top + sum(int(r.height) for r in table.rows) + int(height * 0.05)
    deck.text(slide, (left, below, width, top + height - below),
              [f"{p['pmo']}: {p.get('profile_sentence') or _type_line(p)}" for p in pmos], max_pt=16, min_pt=10,
              bullets=True)


def _ladder_slide(deck: Deck, p: Mapping[str, Any], chart: NotebookChart) -> None:
    """The report's type-gate chart as a picture, with what it says beside it."""
    slide = deck.slide(_("Type gates: {pmo}").format(pmo=p["pmo"]))
    left, top, width, height = deck.body
    deck.picture(slide, (left, top, int(width * 0.6), height), chart_png(chart.spec))
    lines: list[Any] = [(_type_line(p), {"bold": True})]
    if p.get("foundation"):
        lines.append(p["foundation"])
    if chart.caption:
        lines.append((chart.caption, {"scale": 0.8, "colour": MUTED}))
    deck.text(slide, (left + int(width * 0.62), top, int(width * 0.38), height), lines, max_pt=16, min_pt=10)


def _scores_slide(deck: Deck, pmos, dims) -> None:
    slide = deck.slide(_("Maturity by dimension"))
    left, top, width, height = deck.body
    series = {p["pmo"]: [p.get("scores", {}).get(d) for d, _ in dims] for p in pmos}
    deck.bar_chart(slide, (left, top, int(width * 0.72), height), [label for _, label in dims], series)
    lines = []
    for p in pmos:
        scored = [(v, label) for (d, label), v in zip(dims, series[p["pmo"]]) if v is not None]
        if scored:
            hi, lo = max(scored), min(scored)
            words = _("highest {high} ({high_score}), lowest {low} ({low_score}).").format(
                high=hi[1], high_score=_fmt(hi[0]), low=lo[1], low_score=_fmt(lo[0]))
            lines.append(f"{p['pmo']}: {words}" if len(pmos) > 1 else words[:1].upper() + words[1:])
    lines.append((_("Scores 0-100 from the answers; the report gives each score's 95% range, agreement and "
                    "reliability."), {"scale": 0.8, "colour": MUTED}))
    deck.text(slide, (left + int(width * 0.74), top, int(width * 0.26), height), lines, max_pt=16, min_pt=10)


def _radar_slide(deck: Deck, pmos, dims) -> None:
    slide = deck.slide(_("Profile across the dimensions"))
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
    slide = deck.slide(_("Perception gaps by role: {pmo}").format(pmo=p["pmo"]) if several else
                       _("Perception gaps by role"))
    left, top, width, height = deck.body
    series, hidden = perception_series(p, dims, roles)
    note_h = int(height * 0.1)
    gaps = list(p.get("gaps") or [])
    if not gaps:
        gaps = ([_("No gap between the role groups shown is large enough to report.")] if len(series) > 1 else
                [ngettext("Only one role group ({group}) has {n} or more respondents, so no comparison between roles "
                          "can be made: the chart shows that group's view alone.",
                          "Only one role group ({group}) has {n} or more respondents, so no comparison between roles "
                          "can be made: the chart shows that group's view alone.",
                          _count(min_group_size)).format(group=", ".join(series), n=min_group_size)])
    if series:
        deck.bar_chart(slide, (left, top, int(width * 0.64), height - note_h), [label for _, label in dims], series,
                       legend=True)
        deck.text(slide, (left + int(width * 0.66), top, int(width * 0.34), height - note_h), gaps, max_pt=16,
                  min_pt=10, bullets=True)
    else:
        deck.text(slide, (left, top, width, height - note_h),
                  [ngettext("Every role group is smaller than {n} respondent, so no view by role can be shown "
                            "without identifying people.",
                            "Every role group is smaller than {n} respondents, so no view by role can be shown "
                            "without identifying people.", _count(min_group_size)).format(n=min_group_size)],
                  max_pt=20, min_pt=12)
    partly = sorted({roles.get(r, r) for r, _ in p.get("suppressed", [])} - set(hidden))
    note = [ngettext("Groups of fewer than {n} respondent are not shown, to protect anonymity.",
                     "Groups of fewer than {n} respondents are not shown, to protect anonymity.",
                     _count(min_group_size)).format(n=min_group_size)]
    if hidden:
        note.append(_("Left out: {groups}.").format(groups=", ".join(hidden)))
    if partly:
        note.append(_("Some dimensions hidden for: {groups}.").format(groups=", ".join(partly)))
    deck.text(slide, (left, top + height - note_h, width, note_h), [" ".join(note)], max_pt=11, min_pt=9,
              colour=MUTED)


def _found(records, pmos) -> list[tuple[str, dict[str, Any], str | None]]:
    found = []
    for p in pmos:
        items, shape = initiatives_of(records, p["pmo"], p.get("step_titles"))
        found.extend((p["pmo"], i, shape) for i in items)
    return found


def _name(item: Mapping[str, Any], shape: str | None) -> str:
    """An initiative as the report names it, ``"I1 Agree the PMO charter"``; a step of an earlier roadmap by its
    title."""
    title = str(item.get("title") or item.get("id") or "")
    return f"{item['id']} {title}" if shape == "initiatives" and item.get("id") else title


def _roadmap_slide(deck: Deck, records, pmos, several: bool) -> None:
    """Every initiative by workstream (the report's labels) and phase; what the cap left out below."""
    found = _found(records, pmos)
    slide = deck.slide(_("Roadmap on one page"))
    if not found:
        deck.text(slide, deck.body, [_("No roadmap was proposed for this assessment.")], max_pt=18)
        return
    left, top, width, height = deck.body
    phases = _phase_labels([i for _, i, _ in found])
    streams: dict[str, dict[int, list[str]]] = {}
    for pmo, item, shape in found:
        stream = str(item.get("workstream_label") or item.get("workstream") or _("Steps"))
        key = f"{pmo} · {stream}" if several else stream
        phase = _int(item.get("phase"))
        if phase is not None:
            streams.setdefault(key, {}).setdefault(phase, []).append(_name(item, shape))
    rows = [[key, *("\n".join(f"• {t}" for t in cells.get(ph, [])) for ph in phases)] for key, cells in streams.items()]
    notes = [n for n in (deferred_note(records, p["pmo"], several) for p in pmos) if n]
    note_h = int(height * 0.14) if notes else 0
    box = (left, top, width, height - note_h)
    header = [_("Workstream"), *phases.values()]
    widths = [1.4, *[2] * len(phases)]
    if several and len(deck.table_pages(box, header, rows, widths, pt=12, min_pt=8, max_lines=8)[1]) > 1:
        header, rows = [_("PMO"), *phases.values()], _roadmap_summary(found, pmos, phases)
        notes.insert(0, _("Too many initiatives for one page: each PMO's initiatives by phase and workstream; the "
                          "slides that follow and the report name them."))
        note_h = int(height * 0.14)
        box = (left, top, width, height - note_h)
    deck.table(slide, box, header, rows, widths, pt=12, min_pt=8, max_lines=8)
    if notes:
        deck.text(slide, (left, top + height - note_h, width, note_h), notes, max_pt=11, min_pt=8, colour=MUTED)


def _roadmap_summary(found, pmos, phases: Mapping[int, str]) -> list[list[str]]:
    """One row per PMO: in each phase, how many initiatives (their ids) in which workstreams."""
    rows = []
    for p in pmos:
        cells = []
        for phase in phases:
            items = [i for pmo, i, _ in found if pmo == p["pmo"] and _int(i.get("phase")) == phase]
            streams: dict[str, int] = {}
            for i in items:
                label = str(i.get("workstream_label") or i.get("workstream") or _("Steps"))
                streams[label] = streams.get(label, 0) + 1
            ids = ", ".join(str(i.get("id")) for i in items if i.get("id"))
            cells.append("" if not items else _("{n} ({ids}): {streams}").format(
                n=len(items), ids=ids, streams="; ".join(f"{label} {n}" for label, n in streams.items())))
        rows.append([p["pmo"], *cells])
    return rows


def deferred_note(records: Mapping[str, Any], pmo: str, several: bool = False) -> str | None:
    """The report's sentence on the initiatives the cap left out of a PMO's roadmap, or ``None``."""
    from ..assessment import insights
    from ..assessment.roadmap import Deferred, Roadmap, RoadmapOptions

    record = records.get(f"roadmap/{pmo}")
    if not isinstance(record, Mapping) or not isinstance(record.get("deferred"), list) or not record["deferred"]:
        return None
    options = record.get("options") if isinstance(record.get("options"), Mapping) else {}
    cap = _int(options.get("cap")) or len(record.get("initiatives") or [])
    deferred = tuple(Deferred(str(d.get("title") or ""), str(d.get("workstream") or ""), str(d.get("dimension") or ""),
                              tuple(d.get("steps") or ()), str(d.get("reason") or ""))
                     for d in record["deferred"] if isinstance(d, Mapping))
    sentence = insights.deferred_sentence(Roadmap(deferred=deferred, options=RoadmapOptions(cap=cap)))
    return f"{pmo}: {sentence}" if sentence and several else sentence


INITIATIVE_WIDTHS = (2.6, 1.4, 0.7, 2.4, 3.2)
INITIATIVE_LINES = (None, None, None, None, 6)
"""Names, owners and KPIs are never shortened (a table goes on to another slide instead); a reason past six
lines is."""


def initiative_pages(deck: Deck, records, pmos, *, budget: int) -> list[tuple[str, float, list[list[str]]]]:
    """The slides of "The initiatives": ``(title, font size, rows)`` each, at most ``budget`` (at least one).

    One slide per PMO (more when its initiatives do not fit one) when the budget allows; else the PMOs share
    slides, their names before each initiative; past the budget the last slide says how many more the report
    holds.
    """
    found = _found(records, pmos)
    several = len(pmos) > 1
    budget = max(1, budget)
    if not found:
        return [(_("The initiatives"), 12.0, [])]
    if all(shape == "steps" for _, _, shape in found):
        rows = [[f"{pmo}: {i['title']}" if several else i["title"],
                 _phase_labels([i]).get(_int(i.get("phase")), "")] for pmo, i, _ in found]
        return [(_("The initiatives"), 13.0, rows)]
    box = deck.body_box()

    def row(pmo, i, prefix):
        return [f"{pmo}: {_name(i, 'initiatives')}" if prefix else _name(i, "initiatives"),
                str(i.get("owner_role") or "–"), _fmt(i.get("duration_weeks"), 0), str(i.get("kpi") or "–"),
                str(i.get("because") or "")]

    def paged(title, rows):
        size, pages = deck.table_pages(box, roadmap_columns(), rows, INITIATIVE_WIDTHS, pt=12, min_pt=10,
                                       max_lines=INITIATIVE_LINES)
        return _titled(title, size, pages)

    if several:
        per_pmo = [page for p in pmos for page in paged(_("The initiatives: {pmo}").format(pmo=p["pmo"]),
                                                        [row(p["pmo"], i, False) for q, i, _ in found
                                                         if q == p["pmo"]]) if page[2]]
        if len(per_pmo) <= budget:
            return per_pmo
    rows = [row(pmo, i, several) for pmo, i, _ in found]
    size, pages = deck.table_pages(box, roadmap_columns(), rows, INITIATIVE_WIDTHS, pt=12, min_pt=10,
                                   max_lines=INITIATIVE_LINES)
    if len(pages) > budget:
        pages = pages[:budget]
        rest = len(rows) - sum(len(p) for p in pages) + 1
        pages[-1] = [*pages[-1][:-1], [more_in_report(rest), "", "", "", ""]]
    return _titled(_("The initiatives"), size, pages)


def _titled(title: str, size: float, pages: list[list[list[str]]]) -> list[tuple[str, float, list[list[str]]]]:
    return [(_("{title} ({n} of {total})").format(title=title, n=n, total=len(pages)) if len(pages) > 1 else title,
             size, page)
            for n, page in enumerate(pages, 1)]


def _initiative_slides(deck: Deck, pages) -> None:
    for title, size, rows in pages:
        slide = deck.slide(title)
        if not rows:
            deck.text(slide, deck.body, [_("No initiative was proposed.")], max_pt=18)
        elif len(rows[0]) == 2:
            deck.table(slide, deck.body, [_("Step"), _("Phase")], rows, [4, 1.5], pt=size, min_pt=11, max_lines=2)
        else:
            deck.table(slide, deck.body, roadmap_columns(), rows, INITIATIVE_WIDTHS, pt=size, min_pt=size,
                       max_lines=INITIATIVE_LINES)


def _count(value: Any) -> int:
    """A count for ``ngettext``: the number, or 2 (the plural) when it is not one."""
    number = _int(value)
    return 2 if number is None else number


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _method_slide(deck: Deck, record) -> None:
    ins = record.get("instrument") or {}
    head = _("Instrument: {title} ({id} {version}), {items} items in {dimensions} dimensions, answered on a {scale} "
             "scale.").format(title=ins.get("title"), id=ins.get("id"), version=ins.get("version"),
                              items=ins.get("items"), dimensions=ins.get("dimensions"),
                              scale="-".join(str(s) for s in ins.get("scale", [])))
    languages = [record["languages"]] if record.get("languages") else []
    bullets_slide(deck, _("Appendix: method"), [head, *record.get("method", []), *languages])


def _quality_slide(deck: Deck, record, pmos, roles, several: bool, left_out=()) -> None:
    n = record.get("min_group_size")
    lines = [ngettext("Role groups of fewer than {n} respondent are suppressed in every breakdown, and so are cells "
                      "from which a hidden group could be worked out.",
                      "Role groups of fewer than {n} respondents are suppressed in every breakdown, and so are cells "
                      "from which a hidden group could be worked out.", _count(n)).format(n=n)]
    for p in pmos:
        prefix = f"{p['pmo']}: " if several else ""
        lines.append(prefix + str(p.get("data_basis") or ""))
        q = p.get("quality") or {}
        if q:
            lines.append(prefix + _("{answered} of the items asked were answered on the scale; \u201cdon't know\u201d "
                                    "{dont_know}.").format(answered=percent(q.get("answer_rate", 0)),
                                                           dont_know=percent(q.get("dont_know_rate", 0))))
        lines.extend(prefix + n for n in p.get("notes", [])[:2])
    note = None
    if left_out:  # in a box of its own, never dropped for want of room
        note = _("Perception by role of {pmos} is in the report, not here.").format(
            pmos=", ".join(p["pmo"] for p in left_out))
    bullets_slide(deck, _("Appendix: data quality and suppression"), lines, note=note)
