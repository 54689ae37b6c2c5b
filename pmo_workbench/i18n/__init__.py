"""The language reports, forms and messages are written in: gettext catalogues read through Babel.

Every sentence a reader sees goes through this module::

    from pmo_workbench.i18n import _, ngettext, N_

    _("Executive summary")
    ngettext("{n} respondent", "{n} respondents", n).format(n=n)
    LABELS = {"standards": N_("Set standards")}   # marked here, translated where it is shown: _(LABELS[key])

The English text is the message id, so English needs no catalogue. Each other language has one in
``pmo_workbench/locale/<language>/LC_MESSAGES/messages.po``; ``make`` compiles it to ``messages.mo`` and, when
the compiled file is missing or older than the ``.po``, the ``.po`` is compiled in memory on first use, so an
edited catalogue is never shadowed by a stale one. The README says how to add a language (extract, translate,
compile).

The current language is the one of the enclosing :func:`use_language` block (a web request, a test), else the
process's (:func:`set_language`: a report kernel, a CLI run), else English. Setting a language also sets the
locale numbers, dates and money are written in (:func:`pmo_workbench._values.set_locale`) unless one is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DEFAULT_LANGUAGE = "en"
"""The language of the message ids: needs no catalogue."""
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the catalogues are: ``<language>/LC_MESSAGES/messages.po``, the template ``messages.pot``."""
DEFAULT_LOCALES = {"en": "en_GB", "de": "de_DE"}
"""The locale numbers and dates are written in for a language when no locale is given, where it is not the one
Babel deems likeliest (:func:`default_locale`: any other language needs no entry here)."""


class CatalogueError(ValueError):
    """A language's catalogue cannot be read (a syntax error in its ``.po``): the message names file and line."""


_LANGUAGE: ContextVar[str | None] = ContextVar("pmo_workbench_language", default=None)
_PROCESS_LANGUAGE = [DEFAULT_LANGUAGE]  # set once per report kernel or command, see set_language


def languages() -> tuple[str, ...]:
    """The languages the package speaks: English, then every language with a catalogue, sorted.

    >>> languages()[:2]
    ('en', 'de')
    """
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LANGUAGE, *[code for code in found if code != DEFAULT_LANGUAGE])


def check_language(value: str | None) -> str:
    """``value`` as a language code the package speaks (``"de"``, ``"DE"``, ``"de-DE"`` give ``"de"``);
    ``None`` or ``""`` give English. Anything else raises ``ValueError`` naming the languages available.

    >>> check_language("de-DE"), check_language(None)
    ('de', 'en')
    """
    if value is None or not str(value).strip():
        return DEFAULT_LANGUAGE
    code = str(value).strip().replace("_", "-").split("-")[0].lower()
    available = languages()
    if code not in available:
        raise ValueError(f"'{value}' is not a language the reports are written in; expected one of "
                         f"{', '.join(available)}")
    return code


@functools.cache
def default_locale(language: str) -> str | None:
    """The locale numbers and dates of ``language`` are written in when none is given: :data:`DEFAULT_LOCALES`,
    else the language in the territory Babel deems likeliest (``fr`` gives ``fr_FR``, ``pt`` gives ``pt_BR``),
    else the language itself; ``None`` for a code Babel does not know.

    >>> default_locale("en"), default_locale("de"), default_locale("fr"), default_locale("pt")
    ('en_GB', 'de_DE', 'fr_FR', 'pt_BR')
    """
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    if language in DEFAULT_LOCALES:
        return DEFAULT_LOCALES[language]
    try:
        likely = Locale.parse(get_global("likely_subtags").get(language, language))
        Locale.parse(f"{language}_{likely.territory}" if likely.territory else language)
    except (UnknownLocaleError, ValueError):
        try:
            return str(Locale.parse(language))
        except (UnknownLocaleError, ValueError):
            return None
    return f"{language}_{likely.territory}" if likely.territory else language


def report_language(value: object) -> str:
    """A report's language as a manifest or ``--language`` gives it: case, spaces and ``_`` do not matter
    (``DE``, `` de`` give ``de``); a region is refused, it belongs in the engagement file's ``locale``, and so is
    anything but a language code the package speaks. Raises ``ValueError`` with a message for the consultant.

    >>> report_language(" DE ")
    'de'
    """
    if isinstance(value, bool):  # YAML 1.1 reads an unquoted no (Norwegian) as false: take it as written
        value = "no" if value is False else "yes"
    if not isinstance(value, str):
        raise ValueError(f"must be a language code such as {' or '.join(languages()[:2])}, not {value!r}")
    code = value.strip().replace("_", "-")
    if not code:
        raise ValueError(f"is empty; give a language code such as {' or '.join(languages()[:2])}")
    language, _sep, region = code.partition("-")
    if region:
        raise ValueError(f"{value.strip()!r}: give the language alone ({language.lower()}); a region's numbers, "
                         f"dates and money belong in the engagement file's locale (e.g. locale: "
                         f"{language.lower()}_{region.upper()})")
    language = language.lower()
    available = languages()
    if language not in available:
        raise ValueError(f"{value.strip()!r} is not a language the reports are written in; expected one of "
                         f"{', '.join(available)}")
    return language


def current_language() -> str:
    """The language of the enclosing :func:`use_language` block, else the process's (default English)."""
    return _LANGUAGE.get() or _PROCESS_LANGUAGE[0]


def set_language(language: str | None, locale: str | None = None) -> str:
    """Write everything from now on in ``language`` (``None``: English), numbers in ``locale`` (default the
    language's usual one, :func:`default_locale`).

    A report notebook calls it once, in its first cell: a notebook's cells do not share a
    :func:`use_language` block. An unknown language raises ``ValueError`` naming those available.
    """
    from .._values import set_locale

    code = check_language(language)
    _PROCESS_LANGUAGE[0] = code
    set_locale(_locale_of(code, locale))
    return code


def _locale_of(code: str, locale: str | None) -> str | None:
    """``locale`` when it is one of language ``code`` (``de_AT`` for ``de``), else the language's usual locale:
    an English report never writes ``16,3`` because its engagement file names a German locale."""
    if locale:
        from babel import Locale, UnknownLocaleError

        try:
            if Locale.parse(str(locale).replace("-", "_")).language == code:
                return locale
        except (ValueError, TypeError, UnknownLocaleError):
            pass
    return default_locale(code)


@contextmanager
def use_language(language: str | None, locale: str | None = None) -> Iterator[str]:
    """Write in ``language`` inside the block (numbers in ``locale``, default the language's usual one)."""
    from .._values import use_locale

    code = check_language(language)
    token = _LANGUAGE.set(code)
    try:
        with use_locale(_locale_of(code, locale)):
            yield code
    finally:
        _LANGUAGE.reset(token)


_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:#.*|\s*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_QUOTED}|{_QUOTED})$")


def check_syntax(po: Path) -> None:
    """Refuse a ``.po`` file with a line that is neither a comment, a keyword with its quoted text, nor a quoted
    continuation (Babel's reader would quietly cut a lost quote's text short), naming file and line."""
    with po.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not _PO_LINE.match(line.rstrip("\n")):
                raise CatalogueError(f"{po}:{number}: not a line of a catalogue (a quote lost?): "
                                     f"{line.strip()[:60]!r}; correct it, then run `make catalogues`")


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (a ``NullTranslations`` for English).

    Every ``*.po`` file of the language's ``LC_MESSAGES`` folder is read, in name order (a catalogue may be
    split); each uses its compiled ``.mo`` when that is at least as new, else is compiled in memory.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import Translations

    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    merged: Translations | None = None
    for po in sorted(folder.glob("*.po")):
        mo = po.with_suffix(".mo")
        part = None
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            try:
                part = Translations(io.BytesIO(mo.read_bytes()), domain=DOMAIN)
            except OSError:  # a damaged compiled file (an interrupted make): the .po is the source
                part = None
        if part is None:
            try:
                check_syntax(po)
                with po.open("rb") as f:
                    catalog = read_po(f, locale=language, abort_invalid=True)
            except PoFileError as exc:
                raise CatalogueError(f"{po}: {exc}; correct the catalogue (the line is given), then run "
                                     "`make catalogues`") from None
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            part = Translations(io.BytesIO(buffer.getvalue()), domain=DOMAIN)
        merged = part if merged is None else merged.merge(part)
    return merged if merged is not None else _gettext.NullTranslations()


@functools.cache
def untranslated(language: str) -> int:
    """How many messages ``language``'s catalogue leaves untranslated (empty or fuzzy): every message id found in
    any language's catalogue files counts, so a new language's ``pybabel init`` entries count until translated."""
    from babel.messages.pofile import read_po

    if language == DEFAULT_LANGUAGE:
        return 0
    known: set = set()
    done: set = set()
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            key = (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
            known.add(key)
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if po.parent.parent.name == language and not message.fuzzy and all(strings):
                done.add(key)
    return len(known - done)


@functools.cache
def warn_untranslated(language: str) -> int:
    """Say once on stderr how many messages ``language`` leaves untranslated (they are written in English);
    returns that number."""
    import sys

    missing = untranslated(language)
    if missing:
        name = language_name(language, DEFAULT_LANGUAGE)
        print(f"warning: {missing} messages have no {name} ({language}) translation "
              f"and are written in English; complete pmo_workbench/locale/{language}/LC_MESSAGES/", file=sys.stderr)
    return missing


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(current_language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (its own plural rules)."""
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English word by ``context``."""
    return translations(current_language()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_language()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it (module constants); translate it where it
    is shown, with ``_(constant)``."""
    return message


def format_date(value: dt.date | dt.datetime | None, format: str = "long", missing: str = "–") -> str:
    """A date as a reader of the current language writes it (``3 December 2026``, ``3. Dezember 2026``)."""
    from babel.dates import format_date as _format_date

    from .._values import number_locale

    if value is None:
        return missing
    if isinstance(value, dt.datetime):
        value = value.date()
    return _format_date(value, format=format, locale=number_locale())


def format_number(value: float, max_digits: int = 3) -> str:
    """A number with as few decimals as it needs (at most ``max_digits``), as the current locale writes it: what
    Python's ``{:g}`` gives in English (``5``, ``0.05``), ``0,05`` in German.

    >>> with use_language("de"):
    ...     format_number(0.05), format_number(5.0), format_number(1234.5)
    ('0,05', '5', '1.234,5')
    """
    from babel.numbers import format_decimal

    from .._values import number_locale

    return format_decimal(value, format="#,##0." + "#" * max_digits, locale=number_locale())


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of a language in the current language (``language_name("de")`` is ``German`` in English,
    ``Deutsch`` in German), from Babel's data; the code itself when Babel does not know it.

    >>> language_name("de", "en"), language_name("de-AT", "de"), language_name("xx-yy", "en")
    ('German', 'Deutsch (Österreich)', 'xx-yy')
    """
    from babel import Locale, UnknownLocaleError

    shown_in = in_language or current_language()
    try:
        return Locale.parse(str(code).replace("-", "_")).get_display_name(shown_in) or str(code)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return str(code)


def jinja_install(env) -> None:
    """Give a Jinja environment ``{{ _("...") }}``, ``gettext`` and ``ngettext`` in the current language
    (looked up at render time, so one environment serves every language)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)


# --- notebooks: markdown cells are messages too --------------------------------------------------------

SKIP_TAGS = frozenset({"remove_cell"})
"""Cells with these tags never reach a report; their text is not put in the catalogue."""


def translate_notebook(nb, language: str | None = None):
    """``nb`` (an nbformat notebook, changed in place and returned) with its markdown cells in ``language``
    (default the current one). A cell's whole text, stripped, is its message id."""
    code = check_language(language) if language else current_language()
    warn_untranslated(code)
    translation = translations(code)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not SKIP_TAGS & set(cell.get("metadata", {}).get("tags", ())):
            text = cell.source.strip()
            if text:
                cell.source = translation.gettext(text)
    return nb
