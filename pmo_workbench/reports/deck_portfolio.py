"""The portfolio report's deck: 10 slides, from headline earned value to the actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .._values import count, fmt
from .branding import Branding
from .deck_text import long_date
from .deck import (MAX_SLIDES, MIN_SLIDES, MUTED, RAG_COLOURS, Deck, NotebookChart, bullets_slide, chart_png,
                   engagement_of, footer_mark, footer_text, no_deck_record, pick_charts, title_slide)

ACTIONS_TITLE = "What the PMO should act on"
ACTION_COLUMNS = ("When", "Area", "Action")
ACTION_WIDTHS = (1.3, 1.3, 7)
ACTION_LINES = (None, None, 4)
MAX_ACTION_SLIDES = 3
"""The actions take at most this many slides (and the deck at most 14)."""
SEVERITY = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
URGENCY = {"now": "Now", "soon": "In the next weeks", "watch": "Keep watching"}
RAG_SERIES = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("check_estimate", "Check estimate"))


def _text_and_picture(deck: Deck, slide, lines: Sequence[Any], chart: NotebookChart | None, *,
                      share: float = 0.4) -> None:
    """Text on the left and, when the report drew it, a chart on the right (the text takes the slide alone else)."""
    left, top, width, height = deck.body
    if chart is None:
        deck.text(slide, deck.body, lines, max_pt=20, min_pt=11, bullets=True)
        return
    deck.text(slide, (left, top, int(width * share), height), lines, max_pt=18, min_pt=10, bullets=True)
    gap = int(width * 0.02)
    deck.picture(slide, (left + int(width * share) + gap, top, int(width * (1 - share)) - gap, height),
                 chart_png(chart.spec))


def _first(charts: Sequence[NotebookChart], name: str, caption: str) -> NotebookChart | None:
    found = pick_charts(charts, name, caption)
    return found[0] if found else None


def portfolio_deck(records: Mapping[str, Any], *, organisation: str, branding: Branding | None = None,
                   charts: Sequence[NotebookChart] = (), title: str | None = None) -> Deck:
    """The deck of a portfolio report (see :mod:`pmo_workbench.reports.deck`)."""
    record = records.get("deck")
    if not isinstance(record, Mapping) or record.get("report") != "portfolio":
        raise no_deck_record(organisation, "portfolio")
    engagement = engagement_of(records)
    deck = Deck(branding, footer=footer_text(organisation, engagement), mark=footer_mark(engagement))
    head = records.get("headline") or {}
    totals = records.get("portfolio") or {}
    money = record.get("money") or {}
    as_of = record.get("as_of") or records.get("as_of")
    title_slide(deck, title or "Portfolio health report", organisation, engagement,
                when=f"Status date {long_date(as_of) or as_of}" if as_of else None)
    actions = list(record.get("actions") or [])
    given = engagement.get("key_messages")
    messages = ([str(m) for m in given if str(m).strip()] if isinstance(given, list) else []) or \
        [a["text"] for a in actions if a.get("urgency") == "now"][:4] or [a["text"] for a in actions][:4]
    bullets_slide(deck, "Key messages", messages or ["Nothing in the analysis calls for action."])
    _headline_slide(deck, head, totals, money, charts)
    _rag_slide(deck, record.get("rag"))
    analyses = [(key, draw) for key, draw in (("risks", _risk_slide), ("resources", _resources_slide),
                                              ("dependencies", _dependencies_slide)) if record.get(key)]
    missing = [NOT_COVERED[key] for key in NOT_COVERED if not record.get(key)]
    after = len(analyses) + 2  # the selection and the appendix
    budget = min(MAX_ACTION_SLIDES, MAX_SLIDES - len(deck.prs.slides) - after - (1 if missing else 0))
    size, pages = _action_pages(deck, actions, budget)
    if missing and len(deck.prs.slides) + after + max(1, len(pages)) < MIN_SLIDES:
        _not_covered_slide(deck, missing)  # a deck keeps 8 slides; one slide says what the workbook lacks
        missing = []
    for key, draw in analyses:
        draw(deck, record[key], charts)
    _selection_slide(deck, record.get("selection"), charts)
    _actions_slides(deck, size, pages)
    _appendix_slide(deck, records, record, missing)
    return deck


NOT_COVERED = {"risks": ("risks", "risk exposure"), "resources": ("assignments", "over-allocation of shared roles"),
               "dependencies": ("dependencies", "links between projects")}
"""What each analysis needs from the workbook and what it would show."""


def _not_covered_slide(deck: Deck, missing: Sequence[tuple[str, str]]) -> None:
    bullets_slide(deck, "Not covered by this workbook",
                  [f"No {sheet} sheet, so no {what}." for sheet, what in missing],
                  note="Add the sheets to the workbook and render the report again to cover them.")


def _not_covered_line(missing: Sequence[tuple[str, str]]) -> str:
    sheets = [sheet for sheet, _ in missing]
    names = sheets[0] if len(sheets) == 1 else ", ".join(sheets[:-1]) + " or " + sheets[-1]
    return f"Not covered: the workbook has no {names} sheet, so no {', '.join(w for _, w in missing)}."


def _headline_slide(deck: Deck, head, totals, money, charts) -> None:
    slide = deck.slide("Headline: earned value")
    lines = [
        (f"{head.get('in_flight', 0)} in flight of {count(head.get('projects') or 0, 'project')}: "
         f"{head.get('red', 0)} red, {head.get('amber', 0)} amber, {head.get('green', 0)} green, "
         f"{head.get('check_estimate', 0)} check estimate.", {"bold": True}),
        f"CPI {fmt(head.get('cpi'), 2)} · SPI {fmt(head.get('spi'), 2)} (in-flight projects, from summed figures).",
        f"EAC {money.get('eac', '–')} against a budget (BAC) of {money.get('bac', '–')}; VAC {money.get('vac', '–')}.",
        f"Earned {money.get('ev', '–')} for {money.get('ac', '–')} spent, against {money.get('pv', '–')} planned.",
    ]
    if head.get("closed"):
        lines.append(f"{count(head['closed'], 'closed project')}, counted apart "
                     f"(CPI {fmt(head.get('closed_cpi'), 2)}).")
    _text_and_picture(deck, slide, lines, _first(charts, "cpi_spi", "Cost against schedule performance"))


def _rag_slide(deck: Deck, rag) -> None:
    """In-flight projects by health per PMO (else category or sponsor); a PMO over others is marked as the
    roll-up it is, its bar counting the projects of the PMOs under it too."""
    title = f"Health by {rag['label']}" if rag else "Health by PMO"
    slide = deck.slide(title)
    if not rag or not rag.get("rows"):
        deck.text(slide, deck.body, ["No project names a PMO, category or sponsor to break the health down by."])
        return
    rows = rag["rows"]
    below = rollups(rows)
    names = [f"{r['name']} (roll-up)" if r["name"] in below else r["name"] for r in rows]
    series = {label: [r.get(key, 0) for r in rows] for key, label in RAG_SERIES if any(r.get(key) for r in rows)}
    left, top, width, height = deck.body
    deck.bar_chart(slide, (left, top, int(width * 0.68), height), names, series, kind="stacked",
                   maximum=None, colours=[RAG_COLOURS[k] for k, label in RAG_SERIES if label in series], legend=True)
    lines: list[Any] = [("In-flight projects by health.", {"bold": True})]
    lines += [f"{name}: CPI {fmt(r.get('cpi'), 2)}, SPI {fmt(r.get('spi'), 2)}" for name, r in zip(names, rows)]
    lines += [(f"{parent} (roll-up) counts its own projects and those of {', '.join(children)}: not a "
               "PMO beside them.", {"scale": 0.85, "colour": MUTED}) for parent, children in below.items()]
    deck.text(slide, (left + int(width * 0.7), top, int(width * 0.3), height), lines, max_pt=14, min_pt=9)


def rollups(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The rows that roll others up: ``{parent: [the rows under it, at any depth]}``, in row order."""
    parent = {r["name"]: r.get("parent") for r in rows}
    below: dict[str, list[str]] = {}
    for r in rows:
        up, seen = parent.get(r["name"]), {r["name"]}
        while up and up in parent and up not in seen:
            below.setdefault(up, []).append(r["name"])
            seen.add(up)
            up = parent.get(up)
    return {r["name"]: below[r["name"]] for r in rows if r["name"] in below}


def _risk_slide(deck: Deck, risks, charts) -> None:
    slide = deck.slide("Risk exposure")
    if not risks:
        deck.text(slide, deck.body, ["The workbook has no risks sheet."])
        return
    left, top, width, height = deck.body
    deck.text(slide, (left, top, int(width * 0.4), height), [risks.get("summary") or ""], max_pt=16, min_pt=10)
    top_rows = [r for r in risks.get("top", []) if r.get("value") is not None]
    if top_rows:
        measure = str(risks.get("measure") or "exposure")
        currency = risks.get("currency") or ""
        name = measure[:1].upper() + measure[1:] + (f" ({currency})" if risks.get("money") and currency else "")
        deck.bar_chart(slide, (left + int(width * 0.42), top, int(width * 0.58), height),
                       [r["name"] for r in top_rows], {name: [r["value"] for r in top_rows]},
                       maximum=None, number_format="#,##0", legend=True)
    else:
        chart = _first(charts, "risk_heatmap", "Open threats and opportunities")
        if chart is not None:
            deck.picture(slide, (left + int(width * 0.42), top, int(width * 0.58), height), chart_png(chart.spec))


def _resources_slide(deck: Deck, res, charts) -> None:
    slide = deck.slide("Shared resources: over-allocation")
    if not res:
        deck.text(slide, deck.body, ["The workbook has no assignments sheet."])
        return
    lines: list[Any] = [(f"{res.get('roles_over', 0)} of {count(res.get('roles', 0), 'role')} over-allocated in "
                         f"{count(res.get('over_cells', 0), 'role-month')}, "
                         f"{res.get('committed_over_cells', 0)} of them by committed work alone.", {"bold": True})]
    lines += [f"{r['role']}: {fmt(r.get('excess_fte'), 2)} FTE over capacity in total, "
              f"{fmt(100 * r['utilisation'] if r.get('utilisation') is not None else None, 0)}% used on average"
              for r in res.get("rows", [])[:5]]
    _text_and_picture(deck, slide, lines, _first(charts, "demand", "Demand per month"), share=0.42)


def _dependencies_slide(deck: Deck, dep, charts) -> None:
    slide = deck.slide("Dependencies")
    if not dep:
        deck.text(slide, deck.body, ["The workbook has no dependencies sheet."])
        return
    lines: list[Any] = []
    for cycle in dep.get("cycles", [])[:2]:
        lines.append(("Cycle: " + " needs ".join([*cycle, cycle[0]]), {"bold": True}))
    if dep.get("late_count"):
        worst = dep["late"][0]
        by = (f" by {worst['needed_by']}" + (" (its planned start)" if worst.get("date_from") == "start" else "")
              if worst.get("needed_by") else "")
        lines.append(dep.get("late_sentence") or f"{count(dep['late_count'], 'link')} due too late.")
        lines.append(f"The worst: {worst['project']} needs {worst['needs']}{by}, {worst['days']} days before it is "
                     "expected to finish.")
    if dep.get("longest_chain"):
        lines.append(f"Longest chain ({dep.get('longest_days')} days): " + " → ".join(dep["longest_chain"]))
    if not lines:
        lines.append("No cycle and no link due too late.")
    chart = _first(charts, "dependencies", "Projects by delivery wave") or _first(charts, "dependencies",
                                                                                  "Links between PMOs")
    _text_and_picture(deck, slide, lines, chart, share=0.42)


def _selection_slide(deck: Deck, sel, charts) -> None:
    slide = deck.slide("Prioritisation and selection")
    if not sel:
        deck.text(slide, deck.body, ["No project is left to prioritise."])
        return
    if sel.get("status") == "no budget":
        lines = [f"{count(sel.get('candidates', 0), 'candidate')} valued; no budget was given, so no set is "
                 "recommended: the report's frontier shows what each budget buys."]
    elif sel.get("status") == "infeasible":
        lines = [f"No set of projects satisfies the constraints within {sel.get('budget')}: see the report."]
    else:
        lines = [(f"Within {sel.get('budget')}: {sel.get('selected')} of {count(sel.get('candidates', 0), 'candidate')}"
                  f" funded, costing {sel.get('cost')} ({sel.get('status')}).", {"bold": True}),
                 _funded(sel),
                 f"Left out: {sel.get('left_out')}."]
    _text_and_picture(deck, slide, lines, _first(charts, "frontier", "Efficient frontier"), share=0.45)


def _funded(sel: Mapping[str, Any]) -> str:
    """The funded projects the record names, saying so when they are only the first of more."""
    funded = list(sel.get("funded") or [])
    if not funded:
        return "Nothing funded."
    total = sel.get("selected")
    if isinstance(total, int) and total > len(funded):
        return f"Funded, the first {len(funded)} of {total} (the report lists them all): " + "; ".join(funded) + "."
    return "Funded: " + "; ".join(funded) + "."


def _action_pages(deck: Deck, actions, budget: int) -> tuple[float, list[list[list[str]]]]:
    """Every action, most urgent first, split into at most ``budget`` slides; what does not fit is counted by
    urgency on the last row."""
    if not actions:
        return 13.0, []
    rows = [[URGENCY.get(a.get("urgency"), str(a.get("urgency"))), str(a.get("area", "")).capitalize(), a["text"]]
            for a in actions]
    size, pages = deck.table_pages(deck.body_box(), ACTION_COLUMNS, rows, ACTION_WIDTHS, pt=13, min_pt=10,
                                   max_lines=ACTION_LINES)
    budget = max(1, budget)
    if len(pages) > budget:
        pages = pages[:budget]
        kept = sum(len(p) for p in pages) - 1
        pages[-1] = [*pages[-1][:-1], ["", "", left_out_sentence(actions[kept:])]]
    return size, pages


def _actions_slides(deck: Deck, size: float, pages) -> None:
    if not pages:
        slide = deck.slide(ACTIONS_TITLE)
        deck.text(slide, deck.body, ["Nothing in the analysis calls for action."])
        return
    for n, page in enumerate(pages, 1):
        slide = deck.slide(ACTIONS_TITLE + (f" ({n} of {len(pages)})" if len(pages) > 1 else ""))
        deck.table(slide, deck.body, ACTION_COLUMNS, page, ACTION_WIDTHS, pt=size, min_pt=size,
                   max_lines=ACTION_LINES)


def left_out_sentence(actions: Sequence[Mapping[str, Any]]) -> str:
    """``"… and 11 more in the report: 1 now, 8 in the next weeks, 2 to keep watching."``"""
    words = {"now": "now", "soon": "in the next weeks", "watch": "to keep watching"}
    counts = Counter(str(a.get("urgency")) for a in actions)
    order = [*words, *sorted(set(counts) - set(words))]
    parts = [f"{counts[u]} {words.get(u, u)}" for u in order if counts[u]]
    return f"… and {len(actions)} more in the report: {', '.join(parts)}."


def _appendix_slide(deck: Deck, records, record, missing: Sequence[tuple[str, str]] = ()) -> None:
    analysis = records.get("analysis") if isinstance(records.get("analysis"), Mapping) else {}
    found = record.get("findings") or {}
    lines = [
        "CPI = EV / AC and SPI = EV / PV over the summed figures of the in-flight projects (active, on hold); "
        "closed projects are totalled apart. Project health is the worse of cost and schedule.",
        f"EAC method: {analysis.get('eac_method', 'typical')}; currency {record.get('currency') or 'not stated'}.",
        "Data quality: " + (", ".join(count(v, *SEVERITY.get(k, (k, k + "s"))) for k, v in sorted(found.items()))
                            if found else
                            "no findings") + ". The report lists each finding.",
    ]
    if missing:
        lines.append(_not_covered_line(missing))
    bullets_slide(deck, "Appendix: method and data quality", lines,
                  note="Every figure is from the portfolio workbook as recorded at the status date.")
