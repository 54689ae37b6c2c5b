"""What the consultant decides about the client deliverable, in the engagement file.

Beside its per-PMO entries (:mod:`pmo_workbench.assessment.engagement`), an
engagement file may hold the client-level edit of the report: names and logos,
the fieldwork period, the framework and locale, key messages, which
recommendations go to the client, which respondent comments are approved (and
how they are redacted), and the confidentiality, version and draft markers::

    organisation: Korrin Regional Council      # as named in the responses
    client: Korrin Regional Council            # display name (default: organisation)
    client_logo: logos/korrin.png              # relative to this file, inside its folder
    consultancy: Northgate Advisory
    prepared_for: Chief Executive, Korrin Regional Council
    fieldwork: {start: 2026-03-02, end: 2026-03-20}
    framework: prince2                         # pmbok, prince2 or agile
    language: de                               # the reports' language (default en)
    locale: de_AT                              # numbers, dates and money (default: the language's usual one)
    key_messages: [..., ..., ...]               # 3 to 5
    recommendations: {exclude: [gov-sponsor], add: [], cap: 8}
    comments:
      - id: c-1a2b3c4d                          # pmo-workbench engagement init lists them all
        pmo: Corporate PMO
        item: GOV1
        text: "In the three years I've been here ..."
        approved: true
        redact: {"three years": "some years"}
    confidentiality: Confidential
    version: "0.3"
    draft: true

This module holds the pieces of that schema and the pure helpers around it:
stable comment ids, redaction, the fieldwork default.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationInfo, field_validator,
                      model_validator)

from .._values import date_problem
from ..i18n import N_, languages
from ..i18n import check_language as _language_code

FRAMEWORKS = ("pmbok", "prince2", "agile")
"""The delivery frameworks a roadmap can be written for."""
DEFAULT_LOCALE = "en_GB"
"""The locale of English reports (each language's usual locale: :data:`pmo_workbench.i18n.DEFAULT_LOCALES`)."""
DEFAULT_CONFIDENTIALITY = N_("Confidential")
"""The confidentiality line when the file gives none (shown in the report's language)."""
CLIENT_FIELDS = ("client", "client_logo", "consultancy", "consultancy_logo", "prepared_for", "fieldwork",
                 "framework", "language", "locale", "key_messages", "portfolio_key_messages", "recommendations",
                 "comments", "confidentiality", "version", "draft")
"""The client-level keys of an engagement file; any of them needs ``organisation``."""
_COMMENT_ID = r"^c-[0-9a-f]{8}$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
"""A name or line of the title page (client, consultancy, prepared for): it must fit the page and a slide."""
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""The confidentiality line, printed on the title page and in every page's and slide's footer."""
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
"""The version marker ("1.0", "Draft 3")."""
Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=240)]
"""One key message: a sentence or two, so that 3 to 5 of them fit the one-page summary and one slide."""
KeyMessages = Annotated[tuple[Message, ...], Field(min_length=3, max_length=5)]
"""3 to 5 key messages, none blank, none longer than 240 characters."""


# --- comments ------------------------------------------------------------------------------------

def comment_id(organisation: str, pmo: str, item: str, text: str) -> str:
    """The stable short id of a respondent comment: ``c-`` and 8 hex digits of the SHA-256 of its
    organisation, PMO, item and text (spaces around the text trimmed).

    >>> comment_id("Korrin Regional Council", "Corporate PMO", "GOV1", "Fine.")[:2]
    'c-'
    """
    key = json.dumps([str(organisation), str(pmo), str(item), str(text).strip()], ensure_ascii=False)
    return "c-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class AnswerComment:
    """A comment as the answers hold it (without who wrote it), with its id."""

    id: str
    organisation: str
    pmo: str
    item: str
    role: str
    text: str


def answer_comments(responses, organisation: str | None = None) -> dict[str, AnswerComment]:
    """Every non-blank comment of the answers (of one organisation, when given), by id, in the frame's order.

    The same text given by two respondents on the same item is one comment (one id); the role is the first
    respondent's.
    """
    if "comment" not in responses or responses.empty:
        return {}
    rows = responses if organisation is None else responses[(responses["organisation"] == organisation).to_numpy(bool)]
    found: dict[str, AnswerComment] = {}
    for org, pmo, item, role, text in zip(rows["organisation"], rows["pmo"], rows["item"], rows["role"],
                                          rows["comment"]):
        if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
            continue
        key = comment_id(org, pmo, item, str(text))
        found.setdefault(key, AnswerComment(key, str(org), str(pmo), str(item), str(role), str(text).strip()))
    return found


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The whole phrase, any case: not inside a longer word (``year`` does not match ``years``)."""
    text = " ".join(str(phrase).split())
    body = r"\s+".join(re.escape(word) for word in text.split(" "))
    left = r"(?<!\w)" if text[:1].isalnum() or text[:1] == "_" else ""
    right = r"(?!\w)" if text[-1:].isalnum() or text[-1:] == "_" else ""
    return re.compile(left + body + right, re.IGNORECASE)


def redact(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with every occurrence of each phrase (whole phrase, any case) replaced; longer phrases first,
    so ``"three years"`` wins over ``"years"``."""
    for phrase in sorted(replacements, key=len, reverse=True):
        replacement = str(replacements[phrase])
        text = phrase_pattern(phrase).sub(lambda _m, r=replacement: r, text)
    return text


class EngagementComment(_Model):
    """A respondent comment as the consultant decides on it: approved for the report or not, and redacted."""

    id: Annotated[str, StringConstraints(pattern=_COMMENT_ID)]
    pmo: Text
    item: Text
    text: str = Field(min_length=1)
    approved: bool = False
    redact: dict[Text, str] = Field(default_factory=dict)

    @field_validator("redact")
    @classmethod
    def _phrases_found(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        text = info.data.get("text")
        if isinstance(text, str):
            missing = [phrase for phrase in value if not phrase_pattern(phrase).search(text)]
            if missing:
                raise ValueError(f"{', '.join(repr(p) for p in missing)} not found in the comment text "
                                 "(whole phrase, any case)")
        return value

    @model_validator(mode="after")
    def _as_answered(self, info: ValidationInfo) -> EngagementComment:
        known: Mapping[str, AnswerComment] | None = (info.context or {}).get("comments")
        if known is None:
            return self
        answered = known.get(self.id)
        if answered is None:
            raise ValueError(f"no comment {self.id} in the answers of this organisation "
                             "(pmo-workbench engagement init lists them)")
        if (answered.pmo, answered.item) != (self.pmo, self.item):
            raise ValueError(f"comment {self.id} is on item {answered.item} of PMO '{answered.pmo}' in the answers, "
                             f"not item {self.item} of '{self.pmo}'")
        if " ".join(answered.text.split()) != " ".join(self.text.split()):
            raise ValueError(f"the text of comment {self.id} differs from the answers; redact words with "
                             "'redact' instead of editing the text")
        return self

    @property
    def shown(self) -> str:
        """The text as a report may show it: redactions applied."""
        return redact(self.text.strip(), self.redact)


# --- the rest of the client-level edit -----------------------------------------------------------

class Fieldwork(_Model):
    """The fieldwork period (both days included)."""

    start: dt.date
    end: dt.date

    @field_validator("start", "end", mode="before")
    @classmethod
    def _no_time(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
        date, message = date_problem(value)
        if message is not None:
            raise ValueError(message)
        return value if date is None else date

    @model_validator(mode="after")
    def _ordered(self) -> Fieldwork:
        if self.end < self.start:
            raise ValueError(f"end {self.end.isoformat()} is before start {self.start.isoformat()}")
        return self


class RecommendationChoice(_Model):
    """Which recommendations go to the client: steps to leave out, steps to add, and how many at most."""

    exclude: tuple[Text, ...] = ()
    add: tuple[Text, ...] = ()
    cap: StrictInt | None = Field(default=None, ge=1, le=20)

    @field_validator("exclude", "add")
    @classmethod
    def _known_steps(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known: set[str] | None = (info.context or {}).get("steps")
        if known is None:
            return value
        unknown = [step for step in value if step not in known]
        if unknown:
            raise ValueError(f"unknown step id(s) {', '.join(repr(s) for s in unknown)}; the recommendations "
                             f"library has {', '.join(sorted(known)[:12])}{', ...' if len(known) > 12 else ''}")
        return value

    @model_validator(mode="after")
    def _not_both(self) -> RecommendationChoice:
        both = sorted(set(self.exclude) & set(self.add))
        if both:
            raise ValueError(f"step(s) {', '.join(repr(s) for s in both)} both excluded and added; keep one")
        return self


def __getattr__(name: str):
    if name == "LANGUAGES":  # the languages the package speaks, found when asked (no import-time scan)
        return languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_language(value: str) -> str:
    """A language the reports are written in (:func:`pmo_workbench.i18n.languages`), as its code."""
    try:
        return _language_code(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a language the reports are written in; expected one of "
                         f"{', '.join(languages())}") from None


def check_locale(value: str) -> str:
    """A Babel locale id of a language the reports are written in (``en_GB``, ``en_US``, ``de_DE``, ``de_AT``,
    ``de_CH``...), normalised as Babel writes it.

    The locale decides how dates, numbers and money are written. A report uses it when the report is in the
    locale's language; a report in another language writes numbers as that language usually does.
    """
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"'{value}' is not a locale Babel knows ({exc}); expected an id such as en_GB") from None
    available = languages()
    if locale.language not in available:
        raise ValueError(f"'{value}': the reports are written in {', '.join(available)}, so the locale must be one "
                         "of those languages, such as en_GB, en_US, de_DE, de_AT or de_CH")
    return str(locale)


def check_logo(value: str | None, info: ValidationInfo) -> str | None:
    """A logo path: relative to the engagement file, inside its folder (symlinks followed), and an image of the
    type its name says, checked by content as a branding logo is (:func:`pmo_workbench._safety.logo_data_uri`),
    so that ``engagement check`` refuses what a report would refuse."""
    from .._safety import FileSafetyError, OutsideFolderError, logo_data_uri

    base: Path | None = (info.context or {}).get("base")
    if value is None or base is None:
        return value
    try:
        logo_data_uri(Path(value), Path(base) / "engagement.yaml")
    except OutsideFolderError:
        raise ValueError(f"'{value}' is outside the engagement file's folder; put the logo beside the file") from None
    except FileSafetyError as exc:
        raise ValueError(str(exc)) from None
    except (OSError, RuntimeError) as exc:
        raise ValueError(f"'{value}' cannot be read ({exc})") from None
    return value


def default_fieldwork(responses, organisation: str) -> tuple[dt.date, dt.date] | None:
    """The first and last ``assessed_on`` of an organisation's answers, or ``None`` when none is dated."""
    import pandas as pd

    if "assessed_on" not in responses:
        return None
    dates = pd.to_datetime(responses.loc[(responses["organisation"] == organisation).to_numpy(bool), "assessed_on"],
                           errors="coerce").dropna()
    if dates.empty:
        return None
    return dates.min().date(), dates.max().date()
