"""The analysis behind the narrative of the positioning report.

Each function takes what :func:`pmo_workbench.assess` produced (a
:class:`~pmo_workbench.PmoAssessment`, the whole
:class:`~pmo_workbench.AssessmentResults`) and, where it needs answers, the
tidy responses frame of :func:`pmo_workbench.read_responses`, and returns a
new DataFrame, string or frozen dataclass for the report to show. Nothing here
reads files, renders HTML or prints, and no input is mutated.

The report's story, in order: what the PMO does best (:func:`strengths`), what
to do first (:func:`priorities`, :func:`roadmap_phases`), where it stands in one
sentence (:func:`summary_sentence`, :func:`next_type_gaps`), where respondent
roles disagree (:func:`gap_statements`), and how far the answers can be
trusted (:func:`item_scores_by_role`, :func:`data_quality`, :func:`comments`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._values import fmt
from .._values import is_missing as _missing
from ..i18n import _, current_language, ngettext, pgettext
from .instrument import Instrument
from .narrative import (
    SELF_GAP,
    TARGET_SOURCE_WORDS,
    agreement_label,
    agreement_notes,
    certainty_sentence,
    context_table,
    customers_view,
    data_basis,
    languages_sentence,
    dimension_rows,
    evidence_table,
    foundation_sentence,
    goal_gaps,
    level_words,
    methodology_points,
    named,
    next_type_gaps,
    profile_sentence,
    reliability_label,
    reliability_notes,
    summary_sentence,
    target_source_words,
    type_words,
)
from .quality import DONT_KNOW_FLAG, DataQuality, comment_counts, comments, comments_sentence, data_quality, pmo_rows
from .results import PmoAssessment
from .findings import Findings, findings_from_portfolio
from .recommendations import RecommendationLibrary
from .roadmap import PHASE_LABELS, Roadmap, build_roadmap
from .role_groups import GROUP_LABELS as GROUP_LABELS
from .role_groups import group_labels as group_labels
from .role_groups import group_perception as group_perception
from .role_groups import groups_needed as groups_needed
from .role_groups import groups_sentence as groups_sentence
from .role_groups import no_view_sentence as no_view_sentence
from .role_groups import roles_comparable as roles_comparable
from .scoring import ALPHA_LOW, RWG_CUTOFF, item_scores

__all__ = [
    "ALL_ROLES",
    "DONT_KNOW_FLAG",
    "SELF_GAP",
    "STRENGTH_LEVEL",
    "agreement_label",
    "agreement_notes",
    "certainty_sentence",
    "context_table",
    "customers_view",
    "data_basis",
    "languages_sentence",
    "dimension_rows",
    "TARGET_SOURCE_WORDS",
    "evidence_table",
    "foundation_sentence",
    "goal_gaps",
    "level_words",
    "methodology_points",
    "named",
    "profile_sentence",
    "reliability_label",
    "reliability_notes",
    "type_words",
    "RWG_CUTOFF",
    "PHASE_LABELS",
    "DataQuality",
    "comments",
    "comment_counts",
    "comments_sentence",
    "data_quality",
    "gap_statements",
    "item_scores_by_role",
    "next_type_gaps",
    "priorities",
    "roadmap_phases",
    "ROADMAP_TABLE_COLUMNS",
    "deferred_sentence",
    "findings_from_portfolio",
    "pmo_projects",
    "roadmap_table",
    "roadmap_with",
    "strengths",
    "summary_sentence",
    "target_source_words",
]

STRENGTH_LEVEL = 3
"""The lowest maturity level a dimension needs to be called a relative strength."""


ALL_ROLES = "all"
"""The ``role`` of the rows of :func:`item_scores_by_role` that pool every respondent."""

_STRENGTH_COLUMNS = ["dimension", "label", "score", "level"]
_PRIORITY_COLUMNS = ["dimension", "label", "score", "title", "reason", "unlocks"]
_GAP_COLUMNS = ["dimension", "label", "score", "gate", "points_needed", "note"]
_ITEM_ROLE_COLUMNS = ["item", "dimension", "text", "role", "score", "n"]
_UNCOUNTABLE = frozenset({"staff", "personnel", "people"})


def strengths(a: PmoAssessment, n: int = 3, *, min_level: int = STRENGTH_LEVEL,
              customers: bool = False) -> pd.DataFrame:
    """The PMO's relative strengths: its ``n`` highest-scoring dimensions at level ``min_level`` or above.

    A low score is never called a strength: when no dimension reaches
    ``min_level``, the result is empty and a report says there is no strength
    yet.

    Parameters
    ----------
    a
        One PMO's assessment.
    n
        How many dimensions at most; dimensions without a score never count.
    min_level
        The lowest maturity level that counts as a strength (3 by default).
    customers
        Judge by the customers' view (``score_customers``, ``level_customers``)
        rather than the pooled score: what a summary leading with them uses.

    Returns
    -------
    pandas.DataFrame
        Columns ``dimension``, ``label``, ``score``, ``level``, ``caveat``,
        highest score first; equal scores keep the instrument order of
        ``a.dimensions``. ``caveat`` says why a strength must be read with care
        (``"views are split"``, ``"respondents disagree"``, ``"its items are
        inconsistent"``), else ``None``.

    Examples
    --------
    Scores gov 50, sup 50, ppl 75 (levels 3, 3, 4) give ``ppl, gov, sup``;
    with ``n=2``, ``ppl, gov``; scores 30, 20, 10 give none.
    """
    _check_n(n)
    dims = a.dimensions
    if customers:
        dims = dims.assign(score=dims["score_customers"], level=dims["level_customers"])
    scored = dims[dims["score"].notna() & (dims["level"].fillna(0) >= min_level)]
    top = scored.sort_values("score", ascending=False, kind="stable").head(n).reset_index(drop=True)
    caveats = [(_("views are split") if len(r.split_items) else _("respondents disagree") if r.agree is False
                or (pd.notna(r.agree) and not bool(r.agree)) else _("its items are inconsistent")
                if pd.notna(r.alpha) and r.alpha < ALPHA_LOW else None) for r in top.itertuples(index=False)]
    return top[_STRENGTH_COLUMNS].assign(caveat=pd.Series(caveats, index=top.index, dtype=object))


def priorities(a: PmoAssessment, n: int = 3) -> pd.DataFrame:
    """The first ``n`` dimensions to work on, in the roadmap's order.

    Takes the first step of each dimension in ``a.recommendations`` (which the
    engine has already ordered: steps that unlock the next type first, then the
    largest weighted gaps) and keeps the first ``n`` distinct dimensions.

    With no roadmap (an instrument without a recommendations library), the
    same order is applied to the dimensions themselves: those whose gates block
    the next type (most points needed first, unscored first), then the lowest
    scores; ``title`` is then missing and ``reason`` says why the dimension
    comes first.

    Parameters
    ----------
    a
        One PMO's assessment.
    n
        How many dimensions at most; fewer rows when the roadmap names fewer.

    Returns
    -------
    pandas.DataFrame
        Columns ``dimension``, ``label``, ``score`` (from ``a.dimensions``),
        ``title`` (of the dimension's first step), ``reason``, ``unlocks``
        (the type the step helps unlock, missing when none).
    """
    _check_n(n)
    recs = a.recommendations
    if recs.empty:
        return _priorities_without_roadmap(a, n)
    first = recs.drop_duplicates("dimension", keep="first").head(n)[["dimension", "title", "reason", "unlocks"]]
    dims = a.dimensions.set_index("dimension")[["label", "score"]]
    out = first.join(dims, on="dimension")
    return out[_PRIORITY_COLUMNS].reset_index(drop=True)


def _priorities_without_roadmap(a: PmoAssessment, n: int) -> pd.DataFrame:
    gaps = a.type.goal_gaps
    labels = dict(zip(a.type.profile["type"], a.type.profile["label"]))
    goal_label = labels.get(a.type.goal, a.type.goal)
    rows = []
    for order, r in enumerate(a.dimensions.itertuples(index=False)):
        blocks = r.dimension in gaps
        needed = gaps.get(r.dimension)
        if blocks:
            reason = (_("no score yet; the {type} gate needs it").format(type=goal_label) if _missing(needed)
                      else _("{points} points short of the {type} gate").format(points=fmt(needed), type=goal_label))
            key = (0, -math.inf if _missing(needed) else -needed, order)
        elif _missing(r.score):
            reason, key = _("not enough answers to score this dimension"), (1, -math.inf, order)
        else:
            reason, key = _("one of the lowest scores ({score})").format(score=fmt(r.score)), (1, r.score, order)
        rows.append((key, {"dimension": r.dimension, "label": r.label, "score": r.score, "title": None,
                           "reason": reason, "unlocks": a.type.goal if blocks else None}))
    rows.sort(key=lambda item: item[0])
    return pd.DataFrame([row for _key, row in rows[:n]], columns=_PRIORITY_COLUMNS)


def roadmap_phases(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The roadmap split into three phases.

    The steps of a roadmap of initiatives (``a.recommendations``: they carry a
    ``phase`` already, see :func:`pmo_workbench.assessment.roadmap.build_roadmap`)
    keep their phase. A flat list of steps without one (from
    :func:`~pmo_workbench.assessment.recommendations.recommend`) is phased by
    this rule, applied to each step:

    - phase 1, "Now (0-3 months)": steps that unlock the next type
      (``unlocks`` not missing), whatever their effort, and low-effort steps
      with high impact;
    - phase 2, "Next (3-6 months)": the other low- or medium-effort steps;
    - phase 3, "Later (6-12 months)": high-effort steps that do not unlock the
      next type.

    Parameters
    ----------
    recommendations
        A roadmap as returned by :func:`pmo_workbench.recommendations.recommend`
        (columns ``effort``, ``impact``, ``unlocks`` at least), possibly empty.

    Returns
    -------
    pandas.DataFrame
        A copy with ``phase`` (1, 2 or 3) and ``phase_label`` (see
        :data:`PHASE_LABELS`) added, sorted by phase; within a phase the steps
        keep the roadmap's order. The index is renumbered from 0.
    """
    if "phase" in recommendations.columns:  # the steps of a roadmap of initiatives are phased already
        out = recommendations.copy()
        out["phase_label"] = pd.Series([_(PHASE_LABELS[int(p)]) for p in out["phase"]], index=out.index, dtype=object)
        return out.sort_values("phase", kind="stable").reset_index(drop=True)
    effort, impact = recommendations["effort"], recommendations["impact"]
    now = recommendations["unlocks"].notna() | (effort.eq("low") & impact.eq("high"))
    phase = np.where(now.to_numpy(bool), 1, np.where(effort.eq("high").to_numpy(bool), 3, 2)).astype(np.int64)
    out = recommendations.copy()
    out["phase"] = phase
    out["phase_label"] = pd.Series([_(PHASE_LABELS[p]) for p in phase], index=out.index, dtype=object)
    return out.sort_values("phase", kind="stable").reset_index(drop=True)


def suppression_sentence(min_group_size: int) -> str:
    """The report's one statement of the anonymity rule, for the perception section.

    >>> suppression_sentence(3)[:74]
    'To protect anonymity, no score is shown for a group of fewer than 3 respon'
    """
    return ngettext("To protect anonymity, no score is shown for a group of fewer than {n} respondent, nor for a "
                    "group whose score, with the others shown, would reveal such a group's; these cells are grey and "
                    "read \u201cn<{n}\u201d.",
                    "To protect anonymity, no score is shown for a group of fewer than {n} respondents, nor for a "
                    "group whose score, with the others shown, would reveal such a group's; these cells are grey and "
                    "read \u201cn<{n}\u201d.", int(min_group_size)).format(n=int(min_group_size))


def group_gap_statements(gaps: pd.DataFrame, dimension_labels: dict[str, str], threshold: float,
                         n: int = 3) -> list[str]:
    """The ``n`` largest leadership-versus-delivery gaps over ``threshold`` points, largest first.

    ``gaps`` is :attr:`GroupPerception.gaps` (``dimension``, ``leadership``, ``delivery``, ``gap``).

    >>> frame = pd.DataFrame({"dimension": ["gov", "sup"], "leadership": [80.0, 50.0],
    ...                       "delivery": [55.0, 45.0], "gap": [25.0, 5.0]})
    >>> group_gap_statements(frame, {"gov": "Governance"}, 20)
    ['Governance: leadership 80.0, delivery 55.0 (25.0 points higher for leadership)']
    """
    _check_n(n)
    big = gaps[gaps["gap"].abs() > threshold]
    big = big.reindex(big["gap"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    return [(_("{dimension}: leadership {leadership}, delivery {delivery} ({points} points higher for leadership)")
             if r.gap > 0 else
             _("{dimension}: leadership {leadership}, delivery {delivery} ({points} points higher for delivery)")
             ).format(dimension=dimension_labels.get(r.dimension, r.dimension), leadership=fmt(r.leadership),
                      delivery=fmt(r.delivery), points=fmt(abs(r.gap)))
            for r in big.itertuples()]


def gap_statements(a: PmoAssessment, instrument: Instrument, n: int = 3) -> list[str]:
    """The ``n`` largest flagged perception gaps, each as one sentence.

    Reads ``a.perception.gaps`` (a gap is flagged when the highest and lowest
    visible role groups differ by more than the threshold the assessment was
    run with). Role labels come from the instrument, in the plural
    ("Executive" -> "executives", "PMO staff" stays, a label that does not
    pluralise simply gets "respondents" added).

    Returns
    -------
    list of str
        Largest gap first (equal gaps in instrument order), e.g.
        "On Governance, executives score 75.0 but project managers 25.0 (a gap
        of 50.0 points)."; empty when no gap is flagged.
    """
    _check_n(n)
    gaps = a.perception.gaps
    flagged = gaps[gaps["flagged"].fillna(False).astype(bool)]
    flagged = flagged.sort_values("gap", ascending=False, kind="stable").head(n)
    dim_label = instrument.dimension_table["label"]
    role_label = {r.id: r.label for r in instrument.roles}
    out = []
    for g in flagged.itertuples(index=False):
        label = dim_label.get(g.dimension, g.dimension)
        high = role_plural(str(g.high_role), role_label.get(g.high_role, str(g.high_role)))
        low = role_plural(str(g.low_role), role_label.get(g.low_role, str(g.low_role)))
        out.append(_("On {dimension}, {high_role} score {high} but {low_role} {low} (a gap of {gap} points).").format(
            dimension=named(label), high_role=high, high=fmt(g.high_score), low_role=low, low=fmt(g.low_score),
            gap=fmt(g.gap)))
    return out


def item_scores_by_role(responses: pd.DataFrame, instrument: Instrument, organisation: str, pmo: str) -> pd.DataFrame:
    """Mean item score (0-100) per item and respondent role for one PMO.

    Answers are turned into item scores with
    :func:`pmo_workbench.scoring.item_scores` (reversed items reversed), then
    averaged over the answers given.

    Parameters
    ----------
    responses
        The tidy responses frame (:data:`pmo_workbench.responses.TIDY_COLUMNS`;
        key columns may be categorical).
    organisation, pmo
        The PMO.

    Returns
    -------
    pandas.DataFrame
        Columns ``item``, ``dimension``, ``text``, ``role``, ``score``, ``n``
        (answers given). Every item of the instrument, in instrument order;
        for each, the roles the PMO's respondents hold, in the instrument's
        role order, then :data:`ALL_ROLES` (``"all"``) over every respondent.
        An item nobody answered has NaN ``score`` and ``n`` 0.

    Raises
    ------
    KeyError
        When ``responses`` has no rows for that PMO.

    Notes
    -----
    A role row of a small group shows individual answers; a report should hide
    rows whose ``n`` falls below its minimum group size.
    """
    rows = pmo_rows(responses, organisation, pmo)
    items = instrument.items
    item = rows["item"].astype(object)
    known = item.isin(items.index)
    item, rows = item[known], rows[known]
    role = rows["role"].astype(object)
    values = item_scores(rows["value"].to_numpy(float), item.map(items["reverse"]).to_numpy(bool),
                         instrument.scale.min, instrument.scale.max)
    scored = pd.DataFrame({"item": item.to_numpy(object), "role": role.to_numpy(object), "score": values})
    present = set(role)
    roles = [r for r in instrument.role_ids if r in present]
    roles += [r for r in dict.fromkeys(role) if r not in roles and not _missing(r)]
    by_role = scored.groupby(["item", "role"], sort=False)["score"].agg(["mean", "count"])
    pooled = scored.groupby("item", sort=False)["score"].agg(["mean", "count"])
    pooled.index = pd.MultiIndex.from_arrays([pooled.index, [ALL_ROLES] * len(pooled)], names=["item", "role"])
    grid = pd.MultiIndex.from_product([items.index, [*roles, ALL_ROLES]], names=["item", "role"])
    cells = pd.concat([by_role, pooled]).reindex(grid)
    out = grid.to_frame(index=False)
    out["dimension"] = out["item"].map(items["dimension"])
    out["text"] = out["item"].map(items["text"])
    out["score"] = cells["mean"].to_numpy(float)
    out["n"] = cells["count"].fillna(0).to_numpy().astype(np.int64)
    return out[_ITEM_ROLE_COLUMNS]


# -- helpers -----------------------------------------------------------------

def _check_n(n: int) -> None:
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")


def role_plural(role_id: str, label: str) -> str:
    """A role as a plural noun inside a sentence, in the current language: "executives", "PMO staff".

    The roles of the bundled instrument have their plural in the catalogue; another role's label gets an English
    plural ending (:func:`_role_plural`) in English and a phrase naming the role in other languages.
    """
    plurals = {
        "executive": pgettext("roles in a sentence", "executives"),
        "pmo_staff": pgettext("roles in a sentence", "PMO staff"),
        "project_manager": pgettext("roles in a sentence", "project managers"),
        "functional_manager": pgettext("roles in a sentence", "functional managers"),
        "team_member": pgettext("roles in a sentence", "team members"),
        "sponsor": pgettext("roles in a sentence", "sponsors"),
    }
    english = _role_plural(label)
    if role_id in plurals and (current_language() != "en" or english == plurals[role_id]):
        return plurals[role_id]
    if current_language() == "en":
        return english
    return pgettext("roles in a sentence", "respondents in the role \u201c{role}\u201d").format(role=label)


def _role_plural(label: str) -> str:
    """A role label as a plural noun inside a sentence.

    Words are lower-cased except acronyms ("PMO"); the last word gets a plural
    ending ("executives", "deputies", "coaches"), uncountable words stay
    ("PMO staff"); a label that cannot take an ending safely ("Head of
    department", "Sales", "Manager (IT)") gets "respondents" added.
    """
    words = [w if len(w) > 1 and w.isupper() else w.lower() for w in label.split()]
    if not words:
        return "respondents"
    phrase, last = " ".join(words), words[-1]
    if last in _UNCOUNTABLE:
        return phrase
    if " of " in f" {phrase} " or not last.isalpha() or last.endswith("s"):
        return f"{phrase} respondents"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        words[-1] = last[:-1] + "ies"
    elif last.endswith(("ch", "sh", "x", "z")):
        words[-1] = last + "es"
    else:
        words[-1] = last + "s"
    return " ".join(words)


# -- the roadmap ---------------------------------------------------------------------------------------------------

ROADMAP_TABLE_COLUMNS = ["initiative", "owner_role", "duration_weeks", "kpi", "because"]
"""Columns of :func:`roadmap_table`."""


def roadmap_with(a: PmoAssessment, instrument: Instrument, library: RecommendationLibrary | None,
                 findings: Findings | None = None) -> Roadmap:
    """The PMO's roadmap, rebuilt with more findings (the portfolio's, say) and the options it was built with.

    Returns ``a.roadmap`` itself when there is nothing to add or no library.
    """
    if library is None or findings is None or not findings.found:
        return a.roadmap
    options = a.roadmap.options
    return build_roadmap(a.dimensions, a.item_scores, a.type, library, instrument, findings=a.findings | findings,
                         framework=options.framework, pmo_level=a.pmo_level, exclude=options.exclude,
                         add=options.add, cap=options.cap)


def pmo_projects(projects: pd.DataFrame, workbook_pmo: str | None, scope: str) -> set[str] | None:
    """The ids of one PMO's projects in the portfolio's ``projects`` table (``project_id``, ``pmo``), for
    :func:`findings_from_portfolio`.

    ``scope`` and ``workbook_pmo`` are those of the PMO's portfolio evidence: ``"organisation"`` (no PMO of the
    workbook matched: every project counts, ``None``), ``"none"`` (the PMO has no project: an empty set), else the
    projects whose ``pmo`` is ``workbook_pmo`` (compared with case folded and spaces trimmed).
    """
    if scope == "organisation" or "pmo" not in projects.columns:
        return None
    if scope == "none" or workbook_pmo is None:
        return set()
    key = " ".join(str(workbook_pmo).split()).casefold()
    names = projects["pmo"].map(lambda v: None if _missing(v) else " ".join(str(v).split()).casefold())
    return {str(i) for i in projects.loc[names == key, "project_id"]}


def roadmap_table(roadmap: Roadmap) -> pd.DataFrame:
    """The compact table of initiatives a report shows beside the roadmap chart.

    Columns :data:`ROADMAP_TABLE_COLUMNS`: ``initiative`` ("I1 Title"), ``owner_role``, ``duration_weeks``,
    ``kpi`` and ``because`` (one line), in roadmap order (the phase is the chart's).
    """
    return pd.DataFrame([{"initiative": f"{i.id} {i.title}", "owner_role": i.owner_role,
                          "duration_weeks": i.duration_weeks, "kpi": i.kpi, "because": i.because}
                         for i in roadmap.initiatives], columns=ROADMAP_TABLE_COLUMNS)


def deferred_sentence(roadmap: Roadmap) -> str | None:
    """One sentence naming the initiatives the cap left out, or ``None``."""
    if not roadmap.deferred:
        return None
    titles = "; ".join(d.title for d in roadmap.deferred)
    n = len(roadmap.deferred)
    cap = roadmap.options.cap
    beyond = ngettext("Beyond the cap of {cap} initiative", "Beyond the cap of {cap} initiatives", cap).format(cap=cap)
    return ngettext("{beyond}, {n} more was left for later: {titles}.",
                    "{beyond}, {n} more were left for later: {titles}.", n).format(beyond=beyond, n=n, titles=titles)
