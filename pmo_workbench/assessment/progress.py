"""Progress between two waves of one PMO: what changed, whether the change is real, and what was done.

A PMO is assessed again (a later *wave*, with other respondents or the same people answering anew). For each
dimension the change is the difference of the two waves' mean scores, with the 95 % confidence interval of that
difference by Welch's method (:func:`welch_difference`: the waves' variances are not assumed equal, the degrees
of freedom are Welch-Satterthwaite's). A change is *meaningful* when the interval excludes 0 **and** it is at
least the minimum meaningful change (:data:`DEFAULT_MIN_CHANGE` points): a change the data cannot tell from
chance, or one too small to matter, is "no clear change" (:func:`change_verdict`).

:func:`compare` sets two :class:`~pmo_workbench.assessment.results.PmoAssessment` side by side;
:func:`compare_waves` scores two tidy frames first. Both return a frozen :class:`Progress`: the dimensions, the
overall score (over each respondent's own overall score), the type and each gate of the ladder in both waves,
the target's gates, the earlier roadmap's initiatives against the steps marked ``done`` in the engagement file,
and whether the two groups of respondents are comparable (their role mix, with a chi-square test of
homogeneity, :func:`role_mix`). Two waves on different versions of one instrument are compared on the
dimensions whose ``maps_from`` names their counterpart (:func:`dimension_map`); the others are listed with why.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._values import is_missing as _missing
from .._values import rounded as _num
from ..i18n import N_, _, format_number, ngettext
from .engagement import Engagement
from .instrument import Instrument
from .results import PmoAssessment, assess

DEFAULT_MIN_CHANGE = 5.0
"""The smallest change of a score (points, 0-100) called meaningful, unless the engagement chooses another."""
CONFIDENCE = 0.95
"""The confidence level of the interval of a change."""
MIX_CUTOFF = 0.05
"""Below this p-value the chi-square test says the two waves' role mixes differ."""
MIN_EXPECTED = 5.0
"""Under this smallest expected count the chi-square approximation is not trusted: the p-value is then exact."""
SHARE_SHIFT = 0.15
"""A role whose share of the respondents moves by this much (15 points) or more is named, whatever the test."""
VERDICTS = {"improved": N_("improved"), "declined": N_("declined"), "no_clear_change": N_("no clear change"),
            "too_few": N_("too few answers")}
"""Verdict id -> the words a report uses (in English: translate with ``_()`` where shown)."""
MOVES = {"now_passes": N_("now passes"), "no_longer_passes": N_("no longer passes"),
         "still_passes": N_("still passes"), "still_fails": N_("still fails"), "not_compared": N_("not compared")}
"""Gate movement id -> the words a report uses (in English: translate with ``_()`` where shown)."""
DIMENSION_COLUMNS = ["dimension", "label", "earlier_dimension", "weight", "score_before", "score_after",
                     "n_before", "n_after", "change", "ci_low", "ci_high", "df", "meaningful", "verdict"]


@dataclass(frozen=True)
class Difference:
    """The change of a mean between two groups and the confidence interval of that change (Welch).

    ``ci_low``, ``ci_high`` and ``df`` are NaN when a group has fewer than 2 values; ``change`` is NaN when a
    group has none.
    """

    change: float
    ci_low: float
    ci_high: float
    df: float
    n_before: int
    n_after: int
    mean_before: float
    mean_after: float


def welch_difference(before: Sequence[float] | np.ndarray, after: Sequence[float] | np.ndarray, *,
                     confidence: float = CONFIDENCE) -> Difference:
    """The difference ``mean(after) - mean(before)`` with its confidence interval by Welch's t method.

    ``se = sqrt(s_a^2 / n_a + s_b^2 / n_b)`` (sample variances, n - 1), ``df = se^4 / ((s_a^2/n_a)^2 / (n_a - 1)
    + (s_b^2/n_b)^2 / (n_b - 1))`` and the interval is ``change -/+ t(1 - (1 - confidence)/2, df) * se``
    (``scipy.stats.ttest_ind(..., equal_var=False)``). Missing values are left out. When neither group varies
    the interval is the change itself.

    >>> d = welch_difference([50, 60], [70, 80])  # se = sqrt(50/2 + 50/2) = 7.0711, df = 2
    >>> round(d.change, 1), round(d.ci_low, 2), round(d.ci_high, 2), round(d.df, 1)
    (20.0, -10.42, 50.42, 2.0)
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    b, a = b[~np.isnan(b)], a[~np.isnan(a)]
    mean_b = float(b.mean()) if len(b) else np.nan
    mean_a = float(a.mean()) if len(a) else np.nan
    change = mean_a - mean_b
    low = high = df = np.nan
    if len(a) >= 2 and len(b) >= 2:
        if a.var(ddof=1) + b.var(ddof=1) == 0:
            low = high = change
        else:
            with warnings.catch_warnings():  # one group without spread is fine: the other's gives the CI
                warnings.simplefilter("ignore", RuntimeWarning)
                result = stats.ttest_ind(a, b, equal_var=False)
            interval = result.confidence_interval(confidence)
            low, high, df = float(interval.low), float(interval.high), float(result.df)
    return Difference(float(change), float(low), float(high), float(df), len(b), len(a), mean_b, mean_a)


def is_meaningful(change: float, ci_low: float, ci_high: float, min_change: float = DEFAULT_MIN_CHANGE) -> bool:
    """The interval excludes 0 and the change is at least ``min_change`` points either way.

    >>> is_meaningful(8, 2, 14), is_meaningful(3, 1, 5), is_meaningful(8, -2, 18), is_meaningful(3, -1, 7)
    (True, False, False, False)
    """
    if any(_missing(v) for v in (change, ci_low, ci_high)):
        return False
    return bool((ci_low > 0 or ci_high < 0) and abs(change) >= min_change)


def change_verdict(change: float, ci_low: float, ci_high: float, min_change: float = DEFAULT_MIN_CHANGE) -> str:
    """``improved`` or ``declined`` when the change is meaningful (:func:`is_meaningful`), ``too_few`` without
    an interval (a wave with fewer than 2 scored respondents), else ``no_clear_change``."""
    if _missing(change) or _missing(ci_low) or _missing(ci_high):
        return "too_few"
    if is_meaningful(change, ci_low, ci_high, min_change):
        return "improved" if change > 0 else "declined"
    return "no_clear_change"


def dimension_map(instrument: Instrument, earlier: Instrument) -> tuple[dict[str, str], pd.DataFrame]:
    """Which dimension of ``earlier`` each dimension of ``instrument`` is compared with, and those left out.

    The same instrument id and version: every dimension with itself. Another version: the dimensions whose
    ``maps_from`` names one of the earlier version (or, the other way round, the earlier dimensions naming one
    of this version). Returns later id -> earlier id, and the dimensions not compared (``version``,
    ``dimension``, ``label``, ``reason``).

    Raises
    ------
    ValueError
        When the two instruments are not versions of one instrument.
    """
    if instrument.id != earlier.id:
        raise ValueError(f"the waves use different instruments ({earlier.id} and {instrument.id}); only versions of "
                         "one instrument can be compared")
    if instrument.version == earlier.version:
        return {d.id: d.id for d in instrument.dimensions}, _left_out([])
    known = {d.id for d in earlier.dimensions}
    pairs: dict[str, str] = {}
    for d in instrument.dimensions:
        target = d.maps_from.get(earlier.version)
        if target in known:
            pairs[d.id] = target
    for d in earlier.dimensions:  # a mapping declared in the earlier file, pointing forward
        target = d.maps_from.get(instrument.version)
        if target is not None and target not in pairs and d.id not in pairs.values():
            pairs[target] = d.id
    pairs = {k: pairs[k] for k in [d.id for d in instrument.dimensions] if k in pairs}
    rows = []
    for d in instrument.dimensions:
        if d.id not in pairs:
            given = d.maps_from.get(earlier.version)
            rows.append((instrument.version, d.id, d.label, (
                _("its counterpart '{given}' is not a dimension of {instrument} {version}").format(
                    given=given, instrument=earlier.id, version=earlier.version) if given else
                _("redefined in {later}: {earlier}'s dimension of that name measures something else").format(
                    later=instrument.version, earlier=earlier.version) if d.id in known else
                _("new in {later}: no dimension of {earlier} measures the same thing").format(
                    later=instrument.version, earlier=earlier.version))))
    later_ids = {d.id for d in instrument.dimensions}
    for d in earlier.dimensions:
        if d.id not in pairs.values():
            rows.append((earlier.version, d.id, d.label,
                         _("redefined in {later}: no dimension of {later} measures the same thing").format(
                             later=instrument.version) if d.id in later_ids else
                         _("no dimension of {later} measures the same thing").format(later=instrument.version)))
    return pairs, _left_out(rows)


def _left_out(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["version", "dimension", "label", "reason"])


@dataclass(frozen=True)
class RoleMix:
    """The respondents of each wave by role, and whether the two mixes differ (chi-square test of homogeneity).

    ``table`` has one row per role: ``role``, ``label``, ``n_before``, ``share_before``, ``n_after``,
    ``share_after``. ``p_value`` is NaN when there is nothing to test (fewer than two roles answered in all).
    ``warnings`` are plain sentences: the mixes differ, a role answered in one wave only.
    """

    table: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    cutoff: float
    warnings: tuple[str, ...]
    exact: bool = False
    """The p-value is exact (some expected count under :data:`MIN_EXPECTED`), not the chi-square approximation."""

    @property
    def differs(self) -> bool:
        return not _missing(self.p_value) and self.p_value < self.cutoff

    @property
    def comparable(self) -> bool:
        """No warning: the same roles answered in both waves in mixes the test cannot tell apart."""
        return not self.warnings


def role_mix(before: Mapping[str, int], after: Mapping[str, int], labels: Mapping[str, str] | None = None, *,
             cutoff: float = MIX_CUTOFF) -> RoleMix:
    """Compare the respondents' role mix of two waves (role id -> respondents).

    The test (the chi-square statistic of the 2 x roles table of counts, roles nobody answered in either wave
    left out) asks whether two groups drawn from one mix would differ this much: a p-value below ``cutoff``
    says the mixes differ, so a change may come from who answered rather than from the PMO. When an expected
    count is under :data:`MIN_EXPECTED` (few respondents) the chi-square distribution is no guide, and the
    p-value is exact: the probability, with the role totals and wave sizes fixed, of a table whose statistic is
    at least the one observed (:func:`_exact_p`). A role whose share moves by :data:`SHARE_SHIFT` or more is
    named in a warning either way, with the direction of the move.
    """
    labels = labels or {}
    roles = list(dict.fromkeys([*before, *after]))
    n_b = np.array([int(before.get(r, 0)) for r in roles])
    n_a = np.array([int(after.get(r, 0)) for r in roles])
    table = pd.DataFrame({"role": roles, "label": [labels.get(r, r) for r in roles], "n_before": n_b,
                          "share_before": n_b / n_b.sum() if n_b.sum() else np.nan, "n_after": n_a,
                          "share_after": n_a / n_a.sum() if n_a.sum() else np.nan})
    used = (n_b + n_a) > 0
    chi2, p, dof, exact = np.nan, np.nan, 0, False
    if used.sum() >= 2 and n_b.sum() and n_a.sum():
        result = stats.chi2_contingency(np.vstack([n_b[used], n_a[used]]), correction=False)
        chi2, p, dof = float(result.statistic), float(result.pvalue), int(result.dof)
        if result.expected_freq.min() < MIN_EXPECTED:
            exact_p = _exact_p(n_b[used], n_a[used], chi2)
            if exact_p is not None:
                p, exact = exact_p, True
    notes = []
    if not _missing(p) and p < cutoff:
        notes.append((_("The role mix differs between the waves (exact test p = {p}, under {cutoff}): part of a "
                       "change may come from who answered rather than from the PMO.") if exact else
                     _("The role mix differs between the waves (chi-square p = {p}, under {cutoff}): part of a "
                       "change may come from who answered rather than from the PMO.")).format(
                         p=format_number(round(p, 3)), cutoff=format_number(cutoff)))
    if n_b.sum() and n_a.sum():
        for role, b, a in zip(roles, n_b / n_b.sum(), n_a / n_a.sum()):
            if b > 0 and a > 0 and abs(a - b) >= SHARE_SHIFT - 1e-9:
                notes.append((_("{role} made up a larger share of the earlier wave's respondents than of the "
                               "later one's ({points} points or more apart): part of a change may come from who "
                               "answered.") if b > a else
                              _("{role} made up a smaller share of the earlier wave's respondents than of the "
                                "later one's ({points} points or more apart): part of a change may come from who "
                                "answered.")).format(role=labels.get(role, role),
                                                     points=format_number(SHARE_SHIFT * 100)))
    for role, b, a in zip(roles, n_b, n_a):
        if (b == 0) != (a == 0):
            notes.append((_("No {role} answered in the earlier wave: that view is missing from one "
                            "side of every comparison.") if a else
                          _("No {role} answered in the later wave: that view is missing from one "
                            "side of every comparison.")).format(role=labels.get(role, role)))
    return RoleMix(table[table["n_before"].add(table["n_after"]).gt(0)].reset_index(drop=True), float(chi2), dof,
                   float(p), cutoff, tuple(notes), exact)


def _exact_p(before: np.ndarray, after: np.ndarray, observed: float, *, limit: int = 200_000) -> float | None:
    """The exact p-value of the chi-square statistic of a 2 x k table, its margins fixed: the summed probability
    (multivariate hypergeometric) of every table whose statistic is at least ``observed``; ``None`` when there
    are more than ``limit`` tables to enumerate (many respondents: the approximation then holds)."""
    from itertools import product
    from math import comb

    totals = before + after
    n_b, n = int(before.sum()), int(totals.sum())
    if np.prod(totals.astype(float) + 1) > limit:
        return None
    expected_b = totals * n_b / n
    expected_a = totals * (n - n_b) / n
    whole, p = comb(n, n_b), 0.0
    for row in product(*(range(int(t) + 1) for t in totals)):
        if sum(row) != n_b:
            continue
        x = np.array(row, dtype=float)
        y = totals - x
        stat = float(((x - expected_b) ** 2 / expected_b).sum() + ((y - expected_a) ** 2 / expected_a).sum())
        if stat >= observed - 1e-9:
            p += float(np.prod([comb(int(t), int(k)) for t, k in zip(totals, row)])) / whole
    return min(p, 1.0)


@dataclass(frozen=True)
class Progress:
    """Two waves of one PMO compared (see the module docstring).

    Attributes
    ----------
    dimensions
        One row per dimension compared, in the later instrument's order: :data:`DIMENSION_COLUMNS`
        (``verdict`` one of :data:`VERDICTS`).
    overall
        The overall score compared: ``score_before``, ``score_after`` (means of the respondents' own overall
        scores over the dimensions compared that have answers in both waves), ``change``, ``ci_low``,
        ``ci_high``, ``df``, ``n_before``,
        ``n_after``, ``meaningful``, ``verdict``.
    gates
        Every gate of the later instrument's ladder: ``type``, ``dimension``, ``gate``, ``score_before``,
        ``state_before``, ``passes_before``, ``score_after``, ``state_after``, ``passes_after``, ``move`` (one
        of :data:`MOVES`).
    target
        ``id``, ``passed_before``, ``passed_after``, ``met_before``, ``met_after``, ``gates`` (the target's
        gates in the later wave), ``reached_before``, ``reached_after``; empty without a target.
    roadmap
        The earlier wave's initiatives: ``id``, ``title``, ``dimension``, ``label``, ``phase_label``, ``steps``,
        ``steps_done``, ``status`` (``done``, ``partly``, ``not done``; ``unknown`` for every initiative when no
        step is marked done: no record was given), ``change``, ``verdict``.
    done_elsewhere
        Step ids marked done that the earlier roadmap did not hold.
    roles
        The role mix of the two waves (:class:`RoleMix`).
    not_compared
        The dimensions left out when the versions differ: ``version``, ``dimension``, ``label``, ``reason``.
    """

    organisation: str
    pmo: str
    waves: tuple[str | None, str | None]
    instruments: tuple[str, str]
    min_change: float
    confidence: float
    before: PmoAssessment
    after: PmoAssessment
    dimensions: pd.DataFrame
    overall: Mapping[str, Any]
    gates: pd.DataFrame
    target: Mapping[str, Any]
    roadmap: pd.DataFrame
    roles: RoleMix
    not_compared: pd.DataFrame = field(default_factory=lambda: _left_out([]))
    done_elsewhere: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Caveats the executive summary states (e.g. a done list that cannot be tied to the waves compared)."""

    @property
    def type_before(self) -> str:
        return self.before.type.type

    @property
    def type_after(self) -> str:
        return self.after.type.type

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: numbers rounded to 2 decimals, missing values as ``None``."""
        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: (_num(v) if isinstance(v, (float, np.floating)) else
                         int(v) if isinstance(v, (np.integer,)) else bool(v) if isinstance(v, np.bool_) else v)
                     for k, v in r.items()} for r in frame.to_dict("records")]

        return {"organisation": self.organisation, "pmo": self.pmo, "waves": list(self.waves),
                "instruments": list(self.instruments), "min_change": self.min_change, "confidence": self.confidence,
                "type": {"before": self.type_before, "after": self.type_after},
                "dimensions": rows(self.dimensions), "overall": {**rows(pd.DataFrame([self.overall]))[0],
                                                                  "verdict_text": _(VERDICTS[self.overall["verdict"]])},
                "gates": rows(self.gates), "target": dict(self.target), "roadmap": rows(self.roadmap),
                "done_elsewhere": list(self.done_elsewhere), "notes": list(self.notes),
                "roles": {"table": rows(self.roles.table), "chi2": _num(self.roles.chi2, 4), "dof": self.roles.dof,
                          "p_value": _num(self.roles.p_value, 4), "cutoff": self.roles.cutoff,
                          "warnings": list(self.roles.warnings)},
                "not_compared": rows(self.not_compared)}


def compare(before: PmoAssessment, after: PmoAssessment, instrument: Instrument, *,
            earlier_instrument: Instrument | None = None, min_change: float = DEFAULT_MIN_CHANGE,
            confidence: float = CONFIDENCE, done: Sequence[str] | None = None,
            waves: tuple[str | None, str | None] = (None, None), min_group_size: int = 1) -> Progress:
    """Compare two assessments of one PMO, ``before`` (the earlier wave) and ``after``.

    Parameters
    ----------
    instrument, earlier_instrument
        The instruments of the later and the earlier wave (the same one when ``earlier_instrument`` is ``None``).
    min_change
        The smallest change called meaningful, in points.
    done
        The step ids completed since the earlier wave; by default the ``done`` list of the later wave's
        engagement entry.
    waves
        The waves' labels, for the report.
    min_group_size
        A dimension answered by fewer respondents than this in a wave (but some) shows no score, change or gate
        in either wave (``too_few``; out of the overall score): its score would be those few people's answers.

    Raises
    ------
    ValueError
        When ``min_change`` is negative or the instruments are not versions of one instrument.
    """
    if min_change < 0 or not np.isfinite(min_change):
        raise ValueError(f"the minimum meaningful change must be 0 points or more, got {min_change!r}")
    earlier = earlier_instrument or instrument
    pairs, left_out = dimension_map(instrument, earlier)
    if done is None:
        done = () if after.engagement is None else after.engagement.done
    labels = {d.id: d.label for d in instrument.dimensions}
    weights = {d.id: d.weight for d in instrument.dimensions}
    rows, hidden = [], set()
    for dim, old in pairs.items():
        diff = welch_difference(_scores(before, old), _scores(after, dim), confidence=confidence)
        if 0 < diff.n_before < min_group_size or 0 < diff.n_after < min_group_size:
            hidden.add(dim)
            diff = Difference(np.nan, np.nan, np.nan, np.nan, diff.n_before, diff.n_after, np.nan, np.nan)
        rows.append({"dimension": dim, "label": labels[dim], "earlier_dimension": old, "weight": weights[dim],
                     "score_before": diff.mean_before, "score_after": diff.mean_after, "n_before": diff.n_before,
                     "n_after": diff.n_after, "change": diff.change, "ci_low": diff.ci_low, "ci_high": diff.ci_high,
                     "df": diff.df, "meaningful": is_meaningful(diff.change, diff.ci_low, diff.ci_high, min_change),
                     "verdict": change_verdict(diff.change, diff.ci_low, diff.ci_high, min_change)})
    dims = pd.DataFrame(rows, columns=DIMENSION_COLUMNS)
    # the overall score only over the dimensions scored in both waves: one without answers on one side would
    # otherwise still weigh in the other side's overall score, and move the change by its level alone
    both = set(dims.loc[dims["score_before"].notna() & dims["score_after"].notna(), "dimension"])
    overall = welch_difference(_overall(before, {old: weights[d] for d, old in pairs.items() if d in both}),
                               _overall(after, {d: weights[d] for d in pairs if d in both}), confidence=confidence)
    overall_row = {"score_before": overall.mean_before, "score_after": overall.mean_after,
                   "change": overall.change, "ci_low": overall.ci_low, "ci_high": overall.ci_high, "df": overall.df,
                   "n_before": overall.n_before, "n_after": overall.n_after,
                   "meaningful": is_meaningful(overall.change, overall.ci_low, overall.ci_high, min_change),
                   "verdict": change_verdict(overall.change, overall.ci_low, overall.ci_high, min_change)}
    plan, elsewhere = _follow_through(before, dims, pairs, done)
    roles = role_mix(before.respondents_by_role.to_dict(), after.respondents_by_role.to_dict(),
                     {r.id: r.label for r in (*earlier.roles, *instrument.roles)})
    notes = () if earlier.version == instrument.version else (_items_note(instrument, earlier, pairs),)
    again = [i.title for i in after.roadmap.initiatives if any(s["id"] in set(done) for s in i.steps)]
    if again:  # the later roadmap is built from the later scores, which do not know what was done
        notes += (ngettext(
            "The {later} roadmap recommends again an initiative with steps marked done here ({titles}): the "
            "{later} answers still call for it, so check why the work done has not yet shown in the scores "
            "before starting it anew.",
            "The {later} roadmap recommends again initiatives with steps marked done here ({titles}): the "
            "{later} answers still call for them, so check why the work done has not yet shown in the scores "
            "before starting it anew.", len(again)).format(later=waves[1] or _("later wave"),
                                                          titles="; ".join(again)),)
    return Progress(
        organisation=after.organisation, pmo=after.pmo, waves=waves, notes=notes,
        instruments=(f"{earlier.id} {earlier.version}", f"{instrument.id} {instrument.version}"),
        min_change=float(min_change), confidence=confidence, before=before, after=after, dimensions=dims,
        overall=overall_row, gates=_gates(before, after, pairs, hidden), target=_target(before, after), roadmap=plan,
        roles=roles, not_compared=left_out, done_elsewhere=elsewhere)


def compare_waves(earlier: pd.DataFrame, later: pd.DataFrame, instrument: Instrument, organisation: str, pmo: str,
                  *, earlier_instrument: Instrument | None = None, engagement: Engagement | None = None,
                  earlier_engagement: Engagement | None = None, min_change: float = DEFAULT_MIN_CHANGE,
                  waves: tuple[str | None, str | None] = (None, None), min_group_size: int | None = None,
                  **options: Any) -> Progress:
    """Score two waves' tidy responses (one wave each) and :func:`compare` one PMO's.

    ``engagement`` gives the target, evidence and ``done`` list of the later wave; the earlier wave's roadmap
    is built from ``earlier_engagement`` (by default the same file, when both waves use one instrument).
    ``options`` are passed to :func:`~pmo_workbench.assessment.results.assess` (``targets``, ``framework``...).
    """
    earlier_instrument = earlier_instrument or instrument
    same = earlier_instrument.version == instrument.version
    if earlier_engagement is None and same:
        earlier_engagement = engagement
    extra = {} if min_group_size is None else {"min_group_size": min_group_size}
    before = assess(earlier, earlier_instrument, engagement=earlier_engagement, **extra, **options).get(
        organisation, pmo)
    after = assess(later, instrument, engagement=engagement, **extra, **options).get(organisation, pmo)
    return compare(before, after, instrument, earlier_instrument=earlier_instrument, min_change=min_change,
                   waves=waves, min_group_size=1 if min_group_size is None else min_group_size)


def _items_note(instrument: Instrument, earlier: Instrument, pairs: Mapping[str, str]) -> str:
    """How many of each compared dimension's items the later version kept word for word: a change across
    versions is partly the instrument's own."""
    old = {d.id: {i.text.strip() for i in d.items} for d in earlier.dimensions}
    parts = [_("{dimension} {kept} of {items}").format(
        dimension=d.label, kept=sum(i.text.strip() in old[pairs[d.id]] for i in d.items), items=len(d.items))
        for d in instrument.dimensions if d.id in pairs]
    return _("The waves used {instrument} {earlier} and {later}, whose items differ: items kept word for word in the "
             "dimensions compared: {parts}. A change on them is partly the instrument's change, not only the "
             "PMO's.").format(instrument=earlier.id, earlier=earlier.version, later=instrument.version,
                              parts=", ".join(parts))


def _scores(a: PmoAssessment, dimension: str) -> np.ndarray:
    rs = a.respondent_scores
    return rs.loc[rs["dimension"].astype(object).eq(dimension), "score"].to_numpy(float)


def _overall(a: PmoAssessment, weights: Mapping[str, float]) -> np.ndarray:
    """Each respondent's own overall score: the weighted mean of their scored dimensions among ``weights``."""
    rs = a.respondent_scores.astype({"dimension": object, "respondent": object})
    rs = rs[rs["dimension"].isin(list(weights)) & rs["score"].notna()]
    if rs.empty:
        return np.array([])
    w = rs["dimension"].map(weights).astype(float)
    totals = (rs["score"] * w).groupby(rs["respondent"], sort=False).sum()
    return (totals / w.groupby(rs["respondent"], sort=False).sum()).to_numpy(float)


def _gates(before: PmoAssessment, after: PmoAssessment, pairs: Mapping[str, str],
           hidden: set[str] = frozenset()) -> pd.DataFrame:
    """The later ladder's gates, each beside the same type's gate on the counterpart dimension in the earlier
    ladder (the earlier instrument's own gate value decided its state then); a gate on a ``hidden`` dimension
    (answered by too few in a wave) shows no score or state in either wave."""
    old = before.type.ladder.set_index(["type", "dimension"])
    rows = []
    for g in after.type.ladder.itertuples(index=False):
        if g.dimension in hidden:
            rows.append({"type": g.type, "dimension": g.dimension, "gate": g.gate, "score_before": np.nan,
                         "state_before": None, "passes_before": None, "score_after": np.nan, "state_after": None,
                         "passes_after": None, "move": "not_compared"})
            continue
        key = (g.type, pairs.get(g.dimension))
        then = old.loc[key] if key[1] is not None and key in old.index else None
        if then is None:
            move = "not_compared"
        else:
            move = {(False, True): "now_passes", (True, False): "no_longer_passes", (True, True): "still_passes",
                    (False, False): "still_fails"}[(bool(then["passes"]), bool(g.passes))]
        rows.append({"type": g.type, "dimension": g.dimension, "gate": g.gate,
                     "score_before": np.nan if then is None else float(then["score"]),
                     "state_before": None if then is None else then["state"],
                     "passes_before": None if then is None else bool(then["passes"]),
                     "score_after": g.score, "state_after": g.state, "passes_after": bool(g.passes), "move": move})
    return pd.DataFrame(rows, columns=["type", "dimension", "gate", "score_before", "state_before", "passes_before",
                                       "score_after", "state_after", "passes_after", "move"])


def _target(before: PmoAssessment, after: PmoAssessment) -> dict[str, Any]:
    """The later wave's target, how many of its gates passed (point score) and were met (whole CI) in each wave,
    each wave judged on its own ladder, and whether the PMO's type was at or above it (as the positioning report
    says "reached")."""
    target = after.type.target
    if target is None:
        return {}
    out: dict[str, Any] = {"id": target.id, "source": target.source}
    for side, a in (("before", before), ("after", after)):
        ladder = a.type.ladder[a.type.ladder["type"] == target.id]
        out[f"gates_{side}"] = len(ladder)
        out[f"passed_{side}"] = int(ladder["passes"].sum())
        out[f"met_{side}"] = int((ladder["state"] == "met").sum())
        ranks = {t: i for i, t in enumerate(dict.fromkeys(a.type.ladder["type"]))}
        out[f"reached_{side}"] = bool(target.id in ranks and ranks.get(a.type.type, -1) >= ranks[target.id])
    return out


def _follow_through(before: PmoAssessment, dims: pd.DataFrame, pairs: Mapping[str, str],
                    done: Sequence[str]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The earlier roadmap's initiatives: their steps marked done, and the change of the dimension each targeted.

    Without any step marked done there is no record of what was done: every status is ``unknown``, never
    ``not done``."""
    later_of = {old: new for new, old in pairs.items()}
    by_dim = dims.set_index("dimension") if len(dims) else None
    done_set = set(done)
    rows, planned = [], set()
    for i in before.roadmap.initiatives:
        steps = [s["id"] for s in i.steps]
        planned.update(steps)
        finished = [s for s in steps if s in done_set]
        status = ("unknown" if not done_set else "done" if steps and len(finished) == len(steps) else
                  "partly" if finished else "not done")
        dim = later_of.get(i.dimension)
        row = None if dim is None or by_dim is None or dim not in by_dim.index else by_dim.loc[dim]
        rows.append({"id": i.id, "title": i.title, "dimension": i.dimension, "label": i.dimension_label,
                     "phase_label": i.phase_label, "steps": tuple(steps), "steps_done": tuple(finished),
                     "status": status, "change": np.nan if row is None else float(row["change"]),
                     "verdict": "not_compared" if row is None else row["verdict"]})
    frame = pd.DataFrame(rows, columns=["id", "title", "dimension", "label", "phase_label", "steps", "steps_done",
                                        "status", "change", "verdict"])
    return frame, tuple(s for s in done if s not in planned)
