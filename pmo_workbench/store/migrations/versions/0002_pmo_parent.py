"""PMOs get a parent PMO; respondents get their own assessment date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a nullable column with an inline reference in place; no table copy needed.
        op.execute("ALTER TABLE pmos ADD COLUMN parent_id INTEGER REFERENCES pmos (id) ON DELETE SET NULL")
    else:
        op.add_column("pmos", sa.Column("parent_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_pmos_parent_id_pmos", "pmos", "pmos", ["parent_id"], ["id"], ondelete="SET NULL")
    op.add_column("respondents", sa.Column("assessed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.drop_column("assessed_on")
    with op.batch_alter_table("pmos") as batch:
        batch.drop_column("parent_id")
