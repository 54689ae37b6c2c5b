"""Portfolio workbooks and CSV folders, from the sample portfolios cut to a few projects, with mutated sheets: each
is read or refused with located problems, and what is read is analysed as the `portfolio` command does (JSON
included)."""

from __future__ import annotations

import functools
import json

from hypothesis import given
from hypothesis import strategies as st

from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.model import SHEETS
from pmo_workbench.portfolio.solve import solver_limits

from .support import EXAMPLES, FUZZ, check, folder, mutated_table, read_csv_table, read_xlsx_tables, write_csv, \
    write_xlsx

PROJECTS = 6
ROWS = 24


def _cut(sheets: dict) -> dict:
    """The first projects of a portfolio and the rows of the other sheets that belong to them."""
    header, rows = sheets["projects"]
    keep = {r[0] for r in rows[:PROJECTS]}
    cut = {}
    for name, (header, rows) in sheets.items():
        columns = [i for i, h in enumerate(header) if h in ("project_id", "from_project", "to_project")]
        if columns:
            rows = [r for r in rows if all(r[i] in keep for i in columns)]
        cut[name] = (header, rows[:ROWS])
    return cut


@functools.cache
def seeds() -> tuple[dict, ...]:
    harrowmoor = EXAMPLES / "portfolios" / "harrowmoor-water-services"
    folder_seed = {p.stem: read_csv_table(p) for p in sorted(harrowmoor.glob("*.csv"))}
    book_seed = read_xlsx_tables(EXAMPLES / "portfolios" / "korrin-regional-council.xlsx")
    return _cut(folder_seed), _cut(book_seed)


@st.composite
def portfolios(draw) -> tuple[dict, str]:
    """A seed portfolio with one to three sheets mutated, a sheet sometimes dropped or an unknown one added, to be
    written as a workbook or a CSV folder."""
    kind = draw(st.sampled_from(["xlsx", "csv", "csv;"]))
    sheets = dict(draw(st.sampled_from(seeds())))
    # the projects sheet most often: every other sheet hangs off it, and the analysis reads it all
    for name in draw(st.lists(st.sampled_from(["projects"] * 6 + sorted(sheets)), min_size=1, max_size=3,
                              unique=True)):
        sheets[name] = draw(mutated_table(sheets[name], typed=kind == "xlsx"))
    extra = draw(st.sampled_from(["none", "none", "drop", "unknown", "rename"]))
    name = draw(st.sampled_from(sorted(sheets)))
    if extra == "drop":
        del sheets[name]
    elif extra == "unknown":
        sheets["notes"] = (["a", "b"], [["x", 1]])
    elif extra == "rename":
        sheets[draw(st.sampled_from([name.upper(), f" {name} ", name + "s", *SHEETS]))] = sheets.pop(name)
    return sheets, kind


def analysed(as_of, budget):
    def then(portfolio):
        with solver_limits(10, None):
            analysis = analyse_portfolio(portfolio, as_of=as_of, budget=budget, currency=portfolio.currency)
        json.dumps(analysis.to_dict(), allow_nan=False)
        return analysis
    return then


@FUZZ
@given(case=portfolios(), as_of=st.sampled_from(["2026-03-31", "2026-05-31", "2025-01-15"]),
       budget=st.sampled_from([None, None, 0.0, 5e6, 1e12]))
def test_portfolio(case, as_of, budget):
    sheets, kind = case
    with folder() as where:
        if kind == "xlsx":
            path = write_xlsx(where / "portfolio.xlsx", sheets)
        else:
            path = where / "portfolio"
            path.mkdir()
            for name, table in sheets.items():
                if name.strip():
                    write_csv(path / f"{name.strip().replace('/', '_')}.csv", table, delimiter=kind[3:] or ",")
        reader = "portfolio xlsx" if kind == "xlsx" else "portfolio csv folder"
        check(reader, where, lambda: read_portfolio(path), analysed(as_of, budget))
