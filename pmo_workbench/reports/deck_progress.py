"""The progress report's deck: from the overall change to the comparability of the two waves.

:func:`progress_slides` is what the notebook's last cell records (``deck``); :func:`progress_deck` builds the
slides from it (see :mod:`pmo_workbench.reports.deck`): title, key messages, the changes chart, the change
table, type and gates, the roadmap's follow-through, comparability and the method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._values import fmt
from ..assessment import progress_report as words
from ..i18n import _
from .branding import Branding
from .deck import (Deck, NotebookChart, bullets_slide, chart_png, engagement_of, footer_mark, footer_text,
                   no_deck_record, pick_charts, title_slide)


def progress_slides(progress: Any, type_labels: Mapping[str, str]) -> dict:
    """The deck's view of a progress report (:class:`~pmo_workbench.assessment.progress.Progress`): JSON-able
    texts and rows, each already worded as the report words it."""
    first, second = words.wave_names(progress)
    changes = words.change_table(progress)
    gates = progress.gates
    moved = gates[gates["move"].isin(["now_passes", "no_longer_passes"])]
    labels = dict(zip(progress.dimensions["dimension"], progress.dimensions["label"]))
    plan = words.roadmap_table(progress)
    return {
        "report": "progress", "pmo": progress.pmo, "waves": [first, second],
        "headline": words.headline(progress, type_labels),
        "changes": [[r.label, _score(r.score_before), _score(r.score_after), r.change_text, r.ci_text,
                     r.verdict_text] for r in changes.itertuples(index=False)],
        "type": words.type_sentence(progress, type_labels),
        "gates": [_("{type} gate on {dimension} ({gate}): {move}").format(
            type=type_labels.get(g.type, g.type), dimension=labels.get(g.dimension, g.dimension), gate=fmt(g.gate, 0),
            move=_(words.MOVES[g.move])) for g in moved.itertuples(index=False)],
        "roadmap": [[r.id, r.title, r.label, r.status_text, r.change_text, r.verdict_text]
                    for r in plan.itertuples(index=False)],
        "follow_through": words.follow_through_sentence(progress),
        "comparability": [words.mix_sentence(progress), *progress.roles.warnings],
        "not_compared": words.not_compared_sentence(progress),
        "method": words.methodology_points(progress)[1:3],
    }


def _score(value: float) -> str:
    return fmt(value)


def progress_deck(records: Mapping[str, Any], *, organisation: str, branding: Branding | None = None,
                  charts: Sequence[NotebookChart] = (), title: str | None = None) -> Deck:
    """The deck of a progress report (see :mod:`pmo_workbench.reports.deck`)."""
    record = records.get("deck")
    if not isinstance(record, Mapping) or record.get("report") != "progress":
        raise no_deck_record(organisation, "progress")
    engagement = engagement_of(records)
    deck = Deck(branding, footer=footer_text(organisation, engagement), mark=footer_mark(engagement))
    first, second = record.get("waves") or [_("earlier wave"), _("later wave")]
    title_slide(deck, title or _("PMO progress report"), organisation, engagement,
                subject=_("{pmo}: {first} to {second}").format(pmo=record.get("pmo"), first=first, second=second))
    bullets_slide(deck, _("Key messages"), [str(m) for m in record.get("headline") or []])
    found = pick_charts(charts, "progress/changes")
    if found:
        slide = deck.slide(_("Change by dimension"))
        deck.picture(slide, deck.body, chart_png(found[0].spec))
    header = [_("Dimension"), first, second, _("Change"), _("95% CI"), _("Verdict")]
    widths = (3.2, 1, 1, 1, 1.8, 1.6)
    size, pages = deck.table_pages(deck.body, header, record.get("changes") or [], widths, max_lines=2)
    for n, page in enumerate(pages, start=1):
        slide = deck.slide(_("Changes and their confidence ({n} of {pages})").format(n=n, pages=len(pages))
                           if len(pages) > 1 else _("Changes and their confidence"))
        deck.table(slide, deck.body, header, page, widths, pt=size, min_pt=size, max_lines=2)
    bullets_slide(deck, _("Type and gates"), [str(record.get("type") or "")] + list(record.get("gates") or [])[:5])
    rows = record.get("roadmap") or []
    if rows:
        slide = deck.slide(_("Roadmap follow-through"))
        left, top, width, height = deck.body
        note = int(height * 0.15)
        deck.text(slide, (left, top, width, note), [str(record.get("follow_through") or "")], max_pt=16, min_pt=10)
        deck.table(slide, (left, top + note, width, height - note), [_("Initiative"), _("Title"), _("Dimension"),
                                                                      _("Status"), _("Change"), _("Verdict")], rows,
                   (0.8, 4, 2.4, 1.3, 0.9, 1.5), max_lines=2)
    bullets_slide(deck, _("Comparability of the two waves"), [str(t) for t in record.get("comparability") or []],
                  note=record.get("not_compared"))
    bullets_slide(deck, _("Method"), [str(t) for t in record.get("method") or []])
    return deck
