"""Comparing a PMO with a pool of anonymised past assessments, like for like.

A benchmark pool (kept by :mod:`pmo_workbench.store.pool`) holds one entry per
assessed PMO: its instrument, fieldwork year, context (sector, organisation
size, PMO level, region), type, target, overall and dimension scores, and how
many people answered; never a name, respondent, answer or comment. This
module holds the pure part: the columns of a pool as a table
(:data:`ENTRY_COLUMNS` and one ``score_<dimension>`` column per dimension),
the peer filter (:class:`PeerFilter`) and the comparison (:func:`compare`).

Definitions (the report states them):

- **Peers**: the entries of the same instrument id that match the filter,
  less every entry of the client's own organisation (when its key is known),
  and one entry per organisation: its latest fieldwork year, then the latest
  added.
- **Quartiles**: ``numpy.quantile`` with its default ``linear`` method
  (Hyndman and Fan's type 7): for ``n`` sorted peer scores the quantile ``p``
  sits at position ``(n - 1) * p``, interpolated between its neighbours.
- **Rank**: among the peers and the PMO together, 1 = highest; a PMO tied with
  peers shares their best rank (1 + the number of peers scoring strictly
  higher).
- **Quartile**: ``top`` when the score is at or above Q3; ``second`` at or
  above the median and below Q3; ``third`` at or above Q1 and below the
  median; ``bottom`` below Q1.
- Fewer than :data:`MIN_PEERS` peers: the comparison is suppressed and holds no
  number at all; a dimension scored by fewer than :data:`MIN_PEERS` peers shows
  none either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._values import read_dates
from ..errors import PmoWorkbenchError
from ..i18n import N_, _, ngettext, pgettext
from .positioning import ANONYMOUS_MIN_GROUP_SIZE

MIN_PEERS = 10
"""Fewest peers (organisations) a comparison shows numbers for."""
MIN_RESPONDENTS = ANONYMOUS_MIN_GROUP_SIZE
"""Fewest respondents an assessment needs to enter a pool: the anonymous minimum group size, so that no entry's
scores are one or two people's own answers."""
PMO_LEVELS = ("project", "department", "enterprise")
SIZES = ("micro", "small", "medium", "large")
"""Organisation headcount bands of the EU SME definition (Recommendation 2003/361/EC): micro under 10 people,
small under 50, medium under 250, large 250 and more."""
SIZE_LIMITS = ((10, "micro"), (50, "small"), (250, "medium"))
FILTER_KEYS = ("pmo_level", "sector", "size", "region", "year")
ENTRY_COLUMNS = ("entry_id", "org_key", "source_key", "instrument_id", "instrument_version", "year", "sector",
                 "size", "pmo_level", "region", "type", "target", "overall", "respondents", "added_on", "synthetic")
"""The columns of a pool table before its ``score_<dimension>`` columns."""
SCORE_PREFIX = "score_"
QUARTILES = ("top", "second", "third", "bottom")
COMPARISON_COLUMNS = ["dimension", "label", "score", "peers", "q1", "median", "q3", "rank", "out_of", "quartile"]
SIZE_WORDS = {"micro": N_("of micro organisations"), "small": N_("of small organisations"),
              "medium": N_("of medium organisations"), "large": N_("of large organisations")}
"""A size band as a peer description says it (marked for the catalogue)."""
_YEAR = re.compile(r"^(\d{4})(?:\s*-\s*(\d{4}))?$")


class PeerFilterError(PmoWorkbenchError, ValueError):
    """Raised when a peer filter names an unknown key or a value the key does not allow."""


def size_band(headcount: int | float) -> str:
    """The size band of an organisation of ``headcount`` people (EU SME definition).

    >>> [size_band(n) for n in (9, 10, 49, 50, 249, 250)]
    ['micro', 'small', 'small', 'medium', 'medium', 'large']
    """
    if headcount < 0:
        raise ValueError(f"a headcount cannot be negative, got {headcount}")
    return next((band for limit, band in SIZE_LIMITS if headcount < limit), "large")


def quartile_words(code: str) -> str:
    """A quartile (:data:`QUARTILES`) as a report shows it, in the current language (``"top"`` in English)."""
    return {"top": pgettext("quartile", "top"), "second": pgettext("quartile", "second"),
            "third": pgettext("quartile", "third"), "bottom": pgettext("quartile", "bottom")}.get(code, code)


def _level_peers(level: str | None, n: int) -> str:
    if level == "project":
        return ngettext("project-level PMO", "project-level PMOs", n)
    if level == "department":
        return ngettext("department-level PMO", "department-level PMOs", n)
    if level == "enterprise":
        return ngettext("enterprise-level PMO", "enterprise-level PMOs", n)
    if level in (None, "same"):
        return ngettext("PMO of any level", "PMOs of any level", n)
    return ngettext("{level}-level PMO", "{level}-level PMOs", n).format(level=level)


def score_columns(frame: pd.DataFrame) -> list[str]:
    """The dimension ids of a pool table, in column order."""
    return [c[len(SCORE_PREFIX):] for c in frame.columns if str(c).startswith(SCORE_PREFIX)]


@dataclass(frozen=True)
class PeerFilter:
    """Which pool entries count as peers: each given key must match (``None``: any value).

    ``pmo_level`` is ``"same"`` (the default) until :meth:`resolved` puts the PMO's own level in its place.
    ``year`` is an inclusive range ``(first, last)``. Text values match case-insensitively, spaces trimmed.
    """

    pmo_level: str | None = "same"
    sector: str | None = None
    size: str | None = None
    region: str | None = None
    year: tuple[int, int] | None = None

    @classmethod
    def parse(cls, text: str | None, *, sectors: tuple[str, ...] | None = None) -> PeerFilter:
        """A filter from ``"pmo_level=enterprise,sector=public sector"``.

        Keys: ``pmo_level`` (project, department, enterprise, or ``any``), ``sector`` (one of ``sectors`` when
        given, a unique beginning of one being enough), ``size`` (micro, small, medium, large), ``region`` (free
        text), ``year`` (``2025`` or ``2024-2026``). Unless ``pmo_level`` is given, the PMO's own level is kept
        (like for like); ``None`` or blank: only that; ``all``: every entry.

        Raises
        ------
        PeerFilterError
            For an unknown key, a key given twice, a part without ``=``, or a value the key does not allow (the
            message lists the allowed ones).
        """
        if text is None or not text.strip():
            return cls()
        if text.strip().lower() == "all":
            return cls(pmo_level=None)
        values: dict = {"pmo_level": "same"}  # like for like unless the filter names a level (or any)
        seen: set[str] = set()
        for part in text.split(","):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            key, value = key.strip().lower(), " ".join(value.split())
            if not sep or not key:
                raise PeerFilterError(f"peer filter '{text}': '{part.strip()}' is not KEY=VALUE; keys: "
                                      f"{', '.join(FILTER_KEYS)} (or 'all' for every entry)")
            if key not in FILTER_KEYS:
                raise PeerFilterError(f"peer filter '{text}': unknown key '{key}'; the keys are "
                                      f"{', '.join(FILTER_KEYS)}")
            if key in seen:
                raise PeerFilterError(f"peer filter '{text}': '{key}' is given twice")
            seen.add(key)
            if not value:
                raise PeerFilterError(f"peer filter '{text}': '{key}' has no value")
            values[key] = _value(key, value, sectors, text)
        return cls(**values)

    def resolved(self, pmo_level: str | None) -> PeerFilter:
        """This filter with ``pmo_level="same"`` replaced by ``pmo_level`` (``None``: any level)."""
        if self.pmo_level != "same":
            return self
        return PeerFilter(pmo_level=pmo_level, sector=self.sector, size=self.size, region=self.region,
                          year=self.year)

    def matches(self, frame: pd.DataFrame) -> pd.Series:
        """Which rows of a pool table pass the filter (a resolved one)."""
        keep = pd.Series(True, index=frame.index)
        for key in ("pmo_level", "sector", "size", "region"):
            wanted = getattr(self, key)
            if wanted is None or wanted == "same":
                continue
            keep &= frame[key].map(_folded) == _folded(wanted)
        if self.year is not None:
            years = pd.to_numeric(frame["year"], errors="coerce")
            keep &= years.between(*self.year)
        return keep

    def describe(self, count: int | None = None) -> str:
        """The peers in words, e.g. ``"enterprise-level PMOs in public sector (2025)"`` (``"PMO"`` for a
        ``count`` of 1)."""
        parts = [_level_peers(self.pmo_level, 2 if count is None else count)]
        if self.sector:
            parts.append(_("in {sector}").format(sector=self.sector))
        if self.size:
            size = SIZE_WORDS.get(self.size)
            parts.append(_(size) if size else _("of {size} organisations").format(size=self.size))
        if self.region:
            parts.append(_("in the region {region}").format(region=self.region))
        if self.year:
            first, last = self.year
            parts.append(_("assessed in {year}").format(year=first) if first == last else
                         _("assessed in {first}-{last}").format(first=first, last=last))
        return " ".join(parts)

    def text(self) -> str:
        """The filter as ``--peers`` takes it and parses back to the same filter (``all`` for none, blank for the
        default: the PMO's own level)."""
        parts = [f"{k}={getattr(self, k)}" for k in ("pmo_level", "sector", "size", "region") if getattr(self, k)
                 and not (k == "pmo_level" and self.pmo_level == "same")]  # the own level: the default, unnamed
        if self.year:
            first, last = self.year
            parts.append(f"year={first}" if first == last else f"year={first}-{last}")
        if self.pmo_level is None:
            return ",".join(["pmo_level=any", *parts]) if parts else "all"
        return ",".join(parts)


def _folded(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return " ".join(str(value).split()).casefold()


def _value(key: str, value: str, sectors: tuple[str, ...] | None, text: str):
    lowered = value.casefold()
    if key == "pmo_level":
        if lowered in ("any", "all"):
            return None
        return _choice(key, lowered, PMO_LEVELS, text)
    if key == "size":
        return _choice(key, lowered, SIZES, text)
    if key == "sector" and sectors:
        exact = [s for s in sectors if s.casefold() == lowered]
        starting = exact or [s for s in sectors if s.casefold().startswith(lowered)]
        if len(starting) == 1:
            return starting[0]
        if len(starting) > 1:
            raise PeerFilterError(f"peer filter '{text}': sector '{lowered}' could be any of: {', '.join(starting)}; "
                                  "give more of it")
        return _choice(key, lowered, sectors, text)
    if key == "year":
        found = _YEAR.match(value)
        if not found:
            raise PeerFilterError(f"peer filter '{text}': year '{value}' is not a year (2025) nor a range "
                                  "(2024-2026)")
        first = int(found.group(1))
        last = int(found.group(2) or first)
        if last < first:
            raise PeerFilterError(f"peer filter '{text}': the year range {value} ends before it starts")
        if first < 1900 or last > 2200:
            raise PeerFilterError(f"peer filter '{text}': year {value} is outside 1900-2200")
        return (first, last)
    return value


def _choice(key: str, lowered: str, allowed: tuple[str, ...], text: str) -> str:
    for choice in allowed:
        if choice.casefold() == lowered:
            return choice
    raise PeerFilterError(f"peer filter '{text}': {key} '{lowered}' is not one of: {', '.join(allowed)}")


@dataclass(frozen=True)
class BenchmarkComparison:
    """Where one PMO stands among its peers in a benchmark pool.

    Attributes
    ----------
    filter
        The filter applied (resolved: ``pmo_level`` is the PMO's own level unless another was asked for).
    peers
        How many peers (organisations, one entry each) the comparison is made with.
    suppressed
        ``True`` when fewer than :data:`MIN_PEERS` peers were found: ``table`` and ``peer_scores`` are then
        empty, so that no number about too few organisations can be shown.
    synthetic
        Whether every entry of the pool is synthetic (generated, not real assessments).
    own_left_out
        Whether the client's own organisation was left out (its key was known).
    merged
        Whether the pool holds entries imported from other pools: their organisation keys were made under
        another pool's secret, so an organisation in both pools counts twice and the client's own entries among
        them are not left out.
    synthetic_peers
        How many of the peers are synthetic entries.
    instrument
        The instrument id and version the peers were assessed with (``"pmo-core 2.0"``), when known.
    table
        One row per dimension in the PMO's order, then ``overall``: ``dimension``, ``label``, ``score`` (the
        PMO's), ``peers`` (peers with a score there), ``q1``, ``median``, ``q3``, ``rank`` (1 = highest),
        ``out_of`` (peers with a score + 1), ``quartile`` (:data:`QUARTILES`; ``None`` without a score). A row
        with fewer than :data:`MIN_PEERS` peer scores has no numbers but the PMO's own score.
    peer_scores
        The peers' scores in long form for a strip plot: ``dimension``, ``label``, ``score``; each dimension's
        rounded to 1 decimal and sorted on its own, so that no row links one peer's scores across dimensions.
    """

    filter: PeerFilter
    peers: int
    suppressed: bool
    synthetic: bool = False
    own_left_out: bool = False
    merged: bool = False
    synthetic_peers: int = 0
    instrument: str | None = None
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMPARISON_COLUMNS))
    peer_scores: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["dimension", "label", "score"]))

    @property
    def sentence(self) -> str:
        """The filter and the count, always shown, e.g. ``"Compared with 42 enterprise-level PMOs ..."``."""
        if self.merged and self.own_left_out:
            basis = _("one per organisation within each pool merged into this one: organisations cannot be matched "
                      "across merged pools, so one assessed by two of them counts twice and the client's own entries "
                      "imported from another pool are not left out")
        elif self.merged:
            basis = _("one per organisation within each pool merged into this one: organisations cannot be matched "
                      "across merged pools, so one assessed by two of them counts twice")
        else:
            basis = (_("one per organisation, the client's own left out") if self.own_left_out
                     else _("one per organisation"))
        shown = {"n": self.peers, "peers": self.filter.describe(self.peers), "instrument": self.instrument,
                 "basis": basis, "min": MIN_PEERS}
        if self.suppressed:
            sentence = (_("The benchmark pool holds {n} {peers} assessed with {instrument} ({basis}); at least {min} "
                          "are needed, so no comparison is shown.") if self.instrument else
                        _("The benchmark pool holds {n} {peers} ({basis}); at least {min} are needed, so no "
                          "comparison is shown.")).format(**shown)
        else:
            sentence = (_("Compared with {n} {peers} assessed with {instrument} ({basis}).") if self.instrument else
                        _("Compared with {n} {peers} ({basis}).")).format(**shown)
        if self.synthetic_peers:
            sentence += " " + ngettext("{k} of the {n} is synthetic (made up, not a real assessment).",
                                       "{k} of the {n} are synthetic (made up, not real assessments).",
                                       self.synthetic_peers).format(k=self.synthetic_peers, n=self.peers)
        return sentence

    def shown_table(self) -> pd.DataFrame:
        """The table as the report prints it: ``label``, ``score``, ``q1``, ``median``, ``q3``, ``rank`` as text
        (``"6 of 11"``, ``None`` without one) and ``quartile``."""
        rank = [None if pd.isna(r) else _("{rank} of {out_of}").format(rank=int(r), out_of=int(n))
                for r, n in zip(self.table["rank"], self.table["out_of"])]
        quartile = [None if q is None or pd.isna(q) else quartile_words(str(q)) for q in self.table["quartile"]]
        return self.table[["label", "score", "q1", "median", "q3"]].assign(rank=rank, quartile=quartile)

    def to_dict(self) -> dict:
        """A JSON-ready dict (missing values as ``None``)."""
        rows = [{k: (None if pd.isna(v) else v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in self.table.to_dict("records")]
        return {"filter": self.filter.text(), "description": self.filter.describe(), "peers": self.peers,
                "suppressed": self.suppressed, "synthetic": self.synthetic, "own_left_out": self.own_left_out,
                "merged": self.merged, "synthetic_peers": self.synthetic_peers, "instrument": self.instrument,
                "rows": rows}


def peers_of(pool: pd.DataFrame, filter: PeerFilter, *, instrument: str | None = None,
             own_org_key: str | None = None, version: str | None = None) -> pd.DataFrame:
    """The peer entries of a pool table: matching ``instrument`` (id), its ``version`` (when given: the dimensions
    of two versions need not measure the same thing) and the resolved ``filter``, less the
    organisation ``own_org_key``, one per organisation (latest ``year``, then latest ``added_on``, then the
    highest ``entry_id`` so that the choice never depends on row order)."""
    keep = filter.matches(pool)
    if instrument is not None:
        keep &= pool["instrument_id"].astype(str) == str(instrument)
    if version is not None:
        keep &= pool["instrument_version"].astype(str) == str(version)
    if own_org_key is not None:
        keep &= pool["org_key"].astype(str) != own_org_key
    chosen = pool[keep]  # the helper columns from the kept rows: from the whole pool, no row kept made one up
    chosen = chosen.assign(_year=pd.to_numeric(chosen["year"], errors="coerce"),
                           _added=read_dates(chosen["added_on"])[0])  # not a date: first
    chosen = chosen.sort_values(["org_key", "_year", "_added", "entry_id"], na_position="first", kind="stable")
    return chosen.drop_duplicates("org_key", keep="last").drop(columns=["_year", "_added"]).reset_index(drop=True)


def quartile_of(score: float, q1: float, median: float, q3: float) -> str | None:
    """The quartile a score falls in (:data:`QUARTILES`); ``None`` for a missing score.

    >>> [quartile_of(s, 40, 50, 60) for s in (60, 59.9, 50, 40, 39.9)]
    ['top', 'second', 'second', 'third', 'bottom']
    """
    if score is None or np.isnan(score):
        return None
    if score >= q3:
        return "top"
    if score >= median:
        return "second"
    if score >= q1:
        return "third"
    return "bottom"


def compare(assessment, pool: pd.DataFrame, filter: PeerFilter | None = None, own_org_key: str | None = None, *,
            instrument: str | None = None, version: str | None = None, synthetic: bool | None = None,
            merged: bool = False) -> BenchmarkComparison:
    """Compare one PMO with its peers in a benchmark pool.

    Parameters
    ----------
    assessment
        The PMO (:class:`~pmo_workbench.assessment.results.PmoAssessment`: its ``dimensions`` (``dimension``,
        ``label``, ``score``), ``overall_score`` and ``pmo_level`` are used).
    pool
        The pool as a table (:data:`ENTRY_COLUMNS` and ``score_<dimension>`` columns).
    filter
        Which entries are peers; ``None`` or the default: those of the PMO's own level.
    own_org_key
        The pool's key of the client's organisation: its entries are left out.
    instrument
        The instrument id of the assessment: entries of another instrument are left out (``None``: all kept).
    version
        Its version: entries of another version of it are left out too, since a dimension of one version need
        not measure what the same dimension of another does (``None``: any version).
    synthetic
        Whether the pool is synthetic; by default, whether every row of ``pool`` is.
    merged
        Whether the pool holds entries imported from other pools (see :attr:`BenchmarkComparison.merged`).

    Returns
    -------
    BenchmarkComparison
        Suppressed (no numbers) with fewer than :data:`MIN_PEERS` peers.
    """
    chosen = (filter or PeerFilter()).resolved(assessment.pmo_level)
    if synthetic is None:
        synthetic = bool(len(pool)) and bool(pool["synthetic"].astype(bool).all())
    peers = peers_of(pool, chosen, instrument=instrument, own_org_key=own_org_key, version=version)
    made_with = f"{instrument} {version}" if instrument is not None and version is not None else None
    made_up = int(peers["synthetic"].astype(bool).sum()) if len(peers) else 0
    if len(peers) < MIN_PEERS:
        return BenchmarkComparison(chosen, len(peers), True, synthetic, own_org_key is not None, merged, made_up,
                                   made_with)
    dims = assessment.dimensions
    wanted = [*zip(dims["dimension"], dims["label"], dims["score"]),
              ("overall", _("Overall"), assessment.overall_score)]
    rows, strips = [], []
    for dim, label, score in wanted:
        column = "overall" if dim == "overall" else f"{SCORE_PREFIX}{dim}"
        values = (pd.to_numeric(peers[column], errors="coerce").dropna().to_numpy(float) if column in peers
                  else np.array([]))
        rows.append(_row(dim, label, float(score) if pd.notna(score) else float("nan"), values))
        if len(values) >= MIN_PEERS:
            # each dimension's values sorted on their own and to the shown precision: the strip carries no peer's
            # profile across dimensions, only where the values lie
            strips.extend({"dimension": dim, "label": label, "score": float(v)} for v in np.sort(np.round(values, 1)))
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS).astype({"peers": "Int64", "rank": "Int64",
                                                                   "out_of": "Int64"})
    strip = pd.DataFrame(strips, columns=["dimension", "label", "score"])
    return BenchmarkComparison(chosen, len(peers), False, synthetic, own_org_key is not None, merged, made_up,
                               made_with, table, strip)


def _row(dim: str, label: str, score: float, values: np.ndarray) -> dict:
    row = {"dimension": dim, "label": label, "score": score, "peers": len(values), "q1": np.nan,
           "median": np.nan, "q3": np.nan, "rank": None, "out_of": None, "quartile": None}
    if len(values) < MIN_PEERS:
        return row
    q1, median, q3 = (float(q) for q in np.quantile(values, [0.25, 0.5, 0.75]))  # numpy's default: linear
    row.update(q1=q1, median=median, q3=q3)
    if not np.isnan(score):
        row.update(rank=int((values > score).sum()) + 1, out_of=len(values) + 1,
                   quartile=quartile_of(score, q1, median, q3))
    return row


def entry_fields(assessment, instrument, *, year: int, sector: str | None = None, size: str | None = None,
                 region: str | None = None, synthetic: bool = False) -> dict:
    """What a pool keeps of one assessed PMO, less its keys, id and date (the pool adds them).

    Parameters
    ----------
    assessment
        The PMO (:class:`~pmo_workbench.assessment.results.PmoAssessment`), scored as its report scores it.
    instrument
        Its :class:`~pmo_workbench.assessment.instrument.Instrument`.
    year
        The fieldwork year.
    sector
        The sector; ``None``: the PMO's engagement context answer ``sector``, when recorded.
    size, region
        The organisation's size band (:data:`SIZES`) and region (free text, spaces trimmed), or ``None``.
    synthetic
        Whether the entry is made up (examples), not a real assessment.

    Raises
    ------
    ValueError
        For an assessment answered by fewer than :data:`MIN_RESPONDENTS` people, or an unknown size band.

    Returns
    -------
    dict
        ``instrument_id``, ``instrument_version``, ``year``, ``sector``, ``size``, ``pmo_level``, ``region``,
        ``type``, ``target``, ``overall``, ``respondents``, ``synthetic`` and ``scores`` (dimension -> score,
        ``None`` when missing). No name, answer or comment.
    """
    if int(assessment.respondents) < MIN_RESPONDENTS:
        raise ValueError(f"{assessment.pmo} was answered by fewer than {MIN_RESPONDENTS} people (the anonymous "
                         "minimum group size): its scores would be those few people's own answers, so it is not "
                         "added to a pool")
    context = assessment.engagement.context if assessment.engagement is not None else {}
    recorded = context.get("sector")
    if size is not None and size not in SIZES:
        raise ValueError(f"size '{size}' is not one of {', '.join(SIZES)}")
    target = assessment.type.target
    region = " ".join(region.split()) if region else None
    return {
        "instrument_id": instrument.id, "instrument_version": str(instrument.version), "year": int(year),
        "sector": sector or (str(recorded) if recorded else None), "size": size,
        "pmo_level": assessment.pmo_level, "region": region or None, "type": assessment.type.type,
        "target": target.id if target is not None else None,
        "overall": None if pd.isna(assessment.overall_score) else float(assessment.overall_score),
        "respondents": int(assessment.respondents), "synthetic": bool(synthetic),
        "scores": {str(d): (None if pd.isna(s) else float(s))
                   for d, s in zip(assessment.dimensions["dimension"], assessment.dimensions["score"])},
    }
