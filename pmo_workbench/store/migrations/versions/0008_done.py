"""An assessment keeps the roadmap steps its PMO has completed since the earlier wave.

``assessments.done`` holds, as JSON text, the list of recommendation ids an engagement entry marks ``done``
(what the progress report sets against the earlier wave's roadmap); ``NULL`` when none was recorded.

SQLite adds the column in place (``ALTER TABLE ... ADD COLUMN``): a copied ``assessments`` table would be
dropped, and with it, through the foreign keys, every respondent and answer (see 0004 and 0005).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", recreate="never") as batch:  # a nullable column: added in place
        batch.add_column(sa.Column("done", sa.Text(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE assessments DROP COLUMN done")  # in place (SQLite 3.35+): see the module's note
    else:
        with op.batch_alter_table("assessments") as batch:
            batch.drop_column("done")
