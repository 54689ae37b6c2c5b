"""A respondent keeps the language they answered in.

``respondents.language`` holds the language code of the pages a respondent answered on (``en``, ``de``), set
when a web-form respondent sends their answers and kept by ``store import`` and ``store export``; ``NULL`` when
it is not known (every respondent recorded before this revision, and answers imported without a language).
Answers are stored by item id, so respondents in different languages are scored as one.

SQLite adds the column in place (``ALTER TABLE ... ADD COLUMN``): a copied ``respondents`` table would be
dropped, and with it, through the foreign keys, every answer (see 0004 and 0005).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents", recreate="never") as batch:  # a nullable column: added in place
        batch.add_column(sa.Column("language", sa.String(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE respondents DROP COLUMN language")  # in place (SQLite 3.35+): see the module's note
    else:
        with op.batch_alter_table("respondents") as batch:
            batch.drop_column("language")
