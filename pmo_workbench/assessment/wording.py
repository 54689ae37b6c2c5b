"""Words the positioning report's sentences share, in the current language: lists joined with "and", names in a
sentence, the methodology section's statements, why alpha is missing, and the languages the answers were given in.
Re-exported by :mod:`pmo_workbench.assessment.narrative` and :mod:`pmo_workbench.assessment.insights`.
"""

from __future__ import annotations

import pandas as pd

from .._values import fmt
from .._values import is_missing as _missing
from ..i18n import _, language_name, ngettext, pgettext
from .instrument import Instrument
from .scoring import ALPHA_LOW_NOTE, RWG_CUTOFF, ad_cutoff


def join_words(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the current language; ``nothing more`` for no parts."""
    if not parts:
        return _("nothing more")
    if len(parts) == 1:
        return parts[0]
    return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def named(label: str) -> str:
    """A dimension's label as a sentence names it: as it is in English, in quotation marks in German (a label after
    a preposition keeps its own case, and one holding "and" stays apart from a list's "and")."""
    return pgettext("a name in a sentence", "{name}").format(name=label)


def _g(value: float) -> str:
    """A number as ``:g`` writes it (``20``, ``12.5``), with the reader's decimal mark."""
    written = f"{float(value):g}"
    return written if "e" in written else fmt(float(value), len(written.partition(".")[2]))


def methodology_points(instrument: Instrument, min_group_size: int) -> list[str]:
    """The methodology section's statements, each with its formula or cut-off, stated once."""
    lo, hi = instrument.scale.min, instrument.scale.max
    thresholds = list(instrument.maturity_thresholds)
    bands = []
    edges = [0.0, *thresholds, 100.0]
    for level in range(1, len(thresholds) + 2):
        low, high = edges[level - 1], edges[level]
        name = instrument.level_names.get(level)
        span = (_("{low} to under {high}") if level <= len(thresholds) else _("{low} to {high}")).format(
            low=_g(low), high=_g(high))
        bands.append((_("level {level} ({name}): {span}") if name else _("level {level}: {span}")).format(
            level=level, name=name, span=span))
    return [
        _("Item score = 100 × (answer − {lo}) / ({hi} − {lo}); items worded the other way round count 100 minus "
          "that. \u201cDon't know\u201d and \u201cnot applicable\u201d are not scored.").format(lo=lo, hi=hi),
        _("A respondent's dimension score is the weighted mean of the items they answered; it is left out when they "
          "answered fewer than half of the items their role is asked."),
        _("A PMO's dimension score is the mean of its respondents' scores, with a 95% confidence range (t-based); "
          "its overall maturity is the weighted mean of its dimension scores."),
        _("Maturity levels: {bands}.").format(bands="; ".join(bands)),
        _("Type: each type has minimum scores (gates) on the dimensions that define it. A gate passes when the score "
          "is at or above it; the PMO's type is the highest type whose own gates all pass. A gate is shown as met "
          "when the whole 95% range lies at or above it, not met when it lies below, borderline when it crosses "
          "it."),
        _("Agreement: r*wg(J) compares the spread of answers with a random spread (1 = full agreement, 0 = no more "
          "than chance) and AD is the average distance of answers from their mean, in scale points. Respondents "
          "agree when r*wg(J) is at least {rwg} and AD at most {ad}. An item is split when, of 4 or more answers, "
          "at least a quarter sit in the bottom two points of the scale and at least a quarter in the top two (the "
          "end points on a scale of fewer than 4 points); a dimension with a split item never counts as "
          "agreement.").format(rwg=fmt(RWG_CUTOFF, 2), ad=fmt(ad_cutoff(instrument.scale.points), 2)),
        _("Reliability: Cronbach's alpha of a dimension over this PMO's respondents who answered every item asked "
          "of all roles ({acceptable} acceptable, {good} good; not computed under 8 such respondents or 3 items; "
          "below {low} the items do not measure one thing for this group).").format(
            acceptable=fmt(0.70, 2), good=fmt(0.80, 2), low=fmt(0.50, 2)),
        _("Anonymity: role groups smaller than {n} are never shown apart.").format(n=min_group_size),
    ]


def alpha_reason(note: str | None) -> str:
    """Why alpha is not computed, in the current language, from a dimension's ``alpha_note``
    (``"not computed: 4 respondents answered every item; alpha needs 8"``, written by the scoring in English)."""
    import re

    reason = (note or "not computed").removeprefix("not computed: ").removeprefix("not computed")
    if not reason:
        return _("not computed")
    items = re.fullmatch(r"only (\d+) of its items (?:is|are) asked of every role; alpha needs (\d+)", reason)
    if items:
        k = int(items.group(1))
        return ngettext("only {k} of its items is asked of every role; alpha needs {min}",
                        "only {k} of its items are asked of every role; alpha needs {min}", k).format(
            k=k, min=items.group(2))
    people = re.fullmatch(r"(\d+) respondents? answered every item; alpha needs (\d+)", reason)
    if people:
        n = int(people.group(1))
        return ngettext("{n} respondent answered every item; alpha needs {min}",
                        "{n} respondents answered every item; alpha needs {min}", n).format(n=n, min=people.group(2))
    if reason == "the respondents' totals do not vary":
        return _("the respondents' totals do not vary")
    if reason == ALPHA_LOW_NOTE:
        return _(ALPHA_LOW_NOTE)
    return reason


def languages_sentence(responses: pd.DataFrame, organisation: str | None = None,
                       pmos: list[str] | tuple[str, ...] | None = None) -> str | None:
    """Which languages the questionnaire was answered in, with the number of respondents in each, e.g.
    "Answered in English (7) and German (5)." (language names in the current language, most respondents first).

    Reads the optional ``language`` column of the tidy responses frame (a language code, or blank); a respondent
    counts once per organisation (answering for two PMOs does not make two people), in the language of their first
    non-blank row. ``organisation`` and ``pmos`` narrow the respondents to
    those reported on. ``None`` when the column is absent or blank throughout.

    >>> frame = pd.DataFrame({"organisation": "O", "pmo": "P", "respondent": ["r1", "r1", "r2", "r3"],
    ...                       "language": ["en", "en", "de", "en"]})
    >>> languages_sentence(frame)
    'Answered in English (2) and German (1).'
    >>> languages_sentence(frame.assign(pmo=["P", "Q", "P", "P"]))  # r1 answered for two PMOs: one person
    'Answered in English (2) and German (1).'
    """
    if "language" not in responses.columns:
        return None
    rows = responses
    if organisation is not None and "organisation" in rows.columns:
        rows = rows[(rows["organisation"].astype(object) == organisation).to_numpy(bool)]
    if pmos is not None and "pmo" in rows.columns:
        rows = rows[rows["pmo"].astype(object).isin(list(pmos)).to_numpy(bool)]
    code = rows["language"].astype(object).map(lambda v: None if _missing(v) or not str(v).strip()
                                               else str(v).strip().replace("_", "-").split("-")[0].lower())
    rows = rows.assign(_language=code).dropna(subset=["_language"])
    if rows.empty:
        return None
    # a person counts once, however many of the organisation's PMOs they answered for
    key = [c for c in ("organisation", "respondent") if c in rows.columns]
    first = rows.drop_duplicates(key, keep="first") if key else rows
    counts = first["_language"].value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    parts = [_("{language} ({n})").format(language=language_name(code), n=int(n)) for code, n in ordered]
    return _("Answered in {languages}.").format(languages=join_words(parts))

