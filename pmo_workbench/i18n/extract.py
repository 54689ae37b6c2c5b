"""Babel's extractor for the report notebooks (``[ipynb: ...]`` in babel.cfg, registered as an entry point)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from . import SKIP_TAGS


def extract_notebook(fileobj, keywords, comment_tags, options) -> Iterable[tuple]:
    """Babel extractor for ``.ipynb`` files: each markdown cell (not tagged ``remove_cell``) is one message;
    code cells are read as Python for ``_()``, ``ngettext()`` and the other keywords. The line a message is
    said on is its cell's number."""
    from babel.messages.extract import extract_python

    nb = json.load(io.TextIOWrapper(fileobj, encoding="utf-8"))
    for number, cell in enumerate(nb.get("cells", []), start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        tags = set(cell.get("metadata", {}).get("tags", ()))
        if tags & SKIP_TAGS or not source.strip():
            continue
        if cell.get("cell_type") == "markdown":
            yield number, None, source.strip(), []
        elif cell.get("cell_type") == "code":
            for _line, funcname, message, comments in extract_python(io.BytesIO(source.encode("utf-8")),
                                                                     keywords, comment_tags, options):
                yield number, funcname, message, comments
