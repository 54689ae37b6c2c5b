"""An organisation keeps its engagement: the client-level edit of its reports.

``organisations.engagement`` holds, as JSON text, what an engagement file says
about the client rather than about one PMO (names, logos, fieldwork, framework,
locale, key messages, recommendation choices, approved and redacted comments,
confidentiality, version, draft); ``NULL`` when none was recorded.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", recreate="never") as batch:  # a nullable column: added in place
        batch.add_column(sa.Column("engagement", sa.Text(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite 3.35+): a copied organisations table would be dropped, and with it, through the
        # foreign keys, every PMO, assessment and answer.
        op.execute("ALTER TABLE organisations DROP COLUMN engagement")
    else:
        with op.batch_alter_table("organisations") as batch:
            batch.drop_column("engagement")
