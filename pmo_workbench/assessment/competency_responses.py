"""Read competency ratings (CSV or XLSX, long or wide form) into one tidy frame.

One row of a long file is one rater's rating of one person on one behaviour::

    organisation, cohort, subject, job_level, rater, role, item, value [, assessed_on, comment]

A wide file has one row per rater and person rated (``organisation, cohort, subject, job_level, rater, role``)
and one column per item id. ``role`` is ``self``, ``manager`` or ``peer`` (or their labels); a self-rating's
``rater`` is the person rated (left blank, it is filled in). ``value`` is a whole number on the scale, blank or
NA for not rated, DK for don't know. Excel: the sheet named ``responses``, else the first visible sheet.

Every problem is collected and reported as ``path:row:column: message`` with the row a spreadsheet shows.
"""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

import pandas as pd

from .._memo import cached
from .._spreadsheet import column_letter
from .._values import CONTROL, CONTROL_IN_PROSE, control_message, date_expected, date_message, read_dates
from ..errors import InputValidationError, Problem
from .competency import CompetencyInstrument
from .responses import DONT_KNOW, NOT_ANSWERED, _read_table

KEY_COLUMNS = ("organisation", "cohort", "subject", "job_level", "rater", "role")
LONG_COLUMNS = (*KEY_COLUMNS, "item", "value")
OPTIONAL_COLUMNS = ("assessed_on", "comment")
TIDY_COLUMNS = ("organisation", "cohort", "subject", "job_level", "rater", "role", "item", "area", "value",
                "dont_know", "assessed_on", "comment", "source_row")


def same_name(text: str) -> str:
    """A name as the ratings compare it: Unicode NFC (an accent typed or composed is one letter), every kind of
    space one plain space, no spaces at the ends (``"Jose\u0301  Ruiz"`` and ``"José Ruiz"`` are one person)."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def read_competency_responses(path: str | Path, instrument: CompetencyInstrument) -> pd.DataFrame:
    """Read and validate a competency ratings file against a competency instrument.

    Returns the tidy frame: one row per (rater, person, item) with :data:`TIDY_COLUMNS`; ``value`` is a float,
    ``NaN`` when not rated or don't know (then ``dont_know`` is True); ``area`` is the item's area.

    Raises
    ------
    InputValidationError
        With every problem found, each located by file, row and column.
    """
    path = Path(path)
    key = (instrument.spec, instrument.language, instrument.model_dump_json())
    return cached(path, ("competency-responses", key), lambda: _Reader(path, instrument).run(),
                  lambda frame: frame.copy())


class _Reader:
    def __init__(self, path: Path, instrument: CompetencyInstrument):
        table, self.unreadable, sheet = _read_table(path)
        self.where = str(path) if sheet is None else f"{path}[{sheet}]"
        self.unreadable = [Problem(self.where, p.row, p.column, p.message) for p in self.unreadable]
        self.instrument = instrument
        self.problems: list[Problem] = []
        headers = [str(h) for h in table.iloc[0]]
        body = table.iloc[1:].copy()
        body.index = pd.RangeIndex(2, 2 + len(body))
        self.header_of: dict[str, str] = {}
        names: list[str] = []
        for n, header in enumerate(headers):
            name = header.strip().lower()
            if name and name in self.header_of:
                self.add(1, header, f"column '{header}' appears twice; each column once")
            if not name and body.iloc[:, n].ne("").any():
                self.add(1, column_letter(n), "column has values but no header")
            self.header_of.setdefault(name, header)
            names.append(name if name and names.count(name) == 0 else f"\0{n}")
        body.columns = names
        self.body = body[body.ne("").any(axis=1)]
        self.item_of = {i.lower(): i for i in instrument.items.index}

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.where, row, column, message))

    def col(self, name: str) -> str:
        return self.header_of.get(name, name)

    def fail(self) -> None:
        if self.problems or self.unreadable:
            raise InputValidationError([*self.unreadable, *self.problems])

    def run(self) -> pd.DataFrame:
        names = {n for n in self.body.columns if not n.startswith("\0")}
        long_form = "item" in names or "value" in names
        required = LONG_COLUMNS if long_form else KEY_COLUMNS
        for name in required:
            if name not in names:
                self.add(1, name, f"missing required column '{name}' ({'long' if long_form else 'wide'} form "
                                  f"needs {', '.join(required)})")
        if self.body.empty:
            self.add(2, None, "no ratings below the header row")
        if self.problems:
            self.fail()
        cells = self._long(names) if long_form else self._wide(names)
        if cells.empty:
            self.fail()
        return self._check(cells)

    # -- the two forms ----------------------------------------------------------------------------
    def _long(self, names: set[str]) -> pd.DataFrame:
        known = (*LONG_COLUMNS, *OPTIONAL_COLUMNS)
        for name in sorted(names - set(known)):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; expected {', '.join(known)}"
            self.add(1, self.col(name), f"unknown column '{self.col(name)}'{hint}")
        frame = self.body.reindex(columns=[*known], fill_value="")
        frame["source_row"] = self.body.index
        frame["value_column"] = self.col("value")
        return frame.reset_index(drop=True)

    def _wide(self, names: set[str]) -> pd.DataFrame:
        known = (*KEY_COLUMNS, "assessed_on")
        items: list[str] = []
        for name in sorted(names - set(known), key=list(self.body.columns).index):
            if name in self.item_of:
                items.append(name)
            else:
                close = difflib.get_close_matches(name, [*known, *self.item_of], n=1, cutoff=0.8)
                hint = f" (did you mean '{close[0]}'?)" if close else "; expected an item id of the instrument"
                self.add(1, self.col(name), f"unknown column '{self.col(name)}'{hint}")
        if not items:
            self.add(1, None, "no item columns; a wide file has one column per item id "
                              f"(e.g. {', '.join(list(self.instrument.items.index)[:3])})")
            return pd.DataFrame()
        keys = self.body.reindex(columns=list(known), fill_value="")
        keys["source_row"] = self.body.index
        melted = keys.join(self.body[items]).melt(id_vars=[*known, "source_row"], value_vars=items,
                                                  var_name="item", value_name="value")
        melted["value_column"] = melted["item"].map(self.col)
        melted["comment"] = ""
        return melted.sort_values("source_row", kind="stable").reset_index(drop=True)

    # -- checks -------------------------------------------------------------------------------------
    def _check(self, cells: pd.DataFrame) -> pd.DataFrame:
        ins = self.instrument
        role_of = {r.id.lower(): r.id for r in ins.roles} | {r.label.strip().lower(): r.id for r in ins.roles}
        level_of = {lv.id.lower(): lv.id for lv in ins.job_levels} | {
            lv.label.strip().lower(): lv.id for lv in ins.job_levels}
        once = ~cells["source_row"].duplicated()  # a wide row's key problems are reported once
        for name in KEY_COLUMNS:
            for row, raw in zip(cells.loc[once, "source_row"], cells.loc[once, name]):
                message = control_message(name, raw, CONTROL)
                if message:
                    self.add(int(row), self.col(name), message)
        for row, raw in zip(cells["source_row"], cells["comment"]):
            message = control_message("comment", raw, CONTROL_IN_PROSE) if raw else None
            if message:
                self.add(int(row), self.col("comment"), message)
        for name in ("organisation", "cohort", "subject", "rater"):
            cells[name] = cells[name].map(same_name)
        cells["role"] = cells["role"].str.lower().map(role_of).fillna(cells["role"])
        cells["job_level"] = cells["job_level"].str.lower().map(level_of).fillna(cells["job_level"])
        is_self = cells["role"].eq("self")
        cells.loc[is_self & cells["rater"].eq(""), "rater"] = cells["subject"]
        for row, r in zip(cells.loc[once, "source_row"], cells.loc[once].itertuples(index=False)):
            for name in ("organisation", "cohort", "subject", "rater", "role", "job_level"):
                if getattr(r, name) == "":
                    what = {"rater": "rater (who gave the rating)", "subject": "subject (the person rated)"}
                    self.add(int(row), self.col(name), f"missing {what.get(name, name)}; every rating needs one")
            if r.role and r.role not in ins.role_ids:
                self.add(int(row), self.col("role"), f"unknown role '{r.role}'; expected one of "
                                                     f"{', '.join(ins.role_ids)}")
            if r.job_level and r.job_level not in ins.level_ids:
                self.add(int(row), self.col("job_level"), f"unknown job level '{r.job_level}'; expected one of "
                                                          f"{', '.join(ins.level_ids)}")
            if r.role == "self" and r.rater and r.subject and r.rater.casefold() != r.subject.casefold():
                self.add(int(row), self.col("rater"), f"a self-rating's rater is the person rated: '{r.rater}' "
                                                      f"rates '{r.subject}' with role self")
            if r.role in ("manager", "peer") and r.rater and r.rater.casefold() == r.subject.casefold():
                self.add(int(row), self.col("role"), f"'{r.rater}' rates themself with role {r.role}; "
                                                     "a person rates themself with role self")
        for name in ("subject", "rater"):  # one spelling per person: the first one met
            folded = cells[name].str.casefold()
            first = cells.groupby([cells["organisation"], cells["cohort"], folded], sort=False)[name].transform("first")
            cells[name] = first
        cells["item_raw"] = cells["item"]
        cells["item"] = cells["item"].str.lower().map(self.item_of)
        for row, raw in zip(cells["source_row"], cells["item_raw"]):
            if raw == "":
                self.add(int(row), self.col("item"), "missing item id")
        for row, raw in cells.loc[cells["item"].isna() & cells["item_raw"].ne(""), ["source_row", "item_raw"]
                                  ].itertuples(index=False):
            close = difflib.get_close_matches(raw.lower(), list(self.item_of), n=1, cutoff=0.6)
            hint = f"did you mean '{self.item_of[close[0]]}'?" if close else f"e.g. {next(iter(self.item_of))}"
            self.add(int(row), self.col("item"), f"unknown item id '{raw}'; the instrument {ins.spec} has no such "
                                                 f"item ({hint})")
        self._values(cells)
        self._dates(cells)
        self._consistent(cells)
        self.fail()
        cells["area"] = cells["item"].map(ins.items["area"])
        cells["assessed_on"] = cells.pop("assessed_on_date")
        cells = cells.drop_duplicates(["organisation", "cohort", "subject", "rater", "item"])
        tidy = cells.loc[:, list(TIDY_COLUMNS)].reset_index(drop=True)
        tidy["role"] = pd.Categorical(tidy["role"], categories=ins.role_ids)
        tidy["job_level"] = pd.Categorical(tidy["job_level"], categories=ins.level_ids)
        tidy["item"] = pd.Categorical(tidy["item"], categories=ins.items.index)
        tidy["area"] = pd.Categorical(tidy["area"], categories=ins.area_ids)
        tidy["source_row"] = tidy["source_row"].astype(int)
        return tidy

    def _values(self, cells: pd.DataFrame) -> None:
        scale = self.instrument.scale
        raw = cells["value"].astype(str)
        lowered = raw.str.strip().str.lower()
        dont_know = lowered.eq(DONT_KNOW)
        missing = lowered.isin(NOT_ANSWERED) | dont_know
        number = pd.to_numeric(raw.str.replace(",", ".", regex=False), errors="coerce").where(~missing)
        expected = (f"expected a whole number from {scale.min} to {scale.max}, DK for don't know, "
                    "or blank/NA for not rated")
        bad = ~missing & (number.isna() | (number < scale.min) | (number > scale.max) | (number % 1 != 0))
        for row, column, value in cells.loc[bad, ["source_row", "value_column", "value"]].itertuples(index=False):
            self.add(int(row), column, f"value '{value}' is not on the scale; {expected}")
        cells["value"] = number.astype(float)
        cells["dont_know"] = dont_know.astype(bool)
        cells["bad_value"] = bad

    def _dates(self, cells: pd.DataFrame) -> None:
        parsed, reasons = read_dates(cells["assessed_on"])
        wrong = reasons.ne("")
        for row, value, reason in zip(cells.loc[wrong & ~cells["source_row"].duplicated(), "source_row"],
                                      cells.loc[wrong & ~cells["source_row"].duplicated(), "assessed_on"],
                                      reasons[wrong & ~cells["source_row"].duplicated()]):
            self.add(int(row), self.col("assessed_on"), date_message(value, reason, date_expected("the day assessed")))
        cells["assessed_on_date"] = parsed

    def _consistent(self, cells: pd.DataFrame) -> None:
        """One job level per person, one role per rater and person, each rating once, only expected items."""
        ins = self.instrument
        person = ["organisation", "cohort", "subject"]
        rows = cells[~cells["source_row"].duplicated() & cells["subject"].ne("")]
        lower = rows.assign(_s=rows["subject"].str.casefold(), _r=rows["rater"].str.casefold())
        first = lower.groupby(["organisation", "cohort", "_s"], sort=False)[["job_level", "source_row"]
                                                                            ].transform("first")
        for r, (level, at) in zip(lower.itertuples(index=False), first.itertuples(index=False)):
            if r.job_level and level and r.job_level != level:
                self.add(int(r.source_row), self.col("job_level"),
                         f"'{r.subject}' is a {r.job_level} here but a {level} in row {at}; a person has one job level")
        first = lower.groupby(["organisation", "cohort", "_s", "_r"], sort=False)[["role", "source_row"]
                                                                                  ].transform("first")
        for r, (role, at) in zip(lower.itertuples(index=False), first.itertuples(index=False)):
            if r.role and role and r.role != role:
                self.add(int(r.source_row), self.col("role"),
                         f"'{r.rater}' rates '{r.subject}' as {r.role} here but as {role} in row {at}; "
                         "a rater has one role towards a person")
        rated = cells[cells["item"].notna() & ~cells["bad_value"]]
        key = [*person, "rater", "item"]
        keyed = rated.assign(subject=rated["subject"].str.casefold(), rater=rated["rater"].str.casefold())
        repeated = keyed.duplicated(key, keep=False)
        if repeated.any():
            groups = keyed[repeated].groupby(key, sort=False)
            for _, group in groups:
                values = {(v if v == v else None, d) for v, d in zip(group["value"], group["dont_know"])}
                if len(values) > 1:
                    first_row = int(group["source_row"].iloc[0])
                    for r in rated.loc[group.index[1:]].itertuples(index=False):
                        self.add(int(r.source_row), r.value_column,
                                 f"'{r.rater}' rated '{r.subject}' on item {r.item} twice with different values "
                                 f"(first in row {first_row})")
        given = rated["value"].notna() | rated["dont_know"]
        known_level = rated["job_level"].isin(ins.level_ids)
        skipped = rated[given & known_level].apply(lambda r: not ins.expected(r["item"], r["job_level"]), axis=1)
        if len(skipped) and skipped.any():
            for r in rated.loc[skipped[skipped].index].itertuples(index=False):
                self.add(int(r.source_row), r.value_column,
                         f"item {r.item} is not expected of a {ins.level_label(r.job_level).lower()} "
                         f"('{r.subject}'); leave it blank")
