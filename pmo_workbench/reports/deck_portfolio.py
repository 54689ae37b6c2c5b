"""The portfolio report's deck: 10 slides, from headline earned value to the actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import datetime as dt

from .._values import fmt, number_locale, percent
from ..i18n import N_, _, format_date, ngettext, pgettext
from .branding import Branding
from .deck_text import long_date
from .deck import (MAX_SLIDES, MIN_SLIDES, MUTED, RAG_COLOURS, Deck, NotebookChart, bullets_slide, chart_png,
                   engagement_of, footer_mark, footer_text, no_deck_record, pick_charts, title_slide)

ACTIONS_TITLE = N_("What the PMO should act on")
ACTION_COLUMNS = (N_("When"), N_("Area"), N_("Action"))
ACTION_WIDTHS = (1.3, 1.3, 7)
ACTION_LINES = (None, None, 4)
MAX_ACTION_SLIDES = 3
"""The actions take at most this many slides (and the deck at most 14)."""
URGENCY = {"now": N_("Now"), "soon": N_("In the next weeks"), "watch": N_("Keep watching")}
RAG_SERIES = (("red", N_("Red")), ("amber", N_("Amber")), ("green", N_("Green")),
              ("check_estimate", N_("Check estimate")))
AREAS = {"data": N_("Data"), "delivery": N_("Delivery"), "reporting": N_("Reporting"),
         "milestones": N_("Milestones"), "benefits": N_("Benefits"), "finance": N_("Finance"),
         "resources": N_("Resources"), "risk": N_("Risk"), "dependencies": N_("Dependencies"),
         "selection": N_("Selection")}
"""The areas of :class:`pmo_workbench.portfolio.actions.Action` as the action table names them."""
HEALTH_BY = {"pmo": N_("Health by PMO"), "category": N_("Health by category"), "sponsor": N_("Health by sponsor")}
SOLVER_STATUS = {"optimal": N_("optimal"), "feasible": N_("feasible"), "infeasible": N_("infeasible")}
EAC_METHODS = {"typical": N_("typical"), "atypical": N_("atypical"), "cost_schedule": N_("cost_schedule")}


def _findings(kind: str, n: int) -> str:
    """``"1 error"``, ``"52 warnings"``, ``"12 notes"``: data-quality findings of one severity."""
    if kind == "error":
        return ngettext("{n} error", "{n} errors", n).format(n=n)
    if kind == "warning":
        return ngettext("{n} warning", "{n} warnings", n).format(n=n)
    if kind == "info":
        return ngettext("{n} note", "{n} notes", n).format(n=n)
    return f"{n} {kind}"


def _day(text: Any, *, iso: bool = False) -> str | None:
    """An ISO date as the reader writes it (``31.05.2026`` in German); ``None`` when it is not one. English keeps
    the deck's own forms: ``31 May 2026``, or the ISO date itself with ``iso``."""
    try:
        day = dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
    if number_locale().split("_")[0].lower() == "en":
        return day.isoformat() if iso else long_date(day.isoformat())
    return format_date(day, "medium")


def _needs(chain: Sequence[str]) -> str:
    """``A needs B needs C``, each link written as the catalogue writes one."""
    text = str(chain[-1])
    for project in reversed(chain[:-1]):
        text = _("{project} needs {prerequisite}").format(project=project, prerequisite=text)
    return text


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
    title_slide(deck, title or _("Portfolio health report"), organisation, engagement,
                when=_("Status date {date}").format(date=_day(as_of) or as_of) if as_of else None)
    actions = list(record.get("actions") or [])
    given = engagement.get("key_messages")
    messages = ([str(m) for m in given if str(m).strip()] if isinstance(given, list) else []) or \
        [a["text"] for a in actions if a.get("urgency") == "now"][:4] or [a["text"] for a in actions][:4]
    bullets_slide(deck, _("Key messages"), messages or [_("Nothing in the analysis calls for action.")])
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


NOT_COVERED = {"risks": ("risks", N_("risk exposure")),
               "resources": ("assignments", N_("over-allocation of shared roles")),
               "dependencies": ("dependencies", N_("links between projects"))}
"""What each analysis needs from the workbook (a sheet's name, as the workbook spells it) and what it would show."""
NOT_COVERED_LINES = {"risks": N_("No risks sheet, so no risk exposure."),
                     "resources": N_("No assignments sheet, so no over-allocation of shared roles."),
                     "dependencies": N_("No dependencies sheet, so no links between projects.")}


def _not_covered_slide(deck: Deck, missing: Sequence[tuple[str, str]]) -> None:
    lines = {sheet_what: key for key, sheet_what in NOT_COVERED.items()}
    bullets_slide(deck, _("Not covered by this workbook"), [_(NOT_COVERED_LINES[lines[m]]) for m in missing],
                  note=_("Add the sheets to the workbook and render the report again to cover them."))


def _not_covered_line(missing: Sequence[tuple[str, str]]) -> str:
    sheets = [sheet for sheet, _what in missing]
    names = sheets[0] if len(sheets) == 1 else pgettext("sheets missing from a workbook", "{first} or {last}").format(
        first=", ".join(sheets[:-1]), last=sheets[-1])
    return ngettext("Not covered: the workbook has no {sheets} sheet, so no {what}.",
                    "Not covered: the workbook has no {sheets} sheet, so no {what}.", len(sheets)).format(
        sheets=names, what=", ".join(_(what) for _sheet, what in missing))


def _headline_slide(deck: Deck, head, totals, money, charts) -> None:
    slide = deck.slide(_("Headline: earned value"))
    projects = head.get("projects") or 0
    lines = [
        (ngettext("{in_flight} in flight of {n} project: {red} red, {amber} amber, {green} green, {check} check "
                  "estimate.",
                  "{in_flight} in flight of {n} projects: {red} red, {amber} amber, {green} green, {check} check "
                  "estimate.", projects).format(
            in_flight=head.get("in_flight", 0), n=projects, red=head.get("red", 0), amber=head.get("amber", 0),
            green=head.get("green", 0), check=head.get("check_estimate", 0)), {"bold": True}),
        _("CPI {cpi} · SPI {spi} (in-flight projects, from summed figures).").format(
            cpi=fmt(head.get("cpi"), 2), spi=fmt(head.get("spi"), 2)),
        _("EAC {eac} against a budget (BAC) of {bac}; VAC {vac}.").format(
            eac=money.get("eac", "–"), bac=money.get("bac", "–"), vac=money.get("vac", "–")),
        _("Earned {ev} for {ac} spent, against {pv} planned.").format(
            ev=money.get("ev", "–"), ac=money.get("ac", "–"), pv=money.get("pv", "–")),
    ]
    if head.get("closed"):
        lines.append(ngettext("{n} closed project, counted apart (CPI {cpi}).",
                              "{n} closed projects, counted apart (CPI {cpi}).", head["closed"]).format(
            n=head["closed"], cpi=fmt(head.get("closed_cpi"), 2)))
    _text_and_picture(deck, slide, lines, _first(charts, "cpi_spi", "Cost against schedule performance"))


def _rag_slide(deck: Deck, rag) -> None:
    """In-flight projects by health per PMO (else category or sponsor); a PMO over others is marked as the
    roll-up it is, its bar counting the projects of the PMOs under it too."""
    key = rag.get("key") if rag else "pmo"
    title = _(HEALTH_BY[key]) if key in HEALTH_BY else _("Health by {group}").format(group=rag["label"])
    slide = deck.slide(title)
    if not rag or not rag.get("rows"):
        deck.text(slide, deck.body, [_("No project names a PMO, category or sponsor to break the health down by.")])
        return
    rows = rag["rows"]
    below = rollups(rows)
    rolled = {name: _("{name} (roll-up)").format(name=name) for name in below}
    names = [rolled.get(r["name"], r["name"]) for r in rows]
    shown = [(key, _(label)) for key, label in RAG_SERIES if any(r.get(key) for r in rows)]
    series = {label: [r.get(key, 0) for r in rows] for key, label in shown}
    left, top, width, height = deck.body
    deck.bar_chart(slide, (left, top, int(width * 0.68), height), names, series, kind="stacked",
                   maximum=None, colours=[RAG_COLOURS[key] for key, _label in shown], legend=True)
    lines: list[Any] = [(_("In-flight projects by health."), {"bold": True})]
    lines += [_("{name}: CPI {cpi}, SPI {spi}").format(name=name, cpi=fmt(r.get("cpi"), 2), spi=fmt(r.get("spi"), 2))
              for name, r in zip(names, rows)]
    lines += [(_("{parent} counts its own projects and those of {children}: not a PMO beside them.").format(
        parent=rolled[parent], children=", ".join(children)), {"scale": 0.85, "colour": MUTED})
        for parent, children in below.items()]
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
    slide = deck.slide(_("Risk exposure"))
    if not risks:
        deck.text(slide, deck.body, [_("The workbook has no risks sheet.")])
        return
    left, top, width, height = deck.body
    deck.text(slide, (left, top, int(width * 0.4), height), [risks.get("summary") or ""], max_pt=16, min_pt=10)
    top_rows = [r for r in risks.get("top", []) if r.get("value") is not None]
    if top_rows:
        currency = risks.get("currency") or ""
        name = _("Threat EMV") if risks.get("money") else _("Exposure index")
        name += f" ({currency})" if risks.get("money") and currency else ""
        deck.bar_chart(slide, (left + int(width * 0.42), top, int(width * 0.58), height),
                       [r["name"] for r in top_rows], {name: [r["value"] for r in top_rows]},
                       maximum=None, number_format="#,##0", legend=True)
    else:
        chart = _first(charts, "risk_heatmap", "Open threats and opportunities")
        if chart is not None:
            deck.picture(slide, (left + int(width * 0.42), top, int(width * 0.58), height), chart_png(chart.spec))


def _resources_slide(deck: Deck, res, charts) -> None:
    slide = deck.slide(_("Shared resources: over-allocation"))
    if not res:
        deck.text(slide, deck.body, [_("The workbook has no assignments sheet.")])
        return
    roles, cells = res.get("roles", 0), res.get("over_cells", 0)
    months = ngettext("{n} role-month", "{n} role-months", cells).format(n=cells)
    lines: list[Any] = [(ngettext(
        "{over} of {n} role over-allocated in {months}, {committed} of them by committed work alone.",
        "{over} of {n} roles over-allocated in {months}, {committed} of them by committed work alone.", roles).format(
        over=res.get("roles_over", 0), n=roles, months=months, committed=res.get("committed_over_cells", 0)),
        {"bold": True})]
    lines += [_("{role}: {excess} FTE over capacity in total, {used} used on average").format(
        role=r["role"], excess=fmt(r.get("excess_fte"), 2), used=percent(r.get("utilisation"), 0))
        for r in res.get("rows", [])[:5]]
    _text_and_picture(deck, slide, lines, _first(charts, "demand", "Demand per month"), share=0.42)


def _dependencies_slide(deck: Deck, dep, charts) -> None:
    slide = deck.slide(_("Dependencies"))
    if not dep:
        deck.text(slide, deck.body, [_("The workbook has no dependencies sheet.")])
        return
    lines: list[Any] = []
    for cycle in dep.get("cycles", [])[:2]:
        lines.append((_("Cycle: {chain}").format(chain=_needs([*cycle, cycle[0]])), {"bold": True}))
    if dep.get("late_count"):
        lines.append(dep.get("late_sentence") or ngettext("{n} link due too late.", "{n} links due too late.",
                                                          dep["late_count"]).format(n=dep["late_count"]))
        lines.append(_worst_link(dep["late"][0]))
    if dep.get("longest_chain"):
        days = dep.get("longest_days")
        lines.append(ngettext("Longest chain ({days} day): {chain}", "Longest chain ({days} days): {chain}",
                              days if isinstance(days, int) else 2).format(days=days,
                                                                           chain=" → ".join(dep["longest_chain"])))
    if not lines:
        lines.append(_("No cycle and no link due too late."))
    chart = _first(charts, "dependencies", "Projects by delivery wave") or _first(charts, "dependencies",
                                                                                  "Links between PMOs")
    _text_and_picture(deck, slide, lines, chart, share=0.42)


def _worst_link(worst: Mapping[str, Any]) -> str:
    """The latest link in words: who needs what, by when, and how long before it is expected to finish."""
    days, by = worst["days"], _day(worst.get("needed_by"), iso=True) or worst.get("needed_by")
    if not by:
        text = ngettext("The worst: {project} needs {needs}, {days} day before it is expected to finish.",
                        "The worst: {project} needs {needs}, {days} days before it is expected to finish.", days)
    elif worst.get("date_from") == "start":
        text = ngettext("The worst: {project} needs {needs} by {date} (its planned start), {days} day before it is "
                        "expected to finish.",
                        "The worst: {project} needs {needs} by {date} (its planned start), {days} days before it is "
                        "expected to finish.", days)
    else:
        text = ngettext("The worst: {project} needs {needs} by {date}, {days} day before it is expected to finish.",
                        "The worst: {project} needs {needs} by {date}, {days} days before it is expected to finish.",
                        days)
    return text.format(project=worst["project"], needs=worst["needs"], date=by, days=days)


def _selection_slide(deck: Deck, sel, charts) -> None:
    slide = deck.slide(_("Prioritisation and selection"))
    if not sel:
        deck.text(slide, deck.body, [_("No project is left to prioritise.")])
        return
    candidates = sel.get("candidates", 0)
    if sel.get("status") == "no budget":
        lines = [ngettext("{n} candidate valued; no budget was given, so no set is recommended: the report's "
                          "frontier shows what each budget buys.",
                          "{n} candidates valued; no budget was given, so no set is recommended: the report's "
                          "frontier shows what each budget buys.", candidates).format(n=candidates)]
    elif sel.get("status") == "infeasible":
        lines = [_("No set of projects satisfies the constraints within {budget}: see the report.").format(
            budget=sel.get("budget"))]
    else:
        status = sel.get("status")
        lines = [(ngettext("Within {budget}: {selected} of {n} candidate funded, costing {cost} ({status}).",
                           "Within {budget}: {selected} of {n} candidates funded, costing {cost} ({status}).",
                           candidates).format(budget=sel.get("budget"), selected=sel.get("selected"), n=candidates,
                                              cost=sel.get("cost"),
                                              status=_(SOLVER_STATUS[status]) if status in SOLVER_STATUS else status),
                  {"bold": True}),
                 *([sel["unproven"]] if sel.get("unproven") else []),
                 _funded(sel),
                 _left_out(sel)]
    if sel.get("frontier_stopped"):  # the time limit stopped the frontier beside it
        lines.append(sel["frontier_stopped"])
    _text_and_picture(deck, slide, lines, _first(charts, "frontier", "Efficient frontier"), share=0.45)


def _funded(sel: Mapping[str, Any]) -> str:
    """The funded projects the record names, saying so when they are only the first of more."""
    funded = list(sel.get("funded") or [])
    if not funded:
        return _("Nothing funded.")
    total = sel.get("selected")
    if isinstance(total, int) and total > len(funded):
        return _("Funded, the first {shown} of {total} (the report lists them all): {projects}.").format(
            shown=len(funded), total=total, projects="; ".join(funded))
    return _("Funded: {projects}.").format(projects="; ".join(funded))


def _left_out(sel: Mapping[str, Any]) -> str:
    """How many candidates the recommended set leaves out (the record's own words when it gives no counts)."""
    candidates, selected = sel.get("candidates"), sel.get("selected")
    if isinstance(candidates, int) and isinstance(selected, int):
        n = candidates - selected
        return ngettext("Left out: {n} candidate.", "Left out: {n} candidates.", n).format(n=n)
    return _("Left out: {what}.").format(what=sel.get("left_out"))


def _action_pages(deck: Deck, actions, budget: int) -> tuple[float, list[list[list[str]]]]:
    """Every action, most urgent first, split into at most ``budget`` slides; what does not fit is counted by
    urgency on the last row."""
    if not actions:
        return 13.0, []
    rows = [[_(URGENCY[a.get("urgency")]) if a.get("urgency") in URGENCY else str(a.get("urgency")),
             _(AREAS[a.get("area")]) if a.get("area") in AREAS else str(a.get("area", "")).capitalize(), a["text"]]
            for a in actions]
    size, pages = deck.table_pages(deck.body_box(), [_(c) for c in ACTION_COLUMNS], rows, ACTION_WIDTHS, pt=13,
                                   min_pt=10, max_lines=ACTION_LINES)
    budget = max(1, budget)
    if len(pages) > budget:
        pages = pages[:budget]
        kept = sum(len(p) for p in pages) - 1
        pages[-1] = [*pages[-1][:-1], ["", "", left_out_sentence(actions[kept:])]]
    return size, pages


def _actions_slides(deck: Deck, size: float, pages) -> None:
    if not pages:
        slide = deck.slide(_(ACTIONS_TITLE))
        deck.text(slide, deck.body, [_("Nothing in the analysis calls for action.")])
        return
    for n, page in enumerate(pages, 1):
        title = _(ACTIONS_TITLE)
        slide = deck.slide(_("{title} ({n} of {total})").format(title=title, n=n, total=len(pages))
                           if len(pages) > 1 else title)
        deck.table(slide, deck.body, [_(c) for c in ACTION_COLUMNS], page, ACTION_WIDTHS, pt=size, min_pt=size,
                   max_lines=ACTION_LINES)


def left_out_sentence(actions: Sequence[Mapping[str, Any]]) -> str:
    """``"… and 11 more in the report: 1 now, 8 in the next weeks, 2 to keep watching."``"""
    words = {"now": N_("{n} now"), "soon": N_("{n} in the next weeks"), "watch": N_("{n} to keep watching")}
    counts = Counter(str(a.get("urgency")) for a in actions)
    order = [*words, *sorted(set(counts) - set(words))]
    parts = [_(words[u]).format(n=counts[u]) if u in words else f"{counts[u]} {u}" for u in order if counts[u]]
    return _("… and {n} more in the report: {parts}.").format(n=len(actions), parts=", ".join(parts))


def _appendix_slide(deck: Deck, records, record, missing: Sequence[tuple[str, str]] = ()) -> None:
    analysis = records.get("analysis") if isinstance(records.get("analysis"), Mapping) else {}
    found = record.get("findings") or {}
    method = analysis.get("eac_method", "typical")
    lines = [
        _("CPI = EV / AC and SPI = EV / PV over the summed figures of the in-flight projects (active, on hold); "
          "closed projects are totalled apart. Project health is the worse of cost and schedule."),
        _("EAC method: {method}; currency {currency}.").format(
            method=_(EAC_METHODS[method]) if method in EAC_METHODS else method,
            currency=record.get("currency") or _("not stated")),
        _("Data quality: {findings}. The report lists each finding.").format(
            findings=", ".join(_findings(k, v) for k, v in sorted(found.items())) if found else _("no findings")),
    ]
    if missing:
        lines.append(_not_covered_line(missing))
    bullets_slide(deck, _("Appendix: method and data quality"), lines,
                  note=_("Every figure is from the portfolio workbook as recorded at the status date."))
