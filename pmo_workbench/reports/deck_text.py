"""How much room a text needs on a slide, estimated from font metrics, so that no text overflows its box.

The widths come from the font that ships with Pillow (a sans serif a little wider than the usual slide
fonts, so the estimate errs on the safe side), times :data:`SAFETY`. The deck builder uses these estimates to
choose font sizes and to shorten what cannot fit; the tests use them to check every text frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

EMU_PER_PT = 12700
SAFETY = 1.08
"""Widths are taken this much wider than measured: fonts differ between PowerPoint and LibreOffice."""
LINE = 1.2
"""Line height as a multiple of the font size."""
INSET_X, INSET_Y = 0.1 * 72, 0.05 * 72
"""A text frame's default inner margins, in points (0.1 inch left and right, 0.05 inch top and bottom)."""
ELLIPSIS = "…"


@cache
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def text_width(text: str, pt: float, *, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``pt`` points, in points."""
    font = _font(40)
    width = font.getlength(text) * pt / 40 * SAFETY
    return width * (1.06 if bold else 1.0)


def wrap(text: str, pt: float, width_pt: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width_pt`` (greedy, at spaces; an over-long word is cut)."""
    lines: list[str] = []
    for raw in str(text).split("\n"):
        line = ""
        for word in raw.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, pt, bold=bold) <= width_pt:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, pt, bold=bold) > width_pt and len(word) > 1:
                cut = len(word)
                while cut > 1 and text_width(word[:cut], pt, bold=bold) > width_pt:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def needed_height(paragraphs: Sequence[tuple[str, float, bool, float]], width_pt: float, *,
                  inset_x: float = INSET_X, inset_y: float = INSET_Y) -> float:
    """Points of height that ``paragraphs`` need in a frame ``width_pt`` wide.

    Each paragraph is ``(text, size in points, bold, space before in points)``.
    """
    room = max(1.0, width_pt - 2 * inset_x)
    total = 2 * inset_y
    for text, pt, bold, before in paragraphs:
        total += before + len(wrap(text, pt, room, bold=bold)) * pt * LINE
    return total


def shorten(text: str, pt: float, width_pt: float, lines: int, *, bold: bool = False) -> str:
    """``text`` cut at a word and ended with an ellipsis so that it takes at most ``lines`` lines (its own line
    breaks kept)."""
    if len(wrap(text, pt, width_pt, bold=bold)) <= lines:
        return text
    kept: list[str] = []
    left = lines
    for part in str(text).split("\n"):
        need = len(wrap(part, pt, width_pt, bold=bold))
        if need < left:  # room for this line and at least the start of the next
            kept.append(part)
            left -= need
            continue
        kept.append(_cut(part, pt, width_pt, left, bold=bold))
        break
    return "\n".join(kept)


def _cut(text: str, pt: float, width_pt: float, lines: int, *, bold: bool) -> str:
    words = text.split()
    lo, hi = 0, len(words)
    while lo < hi:  # the most words that still fit with the ellipsis
        mid = (lo + hi + 1) // 2
        if len(wrap(" ".join(words[:mid]).rstrip(",;:.") + ELLIPSIS, pt, width_pt, bold=bold)) <= lines:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ELLIPSIS
    return " ".join(words[:lo]).rstrip(",;:.") + ELLIPSIS


def more_in_report(n: int) -> str:
    """The last line of a list cut to fit a slide: how many more the report holds."""
    from ..i18n import ngettext

    return ngettext("… and {n} more in the report", "… and {n} more in the report", n).format(n=n)


# --- dates, written alike in the deck and the Word document ------------------------------------------

def long_date(text: Any) -> str | None:
    """An ISO date as a reader of the current language writes it, ``"2026-03-02"`` -> ``"2 Mar 2026"``
    (``"02.03.2026"`` in German); ``None`` when it is not one."""
    import datetime as dt

    from ..i18n import DEFAULT_LANGUAGE, current_language, format_date

    try:
        day = dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
    if current_language() == DEFAULT_LANGUAGE:  # "Sep", as the English deck has always written it (not "Sept")
        return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"
    return format_date(day, "medium")


_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def axis_format(code: str) -> str:
    """A chart axis's number format with the current locale's thousands separator (``#,##0`` writes ``1.500.000``
    in German): a format code's ``,`` is the same in every file and the application shows it in its own locale,
    so the separator is written as literal text, up to the billions. English and other formats are unchanged.

    >>> axis_format("#,##0"), axis_format("0")
    ('#,##0', '0')
    """
    from babel.numbers import get_group_symbol

    from .._values import number_locale

    group = get_group_symbol(locale=number_locale())
    if code != "#,##0" or group == ",":
        return code
    sep = '"' + group.replace('"', "") + '"'
    return f"[>=1000000]0{sep}000{sep}000;[>=1000]0{sep}000;0"


def one_stop(text: str) -> str:
    """``text`` without a doubled full stop where an abbreviation ends a sentence (``"VAC -EUR 2.7 Mio.."`` ->
    ``"VAC -EUR 2.7 Mio."``); an ellipsis (``...``) is left alone.

    >>> one_stop("geplant waren EUR 36.8 Mio.. Weiter..."), one_stop("Mio..; und")
    ('geplant waren EUR 36.8 Mio. Weiter...', 'Mio.; und')
    """
    import re

    return re.sub(r"(?<!\.)\.\.(?![.\w])", ".", text)


def fieldwork_text(fieldwork: Any) -> str | None:
    """``["2026-06-09", "2026-06-21"]`` -> ``"Fieldwork 9 Jun 2026 to 21 Jun 2026"`` (one day: ``"Fieldwork 9 Jun
    2026"``); ``None`` when it is not two dates. The deck and the Word document write it alike."""
    if not isinstance(fieldwork, (list, tuple)) or len(fieldwork) != 2 or not all(fieldwork):
        return None
    from ..i18n import _

    start, end = (long_date(d) or str(d) for d in fieldwork)
    if start == end:
        return _("Fieldwork {start}").format(start=start)
    return _("Fieldwork {start} to {end}").format(start=start, end=end)
