"""Score competency ratings: each person's profile, the cohort's distribution and its training needs.

The rules (each number a rule uses is the instrument's):

- a rater's **area score** for a person is the mean of the values they gave on the area's behaviours expected of
  the person's job level, or missing when they rated fewer than half of those behaviours (don't know and not
  rated count as not rated);
- **self** is the person's own area score; **manager** the mean of their line managers' area scores; **peers**
  the mean of their peers'; **others** the mean of every manager's and peer's area score, each rater counting once;
- the **small-group rule**: peers' ratings of a person are shown only when at least ``min_raters`` peers rated
  the area, and so is others' (managers and peers pooled). The manager's rating is shown to the person rated:
  it is the manager's view, given by name, and the self-manager gap needs it. Pooling fewer peers with a manager
  shown by name would not hide them (others times their number, less the manager's, is the peers' sum), so
  with fewer peers their ratings of the person are left out of every figure, the cohort's too (a cohort mean
  taking them in, beside one leaving them out, would give them back);
- the **assessed level** of a person in an area is others' rating when it may be shown, else the manager's,
  else the person's own (``basis`` says which): self-ratings run high, so the people who see the work come first;
- **below required** when the assessed level is more than ``tolerance`` under the level the person's job level
  requires (ratings are whole points: with 0.5, a level that rounds half up to the required one meets it); the
  **shortfall** of a person below is how far under the required level they are, in scale points;
- the **self-manager gap** is self minus manager: a **blind spot** when it is ``gap_threshold`` or more (the
  person rates themself higher than their manager does), a **hidden strength** when it is ``-gap_threshold`` or
  less;
- a **cohort** figure (distribution, share below, heat map, self vs others) is shown for an area only when at
  least ``min_raters`` people contribute to it; a cohort report names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .competency import PROCESS_GROUPS, CompetencyInstrument, check_required

PERSON = ["organisation", "cohort", "subject"]
BASES = ("others", "manager", "self")
"""Where a person's assessed level in an area comes from, best first."""
_EPS = 1e-9


@dataclass(frozen=True)
class CompetencyResults:
    """Everything scored from one set of competency ratings (:func:`score_competency`)."""

    instrument: CompetencyInstrument
    required: pd.DataFrame
    """Required level per job level (rows) and area (columns): the instrument's, with the engagement's edits."""
    people: pd.DataFrame
    """One row per person rated: ``organisation, cohort, subject, job_level`` and their raters by role."""
    rater_scores: pd.DataFrame
    """One row per (person, rater, area): the rater's area score (``NaN`` when too few behaviours rated)."""
    profile: pd.DataFrame
    """One row per (person, area): ``self, manager, n_managers, peers, n_peers, others, n_others, assessed,
    basis, required, below, shortfall, gap, gap_flag`` (peers and others already under the small-group rule)."""
    item_levels: pd.DataFrame = field(repr=False)
    """One row per (person, item): the item's value on the same basis as the person's area level."""

    @property
    def min_raters(self) -> int:
        return self.instrument.min_raters

    def cohorts(self) -> list[tuple[str, str]]:
        """The (organisation, cohort) pairs rated, in file order."""
        return list(dict.fromkeys(zip(self.people["organisation"], self.people["cohort"])))

    def person(self, subject: str, organisation: str | None = None, cohort: str | None = None) -> pd.DataFrame:
        """One person's profile, area by area (index ``area``); ``KeyError`` naming the people rated when there
        is no such person."""
        mask = self.profile["subject"].str.casefold() == str(subject).casefold()
        if organisation is not None:
            mask &= self.profile["organisation"] == organisation
        if cohort is not None:
            mask &= self.profile["cohort"] == cohort
        found = self.profile[mask]
        if found.empty:
            import difflib

            names = list(self.people["subject"].unique())
            close = difflib.get_close_matches(str(subject), names, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else (
                f"; {len(names)} people were rated (competency score --format csv lists them)")
            raise KeyError(f"nobody called '{subject}' was rated{hint}")
        if found["subject"].nunique() > 1 or found[["organisation", "cohort"]].drop_duplicates().shape[0] > 1:
            raise KeyError(f"'{subject}' was rated in several cohorts; name the organisation and cohort")
        return found.set_index("area")


def area_scores(responses: pd.DataFrame, instrument: CompetencyInstrument) -> pd.DataFrame:
    """Each rater's area score for each person they rated (the half-rated rule applies).

    Returns one row per (person, rater, area) with ``organisation, cohort, subject, job_level, rater, role,
    area, score, n_rated, n_expected``."""
    expected = _expected_counts(instrument)
    keys = [*PERSON, "job_level", "rater", "role", "area"]
    frame = responses.assign(job_level=responses["job_level"].astype(str), role=responses["role"].astype(str),
                             area=responses["area"].astype(str))
    grouped = frame.groupby(keys, sort=False, observed=True)["value"].agg(["mean", "count"]).reset_index()
    grouped["n_expected"] = [expected.get((level, area), 0) for level, area in zip(grouped["job_level"],
                                                                                    grouped["area"])]
    enough = grouped["count"] * 2 >= grouped["n_expected"]
    grouped["score"] = grouped["mean"].where(enough & (grouped["count"] > 0))
    return grouped.rename(columns={"count": "n_rated"}).drop(columns="mean")


def _expected_counts(instrument: CompetencyInstrument) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for level in instrument.level_ids:
        for item in instrument.items_for(level):
            key = (level, instrument.items.at[item, "area"])
            out[key] = out.get(key, 0) + 1
    return out


def score_competency(responses: pd.DataFrame, instrument: CompetencyInstrument,
                     required: dict[str, dict[str, float]] | None = None) -> CompetencyResults:
    """Score a tidy competency frame (:func:`.competency_responses.read_competency_responses`).

    ``required`` edits the instrument's required profile (an engagement's ``competency: required:``); it is
    checked like the instrument's own and a wrong level or area raises ``ValueError`` naming it.
    """
    check_required(instrument, required or {})
    table = instrument.required_profile(required)
    scores = area_scores(responses, instrument)
    people = _people(responses)
    profile = _profile(scores, people, instrument, table)
    items = _item_levels(responses, scores, profile)
    return CompetencyResults(instrument, table, people, scores, profile, items)


def _people(responses: pd.DataFrame) -> pd.DataFrame:
    frame = responses.assign(role=responses["role"].astype(str), job_level=responses["job_level"].astype(str))
    people = frame.drop_duplicates([*PERSON])[[*PERSON, "job_level"]].reset_index(drop=True)
    raters = frame.drop_duplicates([*PERSON, "rater"]).groupby([*PERSON, "role"], sort=False).size().unstack(
        fill_value=0)
    raters = raters.reindex(columns=["self", "manager", "peer"], fill_value=0).add_prefix("raters_")
    return people.join(raters, on=PERSON).fillna(0).astype({f"raters_{r}": int for r in ("self", "manager",
                                                                                            "peer")})


def _profile(scores: pd.DataFrame, people: pd.DataFrame, instrument: CompetencyInstrument,
             table: pd.DataFrame) -> pd.DataFrame:
    k = instrument.min_raters
    valid = scores[scores["score"].notna()]
    by = [*PERSON, "area"]

    def pooled(mask: pd.Series, name: str) -> pd.DataFrame:
        return valid[mask].groupby(by, sort=False)["score"].agg(["mean", "count"]).rename(
            columns={"mean": name, "count": f"n_{name}"})

    parts = [pooled(valid["role"] == "self", "self"), pooled(valid["role"] == "manager", "managers"),
             pooled(valid["role"] == "peer", "peers"), pooled(valid["role"] != "self", "others")]
    grid = people[[*PERSON, "job_level"]].merge(pd.DataFrame({"area": list(instrument.area_ids)}), how="cross")
    profile = grid.join(pd.concat(parts, axis=1), on=by)
    profile = profile.rename(columns={"managers": "manager"})
    for name in ("self", "managers", "peers", "others"):
        profile[f"n_{name}"] = profile[f"n_{name}"].fillna(0).astype(int)
    # The small-group rule: peers and others are shown only from k raters on.
    profile["peers"] = profile["peers"].where(profile["n_peers"] >= k)
    profile["others"] = profile["others"].where(profile["n_peers"] >= k)
    profile["assessed"] = profile["others"].combine_first(profile["manager"]).combine_first(profile["self"])
    profile["basis"] = np.select([profile["others"].notna(), profile["manager"].notna(), profile["self"].notna()],
                                 list(BASES), default="")
    profile["basis"] = profile["basis"].replace("", None)
    required = table.stack(future_stack=True).rename("required")
    profile = profile.join(required, on=["job_level", "area"])
    assessed = profile["assessed"].round(6)
    profile["below"] = (assessed < profile["required"] - instrument.tolerance - _EPS).where(
        assessed.notna() & profile["required"].notna())
    profile["shortfall"] = (profile["required"] - assessed).where(profile["below"].astype(bool), 0.0).where(
        profile["below"].notna())
    profile["gap"] = profile["self"] - profile["manager"]
    threshold, gap = instrument.gap_threshold, profile["gap"].round(6)
    profile["gap_flag"] = np.select([gap >= threshold - _EPS, gap <= -threshold + _EPS, gap.notna()],
                                    ["blind_spot", "hidden_strength", "aligned"],
                                    default="")
    profile["gap_flag"] = profile["gap_flag"].replace("", None)
    profile = profile.rename(columns={"n_managers": "n_manager"})
    profile["area"] = pd.Categorical(profile["area"], categories=instrument.area_ids)
    return profile


def _item_levels(responses: pd.DataFrame, scores: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Each person's value on each item, from the raters their area level comes from (the raters whose area
    score counted)."""
    basis = profile[[*PERSON, "area", "basis"]].assign(area=profile["area"].astype(str))
    counted = scores.loc[scores["score"].notna(), [*PERSON, "rater", "area"]]
    frame = responses.assign(area=responses["area"].astype(str), role=responses["role"].astype(str),
                             item=responses["item"].astype(str))
    frame = frame.merge(counted, on=[*PERSON, "rater", "area"], how="inner")
    frame = frame.merge(basis, on=[*PERSON, "area"], how="inner")
    chosen = ((frame["basis"] == "others") & (frame["role"] != "self")) | (
        (frame["basis"] == "manager") & (frame["role"] == "manager")) | (
        (frame["basis"] == "self") & (frame["role"] == "self"))
    return frame[chosen & frame["value"].notna()].groupby([*PERSON, "area", "item"], sort=False)["value"].mean(
        ).rename("level").reset_index()


# -- the cohort -------------------------------------------------------------------------------------------

def _cohort_rows(results: CompetencyResults, organisation: str | None, cohort: str | None) -> pd.DataFrame:
    profile = results.profile
    if organisation is not None:
        profile = profile[profile["organisation"] == organisation]
    if cohort is not None:
        profile = profile[profile["cohort"] == cohort]
    return profile


def cohort_distribution(results: CompetencyResults, organisation: str | None = None,
                        cohort: str | None = None) -> pd.DataFrame:
    """Per area: how many people are assessed at each level of the scale (assessed level rounded half up),
    their mean, how many have a required level, how many are below it and the share below.

    An area with fewer than ``min_raters`` people assessed is left out (``shown`` False): its figures would
    come close to one person's; so is the share below when fewer than ``min_raters`` of them have a required
    level."""
    ins = results.instrument
    rows = _cohort_rows(results, organisation, cohort)
    levels = list(range(ins.scale.min, ins.scale.max + 1))
    out = []
    for area in ins.area_ids:
        part = rows[(rows["area"] == area) & rows["assessed"].notna()]
        n = len(part)
        banded = np.floor(part["assessed"] + 0.5).astype(int).clip(ins.scale.min, ins.scale.max)
        counts = {level: int((banded == level).sum()) for level in levels}
        with_required = part["below"].notna()
        n_below = int(part.loc[with_required, "below"].astype(bool).sum())
        out.append({"area": area, "label": ins.area_label(area), "n": n, "shown": n >= ins.min_raters,
                    "mean": part["assessed"].mean() if n else np.nan, **{f"level_{k}": v for k, v in counts.items()},
                    "n_required": int(with_required.sum()), "n_below": n_below,
                    "share_below": n_below / with_required.sum() if with_required.sum() >= ins.min_raters
                    else np.nan})
    table = pd.DataFrame(out).set_index("area")
    hidden = ~table["shown"]
    numeric = [c for c in table.columns if c not in ("label", "shown", "n")]
    table.loc[hidden, numeric] = np.nan
    return table


def training_needs(results: CompetencyResults, organisation: str | None = None,
                   cohort: str | None = None) -> pd.DataFrame:
    """The ranked training-needs list: each area where someone is below the required level, with how many
    people (and what share of those with a requirement), their mean and total shortfall.

    Ranked by how many people are below, then by their mean shortfall, then in instrument order. Areas with
    fewer than ``min_raters`` people assessed are left out; the mean and total shortfall of fewer than
    ``min_raters`` people below are not shown (``NaN``: they would be those people's own levels) and do not rank
    the area: areas with as few below follow the instrument's order."""
    dist = cohort_distribution(results, organisation, cohort)
    rows = _cohort_rows(results, organisation, cohort)
    below = rows[rows["below"].fillna(False).astype(bool)]
    stats = below.groupby(below["area"].astype(str), sort=False)["shortfall"].agg(["mean", "sum"])
    table = dist[dist["shown"] & (dist["n_below"] > 0)][["label", "n_below", "n_required", "share_below"]]
    table = table.join(stats.rename(columns={"mean": "mean_shortfall", "sum": "total_shortfall"}))
    order = {a: n for n, a in enumerate(results.instrument.area_ids)}
    # How far below one or two people are would be their own level: not shown, and it does not order the areas
    # either (the order would tell whose shortfall is larger): fewer than min_raters below rank in instrument order.
    few = table["n_below"] < results.min_raters
    table.loc[few, ["mean_shortfall", "total_shortfall"]] = np.nan
    table = table.assign(_order=[order[a] for a in table.index], _key=table["mean_shortfall"].fillna(0.0)).sort_values(
        ["n_below", "_key", "_order"], ascending=[False, False, True], kind="stable").drop(columns=["_order", "_key"])
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.astype({"n_below": int, "n_required": int})


def process_group_heatmap(results: CompetencyResults, organisation: str | None = None,
                          cohort: str | None = None) -> pd.DataFrame:
    """The cohort's mean level per area and process group (long form: ``area, process_group, level, n``):
    each person's items in the cell averaged, then averaged over people. A cell with fewer than ``min_raters``
    people is left out; behaviours without a process group are left out."""
    ins = results.instrument
    items = results.item_levels
    if organisation is not None:
        items = items[items["organisation"] == organisation]
    if cohort is not None:
        items = items[items["cohort"] == cohort]
    items = items.assign(process_group=items["item"].map(ins.items["process_group"])).dropna(subset=["process_group"])
    per_person = items.groupby([*PERSON, "area", "process_group"], sort=False)["level"].mean().reset_index()
    cells = per_person.groupby(["area", "process_group"], sort=False)["level"].agg(["mean", "count"]).reset_index()
    cells = cells.rename(columns={"mean": "level", "count": "n"})
    cells = cells[cells["n"] >= ins.min_raters]
    cells["area"] = pd.Categorical(cells["area"], categories=ins.area_ids)
    cells["process_group"] = pd.Categorical(cells["process_group"], categories=PROCESS_GROUPS)
    return cells.sort_values(["area", "process_group"]).reset_index(drop=True)


def self_vs_others(results: CompetencyResults, organisation: str | None = None,
                   cohort: str | None = None) -> pd.DataFrame:
    """Per area, over the people with both a self-rating and an assessed level from others or their manager: the
    mean self level, the mean of those assessed levels (others' view) and the difference; and,
    over the people with a self and a manager rating, the mean self-manager gap and how many blind spots and
    hidden strengths. Areas with fewer than ``min_raters`` people are left out."""
    ins = results.instrument
    rows = _cohort_rows(results, organisation, cohort)
    # Others' view of a person is their assessed level when it comes from others or the manager: the same raters
    # as everywhere else. Pooling the one or two peers a person's own figures leave out would let the difference
    # between this mean and the distribution's give those peers' ratings back.
    rows = rows.assign(others_pooled=rows["assessed"].where(rows["basis"].isin(["others", "manager"])))
    out = []
    for area in ins.area_ids:
        part = rows[rows["area"] == area]
        both = part[part["self"].notna() & part["others_pooled"].notna()]
        gaps = part[part["gap"].notna()]
        out.append({"area": area, "label": ins.area_label(area), "n": len(both),
                    "self": both["self"].mean(), "others": both["others_pooled"].mean(),
                    "difference": (both["self"] - both["others_pooled"]).mean(), "n_gap": len(gaps),
                    "mean_gap": gaps["gap"].mean(), "blind_spots": int((gaps["gap_flag"] == "blind_spot").sum()),
                    "hidden_strengths": int((gaps["gap_flag"] == "hidden_strength").sum())})
    table = pd.DataFrame(out).set_index("area")
    few = table["n"] < ins.min_raters
    table.loc[few, ["self", "others", "difference"]] = np.nan
    few_gap = table["n_gap"] < ins.min_raters
    table.loc[few_gap, ["mean_gap"]] = np.nan
    table.loc[few_gap, ["blind_spots", "hidden_strengths"]] = pd.NA
    return table


def competency_summary(results: CompetencyResults, organisation: str | None = None,
                       cohort: str | None = None, top: int = 3) -> dict:
    """A few figures for the positioning report's empowerment role: people assessed, how many meet every
    required level of their job level (assessed in each: a person not assessed in an area they need does not
    count as meeting it), how many lack an assessed level somewhere, the share of the (person, area)
    requirements judged that are met, and the top training needs."""
    rows = _cohort_rows(results, organisation, cohort)
    judged = rows[rows["below"].notna()]
    people = rows.drop_duplicates(PERSON)
    n_people = len(people)
    if n_people < results.min_raters:
        return {"n_people": n_people, "shown": False}
    required = rows[rows["required"].notna()]
    per_person = required.assign(met=required["below"].eq(False)).groupby(PERSON, sort=False)["met"].all()
    needs = training_needs(results, organisation, cohort)
    return {"n_people": n_people, "shown": True,
            "n_meeting_all": int(per_person.sum()),
            "n_not_assessed": int(required["below"].isna().groupby([required[c] for c in PERSON]).any().sum()),
            "share_met": float((~judged["below"].astype(bool)).mean()) if len(judged) else np.nan,
            "top_needs": [(row.label, int(row.n_below), float(row.mean_shortfall))
                          for row in needs.head(top).itertuples()]}


def person_profile(results: CompetencyResults, subject: str, organisation: str | None = None,
                   cohort: str | None = None) -> pd.DataFrame:
    """One person's profile for their own report: per area their self-rating, their manager's, their peers'
    and others' (each only when the small-group rule allows), the assessed level and its basis, the required
    level, the shortfall and the self-manager gap flag."""
    found = results.person(subject, organisation, cohort)
    columns = ["self", "manager", "n_manager", "peers", "n_peers", "others", "n_others", "assessed", "basis",
               "required", "below", "shortfall", "gap", "gap_flag"]
    table = found[columns].copy()
    table.insert(0, "label", [results.instrument.area_label(a) for a in table.index])
    return table
