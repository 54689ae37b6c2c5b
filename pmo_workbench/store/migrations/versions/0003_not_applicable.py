"""Answers say "not applicable" explicitly; the value is checked against the assessment's scale.

Until 0002 a NULL value meant both "not applicable" and "no answer" (a comment
typed before choosing). ``answers.not_applicable`` tells them apart; every
existing NULL-value row becomes not applicable, since that is what it meant.

The CHECK ``value >= 0`` goes (an instrument may have a -2..2 scale); instead a
trigger compares every written value with its assessment's ``scale_min`` and
``scale_max`` (SQLite: BEFORE INSERT / BEFORE UPDATE triggers; PostgreSQL: a
plpgsql trigger function; other databases rely on the store's own checks).

Revision ID: 0003
Revises: 0002
Create Date: 2026-04-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_OUTSIDE = ("NEW.value IS NOT NULL AND EXISTS (SELECT 1 FROM respondents r JOIN assessments a "
            "ON a.id = r.assessment_id WHERE r.id = NEW.respondent_id "
            "AND (NEW.value < a.scale_min OR NEW.value > a.scale_max))")
_MESSAGE = "answer value outside the scale of its assessment"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION answers_value_in_scale() RETURNS trigger AS $$
BEGIN
    IF {_OUTSIDE} THEN
        RAISE EXCEPTION '{_MESSAGE} (value %, respondent %)', NEW.value, NEW.respondent_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("answers", recreate="auto") as batch:
        batch.add_column(sa.Column("not_applicable", sa.Boolean(),
                                   nullable=False, server_default=sa.false()))
        batch.drop_constraint("ck_answers_value_not_negative", type_="check")
        batch.create_check_constraint("ck_answers_not_applicable_no_value", "NOT not_applicable OR value IS NULL")
    op.execute("UPDATE answers SET not_applicable = " + ("1" if dialect == "sqlite" else "TRUE")
               + " WHERE value IS NULL")
    if dialect == "sqlite":
        for event in ("INSERT", "UPDATE"):
            op.execute(f"CREATE TRIGGER answers_value_in_scale_{event.lower()} BEFORE {event} ON answers "
                       f"FOR EACH ROW WHEN {_OUTSIDE} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER answers_value_in_scale BEFORE INSERT OR UPDATE ON answers "
                   "FOR EACH ROW EXECUTE FUNCTION answers_value_in_scale()")


def downgrade() -> None:
    """Back to NULL meaning "not applicable": comment-only rows then read as not applicable too."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS answers_value_in_scale_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS answers_value_in_scale ON answers")
        op.execute("DROP FUNCTION IF EXISTS answers_value_in_scale()")
    with op.batch_alter_table("answers", recreate="auto") as batch:
        batch.drop_constraint("ck_answers_not_applicable_no_value", type_="check")
        batch.drop_column("not_applicable")
        batch.create_check_constraint("ck_answers_value_not_negative", "value IS NULL OR value >= 0")
