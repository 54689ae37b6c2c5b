"""Respondents are invited by link: invitations, their tokens, and each assessment's anonymity and welcome text.

``assessments.anonymity`` (``identified``, ``confidential`` or ``anonymous``; every existing assessment becomes
``confidential``, the default) says what is kept of who answered; ``assessments.survey`` holds, as JSON text,
what the welcome page says (sender, purpose, contact, closing date; ``NULL`` when nothing was set).

``invitations`` has one row per person invited to an assessment (role, and name, e-mail and language when
given), their progress (invited, started, submitted, with times), reminders, the draft of answers saved before
submission and, unless the assessment is anonymous, the respondent their submission created.
``invitation_tokens`` holds the SHA-256 of each token issued (a reminder issues a fresh one); a token itself is
never stored.
``drafts`` holds the answers in progress of anonymous assessments, apart from the invitations: keyed by the
SHA-256 of ``"draft:"`` and the token, with the assessment, the role and the day of the last save only.

SQLite adds the two columns in place (``ALTER TABLE ... ADD COLUMN``, the CHECK on the column itself): a copied
``assessments`` table would be dropped, and with it, through the foreign keys, every respondent and answer
(see 0004 and 0005). The new tables are plain ``CREATE TABLE`` on every database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ANONYMITY_CHECK = "anonymity IN ('identified', 'confidential', 'anonymous')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE assessments ADD COLUMN anonymity VARCHAR NOT NULL DEFAULT 'confidential' "
                   f"CONSTRAINT ck_assessments_anonymity CHECK ({_ANONYMITY_CHECK})")
        op.execute("ALTER TABLE assessments ADD COLUMN survey TEXT")
    else:
        op.add_column("assessments", sa.Column("anonymity", sa.String(), nullable=False,
                                               server_default="confidential"))
        op.create_check_constraint("ck_assessments_anonymity", "assessments", _ANONYMITY_CHECK)
        op.add_column("assessments", sa.Column("survey", sa.Text(), nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(),
                  sa.ForeignKey("assessments.id", name="fk_invitations_assessment_id_assessments",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("person_key", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False, server_default="invited"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("respondent_id", sa.Integer(),
                  sa.ForeignKey("respondents.id", name="fk_invitations_respondent_id_respondents",
                                ondelete="SET NULL"), nullable=True),
        sa.Column("draft", sa.Text(), nullable=True),
        sa.UniqueConstraint("assessment_id", "person_key", name="uq_invitations_assessment_id"),
        sa.CheckConstraint("status IN ('invited', 'started', 'submitted')", name="ck_invitations_status"),
    )
    op.create_table(
        "invitation_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invitation_id", sa.Integer(),
                  sa.ForeignKey("invitations.id", name="fk_invitation_tokens_invitation_id_invitations",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_invitation_tokens_token_hash"),
    )
    op.create_table(
        "drafts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("assessment_id", sa.Integer(),
                  sa.ForeignKey("assessments.id", name="fk_drafts_assessment_id_assessments", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_drafts_assessment_id", "drafts", ["assessment_id"])
    op.create_index("ix_invitation_tokens_invitation_id", "invitation_tokens", ["invitation_id"])
    op.create_index("ix_invitations_respondent_id", "invitations", ["respondent_id"])


def downgrade() -> None:
    """Invitations, their tokens and drafts go; answers already submitted stay as respondents' answers."""
    op.drop_index("ix_drafts_assessment_id", table_name="drafts")
    op.drop_table("drafts")
    op.drop_index("ix_invitations_respondent_id", table_name="invitations")
    op.drop_index("ix_invitation_tokens_invitation_id", table_name="invitation_tokens")
    op.drop_table("invitation_tokens")
    op.drop_table("invitations")
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite 3.35+), as in 0004 and 0005: a copied table would take every respondent with it.
        op.execute("ALTER TABLE assessments DROP COLUMN survey")
        op.execute("ALTER TABLE assessments DROP COLUMN anonymity")
    else:
        op.drop_constraint("ck_assessments_anonymity", "assessments", type_="check")
        op.drop_column("assessments", "survey")
        op.drop_column("assessments", "anonymity")
