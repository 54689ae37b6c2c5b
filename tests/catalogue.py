"""The translations as a test sees them: the English messages of the sources, each language's catalogue, what
is missing from it, and English sentences left in a translated report.

``english_leftovers(text)`` is what the German report tests call on the text of an HTML page, a PDF, a deck or
a Word document: it returns every English sentence of the catalogue (one whose German differs) found there.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "pmo_workbench" / "locale"


@functools.cache
def source_messages() -> dict[str | tuple[str, ...], tuple[str | None, str]]:
    """Every message the sources say, as ``pybabel extract -F babel.cfg`` finds it: id (a tuple for plural
    forms) -> (context, first place it was found)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map):
        found.setdefault(message, (context, f"{filename}:{lineno}"))
    return found


def read_catalogue(path: Path, language: str):
    """The catalogue in ``path``, a ``.po`` file or a language's folder (all its ``.po`` files, in name order,
    as :func:`pmo_workbench.i18n.translations` reads them: a later file adds what an earlier lacks)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    files = sorted(path.glob("*.po")) if path.is_dir() else [path]
    merged = Catalog(locale=language)
    for file in files:
        with file.open("rb") as f:
            part = read_po(f, locale=language, abort_invalid=True)
        for message in part:
            if message.id and (merged.get(message.id, message.context) is None
                               or not merged.get(message.id, message.context).string):
                merged[message.id] = message
    return merged


def catalogue_problems(path: Path, language: str, messages=None) -> list[str]:
    """What a catalogue lacks for the sources' messages: a message missing, untranslated, fuzzy, or whose
    translation drops or invents a ``{placeholder}``; one line each, naming the message and where it is said."""
    messages = source_messages() if messages is None else messages
    catalogue = read_catalogue(path, language)
    name = path.name
    problems = []
    plural = {(k[0], c) for k, (c, _where) in messages.items() if isinstance(k, tuple)}
    for message_id, (context, where) in messages.items():
        if isinstance(message_id, str) and (message_id, context) in plural:  # gettext() misses a plural entry
            problems.append(f"{name}: {message_id!r} said with and without plural forms ({where})")
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = catalogue.get(key, context=context)
        shown = key if len(key) < 70 else key[:67] + "..."
        if entry is None:
            problems.append(f"{name}: missing {shown!r} ({where})")
            continue
        if entry.fuzzy:
            problems.append(f"{name}: fuzzy {shown!r} ({where})")
        translated = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
        if not all(translated):
            problems.append(f"{name}: untranslated {shown!r} ({where})")
            continue
        wanted = _placeholders(key)
        for text in translated:
            if _placeholders(text) != wanted:
                problems.append(f"{name}: placeholders {sorted(_placeholders(text))} instead of "
                                f"{sorted(wanted)} in {shown!r} ({where})")
    return problems


_PERCENT_NAMED = re.compile(r"%\((\w+)\)[sdif]")


def _placeholders(text: str) -> set[str]:
    """``{name}`` fields (Python) and ``%(name)s`` ones (the Jinja templates' gettext)."""
    named = {f"%({name})" for name in _PERCENT_NAMED.findall(text)}
    try:
        return named | {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # not a format string (a lone brace): compared as text
        return named


def shipped_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


# --- English left in a translated report ---------------------------------------------------------------

_MARKUP = re.compile(r"<[^>]+>|[*_`#>|]|\[|\]\([^)]*\)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip().casefold()


@functools.cache
def english_sentences(language: str = "de") -> tuple[str, ...]:
    """The catalogue's English sentences whose translation differs: each message cut at its placeholders,
    markup and sentence ends, keeping the pieces of at least three words."""
    catalogue = read_catalogue(LOCALE_DIR / language / "LC_MESSAGES", language)
    pieces = set()
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, (tuple, list)) else (entry.id,)
        strings = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
        for message_id in ids:
            if message_id in strings:
                continue  # the same in both languages ("PMO", "Portfolio")
            text = _MARKUP.sub(" ", _PLACEHOLDER.sub("\n", message_id))
            for piece in re.split(r"\n|(?<=[.;:!?])\s", text):
                piece = _normal(piece).strip(" .,;:()-–")
                if len(piece.split()) >= 3:
                    pieces.add(piece)
    return tuple(sorted(pieces))


def english_leftovers(text: str, language: str = "de") -> list[str]:
    """The English sentences of the catalogue (see :func:`english_sentences`) found in ``text``."""
    shown = _normal(text)
    return [piece for piece in english_sentences(language) if piece in shown]


def html_text(html: str) -> str:
    """The visible text of an HTML page: no scripts, styles or attributes."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text(" ")


def pptx_text(path: Path) -> str:
    from pptx import Presentation

    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs + section.footer.paragraphs)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
