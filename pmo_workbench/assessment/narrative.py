"""The sentences and tables a report uses to say where a PMO stands, in words a client executive reads.

Each function takes one PMO's assessment (and the instrument, for labels) and
returns a string, a list of strings or a DataFrame. The wording follows the
numbers: the type with its certainty and the gate that decides it, the
profile across the types, the target and what it still needs, the customers'
view beside the PMO's own staff, agreement and reliability with their
cut-offs, the evidence checklist and the PMO's context. Re-exported by
:mod:`pmo_workbench.assessment.insights`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._values import MISSING
from .._values import is_missing as _missing
from .._values import join_words as _join
from .engagement import EVIDENCE_LABELS
from .instrument import AD_HOC, Instrument
from .results import PmoAssessment
from .positioning import DEFAULT_MIN_GROUP_SIZE
from .scoring import ALPHA_LOW, ALPHA_LOW_NOTE, RWG_CUTOFF, ad_cutoff, maturity_level

SELF_GAP = 10.0
"""When the PMO's own staff and its customers differ by this many points or more overall, the summary leads with
the customers' view and says so."""
TARGET_SOURCE_WORDS = {
    "option": "set for this engagement",
    "manifest": "set for this engagement",
    "store": "set for this engagement",
    "engagement": "set for this engagement",
    "instrument": "the usual aim for a PMO at this level",
}
"""How a report explains where a target type comes from."""
_GAP_COLUMNS = ["dimension", "label", "score", "gate", "points_needed", "note"]
_EVIDENCE_COLUMNS = ["id", "text", "dimension", "label", "answer", "note"]
_CONTEXT_COLUMNS = ["id", "text", "answer"]


def _name(a: PmoAssessment) -> str:
    return a.pmo if a.pmo.lower().startswith("the ") else f"The {a.pmo}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _gap_words(gaps: pd.DataFrame) -> str:
    return _join([f"a score on {g.label}" if _missing(g.points_needed) else f"{g.points_needed:.1f} more points on "
                  f"{g.label}" for g in gaps.itertuples(index=False)])


def summary_sentence(a: PmoAssessment, instrument: Instrument, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> str:
    """One plain sentence: the PMO's type, its overall maturity, and what its target still needs.

    When the summary leads with the customers' view (:func:`customers_view`),
    the maturity is theirs, with the score counting the PMO's own staff beside it.

    Examples
    --------
    "The PMO of Org is a Controlling PMO with an overall maturity of 62.5
    (level 4 of 5, Advanced); its target, Strategic (set for this engagement),
    needs 20.0 more points on People."

    At or above its target: "... it is at its target type, Controlling (the
    usual aim for a PMO at this level), so the roadmap works on maturity within
    its type." Without a target, the type above is named instead ("to become
    Strategic it needs ..."); at the top, "it meets every type's gates".
    """
    t = a.type
    type_label = instrument.type_label(t.type)
    view = customers_view(a, min_group_size)
    if _missing(a.overall_score):
        maturity = "with no overall maturity score yet"
    elif view["lead"]:
        maturity = (f"with an overall maturity of {view['customers']:.1f} in its customers' view"
                    f"{_level_words(instrument, maturity_level(view['customers'], instrument.maturity_thresholds))}"
                    f", {a.overall_score:.1f} counting its own staff")
    else:
        maturity = f"with an overall maturity of {a.overall_score:.1f}{_level_words(instrument, a.overall_level)}"
    if t.target is not None:
        target = f"{instrument.type_label(t.target.id)} ({TARGET_SOURCE_WORDS[t.target.source]})"
        if t.target_reached:
            ahead = (f"it is at its target type, {target}" if t.target.id == t.type
                     else f"it is above its target type, {target}")
            ahead += ", so the roadmap works on maturity within its type"
        else:
            ahead = f"its target, {target}, needs {_gap_words(goal_gaps(a, instrument))}"
    elif t.next_type is None:
        ahead = "it meets every type's gates"
    else:
        ahead = f"to become {t.next_label} it needs {_gap_words(goal_gaps(a, instrument))}"
    name = _name(a)
    if a.self_respondents and a.self_respondents == a.respondents:  # nobody outside the PMO answered
        name = f"By its own staff's account (no customer answered), {name[0].lower()}{name[1:]}"
    if t.type == AD_HOC:
        return f"{name} of {a.organisation} does not yet work as a PMO of any type (ad hoc), {maturity}; {ahead}."
    return f"{name} of {a.organisation} is {_article(type_label)} {type_label} PMO {maturity}; {ahead}."


def _level_words(instrument: Instrument, level: int | None) -> str:
    """`` (level 3 of 5, Established)``, or nothing without a level."""
    if level is None:
        return ""
    name = instrument.level_names.get(level)
    return f" (level {level} of {len(instrument.maturity_thresholds) + 1}" + (f", {name})" if name else ")")


def goal_gaps(a: PmoAssessment, instrument: Instrument) -> pd.DataFrame:
    """The failing gates of the type the roadmap leads to (the target above the PMO's type, or, without a
    target, the type above).

    Returns
    -------
    pandas.DataFrame
        Columns ``dimension``, ``label``, ``score``, ``gate``,
        ``points_needed`` (``gate - score``) and ``note`` (``"no score"``
        where the dimension has no score, else missing). Unscored first, then
        most points needed first; equal needs keep the instrument's order.
        Empty when there is no such type (at or above the target, or at the top).
    """
    goal = a.type.goal
    if goal is None:
        return pd.DataFrame(columns=_GAP_COLUMNS)
    return _failing(a, instrument, goal)


def next_type_gaps(a: PmoAssessment, instrument: Instrument) -> pd.DataFrame:
    """The failing gates of the type directly above the PMO's (deprecated: reports use :func:`goal_gaps`)."""
    if a.type.next_type is None:
        return pd.DataFrame(columns=_GAP_COLUMNS)
    return _failing(a, instrument, a.type.next_type)


def _failing(a: PmoAssessment, instrument: Instrument, type_id: str) -> pd.DataFrame:
    ladder = a.type.ladder
    unmet = ladder[(ladder["type"] == type_id) & ~ladder["passes"].astype(bool)]
    out = pd.DataFrame({
        "dimension": unmet["dimension"].to_numpy(object),
        "label": unmet["dimension"].map(instrument.dimension_table["label"]).to_numpy(object),
        "score": unmet["score"].to_numpy(float),
        "gate": unmet["gate"].to_numpy(float),
        "points_needed": (unmet["gate"] - unmet["score"]).to_numpy(float),
    })
    out["note"] = pd.Series(np.where(out["score"].isna(), "no score", None), dtype=object)
    out = out.sort_values("points_needed", ascending=False, na_position="first", kind="stable")
    return out[_GAP_COLUMNS].reset_index(drop=True)


def profile_sentence(a: PmoAssessment, instrument: Instrument) -> str:
    """How far the PMO fits each type, e.g. "It fits the Supportive and Controlling types fully and the Strategic
    type partly (1 of its 4 gates)." """
    full, partly, none = [], [], []
    for p in a.type.profile.itertuples(index=False):
        if p.passed == p.gates:
            full.append(p.label)
        elif p.passed:
            partly.append(f"the {p.label} type partly ({p.passed} of its {p.gates} gates)")
        else:
            none.append(p.label)
    parts = []
    if full:
        parts.append(f"the {_join(full)} type{'s' if len(full) > 1 else ''} fully")
    parts.extend(partly)
    sentence = f"It fits {_join(parts)}." if parts else "It meets none of the types' gates yet."
    if none and parts:
        sentence += f" It meets no gate of the {_join(none)} type{'s' if len(none) > 1 else ''}."
    return sentence


def certainty_sentence(a: PmoAssessment, instrument: Instrument) -> str:
    """Whether the type is firm, and which gate decides it, in plain words."""
    t = a.type
    labels = instrument.dimension_table["label"]
    if t.certainty == "firm":
        if not t.decided_by:
            return "This placement is firm."
        g = t.decided_by[0]
        return (f"This placement is firm: the 95% confidence range of every deciding score lies clear of its gate; "
                f"the closest is {labels.get(g['dimension'], g['dimension'])} ({g['score']:.1f} against the "
                f"{instrument.type_label(g['type'])} gate of {g['gate']:.0f}).")
    shaky = []
    for g in t.decided_by:
        row = t.ladder[(t.ladder["type"] == g["type"]) & (t.ladder["dimension"] == g["dimension"])].iloc[0]
        label = labels.get(g["dimension"], g["dimension"])
        if _missing(row["ci_low"]):
            shaky.append(f"{label} ({row['score']:.1f}, too few respondents for a confidence range; "
                         f"{instrument.type_label(g['type'])} gate {g['gate']:.0f})")
        else:
            shaky.append(f"{label} ({row['score']:.1f}, range {row['ci_low']:.1f} to {row['ci_high']:.1f}, "
                         f"against the {instrument.type_label(g['type'])} gate of {g['gate']:.0f})")
    ranges = "range" if len(shaky) == 1 else "ranges"
    crosses = "crosses its gate" if len(shaky) == 1 else "cross their gates"
    return (f"This placement is borderline: the 95% confidence {ranges} of {_join(shaky)} {crosses}, so a few "
            "different answers could change the type.")


def foundation_sentence(a: PmoAssessment, instrument: Instrument) -> str | None:
    """The failing gates of types below the PMO's, as one sentence; ``None`` when there are none."""
    gaps = a.type.foundation_gaps
    if gaps.empty:
        return None
    labels = instrument.dimension_table["label"]
    parts = [f"{labels.get(g.dimension, g.dimension)} ({'no score' if _missing(g.score) else f'{g.score:.1f}'} "
             f"against the {instrument.type_label(g.type)} gate of {g.gate:.0f})" for g in gaps.itertuples()]
    return (f"Foundation gaps: {_join(parts)}. They do not change the type, but a PMO of this type is expected "
            "to have them in place.")


def customers_view(a: PmoAssessment, min_group_size: int) -> dict:
    """The customers' view beside the PMO's own staff, and whether a report should lead with it.

    Returns a dict: ``lead`` (the self group differs from the customers by
    :data:`SELF_GAP` points or more overall), ``customers`` (their overall
    score), ``customers_n``, ``self`` (the self group's overall score),
    ``self_n``, ``difference`` (self minus customers) and ``sentence``
    (``None`` when the PMO has no self respondents). When either group is
    smaller than ``min_group_size``, neither view is shown (beside the pooled
    score, one would reveal the other by subtraction): the scores are ``None``
    and the sentence says why.
    """
    self_n = a.self_respondents
    customers_n = a.respondents - self_n
    view = {"lead": False, "customers": None, "customers_n": customers_n, "self": None, "self_n": self_n,
            "difference": None, "sentence": None}
    if self_n == 0:
        return view
    if customers_n == 0:
        view["sentence"] = ("Only the PMO's own staff answered: this is their self-assessment, with no view from the "
                            "people the PMO serves, and staff usually rate their own PMO higher than its customers "
                            "do. Read the type and the strengths as the staff's own view.")
        return view
    if _missing(a.overall_customers):
        small = ("its own staff" if self_n < min_group_size else "its customers"
                 if customers_n < min_group_size else "some of its customers' roles")
        view["sentence"] = (f"The PMO's own staff are not shown apart from its customers: {small} are too few "
                            f"(fewer than {min_group_size}), and showing either view would reveal individual "
                            "answers. Every score here counts all respondents, the PMO's staff included.")
        return view
    view["customers"] = float(a.overall_customers)
    view["self"] = None if _missing(a.overall_self) else float(a.overall_self)
    if view["self"] is None:
        return view
    difference = view["self"] - view["customers"]
    view["difference"] = difference
    if abs(difference) >= SELF_GAP:
        view["lead"] = True
        direction = "higher" if difference > 0 else "lower"
        view["sentence"] = (f"The PMO's own staff rate it {abs(difference):.1f} points {direction} than its "
                            f"customers do ({view['self']:.1f} against {view['customers']:.1f}), so this summary "
                            f"leads with the customers' view: the {customers_n} respondents outside the PMO.")
        # The type is judged on every respondent's scores; say where the customers alone would not carry it.
        ladder = a.type.ladder
        own = ladder[ladder["type"] == a.type.type]
        customers = a.dimensions.set_index("dimension")
        short = [f"{customers.at[g.dimension, 'label']} ({customers.at[g.dimension, 'score_customers']:.1f} "
                 f"against {g.gate:.0f})" for g in own.itertuples(index=False)
                 if not _missing(customers.at[g.dimension, "score_customers"])
                 and customers.at[g.dimension, "score_customers"] < g.gate]
        if short:
            gates = "gate" if len(short) == 1 else "gates"
            view["sentence"] += (f" The type counts every respondent; in the customers' view alone, "
                                 f"{_join(short)} would fall short of the type's {gates}.")
    else:
        view["sentence"] = (f"The PMO's own staff and its customers broadly agree ({view['self']:.1f} against "
                            f"{view['customers']:.1f} overall).")
    return view


def data_basis(a: PmoAssessment, instrument: Instrument, min_group_size: int) -> str:
    """Who answered, by role, with roles too small to show counted together, e.g. "12 respondents (Executive 4,
    PMO staff 3, Project manager 5) answered 94% of the items put to them on the scale."

    When people were invited by link (the engagement entry's ``invited``), the sentence gives the response rate
    as ``pmo-workbench status`` does: the invited who submitted (the entry's ``submitted``) against the invited,
    by role: "12 of 20 people invited (60%) answered: Executive 4 of 5, PMO staff 3 of 5, Project manager 5 of 10.
    They answered 94% of the items put to them on the scale." Respondents who came another way (imported answers,
    interviews) are stated apart: "...; plus 4 respondents who answered by other means." A role with respondents
    but fewer than ``min_group_size`` is counted with the other small ones (answered and invited); a role invited
    but with no respondent shows as "0 of n".
    """
    invited = {} if a.engagement is None else dict(a.engagement.invited)
    if sum(invited.values()) > 0:
        return _response_rate(a, instrument, min_group_size, invited)
    shown, hidden = [], 0
    labels = {r.id: r.label for r in instrument.roles}
    for role, n in a.respondents_by_role.items():
        if n >= min_group_size:
            shown.append(f"{labels.get(role, role)} {int(n)}")
        elif n > 0:
            hidden += int(n)
    if hidden:
        shown.append(f"{hidden} in roles too small to show apart")
    people = "respondent" if a.respondents == 1 else "respondents"
    return (f"{a.respondents} {people} ({', '.join(shown)}) answered {a.answer_rate:.0%} of the items put to them on "
            "the scale.")


def _response_rate(a: PmoAssessment, instrument: Instrument, min_group_size: int, invited: dict[str, int]) -> str:
    """:func:`data_basis` when people were invited: the invited who submitted against the invited, by role, and
    the respondents who came another way apart."""
    present = {str(role): int(n) for role, n in a.respondents_by_role.items()}
    recorded = a.engagement.submitted if a.engagement is not None else None
    # Without a recorded count (an older file), a role's respondents are taken as its invited who answered.
    submitted = {role: min(n, invited.get(role, 0)) for role, n in present.items()} if recorded is None \
        else dict(recorded)
    shown, hidden, hidden_invited, others = [], 0, 0, 0
    for role in instrument.roles:
        n, of, here = submitted.get(role.id, 0), invited.get(role.id, 0), present.get(role.id, 0)
        others += max(0, here - n)  # a forgotten respondent still counts as submitted, not as another's answer
        if n == 0 and of == 0:
            continue
        if 0 < here < min_group_size or (here == 0 and 0 < n < min_group_size):
            hidden, hidden_invited = hidden + n, hidden_invited + of
        else:
            shown.append(f"{role.label} {n} of {of}")
    if hidden or hidden_invited:
        shown.append(f"{hidden} of {hidden_invited} in roles too small to show apart")
    total, answered = sum(invited.values()), sum(submitted.get(role.id, 0) for role in instrument.roles)
    people = "person" if total == 1 else "people"
    plus = "" if not others else \
        f"; plus {others} {'respondent' if others == 1 else 'respondents'} who answered by other means"
    return (f"{answered} of {total} {people} invited ({answered / total:.0%}) answered: {', '.join(shown)}{plus}. "
            f"They answered {a.answer_rate:.0%} of the items put to them on the scale.")


def agreement_label(row) -> str:
    """How a table shows agreement on one dimension: ``split``, ``agree``, ``low`` or the missing marker.

    A dimension with a split item is never shown as "agree".
    """
    if len(getattr(row, "split_items", ()) or ()):
        return "split"
    if _missing(row.agree):
        return MISSING
    return "agree" if bool(row.agree) else "low"


def agreement_notes(a: PmoAssessment, instrument: Instrument) -> list[str]:
    """One plain sentence per dimension whose agreement is low or whose items are split."""
    notes = []
    item_text = instrument.items["text"]
    for r in a.dimensions.itertuples(index=False):
        if r.split_items:
            items = _join([f"{i} (\u201c{item_text[i]}\u201d)" for i in r.split_items])
            notes.append(f"On {r.label}, views are split on {items}: at least a quarter of the answers sit in the "
                         "bottom two points of the scale and a quarter in the top two, so the average hides two "
                         "camps.")
        elif r.agree is False or (not _missing(r.agree) and not bool(r.agree)):
            notes.append(f"On {r.label}, respondents do not agree (r*wg(J) {r.rwg_star_j:.2f}, AD {r.ad_m:.2f}): the "
                         "score averages differing views, so read it with the scores by role.")
    return notes


def reliability_label(row) -> str:
    """Alpha as a table cell: ``"0.86 (n = 11)"``, ``"0.35, low (n = 11)"`` (:func:`reliability_notes` says what
    low means, beside the table), or ``"not computed"``."""
    if _missing(row.alpha):
        return "not computed"
    low = ", low" if row.alpha < ALPHA_LOW else ""
    return f"{row.alpha:.2f}{low} (n = {int(row.alpha_n)})"


def reliability_notes(a: PmoAssessment) -> list[str]:
    """Plain sentences on the PMO's alphas that need one: each low alpha, and why some are not computed."""
    notes = []
    dims = a.dimensions
    for r in dims.itertuples(index=False):
        if not _missing(r.alpha) and r.alpha < ALPHA_LOW:
            notes.append(f"On {r.label}, alpha is {r.alpha:.2f}: the {ALPHA_LOW_NOTE}, so read its items one by "
                         "one (the item heat map) rather than the score alone.")
    missing = dims[dims["alpha"].isna()]
    if len(missing):
        reasons = {}
        for r in missing.itertuples(index=False):
            reasons.setdefault((r.alpha_note or "not computed").removeprefix("not computed: "), []).append(r.label)
        for reason, labels in reasons.items():
            what = f"{len(labels)} dimensions" if len(labels) > 3 else _join(labels)
            notes.append(f"Alpha is not computed for {what}: {reason}.")
    return notes


def evidence_table(a: PmoAssessment, instrument: Instrument) -> pd.DataFrame:
    """The instrument's evidence checklist with the consultant's answers for this PMO.

    Columns ``id``, ``text``, ``dimension``, ``label`` (of the dimension),
    ``answer`` (Yes, Partly, No, or the missing marker when not checked) and
    ``note``; one row per evidence question, in instrument order.
    """
    answers = {} if a.engagement is None else a.engagement.evidence
    labels = instrument.dimension_table["label"]
    rows = [{"id": q.id, "text": q.text, "dimension": q.dimension,
             "label": labels.get(q.dimension, "") if q.dimension else "",
             "answer": EVIDENCE_LABELS[answers[q.id].answer] if q.id in answers else MISSING,
             "note": answers[q.id].note if q.id in answers else ""} for q in instrument.evidence]
    return pd.DataFrame(rows, columns=_EVIDENCE_COLUMNS)


def context_table(a: PmoAssessment, instrument: Instrument) -> pd.DataFrame:
    """The PMO's context answers: ``id``, ``text`` and ``answer`` (with its unit; the missing marker when not
    given), one row per context question in instrument order."""
    given = {} if a.engagement is None else a.engagement.context
    rows = []
    for q in instrument.context:
        value = given.get(q.id)
        if value is None:
            answer = MISSING
        elif q.kind == "number":
            answer = f"{float(value):g}" + (f" {q.unit}" if q.unit else "")
        else:
            answer = str(value)
        rows.append({"id": q.id, "text": q.text, "answer": answer})
    return pd.DataFrame(rows, columns=_CONTEXT_COLUMNS)


def type_words(instrument: Instrument, type_id: str) -> str:
    """A type's label, or the plain words for ad hoc."""
    return "no functioning PMO capability yet (ad hoc)" if type_id == AD_HOC else instrument.type_label(type_id)


def methodology_points(instrument: Instrument, min_group_size: int) -> list[str]:
    """The methodology section's statements, each with its formula or cut-off, stated once."""
    lo, hi = instrument.scale.min, instrument.scale.max
    thresholds = list(instrument.maturity_thresholds)
    bands = []
    edges = [0.0, *thresholds, 100.0]
    for level in range(1, len(thresholds) + 2):
        low, high = edges[level - 1], edges[level]
        name = instrument.level_names.get(level)
        span = f"{low:g} to under {high:g}" if level <= len(thresholds) else f"{low:g} to {high:g}"
        bands.append(f"level {level}{f' ({name})' if name else ''}: {span}")
    return [
        f"Item score = 100 × (answer − {lo}) / ({hi} − {lo}); items worded the other way round count 100 minus that. "
        "\u201cDon't know\u201d and \u201cnot applicable\u201d are not scored.",
        "A respondent's dimension score is the weighted mean of the items they answered; it is left out when they "
        "answered fewer than half of the items their role is asked.",
        "A PMO's dimension score is the mean of its respondents' scores, with a 95% confidence range (t-based); its "
        "overall maturity is the weighted mean of its dimension scores.",
        "Maturity levels: " + "; ".join(bands) + ".",
        "Type: each type has minimum scores (gates) on the dimensions that define it. A gate passes when the score "
        "is at or above it; the PMO's type is the highest type whose own gates all pass. A gate is shown as met "
        "when the whole 95% range lies at or above it, not met when it lies below, borderline when it crosses it.",
        f"Agreement: r*wg(J) compares the spread of answers with a random spread (1 = full agreement, 0 = no more "
        f"than chance) and AD is the average distance of answers from their mean, in scale points. Respondents "
        f"agree when r*wg(J) is at least {RWG_CUTOFF:.2f} and AD at most {ad_cutoff(instrument.scale.points):.2f}. "
        "An item is split when, of 4 or more answers, at least a quarter sit in the bottom two points of the scale "
        "and at least a quarter in the top two (the end points on a scale of fewer than 4 points); a dimension "
        "with a split item never counts as agreement.",
        "Reliability: Cronbach's alpha of a dimension over this PMO's respondents who answered every item asked of "
        "all roles (0.70 acceptable, 0.80 good; not computed under 8 such respondents or 3 items; below 0.50 the "
        "items do not measure one thing for this group).",
        f"Anonymity: role groups smaller than {min_group_size} are never shown apart.",
    ]


def level_words(instrument: Instrument, level: int | None) -> str:
    """``"level 3, Established"`` (``"level 3"`` when the instrument names no levels); the missing marker for
    ``None``."""
    if level is None or pd.isna(level):
        return MISSING
    name = instrument.level_names.get(int(level))
    return f"level {int(level)}, {name}" if name else f"level {int(level)}"


def dimension_rows(a: PmoAssessment, instrument: Instrument) -> pd.DataFrame:
    """The PMO's dimension rows with what a table shows beside the numbers: ``score_text`` ("66.0 (53–79)",
    the score and its 95 % range), ``level_text`` ("3 Established"),
    ``descriptor`` (what that level looks like on the dimension, from the instrument), ``agreement``
    (:func:`agreement_label`) and ``reliability`` (:func:`reliability_label`)."""
    rows = a.dimensions
    level_text, descriptor = [], []
    for r in rows.itertuples(index=False):
        if pd.isna(r.level):
            level_text.append(MISSING)
            descriptor.append("")
        else:
            level = int(r.level)
            level_text.append(f"{level} {instrument.level_names.get(level, '')}".strip())
            descriptor.append(instrument.dimension(r.dimension).levels.get(level, ""))
    score_text = [MISSING if _missing(r.score) else f"{r.score:.1f}" if _missing(r.ci_low)
                  else f"{r.score:.1f} ({r.ci_low:.0f}–{r.ci_high:.0f})" for r in rows.itertuples(index=False)]
    return rows.assign(level_text=level_text, descriptor=descriptor, score_text=score_text,
                       agreement=[agreement_label(r) for r in rows.itertuples(index=False)],
                       reliability=[reliability_label(r) for r in rows.itertuples(index=False)])
