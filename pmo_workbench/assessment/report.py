"""What the positioning report works from, prepared in one call, and the anonymity rules it applies.

The report notebook holds narrative, calls and display only: reading and
checking the answers, choosing the PMOs and the labels happen here
(:func:`positioning_input`), as does hiding small role groups (:func:`small_groups`,
:func:`shown_roles`, :func:`visible_item_scores`).
"""

from __future__ import annotations

from collections.abc import Mapping

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._values import read_dates
from ..errors import InputValidationError, Problem
from ..i18n import N_, _
from .engagement import Engagement, engagement_inputs
from .insights import ALL_ROLES, item_scores_by_role
from .instrument import AD_HOC, PMO_ROLE_LABELS, Instrument, load_instrument
from .positioning import ANONYMOUS_MIN_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE
from .recommendations import RecommendationLibrary, library_for
from .responses import read_responses, subject_problem
from .waves import choose_wave
from .results import AssessmentResults, PmoAssessment, assess

SMALL_GROUP = N_("(small group)")
"""How a role whose group is too small to show is named in tables of individual rows (in English; shown in the
current language)."""
ALL_RESPONDENTS = N_("All respondents")
"""The label of the item heat map's column that pools every respondent (in English; shown in the current
language)."""


@dataclass(frozen=True)
class PositioningInput:
    """Everything the positioning report shows, for one organisation.

    Attributes
    ----------
    instrument
        The instrument the answers belong to.
    answers
        This organisation's answers (the tidy responses frame).
    results
        Every PMO of the organisation, assessed.
    pmos
        The PMOs the report covers: the one asked for, or all of them.
    library
        The recommendations library of the instrument, or ``None``.
    min_group_size
        Role groups smaller than this are never shown.
    engagement, engagement_file
        The engagement entries (targets, context, evidence) and the file they came from, or ``None``.
    """

    organisation: str
    instrument: Instrument
    answers: pd.DataFrame
    results: AssessmentResults
    pmos: tuple[PmoAssessment, ...]
    library: RecommendationLibrary | None
    min_group_size: int
    engagement: Engagement | None = None
    engagement_file: Path | None = None
    role_labels: dict[str, str] = field(default_factory=dict)
    dimension_labels: dict[str, str] = field(default_factory=dict)
    type_labels: dict[str, str] = field(default_factory=dict)
    pmo_role_labels: dict[str, str] = field(default_factory=lambda: dict(PMO_ROLE_LABELS))

    @property
    def several(self) -> bool:
        """Whether the report covers more than one PMO (each section then has a heading per PMO)."""
        return len(self.pmos) > 1

    @property
    def fieldwork(self) -> list[str] | None:
        """The first and last ``assessed_on`` date of the answers of the PMOs reported on, as ISO dates.

        ``None`` when the answers carry no dates. The title page shows it as the fieldwork period when the
        engagement gives none.
        """
        return fieldwork_dates(self.answers[self.answers["pmo"].isin([a.pmo for a in self.pmos])]
                               if "pmo" in self.answers else self.answers)


def fieldwork_dates(answers: pd.DataFrame) -> list[str] | None:
    """``[first, last]`` ``assessed_on`` date of ``answers`` as ISO dates, or ``None`` without any date.

    >>> fieldwork_dates(pd.DataFrame({"assessed_on": ["2026-04-17", None, "2026-03-02"]}))
    ['2026-03-02', '2026-04-17']
    """
    if "assessed_on" not in answers:
        return None
    dates = read_dates(answers["assessed_on"])[0].dropna()
    if dates.empty:
        return None
    return [dates.min().date().isoformat(), dates.max().date().isoformat()]


def positioning_input(responses: str | Path, organisation: str, pmo: str | None = None, *,
                      instrument: str | Path = "pmo-core", min_group_size: int | None = None,
                      engagement: str | Path | None = None,
                      targets: str | Path | None = None, targets_source: str = "option",
                      wave: str | None = None) -> PositioningInput:
    """Read, check and assess what one organisation's positioning report needs.

    Parameters
    ----------
    responses
        The responses file holding the organisation's answers (others may be in it too).
    organisation, pmo
        Whom the report is about; ``pmo`` ``None`` covers every PMO of the organisation.
    instrument
        A built-in instrument id or the path of an instrument file.
    min_group_size
        Role groups smaller than this are suppressed; ``None`` for the package default. When the engagement
        entry of a PMO reported on says its answers were collected anonymously, at least
        :data:`~pmo_workbench.assessment.positioning.ANONYMOUS_MIN_GROUP_SIZE`.
    engagement
        The engagement file (targets, context, evidence); by default ``engagement.yaml`` beside
        ``responses`` when there is one.
    targets
        A file in the engagement format whose targets win over the engagement file's (the
        ``--targets`` option, a manifest's ``targets`` column, a stored assessment's target).
    targets_source
        Where ``targets`` comes from: ``option``, ``manifest`` or ``store`` (the report says so).
    wave
        The wave reported on when the responses hold several (a ``wave`` column); ``None``: each PMO's
        latest (:func:`~pmo_workbench.assessment.waves.choose_wave`).

    Raises
    ------
    InputValidationError
        When a file is invalid, or the organisation (or PMO) has no answers in ``responses``, or an
        engagement or targets file names a PMO of the organisation that has no answers.
    """
    size = DEFAULT_MIN_GROUP_SIZE if min_group_size is None else int(min_group_size)
    ins = load_instrument(instrument)
    everyone = read_responses(responses, ins)
    found = subject_problem(everyone, organisation, pmo)
    if found is not None:
        raise InputValidationError([Problem(str(responses), None, found[0], found[1])])
    everyone = choose_wave(everyone, wave, organisation=organisation, pmo=pmo, where=str(responses))[0]
    answers = everyone[everyone["organisation"] == organisation].reset_index(drop=True)
    entries, engagement_file, chosen = engagement_inputs(responses, everyone, ins, engagement=engagement,
                                                         targets=targets, targets_source=targets_source)
    anonymous = entries is not None and any(e.anonymity == "anonymous" for e in entries.pmos
                                            if e.organisation == organisation and (pmo is None or e.pmo == pmo))
    if anonymous:
        size = max(size, ANONYMOUS_MIN_GROUP_SIZE)  # answers collected anonymously: never a group under 5
    results = assess(answers, ins, min_group_size=size, engagement=entries, targets=chosen)
    pmos = (results.get(organisation, pmo),) if pmo else tuple(results.assessments)
    if anonymous:
        _refuse_too_few(responses, pmos)
    return PositioningInput(
        organisation=organisation, instrument=ins, answers=answers, results=results, pmos=pmos,
        library=library_for(ins), min_group_size=size, engagement=entries, engagement_file=engagement_file,
        role_labels={r.id: r.label for r in ins.roles},
        dimension_labels={d.id: d.label for d in ins.dimensions},
        type_labels={AD_HOC: ins.type_label(AD_HOC), **{t.id: t.label for t in ins.types}},
        pmo_role_labels={role: _(label) for role, label in PMO_ROLE_LABELS.items()},
    )


def _refuse_too_few(responses, pmos: tuple[PmoAssessment, ...]) -> None:
    """Raise :class:`InputValidationError` when a PMO of an anonymous assessment has fewer respondents than the
    anonymous minimum group size: its scores would be a small group's answers, which the promise rules out."""
    _too_few(responses, {(a.organisation, a.pmo): a.respondents for a in pmos})


def refuse_few_anonymous(responses, answers: pd.DataFrame, organisation: str, pmo: str | None,
                         entries: Engagement | None) -> None:
    """Before a positioning report runs: raise :class:`InputValidationError` when the answers of an anonymous
    PMO (its engagement entry says ``anonymity: anonymous``) of ``organisation`` (``pmo``: that one only) come
    from fewer than :data:`~pmo_workbench.assessment.positioning.ANONYMOUS_MIN_GROUP_SIZE` respondents."""
    if entries is None or not any(e.anonymity == "anonymous" for e in entries.pmos if e.organisation == organisation
                                  and (pmo is None or e.pmo == pmo)):
        return
    mine = answers[(answers["organisation"] == organisation) & ((answers["pmo"] == pmo) if pmo else True)]
    counts = mine.groupby("pmo", sort=False)["respondent"].nunique()
    _too_few(responses, {(organisation, str(name)): int(n) for name, n in counts.items()})


def _too_few(responses, respondents: dict[tuple[str, str], int]) -> None:
    least = ANONYMOUS_MIN_GROUP_SIZE
    few = [(org, pmo, n) for (org, pmo), n in respondents.items() if n < least]
    if few:
        raise InputValidationError([Problem(str(responses), None, None, (
            f"{org} / {pmo}: {n} {'respondent' if n == 1 else 'respondents'} answered anonymously, fewer than the "
            f"minimum of {least}; no report is rendered until at least {least} have answered (with fewer, the "
            "scores would give individual answers away)")) for org, pmo, n in few])


def small_groups(a: PmoAssessment, min_group_size: int) -> set[str]:
    """The roles of a PMO whose respondents are too few to show on their own (at least one, fewer than the minimum)."""
    return {str(role) for role, n in a.respondents_by_role.items() if 0 < n < min_group_size}


def shown_roles(instrument: Instrument, hidden: set[str]) -> dict[str, str]:
    """Role id -> how a table of individual rows names it: its label, or :data:`SMALL_GROUP` when hidden."""
    return {r.id: (_(SMALL_GROUP) if r.id in hidden else r.label) for r in instrument.roles}


def visible_item_scores(data: PositioningInput, a: PmoAssessment) -> pd.DataFrame:
    """The item heat map of a PMO with nothing shown that gives away a small group's answers.

    :func:`~pmo_workbench.assessment.insights.item_scores_by_role` less the
    rows of roles in :func:`small_groups`; then, item by item, a cell with
    fewer answers than the minimum group size is blanked (``score`` NaN), and
    the pooled cell (named :data:`ALL_RESPONDENTS`) is blanked when the
    answers it holds beyond the shown role cells come from fewer people than
    the minimum (pooled minus shown roles would give them).

    Column ``status`` says what each cell shows: ``"shown"``, ``"suppressed"`` (blanked by the rules above),
    ``"not asked"`` (the instrument does not put the item to that role) or ``"no answer"`` (asked, nobody
    answered), so that the chart tells a hidden cell from one with nothing to hide.
    """
    size = data.min_group_size
    items = item_scores_by_role(data.answers, data.instrument, data.organisation, a.pmo)
    items = items[~items["role"].isin(small_groups(a, size))].copy()
    roles = items["role"] != ALL_ROLES
    asked = data.instrument.asked
    not_asked = roles & ~pd.Series([bool(asked.at[r, i]) if r in asked.index and i in asked.columns else True
                                    for r, i in zip(items["role"], items["item"])], index=items.index)
    answered = items["n"] > 0
    suppressed = roles & answered & (items["n"] < size)
    items.loc[suppressed, "score"] = float("nan")
    shown = items[roles & items["score"].notna()].groupby("item", sort=False, observed=True)["n"].sum()
    pooled = items[~roles].set_index("item")["n"]
    rest = pooled - shown.reindex(pooled.index, fill_value=0)
    hide = rest[(pooled < size) | ((rest > 0) & (rest < size))].index
    pooled_hidden = ~roles & items["item"].isin(hide) & answered
    items.loc[~roles & items["item"].isin(hide), "score"] = float("nan")
    status = pd.Series("no answer", index=items.index, dtype=object)
    status[items["score"].notna()] = "shown"
    status[suppressed | pooled_hidden] = "suppressed"
    status[not_asked] = "not asked"
    labels = {**data.role_labels, ALL_ROLES: _(ALL_RESPONDENTS)}
    return items.assign(role=items["role"].map(lambda r: labels.get(r, r)), status=status)


PMOS_PER_TABLE = 3
"""Most PMOs set side by side in one table: more would make it wider than a printed page."""


def in_blocks(tables: Mapping[str, pd.DataFrame], size: int = PMOS_PER_TABLE) -> list[dict[str, pd.DataFrame]]:
    """``tables`` (PMO -> table) in blocks of at most ``size`` PMOs, in order, for :func:`side_by_side`.

    >>> [list(b) for b in in_blocks(dict.fromkeys("ABCDE"), 2)]
    [['A', 'B'], ['C', 'D'], ['E']]
    """
    if size < 1:
        raise ValueError(f"in_blocks: size must be at least 1, got {size}")
    items = list(tables.items())
    return [dict(items[i:i + size]) for i in range(0, len(items), size)]


def side_by_side(tables: Mapping[str, pd.DataFrame], *, key: str, shared: Mapping[str, str],
                 per_pmo: Mapping[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Several PMOs' tables of the same rows as one table, and the headings of its columns.

    One row per ``key`` (in the first table's order, then any others), the ``shared`` columns once (taken from
    the first table holding the row), then for each PMO its ``per_pmo`` columns, named ``<column>_<n>`` (n = 0,
    1, ... in the order of ``tables``) and headed ``"<PMO> <heading>"``.

    >>> one = pd.DataFrame({"dimension": ["gov"], "label": ["Governance"], "score": [60.0],
    ...                     "percentile": [50.0], "peer_median": [55.0]})
    >>> table, heads = side_by_side({"A": one, "B": one.assign(score=[40.0], percentile=[25.0])},
    ...     key="dimension", shared={"label": "Dimension", "peer_median": "Benchmark median"},
    ...     per_pmo={"score": "score", "percentile": "percentile"})
    >>> [str(v) for v in table.iloc[0]], heads["percentile_1"]
    (['gov', 'Governance', '55.0', '60.0', '50.0', '40.0', '25.0'], 'B percentile')
    """
    if not tables:
        raise ValueError("side_by_side needs at least one PMO's table")
    table = (pd.concat([f[[key, *shared]] for f in tables.values()]).drop_duplicates(key)
             .reset_index(drop=True))
    heads = dict(shared)
    for n, (pmo, frame) in enumerate(tables.items()):
        picked = frame.drop_duplicates(key).set_index(key)
        for column, heading in per_pmo.items():
            table[f"{column}_{n}"] = table[key].map(picked[column])
            heads[f"{column}_{n}"] = f"{pmo} {heading}"
    return table, heads
