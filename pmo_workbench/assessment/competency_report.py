"""What the competency reports work from, prepared in one call, and the plain words they say.

:func:`competency_input` reads a ratings file, checks that the organisation, the cohort (and, for a person's own
report, the person) are in it, applies the engagement file's ``competency: required:`` edits and scores the
cohort. The functions below turn the scores into the tables and sentences of the cohort report
(``notebooks/pm_competency.ipynb``), the person's own report (``notebooks/pm_profile.ipynb``) and the cohort
summary of the positioning report's empowerment role, so that the notebooks hold display only.

The cohort report names nobody: its tables and sentences are built from counts and means over at least
``min_raters`` people, never from one person's ratings.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._values import fmt, percent
from .._values import is_missing as _missing
from ..errors import InputValidationError, Problem
from ..i18n import N_, _, format_number, ngettext
from .competency import CompetencyInstrument, engagement_required, load_competency_instrument
from .competency_library import DevelopmentLibrary, development_suggestions, load_development_library
from .competency_responses import read_competency_responses
from .competency_scoring import (
    CompetencyResults,
    cohort_distribution,
    competency_summary,
    person_profile,
    process_group_heatmap,
    score_competency,
    self_vs_others,
    training_needs,
)

__all__ = ["BASIS_WORDS", "FLAG_WORDS", "CompetencyInput", "about_points", "anchor_table", "assessed_sentence",
           "cohort_figures", "competency_input", "distribution_table", "gap_sentences", "glance_points",
           "job_level_table", "needs_table", "profile_notes", "profile_table", "rater_table", "required_table",
           "self_others_sentence", "self_others_table", "shortfall_table", "suggestions_table",
           "top_needs_points"]

BASIS_WORDS = {"others": N_("others"), "manager": N_("line manager"), "self": N_("self-rating")}
"""Where a person's assessed level comes from -> the words the reports use (translate with ``_()``)."""
FLAG_WORDS = {"blind_spot": N_("blind spot"), "hidden_strength": N_("hidden strength"), "aligned": N_("aligned")}
"""The self-manager gap's flag -> the words the reports use."""
TOP_NEEDS = 3
"""How many training needs the summaries name."""


@dataclass(frozen=True)
class CompetencyInput:
    """Everything a competency report shows, for one cohort (and, for a person's own report, one person)."""

    responses: Path
    organisation: str
    cohort: str
    instrument: CompetencyInstrument
    results: CompetencyResults
    ratings: pd.DataFrame
    """The cohort's ratings (tidy frame of :func:`.competency_responses.read_competency_responses`)."""
    required_edits: dict[str, dict[str, float]]
    """The engagement file's edits of the required profile (``{}``: the instrument's as it is)."""
    engagement_file: Path | None = None
    subject: str | None = None
    """The person of a person's own report, as the ratings spell the name."""

    @property
    def min_raters(self) -> int:
        return self.instrument.min_raters

    @property
    def people(self) -> pd.DataFrame:
        return self.results.people


def competency_input(responses: str | Path, organisation: str, cohort: str, *,
                     instrument: str | Path | CompetencyInstrument = "pm-competency",
                     engagement: str | Path | None = None, subject: str | None = None,
                     cohort_report: bool = True) -> CompetencyInput:
    """Read, check and score one cohort's ratings for a cohort report (``subject`` ``None``) or a person's own
    report. ``cohort_report`` False (a summary, which says itself when the cohort is too small) lets a cohort
    smaller than ``min_raters`` through.

    Raises
    ------
    InputValidationError
        Every problem located: the ratings file's own, an organisation or cohort the file does not hold, a cohort
        report of fewer than ``min_raters`` people (its figures would come close to one person's), a person not
        rated in the cohort, an engagement file about another organisation or whose ``competency:`` block names
        an unknown job level or area or a level off the scale.
    """
    path = Path(responses)
    ins = instrument if isinstance(instrument, CompetencyInstrument) else load_competency_instrument(instrument)
    frame = read_competency_responses(path, ins)
    where = str(path)
    organisations = list(dict.fromkeys(frame["organisation"].astype(str)))
    if organisation not in organisations:
        raise InputValidationError([Problem(where, None, "organisation", (
            f"organisation {organisation!r} has no ratings here; the ratings are of "
            f"{', '.join(repr(o) for o in organisations) or 'no organisation'}"))])
    mine = frame[frame["organisation"] == organisation]
    cohorts = list(dict.fromkeys(mine["cohort"].astype(str)))
    if cohort not in cohorts:
        raise InputValidationError([Problem(where, None, "cohort", (
            f"organisation {organisation!r} has no cohort {cohort!r}; its cohorts: "
            f"{', '.join(repr(c) for c in cohorts)}"))])
    ratings = mine[mine["cohort"] == cohort].copy()
    n_people = ratings["subject"].nunique()
    if subject is None and cohort_report and n_people < ins.min_raters:
        raise InputValidationError([Problem(where, None, "cohort", (
            f"cohort {cohort!r} of {organisation!r} has {n_people} "
            f"{'person' if n_people == 1 else 'people'} rated; a cohort report needs at least {ins.min_raters} "
            "(the small-group rule: with fewer, its figures come close to one person's ratings)"))])
    found_subject = None
    if subject is not None:
        names = list(dict.fromkeys(ratings["subject"].astype(str)))
        by_fold = {n.casefold(): n for n in names}
        found_subject = by_fold.get(str(subject).strip().casefold())
        if found_subject is None:
            close = difflib.get_close_matches(str(subject), names, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else (
                f"; {n_people} {'person was' if n_people == 1 else 'people were'} rated in it")
            raise InputValidationError([Problem(where, None, "subject", (
                f"nobody called {subject!r} was rated in cohort {cohort!r} of {organisation!r}{hint}"))])
    engagement_path = Path(engagement) if engagement is not None and str(engagement).strip() else None
    if engagement_path is not None:
        _check_engagement_organisation(engagement_path, organisation)
    edits = engagement_required(engagement_path, ins)
    try:
        results = score_competency(ratings, ins, required=edits)
    except ValueError as exc:  # engagement_required checked it; a required profile of the instrument itself
        raise InputValidationError([Problem(where, None, "instrument", str(exc))]) from None
    return CompetencyInput(path, organisation, cohort, ins, results, ratings, edits, engagement_path,
                           found_subject)


def _check_engagement_organisation(path: Path, organisation: str) -> None:
    from .engagement import load_engagement

    given = load_engagement(path, None)
    if given.organisation is not None and given.organisation != organisation:
        raise InputValidationError([Problem(str(path), None, "organisation", (
            f"the engagement file is about {given.organisation!r}, not {organisation!r}"))])


# --- the cohort report -----------------------------------------------------------------------------------------

def _n(value) -> int:
    return 0 if _missing(value) else int(value)


def rater_table(data: CompetencyInput) -> pd.DataFrame:
    """Who rated whom, by rater role: ``label``, ``raters`` (distinct people giving ratings in that role),
    ``people_rated`` (people they rated) and ``rating_sets`` (one rater's ratings of one person). Counts only."""
    frame = data.ratings.assign(role=data.ratings["role"].astype(str))
    rows = []
    for role in data.instrument.role_ids:
        part = frame[frame["role"] == role]
        rows.append({"role": role, "label": data.instrument.role_label(role),
                     "raters": int(part["rater"].nunique()), "people_rated": int(part["subject"].nunique()),
                     "rating_sets": int(part.drop_duplicates(["subject", "rater"]).shape[0])})
    return pd.DataFrame(rows, columns=["role", "label", "raters", "people_rated", "rating_sets"])


def job_level_table(data: CompetencyInput) -> pd.DataFrame:
    """People assessed by job level (``label``, ``people``), in the instrument's order; levels nobody holds left
    out."""
    counts = data.people["job_level"].astype(str).value_counts()
    rows = [{"job_level": level, "label": data.instrument.level_label(level), "people": int(counts[level])}
            for level in data.instrument.level_ids if level in counts]
    return pd.DataFrame(rows, columns=["job_level", "label", "people"])


def _bases(data: CompetencyInput) -> dict[str, int]:
    profile = data.results.profile
    return {basis: int((profile["basis"] == basis).sum()) for basis in BASIS_WORDS}


def about_points(data: CompetencyInput) -> list[str]:
    """The methodology of the cohort report in plain words, each rule with its number."""
    ins = data.instrument
    k, gap, tolerance = ins.min_raters, ins.gap_threshold, ins.tolerance
    bases = _bases(data)
    total = sum(bases.values())
    points = [
        _("A rater's score for a person in an area is the mean of the behaviours they rated there, counted only when "
          "they rated at least half of the behaviours expected at the person's job level (\"don't know\" counts as "
          "not rated)."),
        _("A person's assessed level in an area is the mean of others' scores (line manager and peers together) when "
          "at least {k} peers rated the area; else their line manager's score; else their own. Self-ratings tend to "
          "run high, so the people who see the work come first.").format(k=k),
        ngettext("In this cohort, {others} of {total} assessed level comes from others, {manager} from the line "
                 "manager alone and {own} from the person's own rating.",
                 "In this cohort, {others} of {total} assessed levels come from others, {manager} from the line "
                 "manager alone and {own} from the person's own rating.", total).format(
            others=bases["others"], total=total, manager=bases["manager"], own=bases["self"]),
        _("The small-group rule: no figure in this report describes fewer than {k} people, and an area or a heat map "
          "cell with fewer is left out; nobody is named and no individual rating is shown. Each person receives "
          "their own profile separately.").format(k=k),
        _("A person meets a requirement when their assessed level is no more than {tolerance} under the level "
          "required at their job level: ratings are whole points, so a level that rounds to the required one meets "
          "it.").format(tolerance=points_text(tolerance)),
        _("A blind spot is an area where a person rates themself at least {gap} higher than their line manager "
          "does; a hidden strength, at least {gap} lower.").format(gap=points_text(gap)),
        required_sentence(data),
    ]
    return points


def required_sentence(data: CompetencyInput) -> str:
    """Which required profile the report uses: the instrument's, or the instrument's with the engagement's
    edits (how many, for which job levels)."""
    ins = data.instrument
    edited = sum(len(areas) for areas in data.required_edits.values())
    if not edited:
        return _("The required profile is the one of the instrument {title} ({id} {version}), unchanged by the "
                 "engagement.").format(title=ins.title, id=ins.id, version=ins.version)
    levels = ", ".join(ins.level_label(level) for level in data.required_edits)
    return ngettext("The required profile is the one of the instrument {title} ({id} {version}), with {n} required "
                    "level set by the engagement (for {levels}).",
                    "The required profile is the one of the instrument {title} ({id} {version}), with {n} required "
                    "levels set by the engagement (for {levels}).",
                    edited).format(title=ins.title, id=ins.id, version=ins.version, n=edited, levels=levels)


@dataclass(frozen=True)
class CohortFigures:
    """The cohort's figures, computed once so that every section shows the same numbers."""

    summary: dict
    distribution: pd.DataFrame
    needs: pd.DataFrame
    heatmap: pd.DataFrame
    self_others: pd.DataFrame


def cohort_figures(data: CompetencyInput) -> CohortFigures:
    r, o, c = data.results, data.organisation, data.cohort
    return CohortFigures(competency_summary(r, o, c, top=TOP_NEEDS), cohort_distribution(r, o, c),
                         training_needs(r, o, c), process_group_heatmap(r, o, c), self_vs_others(r, o, c))


def glance_points(data: CompetencyInput, figures: CohortFigures) -> list[str]:
    """The cohort at a glance: people assessed, requirements met, people meeting every requirement."""
    s = figures.summary
    n = s["n_people"]
    profile = data.results.profile
    judged = int(profile["below"].notna().sum())
    met = judged - int(profile["below"].fillna(False).astype(bool).sum())
    return [
        ngettext("{n} project manager assessed.", "{n} project managers assessed.", n).format(n=n),
        ngettext("{met} of the cohort's {judged} requirement (one person, one area) is met: {share}.",
                 "{met} of the cohort's {judged} requirements (one person, one area) are met: {share}.",
                 judged).format(met=met, judged=judged, share=percent(s.get("share_met"))),
        ngettext("{m} of {n} people meets every requirement of their job level.",
                 "{m} of {n} people meet every requirement of their job level.", int(s.get("n_meeting_all", 0))
                 ).format(m=s.get("n_meeting_all", 0), n=n),
    ]


def top_needs_points(needs: pd.DataFrame, top: int = TOP_NEEDS) -> list[str]:
    """The first ``top`` training needs in words (the ranked table's first rows)."""
    return [ngettext("{area}: {n} of {of} person below the required level, {short} points short on average.",
                     "{area}: {n} of {of} people below the required level, {short} points short on average.",
                     int(r.n_required)).format(area=r.label, n=int(r.n_below), of=int(r.n_required),
                                               short=fmt(r.mean_shortfall))
            if r.mean_shortfall == r.mean_shortfall else  # how far below fewer than min_raters are is not shown
            ngettext("{area}: {n} of {of} person below the required level.",
                     "{area}: {n} of {of} people below the required level.",
                     int(r.n_required)).format(area=r.label, n=int(r.n_below), of=int(r.n_required))
            for r in needs.head(top).itertuples()]


def ranking_sentence(data: CompetencyInput) -> str:
    return _("Ranking: areas with more people below the required level first; between equal counts, the larger mean "
             "shortfall (how far below, in scale points) first; then the instrument's order. An area appears when at "
             "least one person is below and at least {k} people were assessed in it.").format(k=data.min_raters) + (
        " " + _("How far below is shown, and orders equal counts, only when at least {k} people are below: for "
                "fewer it would be their own level.").format(k=data.min_raters))


def needs_table(needs: pd.DataFrame) -> pd.DataFrame:
    """The ranked training needs with their texts: ``rank, label, below_text, share_text, mean_shortfall,
    total_shortfall``."""
    return needs.assign(
        below_text=[_("{n} of {of}").format(n=int(r.n_below), of=int(r.n_required)) for r in needs.itertuples()],
        share_text=[percent(v) for v in needs["share_below"]]).reset_index()


def distribution_table(dist: pd.DataFrame, instrument: CompetencyInstrument) -> pd.DataFrame:
    """Per area shown: people at each level, the mean and the share below required (``share_text``); areas with
    fewer than ``min_raters`` people assessed are left out (see :func:`hidden_areas_sentence`)."""
    shown = dist[dist["shown"].astype(bool)].copy()
    shown["below_text"] = [_("{n} of {of}").format(n=_n(r.n_below), of=_n(r.n_required))
                           for r in shown.itertuples()]
    shown["share_text"] = [percent(v) for v in shown["share_below"]]
    for level in range(instrument.scale.min, instrument.scale.max + 1):
        shown[f"level_{level}"] = shown[f"level_{level}"].astype(int)
    return shown.reset_index()


def level_columns(instrument: CompetencyInstrument) -> dict[str, str]:
    """The distribution table's level columns and their headings (``3 Practitioner``)."""
    labels = instrument.scale.labels or {}
    return {f"level_{k}": f"{k} {labels.get(k, '')}".strip()
            for k in range(instrument.scale.min, instrument.scale.max + 1)}


def hidden_areas_sentence(dist: pd.DataFrame, min_raters: int) -> str | None:
    """The areas left out of the cohort's figures, and why; ``None`` when every area is shown."""
    hidden = dist[~dist["shown"].astype(bool)]
    if hidden.empty:
        return None
    return _("Left out, fewer than {k} people assessed: {areas}.").format(k=min_raters,
                                                                           areas=", ".join(hidden["label"]))


def self_others_table(table: pd.DataFrame) -> pd.DataFrame:
    """Self against others per area shown (``n`` at least ``min_raters``; others are each person's managers and
    peers pooled, however few, as the figure is the cohort's), with the blind spots and hidden strengths (over
    ``n_gap`` people with a self and a manager rating)."""
    shown = table[table["self"].notna() | table["blind_spots"].notna()].copy()
    for counted in ("n", "n_gap", "blind_spots", "hidden_strengths"):  # counts of people: whole numbers
        shown[counted] = shown[counted].astype("Int64")
    return shown.reset_index()


def self_others_sentence(table: pd.DataFrame, instrument: CompetencyInstrument) -> str:
    """The self-against-others section in one paragraph: the mean difference over the areas shown, the blind spots
    and hidden strengths in total, with the cut-off."""
    shown = table[table["difference"].notna()]
    gaps = table[table["blind_spots"].notna()]
    blind, hidden = int(gaps["blind_spots"].sum()), int(gaps["hidden_strengths"].sum())
    if shown.empty:
        first = _("No area has at least {k} people with both a self-rating and a rating by others."
                  ).format(k=instrument.min_raters)
    else:
        mean = float(shown["difference"].mean())
        first = (_("Over the {n} areas shown, people rate themselves {d} points higher than others do, on average.")
                 if mean >= 0 else
                 _("Over the {n} areas shown, people rate themselves {d} points lower than others do, on average.")
                 ).format(n=len(shown), d=fmt(abs(mean), 2))
    if gaps.empty:  # no area has enough people with a line manager's rating: nothing was counted, not zero
        second = _("Blind spots and hidden strengths are not counted: no area has at least {k} people rated by "
                   "themselves and by their line manager.").format(k=instrument.min_raters)
    else:
        second = _("Blind spots (self at least {gap} above the line manager): {blind}; hidden strengths (at least "
                   "{gap} below): {hidden}, counted over people and areas.").format(
            gap=points_text(instrument.gap_threshold), blind=blind, hidden=hidden)
    return f"{first} {second}"


def required_table(data: CompetencyInput) -> pd.DataFrame:
    """The required profile: one row per area (``label``), one column per job level (its label), ``NaN`` where a
    level has no requirement; marked ``*`` where the engagement set the level."""
    ins = data.instrument
    table = data.results.required
    rows = []
    for area in ins.area_ids:
        row = {"label": ins.area_label(area)}
        for level in ins.level_ids:
            value = table.loc[level, area]
            edited = area in data.required_edits.get(level, {})
            row[ins.level_label(level)] = (None if pd.isna(value) else
                                           format_number(float(value)) + (" *" if edited else ""))
        rows.append(row)
    return pd.DataFrame(rows)


# --- a person's own report --------------------------------------------------------------------------------------

def person_table(data: CompetencyInput) -> pd.DataFrame:
    """The person's profile (:func:`.competency_scoring.person_profile`)."""
    if data.subject is None:
        raise ValueError("a person's profile needs the subject")
    return person_profile(data.results, data.subject, data.organisation, data.cohort)


def profile_table(profile: pd.DataFrame) -> pd.DataFrame:
    """The profile with its texts: ``basis_text`` (where the assessed level comes from), ``flag_text`` (blind
    spot, hidden strength, aligned) and ``status_text`` (meets, below, no requirement)."""
    status = []
    for r in profile.itertuples():
        if _missing(r.below):
            status.append(_("no requirement") if _missing(r.required) else _("not assessed"))
        else:
            status.append(_("below") if bool(r.below) else _("meets"))
    return profile.assign(
        basis_text=[_(BASIS_WORDS[b]) if b in BASIS_WORDS else "" for b in profile["basis"]],
        flag_text=[_(FLAG_WORDS[f]) if f in FLAG_WORDS else "" for f in profile["gap_flag"]],
        status_text=status).reset_index()


def assessed_sentence(data: CompetencyInput, profile: pd.DataFrame) -> str:
    person = data.people[data.people["subject"] == data.subject].iloc[0]
    judged = profile[profile["below"].notna()]
    below = int(judged["below"].astype(bool).sum())
    if judged.size and not below:
        level = data.instrument.level_label(str(person["job_level"]))
        if len(judged) == 1:
            return _("The area with a requirement meets the level required of a {level}.").format(level=level)
        return _("Every one of the {n} areas with a requirement meets the level required of a {level}.").format(
            n=len(judged), level=level)
    return ngettext("{below} of {n} area with a requirement is below the level required of a {level}.",
                    "{below} of {n} areas with a requirement are below the level required of a {level}.",
                    len(judged)).format(below=below, n=len(judged),
                                        level=data.instrument.level_label(str(person["job_level"])))


def raters_sentence(data: CompetencyInput) -> str:
    """Who rated the person: counts by role (never the raters' names)."""
    person = data.people[data.people["subject"] == data.subject].iloc[0]
    own = _("a self-rating") if int(person["raters_self"]) else _("no self-rating")
    managers, peers = int(person["raters_manager"]), int(person["raters_peer"])
    return _("Rated by: {own}, {managers} and {peers}.").format(
        own=own, managers=ngettext("{n} line manager", "{n} line managers", managers).format(n=managers),
        peers=ngettext("{n} peer", "{n} peers", peers).format(n=peers))


def profile_notes(profile: pd.DataFrame, min_raters: int) -> list[str]:
    """Why a view is not shown, area by area grouped: peers pooled into others, others left out, no manager."""
    notes = []
    few_peers = profile[(profile["n_peers"] > 0) & profile["peers"].isna()]
    if len(few_peers):
        notes.append(_("Peers' ratings, and others' (line manager and peers together), are shown only when at least "
                       "{k} peers rated an area, so that no single colleague's rating can be worked out; fewer did "
                       "in: {areas}. There the peers' ratings are left out and the assessed level is the line "
                       "manager's rating or, without one, the self-rating.").format(
            k=min_raters, areas=_areas(few_peers, profile)))
    no_peers = profile[profile["n_peers"] == 0]
    if len(no_peers):
        notes.append(_("No peer rated: {areas}.").format(areas=_areas(no_peers, profile)))
    no_manager = profile[profile["manager"].isna()]
    if len(no_manager) and len(no_manager) < len(profile):
        notes.append(_("No line manager's rating in: {areas}.").format(areas=", ".join(no_manager["label"])))
    elif len(no_manager):
        notes.append(_("No line manager rated this person."))
    return notes


def shortfall_table(profile: pd.DataFrame) -> pd.DataFrame:
    """The areas below the required level, largest shortfall first: ``label, assessed, required, shortfall``."""
    below = profile[profile["below"].fillna(False).astype(bool)]
    return below.sort_values("shortfall", ascending=False, kind="stable").reset_index()[
        ["area", "label", "assessed", "required", "shortfall"]]


def gap_sentences(profile: pd.DataFrame, instrument: CompetencyInstrument) -> list[str]:
    """Blind spots and hidden strengths in words, with the cut-off; one sentence when there are none."""
    gap = points_text(instrument.gap_threshold)
    blind = profile[profile["gap_flag"] == "blind_spot"]
    hidden = profile[profile["gap_flag"] == "hidden_strength"]
    out = []
    if len(blind):
        out.append(_("Blind spots (self-rating at least {gap} above the line manager's): {areas}.").format(
            gap=gap, areas=", ".join(f"{r.label} ({_signed(r.gap)})" for r in blind.itertuples())))
    if len(hidden):
        out.append(_("Hidden strengths (self-rating at least {gap} below the line manager's): {areas}."
                     ).format(gap=gap, areas=", ".join(f"{r.label} ({_signed(r.gap)})" for r in hidden.itertuples())))
    if not out:
        if profile["gap"].notna().any():
            out.append(_("No blind spot or hidden strength: in every area the self-rating is less than {gap} from the "
                         "line manager's.").format(gap=gap))
        else:
            out.append(_("Without both a self-rating and a line manager's rating, blind spots and hidden strengths "
                         "cannot be told."))
    return out


def points_text(value: float) -> str:
    """A distance on the scale in words: ``1 point``, ``0.5 points``."""
    return ngettext("{n} point", "{n} points", 1 if float(value) == 1 else 2).format(n=format_number(float(value)))


def _areas(rows: pd.DataFrame, profile: pd.DataFrame) -> str:
    """The areas of ``rows`` by label, or "every area" when they are all of ``profile``'s."""
    return _("every area") if len(rows) == len(profile) else ", ".join(rows["label"])


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def suggestions_table(profile: pd.DataFrame, library: DevelopmentLibrary, per_area: int = 2) -> pd.DataFrame:
    """Development suggestions from the library for the areas below the required level
    (:func:`.competency_library.development_suggestions`)."""
    return development_suggestions(profile, library, per_area=per_area)


def load_library(data: CompetencyInput, path: str | Path | None = None) -> DevelopmentLibrary:
    return load_development_library(path, language=data.instrument.language, instrument=data.instrument)


def anchor_table(profile: pd.DataFrame, instrument: CompetencyInstrument) -> pd.DataFrame:
    """For each area below the required level: the required level (rounded up to a point of the scale), its name
    and its behavioural anchor, what the required level looks like."""
    labels = instrument.scale.labels or {}
    rows = []
    for area, r in profile[profile["below"].fillna(False).astype(bool)].iterrows():
        level = min(max(int(math.ceil(float(r["required"]) - 1e-9)), instrument.scale.min), instrument.scale.max)
        rows.append({"area": area, "label": r["label"], "level": level,
                     "level_text": f"{level} {labels.get(level, '')}".strip(),
                     "anchor": instrument.area(str(area)).anchors[level]})
    return pd.DataFrame(rows, columns=["area", "label", "level", "level_text", "anchor"])


# --- the positioning report's empowerment role -------------------------------------------------------------------

def example_subjects(data: CompetencyInput) -> list[str]:
    """Two people whose own profiles show what the report does (the demo's): the first, in file order, whose
    others' view is shown in every area and who is below the required level somewhere; and the first whose others'
    ratings are suppressed everywhere (fewer than ``min_raters`` others). Either may be missing."""
    profile = data.results.profile
    chosen = []
    for want_full in (True, False):
        for subject in data.people["subject"]:
            mine = profile[profile["subject"] == subject]
            shown = mine["others"].notna()
            if want_full and shown.all() and mine["below"].fillna(False).astype(bool).any():
                chosen.append(str(subject))
                break
            if not want_full and not shown.any():
                chosen.append(str(subject))
                break
    return chosen


def profile_points(data: CompetencyInput) -> list[str]:
    """How a person's own profile is made, in plain words with the numbers of its rules."""
    ins = data.instrument
    k = ins.min_raters
    return [
        _("Each rater's score in an area is the mean of the behaviours they rated there, counted only when they rated "
          "at least half of the behaviours expected at the job level."),
        _("The line manager's rating is shown as given. Peers' ratings, and others' (line manager and peers "
          "together), are shown only when at least {k} peers rated an area, so that no single colleague's rating "
          "can be picked out.").format(k=k),
        _("The assessed level is others' rating where it may be shown; else the line manager's; else the "
          "self-rating."),
        _("An area meets the required level when the assessed level is no more than {tolerance} under it.").format(
            tolerance=points_text(ins.tolerance)),
        _("A blind spot is an area rated at least {gap} higher by the person than by their line manager; a hidden "
          "strength, at least {gap} lower.").format(gap=points_text(ins.gap_threshold)),
        required_sentence(data),
    ]


def confidentiality_line(subject: str) -> str:
    """The confidentiality line of a person's own profile."""
    return _("Confidential: for {person} only, and for anyone they choose to share it with.").format(person=subject)
