"""Stored answers as the cells of a responses file: the long and the wide table, and the workbook they go in."""

from __future__ import annotations

import pandas as pd

from .._io import text_cell
from ..assessment.instrument import Instrument
from .schema import _NA_TEXT, DONT_KNOW, LONG_FILE_COLUMNS, WIDE_META_COLUMNS


def _with_language(columns: list[str], frame: pd.DataFrame) -> list[str]:
    """``columns`` and, when some respondent's language is known, ``language`` after them (an optional column:
    files of answers whose language nobody recorded stay as they were)."""
    if "language" in frame and frame["language"].notna().any():
        return [*columns, "language"]
    return columns


def _long_table(frame: pd.DataFrame, values: pd.Series, instrument: Instrument) -> pd.DataFrame:
    """The tidy frame as the cells of a long responses file (text; blank for missing), ``values`` as written.

    Every respondent gets one row per item their role is asked, in instrument order, blank where nothing is
    stored, as an intake file lists them; so a file that lists every item asked comes back row for row. The
    ``language`` column (the language each respondent answered in) is written when any is known.
    """
    if frame.empty:
        return pd.DataFrame(columns=list(LONG_FILE_COLUMNS))
    table = pd.DataFrame({name: frame[name].astype(object).where(frame[name].notna(), "")
                          for name in ("organisation", "pmo", "pmo_level", "wave", "respondent", "role", "item")})
    table["value"] = values.to_numpy(object)
    table["assessed_on"] = _date_text(frame["assessed_on"])
    table["comment"] = frame["comment"].astype(object).where(frame["comment"].notna(), "")
    columns = _with_language(list(LONG_FILE_COLUMNS), frame)
    if "language" in columns:
        table["language"] = frame["language"].astype(object).where(frame["language"].notna(), "")
    keys = ["organisation", "pmo", "wave", "respondent"]
    items = list(frame["item"].cat.categories)
    people = table.drop_duplicates(keys)[[*keys, "pmo_level", "role", "assessed_on",
                                          *(["language"] if "language" in columns else [])]]
    grid = people.loc[people.index.repeat(len(items))].assign(item=items * len(people))
    asked = instrument.asked.stack()
    grid = grid[asked.reindex(pd.MultiIndex.from_arrays([grid["role"], grid["item"]])).fillna(True).to_numpy(bool)]
    full = grid.merge(table[[*keys, "item", "value", "comment"]], on=[*keys, "item"], how="left", sort=False)
    full[["value", "comment"]] = full[["value", "comment"]].fillna("")
    return full.loc[:, columns].reset_index(drop=True)


def _wide_table(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """One row per respondent (in order), one column per item of the instrument (``values`` as written, blank
    where nothing is stored); no comments."""
    keys = ["organisation", "pmo", "wave", "respondent"]
    plain = frame.astype({k: object for k in keys}).assign(text=values.to_numpy(object),
                                                         wave=frame["wave"].astype(object).fillna(""))
    meta = plain.drop_duplicates(keys).set_index(keys)
    values = plain.pivot(index=keys, columns="item", values="text").reindex(meta.index)
    values = values.reindex(columns=list(frame["item"].cat.categories))
    table = meta.reset_index()[keys].copy()
    table["role"] = meta["role"].astype(object).to_numpy()
    table["pmo_level"] = meta["pmo_level"].astype(object).where(meta["pmo_level"].notna(), "").to_numpy()
    table["assessed_on"] = _date_text(meta["assessed_on"]).to_numpy()
    columns = _with_language(list(WIDE_META_COLUMNS), frame)
    if "language" in columns:
        table["language"] = meta["language"].astype(object).where(meta["language"].notna(), "").to_numpy()
    items = pd.DataFrame({item: values[item].astype(object).where(values[item].notna(), "").to_numpy()
                          for item in values.columns})
    return pd.concat([table.loc[:, columns], items], axis=1)


def _value_text(values: pd.Series) -> pd.Series:
    numbers = values.astype(float)
    return numbers.map(lambda v: "" if v != v else str(int(v))).astype(object)


def _date_text(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), "")


def _workbook(table: pd.DataFrame):
    """An openpyxl workbook with the table on sheet ``responses`` (numbers as numbers, blanks empty, and text as
    text: a comment such as ``=1+2`` stays a string, never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"

    def cell(column: str, value: str) -> Cell | int | None:
        if value == "":
            return None
        if column in numeric and value not in (_NA_TEXT, DONT_KNOW):
            return int(value)
        return text_cell(ws, value)

    numeric = {c for c in table.columns
               if c == "value" or c not in (*LONG_FILE_COLUMNS, *WIDE_META_COLUMNS, "language")}
    ws.append([cell("", str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([cell(c, v) for c, v in zip(table.columns, row)])
    return wb
