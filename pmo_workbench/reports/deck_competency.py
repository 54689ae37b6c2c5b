"""The competency reports' decks: a cohort's (no person named) and a person's own profile.

:func:`competency_slides` and :func:`profile_slides` are what the notebooks' last cells record (``deck``);
:func:`competency_deck` builds the slides from it (see :mod:`pmo_workbench.reports.deck`). The cohort deck: title,
the cohort at a glance, the heat map by process group, the distribution per area, the ranked training needs, self
against others, the method. The profile deck: title, the profile chart, the areas below the required level, blind
spots and hidden strengths, development suggestions, what the required level looks like.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._values import fmt
from ..assessment import competency_report as words
from ..i18n import _
from .branding import Branding
from .deck import (Deck, NotebookChart, bullets_slide, chart_png, engagement_of, footer_mark, footer_text,
                   no_deck_record, pick_charts, title_slide)

def competency_slides(data: words.CompetencyInput, figures: words.CohortFigures) -> dict:
    """The cohort deck's view of a competency report: JSON-able texts and rows as the report words them, counts
    and means only (nobody named)."""
    needs = words.needs_table(figures.needs)
    return {
        "report": "competency", "cohort": data.cohort,
        "glance": words.glance_points(data, figures),
        "top_needs": words.top_needs_points(figures.needs),
        "needs": [[str(int(r["rank"])), r["label"], r["below_text"], r["share_text"], fmt(r["mean_shortfall"])]
                  for _, r in needs.iterrows()],
        "ranking": words.ranking_sentence(data),
        "self_others": words.self_others_sentence(figures.self_others, data.instrument),
        "method": [*(p for n, p in enumerate(words.about_points(data)) if n in (1, 3, 4, 5)),
                   words.required_sentence(data)],  # a raised standard is said where its verdicts are
    }


def profile_slides(data: words.CompetencyInput, profile) -> dict:
    """The profile deck's view of a person's own report."""
    shortfall = words.shortfall_table(profile)
    suggestions = words.suggestions_table(profile, words.load_library(data))
    anchors = words.anchor_table(profile, data.instrument)
    return {
        "report": "profile", "cohort": data.cohort, "subject": data.subject,
        "confidentiality": words.confidentiality_line(str(data.subject)),
        "summary": [words.raters_sentence(data), words.assessed_sentence(data, profile)],
        "notes": words.profile_notes(profile, data.min_raters),
        "shortfall": [[r.label, fmt(r.assessed), fmt(r.required, 0), fmt(r.shortfall)]
                      for r in shortfall.itertuples()],
        "gaps": words.gap_sentences(profile, data.instrument),
        "suggestions": [[r.label, r.kind_label, r.text] for r in suggestions.itertuples()],
        "anchors": [[r.label, r.level_text, r.anchor] for r in anchors.itertuples()],
    }


def competency_deck(records: Mapping[str, Any], *, organisation: str, branding: Branding | None = None,
                    charts: Sequence[NotebookChart] = (), title: str | None = None) -> Deck:
    """The deck of a competency report or a person's profile (see :mod:`pmo_workbench.reports.deck`)."""
    record = records.get("deck")
    kind = record.get("report") if isinstance(record, Mapping) else None
    if kind not in ("competency", "profile"):
        raise no_deck_record(organisation, "competency")
    engagement = engagement_of(records)
    if kind == "profile":
        engagement = {**engagement, "confidentiality": record.get("confidentiality")}
    deck = Deck(branding, footer=footer_text(organisation, engagement), mark=footer_mark(engagement))
    if kind == "competency":
        title_slide(deck, title or _("Project manager competency report"), organisation, engagement,
                    subject=str(record.get("cohort") or ""))
        _cohort_slides(deck, record, charts)
    else:
        title_slide(deck, title or _("Personal competency profile"), organisation, engagement,
                    subject=_("{person}, {cohort}").format(person=record.get("subject"), cohort=record.get("cohort")))
        _profile_slides(deck, record, charts)
    return deck


def _chart_slide(deck: Deck, charts: Sequence[NotebookChart], name: str, title: str) -> None:
    found = pick_charts(charts, name)
    if found:
        slide = deck.slide(title)
        deck.picture(slide, deck.body, chart_png(found[0].spec))


def _table_slides(deck: Deck, title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                  widths: Sequence[float], max_lines: int = 2) -> None:
    if not rows:
        return
    size, pages = deck.table_pages(deck.body, header, rows, widths, max_lines=max_lines)
    for n, page in enumerate(pages, start=1):
        slide = deck.slide(_("{title} ({n} of {pages})").format(title=title, n=n, pages=len(pages))
                           if len(pages) > 1 else title)
        deck.table(slide, deck.body, header, page, widths, pt=size, min_pt=size, max_lines=max_lines)


def _cohort_slides(deck: Deck, record: Mapping[str, Any], charts: Sequence[NotebookChart]) -> None:
    bullets_slide(deck, _("The cohort at a glance"),
                  [str(t) for t in (record.get("glance") or [])] + [str(t) for t in record.get("top_needs") or []])
    _chart_slide(deck, charts, "competency/heatmap", _("Areas by process group"))
    _chart_slide(deck, charts, "competency/distribution", _("Distribution per area"))
    _chart_slide(deck, charts, "competency/needs", _("Training needs"))
    _table_slides(deck, _("Training needs, ranked"), [_("Rank"), _("Area"), _("People below"), _("Share below"),
                                                      _("Mean shortfall")], record.get("needs") or [],
                  (0.7, 4, 1.6, 1.4, 1.6))
    _chart_slide(deck, charts, "competency/self-others", _("Self and others"))
    bullets_slide(deck, _("Self and others"), [str(record.get("self_others") or "")])
    bullets_slide(deck, _("Method"), [str(t) for t in record.get("method") or []])


def _profile_slides(deck: Deck, record: Mapping[str, Any], charts: Sequence[NotebookChart]) -> None:
    bullets_slide(deck, _("Profile"), [str(t) for t in record.get("summary") or []],
                  note=" ".join(str(t) for t in record.get("notes") or []) or None)
    _chart_slide(deck, charts, "profile/chart", _("Profile against the required level"))
    _table_slides(deck, _("Below the required level"), [_("Area"), _("Assessed"), _("Required"), _("Shortfall")],
                  record.get("shortfall") or [], (4, 1.5, 1.5, 1.5))
    bullets_slide(deck, _("Blind spots and hidden strengths"), [str(t) for t in record.get("gaps") or []])
    _table_slides(deck, _("Development suggestions"), [_("Area"), _("Kind"), _("Suggestion")],
                  record.get("suggestions") or [], (2.4, 1.4, 6), max_lines=3)
    _table_slides(deck, _("What the required level looks like"), [_("Area"), _("Level"), _("Behaviour")],
                  record.get("anchors") or [], (2.4, 1.6, 6), max_lines=3)
