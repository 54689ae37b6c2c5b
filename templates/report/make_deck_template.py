"""Write ``deck.pptx``, the slide master the decks are built on: python-pptx's default master made 16:9.

Run it again after changing it: ``python templates/report/make_deck_template.py``. A consultancy replaces
the master with its own through the ``deck`` field of its branding file; the decks use its layouts by name
("Title Slide", "Title Only", "Title and Content", "Section Header").
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
KEEP = ("Title Slide", "Title and Content", "Section Header", "Title Only", "Blank")


def _stretch(shapes, factor: float) -> None:
    for shape in shapes:
        shape.left = Emu(int(shape.left * factor))
        shape.width = Emu(int(shape.width * factor))


def _left_aligned(shape) -> None:
    """Text of the placeholder starts at the left (its list style's first level)."""
    body = shape.text_frame._txBody  # noqa: SLF001 - python-pptx has no API for a placeholder's list style
    style = body.find(qn("a:lstStyle"))
    if style is None:
        style = body.makeelement(qn("a:lstStyle"), {})
        body.insert(1, style)
    for level in style.findall(qn("a:lvl1pPr")):
        style.remove(level)
    style.insert(0, style.makeelement(qn("a:lvl1pPr"), {"algn": "l"}))


def _title_left(layout) -> None:
    """Titles of ordinary slides sit top left, one line, in the ink colour."""
    for shape in layout.placeholders:
        if shape.placeholder_format.type is not None and shape.placeholder_format.idx == 0:
            shape.left, shape.top, shape.width, shape.height = Inches(0.5), Inches(0.3), Inches(12.33), Inches(0.9)
            _left_aligned(shape)
        elif shape.placeholder_format.idx == 1:
            shape.left, shape.top, shape.width, shape.height = Inches(0.5), Inches(1.4), Inches(12.33), Inches(5.6)


def build(path: Path) -> Path:
    prs = Presentation()
    factor = WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    master = prs.slide_masters[0]
    _stretch(master.shapes, factor)
    layouts = master.slide_layouts
    for layout in list(layouts):
        if layout.name not in KEEP:
            layouts.remove(layout)
    for layout in layouts:
        _stretch(layout.placeholders, factor)
        if layout.name in ("Title Only", "Title and Content"):
            _title_left(layout)
        if layout.name == "Title Slide":
            boxes = {0: (1, 1.5, 11.33, 1.7), 1: (1.5, 3.4, 10.33, 3.2)}  # title, subtitle: left, top, width, height
            for shape in layout.placeholders:
                box = boxes.get(shape.placeholder_format.idx)
                if box:
                    shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)
    prs.core_properties.title = "pmo-workbench slide master"
    prs.core_properties.author = "pmo-workbench"
    prs.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(__file__).resolve().with_name("deck.pptx")))
