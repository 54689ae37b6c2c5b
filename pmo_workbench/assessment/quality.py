"""How far one PMO's answers can be trusted: what was left unanswered, "don't know", dropped scores, comments.

Re-exported by :mod:`pmo_workbench.assessment.insights`, where a report finds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import ngettext
from .deliverable import comment_id
from .instrument import Instrument
from .results import PmoAssessment

if TYPE_CHECKING:
    from .engagement import Engagement

DONT_KNOW_FLAG = 0.30
"""An item that more than this share of the respondents asked answered "don't know" is named in the report."""

_UNANSWERED_COLUMNS = ["item", "dimension", "text", "respondents", "unanswered", "share"]
_DK_COLUMNS = ["item", "text", "role", "asked", "dont_know", "share"]
_EXCLUDED_COLUMNS = ["respondent", "role", "dimension", "label", "answered", "n_items"]
_COMMENT_COLUMNS = ["role", "item", "comment"]


@dataclass(frozen=True)
class DataQuality:
    """How complete one PMO's answers are.

    Attributes
    ----------
    unanswered
        One row per item that at least one respondent asked it did not
        answer (neither a value nor "don't know"): ``item``, ``dimension``,
        ``text``, ``respondents`` (of the PMO asked it), ``unanswered``,
        ``share`` (``unanswered / respondents``); sorted by ``share``
        descending, then instrument order.
    excluded
        The (respondent, dimension) pairs left out of the PMO's dimension
        scores by the half-answered rule: ``respondent``, ``role``,
        ``dimension``, ``label``, ``answered`` (items answered), ``n_items``
        (items in the dimension).
    answer_rate
        Answers on the scale / items asked (summed over respondents).
    respondents
        Number of respondents of the PMO.
    dont_know
        "Don't know" per item and role, for items with any: ``item``,
        ``text``, ``role``, ``asked`` (respondents of the role),
        ``dont_know``, ``share``.
    dont_know_items
        Items that more than :data:`DONT_KNOW_FLAG` of the respondents asked
        answered "don't know": ``item``, ``text``, ``asked``, ``dont_know``,
        ``share``; highest share first.
    dont_know_rate
        "Don't know" answers / items asked.
    """

    unanswered: pd.DataFrame
    excluded: pd.DataFrame
    answer_rate: float
    respondents: int
    dont_know: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_DK_COLUMNS))
    dont_know_items: pd.DataFrame = field(default_factory=pd.DataFrame)
    dont_know_rate: float = 0.0


def data_quality(responses: pd.DataFrame, a: PmoAssessment, instrument: Instrument) -> DataQuality:
    """Unanswered items, "don't know" answers, dropped respondent scores and the answer rate of one PMO.

    Only the items a respondent's role is asked count. A respondent did not
    answer an item when the frame has no row for that respondent and item, or
    the row has neither a value nor "don't know".

    Parameters
    ----------
    responses
        The tidy responses frame the assessment was made from.
    a
        The PMO's assessment (its ``respondent_scores`` tell which
        respondent/dimension pairs the half-answered rule dropped).

    Raises
    ------
    KeyError
        When ``responses`` has no rows for the PMO of ``a``.

    See Also
    --------
    DataQuality : what each field holds.
    """
    rows = pmo_rows(responses, a.organisation, a.pmo)
    items = instrument.items
    people = rows.drop_duplicates("respondent")
    respondents = len(people)
    role_count = people["role"].astype(object).value_counts()
    asked = instrument.asked.reindex(role_count.index).fillna(True)
    asked_n = (asked.astype(int).mul(role_count, axis=0)).sum(axis=0).reindex(items.index).astype(np.int64)
    item = rows["item"].astype(object)
    dk = rows["dont_know"].fillna(False).astype(bool) if "dont_know" in rows else pd.Series(False, index=rows.index)
    given = rows["value"].notna()
    answered = rows[given].assign(item=item[given]).groupby("item")["respondent"].nunique()
    answered = answered.reindex(items.index, fill_value=0).astype(np.int64)
    dont_know = rows[dk].assign(item=item[dk]).groupby("item")["respondent"].nunique()
    dont_know = dont_know.reindex(items.index, fill_value=0).astype(np.int64)
    missing = asked_n - answered - dont_know
    with np.errstate(invalid="ignore", divide="ignore"):
        share = missing.to_numpy(float) / asked_n.to_numpy(float)
    table = pd.DataFrame({
        "item": items.index.to_numpy(object),
        "dimension": items["dimension"].to_numpy(object),
        "text": items["text"].to_numpy(object),
        "respondents": asked_n.to_numpy(np.int64),
        "unanswered": missing.to_numpy(np.int64),
        "share": share,
    })
    table = table[table["unanswered"] > 0].sort_values("share", ascending=False, kind="stable")

    dk_rows = rows[dk].assign(item=item[dk], role=rows.loc[dk, "role"].astype(object))
    by_role = dk_rows.groupby(["item", "role"]).size()
    dk_table = []
    for item_id in items.index:
        if dont_know[item_id] == 0:
            continue
        for role, n_role in role_count.items():
            if not asked.at[role, item_id]:
                continue
            count_dk = int(by_role.get((item_id, role), 0))
            dk_table.append({"item": item_id, "text": items.at[item_id, "text"], "role": role,
                             "asked": int(n_role), "dont_know": count_dk, "share": count_dk / int(n_role)})
    dk_frame = pd.DataFrame(dk_table, columns=_DK_COLUMNS)
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_share = dont_know.to_numpy(float) / asked_n.to_numpy(float)
    flagged = pd.DataFrame({"item": items.index.to_numpy(object), "text": items["text"].to_numpy(object),
                            "asked": asked_n.to_numpy(np.int64), "dont_know": dont_know.to_numpy(np.int64),
                            "share": dk_share})
    flagged = flagged[flagged["share"] > DONT_KNOW_FLAG].sort_values("share", ascending=False, kind="stable")

    scores = a.respondent_scores
    dropped = scores[scores["score"].isna() & (scores["n_items"] > 0)]
    excluded = pd.DataFrame({
        "respondent": dropped["respondent"].to_numpy(object),
        "role": dropped["role"].to_numpy(object),
        "dimension": dropped["dimension"].to_numpy(object),
        "label": dropped["dimension"].map(instrument.dimension_table["label"]).to_numpy(object),
        "answered": dropped["answered"].to_numpy(np.int64),
        "n_items": dropped["n_items"].to_numpy(np.int64),
    }, columns=_EXCLUDED_COLUMNS)
    total_asked = int(asked_n.sum())
    return DataQuality(
        unanswered=table[_UNANSWERED_COLUMNS].reset_index(drop=True),
        excluded=excluded,
        answer_rate=float(answered.sum()) / total_asked if total_asked else float("nan"),
        respondents=respondents,
        dont_know=dk_frame,
        dont_know_items=flagged.reset_index(drop=True),
        dont_know_rate=float(dont_know.sum()) / total_asked if total_asked else float("nan"),
    )


def comments(responses: pd.DataFrame, organisation: str, pmo: str, engagement: Engagement | None = None,
             ) -> pd.DataFrame:
    """The free-text comments of one PMO's respondents that the engagement approves, redacted, without who
    wrote them.

    A comment is left out unless the engagement file lists it (by its id, see
    :func:`~pmo_workbench.assessment.deliverable.comment_id`) with
    ``approved: true``; an approved comment is shown with its redactions
    applied (every occurrence, any case, whole phrase).

    Parameters
    ----------
    responses
        The tidy responses frame, in file order (as :func:`read_responses`
        returns it); the ``comment`` column is optional.
    organisation, pmo
        The PMO.
    engagement
        The engagement file of the organisation; ``None`` (or one of another
        organisation) approves nothing.

    Returns
    -------
    pandas.DataFrame
        Columns ``role``, ``item``, ``comment`` (redacted, surrounding spaces
        trimmed), one row per approved comment, in the frame's order.
        Respondent ids are left out to protect anonymity. Empty, with those
        columns, when no comment is approved.

    Raises
    ------
    KeyError
        When ``responses`` has no rows for that PMO.
    """
    rows = _comment_rows(responses, organisation, pmo)
    approved = {} if engagement is None or engagement.organisation != organisation else {
        c.id: c for c in engagement.approved_comments() if c.pmo == pmo}
    chosen = rows[np.array([key in approved for key in rows["id"]], dtype=bool)]
    return pd.DataFrame({
        "role": chosen["role"].to_numpy(object),
        "item": chosen["item"].to_numpy(object),
        "comment": np.array([approved[key].shown for key in chosen["id"]], dtype=object),
    }, columns=_COMMENT_COLUMNS)


def comment_counts(responses: pd.DataFrame, organisation: str, pmo: str, engagement: Engagement | None = None,
                   ) -> tuple[int, int]:
    """How many non-blank comments one PMO's respondents gave, and how many of them the engagement approves."""
    return len(_comment_rows(responses, organisation, pmo)), len(comments(responses, organisation, pmo, engagement))


def comments_sentence(responses: pd.DataFrame, organisation: str, pmo: str,
                      engagement: Engagement | None = None) -> str:
    """The sentence saying how many comments were received and how many are approved for this report."""
    received, approved = comment_counts(responses, organisation, pmo, engagement)
    return ngettext("{received} comment was received; {approved} approved for this report.",
                    "{received} comments were received; {approved} approved for this report.", received).format(
        received=received, approved=approved)


def _comment_rows(responses: pd.DataFrame, organisation: str, pmo: str) -> pd.DataFrame:
    """Role, item, trimmed text and id of every non-blank comment of a PMO, in the frame's order."""
    rows = pmo_rows(responses, organisation, pmo)
    if "comment" not in rows:
        return pd.DataFrame(columns=["role", "item", "comment", "id"])
    text = rows["comment"].astype(object).where(rows["comment"].notna(), "").astype(str).str.strip()
    keep = text.ne("")
    items = rows.loc[keep, "item"].to_numpy(object)
    texts = text[keep].to_numpy(object)
    return pd.DataFrame({
        "role": rows.loc[keep, "role"].to_numpy(object),
        "item": items,
        "comment": texts,
        "id": [comment_id(organisation, pmo, str(i), str(t)) for i, t in zip(items, texts)],
    }, columns=["role", "item", "comment", "id"])


def pmo_rows(responses: pd.DataFrame, organisation: str, pmo: str) -> pd.DataFrame:
    """The rows of one PMO; ``KeyError`` naming the known PMOs when there are none."""
    mask = (responses["organisation"] == organisation) & (responses["pmo"] == pmo)
    rows = responses[mask.to_numpy(bool)]
    if rows.empty:
        pairs = responses[["organisation", "pmo"]].drop_duplicates()
        known = sorted({(str(o), str(p)) for o, p in zip(pairs["organisation"], pairs["pmo"])})
        raise KeyError(f"no responses for PMO {pmo!r} of organisation {organisation!r}; known: {known[:10]}")
    return rows
