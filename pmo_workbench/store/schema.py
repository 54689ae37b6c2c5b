"""The store's schema (the head revision; ``migrations/versions`` holds how it came to be) and its settings."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..assessment.responses import KEY_COLUMNS
from ..errors import StoreError

DB_ENV = "PMO_WORKBENCH_DB"
"""Environment variable naming the database: a full URL or the path of a SQLite file."""
SCHEMA_HEAD = "0010"
"""The Alembic revision this version of the package writes (the head of ``migrations/versions``)."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
STATUSES = ("open", "closed")
ANONYMITY = ("identified", "confidential", "anonymous")
"""How an assessment keeps who answered: ``identified`` (names kept), ``confidential`` (the consultant sees who
answered, reports never), ``anonymous`` (no link from an answer to an invitation; times kept to the day)."""
DEFAULT_ANONYMITY = "confidential"
INVITATION_STATUSES = ("invited", "started", "submitted")
LONG_FILE_COLUMNS = ("organisation", "pmo", "pmo_level", "wave", "respondent", "role", "item", "value",
                     "assessed_on", "comment")
"""Columns of an exported long responses file (the sample data's layout)."""
WIDE_META_COLUMNS = (*KEY_COLUMNS, "pmo_level", "wave", "assessed_on")
"""Columns of an exported wide responses file before the one column per item."""
NOT_APPLICABLE = "n/a"
"""The answer "not applicable" (:meth:`Store.save_answer`, :meth:`Store.answers`); exports write it as ``NA``."""
DONT_KNOW = "DK"
"""The answer "don't know" (:meth:`Store.save_answer` takes ``"DK"`` in any case, :meth:`Store.answers` returns
this); kept apart from the scale and from "not applicable", never scored. Exports write it as ``DK``."""
_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
_NA_TEXT = "NA"
_NA_RAW = frozenset({"na", "n/a"})  # the not-answered markers of a responses file that are not a blank


def default_url() -> str:
    """The database to use when none is given.

    ``$PMO_WORKBENCH_DB`` when set (a full URL, or a plain path of a SQLite
    file), else ``workbench.db`` in the user's data folder.
    """
    given = os.environ.get(DB_ENV, "").strip()
    if given:
        return _as_url(given)
    import platformdirs

    return _as_url(str(platformdirs.user_data_path("pmo-workbench") / "workbench.db"))


def _as_url(text: str | os.PathLike) -> str:
    """A database URL as given, or ``sqlite:///<absolute path>`` for a plain file path."""
    text = os.fspath(text)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def alembic_config(connection: sa.Connection):
    """An Alembic ``Config`` for the store's migrations, running on ``connection``.

    No ``alembic.ini`` is needed: ``script_location`` points into the package.
    ``alembic.command.upgrade(alembic_config(conn), "0001")`` builds the first
    schema version, ``"head"`` the current one.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config



def _name(value: str, what: str) -> str:
    """A name stripped of surrounding spaces; :class:`StoreError` when there is none."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise StoreError(f"a {what} needs a name")
    return text


def _utcnow() -> dt.datetime:
    """Now in UTC, without a time zone (stored as UTC on every backend)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _stored_text(column: sa.ColumnElement) -> sa.ColumnElement:
    """A date column as the database hands it over, without SQLAlchemy turning it into a date on the way: a value
    that is no date (``2026-02-30`` written by hand into SQLite) then reaches the package's date reader
    (:func:`pmo_workbench._values.stored_dates`), which locates it, rather than failing inside SQLAlchemy."""
    return sa.type_coerce(column, sa.String).label(column.name)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_organisations_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    engagement: Mapped[str | None] = mapped_column(sa.Text)  # JSON: the engagement file's client-level edit


class Pmo(Base):
    __tablename__ = "pmos"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name", name="uq_pmos_organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str]
    level: Mapped[str | None]
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pmos.id", ondelete="SET NULL"))


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        sa.UniqueConstraint("pmo_id", "label", name="uq_assessments_pmo_id_label"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_assessments_scale"),
        sa.CheckConstraint("anonymity IN ('identified', 'confidential', 'anonymous')", name="ck_assessments_anonymity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    pmo_id: Mapped[int] = mapped_column(sa.ForeignKey("pmos.id", ondelete="CASCADE"))
    instrument_id: Mapped[str]
    instrument_version: Mapped[str]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    assessed_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(server_default="open")
    created_at: Mapped[dt.datetime]
    target_type: Mapped[str | None] = mapped_column(sa.Text)
    context: Mapped[str | None] = mapped_column(sa.Text)  # JSON: context question id -> answer
    evidence: Mapped[str | None] = mapped_column(sa.Text)  # JSON: evidence id -> {answer, note}
    done: Mapped[str | None] = mapped_column(sa.Text)  # JSON: recommendation ids completed since the earlier wave
    anonymity: Mapped[str] = mapped_column(server_default=DEFAULT_ANONYMITY)
    survey: Mapped[str | None] = mapped_column(sa.Text)  # JSON: {sender, purpose, contact, closes_on}
    label: Mapped[str]  # the wave: "2025", "2026 Q3"; unique per PMO
    fieldwork_start: Mapped[dt.date | None]
    fieldwork_end: Mapped[dt.date | None]


class Respondent(Base):
    __tablename__ = "respondents"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "label", name="uq_respondents_assessment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    label: Mapped[str]
    role: Mapped[str]
    name: Mapped[str | None]
    assessed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime]
    language: Mapped[str | None]  # the language answered in (en, de); None when not known


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        sa.UniqueConstraint("respondent_id", "item", name="uq_answers_respondent_id"),
        sa.CheckConstraint("NOT not_applicable OR value IS NULL", name="ck_answers_not_applicable_no_value"),
        sa.CheckConstraint("NOT (not_applicable AND dont_know)", name="ck_answers_not_applicable_or_dont_know"),
        sa.CheckConstraint("NOT dont_know OR value IS NULL", name="ck_answers_dont_know_no_value"),
    )  # plus triggers (migration 0003) refusing a value outside the assessment's scale

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(sa.ForeignKey("respondents.id", ondelete="CASCADE"))
    item: Mapped[str]
    value: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime]
    not_applicable: Mapped[bool] = mapped_column(server_default=sa.false())
    dont_know: Mapped[bool] = mapped_column(server_default=sa.false())


class Invitation(Base):
    """One person invited to answer an assessment (a row of a people file); see :mod:`.invitations`."""

    __tablename__ = "invitations"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "person_key", name="uq_invitations_assessment_id"),
        sa.CheckConstraint("status IN ('invited', 'started', 'submitted')", name="ck_invitations_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    person_key: Mapped[str]
    role: Mapped[str]
    name: Mapped[str | None]
    email: Mapped[str | None]
    language: Mapped[str | None]
    status: Mapped[str] = mapped_column(server_default="invited")
    created_at: Mapped[dt.datetime]
    consented_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]
    reminders: Mapped[int] = mapped_column(server_default="0")
    respondent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("respondents.id", ondelete="SET NULL"), index=True)
    draft: Mapped[str | None] = mapped_column(sa.Text)  # JSON: {"answers": {...}, "comments": {...}}


class InvitationToken(Base):
    """A token of an invitation, kept only as the hex SHA-256 of the token sent."""

    __tablename__ = "invitation_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash", name="uq_invitation_tokens_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime]


class Draft(Base):
    """An anonymous assessment's answers in progress, apart from the invitation (see :mod:`.drafts`).

    ``key`` is the hex SHA-256 of ``"draft:"`` and the token (not the token's hash); ``updated_at`` is kept to
    the day. No column refers to an invitation.
    """

    __tablename__ = "drafts"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    role: Mapped[str]
    draft: Mapped[str] = mapped_column(sa.Text)  # JSON: {"answers": {...}, "comments": {...}, "page": n}
    updated_at: Mapped[dt.datetime]


class CompetencyAssessment(Base):
    """One cohort of an organisation rated with a competency instrument (see :mod:`.competency`)."""

    __tablename__ = "competency_assessments"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "cohort", name="uq_competency_assessments_organisation_id"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_competency_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_competency_assessments_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    cohort: Mapped[str]
    instrument_id: Mapped[str]
    instrument_version: Mapped[str]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    status: Mapped[str] = mapped_column(server_default="open")
    created_at: Mapped[dt.datetime]


class CompetencySubject(Base):
    """A person rated in a competency assessment, with their job level."""

    __tablename__ = "competency_subjects"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "name", name="uq_competency_subjects_assessment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("competency_assessments.id", ondelete="CASCADE"))
    name: Mapped[str]
    job_level: Mapped[str]
    email: Mapped[str | None]


class CompetencyRater(Base):
    """One rater of one person (self, manager or peer): what an intake row and an invitation are for."""

    __tablename__ = "competency_raters"
    __table_args__ = (
        sa.UniqueConstraint("subject_id", "rater", name="uq_competency_raters_subject_id"),
        sa.CheckConstraint("role IN ('self', 'manager', 'peer')", name="ck_competency_raters_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("competency_subjects.id", ondelete="CASCADE"))
    rater: Mapped[str]
    role: Mapped[str]
    assessed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime]


class CompetencyRating(Base):
    """A rater's rating of one item: a whole number on the scale, or "don't know"; a comment."""

    __tablename__ = "competency_ratings"
    __table_args__ = (
        sa.UniqueConstraint("rater_id", "item", name="uq_competency_ratings_rater_id"),
        sa.CheckConstraint("NOT dont_know OR value IS NULL", name="ck_competency_ratings_dont_know_no_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("competency_raters.id", ondelete="CASCADE"))
    item: Mapped[str]
    value: Mapped[int | None]
    dont_know: Mapped[bool] = mapped_column(server_default=sa.false())
    comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime]


class CompetencyInvitation(Base):
    """One link per rater and person rated; only the SHA-256 of its token is kept."""

    __tablename__ = "competency_invitations"
    __table_args__ = (
        sa.UniqueConstraint("rater_id", name="uq_competency_invitations_rater_id"),
        sa.UniqueConstraint("token_hash", name="uq_competency_invitations_token_hash"),
        sa.CheckConstraint("status IN ('invited', 'started', 'submitted')", name="ck_competency_invitations_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("competency_raters.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    email: Mapped[str | None]
    language: Mapped[str | None]
    status: Mapped[str] = mapped_column(server_default="invited")
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    draft: Mapped[str | None] = mapped_column(sa.Text)


_ORG, _PMO, _ASM, _RESP, _ANS = (m.__table__ for m in (Organisation, Pmo, Assessment, Respondent, Answer))
_INV, _TOK, _DRAFT = Invitation.__table__, InvitationToken.__table__, Draft.__table__
_CASM, _CSUB, _CRAT, _CVAL, _CINV = (m.__table__ for m in (CompetencyAssessment, CompetencySubject, CompetencyRater,
                                                          CompetencyRating, CompetencyInvitation))
