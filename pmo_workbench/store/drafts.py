"""What a respondent's link saves before it is sent, and how a submission becomes rows: the helpers of
:mod:`.invitations`.

In an identified or confidential assessment a draft is kept on its invitation row. In an anonymous one it is
kept in the ``drafts`` table only, under :func:`draft_key` (the SHA-256 of ``"draft:"`` and the token, which is
not the token's hash in ``invitation_tokens``), with the assessment, the role and the day it was last saved: no
column links it to the invitation, which holds the name. A reminder's new link therefore starts a fresh draft
there (the earlier link still resumes its own).

Anonymous respondents and their answers get random ids (:func:`random_ids`), so that their ids do not follow
the order in which people submitted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import unicodedata

import sqlalchemy as sa

from .._values import date_problem
from ..errors import StoreError
from .schema import _ASM, _RESP, DONT_KNOW, NOT_APPLICABLE

COMMENT_MAX = 2000
"""The longest comment a respondent may leave on a dimension (characters)."""
WEB_LABEL = "web-"
"""The start of the label of every respondent created from a submitted invitation (then 8 random hex digits)."""
EMPTY_SUBMISSION = "answer at least one statement before sending"
"""The message of :class:`StoreError` for a submission without a single answer (a value, DK or n/a)."""
_RANDOM_IDS = (2**30, 2**31 - 1)  # above any id a sequence will reach, within PostgreSQL's INTEGER


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what the store keeps and looks tokens up by."""
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def draft_key(token: str) -> str:
    """The key of a token's draft in an anonymous assessment: the hex SHA-256 of ``"draft:" + token``."""
    return hashlib.sha256(("draft:" + str(token)).encode("utf-8")).hexdigest()


def _day(moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` coarsened to the day (00:00), as an anonymous assessment keeps its times."""
    return None if moment is None else dt.datetime.combine(moment.date(), dt.time())


def _load_draft(text: str | None) -> dict:
    """A stored draft: ``{"answers": {...}, "comments": {...}}`` and ``"page": n`` when a page was recorded."""
    draft = json.loads(text) if text else {}
    loaded = {"answers": dict(draft.get("answers") or {}), "comments": dict(draft.get("comments") or {})}
    if isinstance(draft.get("page"), int):
        loaded["page"] = draft["page"]
    return loaded


def _dump_draft(draft: dict) -> str:
    return json.dumps(draft, ensure_ascii=False, sort_keys=True)


def _comment_problem(text: str, label: str) -> str | None:
    """Why a comment cannot be kept (too long, or a control character no database stores alike), or ``None``."""
    if len(text) > COMMENT_MAX:
        return f"the comment on {label} has {len(text)} characters; shorten it to at most {COMMENT_MAX}"
    bad = next((c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        return (f"the comment on {label} contains a control character (U+{ord(bad):04X}) that cannot be stored; "
                "remove it (it often comes with pasted text)")
    return None


def _clean_comment(text: str | None) -> str:
    """A comment as kept: stripped, line ends as ``\\n`` (a browser sends ``\\r\\n``)."""
    return "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _past_closing(survey: str | None, today: dt.date) -> bool:
    """Whether the assessment's ``closes_on`` (in its survey JSON) is a day before ``today``."""
    closes_on = (json.loads(survey) if survey else {}).get("closes_on")
    if not closes_on:
        return False
    day, _message = date_problem(closes_on)
    return day is not None and day < today


def _dimensions_of(instrument, role: str) -> dict[str, str]:
    """Dimension id -> label of the dimensions with at least one item put to ``role``, in instrument order."""
    return {d.id: d.label for d in instrument.dimensions if any(item.asks(role) for item in d.items)}


def _answer_rows(instrument, role: str, draft: dict, respondent_id: int, stamp: dt.datetime) -> list[dict]:
    """The answer rows of a submitted draft: one per answered item (instrument order), each dimension's comment on
    its first item put to ``role`` (a blank answer when that item has none)."""
    answers, comments = draft["answers"], draft["comments"]
    comment_on = {}
    for dimension in instrument.dimensions:
        first = next((item.id for item in dimension.items if item.asks(role)), None)
        if first is not None and comments.get(dimension.id):
            comment_on[first] = comments[dimension.id]
    rows = []
    for item in instrument.items.index:
        value, comment = answers.get(item), comment_on.get(item)
        if value is None and comment is None:
            continue
        marker = value if isinstance(value, str) else None
        rows.append({"respondent_id": respondent_id, "item": item, "value": None if marker else value,
                     "not_applicable": marker == NOT_APPLICABLE, "dont_know": marker == DONT_KNOW,
                     "comment": comment, "updated_at": stamp})
    return rows


def random_ids(conn: sa.Connection, table: sa.Table, n: int) -> list[int]:
    """``n`` distinct ids no row of ``table`` has, drawn at random from a range sequences never reach."""
    chosen: set[int] = set()
    while len(chosen) < n:
        wanted = {_RANDOM_IDS[0] + secrets.randbelow(_RANDOM_IDS[1] - _RANDOM_IDS[0]) for _ in range(n - len(chosen))}
        wanted -= chosen
        taken = set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(wanted))).scalars())
        chosen |= wanted - taken
    return sorted(chosen, key=lambda _: secrets.randbits(32))[:n]


def _random_label(taken: set[str]) -> str:
    while True:
        label = WEB_LABEL + secrets.token_hex(4)
        if label not in taken:
            return label


def _free_label(conn: sa.Connection, assessment_id: int) -> str:
    """A ``web-`` label no respondent of the assessment has."""
    taken = set(conn.execute(sa.select(_RESP.c.label).where(_RESP.c.assessment_id == assessment_id,
                                                            _RESP.c.label.like(WEB_LABEL + "%"))).scalars())
    return _random_label(taken)


def _iso_date(value: dt.date | str, today: dt.date) -> str:
    """``value`` as ``YYYY-MM-DD``; :class:`StoreError` when it is not a date or is before ``today``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        day, message = date_problem(str(value).strip())
        if day is None:
            raise StoreError(f"closes_on {message or 'is blank; expected a date as YYYY-MM-DD'}")
        value = day
    if value < today:
        raise StoreError(f"closes_on {value.isoformat()} is in the past (today is {today.isoformat()}); "
                         "give today or a later day")
    return value.isoformat()


def _open_assessment(assessment_id_column) -> sa.ColumnElement:
    return sa.exists().where(_ASM.c.id == assessment_id_column, _ASM.c.status == "open")
