"""The first schema: organisations, PMOs (no parent yet), assessments, respondents, answers.

Revision ID: 0001
Revises:
Create Date: 2026-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
    )
    op.create_table(
        "pmos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(),
                  sa.ForeignKey("organisations.id", name="fk_pmos_organisation_id_organisations",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=True),
        sa.UniqueConstraint("organisation_id", "name", name="uq_pmos_organisation_id"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(),
                  sa.ForeignKey("organisations.id", name="fk_assessments_organisation_id_organisations",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("pmo_id", sa.Integer(),
                  sa.ForeignKey("pmos.id", name="fk_assessments_pmo_id_pmos", ondelete="CASCADE"), nullable=False),
        sa.Column("instrument_id", sa.String(), nullable=False),
        sa.Column("instrument_version", sa.String(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("pmo_id", "instrument_id", "instrument_version", name="uq_assessments_pmo_id"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_assessments_scale"),
    )
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(),
                  sa.ForeignKey("assessments.id", name="fk_respondents_assessment_id_assessments",
                                ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("assessment_id", "label", name="uq_respondents_assessment_id"),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("respondent_id", sa.Integer(),
                  sa.ForeignKey("respondents.id", name="fk_answers_respondent_id_respondents", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("respondent_id", "item", name="uq_answers_respondent_id"),
        sa.CheckConstraint("value IS NULL OR value >= 0", name="ck_answers_value_not_negative"),
    )


def downgrade() -> None:
    for table in ("answers", "respondents", "assessments", "pmos", "organisations"):
        op.drop_table(table)
