"""Competency assessments: people of a cohort rated by themselves, their line manager and their peers.

They are kept beside the PMO assessments, in tables of their own, so that nothing that lists, scores or reports
PMO assessments meets them:

``competency_assessments``
    One cohort of an organisation (``cohort``, unique per organisation) rated with one competency instrument
    (``instrument_id``, ``instrument_version``, its scale), open or closed.
``competency_subjects``
    A person rated: ``name`` (unique in the cohort), ``job_level`` (one per person), ``email`` when known.
``competency_raters``
    One rater of one person (``rater``, unique per person; ``role`` self, manager or peer; a self-rater is the
    person): the unit an intake row and an invitation are made for.
``competency_ratings``
    A rater's rating of one item: a whole number on the scale, or "don't know" (then no value); a comment.
``competency_invitations``
    One link per rater and person rated: the SHA-256 of its token (never the token), the rater's e-mail and
    language, progress (invited, started, submitted, with times) and the draft saved before submission.

Plain ``CREATE TABLE`` on every database; no existing table changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competency_assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(),
                  sa.ForeignKey("organisations.id", name="fk_competency_assessments_organisation_id_organisations",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("cohort", sa.String(), nullable=False),
        sa.Column("instrument_id", sa.String(), nullable=False),
        sa.Column("instrument_version", sa.String(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("organisation_id", "cohort", name="uq_competency_assessments_organisation_id"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_competency_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_competency_assessments_scale"),
    )
    op.create_table(
        "competency_subjects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(),
                  sa.ForeignKey("competency_assessments.id",
                                name="fk_competency_subjects_assessment_id_competency_assessments",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("job_level", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.UniqueConstraint("assessment_id", "name", name="uq_competency_subjects_assessment_id"),
    )
    op.create_table(
        "competency_raters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject_id", sa.Integer(),
                  sa.ForeignKey("competency_subjects.id", name="fk_competency_raters_subject_id_competency_subjects",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("rater", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("subject_id", "rater", name="uq_competency_raters_subject_id"),
        sa.CheckConstraint("role IN ('self', 'manager', 'peer')", name="ck_competency_raters_role"),
    )
    op.create_table(
        "competency_ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rater_id", sa.Integer(),
                  sa.ForeignKey("competency_raters.id", name="fk_competency_ratings_rater_id_competency_raters",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("dont_know", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("rater_id", "item", name="uq_competency_ratings_rater_id"),
        sa.CheckConstraint("NOT dont_know OR value IS NULL", name="ck_competency_ratings_dont_know_no_value"),
    )
    op.create_table(
        "competency_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rater_id", sa.Integer(),
                  sa.ForeignKey("competency_raters.id", name="fk_competency_invitations_rater_id_competency_raters",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False, server_default="invited"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("draft", sa.Text(), nullable=True),
        sa.UniqueConstraint("rater_id", name="uq_competency_invitations_rater_id"),
        sa.UniqueConstraint("token_hash", name="uq_competency_invitations_token_hash"),
        sa.CheckConstraint("status IN ('invited', 'started', 'submitted')", name="ck_competency_invitations_status"),
    )


def downgrade() -> None:
    for table in ("competency_invitations", "competency_ratings", "competency_raters", "competency_subjects",
                  "competency_assessments"):
        op.drop_table(table)
