"""Leadership versus delivery: dimension scores of two broad role groups, for when role groups are too small.

Single role groups are often below the minimum group size (three executives are rare), so the
perception view hides most cells. Pooling the roles into two groups, the people who direct and fund the
work (*leadership*) and the people who deliver it (*delivery*), keeps a perception gap visible without
showing any small group.

The rule that places a role in a group (:func:`role_group`): a role whose id or label names executives,
sponsors, directors, senior or functional (line) managers belongs to leadership; one that names project or
programme managers, team members, PMO staff or delivery belongs to delivery; any other role to neither, and
it is left out of the two-group view. ``groups`` overrides the rule role by role. The PMO's own people (the
instrument's ``self: true`` roles) are in neither group, whatever their id says: they rate their own PMO, so
counting them as delivery would dilute the very gap the view is there to show (the customers' view leaves them
out for the same reason).

The two groups obey the same anonymity rules as the role view: a group of fewer than ``min_group_size``
respondents is hidden; a group holding roles hidden in the role view beside shown roles is hidden
too (its score and the shown roles' scores would give the hidden roles' away) unless the hidden roles
together hold at least ``min_group_size`` respondents; and when one group of a
dimension is hidden, so is the other, since the PMO's published score and one group give the other away.
Likewise, since the PMO's published score pools every respondent, the respondents left out of both groups (the
PMO's own staff, roles in neither group) would be given away by the two groups when they are fewer than
``min_group_size``: both groups of that dimension are then hidden (``"left out"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import _, ngettext, pgettext
from .instrument import Instrument

LEADERSHIP = "leadership"
DELIVERY = "delivery"
GROUP_LABELS = {LEADERSHIP: "Leadership", DELIVERY: "Delivery"}
"""Group id -> label, in display order."""

_LEADERSHIP_WORDS = ("executive", "sponsor", "director", "senior", "board", "functional", "line_manager",
                     "line manager", "leadership", "management")
_DELIVERY_WORDS = ("project_manager", "project manager", "programme", "program", "team", "pmo", "delivery",
                   "staff", "analyst")


@dataclass(frozen=True)
class GroupPerception:
    """Dimension scores of the leadership and delivery groups.

    Attributes
    ----------
    by_group
        One row per (dimension, group) with respondents: ``dimension``, ``group``, ``n`` (respondents with a
        score), ``roles`` (the role ids pooled, comma-separated), ``score`` (NaN when suppressed) and
        ``suppressed`` (``None``, ``"small group"``, ``"hidden role"``, ``"left out"`` or ``"complementary"``);
        with
        ``organisation`` and ``pmo`` first when the scores held them.
    gaps
        One row per dimension with both groups shown: ``leadership``, ``delivery`` and ``gap``
        (leadership minus delivery, in points).
    groups
        Role id -> group id used (the ``self: true`` roles are never in it).
    left_out
        The role ids with respondents that are in neither group (the PMO's own staff first), in instrument order.
    min_group_size
        Groups smaller than this are hidden.
    """

    by_group: pd.DataFrame
    gaps: pd.DataFrame
    groups: Mapping[str, str]
    min_group_size: int
    left_out: tuple[str, ...] = ()

    def as_role_view(self) -> pd.DataFrame:
        """:attr:`by_group` with ``group`` named ``role``, the shape the perception chart takes."""
        return self.by_group.rename(columns={"group": "role"})

    @property
    def any_shown(self) -> bool:
        """Whether at least one group score is shown."""
        return bool(self.by_group["score"].notna().any())


def role_group(role_id: str, label: str = "") -> str | None:
    """The group of one role by the rule of this module: ``"leadership"``, ``"delivery"`` or ``None``.

    >>> role_group("executive"), role_group("functional_manager"), role_group("pmo_staff")
    ('leadership', 'leadership', 'delivery')
    >>> role_group("project_manager"), role_group("team_member"), role_group("auditor") is None
    ('delivery', 'delivery', True)
    """
    words = f"{role_id} {label}".lower()
    if any(w in words for w in ("project_manager", "project manager", "programme manager", "program manager")):
        return DELIVERY
    if any(w in words for w in _LEADERSHIP_WORDS):
        return LEADERSHIP
    if any(w in words for w in _DELIVERY_WORDS):
        return DELIVERY
    return None


def role_groups(instrument: Instrument, groups: Mapping[str, str] | None = None) -> dict[str, str]:
    """Role id -> group id for every role of ``instrument`` the rule (or ``groups``) places in a group.

    The instrument's ``self: true`` roles (the PMO's own people) are never placed, nor may ``groups`` place them.

    Raises
    ------
    ValueError
        When ``groups`` names a role the instrument does not define or a group other than leadership and
        delivery.
    """
    groups = dict(groups or {})
    known = [r.id for r in instrument.roles]
    for role, group in groups.items():
        if role not in known:
            raise ValueError(f"role groups: unknown role {role!r}; the instrument {instrument.id} defines "
                             f"{', '.join(known)}")
        if role in instrument.self_roles:
            raise ValueError(f"role groups: role {role!r} is the PMO's own staff (self: true in the instrument "
                             f"{instrument.id}); it rates its own PMO and is in neither group")
        if group not in GROUP_LABELS:
            raise ValueError(f"role groups: role {role!r} has group {group!r}; expected one of "
                             f"{', '.join(GROUP_LABELS)}")
    found = {}
    for r in instrument.roles:
        if r.self:
            continue
        group = groups.get(r.id) or role_group(r.id, r.label)
        if group is not None:
            found[r.id] = group
    return found


def group_perception(respondent_scores: pd.DataFrame, role_view: pd.DataFrame, instrument: Instrument, *,
                     min_group_size: int, groups: Mapping[str, str] | None = None) -> GroupPerception:
    """Dimension scores of the leadership and delivery groups, with the anonymity rules of the module.

    Parameters
    ----------
    respondent_scores
        Respondent dimension scores (columns ``dimension``, ``role``, ``score``; optionally ``organisation``
        and ``pmo``), as :attr:`PmoAssessment.respondent_scores`.
    role_view
        The role view of the same scores (:attr:`PerceptionGaps.by_role`): which role cells it hides.
    instrument
        The instrument (its roles and dimension order).
    min_group_size
        Groups with fewer respondents are hidden.
    groups
        Role id -> ``"leadership"`` or ``"delivery"``, overriding :func:`role_group` for those roles.
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    mapping = role_groups(instrument, groups)
    pmo_key = [c for c in ("organisation", "pmo") if c in respondent_scores]
    dim_key = [*pmo_key, "dimension"]
    columns = [*dim_key, "group", "n", "roles", "score", "suppressed"]
    scored = respondent_scores.dropna(subset=["score"])
    scored = scored.assign(group=scored["role"].map(mapping))
    outside = scored[scored["group"].isna()]
    present = set(outside["role"])
    left_out = tuple(sorted(present, key=lambda r: (r not in instrument.self_roles,
                                                    instrument.role_ids.index(r) if r in instrument.role_ids
                                                    else len(instrument.role_ids), str(r))))
    outside_n = (outside.groupby(dim_key, sort=False, observed=True)["score"].size().rename("outside_n")
                 .reset_index().astype({"dimension": object}))
    scored = scored.dropna(subset=["group"])
    if scored.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=float if c in ("n", "score") else object) for c in columns})
        return GroupPerception(empty, pd.DataFrame(columns=[*dim_key, LEADERSHIP, DELIVERY, "gap"]), mapping,
                               min_group_size, left_out)
    cells = (scored.groupby([*dim_key, "group"], sort=False, observed=True)
             .agg(n=("score", "size"), mean=("score", "mean"),
                  roles=("role", lambda s: ",".join(dict.fromkeys(s))))
             .reset_index())
    cells = cells.astype({"dimension": object, "group": object})
    dim_order = {d.id: i for i, d in enumerate(instrument.dimensions)}
    group_order = {g: i for i, g in enumerate(GROUP_LABELS)}
    cells = (cells.assign(_dim=cells["dimension"].map(dim_order), _group=cells["group"].map(group_order))
             .sort_values([*pmo_key, "_dim", "_group"], kind="stable").reset_index(drop=True))

    hidden_roles = role_view.assign(group=role_view["role"].map(mapping)).dropna(subset=["group"])
    hidden = hidden_roles["suppressed"].notna()
    hidden_roles = hidden_roles.assign(hidden_n=hidden_roles["n"].where(hidden, 0), shown=~hidden)
    tally = (hidden_roles.groupby([*dim_key, "group"], sort=False, observed=True)
             .agg(hidden_n=("hidden_n", "sum"), shown=("shown", "sum")).reset_index())
    cells = cells.merge(tally, on=[*dim_key, "group"], how="left")
    hidden_n, shown_roles = cells["hidden_n"].fillna(0), cells["shown"].fillna(0)
    lone_hidden = (hidden_n > 0) & (hidden_n < min_group_size) & (shown_roles > 0)
    cells = cells.merge(outside_n, on=dim_key, how="left") if len(outside_n) else \
        cells.assign(outside_n=0)
    few_outside = cells["outside_n"].fillna(0).between(1, min_group_size - 1)
    suppressed = np.where(cells["n"] < min_group_size, "small group",
                          np.where(lone_hidden, "hidden role", np.where(few_outside, "left out", None)))
    cells["suppressed"] = pd.Series(suppressed, dtype=object)
    # one group hidden: hide the other group of that dimension too
    any_hidden = cells.groupby(dim_key, sort=False, observed=True)["suppressed"].transform("count").gt(0)
    cells.loc[any_hidden & cells["suppressed"].isna(), "suppressed"] = "complementary"
    by_group = cells.assign(score=cells["mean"].where(cells["suppressed"].isna()), n=cells["n"].astype(int))
    by_group = by_group[columns].reset_index(drop=True)

    shown = by_group.dropna(subset=["score"])
    wide = shown.pivot_table(index=dim_key, columns="group", values="score", aggfunc="first", sort=False)
    for group in (LEADERSHIP, DELIVERY):
        if group not in wide:
            wide[group] = np.nan
    wide = wide[[LEADERSHIP, DELIVERY]].dropna()
    wide.columns.name = None
    gaps = wide.assign(gap=wide[LEADERSHIP] - wide[DELIVERY]).reset_index()
    return GroupPerception(by_group, gaps, mapping, min_group_size, left_out)


def groups_needed(role_view: pd.DataFrame) -> bool:
    """Whether the role view hides any cell, so that the two-group view is worth showing."""
    return bool(role_view["suppressed"].notna().any())


def roles_comparable(role_view: pd.DataFrame) -> bool:
    """Whether the role view shows at least two roles side by side on some dimension (else it compares nothing)."""
    if role_view.empty:
        return False
    key = [c for c in ("organisation", "pmo", "dimension") if c in role_view]
    return bool(role_view["score"].notna().groupby([role_view[c] for c in key]).sum().ge(2).any())


def group_labels() -> dict[str, str]:
    """:data:`GROUP_LABELS` in the current language (a chart's legend, a table's column)."""
    return {LEADERSHIP: pgettext("role group", "Leadership"), DELIVERY: pgettext("role group", "Delivery")}


def _role_counts(role_view: pd.DataFrame, roles, labels: Mapping[str, str]) -> str:
    """"Executive 2, PMO staff 2": the most respondents each role has on any dimension."""
    counts = role_view[role_view["role"].isin(list(roles))].groupby("role", sort=False)["n"].max()
    return ", ".join(f"{labels.get(r, r)} {int(n)}" for r, n in counts.items())


def groups_sentence(groups: GroupPerception, role_labels: Mapping[str, str]) -> str:
    """What the leadership-and-delivery view pools, and whom it leaves out, in words.

    >>> from types import SimpleNamespace as NS
    >>> view = NS(groups={"executive": LEADERSHIP, "project_manager": DELIVERY}, left_out=("pmo_staff",))
    >>> groups_sentence(view, {"executive": "Executive", "project_manager": "Project manager",
    ...                        "pmo_staff": "PMO staff"})[:96]
    'Roles pooled into two groups: leadership (Executive) and delivery (Project manager). The PMO sta'
    """
    def names(group):
        return ", ".join(role_labels.get(r, r) for r, g in groups.groups.items() if g == group) or _("no role")
    sentence = _("Roles pooled into two groups: leadership ({leadership}) and delivery ({delivery}).").format(
        leadership=names(LEADERSHIP), delivery=names(DELIVERY))
    if groups.left_out:
        left = ", ".join(role_labels.get(r, r) for r in groups.left_out)
        sentence += " " + _("The {roles} answers are left out of both, as in the customers' view: the PMO's own "
                            "staff rate their own PMO, and counting them as delivery would hide part of the "
                            "gap.").format(roles=left)
    return sentence


def no_view_sentence(role_view: pd.DataFrame, groups: GroupPerception | None, role_labels: Mapping[str, str],
                     min_group_size: int) -> str:
    """Why the perception section shows no chart, in one sentence with the numbers.

    ``groups`` is the leadership-and-delivery view (``None`` when it was not worked out). The sentence names
    each role's respondents and, for the two groups, the rule that hides them.
    """
    roles = _role_counts(role_view, dict.fromkeys(role_view["role"]), role_labels) or _("none")
    if role_view["suppressed"].eq("complementary").any():
        sentence = _("No chart is shown: on no dimension can two roles be set side by side (respondents by role: "
                     "{roles}; a role of fewer than {n} is hidden, and so is the smallest role beside it, which with "
                     "the overall score would give the hidden one away)").format(roles=roles, n=min_group_size)
    else:
        sentence = _("No chart is shown: on no dimension can two roles be set side by side (respondents by role: "
                     "{roles})").format(roles=roles)
    if groups is None or groups.by_group.empty:
        return _("{sentence}, and no role is placed in the leadership or delivery group.").format(sentence=sentence)
    by = groups.by_group
    size = by.groupby("group", sort=False)["n"].max()
    lead, deliver = int(size.get(LEADERSHIP, 0)), int(size.get(DELIVERY, 0))
    counts = _("leadership {leadership} and delivery {delivery}").format(
        leadership=ngettext("{n} respondent", "{n} respondents", lead).format(n=lead),
        delivery=ngettext("{n} respondent", "{n} respondents", deliver).format(n=deliver))
    reasons = by["suppressed"].dropna()
    reason = reasons.value_counts().index[0] if len(reasons) else None
    if reason == "small group" or (size.reindex(list(GROUP_LABELS)).fillna(0) < min_group_size).any():
        why = _("one of them has fewer than {n}").format(n=min_group_size)
    elif reason == "hidden role":
        hidden = role_view[role_view["suppressed"].notna() & role_view["role"].map(groups.groups).notna()]
        why = _("with the roles shown, they would reveal the answers of the smaller roles they pool "
                "({roles})").format(roles=_role_counts(role_view, dict.fromkeys(hidden["role"]), role_labels))
    else:
        left = _role_counts(role_view, groups.left_out, role_labels)
        why = _("with the PMO's overall score, they would reveal the answers of those left out of both "
                "({roles})").format(roles=left)
    return _("{sentence}; leadership and delivery ({counts}) are not shown either: {why}.").format(
        sentence=sentence, counts=counts, why=why)
