"""Responses files, long and wide, CSV and Excel, from the examples with mutated cells, headers and rows: each is
read or refused with located problems, and what is read is scored (as `score` does, JSON included)."""

from __future__ import annotations

import functools
import re
import json

from hypothesis import given
from hypothesis import strategies as st

from pmo_workbench import load_instrument
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess

from .support import EXAMPLES, FUZZ, check, folder, mutated_table, read_csv_table, read_xlsx_tables, write_csv, \
    write_xlsx

OPTIONAL = ("pmo_level", "assessed_on", "comment", "wave")


@functools.cache
def core():
    return load_instrument("pmo-core")


def _typed(value):
    """A seed cell as Excel would hold it: numbers as numbers."""
    return int(value) if isinstance(value, str) and re.fullmatch("-?[0-9]{1,15}", value) else value


@functools.cache
def long_seed():
    header, rows = read_csv_table(EXAMPLES / "formats" / "long_semicolon_bom.csv", delimiter=";")
    respondents = list(dict.fromkeys(r[3] for r in rows))[:3]
    return header, [r for r in rows if r[3] in respondents]


@functools.cache
def wide_seed():
    header, rows = read_xlsx_tables(EXAMPLES / "formats" / "wide_example.xlsx")["responses"]
    return header, rows[:4]


def scored(frame):
    results = assess(frame, core())
    json.dumps(results.to_dict(), allow_nan=False)
    return results


def _write(path_stem, table, form, draw_format):
    kind, delimiter, bom = draw_format
    if kind == "xlsx":
        header, rows = table
        return write_xlsx(path_stem.with_suffix(".xlsx"), {"responses": (header, [[_typed(v) for v in r]
                                                                                 for r in rows])})
    return write_csv(path_stem.with_suffix(".csv"), table, delimiter=delimiter, bom=bom)


FORMATS = st.tuples(st.sampled_from(["csv", "xlsx"]), st.sampled_from([",", ";"]), st.booleans())


@FUZZ
@given(table=st.deferred(lambda: mutated_table(long_seed(), known=OPTIONAL)), fmt=FORMATS)
def test_long_responses(table, fmt):
    with folder() as where:
        path = _write(where / "responses", table, "long", fmt)
        check(f"responses long {fmt[0]}", where, lambda: read_responses(path, core()), scored)


@FUZZ
@given(table=st.deferred(lambda: mutated_table(wide_seed(), typed=True, known=OPTIONAL)), fmt=FORMATS)
def test_wide_responses(table, fmt):
    with folder() as where:
        path = _write(where / "responses", table, "wide", fmt)
        check(f"responses wide {fmt[0]}", where, lambda: read_responses(path, core()), scored)
