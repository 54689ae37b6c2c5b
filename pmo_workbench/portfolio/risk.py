"""Risk and opportunity exposure across the portfolio.

Every risk is placed on the PMBOK 5x5 matrix of DOMAIN.md section 6
(probability 0.1/0.3/0.5/0.7/0.9, impact 0.05/0.10/0.20/0.40/0.80, score =
P x I) and on its common ordinal version (band x band, 1-25; red 15-25, amber
5-14, green 1-4). Where impacts are money, the expected monetary value
EMV = P x impact is negative for threats and positive for opportunities. The
threats' summed EMV is their expected cost whether or not the risks are
independent (expectation is additive); independence only matters for how likely
a contingency of that size is to suffice. Where impacts are ordinal there is no
money and no EMV: the summed ordinal scores are an *exposure index*, a ranking,
not an amount.

Exposure (open risks only) is summed by project, category and owner, with its
concentration (top share, top-3 share, Herfindahl index); opportunities sit
in the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._values import fmt, money as money_text
from ..i18n import N_, _, ngettext, pgettext
from .model import CLOSED_RISK_STATUSES, OPEN_RISK_STATUSES, RISK_KINDS, ROLLED_UP

PMBOK_PROBABILITY = (0.1, 0.3, 0.5, 0.7, 0.9)
"""Probability value of bands 1-5 (PMBOK 5x5 matrix)."""

PMBOK_IMPACT = (0.05, 0.10, 0.20, 0.40, 0.80)
"""Impact value of bands 1-5 (PMBOK 5x5 matrix)."""

PROBABILITY_BOUNDARIES = (0.2, 0.4, 0.6, 0.8)
"""A ratio probability goes to the band of the nearest PMBOK value; a boundary goes to the higher band."""

ORDINAL_RATINGS = (("red", 15), ("amber", 5), ("green", 1))
"""Rating of an ordinal score (band x band, 1-25): red 15-25, amber 5-14, green 1-4."""

PROBABILITY_SCALES = ("ratio", "ordinal")
IMPACT_SCALES = ("money", "ordinal")

BUDGET_STATUSES = (*ROLLED_UP, "proposed")
"""Statuses whose BAC makes up the budget at risk of a portfolio-level risk."""

PORTFOLIO_KEY = "(portfolio)"
"""The ``project_id`` shown for a portfolio-level risk."""

EXPOSURE_LABELS = {"money": N_("threat EMV"), "ordinal": N_("exposure index")}
"""What threat exposure is called per impact scale: money gives an EMV, ordinal 1-5 impacts an index of scores."""

NO_KEY = "(none)"
"""The category or owner shown for a risk that has none."""


def key_word(key) -> str:
    """A key of the exposure tables as the reader sees it: the portfolio-level and "none" keys in the current
    language (``(portfolio)``, ``(none)`` in English), anything else as given.

    >>> key_word(PORTFOLIO_KEY), key_word("P-001")
    ('(portfolio)', 'P-001')
    """
    if key == PORTFOLIO_KEY:
        return pgettext("risk exposure key", "(portfolio)")
    if key == NO_KEY:
        return pgettext("risk exposure key", "(none)")
    return str(key)


REGISTER_COLUMNS = (
    "risk_id", "project_id", "title", "kind", "owner", "category", "status", "open", "probability", "impact",
    "probability_band", "impact_band", "probability_value", "impact_value", "score", "ordinal_score", "rating",
    "emv", "source_row",
)
EXPOSURE_COLUMNS = (
    "threats", "opportunities", "threat_emv", "opportunity_emv", "net_emv", "threat_score", "red_threats", "share",
)
"""Columns of ``by_project``/``by_category``/``by_owner`` after the key column."""

HEATMAP_COLUMNS = ("kind", "probability_band", "impact_band", "ordinal_score", "rating", "count", "emv")


@dataclass(frozen=True)
class RiskAnalysis:
    """Risk and opportunity exposure of a portfolio.

    Attributes
    ----------
    register
        Every risk, open or not (:data:`REGISTER_COLUMNS`), in input order.
    by_project, by_category, by_owner
        Open-risk exposure per key (key column ``project_id``, ``category`` or
        ``owner``, then :data:`EXPOSURE_COLUMNS`), largest threat exposure first.
    heatmap
        Open risks per (kind, probability band, impact band): all 2 x 5 x 5
        cells, empty ones with count 0 (:data:`HEATMAP_COLUMNS`).
    concentration
        Threat exposure concentration per dimension, ``{"project" | "category"
        | "owner": {"top", "share", "top3_share", "hhi"}}``: the top key, its
        share, the top three keys' share and the Herfindahl-Hirschman index
        (sum of squared shares); ``None`` values when there is no exposure.
    totals
        ``open_threats``, ``open_opportunities``, ``red_threats``,
        ``threat_emv``, ``opportunity_emv``, ``net_emv``, ``contingency``
        (``-threat_emv``), ``exposure_basis``, ``exposure_label`` (see
        :data:`EXPOSURE_LABELS`), ``exposure_index`` (the open threats' summed
        ordinal scores), ``probability_scale``, ``impact_scale``; money
        figures ``None`` when impacts are ordinal.
    """

    register: pd.DataFrame
    by_project: pd.DataFrame
    by_category: pd.DataFrame
    by_owner: pd.DataFrame
    heatmap: pd.DataFrame
    concentration: dict
    totals: dict


def _lowered(status: pd.Series) -> pd.Series:
    return status.astype("str").str.strip().str.lower()


def is_open(status: pd.Series) -> np.ndarray:
    """Whether each risk is open: its status (lower case) is not in ``CLOSED_RISK_STATUSES``; blank is open.

    This is the one definition of open. A status that is neither closed nor
    recognised as open (see :func:`recognised_status`), e.g. "Mitigated",
    counts as open, so that no risk leaves the exposure unnoticed; data
    quality lists it as ``risk_status_unknown``.
    """
    return ~_lowered(status).isin(CLOSED_RISK_STATUSES).to_numpy(dtype=bool, na_value=False)


def recognised_status(status: pd.Series) -> np.ndarray:
    """Whether each risk status is a known one: blank, in ``OPEN_RISK_STATUSES`` or in ``CLOSED_RISK_STATUSES``.

    Case and surrounding spaces are ignored.

    Examples
    --------
    >>> recognised_status(pd.Series(["Open", " monitoring", None, "Retired", "Mitigated"])).tolist()
    [True, True, True, True, False]
    """
    lowered = _lowered(status)
    blank = (lowered.isna() | lowered.eq("")).to_numpy(dtype=bool, na_value=True)
    known = lowered.isin(OPEN_RISK_STATUSES | CLOSED_RISK_STATUSES).to_numpy(dtype=bool, na_value=False)
    return blank | known


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series(np.full(len(frame), np.nan), dtype=object)


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _keys(series: pd.Series, blank: str) -> pd.Series:
    text = series.astype("str").str.strip()
    return text.where(text.notna() & text.ne(""), blank).astype(object)


def _lookup(values: tuple[float, ...], band: np.ndarray) -> np.ndarray:
    """PMBOK value of each band (1-5), NaN for a missing band."""
    table = np.array((np.nan, *values))
    return table[np.where(np.isnan(band), 0, band).astype(int)]


def _ordinal_band(values: np.ndarray) -> np.ndarray:
    whole = (values == np.round(values)) & (values >= 1) & (values <= 5)
    return np.where(whole, values, np.nan)


def _ratings(ordinal: np.ndarray) -> np.ndarray:
    out = np.full(len(ordinal), None, dtype=object)
    for label, floor in reversed(ORDINAL_RATINGS):  # green first, so each higher floor overwrites
        out[ordinal >= floor] = label
    return out


def analyse_risks(risks: pd.DataFrame, projects: pd.DataFrame, *, probability_scale: str,
                  impact_scale: str) -> RiskAnalysis:
    """Place every risk on the PMBOK matrix and sum open exposure by project, category and owner.

    Parameters
    ----------
    risks
        ``Portfolio.risks``.
    projects
        ``Portfolio.projects`` (BAC and status size the budget at risk of
        money impacts).
    probability_scale
        ``"ratio"`` (0..1) or ``"ordinal"`` (1..5), as ``Portfolio.probability_scale``.
    impact_scale
        ``"money"`` or ``"ordinal"`` (1..5), as ``Portfolio.impact_scale``.

    Returns
    -------
    RiskAnalysis

    Notes
    -----
    - Ordinal probability ``k`` is band ``k`` with the PMBOK value of that band;
      a ratio ``p`` goes to the band of the nearest PMBOK value (boundaries
      0.2/0.4/0.6/0.8 go to the higher band) and the EMV uses ``p`` itself.
    - Ordinal impact ``k`` is band ``k``; there is no money, so no EMV.
    - A money impact ``m`` is placed by its share of the budget at risk (the
      project's BAC; for a portfolio-level risk, or a project with no or zero
      BAC, the summed BAC of active, on-hold, closed and proposed projects):
      band 5 from 0.80, 4 from 0.40, 3 from 0.20, 2 from 0.10, else 1.
    - ``score`` = probability value x impact value; ``ordinal_score`` =
      probability band x impact band, rated red 15-25, amber 5-14, green 1-4.
    - ``share`` is a key's part of all open threats' |EMV| (of their summed
      ordinal scores when impacts are ordinal).

    Raises
    ------
    ValueError
        When a scale name is not one of the known ones.
    """
    if probability_scale not in PROBABILITY_SCALES:
        raise ValueError(f"unknown probability scale {probability_scale!r}; expected one of "
                         f"{', '.join(PROBABILITY_SCALES)}")
    if impact_scale not in IMPACT_SCALES:
        raise ValueError(f"unknown impact scale {impact_scale!r}; expected one of {', '.join(IMPACT_SCALES)}")
    money = impact_scale == "money"

    project_id = _column(risks, "project_id")
    kind = _column(risks, "kind").astype("str").str.strip().str.lower()
    threat = kind.eq(RISK_KINDS[0]).to_numpy(dtype=bool, na_value=False)
    opportunity = kind.eq(RISK_KINDS[1]).to_numpy(dtype=bool, na_value=False)
    p = _floats(_column(risks, "probability"))
    m = _floats(_column(risks, "impact"))

    # probability: band and PMBOK value; the EMV uses p itself on the ratio scale
    if probability_scale == "ordinal":
        p_band = _ordinal_band(p)
        p_value = _lookup(PMBOK_PROBABILITY, p_band)
        p_emv = p_value
    else:
        p_band = np.where(np.isnan(p), np.nan, np.searchsorted(PROBABILITY_BOUNDARIES, p, side="right") + 1.0)
        p_value = _lookup(PMBOK_PROBABILITY, p_band)
        p_emv = p

    # impact: band and PMBOK value; money impacts by their share of the budget at risk
    if money:
        bac = pd.Series(_floats(projects["bac"]), index=projects["project_id"].to_numpy())
        budget = project_id.map(bac).to_numpy(dtype=float, na_value=np.nan)
        in_budget = projects["status"].isin(BUDGET_STATUSES).to_numpy(dtype=bool)
        portfolio_budget = float(np.nansum(bac.to_numpy()[in_budget]))
        budget = np.where(np.isnan(budget) | (budget <= 0), portfolio_budget, budget)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(budget > 0, m / budget, np.nan)
        # the highest PMBOK value the share reaches: 0.80 -> 5, 0.40 -> 4, 0.20 -> 3, 0.10 -> 2, else 1
        i_band = np.where(np.isnan(share), np.nan, np.searchsorted(PMBOK_IMPACT[1:], share, side="right") + 1.0)
        sign = np.where(threat, -1.0, np.where(opportunity, 1.0, np.nan))
        emv = sign * p_emv * m
    else:
        i_band = _ordinal_band(m)
        emv = np.full(len(m), np.nan)
    i_value = _lookup(PMBOK_IMPACT, i_band)
    ordinal = p_band * i_band
    rating = _ratings(ordinal)
    open_ = is_open(_column(risks, "status"))

    register = pd.DataFrame({
        "risk_id": _column(risks, "risk_id"),
        "project_id": project_id,
        "title": _column(risks, "title"),
        "kind": _column(risks, "kind"),
        "owner": _column(risks, "owner"),
        "category": _column(risks, "category"),
        "status": _column(risks, "status"),
        "open": open_,
        "probability": p,
        "impact": m,
        "probability_band": pd.array(p_band, dtype="Float64").astype("Int64"),
        "impact_band": pd.array(i_band, dtype="Float64").astype("Int64"),
        "probability_value": p_value,
        "impact_value": i_value,
        "score": p_value * i_value,
        "ordinal_score": pd.array(ordinal, dtype="Float64").astype("Int64"),
        "rating": pd.Series(rating, dtype=object),
        "emv": emv,
        "source_row": _column(risks, "source_row"),
    }, columns=list(REGISTER_COLUMNS))

    # -- open exposure ---------------------------------------------------------
    threat_o, opp_o = threat & open_, opportunity & open_
    red = ordinal >= ORDINAL_RATINGS[0][1]
    parts = pd.DataFrame({
        "threats": threat_o.astype(np.int64),
        "opportunities": opp_o.astype(np.int64),
        "threat_emv": np.where(threat_o & ~np.isnan(emv), emv, 0.0),
        "opportunity_emv": np.where(opp_o & ~np.isnan(emv), emv, 0.0),
        "threat_score": np.where(threat_o & ~np.isnan(ordinal), ordinal, 0.0),
        "red_threats": (threat_o & red).astype(np.int64),
    })
    basis = "threat_emv" if money else "threat_score"
    tables = {}
    concentration = {}
    for dimension, key, blank in (("project", "project_id", PORTFOLIO_KEY), ("category", "category", NO_KEY),
                                  ("owner", "owner", NO_KEY)):
        table = _exposure(parts[open_], _keys(_column(risks, key), blank)[open_], key, money)
        tables[key] = table
        concentration[dimension] = _concentration(table, key)

    threat_emv = float(parts["threat_emv"].sum()) if money else None
    opportunity_emv = float(parts["opportunity_emv"].sum()) if money else None
    totals = {
        "open_threats": int(threat_o.sum()),
        "open_opportunities": int(opp_o.sum()),
        "red_threats": int((threat_o & red).sum()),
        "threat_emv": threat_emv,
        "opportunity_emv": opportunity_emv,
        "net_emv": threat_emv + opportunity_emv if money else None,
        "contingency": 0.0 - threat_emv if money else None,
        "exposure_basis": basis,
        "exposure_label": EXPOSURE_LABELS[impact_scale],
        "exposure_index": float(parts["threat_score"].sum()),
        "probability_scale": probability_scale,
        "impact_scale": impact_scale,
    }

    return RiskAnalysis(
        register=register,
        by_project=tables["project_id"],
        by_category=tables["category"],
        by_owner=tables["owner"],
        heatmap=_heatmap(register[open_], money),
        concentration=concentration,
        totals=totals,
    )


def risk_summary(analysis: RiskAnalysis, currency: str | None = None) -> str:
    """The risk section's opening sentences: counts, then EMV where impacts are money (in ``currency``, an ISO
    code, when given), else the exposure index.

    Examples
    --------
    >>> totals = {"open_threats": 2, "red_threats": 1, "open_opportunities": 0, "impact_scale": "ordinal",
    ...           "exposure_index": 24.0}
    >>> print(risk_summary(RiskAnalysis(*[None] * 6, totals=totals)))  # doctest: +NORMALIZE_WHITESPACE
    2 open threats (1 in the red zone) and 0 open opportunities. Impacts are rated 1-5, not in money, so there is no
    expected monetary value: the exposure index of 24 is the sum of the open threats' probability × impact scores
    (1-25 each); it ranks where threats gather, it is not an amount of money or a contingency.
    """
    t = analysis.totals
    threats, opportunities = t.get("open_threats") or 0, t.get("open_opportunities") or 0
    text = _("{threats} ({red} in the red zone) and {opportunities}.").format(
        threats=ngettext("{n} open threat", "{n} open threats", threats).format(n=threats),
        red=t.get("red_threats") or 0,
        opportunities=ngettext("{n} open opportunity", "{n} open opportunities", opportunities).format(
            n=opportunities))
    if t.get("impact_scale") != "money":
        return text + " " + _("Impacts are rated 1-5, not in money, so there is no expected monetary value: the "
                              "exposure index of {index} is the sum of the open threats' probability × impact scores "
                              "(1-25 each); it ranks where threats gather, it is not an amount of money or a "
                              "contingency.").format(index=fmt(t.get("exposure_index") or 0, 0, thousands=True))
    threat = t.get("threat_emv") or 0.0

    def money(value) -> str:
        return money_text(value, currency)

    text += " " + _("Threat EMV {threat}, opportunity EMV {opportunity}, net {net}.").format(
        threat=money(threat), opportunity=money(t.get("opportunity_emv")), net=money(t.get("net_emv")))
    if threat < 0:
        text += " " + _("The threats' EMV is their expected cost whether or not they are independent, so a "
                        "contingency of {amount} covers the expected loss; independence matters for the confidence "
                        "level: threats that strike together make that amount less likely to suffice.").format(
            amount=money(-threat))
    return text


def register_columns(analysis: RiskAnalysis) -> dict[str, str]:
    """Column labels for a table of the register: the EMV column only where impacts are money."""
    columns = {"risk_id": _("Risk"), "project_id": _("Project"), "title": _("Title"), "kind": _("Kind"),
               "owner": _("Owner"), "probability_band": _("P"), "impact_band": _("I"),
               "ordinal_score": _("Score (P × I)"), "rating": _("Zone")}
    if analysis.totals.get("impact_scale") == "money":
        columns["emv"] = _("EMV")
    return columns


def _exposure(parts: pd.DataFrame, keys: pd.Series, key: str, money: bool) -> pd.DataFrame:
    """Sum the open risks' parts per key, add the share of threat exposure, largest first."""
    grouped = parts.groupby(keys.to_numpy(), sort=False).sum()
    grouped.index.name = key
    table = grouped.reset_index()
    if not money:
        table["threat_emv"] = np.nan
        table["opportunity_emv"] = np.nan
    table["net_emv"] = table["threat_emv"] + table["opportunity_emv"]
    exposure = (table["threat_emv"].abs() if money else table["threat_score"]).to_numpy(dtype=float)
    total = exposure.sum()
    table["share"] = exposure / total if total > 0 else np.nan
    table["_exposure"] = exposure
    table = table.sort_values(["_exposure", key], ascending=[False, True], kind="stable")
    table = table.drop(columns="_exposure").reset_index(drop=True)
    table = table[[key, *EXPOSURE_COLUMNS]]
    for column in ("threats", "opportunities", "red_threats"):
        table[column] = table[column].astype(np.int64)
    table[key] = table[key].astype(object)
    return table


def _concentration(table: pd.DataFrame, key: str) -> dict:
    shares = table["share"].to_numpy(dtype=float)
    if len(shares) == 0 or np.isnan(shares).all():
        return {"top": None, "share": None, "top3_share": None, "hhi": None}
    return {
        "top": table[key].iloc[0],
        "share": float(shares[0]),
        "top3_share": float(shares[:3].sum()),
        "hhi": float((shares ** 2).sum()),
    }


def _heatmap(open_risks: pd.DataFrame, money: bool) -> pd.DataFrame:
    cells = pd.MultiIndex.from_product([RISK_KINDS, range(1, 6), range(1, 6)],
                                       names=["kind", "probability_band", "impact_band"])
    placed = open_risks[open_risks["probability_band"].notna() & open_risks["impact_band"].notna()]
    kind = placed["kind"].astype("str").str.strip().str.lower()
    grouped = placed.assign(kind=kind, probability_band=placed["probability_band"].astype(np.int64),
                            impact_band=placed["impact_band"].astype(np.int64)).groupby(
        ["kind", "probability_band", "impact_band"])["emv"].agg(["size", "sum"])
    grouped = grouped.reindex(cells)
    heat = pd.DataFrame(index=cells).reset_index()
    heat["kind"] = heat["kind"].astype(object)
    heat["ordinal_score"] = heat["probability_band"] * heat["impact_band"]
    heat["rating"] = pd.Series(_ratings(heat["ordinal_score"].to_numpy(dtype=float)), dtype=object)
    heat["count"] = grouped["size"].fillna(0).to_numpy(dtype=np.int64)
    heat["emv"] = grouped["sum"].fillna(0.0).to_numpy(dtype=float) if money else np.nan
    return heat[list(HEATMAP_COLUMNS)]


__all__ = [
    "EXPOSURE_LABELS", "IMPACT_SCALES", "PMBOK_IMPACT", "PMBOK_PROBABILITY", "PROBABILITY_SCALES", "RiskAnalysis",
    "analyse_risks", "is_open", "key_word", "recognised_status", "register_columns", "risk_summary",
]
