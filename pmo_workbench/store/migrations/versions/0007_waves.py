"""A PMO may be assessed again: assessments are waves with a label and fieldwork dates.

``assessments.label`` names the wave ("2025", "2026 Q3"); it is unique per PMO. Every existing assessment gets
the year of its ``assessed_on``, else of its ``fieldwork_start``, else of its ``created_at``, made unique per PMO
by appending " (2)", " (3)"...
``assessments.fieldwork_start`` and ``fieldwork_end`` (dates, ``NULL`` allowed) are when the answers were
collected; existing assessments get the first and last ``assessed_on`` of their respondents.
The unique constraint on (pmo_id, instrument_id, instrument_version) is dropped, so a PMO holds any number of
assessments (one per wave), and (pmo_id, label) becomes unique.

SQLite can drop a table's UNIQUE constraint only by rebuilding the table. The store runs this migration with
foreign keys off (dropping the old ``assessments`` table would otherwise delete, through the foreign keys, every
respondent, answer and invitation), and the scale triggers of 0003, which read ``assessments``, are dropped for
the rebuild and created again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_OUTSIDE = ("NEW.value IS NOT NULL AND EXISTS (SELECT 1 FROM respondents r JOIN assessments a "
            "ON a.id = r.assessment_id WHERE r.id = NEW.respondent_id "
            "AND (NEW.value < a.scale_min OR NEW.value > a.scale_max))")
_MESSAGE = "answer value outside the scale of its assessment"
_COLUMNS = ("id, organisation_id, pmo_id, instrument_id, instrument_version, scale_min, scale_max, assessed_on, "
            "status, created_at, target_type, context, evidence, anonymity, survey")


def _sqlite_triggers(create: bool) -> None:
    for event in ("INSERT", "UPDATE"):
        name = f"answers_value_in_scale_{event.lower()}"
        if create:
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON answers "
                       f"FOR EACH ROW WHEN {_OUTSIDE} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _labels(conn: sa.Connection) -> list[dict]:
    """Each existing assessment's label: the year of its date, else of its fieldwork's start (its first
    respondent's date), else of its creation, unique per PMO."""
    rows = conn.execute(sa.text("SELECT id, pmo_id, assessed_on, fieldwork_start, created_at FROM assessments "
                                "ORDER BY id")).all()
    taken: dict[int, set[str]] = {}
    labels = []
    for assessment_id, pmo_id, assessed_on, fieldwork_start, created_at in rows:
        year = str(next(d for d in (assessed_on, fieldwork_start, created_at) if d is not None))[:4]
        used = taken.setdefault(pmo_id, set())
        label, n = year, 1
        while label in used:
            n += 1
            label = f"{year} ({n})"
        used.add(label)
        labels.append({"aid": assessment_id, "label": label})
    return labels


def _create_assessments(name: str, unique: sa.UniqueConstraint, *, waves: bool = True) -> None:
    """Create the assessments table as 0006 left it, named ``name``, with the new columns (``waves``) and
    ``unique``."""
    new = [sa.Column("label", sa.String(), nullable=False), sa.Column("fieldwork_start", sa.Date(), nullable=True),
           sa.Column("fieldwork_end", sa.Date(), nullable=True)] if waves else []
    op.create_table(
        name,
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
        sa.Column("target_type", sa.Text(), nullable=True),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        # column-level, as 0006 added it in place (its downgrade drops the column in place)
        sa.Column("anonymity", sa.String(), sa.CheckConstraint("anonymity IN ('identified', 'confidential', "
                                                               "'anonymous')", name="ck_assessments_anonymity"),
                  nullable=False, server_default="confidential"),
        sa.Column("survey", sa.Text(), nullable=True),
        *new,
        unique,
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_assessments_status"),
        sa.CheckConstraint("scale_max > scale_min", name="ck_assessments_scale"),
    )


def _sqlite_rebuild(conn: sa.Connection, unique: sa.UniqueConstraint, *, waves: bool) -> None:
    """Rebuild ``assessments`` with ``unique`` (foreign keys must be off: see the module's docstring)."""
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0007 rebuilds the assessments table and must run with SQLite's foreign keys "
                           "off (open the database with pmo_workbench.store.Store)")
    columns = f"{_COLUMNS}, label, fieldwork_start, fieldwork_end" if waves else _COLUMNS
    _sqlite_triggers(create=False)
    _create_assessments("_assessments_new", unique, waves=waves)
    op.execute(f"INSERT INTO _assessments_new ({columns}) SELECT {columns} FROM assessments")
    op.execute("DROP TABLE assessments")
    op.execute("ALTER TABLE _assessments_new RENAME TO assessments")
    _sqlite_triggers(create=True)


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.add_column("assessments", sa.Column("label", sa.String(), nullable=True))
    op.add_column("assessments", sa.Column("fieldwork_start", sa.Date(), nullable=True))
    op.add_column("assessments", sa.Column("fieldwork_end", sa.Date(), nullable=True))
    mine = "FROM respondents r WHERE r.assessment_id = assessments.id"
    op.execute(f"UPDATE assessments SET fieldwork_start = (SELECT MIN(r.assessed_on) {mine}), "
               f"fieldwork_end = (SELECT MAX(r.assessed_on) {mine})")
    labels = _labels(conn)  # after the fieldwork: an undated assessment is labelled by its respondents' dates
    if labels:
        conn.execute(sa.text("UPDATE assessments SET label = :label WHERE id = :aid"), labels)
    unique = sa.UniqueConstraint("pmo_id", "label", name="uq_assessments_pmo_id_label")
    if sqlite:
        _sqlite_rebuild(conn, unique, waves=True)
    else:
        op.alter_column("assessments", "label", nullable=False)
        op.drop_constraint("uq_assessments_pmo_id", "assessments", type_="unique")
        op.create_unique_constraint("uq_assessments_pmo_id_label", "assessments", ["pmo_id", "label"])


def downgrade() -> None:
    """Back to one assessment per PMO and instrument version (refused by the database when a PMO has several)."""
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        old = sa.UniqueConstraint("pmo_id", "instrument_id", "instrument_version", name="uq_assessments_pmo_id")
        _sqlite_rebuild(conn, old, waves=False)
        return
    op.drop_constraint("uq_assessments_pmo_id_label", "assessments", type_="unique")
    op.create_unique_constraint("uq_assessments_pmo_id", "assessments",
                                ["pmo_id", "instrument_id", "instrument_version"])
    for name in ("fieldwork_end", "fieldwork_start", "label"):
        op.drop_column("assessments", name)
