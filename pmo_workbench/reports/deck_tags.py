"""The language and properties of a deck and a Word document: what Word and PowerPoint proof-read the text in,
and the title, author and dates shown in File > Properties (never the master file's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def language_tag() -> str:
    """The current locale as a document language tag (``de_AT`` -> ``de-AT``): what Word and PowerPoint
    proof-read the text in."""
    from .._values import number_locale

    return number_locale().replace("_", "-")


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def tag_deck(deck, *, title: str, organisation: str, engagement: Mapping[str, Any]) -> None:
    """Give the deck its own properties (title in the report's language, the consultancy as author, today's
    dates, the language) instead of the master file's, and tag its text and charts with the report's language:
    the presentation's and masters' text defaults, every run, every native chart."""
    import datetime as dt

    from lxml import etree

    tag = language_tag()
    core = deck.prs.core_properties
    core.title = f"{title} – {organisation}"
    core.author = core.last_modified_by = engagement.get("consultancy") or deck.branding.consultancy or ""
    core.subject = organisation
    core.created = core.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    core.revision = 1
    core.comments = core.keywords = core.category = ""
    core.version = str(engagement.get("version") or "")
    core.language = tag
    for part in deck.prs.part.package.iter_parts():
        root = getattr(part, "_element", None)
        if root is None:
            continue
        for element in root.iter(f"{_A}defRPr", f"{_A}rPr", f"{_A}endParaRPr"):
            element.set("lang", tag)
        for run in root.iter(f"{_A}r", f"{_A}fld"):
            if run.find(f"{_A}rPr") is None:
                run.insert(0, etree.Element(f"{_A}rPr", lang=tag))
        for lang in root.iter(f"{_C}lang"):
            lang.set("val", tag)
        if root.tag == f"{_C}chartSpace" and root.find(f"{_C}lang") is None:
            root.insert(1 if root.find(f"{_C}date1904") is not None else 0, etree.Element(f"{_C}lang", val=tag))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tag_document(document) -> None:
    """Tag a python-docx ``Document`` with the current locale: its default run language (``w:lang`` of the
    document defaults, which every style inherits) and its core properties' language."""
    from docx.oxml import OxmlElement

    tag = language_tag()
    styles = document.styles.element
    defaults = styles.find(f"{_W}docDefaults")
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(f"{_W}rPrDefault")
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(f"{_W}rPr")
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(f"{_W}lang")
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(f"{_W}val", tag)
    for element in styles.iter(f"{_W}lang"):
        element.set(f"{_W}val", tag)
    document.core_properties.language = tag
