"""Dated dependency links: the date each is needed by, the date its prerequisite is expected, and which are late.

One definition of a *late link* serves every place that counts them (the report's headline and actions, its
dependency section, the deck and the positioning report's portfolio evidence), through :func:`late_links`, so
that no two of them can give different counts or a different "worst":

- a link "A needs B" counts when both ends are open (proposed, active or on hold): a closed prerequisite has
  delivered, a cancelled one never will (reported apart as ``needs_cancelled``), and a closed or cancelled
  dependent needs nothing any more;
- the date A needs B (``needed_by``) is the one the dependencies sheet gives, else A's planned start (a
  finish-to-start link);
- B's expected finish (``predecessor_finish``) is its forecast finish, else its planned finish. At a status
  date, an open project whose finish date has already passed cannot finish before the status date, so the
  status date is taken instead (``finish_source`` is then ``"status_date"``);
- ``slack_days`` = needed_by - predecessor_finish; the link is **late** when the slack is negative, i.e. B is
  expected to finish at least one day after A needs it, by ``days_late`` = -slack_days. A link without both
  dates has no slack and is neither late nor on time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import N_, _, ngettext
from .labels import report_date
from .model import Finding

if TYPE_CHECKING:
    from .dependencies import DependencyAnalysis

LINK_COLUMNS = ["from_project", "to_project", "needed_by", "needed_by_source", "predecessor_finish", "finish_source",
                "slack_days"]
CONFLICT_COLUMNS = ["from_project", "to_project", "needed_by", "needed_by_source", "predecessor_finish",
                    "finish_source", "days_late"]

FINISH_SOURCES = ("forecast", "planned", "status_date")
"""Where a prerequisite's expected finish comes from: its forecast finish, its planned finish, or the status date
(an open project whose finish date has passed)."""


SOURCE_WORDS = {"needed_by": N_("the sheet"), "start": N_("its planned start"), "forecast": N_("forecast"),
                "planned": N_("planned"), "status_date": N_("status date (overdue)")}
"""``needed_by_source`` and ``finish_source`` codes as a table shows them."""


def in_words(links: pd.DataFrame) -> pd.DataFrame:
    """A copy of a links or conflicts frame with ``needed_by_source`` and ``finish_source`` in words
    (:data:`SOURCE_WORDS`), for a table a reader sees.

    >>> in_words(pd.DataFrame({"needed_by_source": ["start"], "finish_source": ["status_date"]})).iloc[0].tolist()
    ['its planned start', 'status date (overdue)']
    """
    out = links.copy()
    for column in ("needed_by_source", "finish_source"):
        if column in out:
            out[column] = out[column].map(lambda v: _(SOURCE_WORDS[v]) if v in SOURCE_WORDS else v)
    return out


def late_link_definition(as_of: pd.Timestamp | None = None) -> str:
    """The definition of a late link in plain words, with the status date it is counted at (when there is one).

    >>> late_link_definition(pd.Timestamp("2026-05-31")).split(". ")[0]
    'A link "A needs B" is late when B is expected to finish after the date A needs it, at the status date 2026-05-31'
    """
    if as_of is None:
        return _('A link "A needs B" is late when B is expected to finish after the date A needs it. B is expected '
                 "to finish on its forecast finish, else its planned finish. A needs B by the date the dependencies "
                 "sheet gives, else by A's planned start. Only links between open projects (proposed, active or on "
                 "hold) count: a closed project has delivered, a cancelled one is reported apart, and a link without "
                 "both dates cannot be judged.")
    return _('A link "A needs B" is late when B is expected to finish after the date A needs it, at the status date '
             "{date}. B is expected to finish on its forecast finish, else its planned finish, or the status date "
             "when that date has passed and B is still open (it cannot finish earlier). A needs B by the date the "
             "dependencies sheet gives, else by A's planned start. Only links between open projects (proposed, "
             "active or on hold) count: a closed project has delivered, a cancelled one is reported apart, and a "
             "link without both dates cannot be judged.").format(date=report_date(pd.Timestamp(as_of)))


def project_dates(info: pd.DataFrame, nodes: list[str], *, settled: Iterable[str] = (),
                  as_of: pd.Timestamp | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Planned start, expected finish and where that finish comes from (:data:`FINISH_SOURCES`), per node.

    ``info`` is the projects indexed by ``project_id``; ``settled`` the closed and cancelled ones, whose finish
    the status date ``as_of`` never moves. Unknown dates are NaT (their source ``None``).
    """
    rows = info.reindex(nodes)
    nat = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    start = pd.to_datetime(rows["start"]).astype("datetime64[ns]") if "start" in rows else nat
    planned = pd.to_datetime(rows["finish"]).astype("datetime64[ns]") if "finish" in rows else nat
    forecast = (pd.to_datetime(rows["forecast_finish"]).astype("datetime64[ns]") if "forecast_finish" in rows
                else nat)
    finish = forecast.fillna(planned)
    source = np.where(forecast.notna(), "forecast", np.where(planned.notna(), "planned", None)).astype(object)
    if as_of is not None:
        day = pd.Timestamp(as_of).normalize()
        past = (~rows.index.isin(list(settled)) & (finish < day).to_numpy(dtype=bool, na_value=False))
        finish = finish.mask(past, day)
        source[past] = "status_date"
    return start, finish, pd.Series(source, index=rows.index, dtype=object)


def date_links(edges: pd.DataFrame, start: pd.Series, finish: pd.Series, source: pd.Series) -> pd.DataFrame:
    """``edges`` with each link's needed-by date and its source, the prerequisite's expected finish and its
    source, and the slack in days (:data:`LINK_COLUMNS`, plus whatever columns ``edges`` has)."""
    if edges.empty:                                      # mapping nothing gives floats, not dates
        return edges.assign(needed_by=pd.Series(dtype="datetime64[ns]"), needed_by_source=pd.Series(dtype=object),
                            predecessor_finish=pd.Series(dtype="datetime64[ns]"),
                            finish_source=pd.Series(dtype=object), slack_days=pd.Series(dtype=float))
    given = edges["needed_by"].astype("datetime64[ns]")
    needed = given.fillna(edges["from_project"].map(start).astype("datetime64[ns]"))
    due = edges["to_project"].map(finish).astype("datetime64[ns]")
    needed_source = np.where(given.notna(), "needed_by", np.where(needed.notna(), "start", None))
    due_source = edges["to_project"].map(source).astype(object).where(due.notna(), None)
    return edges.assign(needed_by=needed, needed_by_source=needed_source, predecessor_finish=due,
                        finish_source=due_source, slack_days=(needed - due) / pd.Timedelta(days=1))


def late_rows(links: pd.DataFrame) -> pd.DataFrame:
    """The late links of ``links`` (negative slack) with ``days_late``, latest first (:data:`CONFLICT_COLUMNS`)."""
    late = links[links["slack_days"] < 0]
    late = late.assign(days_late=-late["slack_days"])
    return late.sort_values(["days_late", "from_project", "to_project"], ascending=[False, True, True],
                            kind="stable").reset_index(drop=True)


def late_findings(late: pd.DataFrame) -> list[Finding]:
    """``dependency_conflict`` (warning), one per late link, located at its row of the dependencies sheet."""
    rows = late["source_row"] if "source_row" in late else pd.Series(np.nan, index=late.index)
    out = []
    for r, row in zip(late.itertuples(index=False), rows.tolist()):
        source, target = str(r.from_project), str(r.to_project)
        when = (_("{source} needs {target} by {date}") if r.needed_by_source == "needed_by" else
                _("{source} needs {target} by its planned start, {date} (the sheet gives no needed-by date)")).format(
            source=source, target=target, date=report_date(r.needed_by))
        tail = {"forecast": _("{target} is forecast to finish on {date}"),
                "status_date": _("{target} is still open on the status date {date}, past its finish date")}.get(
            r.finish_source, _("{target} is planned to finish on {date}")).format(
            target=target, date=report_date(r.predecessor_finish))
        out.append(Finding("warning", "dependency_conflict",
                           ngettext("{when}, but {tail} ({n} day late)", "{when}, but {tail} ({n} days late)",
                                    int(round(r.days_late))).format(when=when, tail=tail, n=f"{r.days_late:g}"),
                           project_id=source, sheet="dependencies", row=None if pd.isna(row) else int(row),
                           extra={"to_project": target, "days_late": float(r.days_late)}))
    return out


@dataclass(frozen=True)
class LateLinks:
    """The late links among a set of projects' dependencies, counted on the one definition of this module.

    Attributes
    ----------
    late
        The late links (:data:`CONFLICT_COLUMNS`), latest first: the first row is the worst.
    dated
        How many links between open projects have both dates (can be judged late or not): what ``late`` is
        counted out of.
    as_of
        The status date the links were judged at, or ``None``.
    """

    late: pd.DataFrame
    dated: int
    as_of: pd.Timestamp | None = None

    @property
    def count(self) -> int:
        """Number of late links."""
        return int(len(self.late))

    @property
    def worst(self) -> dict[str, Any] | None:
        """The latest link as a dict of :data:`CONFLICT_COLUMNS`, ``None`` when none is late."""
        return None if self.late.empty else {c: self.late.iloc[0][c] for c in CONFLICT_COLUMNS}

    @property
    def from_start(self) -> int:
        """Late links dated by the dependent's planned start, the sheet giving no needed-by date."""
        return int(self.late["needed_by_source"].eq("start").sum())

    @property
    def overdue(self) -> int:
        """Late links whose prerequisite is still open past its finish date (expected at the status date)."""
        return int(self.late["finish_source"].eq("status_date").sum())

    @property
    def worst_days(self) -> int | None:
        """Days late of the worst link, ``None`` when none is late."""
        return None if self.late.empty else int(round(float(self.late["days_late"].iloc[0])))

    def definition(self) -> str:
        """What a late link is, in plain words (:func:`late_link_definition`)."""
        return late_link_definition(self.as_of)

    def _at(self) -> str | None:
        return None if self.as_of is None else report_date(pd.Timestamp(self.as_of))

    def _counted(self) -> str:
        if self.dated == 1:  # so the one link is the late one
            text = (_("{late} of {dated} dated link between open projects is late") if self.as_of is None else
                    _("{late} of {dated} dated link between open projects is late at the status date {date}"))
            return text.format(late=self.count, dated=self.dated, date=self._at())
        if self.as_of is None:
            return ngettext("{late} of {dated} dated links between open projects is late",
                            "{late} of {dated} dated links between open projects are late",
                            self.count).format(late=self.count, dated=self.dated)
        return ngettext("{late} of {dated} dated links between open projects is late at the status date {date}",
                        "{late} of {dated} dated links between open projects are late at the status date {date}",
                        self.count).format(late=self.count, dated=self.dated, date=self._at())

    def summary(self) -> str:
        """One short sentence: how many of the dated links are late, and the worst by how many days.

        >>> LateLinks(pd.DataFrame({"days_late": [42.0, 3.0]}), 17, pd.Timestamp("2026-05-31")).summary()
        '2 of 17 dated links between open projects are late at the status date 2026-05-31: the project needed \
is expected to finish after the date it is needed by (the worst by 42 days).'
        """
        if not self.dated:
            return _("No link between open projects has both dates (needed by, and the prerequisite's finish).")
        if not self.count:
            if self.as_of is None:
                return ngettext("None of the {n} dated link between open projects is late.",
                                "None of the {n} dated links between open projects is late.",
                                self.dated).format(n=self.dated)
            return ngettext("None of the {n} dated link between open projects is late at the status date {date}.",
                            "None of the {n} dated links between open projects is late at the status date {date}.",
                            self.dated).format(n=self.dated, date=self._at())
        return ngettext("{counted}: the project needed is expected to finish after the date it is needed by (the "
                        "worst by {n} day).",
                        "{counted}: the project needed is expected to finish after the date it is needed by (the "
                        "worst by {n} days).", self.worst_days).format(counted=self._counted(), n=self.worst_days)

    def sentence(self, name: Callable[[str], str] | None = None) -> str:
        """The count, the worst link named in full, and how many late links rest on a date the sheet does not
        give (the dependent's start) or on an overdue prerequisite; ``name`` labels a project id."""
        if not self.count:
            return self.summary()
        label = name or str
        w = self.worst
        source, target = str(w["from_project"]), str(w["to_project"])
        needed = report_date(pd.Timestamp(w["needed_by"]))
        days = self.worst_days
        worst = {
            (True, True): ngettext(
                "the worst: {source} needs {target} by {date}; {target_id} is still open {n} day later, at the "
                "status date, past its finish date",
                "the worst: {source} needs {target} by {date}; {target_id} is still open {n} days later, at the "
                "status date, past its finish date", days),
            (True, False): ngettext(
                "the worst: {source} needs {target} by {date}, {n} day before {target_id} is expected to finish",
                "the worst: {source} needs {target} by {date}, {n} days before {target_id} is expected to finish",
                days),
            (False, True): ngettext(
                "the worst: {source} needs {target} by {date}, its planned start; {target_id} is still open {n} day "
                "later, at the status date, past its finish date",
                "the worst: {source} needs {target} by {date}, its planned start; {target_id} is still open {n} "
                "days later, at the status date, past its finish date", days),
            (False, False): ngettext(
                "the worst: {source} needs {target} by {date}, its planned start, {n} day before {target_id} is "
                "expected to finish",
                "the worst: {source} needs {target} by {date}, its planned start, {n} days before {target_id} is "
                "expected to finish", days),
        }[(w["needed_by_source"] == "needed_by", w["finish_source"] == "status_date")].format(
            source=label(source), target=label(target), date=needed, target_id=target, n=days)
        text = _("{counted} (the project needed is expected to finish after the date it is needed by); "
                 "{worst}.").format(counted=self._counted(), worst=worst)
        notes = []
        if self.from_start:
            notes.append(ngettext("{n} of the late links is dated by the dependent's planned start, the sheet giving "
                                  "no needed-by date",
                                  "{n} of the late links are dated by the dependent's planned start, the sheet "
                                  "giving no needed-by date", self.from_start).format(n=self.from_start))
        if self.overdue:
            notes.append(ngettext("{n} waits on a project still open past its finish date",
                                  "{n} wait on a project still open past its finish date",
                                  self.overdue).format(n=self.overdue))
        return text + (" " + "; ".join(notes) + "." if notes else "")


def late_links(analysis: DependencyAnalysis, project_ids: Iterable[str] | None = None) -> LateLinks:
    """The late links of a dependency analysis, among the links with an end in ``project_ids`` (all when ``None``).

    Every count of late links the reports show comes from here, on the definition of this module.
    """
    links, late = analysis.links, analysis.conflicts
    if project_ids is not None:
        ids = {str(i) for i in project_ids}

        def touching(frame: pd.DataFrame) -> pd.Series:
            return frame["from_project"].astype(str).isin(ids) | frame["to_project"].astype(str).isin(ids)

        links, late = links[touching(links)], late[touching(late)]
    return LateLinks(late.reset_index(drop=True), int(links["slack_days"].notna().sum()), analysis.as_of)


__all__ = ["CONFLICT_COLUMNS", "FINISH_SOURCES", "LINK_COLUMNS", "SOURCE_WORDS", "LateLinks", "in_words",
           "late_link_definition", "late_links"]
