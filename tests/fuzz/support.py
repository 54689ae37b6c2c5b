"""What the fuzz tests share: the two profiles, the property every reader must keep, the counts ``make fuzz``
prints, and the strategies that turn a real input file into a structurally plausible broken one.

The property (:func:`check`): a reader given a file either returns what it read, or raises the package's own
error (:class:`~pmo_workbench.errors.PmoWorkbenchError`) saying where: every problem of an
:class:`~pmo_workbench.errors.InputValidationError` names a file of the input, in one line. Anything else (a
``KeyError``, a pandas error, a ``ValueError`` from deep inside) is a bug. A loaded input must then go through
what the command line does with it next (scoring, the portfolio analysis) without error.

The profile is chosen by the environment: ``PMO_WORKBENCH_FUZZ=long`` (``make fuzz``) tries many inputs per
reader; otherwise a few, always the same ones (``derandomize``), so that ``make test`` stays quick and
deterministic.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import os
import re
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pmo_workbench.errors import InputValidationError, PmoWorkbenchError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TEMPLATES = ROOT / "templates"

DATES_AT_EDGES = True
"""Whether the strategies put dates at the edges of what a calendar or pandas holds into the files (years 1, 1677,
1725, 2262, 3026, 9999; 30 February; such dates as YAML dates). Off until every date goes through the one date
reader: today such dates end in pandas' ``OutOfBoundsDatetime`` or an ``OverflowError``, not a located message."""

LONG = os.environ.get("PMO_WORKBENCH_FUZZ", "").strip().lower() in {"1", "long", "fuzz", "yes"}

settings.register_profile(
    "pmo-fuzz-quick", max_examples=4, derandomize=True, deadline=None, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile(
    "pmo-fuzz-long", max_examples=int(os.environ.get("PMO_WORKBENCH_FUZZ_EXAMPLES", "300")), deadline=None,
    print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.filter_too_much])
FUZZ = settings.get_profile("pmo-fuzz-long" if LONG else "pmo-fuzz-quick")
"""The settings of every fuzz test (``@FUZZ`` above ``@given``)."""


# -- counts --------------------------------------------------------------------------------------------------------

TRIED: Counter[str] = Counter()
"""Inputs given to each reader."""
LOADED: Counter[str] = Counter()
"""Inputs each reader loaded (and the next step then handled)."""
REFUSED: Counter[str] = Counter()
"""Inputs each reader refused with a located error of its own."""
FAILED: Counter[str] = Counter()
"""Inputs that broke the property (Hypothesis runs a failing input again while it shrinks it: each run counts)."""
FAILURES: dict[str, set[str]] = {}
"""Per reader, the distinct failures: exception type and the line of the package that raised it."""


_INPUT = re.compile(r"[^\s'\"]*pmo-fuzz-[^/\s'\"]+")


def _origin(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "pmo_workbench" in f.filename]
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    text = _INPUT.sub("<input>", str(exc)).splitlines()
    return f"{type(exc).__name__}{where}: {text[0][:150] if text else ''}"


# -- the property ----------------------------------------------------------------------------------------------------

def located(exc: PmoWorkbenchError, folder: Path) -> None:
    """Assert that ``exc`` says where its input went wrong: each problem names a file under ``folder`` and is one
    line; another error of the package names a file under ``folder`` in its one line."""
    if isinstance(exc, InputValidationError):
        assert exc.problems, "an InputValidationError without problems"
        for problem in exc.problems:
            assert str(folder) in problem.path, f"problem not located in the input: {problem}"
            assert problem.message.strip(), f"problem without message: {problem}"
            assert len(str(problem).splitlines()) == 1, f"problem of several lines: {problem!r}"
            assert problem.row is None or problem.row >= 1, f"row before the first: {problem}"
    else:
        text = str(exc)
        assert len(text.splitlines()) == 1, f"error of several lines: {text!r}"
        assert str(folder) in text or Path(str(folder)).name in text, f"error that names no input: {text}"


def check(reader: str, folder: Path, load: Callable[[], Any], then: Callable[[Any], Any] | None = None) -> str:
    """Run ``load`` (a reader given a file under ``folder``) and ``then`` on what it loaded; return ``"loaded"``
    or ``"refused"``, and fail (counting the failure) on anything else."""
    TRIED[reader] += 1
    try:
        try:
            found = load()
        except PmoWorkbenchError as exc:
            located(exc, folder)
            REFUSED[reader] += 1
            return "refused"
        if then is not None:
            then(found)
    except BaseException as exc:  # noqa: BLE001 - counted, then raised again for Hypothesis
        if not isinstance(exc, KeyboardInterrupt):
            FAILED[reader] += 1
            FAILURES.setdefault(reader, set()).add(_origin(exc))
        raise
    LOADED[reader] += 1
    return "loaded"


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    """A fresh folder for one input (the readers cache by file content, so a name may be reused)."""
    with tempfile.TemporaryDirectory(prefix="pmo-fuzz-") as name:
        yield Path(name)


# -- cell values -----------------------------------------------------------------------------------------------------

EDGE_DATE_TEXTS = ("0001-01-01", "9999-12-31", "1677-09-21", "1677-09-22", "2262-04-11", "2262-04-12", "1725-05-01",
                   "3026-09-30", "2026-02-30", "2026-02-29", "1900-02-29", "2024-02-29", "1899-12-31", "1950-01-01",
                   "2150-12-31", "0000-00-00")
EDGE_DATES = (dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1677, 9, 21), dt.date(2262, 4, 12),
              dt.date(1725, 5, 1), dt.date(3026, 9, 30), dt.date(1900, 2, 28), dt.date(1900, 3, 1))
PLAIN_DATE_TEXTS = ("2026-05-31", "2025-01-01", "2026-12-31", "31/05/2026", "05/31/2026", "2026-05", "2026/05/31",
                    "31.05.2026", "2026-5-3", "20260531", "2026-05-31T10:00:00", "2026-05-31 00:00", "May 2026",
                    "2026-W22", "2026-13-01", "2026-00-10")
ODD_TEXTS = ("", " ", "  \t", "NA", "n/a", "N/A", "DK", "dk", "-", "?", "none", "None", "null", "NaN", "nan", "inf",
             "-inf", "Infinity", "1e400", "-1e400", "1e-400", "0", "-0", "+5", " 3 ", "3.0", "3,0", "1,250.5",
             "1.250.000,5", "12,5", "0,125", "1 000", "0x10", "1_000", "١٢", "Ⅻ", "½", "TRUE", "false", "yes", "no",
             "=1+1", "+1+1", "@SUM(A1)", "-2+3", "\x00", "\x1b[31mred", "a\nb", "a\rb", "\t", "\u202eevil", "\ufeff",
             "\u00a0", "\u200b", "💥", "ı", "ß", "Ǆ", "İstanbul", "a" * 300, "x;y", "x,y", '"quoted"', "'", "\\",
             "%s%n", "{0}", "${HOME}", "<script>", "&amp;", "../../etc/passwd", "/", "C:\\x")


def _number_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-10**30, max_value=10**30).map(str),
        st.sampled_from([0, 1, -1, 2, 3, 5, 7, 100, 101, -100, 2**31, 2**53 + 1, 2**63, -2**63, 10**18, 10**308])
        .map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(min_value=-10, max_value=10, allow_nan=False).map(lambda f: f"{f:.3f}"),
    )


def text_values(*, dates: bool | None = None) -> st.SearchStrategy[str]:
    """Cells as a CSV file holds them: text, some of it numbers, dates, blanks, markers, control characters."""
    dates = DATES_AT_EDGES if dates is None else dates
    options = [st.sampled_from(ODD_TEXTS), _number_texts(), st.sampled_from(PLAIN_DATE_TEXTS), st.text(max_size=10),
               st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=6)]
    if dates:
        options.append(st.sampled_from(EDGE_DATE_TEXTS))
    return st.one_of(options)


def cell_values(*, dates: bool | None = None) -> st.SearchStrategy[Any]:
    """Cells as a workbook holds them: typed numbers, booleans, dates and times as well as text."""
    dates = DATES_AT_EDGES if dates is None else dates
    options = [text_values(dates=dates), st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
               st.floats(allow_nan=False, allow_infinity=False),
               st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)),
               st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2150, 12, 31)),
               st.times()]
    if dates:
        options.append(st.sampled_from(EDGE_DATES))
        options.append(st.dates(min_value=dt.date(1900, 1, 1)))
    return st.one_of(options)


_DATE = re.compile(r"^(\d{4})-(\d{2})(-\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
EDGE_YEARS = (1, 1677, 1678, 1725, 1899, 1949, 2151, 2261, 2262, 3026, 9999)


@st.composite
def variant(draw, value: Any) -> Any:
    """A plausible mistake in a cell, after what it holds: a date in another year (at the edges when
    :data:`DATES_AT_EDGES`), month or form; a number negative, huge, zero, NaN or with a decimal comma; text with a
    line break, a control character, another case, padded or blank."""
    if isinstance(value, dt.datetime | dt.date):
        value = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, bool):
        return draw(st.sampled_from(["yes", "no", "1", "0", "TRUE", "maybe", "", None, 2]))
    if isinstance(value, int | float):
        value = repr(value)
    text = "" if value is None else str(value)
    if match := _DATE.match(text):
        year, month, day = match.group(1), match.group(2), match.group(3) or ""
        options = [st.just(f"{year}-{month}"), st.just(f"{day[1:] or '01'}/{month}/{year}"),
                   st.just(f"{year}-13{day}"), st.just(f"{year}-{month}-32"), st.just(f"{int(year) + 1}-{month}{day}"),
                   st.just(f"{int(year) - 3}-{month}{day}"), st.just(text + "T00:00:00"), st.just("")]
        if DATES_AT_EDGES:
            options += [st.sampled_from(EDGE_YEARS).map(lambda y: f"{y:04d}-{month}{day}"),
                        st.just(f"{year}-02-30"), st.just(f"{year}-02-29"),
                        st.sampled_from(EDGE_DATES).map(dt.date.isoformat)]
        return draw(st.one_of(options))
    if _NUMBER.match(text.strip()):
        number = float(text)
        return draw(st.sampled_from([f"-{text}", repr(number * 1e12), repr(number * 1e300), "0", "-0", "nan", "inf",
                                     "-inf", "1e400", text.replace(".", ","), text + "%", f" {text} ",
                                     str(int(number) + 1) if math.isfinite(number) else "1", "", "NA"]))
    return draw(st.sampled_from([text + "\n", text + "\x00", text.upper(), text.lower(), f" {text} ", "", text * 40,
                                 text + "\u202e", "=" + text, text + "💥", text[:1], text + " "]))


# -- tables ----------------------------------------------------------------------------------------------------------

Table = tuple[list[str], list[list[Any]]]
"""A sheet: its header and its rows (cells as Python values; ``None`` is blank)."""

_TABLE_OPS = ("variant", "variant", "variant", "variant", "variant", "variant", "cell", "cell", "cell", "same",
              "same", "header", "drop_column", "add_column", "dup_column",
              "dup_row", "drop_row", "blank_column", "swap_rows", "short_row", "long_row", "no_rows", "blank_row")


@st.composite
def mutated_table(draw, table: Table, *, typed: bool = False, max_ops: int = 6, known: tuple[str, ...] = ()) -> Table:
    """``table`` with a few mutations: cells replaced by odd values or by a value of another row (duplicated
    keys), headers renamed, duplicated, dropped or added, rows duplicated, dropped, shortened or lengthened.

    ``typed``: cells may be workbook values (numbers, dates, booleans), not only text. ``known``: header names an
    added or renamed column may take (another sheet's, an optional column)."""
    header, rows = list(table[0]), [list(r) for r in table[1]]
    values = cell_values() if typed else text_values()
    names = st.one_of(st.sampled_from(header + list(known) or ["x"]),
                      st.sampled_from(header or ["x"]).map(lambda h: f" {h.upper()} "), text_values())
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2, 2, 3]) | st.integers(0, max_ops))):
        op = draw(st.sampled_from(_TABLE_OPS))
        width = len(header)
        if op == "variant" and rows and width:
            r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, width - 1))
            while len(rows[r]) < width:
                rows[r].append(None)
            rows[r][c] = draw(variant(rows[r][c]))
        elif op in ("cell", "same") and rows and width:
            r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, width - 1))
            while len(rows[r]) < width:
                rows[r].append(None)
            if op == "same":
                source = rows[draw(st.integers(0, len(rows) - 1))]
                rows[r][c] = source[c] if len(source) > c else None
            else:
                rows[r][c] = draw(values)
        elif op == "header" and width:
            header[draw(st.integers(0, width - 1))] = draw(names)
        elif op == "drop_column" and width > 1:
            c = draw(st.integers(0, width - 1))
            del header[c]
            for row in rows:
                if len(row) > c:
                    del row[c]
        elif op == "add_column":
            header.append(draw(names))
            for row in rows:
                row.extend([None] * (len(header) - 1 - len(row)))
                row.append(draw(values) if draw(st.booleans()) else None)
        elif op == "dup_column" and width:
            c = draw(st.integers(0, width - 1))
            header.append(header[c])
            for row in rows:
                row.extend([None] * (len(header) - 1 - len(row)))
                row.append(row[c] if draw(st.booleans()) else draw(values))
        elif op == "dup_row" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            rows.insert(draw(st.integers(0, len(rows))), list(rows[r]))
        elif op == "drop_row" and rows:
            del rows[draw(st.integers(0, len(rows) - 1))]
        elif op == "blank_column" and width:
            c = draw(st.integers(0, width - 1))
            for row in rows:
                if len(row) > c:
                    row[c] = None
        elif op == "swap_rows" and len(rows) > 1:
            a, b = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows) - 1))
            rows[a], rows[b] = rows[b], rows[a]
        elif op == "short_row" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r][:draw(st.integers(0, max(len(rows[r]) - 1, 0)))]
        elif op == "long_row" and rows:
            rows[draw(st.integers(0, len(rows) - 1))].append(draw(values))
        elif op == "no_rows":
            rows = []
        elif op == "blank_row" and rows:
            rows.insert(draw(st.integers(0, len(rows))), [None] * width)
    return header, rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not math.isnan(value) else "nan"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(path: Path, table: Table, *, delimiter: str = ",", bom: bool = False) -> Path:
    """``table`` as a UTF-8 CSV file (with a byte-order mark when ``bom``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([_text(v) for v in table[0]])
    writer.writerows([_text(v) for v in row] for row in table[1])
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8", newline="")
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # a workbook cannot hold control characters
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        return str(value)
    return value


def write_xlsx(path: Path, sheets: dict[str, Table]) -> Path:
    """``sheets`` as a workbook, a sheet each in order; typed cells stay typed."""
    book = openpyxl.Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([_cell(v) for v in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    book.save(path)
    return path


def read_csv_table(path: Path, *, delimiter: str = ",", rows: int | None = None) -> Table:
    """A seed table from a CSV file (all cells text)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        found = list(csv.reader(handle, delimiter=delimiter))
    return found[0], found[1:] if rows is None else found[1:rows + 1]


def read_xlsx_tables(path: Path) -> dict[str, Table]:
    """Seed tables from every sheet of a workbook (cells typed as the workbook holds them)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        tables = {}
        for sheet in book.worksheets:
            found = [list(r) for r in sheet.iter_rows(values_only=True)]
            tables[sheet.title] = ([str(h) if h is not None else "" for h in found[0]], found[1:]) if found else ([],
                                                                                                                  [])
        return tables
    finally:
        book.close()


# -- YAML documents --------------------------------------------------------------------------------------------------

def yaml_values(*, dates: bool | None = None) -> st.SearchStrategy[Any]:
    """What a YAML value may be: every scalar type, odd text and numbers, empty and nested collections."""
    dates = DATES_AT_EDGES if dates is None else dates
    scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                        st.sampled_from([0, -1, 1, 2, 5, 100, 2**63, 10**400]), st.floats(),
                        text_values(dates=dates), st.dates(min_value=dt.date(1950, 1, 1),
                                                           max_value=dt.date(2150, 12, 31)))
    if dates:
        scalars = st.one_of(scalars, st.sampled_from(EDGE_DATES))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(text_values(), inner, max_size=3)),
                        max_leaves=4)


def _paths(node: Any, here: tuple = ()) -> Iterator[tuple]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*here, i))


def _at(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


_TREE_OPS = ("variant", "variant", "variant", "variant", "replace", "replace", "delete", "duplicate", "add_key",
             "swap", "same")


@st.composite
def mutated_tree(draw, document: Any, *, max_ops: int = 4, keys: tuple[str, ...] = ()) -> Any:
    """``document`` (parsed YAML) with a few mutations: a value replaced by one of another type or an odd one, or
    by another value of the document (a duplicated id), a key or list entry removed, an entry duplicated, a key
    added (one the format knows, from ``keys``, or an unknown one), two entries swapped."""
    document = _copy(document)
    values = yaml_values()
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2, 2]) | st.integers(0, max_ops))):
        paths = list(_paths(document))
        op = draw(st.sampled_from(_TREE_OPS))
        path = draw(st.sampled_from(paths))
        if op == "variant" and path and not isinstance(_at(document, path), dict | list):
            _at(document, path[:-1])[path[-1]] = draw(variant(_at(document, path)))
        elif op == "replace":
            if not path:
                document = draw(values)
                continue
            _at(document, path[:-1])[path[-1]] = draw(values)
        elif op == "same" and path:
            other = _at(document, draw(st.sampled_from(paths[1:])))
            _at(document, path[:-1])[path[-1]] = _copy(other)
        elif op == "delete" and path:
            del _at(document, path[:-1])[path[-1]]
        elif op == "duplicate" and path and isinstance(_at(document, path[:-1]), list):
            parent = _at(document, path[:-1])
            parent.insert(path[-1], _copy(parent[path[-1]]))
        elif op == "add_key":
            node = _at(document, path)
            if isinstance(node, dict):
                node[draw(st.one_of(st.sampled_from(keys or ("x",)), text_values()))] = draw(values)
        elif op == "swap" and path and isinstance(_at(document, path[:-1]), list):
            parent = _at(document, path[:-1])
            other = draw(st.integers(0, len(parent) - 1))
            parent[path[-1]], parent[other] = parent[other], parent[path[-1]]
    return document


class _Dumper(yaml.SafeDumper):
    pass


def _represent_unknown(dumper: yaml.SafeDumper, value: Any) -> yaml.Node:
    return dumper.represent_str(str(value))


_Dumper.add_representer(None, _represent_unknown)

_QUOTED_DATE = re.compile(r"'(\d{4}-\d{2}-\d{2})'")
_TEXT_OPS = ("none", "none", "none", "dup_line", "cut", "tab", "dup_key")


@st.composite
def yaml_text(draw, document: Any) -> str:
    """``document`` written as YAML, sometimes with a text-level flaw: a line duplicated (a key given twice), the
    text cut short, a tab for indentation."""
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    op = draw(st.sampled_from(_TEXT_OPS))
    lines = text.splitlines(keepends=True)
    if op == "dup_line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif op == "dup_key" and lines:
        lines.append(lines[0] if not lines[0].startswith(("-", " ")) else "x: 1\n")
    elif op == "cut" and text:
        return text[:draw(st.integers(0, len(text) - 1))]
    elif op == "tab" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i]
    if DATES_AT_EDGES and draw(st.booleans()):
        # a date as YAML reads it: unquoted, so that YAML itself turns it into a date (or fails to)
        lines = [_QUOTED_DATE.sub(r"\1", line) for line in lines]
    if DATES_AT_EDGES and draw(st.booleans()):
        lines.append(f"{draw(st.sampled_from(['as_of', 'assessed_on', 'date', 'x']))}: "
                     f"{draw(st.sampled_from(EDGE_DATE_TEXTS))}\n")
    return "".join(lines)
