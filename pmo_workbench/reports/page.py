"""What the printed page needs beyond the notebook: the title page's facts, the table of contents, print hints.

:func:`title_facts` reads the engagement record (client, logos, fieldwork, confidentiality, version or
draft, locale) defensively: a report rendered without one falls back on what the notebook recorded (the
fieldwork dates of the responses, or the portfolio's status date). :func:`with_contents` gives every h1 and
h2 of the report body an id and returns the table of contents linking to them; :func:`mark_small_tables`
lets the print style keep short tables whole on one page; :func:`describe_images` gives every image of the
body without a description (``alt``) one.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

DEFAULT_LOCALE = "en_GB"
SMALL_TABLE_ROWS = 8
"""Tables with at most this many rows are kept whole on one printed page; longer ones break between rows."""
SMALL_TABLE_CHARS = 600
"""... and at most this many characters of text: a short table of long paragraphs breaks between rows too."""

_IMAGE_URI = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
_HEADING = re.compile(r"<h([12])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r"""\sid=(["'])(.*?)\1""")
_TABLE = re.compile(r'<table class="pmo-table(?P<more>[^"]*)"(?P<rest>.*?)</table>', re.S)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def fieldwork_period(period: Any, locale: str = DEFAULT_LOCALE) -> str | None:
    """``[start, end]`` (ISO dates) written as a period in ``locale``: ``"March – April 2026"``.

    One date, or a start and end in the same month, give that month (``"March 2026"``); a missing or
    unreadable period gives ``None``.

    >>> fieldwork_period(["2026-03-02", "2026-04-17"])
    'March – April 2026'
    >>> fieldwork_period(["2026-03-02", "2026-03-20"]), fieldwork_period("2026-05-31")
    ('March 2026', 'May 2026')
    >>> fieldwork_period(["2025-11-20", "2026-01-15"])
    'November 2025 – January 2026'
    >>> fieldwork_period(["2026-03-02", "2026-04-17"], "de_DE")
    'März–April 2026'
    """
    from babel.dates import format_date, format_interval

    dates = [_date(v) for v in (period if isinstance(period, (list, tuple)) else [period])]
    dates = [d for d in dates if d is not None]
    if not dates:
        return None
    start, end = min(dates), max(dates)
    locale = locale or DEFAULT_LOCALE
    if (start.year, start.month) == (end.year, end.month):
        return format_date(start, "LLLL y", locale=locale)
    return format_interval(start, end, "yMMMM", locale=locale).replace("\u2009", " ")


def long_date(value: Any, locale: str = DEFAULT_LOCALE) -> str | None:
    """A date written out in ``locale`` (``"31 May 2026"`` in en_GB), or ``None``.

    >>> long_date("2026-05-31")
    '31 May 2026'
    """
    from babel.dates import format_date

    day = _date(value)
    return None if day is None else format_date(day, "long", locale=locale or DEFAULT_LOCALE)


def image_uri(value: Any) -> str | None:
    """``value`` when it is a base64 data URI of an image (PNG, JPEG, GIF, WebP or SVG), else ``None``.

    A logo reaches the page only this way: nothing is fetched, and no other kind of URI is embedded.
    """
    if isinstance(value, str) and _IMAGE_URI.match(value.strip()):
        return value.strip()
    return None


def title_facts(records: Mapping[str, Any], *, organisation: str, consultancy: str | None) -> dict[str, Any]:
    """The title page's facts from the notebook's records.

    The ``engagement`` record (``client``, ``client_logo``, ``consultancy``, ``consultancy_logo``,
    ``prepared_for``, ``fieldwork``,
    ``confidentiality``, ``version``, ``draft``, ``key_messages``, ``locale``) wins; without it, the fieldwork
    is the ``fieldwork`` record (first and last ``assessed_on`` of the answers) or the portfolio's status
    date (``as_of``), and the client is the organisation.

    Returns
    -------
    dict
        ``client``, ``client_logo`` (data URI or None), ``consultancy``, ``consultancy_logo`` (data URI or
        None: the branding's logo is used), ``prepared_for``, ``fieldwork``
        (text or None), ``status_date`` (text or None), ``confidentiality``, ``version``, ``draft`` (bool),
        ``key_messages`` (list of str) and ``locale``: the engagement's when it is one of the current language,
        else the current number locale (:func:`pmo_workbench._values.number_locale`).
    """
    engagement = records.get("engagement")
    engagement = engagement if isinstance(engagement, Mapping) else {}
    locale = engagement.get("locale") if isinstance(engagement.get("locale"), str) else None
    from babel import Locale, UnknownLocaleError

    from .._values import number_locale
    from ..i18n import current_language

    try:
        if locale is None or Locale.parse(locale).language != current_language():
            locale = number_locale()  # the report's language's usual locale, or the one its language was set with
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        locale = number_locale()

    def _str(key: str) -> str | None:
        value = engagement.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    period = engagement.get("fieldwork") or records.get("fieldwork")
    fieldwork = fieldwork_period(period, locale) if period else None
    as_of = records.get("as_of")
    messages = engagement.get("key_messages")
    client = _str("client") or organisation
    return {
        "client": client,
        "client_logo": image_uri(engagement.get("client_logo")),
        "consultancy": _str("consultancy") or consultancy,
        "consultancy_logo": image_uri(engagement.get("consultancy_logo")),
        "prepared_for": _str("prepared_for") or client,
        "fieldwork": fieldwork,
        "status_date": long_date(as_of, locale) if as_of else None,
        "confidentiality": _str("confidentiality"),
        "version": _str("version"),
        "draft": bool(engagement.get("draft")) if isinstance(engagement.get("draft"), bool) else False,
        "key_messages": [m for m in messages if isinstance(m, str) and m.strip()] if isinstance(messages, list)
        else [],
        "locale": locale,
    }


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def with_contents(body: str) -> tuple[str, list[dict[str, Any]]]:
    """``body`` with an id on every h1 and h2, and the table of contents: ``[{"title", "id", "children"}]``.

    h2 headings before the first h1 are top-level entries. Titles are the headings' text (tags and the
    exporter's "¶" anchor removed, entities decoded), to be escaped again where they are shown.
    """
    taken = set(m.group(2) for m in _ID.finditer(body))
    contents: list[dict[str, Any]] = []

    def visit(match: re.Match[str]) -> str:
        level, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        title = html.unescape(_TAG.sub("", re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S)))
        title = " ".join(title.replace("¶", "").split())
        found = _ID.search(attrs)
        if found:
            anchor = found.group(2)
        else:
            anchor = _slug(title, taken)
            attrs = f'{attrs} id="{html.escape(anchor)}"'
        entry = {"title": title, "id": anchor, "children": []}
        if level == "1" or not contents:
            contents.append(entry)
        else:
            contents[-1]["children"].append(entry)
        return f"<h{level}{attrs}>{inner}</h{level}>"

    return _HEADING.sub(visit, body), [e for e in contents if e["title"]]


def mark_small_tables(body: str, max_rows: int = SMALL_TABLE_ROWS, max_chars: int = SMALL_TABLE_CHARS) -> str:
    """Add the class ``keep`` to every report table of at most ``max_rows`` body rows and ``max_chars``
    characters of text (printed whole); a longer one would leave a gap where it no longer fits a page."""

    def visit(match: re.Match[str]) -> str:
        rows = match.group("rest").count("<tr") - 1
        chars = len(html.unescape(_TAG.sub("", match.group("rest"))))
        if rows > max_rows or chars > max_chars or " keep" in match.group("more"):
            return match.group(0)
        return f'<table class="pmo-table{match.group("more")} keep"{match.group("rest")}</table>'

    return _TABLE.sub(visit, body)


class _ImagesWithoutAlt(HTMLParser):
    """Where the ``img`` tags without an ``alt`` attribute start (a bare ``alt`` counts: a decorative image)."""

    TEXT_ONLY = ("textarea", "title")  # what a browser shows as text, tags and all

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, int]] = []
        self._text_only: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._text_only is None and tag in self.TEXT_ONLY:
            self._text_only = tag
        elif self._text_only is None and tag == "img" and not any(name == "alt" for name, _value in attrs):
            self.found.append(self.getpos())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TEXT_ONLY:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._text_only:
            self._text_only = None


def describe_images(body: str, description: str) -> str:
    """``body`` with ``alt="description"`` on every ``<img>`` tag that has no ``alt`` (as nbconvert's exporter
    gives an image output): the tags are found by an HTML parser, whatever their case, spacing or quoted
    values, and never inside a script or a style, nor in the text of a ``textarea`` or ``title``."""
    if not re.search(r"<img", body, re.I):
        return body
    parser = _ImagesWithoutAlt()
    parser.feed(body)
    parser.close()
    if not parser.found:
        return body
    starts = [0]  # where each line starts, lines as the parser counts them (ended by "\n" only)
    starts += [m.end() for m in re.finditer("\n", body)]
    attribute = f' alt="{html.escape(description)}"'
    pieces, last = [], 0
    for line, column in parser.found:
        at = starts[line - 1] + column + len("<img")
        pieces += [body[last:at], attribute]
        last = at
    return "".join([*pieces, body[last:]])
