"""The questionnaire as web pages: one page per dimension put to a role, and the checking of a posted page.

Everything here is pure (an instrument and a form in, pages and problems out), so the routes in
:mod:`.respondent` stay thin. Problems carry a code and the field they concern, never a sentence: the
templates say them, so that a translated catalogue can later say them in another language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..assessment.instrument import Dimension, Instrument, Item
from ..store import COMMENT_MAX as MAX_COMMENT

DONT_KNOW = "DK"
NOT_APPLICABLE = "n/a"
"""The two answers besides the scale points, spelled as the store takes them."""
SECONDS_PER_ITEM = 15
"""The project's own assumption, not a measured or published figure: time allowed for reading and rating one
statement (four a minute), for the welcome page's estimate of how long the questionnaire takes. The page calls
the result an estimate and adds :data:`SECONDS_PER_COMMENT_BOX` per page for the optional comments."""
SECONDS_PER_COMMENT_BOX = 15
"""Also the project's own assumption: a little time per page for its optional comment box."""

ITEM_FIELD = "item-"
COMMENT_FIELD = "comment-"
_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters a comment may not hold (a line break and a tab may): a database may refuse them (NUL), and
no reader sees them."""


@dataclass(frozen=True)
class Page:
    """One page of the questionnaire: a dimension and the items of it put to the respondent's role."""

    number: int
    dimension: Dimension
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a posted field: ``code`` names what (the templates say it), ``field`` is the id of
    the element the error summary links to, ``subject`` the item or dimension concerned."""

    code: str
    field: str
    subject: str = ""


def pages_for(instrument: Instrument, role: str) -> tuple[Page, ...]:
    """The pages a respondent of ``role`` sees, in instrument order: dimensions with no item put to the role are
    left out, and so are such items."""
    pages = []
    for dimension in instrument.dimensions:
        items = tuple(item for item in dimension.items if item.asks(role))
        if items:
            pages.append(Page(len(pages) + 1, dimension, items))
    return tuple(pages)


def minutes_for(pages: Sequence[Page]) -> int:
    """The estimate the welcome page gives: the items put to the role at :data:`SECONDS_PER_ITEM` each and
    :data:`SECONDS_PER_COMMENT_BOX` per page, rounded up to whole minutes (at least 1)."""
    count = sum(len(page.items) for page in pages)
    return max(1, math.ceil((count * SECONDS_PER_ITEM + len(pages) * SECONDS_PER_COMMENT_BOX) / 60))


def choices(instrument: Instrument) -> list[tuple[str, str | None]]:
    """The options of every item: each scale point (its value as text and its label, ``None`` when the
    instrument gives none), then "don't know" and "not applicable" (labels from the templates)."""
    scale = instrument.scale
    points = [(str(v), scale.labels.get(v)) for v in range(scale.min, scale.max + 1)]
    return [*points, (DONT_KNOW, None), (NOT_APPLICABLE, None)]


def field_id(item_id: str, value: str | None = None) -> str:
    """The HTML id of an item's first option (``value=None``) or of one option."""
    suffix = {DONT_KNOW: "dk", NOT_APPLICABLE: "na"}.get(value, value)
    return f"{item_id}-opt-{suffix}" if value is not None else f"{item_id}-opt-first"


def unanswered(pages: Sequence[Page], answers: Mapping[str, object]) -> list[tuple[Page, list[Item]]]:
    """Per page, the items without an answer in ``answers`` (pages with none left out)."""
    found = []
    for page in pages:
        missing = [item for item in page.items if answers.get(item.id) is None]
        if missing:
            found.append((page, missing))
    return found


def resume_page(pages: Sequence[Page], answers: Mapping[str, object],
                comments: Mapping[str, object] | None = None, saved: int = 0) -> int | None:
    """Where a respondent coming back carries on: the page after the furthest one saved (``saved``, the
    draft's record of it) or holding an answer or a comment (page 1 when none), ``None`` (the review page) when
    that is the last page. Statements left blank on earlier pages are not gone back to: the review page lists
    them."""
    comments = comments or {}
    reached = min(max(saved, 0), len(pages))
    for page in pages:
        if any(answers.get(item.id) is not None for item in page.items) or comments.get(page.dimension.id):
            reached = max(reached, page.number)
    return reached + 1 if reached < len(pages) else None


def parse_page(form: Mapping[str, Sequence[str]], page: Page, instrument: Instrument,
               ) -> tuple[dict[str, int | str], dict[str, str | None], list[Problem]]:
    """The answers and comment of one posted page, and every problem with them.

    ``form`` maps field names to their posted values (several when a name repeats). Items answered come back as
    a whole number on the scale, :data:`DONT_KNOW` or :data:`NOT_APPLICABLE`; an item left blank is not in the
    answers (a page cannot unset an answer: radio buttons cannot be unticked). The page's comment comes back
    as its text, or ``None`` when blank (which removes an earlier one). A field for an item or dimension that
    is not on this page, a value that is not one of the item's options, a repeated field or a comment over
    :data:`MAX_COMMENT` characters is a problem; with any problem, nothing of the page should be saved.
    """
    on_page = {item.id for item in page.items}
    scale = instrument.scale
    answers: dict[str, int | str] = {}
    comments: dict[str, str | None] = {}
    problems: list[Problem] = []
    for name, values in form.items():
        if name.startswith(ITEM_FIELD):
            item = name[len(ITEM_FIELD):]
            if item not in on_page:
                problems.append(Problem("not_on_page", "questions", item))
                continue
            if len(values) != 1:
                problems.append(Problem("invalid_value", field_id(item), item))
                continue
            value = values[0].strip()
            if value in (DONT_KNOW, NOT_APPLICABLE):
                answers[item] = value
            elif _INTEGER.match(value) and scale.min <= int(value) <= scale.max:
                answers[item] = int(value)
            else:
                problems.append(Problem("invalid_value", field_id(item), item))
        elif name.startswith(COMMENT_FIELD):
            dimension = name[len(COMMENT_FIELD):]
            if dimension != page.dimension.id or len(values) != 1:
                problems.append(Problem("not_on_page", "questions", dimension))
                continue
            text = values[0].replace("\r\n", "\n").replace("\r", "\n").strip()
            if _CONTROL.search(text):
                problems.append(Problem("comment_control", f"comment-{dimension}", dimension))
                continue
            if len(text) > MAX_COMMENT:
                problems.append(Problem("comment_too_long", f"comment-{dimension}", dimension))
                continue
            comments[dimension] = text or None
    return answers, comments, problems
