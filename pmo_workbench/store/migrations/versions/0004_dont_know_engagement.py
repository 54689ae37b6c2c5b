"""Answers can say "don't know"; an assessment keeps its target type, the PMO's context and the evidence checklist.

``answers.dont_know`` (false for every existing row, so stored answers and
"not applicable" markers mean what they meant) is the third kind of answer
next to a value and "not applicable": it has no value and is never both.
``assessments.target_type`` is the type the client wants the PMO to be;
``assessments.context`` and ``assessments.evidence`` hold the consultant's
answers to the instrument's ``context`` and ``evidence`` questions as JSON text
(``NULL`` when none were recorded).

SQLite rebuilds ``answers`` to add the CHECK constraints, and a rebuilt table
loses its triggers: the scale triggers of 0003 are created again afterwards.

Revision ID: 0004
Revises: 0003
Create Date: 2026-04-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The scale triggers of 0003 (SQLite), recreated after the table copy.
_OUTSIDE = ("NEW.value IS NOT NULL AND EXISTS (SELECT 1 FROM respondents r JOIN assessments a "
            "ON a.id = r.assessment_id WHERE r.id = NEW.respondent_id "
            "AND (NEW.value < a.scale_min OR NEW.value > a.scale_max))")
_MESSAGE = "answer value outside the scale of its assessment"


def _sqlite_triggers(create: bool) -> None:
    for event in ("INSERT", "UPDATE"):
        name = f"answers_value_in_scale_{event.lower()}"
        if create:
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON answers "
                       f"FOR EACH ROW WHEN {_OUTSIDE} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _sqlite_triggers(create=False)
    with op.batch_alter_table("answers", recreate="auto") as batch:
        batch.add_column(sa.Column("dont_know", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_check_constraint("ck_answers_not_applicable_or_dont_know", "NOT (not_applicable AND dont_know)")
        batch.create_check_constraint("ck_answers_dont_know_no_value", "NOT dont_know OR value IS NULL")
    if sqlite:
        _sqlite_triggers(create=True)
    with op.batch_alter_table("assessments", recreate="never") as batch:  # nullable columns: added in place
        batch.add_column(sa.Column("target_type", sa.Text(), nullable=True))
        batch.add_column(sa.Column("context", sa.Text(), nullable=True))
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    """Back to two kinds of answer: a "don't know" without a comment goes, one with a comment keeps the comment."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DELETE FROM answers WHERE dont_know " + ("= 1" if sqlite else "") + " AND comment IS NULL")
    if sqlite:
        # In place (SQLite 3.35+): a copied assessments table would be dropped, and with it, through the foreign
        # keys, every respondent and answer.
        for column in ("evidence", "context", "target_type"):
            op.execute(f"ALTER TABLE assessments DROP COLUMN {column}")
    else:
        with op.batch_alter_table("assessments") as batch:
            batch.drop_column("evidence")
            batch.drop_column("context")
            batch.drop_column("target_type")
    if sqlite:
        _sqlite_triggers(create=False)
    with op.batch_alter_table("answers", recreate="auto") as batch:
        batch.drop_constraint("ck_answers_dont_know_no_value", type_="check")
        batch.drop_constraint("ck_answers_not_applicable_or_dont_know", type_="check")
        batch.drop_column("dont_know")
    if sqlite:
        _sqlite_triggers(create=True)
