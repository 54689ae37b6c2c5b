"""Missing values, number formatting, JSON conversion and the control characters texts may not hold:
one rule for the whole package.

Every module that shows a number, writes JSON or asks "is this missing?" goes
through here, so a report, the command line and the JSON output never disagree
on what a missing value looks like (:data:`MISSING`) or how money is written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

MISSING = "–"
"""How every table, sentence and terminal shows a value that is not there."""

NO_SCORE = "no score"
"""The label a chart or note puts where a dimension has no score (too few answers)."""


def is_missing(value: Any) -> bool:
    """``None``, ``NA``, ``NaT``, NaN and infinities are missing; anything else is not.

    >>> [is_missing(v) for v in (None, float("nan"), float("inf"), 0, "")]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return not math.isfinite(value)
    return False


def number(value: Any) -> float | None:
    """A finite Python float, or ``None`` (for missing values, text and booleans).

    >>> number(np.float32(2.5)), number("2.5"), number(float("nan")), number(True)
    (2.5, None, None, None)
    """
    if is_missing(value) or isinstance(value, (str, bool, np.bool_)):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def integer(value: Any) -> int | None:
    """A Python int (rounded), or ``None`` when :func:`number` gives none."""
    result = number(value)
    return None if result is None else int(round(result))


def text(value: Any) -> str | None:
    """``str(value)``, or ``None`` for a missing value."""
    return None if is_missing(value) else str(value)


DEFAULT_LOCALE = "en_GB"
"""The locale numbers, dates and money are written in unless a report's engagement names another."""
_LOCALE: ContextVar[str | None] = ContextVar("pmo_workbench_locale", default=None)
_REPORT_LOCALE = [DEFAULT_LOCALE]  # set once per report (a kernel runs one report), see set_locale


def number_locale() -> str:
    """The locale :func:`fmt`, :func:`percent` and :func:`money` write in when given none: the one of the
    enclosing :func:`use_locale` block, else the report's (:func:`set_locale`), else en_GB."""
    return _LOCALE.get() or _REPORT_LOCALE[0]


def set_locale(locale: str | None) -> str:
    """Write every number, percentage and amount of money from now on in ``locale`` (``None``: en_GB).

    A report notebook calls it once, in its first cell, with its engagement's locale: a notebook's cells do
    not share a :func:`use_locale` block. An unknown locale raises ``ValueError`` naming it.

    >>> set_locale("de_DE"), fmt(1234.5, 1, thousands=True), set_locale(None), fmt(1234.5, 1, thousands=True)
    ('de_DE', '1.234,5', 'en_GB', '1,234.5')
    """
    _REPORT_LOCALE[0] = _checked_locale(locale) if locale else DEFAULT_LOCALE
    return _REPORT_LOCALE[0]


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Write numbers, percentages and money in ``locale`` (a Babel locale such as ``"de_DE"``) inside the block.

    ``None`` keeps the current locale. An unknown locale raises ``ValueError`` naming it.

    >>> with use_locale("de_DE"):
    ...     [t.replace("\xa0", " ") for t in (fmt(1234.5, 1, thousands=True), percent(0.5), money(49_312_000, "EUR"))]
    ['1.234,5', '50 %', '49,3 Mio. €']
    >>> fmt(1234.5, 1, thousands=True)
    '1,234.5'
    """
    chosen = _checked_locale(locale) if locale else number_locale()
    token = _LOCALE.set(chosen)
    try:
        yield chosen
    finally:
        _LOCALE.reset(token)


def _checked_locale(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValueError(f"unknown locale {locale!r}; expected a locale such as en_GB, de_DE or fr_FR") from None
    return locale


def _plain(locale: str | None) -> str | None:
    """``None`` when numbers in ``locale`` are written as Python writes them (English), else the locale."""
    chosen = locale or number_locale()
    return None if chosen.split("_")[0].split("-")[0].lower() == "en" else chosen


def fmt(value: Any, digits: int = 1, *, missing: str = MISSING, thousands: bool = False,
        locale: str | None = None) -> str:
    """A number with ``digits`` decimals, or :data:`MISSING`; in ``locale`` (default :func:`number_locale`).

    >>> fmt(72.345), fmt(None), fmt(1234.5, 0, thousands=True)
    ('72.3', '–', '1,234')
    >>> fmt(1234.5, 1, thousands=True, locale="fr_FR").replace("\u202f", " "), fmt(72.345, locale="de_DE")
    ('1 234,5', '72,3')
    """
    result = number(value)
    if result is None:
        return missing
    other = _plain(locale)
    if other is not None:
        from babel.numbers import format_decimal

        pattern = ("#,##0" if thousands else "0") + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(round(result, digits), format=pattern, locale=other)
    return f"{result:,.{digits}f}" if thousands else f"{result:.{digits}f}"


def percent(value: Any, digits: int = 0, *, missing: str = MISSING, locale: str | None = None) -> str:
    """A share (0.5) as a percentage (``50%``), or :data:`MISSING`; in ``locale`` (default :func:`number_locale`).

    >>> percent(0.5), percent(0.123, 1, locale="de_DE").replace("\xa0", " ")
    ('50%', '12,3 %')
    """
    result = number(value)
    if result is None:
        return missing
    other = _plain(locale)
    if other is not None:
        from babel import Locale
        from babel.numbers import format_percent

        pattern = Locale.parse(other).percent_formats[None].pattern.split(";")[0]
        if digits > 0:
            pattern = pattern.replace("0", "0." + "0" * digits, 1)
        return format_percent(result, format=pattern, locale=other)
    return f"{result:.{digits}%}"


MONEY_UNITS = (("bn", 1e9), ("m", 1e6), ("k", 1e3))
"""The compact units of :func:`money`, largest first: an amount of at least one unit is written in it."""


def currency_symbol(currency: str | None) -> str:
    """The symbol a reader in English expects for an ISO 4217 code (``£``, ``€``, ``$``), from Babel's data.

    A code without a symbol of its own is written as the code and a space (``CHF 1.2m``); ``None`` gives ``""``.

    >>> currency_symbol("GBP"), currency_symbol("EUR"), currency_symbol("CHF"), currency_symbol(None)
    ('£', '€', 'CHF ', '')
    """
    if not currency:
        return ""
    from babel.numbers import get_currency_symbol

    code = currency.strip().upper()
    symbol = get_currency_symbol(code, locale="en")
    return f"{code} " if symbol == code else symbol


def money(value: Any, currency: str | None = None, *, full: bool = False, missing: str = MISSING,
          locale: str | None = None) -> str:
    """Money as a reader sees it: one format for every sentence, tile, table and chart of the package.

    Parameters
    ----------
    value
        The amount; :data:`MISSING` when it is missing.
    currency
        The ISO 4217 code of the amount (e.g. ``"GBP"``), or ``None`` for a plain number.
    full
        ``False`` (default): compact, one decimal at most in the largest unit that fits ("bn", "m", "k"; see
        :data:`MONEY_UNITS`), for text and tiles. ``True``: the whole amount with thousands separators, for tables.
    missing
        What a missing amount shows.
    locale
        The locale to write in (default :func:`number_locale`, en_GB). An English locale keeps the forms below;
        another writes the amount with its currency as that locale does (``"49,3 Mio. €"`` in de_DE).

    Examples
    --------
    >>> money(49_312_000, "GBP"), money(1_234_567_890, "EUR"), money(850_000, "GBP"), money(-2_500, "USD")
    ('£49.3m', '€1.2bn', '£850k', '-$2.5k')
    >>> money(1_234_567), money(900), money(None), money(49_312_000.4, "GBP", full=True)
    ('1.2m', '900', '–', '£49,312,000')
    """
    result = number(value)
    if result is None:
        return missing
    other = _plain(locale)
    if other is not None:
        return _money_in(result, currency, full=full, locale=other)
    sign = "-" if result < 0 else ""
    result = abs(result)
    symbol = currency_symbol(currency)
    if not full:
        bigger = None
        for unit, size in MONEY_UNITS:
            if result >= size:
                scaled = round(result / size, 1)
                if scaled >= 1000 and bigger is not None:  # 999,960 reads 1m rather than 1,000k
                    unit, scaled = bigger[0], round(result / bigger[1], 1)
                return f"{sign}{symbol}{scaled:,.1f}".removesuffix(".0") + unit
            bigger = (unit, size)
    whole = f"{result:,.0f}"
    return f"{'' if whole == '0' else sign}{symbol}{whole}"


def _money_in(amount: float, currency: str | None, *, full: bool, locale: str) -> str:
    """Money in a non-English locale, with Babel: compact (``49,3 Mio. €``) or whole (``49.312.000 €``).

    >>> _money_in(49_312_000.4, "EUR", full=True, locale="de_DE").replace("\xa0", " ")
    '49.312.000 €'
    >>> _money_in(1_500, None, full=False, locale="de_DE")
    '1500'
    >>> _money_in(-700_546.98, "EUR", full=False, locale="de_DE").replace("\xa0", " ")
    '-700.547 €'
    """
    from babel import Locale
    from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_decimal

    code = currency.strip().upper() if currency else None
    if not full and abs(amount) >= MONEY_UNITS[-1][1]:
        def compact(value: float) -> str:
            if code:
                return format_compact_currency(value, code, locale=locale, fraction_digits=1)
            return format_compact_decimal(value, locale=locale, fraction_digits=1)

        text = compact(amount)
        if re.search(r"[^\W\d_]", text.replace(code or "", "").replace(_symbol(code, locale), "")):
            return text
        # The locale has no unit for amounts this size (German: none below a million): the whole amount, its
        # thousands separated from five digits on (Duden), as Babel would otherwise keep every decimal.
        if abs(round(amount)) < 10_000:
            return compact(round(amount))
        full = True
    if not code:
        return format_decimal(round(amount), format="#,##0" if full else "0", locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    pattern = re.sub(r"0\.0+", "0", pattern)
    return format_currency(round(amount), code, format=pattern, locale=locale, currency_digits=False)


def _symbol(code: str | None, locale: str) -> str:
    """The symbol ``locale`` writes a currency with (``€`` for EUR in de_DE), ``""`` without a currency."""
    if not code:
        return ""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(code, locale=locale)


def money_heading(label: str, currency: str | None) -> str:
    """A table heading for a money column: ``"BAC (£)"``, or the label alone without a currency.

    >>> money_heading("BAC", "GBP"), money_heading("BAC", None)
    ('BAC (£)', 'BAC')
    """
    symbol = currency_symbol(currency).strip()
    return f"{label} ({symbol})" if symbol else label


def project_label(project_id: Any, name: Any = None) -> str:
    """How a project is named to the reader, everywhere: ``"P-001 — Payroll upgrade"``, the id alone without a name.

    >>> project_label("P-001", "Payroll upgrade"), project_label("P-002", None)
    ('P-001 — Payroll upgrade', 'P-002')
    """
    ident = "" if is_missing(project_id) else str(project_id)
    label = text(name)
    label = label.strip() if label else ""
    return f"{ident} — {label}" if label and label != ident else ident


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: ``count(1, "project")`` is ``"1 project"``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def join_words(parts: list[str], *, empty: str = "nothing more") -> str:
    """``a``, ``a and b``, ``a, b and c``; ``empty`` for no parts."""
    if not parts:
        return empty
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def rounded(value: Any, digits: int = 2) -> float | None:
    """A finite number rounded to ``digits``, else ``None`` (what JSON output holds for a score)."""
    result = number(value)
    return None if result is None else round(result, digits)


def boolean(value: Any) -> bool | None:
    """``bool(value)``, or ``None`` for a missing value."""
    return None if is_missing(value) else bool(value)


def jsonable(value: Any, *, digits: Callable[[str], int | None] | None = None, key: str = "") -> Any:
    """``value`` as plain JSON types: missing values become ``None``, numpy scalars Python numbers,
    dates ISO text, frames lists of records.

    ``digits(key)`` may say how many decimals a float under that key keeps
    (``None``: as it is); it is asked with the name of the innermost key.

    >>> jsonable({"a": np.float64("nan"), "b": [np.int64(3)], "c": pd.Timestamp("2026-01-02")})
    {'a': None, 'b': [3], 'c': '2026-01-02'}
    """
    if isinstance(value, pd.DataFrame):
        return [jsonable(r, digits=digits) for r in value.to_dict("records")]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v, digits=digits, key=str(k)) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, digits=digits, key=str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, digits=digits, key=key) for v in value]
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        places = digits(key) if digits is not None else None
        return float(value) if places is None else round(float(value), places)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    return value if isinstance(value, str) else str(value)


# -- dates: every date the package reads goes through read_dates -----------------------------------
# A CSV or workbook cell, a YAML value, a command-line option, a value read back from the store: one rule for what
# a date is and one message shape (see date_message), so a typo such as 3026 for 2026 is a located problem rather
# than a date pandas cannot hold (its nanosecond timestamps end in 2262) or a schedule a thousand years long.

FIRST_YEAR = 1950
"""The earliest year a date the package reads may have."""

LAST_YEAR = 2150
"""The latest year a date the package reads may have; with :data:`FIRST_YEAR`, the years every date lies in, so no
date nor any difference of two dates comes near pandas' nanosecond limits (1677-2262)."""

DATE_FORMAT = "YYYY-MM-DD"

# a time after the date (dropped) must be one: 00:00 to 23:59:60, an offset up to 23:59
_TIME = r"[T ](?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
_ISO_DAY = re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:{_TIME})?")
_ISO_MONTH = re.compile(rf"(\d{{4}})-(\d{{2}})(?:-(\d{{2}})(?:{_TIME})?)?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _date_text(value: Any) -> str:
    """A value as the text a date is read from: dates and times (a YAML date, an Excel date cell, a value from
    the store) as ISO, missing values as blank."""
    if is_missing(value):
        return ""
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):  # a YAML list given where one date belongs
        return "[" + ", ".join(_date_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_date_text(k)}: {_date_text(v)}" for k, v in value.items()) + "}"
    return str(value).strip()


def _read_distinct(texts: pd.Series, month: bool) -> tuple[pd.Series, pd.Series]:
    """:func:`read_dates` on distinct texts."""
    pattern = _ISO_MONTH if month else _ISO_DAY
    parts = texts.str.extract(f"^(?:{pattern.pattern})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    day = parts[2].fillna("01") if month else parts[2]
    iso = (parts[0] + "-" + parts[1] + "-" + day).where(year.between(FIRST_YEAR, LAST_YEAR))
    dates = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    if month:  # a whole date names its month; a day that does not exist is still wrong
        real_day = pd.to_datetime((parts[0] + "-" + parts[1] + "-" + parts[2]).where(parts[2].notna()),
                                  format="%Y-%m-%d", errors="coerce")
        dates = dates.where(parts[2].isna() | real_day.notna())
    blank = texts.eq("")
    reasons = pd.Series("", index=texts.index, dtype=object)
    shaped = year.notna()
    outside = shaped & ~year.between(FIRST_YEAR, LAST_YEAR)
    reasons[outside] = f"is outside the years {FIRST_YEAR}-{LAST_YEAR}"
    noun = "month" if month else "date"
    reasons[shaped & ~outside & dates.isna()] = f"is not a real {noun} (no such month or day)"
    unshaped = ~shaped & ~blank
    reasons[unshaped] = f"is not a {noun}"
    reasons[unshaped & texts.str.fullmatch(_NUMBER.pattern)] = f"is a number, not a {noun}"
    # a spreadsheet date cell before 1900 (or holding a negative number) reads as a bare time of day
    reasons[unshaped & texts.str.fullmatch(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")] = (
        f"is a time of day, not a {noun} (a spreadsheet date cell before 1900 reads as one)")
    return dates.where(reasons.eq("")).astype("datetime64[ns]"), reasons


def read_dates(values: pd.Series, *, month: bool = False) -> tuple[pd.Series, pd.Series]:
    """The dates of a column of values, and why each value that is not one is not: the package's one date reader.

    A date is written ``YYYY-MM-DD`` (a time after it, as an Excel date cell with a time reads, is dropped);
    dates and timestamps (YAML dates, Excel date cells, values from the store) are taken as they are. Its year lies
    from :data:`FIRST_YEAR` to :data:`LAST_YEAR`. With ``month``, ``YYYY-MM`` names the first day of a month and
    a date is taken as the first day of its month. Each distinct value is read once, so a column of 200,000
    cells costs what its distinct values cost.

    Parameters
    ----------
    values
        The cells (text, dates or missing values); blank text and missing values are no date and no problem.
    month
        Read months (``YYYY-MM``) rather than days.

    Returns
    -------
    tuple of pandas.Series
        The dates (``datetime64[ns]``, ``NaT`` where blank or wrong) and, per value, ``""`` or the reason it is
        not a date (for :func:`date_message`); both on the index of ``values``.

    Examples
    --------
    >>> dates, why = read_dates(pd.Series(["2026-05-31", "2026-02-30", "3026-09-30", "46000", "", "2026-05-31T10:00"]))
    >>> [d.date().isoformat() if pd.notna(d) else None for d in dates]
    ['2026-05-31', None, None, None, None, '2026-05-31']
    >>> list(why)  # doctest: +NORMALIZE_WHITESPACE
    ['', 'is not a real date (no such month or day)', 'is outside the years 1950-2150', 'is a number, not a date',
     '', '']
    """
    try:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    except TypeError:  # a list or mapping (a YAML value): read as its text, which is no date
        codes, uniques = pd.factorize(values.map(lambda v: _date_text(v) if isinstance(v, (list, dict, set))
                                                 else v).astype(object), use_na_sentinel=False)
    texts = pd.Series([_date_text(u) for u in uniques], dtype=object)
    if not len(texts):
        empty = pd.Series([], index=values.index, dtype=object)
        return empty.astype("datetime64[ns]"), empty
    dates, reasons = _read_distinct(texts.astype(str), month)
    return (pd.Series(dates.to_numpy()[codes], index=values.index, dtype="datetime64[ns]"),
            pd.Series(reasons.to_numpy()[codes], index=values.index, dtype=object))


def date_message(value: Any, reason: str, expected: str | None = None) -> str:
    """The one shape of every message about a date: the value, what is wrong and what was expected.

    >>> date_message("3026-09-30", "is outside the years 1950-2150")
    "'3026-09-30' is outside the years 1950-2150; expected a date as YYYY-MM-DD from 1950 to 2150"
    """
    return f"'{_date_text(value)[:40]}' {reason}; expected {expected or date_expected()}"


def date_expected(what: str = "a date", *, month: bool = False) -> str:
    """What a date message says was expected: ``what`` as ``YYYY-MM-DD`` and the years allowed."""
    return f"{what} as {'YYYY-MM' if month else DATE_FORMAT} from {FIRST_YEAR} to {LAST_YEAR}"


def date_problem(value: Any, *, month: bool = False, expected: str | None = None) -> tuple[dt.date | None, str | None]:
    """One value through :func:`read_dates`: its date (``None`` when blank) and ``None``, or ``None`` and the
    message (:func:`date_message`) saying why it is not one.

    >>> date_problem("2026-05-31"), date_problem(dt.date(2026, 5, 31))[0], date_problem("")
    ((datetime.date(2026, 5, 31), None), datetime.date(2026, 5, 31), (None, None))
    >>> date_problem("1725-05-01")[1]
    "'1725-05-01' is outside the years 1950-2150; expected a date as YYYY-MM-DD from 1950 to 2150"
    """
    dates, reasons = read_dates(pd.Series([value], dtype=object), month=month)
    if reasons.iat[0]:
        return None, date_message(value, reasons.iat[0], expected)
    return (None if pd.isna(dates.iat[0]) else dates.iat[0].date()), None


def date_value(value: Any, *, where: str, row: int | None = None, column: str | int | None = None,
               expected: str | None = None, month: bool = False) -> dt.date | None:
    """One value through :func:`read_dates`, its date (``None`` when blank), or an ``InputValidationError`` whose
    one problem names ``where`` (the file, or an option such as ``--as-of``), the row or line, the column or key,
    the value and what was expected: ``manifest.yaml:4:as_of: '2026-02-30' is not a real date (no such month or
    day); expected a date as YYYY-MM-DD from 1950 to 2150``.

    >>> date_value("2026-05-31", where="manifest.yaml", row=4, column="as_of")
    datetime.date(2026, 5, 31)
    """
    from .errors import InputValidationError, Problem

    date, message = date_problem(value, month=month, expected=expected)
    if message is not None:
        raise InputValidationError([Problem(where, row, column, message)])
    return date


def stored_dates(values: pd.Series, *, key: str, rows: Any, keep_time: bool = False) -> pd.Series:
    """Dates read back from the store, through :func:`read_dates`: a value no date reader would take (a row written
    by hand, by an older version or by another program, such as ``3026-01-01`` or ``2026-02-30``) is an
    ``InputValidationError`` located as ``store:ROW:KEY``, ``key`` naming the table and column
    (``respondents.assessed_on``) and ``rows`` the id of each value's record (the assessment's), rather than a
    pandas overflow or a date that cannot be.

    With ``keep_time`` a timestamp keeps its time (``updated_at``); else it is the day (``datetime64[ns]``).

    >>> stored_dates(pd.Series(["2026-05-31", None]), key="respondents.assessed_on", rows=[7, 7]).tolist()
    [Timestamp('2026-05-31 00:00:00'), NaT]
    >>> try:
    ...     stored_dates(pd.Series(["2026-02-30"]), key="respondents.assessed_on", rows=[7])
    ... except Exception as exc:
    ...     print(exc.problems[0])
    store:7:respondents.assessed_on: '2026-02-30' is not a real date (no such month or day); expected a date as \
YYYY-MM-DD from 1950 to 2150
    """
    from .errors import InputValidationError, Problem

    values = pd.Series(values).reset_index(drop=True)
    dates, reasons = read_dates(values)
    wrong = reasons.ne("")
    if wrong.any():
        ids = pd.Series(list(rows) if rows is not None else [None] * len(values), dtype=object)
        seen = dict.fromkeys((ids[i], _date_text(values[i]), reasons[i]) for i in wrong[wrong].index)
        raise InputValidationError([Problem("store", None if row is None else int(row), key,
                                            date_message(text, reason)) for row, text, reason in seen])
    if keep_time:
        return pd.to_datetime(values.where(values.notna() & dates.notna()), format="ISO8601")
    return dates


# -- control characters in the texts users give ---------------------------------------------------
# A NUL byte or an escape sequence in a name ends up in reports, file names and the store; the input boundaries
# (YAML files, responses files, portfolio workbooks) reject it with control_message, located where it was found.

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Every control character (C0, DEL and C1: U+009B is an escape to a terminal): what a name or id (one line of
text) must not hold."""

CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""As :data:`CONTROL`, but tabs and line breaks (``\\t``, ``\\n``, ``\\r``) are allowed: free text such as comments."""

CONTROL_IN_YAML = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""As :data:`CONTROL`, but tabs and newlines are allowed: YAML block scalars (``|``, ``>``) end lines with ``\\n``
and YAML turns line breaks into ``\\n`` anyway, so a ``\\r`` can only come from an escape."""


def control_message(what: str, text: str, pattern: re.Pattern[str] = CONTROL) -> str | None:
    """The problem with ``text`` when it holds a control character of ``pattern``, else ``None``.

    Parameters
    ----------
    what
        How the message names the text, e.g. ``"organisation"``.
    text
        The text to check.
    pattern
        Which characters are wrong: :data:`CONTROL` (default), :data:`CONTROL_IN_PROSE` or :data:`CONTROL_IN_YAML`.

    Examples
    --------
    >>> control_message("organisation", "Acme\\x00")
    'organisation contains a control character (U+0000 at position 5); remove it'
    >>> control_message("organisation", "Acme") is None
    True
    """
    found = pattern.search(text)
    if found is None:
        return None
    code, position = ord(found.group()), found.start() + 1
    return f"{what} contains a control character (U+{code:04X} at position {position}); remove it"
