"""What the progress report works from, prepared in one call, and the plain words it says.

:func:`progress_input` reads the answers (one file holding both waves in its ``wave`` column, or the earlier
wave's answers in a file of their own, possibly on an older instrument version), chooses the two waves
(:func:`choose_waves`), and compares them (:func:`~pmo_workbench.assessment.progress.compare_waves`). The
functions below turn the comparison into the tables and sentences the report shows, so that the notebook
holds narrative and display only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .._values import fmt, percent
from .._values import is_missing as _missing
from ..i18n import N_, _, format_number, ngettext
from ..errors import InputValidationError, Problem
from .engagement import Engagement, engagement_inputs
from .instrument import AD_HOC, Instrument, load_instrument
from .positioning import ANONYMOUS_MIN_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE
from .progress import (
    DEFAULT_MIN_CHANGE,
    MIN_EXPECTED,
    MIX_CUTOFF,
    MOVES,
    SHARE_SHIFT,
    VERDICTS,
    Progress,
    compare_waves,
)
from .report import fieldwork_dates
from .responses import read_responses, subject_problem
from .waves import select_wave, waves_of

STATUS_WORDS = {"done": N_("done"), "partly": N_("partly done"), "not done": N_("not done"),
                "unknown": N_("not recorded")}
"""Status of an initiative -> the words a report uses (in English: translate with ``_()`` where shown)."""


@dataclass(frozen=True)
class ProgressInput:
    """Everything the progress report shows, for one PMO and two waves."""

    organisation: str
    pmo: str
    instrument: Instrument
    earlier_instrument: Instrument
    progress: Progress
    answers_before: pd.DataFrame
    answers_after: pd.DataFrame
    min_group_size: int
    engagement: Engagement | None = None
    engagement_file: Path | None = None
    role_labels: dict[str, str] = field(default_factory=dict)
    dimension_labels: dict[str, str] = field(default_factory=dict)
    type_labels: dict[str, str] = field(default_factory=dict)

    @property
    def waves(self) -> tuple[str, str]:
        """The two waves as the report names them (``"earlier wave"``, ``"later wave"`` when unnamed)."""
        return wave_names(self.progress)

    @property
    def fieldwork(self) -> dict[str, list[str] | None]:
        """Wave name -> first and last ``assessed_on`` date of its answers (``None`` without dates)."""
        first, second = self.waves
        return {first: fieldwork_dates(self.answers_before), second: fieldwork_dates(self.answers_after)}


def wave_names(progress: Progress) -> tuple[str, str]:
    """The waves' labels, or ``"earlier wave"`` and ``"later wave"`` for a wave without one."""
    return progress.waves[0] or _("earlier wave"), progress.waves[1] or _("later wave")


def _problem(where: str, column: str | None, message: str) -> InputValidationError:
    return InputValidationError([Problem(where, None, column, message)])


def choose_waves(frame: pd.DataFrame, organisation: str, pmo: str, from_wave: str | None, to_wave: str | None, *,
                 where: str = "responses") -> tuple[str, str]:
    """The two waves of one PMO to compare: those named, else the two latest (in the order of
    :func:`~pmo_workbench.assessment.waves.waves_of`).

    Raises
    ------
    InputValidationError
        The responses name no wave, some of the PMO's answers have a wave and others none, the PMO has one
        wave only, a wave named is not one of the PMO's, the same
        wave is named twice, or ``from_wave`` comes after ``to_wave``.
    """
    if "wave" not in frame or frame["wave"].isna().all():
        raise _problem(where, "wave", "the responses name no wave: a progress report needs two waves of the PMO "
                                      "(a 'wave' column), or the earlier wave's answers in a file of their own")
    blank = frame["wave"].isna() | frame["wave"].astype(str).str.strip().eq("")
    if blank.any():  # an untidy merge: those answers would silently fall out of both waves
        who = frame.loc[blank, "respondent"].astype(str).unique()
        raise _problem(where, "wave", f"{int(blank.sum())} answers of PMO {pmo!r} of {organisation!r} (respondents "
                                      f"{', '.join(who[:5])}{', ...' if len(who) > 5 else ''}) have no wave while "
                                      "others have one: give every answer its wave")
    waves = [w for w in waves_of(frame, organisation, pmo) if w is not None]
    if len(waves) < 2:
        raise _problem(where, "wave", f"PMO {pmo!r} of {organisation!r} has answers of one wave only "
                                      f"({', '.join(waves) or 'none named'}); a progress report compares two")
    for name, wave in (("--from", from_wave), ("--to", to_wave)):
        if wave is not None and wave not in waves:
            raise _problem(where, "wave", f"{name}: PMO {pmo!r} of {organisation!r} has no wave {wave!r}; its waves "
                                          f"are {', '.join(waves)}")
    later = to_wave if to_wave is not None else waves[-1]
    earlier = from_wave if from_wave is not None else (
        [w for w in waves if waves.index(w) < waves.index(later)] or [None])[-1]
    if earlier == later:
        raise _problem(where, "wave", f"--from and --to name the same wave ({later}); a progress report compares two")
    if earlier is None:
        raise _problem(where, "wave", f"wave {later!r} is the earliest of {', '.join(waves)}: name an earlier one "
                                      "with --from")
    if waves.index(earlier) > waves.index(later):
        raise _problem(where, "wave", f"wave {earlier!r} comes after {later!r} ({', '.join(waves)}): --from names "
                                      "the earlier wave, --to the later")
    return earlier, later


def progress_input(responses: str | Path, organisation: str, pmo: str | None = None, *,
                   instrument: str | Path = "pmo-core", from_wave: str | None = None, to_wave: str | None = None,
                   earlier_responses: str | Path | None = None, earlier_instrument: str | Path | None = None,
                   engagement: str | Path | None = None, min_change: float = DEFAULT_MIN_CHANGE,
                   min_group_size: int | None = None, anonymous: bool = False) -> ProgressInput:
    """Read, check and compare what one PMO's progress report needs.

    Parameters
    ----------
    responses
        The answers: both waves in a ``wave`` column, or the later wave alone when ``earlier_responses`` holds
        the earlier one.
    organisation, pmo
        The PMO (``pmo`` may be left out when the organisation has one).
    from_wave, to_wave
        The waves to compare; by default the two latest. With ``earlier_responses``, ``from_wave`` picks a
        wave in that file and ``to_wave`` one in ``responses`` (each optional: the latest there).
    earlier_instrument
        The earlier wave's instrument (another version of ``instrument``), for ``earlier_responses``.
    engagement
        The engagement file (target, evidence and the ``done`` steps); by default ``engagement.yaml`` beside
        ``responses``.
    min_change
        The minimum meaningful change, in points.
    anonymous
        The answers were collected anonymously whatever the engagement file says (as the store records it): the
        minimum group size is then at least 5 and a wave with fewer respondents is refused.

    Raises
    ------
    InputValidationError
        A file is invalid, the organisation or PMO has no answers, the waves cannot be chosen
        (:func:`choose_waves`), or a wave has fewer respondents than the minimum group size.
    """
    size = DEFAULT_MIN_GROUP_SIZE if min_group_size is None else int(min_group_size)
    ins = load_instrument(instrument)
    everyone = read_responses(responses, ins)
    pmo = _the_pmo(everyone, organisation, pmo, str(responses))
    mine = everyone[(everyone["organisation"] == organisation) & (everyone["pmo"] == pmo)].reset_index(drop=True)
    if earlier_responses is None:
        earlier_ins = ins
        first, second = choose_waves(mine, organisation, pmo, from_wave, to_wave, where=str(responses))
        before, after = select_wave(mine, first), select_wave(mine, second)
    else:
        earlier_ins = load_instrument(earlier_instrument) if earlier_instrument is not None else ins
        old = read_responses(earlier_responses, earlier_ins)
        _the_pmo(old, organisation, pmo, str(earlier_responses))
        old = old[(old["organisation"] == organisation) & (old["pmo"] == pmo)].reset_index(drop=True)
        first, before = _one_wave(old, organisation, pmo, from_wave, str(earlier_responses))
        second, after = _one_wave(mine, organisation, pmo, to_wave, str(responses))
    entries, engagement_file, _unused = engagement_inputs(responses, everyone, ins, engagement=engagement)
    entry = None if entries is None else entries.for_pmo(organisation, pmo)
    if anonymous or (entry is not None and entry.anonymity == "anonymous"):
        size = max(size, ANONYMOUS_MIN_GROUP_SIZE)
        for wave, rows in ((first, before), (second, after)):
            n = rows["respondent"].nunique()
            if n < ANONYMOUS_MIN_GROUP_SIZE:
                raise _problem(str(responses), None, (
                    f"{organisation} / {pmo}: {n} respondents answered wave {wave or '(none named)'} anonymously, "
                    f"fewer than the minimum of {ANONYMOUS_MIN_GROUP_SIZE}; no progress report is rendered"))
    for wave, rows in ((first, before), (second, after)):
        n = rows["respondent"].nunique()
        if n < size:  # the wave's scores would be those few people's own answers
            raise _problem(str(responses), None, (
                f"{organisation} / {pmo}: {n} respondent{'s' if n != 1 else ''} answered wave "
                f"{wave or '(none named)'}, fewer than the minimum group size of {size}; a progress report would "
                "show their own answers, so none is rendered"))
    progress = compare_waves(before, after, ins, organisation, pmo, earlier_instrument=earlier_ins,
                             engagement=entries, min_change=min_change, waves=(first, second), min_group_size=size)
    if earlier_responses is None:
        given = entry is not None and bool(entry.target or entry.evidence or entry.context)
        rebuilt = () if not given or progress.roadmap.empty else (
            _("The {wave} roadmap is rebuilt from the {wave} answers with the engagement file's current target, "
              "context and evidence, which may differ from those of the roadmap given in {wave}.").format(wave=first),)
        progress = replace(progress, notes=progress.notes + rebuilt
                           + _done_notes(progress, waves_of(mine, organisation, pmo)))
    both = set(before["respondent"].astype(str)) & set(after["respondent"].astype(str))
    if both:  # a panel: Welch's method treats the waves as independent groups
        progress = replace(progress, notes=progress.notes + (ngettext(
            "{n} respondent label appears in both waves: if it is the same person, the waves are not independent "
            "groups as the confidence intervals assume; for people who answer alike twice the intervals are then "
            "wider than they need be.",
            "{n} respondent labels appear in both waves: if they are the same people, the waves are not independent "
            "groups as the confidence intervals assume; for people who answer alike twice the intervals are then "
            "wider than they need be.", len(both)).format(n=len(both)),))
    return ProgressInput(
        organisation=organisation, pmo=pmo, instrument=ins, earlier_instrument=earlier_ins, progress=progress,
        answers_before=before, answers_after=after, min_group_size=size, engagement=entries,
        engagement_file=engagement_file, role_labels={r.id: r.label for r in (*earlier_ins.roles, *ins.roles)},
        dimension_labels={d.id: d.label for d in ins.dimensions},
        type_labels={AD_HOC: ins.type_label(AD_HOC), **{t.id: t.label for t in (*earlier_ins.types, *ins.types)}})


def _done_notes(progress: Progress, waves: list[str | None]) -> tuple[str, ...]:
    """A caveat when the PMO has more than two waves: the engagement file's one ``done`` list is not tied to a
    wave, so steps finished before the earlier wave compared may be credited to its roadmap."""
    named = [w for w in waves if w is not None]
    if len(named) <= 2 or progress.roadmap.empty or progress.roadmap["status"].eq("unknown").all():
        return ()
    return (_("The PMO has answers of {n} waves ({waves}); the engagement file's list of steps done is not tied to a "
              "wave, so some may have been finished before {first} and are credited here to the {first} "
              "roadmap.").format(n=len(named), waves=", ".join(named), first=progress.waves[0]),)


def _the_pmo(frame: pd.DataFrame, organisation: str, pmo: str | None, where: str) -> str:
    found = subject_problem(frame, organisation, pmo)
    if found is not None:
        raise _problem(where, found[0], found[1])
    if pmo is not None:
        return pmo
    pmos = list(dict.fromkeys(frame.loc[frame["organisation"] == organisation, "pmo"].astype(str)))
    if len(pmos) > 1:
        raise _problem(where, "pmo", f"organisation {organisation!r} has several PMOs ({', '.join(pmos)}): name one")
    return pmos[0]


def _one_wave(frame: pd.DataFrame, organisation: str, pmo: str, wave: str | None, where: str,
              ) -> tuple[str | None, pd.DataFrame]:
    """The rows of the wave named, else of the PMO's latest wave in a file of one wave's answers."""
    waves = waves_of(frame, organisation, pmo)
    if wave is not None and wave not in waves:
        raise _problem(where, "wave", f"PMO {pmo!r} of {organisation!r} has no wave {wave!r} here; its waves are "
                                      f"{', '.join(w or '(none named)' for w in waves)}")
    chosen = wave if wave is not None else waves[-1]
    return chosen, select_wave(frame, chosen)


# --- what the report says (in the current language: see pmo_workbench.i18n) ----------------------

def signed(value: float, digits: int = 1) -> str:
    """``+7.3``, ``-2.0``, ``0.0`` (a change that rounds to nothing, either way: no sign), or the missing marker;
    in the current locale (``+7,3`` in German)."""
    if _missing(value):
        return fmt(None)
    shown = round(float(value), digits) + 0.0  # never "-0.0"
    return fmt(shown, digits) if shown <= 0 else "+" + fmt(shown, digits)


def ci_text(low: float, high: float) -> str:
    """``"+1.2 to +13.4"``, or ``"none (fewer than 2 respondents in a wave)"``."""
    if _missing(low) or _missing(high):
        return _("none (fewer than 2 respondents in a wave)")
    return _("{low} to {high}").format(low=signed(low), high=signed(high))


def change_table(progress: Progress) -> pd.DataFrame:
    """The dimensions compared, with the change, its CI and the verdict as text (and the overall row last)."""
    dims = progress.dimensions
    overall = {"dimension": "overall", "label": _("Overall (respondents' own overall scores)"), **progress.overall}
    frame = pd.concat([dims, pd.DataFrame([overall])], ignore_index=True) if len(dims) else pd.DataFrame([overall])
    return frame.assign(
        change_text=[signed(v) for v in frame["change"]],
        ci_text=[ci_text(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"])],
        verdict_text=[_(VERDICTS[v]) for v in frame["verdict"]],
        respondents=[f"{int(b)} / {int(a)}" for b, a in zip(frame["n_before"], frame["n_after"])])


def change_sentence(label: str, row, min_change: float) -> str:
    """One dimension's change in plain words, e.g. "Monitoring and reporting improved by 12.4 points (95% CI
    +4.1 to +20.7)"."""
    verdict = row["verdict"]
    if verdict == "too_few":
        return _("{label}: too few answers in a wave to say whether it changed.").format(label=label)
    ci = ci_text(row["ci_low"], row["ci_high"])
    if verdict == "improved":
        return _("{label} improved by {points} points (95% CI {ci}).").format(
            label=label, points=fmt(row["change"]), ci=ci)
    if verdict == "declined":
        return _("{label} declined by {points} points (95% CI {ci}).").format(
            label=label, points=fmt(-row["change"]), ci=ci)
    if row["ci_low"] > 0 or row["ci_high"] < 0:
        return _("{label}: a change of {change} points, distinguishable from no change but under the {minimum}-point "
                 "minimum that matters.").format(label=label, change=signed(row["change"]),
                                                  minimum=format_number(min_change))
    return _("{label}: {change} points, but the 95% CI ({ci}) holds 0, so chance cannot be ruled out.").format(
        label=label, change=signed(row["change"]), ci=ci)


def headline(progress: Progress, type_labels: dict[str, str]) -> list[str]:
    """The executive summary's statements: the overall change, the dimensions that moved, the type, the roadmap."""
    first, second = wave_names(progress)
    o = progress.overall
    dims = progress.dimensions
    overall = _("The overall score ({before} in {first}, {after} in {second})").format(
        before=fmt(o["score_before"]), first=first, after=fmt(o["score_after"]), second=second)
    lines = [change_sentence(overall, o, progress.min_change)]
    up = dims[dims["verdict"] == "improved"]["label"].tolist()
    down = dims[dims["verdict"] == "declined"]["label"].tolist()
    scored = int((dims["n_before"].gt(0) & dims["n_after"].gt(0)).sum())
    improved = (ngettext("{n} of {total} dimensions compared improved meaningfully: {names}",
                         "{n} of {total} dimensions compared improved meaningfully: {names}", len(up)) if up else
                _("{n} of {total} dimensions compared improved meaningfully")).format(
                    n=len(up), total=scored, names=", ".join(up))
    declined = (ngettext("{n} declined: {names}.", "{n} declined: {names}.", len(down)) if down else
                _("{n} declined.")).format(n=len(down), names=", ".join(down))
    lines.append(_("{improved}; {declined}").format(improved=improved, declined=declined))
    for side, wave in (("n_before", first), ("n_after", second)):
        gone = dims.loc[dims[side].eq(0), "label"].tolist()
        if gone:
            lines.append(ngettext("{names} had no answers in {wave}: left out of the comparison and of the overall "
                                  "score.",
                                  "{names} had no answers in {wave}: left out of the comparison and of the overall "
                                  "score.", len(gone)).format(names=", ".join(gone), wave=wave))
    lines.append(type_sentence(progress, type_labels))
    follow = follow_through_sentence(progress)
    if follow:
        lines.append(follow)
    return lines + list(progress.notes)


def type_sentence(progress: Progress, type_labels: dict[str, str]) -> str:
    """The PMO's type in each wave, and its target's gates then and now."""
    first, second = wave_names(progress)
    before, after = (type_labels.get(t, t) for t in (progress.type_before, progress.type_after))
    text = (_("The PMO's type stayed {type} ({first} and {second}).").format(type=after, first=first, second=second)
            if before == after else
            _("The PMO's type moved from {before} in {first} to {after} in {second}.").format(
                before=before, first=first, after=after, second=second))
    t = progress.target
    if t:
        target = (_("Its target, {target}, has {gates} gates: {passed_before} passed in {first}, {passed_after} in "
                    "{second} (met with the whole 95% range: {met_before} then, {met_after} now); the target is "
                    "reached.") if t["reached_after"] else
                  _("Its target, {target}, has {gates} gates: {passed_before} passed in {first}, {passed_after} in "
                    "{second} (met with the whole 95% range: {met_before} then, {met_after} now)."))
        text += " " + target.format(target=type_labels.get(t["id"], t["id"]), gates=t["gates_after"],
                                    passed_before=t["passed_before"], first=first, passed_after=t["passed_after"],
                                    second=second, met_before=t["met_before"], met_after=t["met_after"])
    return text


def gate_table(progress: Progress, dimension_labels: dict[str, str], type_labels: dict[str, str]) -> pd.DataFrame:
    """Every gate: type, dimension, gate, the score and state in each wave, and the movement in words."""
    g = progress.gates
    state = {"met": _("met"), "borderline": _("borderline"), "not_met": _("not met"), None: fmt(None)}
    return g.assign(type_label=g["type"].map(type_labels), label=g["dimension"].map(dimension_labels),
                    state_before_text=[state.get(s, s) for s in g["state_before"]],
                    state_after_text=[state.get(s, s) for s in g["state_after"]],
                    move_text=[_(MOVES[m]) if m in MOVES else m for m in g["move"]])


def roadmap_table(progress: Progress) -> pd.DataFrame:
    """The earlier roadmap's initiatives: steps done of steps, status and the change of their dimension."""
    r = progress.roadmap
    verdicts = {**VERDICTS, "not_compared": N_("not compared")}
    return r.assign(done_text=[_("{done} of {steps}").format(done=len(d), steps=len(s))
                               for d, s in zip(r["steps_done"], r["steps"])],
                    status_text=[_(STATUS_WORDS[x]) if x in STATUS_WORDS else x for x in r["status"]],
                    change_text=[signed(v) for v in r["change"]],
                    verdict_text=[_(verdicts[v]) if v in verdicts else v for v in r["verdict"]])


def follow_through_sentence(progress: Progress) -> str | None:
    """How much of the earlier roadmap was done, and whether the dimensions of the finished initiatives moved."""
    r = progress.roadmap
    first = wave_names(progress)[0]
    if r.empty:
        return None
    if r["status"].eq("unknown").all():
        return ngettext("No record of the roadmap steps done since {wave} was given (the engagement's done list), "
                        "so whether the {n} initiative of the {wave} roadmap was carried out is not known.",
                        "No record of the roadmap steps done since {wave} was given (the engagement's done list), "
                        "so whether the {n} initiatives of the {wave} roadmap were carried out is not known.",
                        len(r)).format(wave=first, n=len(r))
    done, partly = int((r["status"] == "done").sum()), int((r["status"] == "partly").sum())
    text = ngettext("Of the {n} initiatives of the {wave} roadmap, {done} was done and {partly} partly done",
                    "Of the {n} initiatives of the {wave} roadmap, {done} were done and {partly} partly done",
                    done).format(n=len(r), wave=first, done=done, partly=partly)
    finished = r[r["status"] == "done"]
    if len(finished):
        moved = int(finished["verdict"].eq("improved").sum())
        text += _("; the dimension of {moved} of the {done} done improved meaningfully").format(
            moved=moved, done=len(finished))
    return text + "."


def role_table(progress: Progress, min_group_size: int) -> pd.DataFrame:
    """The role mix for display: counts and shares, a role with fewer respondents than ``min_group_size`` (but
    some) shown as "fewer than N" (its share hidden too), as everywhere in the reports."""
    t = progress.roles.table
    out = t[["label"]].copy()
    fewer = _("fewer than {n}").format(n=min_group_size)
    for side in ("before", "after"):
        small = (t[f"n_{side}"] > 0) & (t[f"n_{side}"] < min_group_size)
        out[f"n_{side}"] = [fewer if s else str(int(n)) for n, s in zip(t[f"n_{side}"], small)]
        out[f"share_{side}"] = [fmt(None) if s else percent(v) for v, s in zip(t[f"share_{side}"], small)]
    return out


def mix_sentence(progress: Progress) -> str:
    """The chi-square test of the role mix in plain words, with its cut-off."""
    mix = progress.roles
    if _missing(mix.p_value):
        return _("The role mix cannot be tested: fewer than two roles answered. A change may still come from who "
                 "answered.")
    cutoff, shift = format_number(mix.cutoff), format_number(SHARE_SHIFT * 100)
    words = (_("under {cutoff}: the mixes differ, so part of a change may come from who answered") if mix.differs else
             _("at or over {cutoff}: the test cannot tell the two mixes apart, which with few respondents does not "
               "show they are alike")).format(cutoff=cutoff)
    if mix.exact:
        text = _("Comparability: a chi-square test of homogeneity asks whether two groups drawn from one mix of roles "
                 "would differ as much as these do; some role has an expected count under {minimum}, so the "
                 "chi-square approximation does not hold and the p-value is exact (every table with the same role "
                 "totals and wave sizes counted). Here p = {p} ({words}). With few respondents per role the test can "
                 "miss a real difference; a role whose share moved by {shift} points or more is named below.")
    else:
        text = _("Comparability: a chi-square test of homogeneity asks whether two groups drawn from one mix of roles "
                 "would differ as much as these do. Here p = {p} ({words}). With few respondents per role the test "
                 "can miss a real difference; a role whose share moved by {shift} points or more is named below.")
    return text.format(minimum=format_number(MIN_EXPECTED), p=fmt(mix.p_value, 3), words=words, shift=shift)


def not_compared_sentence(progress: Progress) -> str | None:
    """Which dimensions were left out because the waves used different instrument versions, and why."""
    left = progress.not_compared
    if left.empty:
        return None
    parts = [_("{dimension} ({version}: {reason})").format(dimension=r.label, version=r.version, reason=r.reason)
             for r in left.itertuples(index=False)]
    return _("The waves used {first} and {second}: only dimensions the instrument maps from one version to the other "
             "are compared. Not compared: {parts}.").format(first=progress.instruments[0],
                                                           second=progress.instruments[1], parts="; ".join(parts))


def methodology_points(progress: Progress) -> list[str]:
    """Each statistic of the report in plain words, with its cut-off."""
    return [
        _("A dimension's score in a wave is the mean of that wave's respondents' scores on it (0-100)."),
        _("The change is the later score minus the earlier one. Its 95% confidence interval (CI) comes from "
          "Welch's t method: the two waves are taken as different people, and their spreads are not assumed "
          "equal. The CI is the range of changes the answers are consistent with; it needs at least 2 respondents "
          "in each wave."),
        _("A change is called meaningful when its CI excludes 0 (chance is an unlikely explanation) and it is at "
          "least {minimum} points either way (large enough to matter). A change meeting only one of the two is "
          "reported as no clear change.").format(minimum=format_number(progress.min_change)),
        _("The overall change uses each respondent's own overall score (the weighted mean of their dimension "
          "scores on the dimensions compared), so it can differ slightly from the overall scores of the "
          "positioning reports."),
        _("Gates and the type are judged in each wave on that wave's own scores and instrument, as in the "
          "positioning report: a gate passes when the score is at or above it, and is met when its whole 95% "
          "range is."),
        _("Comparability: the chi-square test of homogeneity compares the role mixes; p under {cutoff} means they "
          "differ. When an expected count is under {minimum} the p-value is exact rather than from the chi-square "
          "distribution. A role whose share moved by {shift} points or more is named whatever the test "
          "says.").format(cutoff=format_number(MIX_CUTOFF), minimum=format_number(MIN_EXPECTED),
                          shift=format_number(SHARE_SHIFT * 100)),
    ]
