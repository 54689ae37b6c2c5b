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

from .._values import MISSING, fmt, percent
from .._values import is_missing as _missing
from ..i18n import N_, _, ngettext, pgettext
from .engagement import EVIDENCE_LABELS
from .instrument import AD_HOC, Instrument
from .results import PmoAssessment
from .positioning import DEFAULT_MIN_GROUP_SIZE
from .scoring import ALPHA_LOW, ALPHA_LOW_NOTE, maturity_level
from .wording import alpha_reason as alpha_reason
from .wording import join_words as join_words
from .wording import languages_sentence as languages_sentence
from .wording import methodology_points as methodology_points
from .wording import named as named

SELF_GAP = 10.0
"""When the PMO's own staff and its customers differ by this many points or more overall, the summary leads with
the customers' view and says so."""
TARGET_SOURCE_WORDS = {
    "option": N_("set for this engagement"),
    "manifest": N_("set for this engagement"),
    "store": N_("set for this engagement"),
    "engagement": N_("set for this engagement"),
    "instrument": N_("the usual aim for a PMO at this level"),
}
"""How a report explains where a target type comes from (English; shown through :func:`target_source_words`)."""
_GAP_COLUMNS = ["dimension", "label", "score", "gate", "points_needed", "note"]
_EVIDENCE_COLUMNS = ["id", "text", "dimension", "label", "answer", "note"]
_CONTEXT_COLUMNS = ["id", "text", "answer"]


def target_source_words(source: str) -> str:
    """Where a target type comes from, in the current language (see :data:`TARGET_SOURCE_WORDS`)."""
    return _(TARGET_SOURCE_WORDS[source])


_join = join_words


def _name(a: PmoAssessment) -> str:
    return a.pmo if a.pmo.lower().startswith("the ") else _("The {pmo}").format(pmo=a.pmo)


def _gap_words(gaps: pd.DataFrame) -> str:
    return _join([_("a score on {dimension}").format(dimension=named(g.label)) if _missing(g.points_needed)
                  else _("{points} more points on {dimension}").format(points=fmt(g.points_needed),
                                                                       dimension=named(g.label))
                  for g in gaps.itertuples(index=False)])


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
        maturity = _("with no overall maturity score yet")
    elif view["lead"]:
        maturity = _("with an overall maturity of {score} in its customers' view{level}, {all_score} counting its "
                     "own staff").format(
            score=fmt(view["customers"]), all_score=fmt(a.overall_score),
            level=_level_words(instrument, maturity_level(view["customers"], instrument.maturity_thresholds)))
    else:
        maturity = _("with an overall maturity of {score}{level}").format(
            score=fmt(a.overall_score), level=_level_words(instrument, a.overall_level))
    if t.target is not None:
        target = _("{type} ({source})").format(type=instrument.type_label(t.target.id),
                                               source=target_source_words(t.target.source))
        if t.target_reached:
            ahead = (_("it is at its target type, {target}, so the roadmap works on maturity within its type")
                     if t.target.id == t.type else
                     _("it is above its target type, {target}, so the roadmap works on maturity within its type")
                     ).format(target=target)
        else:
            ahead = _("its target, {target}, needs {gaps}").format(target=target,
                                                                   gaps=_gap_words(goal_gaps(a, instrument)))
    elif t.next_type is None:
        ahead = _("it meets every type's gates")
    else:
        ahead = _("to become {type} it needs {gaps}").format(type=t.next_label,
                                                             gaps=_gap_words(goal_gaps(a, instrument)))
    name = _name(a)
    own = bool(a.self_respondents and a.self_respondents == a.respondents)  # nobody outside the PMO answered
    values = {"name": name, "organisation": a.organisation, "type": type_label, "maturity": maturity,
              "ahead": ahead}
    if t.type == AD_HOC:
        sentence = (_("By its own staff's account (no customer answered), {name} of {organisation} does not yet "
                      "work as a PMO of any type (ad hoc), {maturity}; {ahead}.") if own else
                    _("{name} of {organisation} does not yet work as a PMO of any type (ad hoc), {maturity}; "
                      "{ahead}."))
    elif type_label[:1].lower() in "aeiou":
        sentence = (_("By its own staff's account (no customer answered), {name} of {organisation} is an {type} "
                      "PMO {maturity}; {ahead}.") if own else
                    _("{name} of {organisation} is an {type} PMO {maturity}; {ahead}."))
    else:
        sentence = (_("By its own staff's account (no customer answered), {name} of {organisation} is a {type} PMO "
                      "{maturity}; {ahead}.") if own else
                    _("{name} of {organisation} is a {type} PMO {maturity}; {ahead}."))
    if own:
        values["name"] = name[0].lower() + name[1:]
    return sentence.format(**values)


def _level_words(instrument: Instrument, level: int | None) -> str:
    """`` (level 3 of 5, Established)``, or nothing without a level."""
    if level is None:
        return ""
    name = instrument.level_names.get(level)
    levels = len(instrument.maturity_thresholds) + 1
    if name:
        return _(" (level {level} of {levels}, {name})").format(level=level, levels=levels, name=name)
    return _(" (level {level} of {levels})").format(level=level, levels=levels)


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
    out["note"] = pd.Series(np.where(out["score"].isna(), _("no score"), None), dtype=object)
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
            partly.append(ngettext("the {type} type partly ({passed} of its {gates} gate)",
                                   "the {type} type partly ({passed} of its {gates} gates)",
                                   int(p.gates)).format(type=p.label, passed=p.passed, gates=p.gates))
        else:
            none.append(p.label)
    parts = []
    if full:
        parts.append(ngettext("the {types} type fully", "the {types} types fully", len(full)).format(
            types=_join(full)))
    parts.extend(partly)
    sentence = _("It fits {parts}.").format(parts=_join(parts)) if parts else _("It meets none of the types' gates "
                                                                                 "yet.")
    if none and parts:
        sentence += " " + ngettext("It meets no gate of the {types} type.", "It meets no gate of the {types} types.",
                                   len(none)).format(types=_join(none))
    return sentence


def certainty_sentence(a: PmoAssessment, instrument: Instrument) -> str:
    """Whether the type is firm, and which gate decides it, in plain words."""
    t = a.type
    labels = instrument.dimension_table["label"]
    if t.certainty == "firm":
        if not t.decided_by:
            return _("This placement is firm.")
        g = t.decided_by[0]
        return _("This placement is firm: the 95% confidence range of every deciding score lies clear of its gate; "
                 "the closest is {dimension} ({score} against the {type} gate of {gate}).").format(
            dimension=named(labels.get(g["dimension"], g["dimension"])), score=fmt(g["score"]),
            type=instrument.type_label(g["type"]), gate=fmt(g["gate"], 0))
    shaky = []
    for g in t.decided_by:
        row = t.ladder[(t.ladder["type"] == g["type"]) & (t.ladder["dimension"] == g["dimension"])].iloc[0]
        values = {"dimension": named(labels.get(g["dimension"], g["dimension"])), "score": fmt(row["score"]),
                  "type": instrument.type_label(g["type"]), "gate": fmt(g["gate"], 0)}
        if _missing(row["ci_low"]):
            shaky.append(_("{dimension} ({score}, too few respondents for a confidence range; {type} gate "
                           "{gate})").format(**values))
        else:
            shaky.append(_("{dimension} ({score}, range {low} to {high}, against the {type} gate of {gate})").format(
                low=fmt(row["ci_low"]), high=fmt(row["ci_high"]), **values))
    return ngettext("This placement is borderline: the 95% confidence range of {scores} crosses its gate, so a few "
                    "different answers could change the type.",
                    "This placement is borderline: the 95% confidence ranges of {scores} cross their gates, so a few "
                    "different answers could change the type.", len(shaky)).format(scores=_join(shaky))


def foundation_sentence(a: PmoAssessment, instrument: Instrument) -> str | None:
    """The failing gates of types below the PMO's, as one sentence; ``None`` when there are none."""
    gaps = a.type.foundation_gaps
    if gaps.empty:
        return None
    labels = instrument.dimension_table["label"]
    parts = [_("{dimension} ({score} against the {type} gate of {gate})").format(
        dimension=named(labels.get(g.dimension, g.dimension)),
        score=_("no score") if _missing(g.score) else fmt(g.score),
        type=instrument.type_label(g.type), gate=fmt(g.gate, 0)) for g in gaps.itertuples()]
    return _("Foundation gaps: {gaps}. They do not change the type, but a PMO of this type is expected to have them "
             "in place.").format(gaps=_join(parts))


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
        view["sentence"] = _("Only the PMO's own staff answered: this is their self-assessment, with no view from the "
                             "people the PMO serves, and staff usually rate their own PMO higher than its customers "
                             "do. Read the type and the strengths as the staff's own view.")
        return view
    if _missing(a.overall_customers):
        small = (_("its own staff") if self_n < min_group_size else _("its customers")
                 if customers_n < min_group_size else _("some of its customers' roles"))
        view["sentence"] = _("The PMO's own staff are not shown apart from its customers: {who} are too few (fewer "
                             "than {n}), and showing either view would reveal individual answers. Every score here "
                             "counts all respondents, the PMO's staff included.").format(who=small, n=min_group_size)
        return view
    view["customers"] = float(a.overall_customers)
    view["self"] = None if _missing(a.overall_self) else float(a.overall_self)
    if view["self"] is None:
        return view
    difference = view["self"] - view["customers"]
    view["difference"] = difference
    if abs(difference) >= SELF_GAP:
        view["lead"] = True
        values = {"points": fmt(abs(difference)), "self": fmt(view["self"]), "customers": fmt(view["customers"]),
                  "n": customers_n}
        view["sentence"] = (_("The PMO's own staff rate it {points} points higher than its customers do ({self} "
                              "against {customers}), so this summary leads with the customers' view: the {n} "
                              "respondents outside the PMO.") if difference > 0 else
                            _("The PMO's own staff rate it {points} points lower than its customers do ({self} "
                              "against {customers}), so this summary leads with the customers' view: the {n} "
                              "respondents outside the PMO.")).format(**values)
        # The type is judged on every respondent's scores; say where the customers alone would not carry it.
        ladder = a.type.ladder
        own = ladder[ladder["type"] == a.type.type]
        customers = a.dimensions.set_index("dimension")
        short = [_("{dimension} ({score} against {gate})").format(
            dimension=named(customers.at[g.dimension, "label"]),
            score=fmt(customers.at[g.dimension, "score_customers"]),
            gate=fmt(g.gate, 0)) for g in own.itertuples(index=False)
                 if not _missing(customers.at[g.dimension, "score_customers"])
                 and customers.at[g.dimension, "score_customers"] < g.gate]
        if short:
            view["sentence"] += " " + ngettext(
                "The type counts every respondent; in the customers' view alone, {scores} would fall short of the "
                "type's gate.",
                "The type counts every respondent; in the customers' view alone, {scores} would fall short of the "
                "type's gates.", len(short)).format(scores=_join(short))
    else:
        view["sentence"] = _("The PMO's own staff and its customers broadly agree ({self} against {customers} "
                             "overall).").format(self=fmt(view["self"]), customers=fmt(view["customers"]))
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
        shown.append(_("{n} in roles too small to show apart").format(n=hidden))
    return ngettext("{n} respondent ({roles}) answered {rate} of the items put to them on the scale.",
                    "{n} respondents ({roles}) answered {rate} of the items put to them on the scale.",
                    int(a.respondents)).format(n=a.respondents, roles=", ".join(shown), rate=percent(a.answer_rate))


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
            shown.append(_("{role} {n} of {invited}").format(role=role.label, n=n, invited=of))
    if hidden or hidden_invited:
        shown.append(_("{n} of {invited} in roles too small to show apart").format(n=hidden, invited=hidden_invited))
    total, answered = sum(invited.values()), sum(submitted.get(role.id, 0) for role in instrument.roles)
    plus = "" if not others else ngettext("; plus {n} respondent who answered by other means",
                                          "; plus {n} respondents who answered by other means", others).format(
        n=others)
    first = ngettext("{n} of {total} person invited ({rate}) answered: {roles}{plus}.",
                     "{n} of {total} people invited ({rate}) answered: {roles}{plus}.", total).format(
        n=answered, total=total, rate=percent(answered / total), roles=", ".join(shown), plus=plus)
    return first + " " + _("They answered {rate} of the items put to them on the scale.").format(
        rate=percent(a.answer_rate))


def agreement_label(row) -> str:
    """How a table shows agreement on one dimension: ``split``, ``agree``, ``low`` or the missing marker.

    A dimension with a split item is never shown as "agree".
    """
    if len(getattr(row, "split_items", ()) or ()):
        return pgettext("agreement", "split")
    if _missing(row.agree):
        return MISSING
    return pgettext("agreement", "agree") if bool(row.agree) else pgettext("agreement", "low")


def agreement_notes(a: PmoAssessment, instrument: Instrument) -> list[str]:
    """One plain sentence per dimension whose agreement is low or whose items are split."""
    notes = []
    item_text = instrument.items["text"]
    for r in a.dimensions.itertuples(index=False):
        if r.split_items:
            items = _join([_("{item} (\u201c{text}\u201d)").format(item=i, text=item_text[i]) for i in r.split_items])
            notes.append(_("On {dimension}, views are split on {items}: at least a quarter of the answers sit in the "
                           "bottom two points of the scale and a quarter in the top two, so the average hides two "
                           "camps.").format(dimension=named(r.label), items=items))
        elif r.agree is False or (not _missing(r.agree) and not bool(r.agree)):
            notes.append(_("On {dimension}, respondents do not agree (r*wg(J) {rwg}, AD {ad}): the score averages "
                           "differing views, so read it with the scores by role.").format(
                dimension=named(r.label), rwg=fmt(r.rwg_star_j, 2), ad=fmt(r.ad_m, 2)))
    return notes


def reliability_label(row) -> str:
    """Alpha as a table cell: ``"0.86 (n = 11)"``, ``"0.35, low (n = 11)"`` (:func:`reliability_notes` says what
    low means, beside the table), or ``"not computed"``."""
    if _missing(row.alpha):
        return _("not computed")
    if row.alpha < ALPHA_LOW:
        return _("{alpha}, low (n = {n})").format(alpha=fmt(row.alpha, 2), n=int(row.alpha_n))
    return _("{alpha} (n = {n})").format(alpha=fmt(row.alpha, 2), n=int(row.alpha_n))


def reliability_notes(a: PmoAssessment) -> list[str]:
    """Plain sentences on the PMO's alphas that need one: each low alpha, and why some are not computed."""
    notes = []
    dims = a.dimensions
    for r in dims.itertuples(index=False):
        if not _missing(r.alpha) and r.alpha < ALPHA_LOW:
            notes.append(_("On {dimension}, alpha is {alpha}: the {note}, so read its items one by one (the item "
                           "heat map) rather than the score alone.").format(
                dimension=named(r.label), alpha=fmt(r.alpha, 2), note=_(ALPHA_LOW_NOTE)))
    missing = dims[dims["alpha"].isna()]
    if len(missing):
        reasons = {}
        for r in missing.itertuples(index=False):
            reasons.setdefault(r.alpha_note or "", []).append(r.label)
        for reason, labels in reasons.items():
            what = (_("{n} dimensions").format(n=len(labels)) if len(labels) > 3
                    else _join([named(label) for label in labels]))
            notes.append(_("Alpha is not computed for {dimensions}: {reason}.").format(
                dimensions=what, reason=alpha_reason(reason)))
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
             "answer": _evidence_word(answers[q.id].answer) if q.id in answers else MISSING,
             "note": answers[q.id].note if q.id in answers else ""} for q in instrument.evidence]
    return pd.DataFrame(rows, columns=_EVIDENCE_COLUMNS)


def _evidence_word(answer: str) -> str:
    words = {"yes": pgettext("evidence", "Yes"), "partly": pgettext("evidence", "Partly"),
             "no": pgettext("evidence", "No")}
    return words.get(answer, EVIDENCE_LABELS.get(answer, answer))


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
            number = f"{float(value):g}"
            if "e" not in number:  # the number as written, with the reader's decimal mark
                number = fmt(float(value), len(number.partition(".")[2]))
            answer = number + (f" {q.unit}" if q.unit else "")
        else:
            answer = q.choice_label(str(value)) if q.kind == "choice" else str(value)
        rows.append({"id": q.id, "text": q.text, "answer": answer})
    return pd.DataFrame(rows, columns=_CONTEXT_COLUMNS)


def type_words(instrument: Instrument, type_id: str) -> str:
    """A type's label, or the plain words for ad hoc."""
    return _("no functioning PMO capability yet (ad hoc)") if type_id == AD_HOC else instrument.type_label(type_id)


def level_words(instrument: Instrument, level: int | None) -> str:
    """``"level 3, Established"`` (``"level 3"`` when the instrument names no levels); the missing marker for
    ``None``."""
    if level is None or pd.isna(level):
        return MISSING
    name = instrument.level_names.get(int(level))
    return (_("level {level}, {name}") if name else _("level {level}")).format(level=int(level), name=name)


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
    score_text = [MISSING if _missing(r.score) else fmt(r.score) if _missing(r.ci_low)
                  else f"{fmt(r.score)} ({fmt(r.ci_low, 0)}–{fmt(r.ci_high, 0)})" for r in rows.itertuples(index=False)]
    return rows.assign(level_text=level_text, descriptor=descriptor, score_text=score_text,
                       agreement=[agreement_label(r) for r in rows.itertuples(index=False)],
                       reliability=[reliability_label(r) for r in rows.itertuples(index=False)])
