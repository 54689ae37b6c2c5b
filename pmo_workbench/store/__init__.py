"""The assessment store: organisations, PMOs, assessments, respondents and answers in one database.

SQLite by default, PostgreSQL by URL; the schema is versioned with Alembic
(:mod:`.schema`, ``migrations/``), files go in and out through :mod:`.files`,
invitations and drafts through :mod:`.invitations` (people files: :mod:`.people`), and :class:`Store`
(:mod:`.core`) is the one way in.
"""

from __future__ import annotations

from ..errors import StoreError
from .competency import CompetencyImport
from .core import Store
from .files import ImportResult, StoredInput, report_input
from .invitations import COMMENT_MAX, Invitation, InvitationMixin, Issued
from .people import Person, read_people
from .schema import ANONYMITY, DB_ENV, NOT_APPLICABLE, SCHEMA_HEAD, STATUSES, alembic_config, default_url

__all__ = ["ANONYMITY", "COMMENT_MAX", "DB_ENV", "NOT_APPLICABLE", "SCHEMA_HEAD", "STATUSES", "CompetencyImport",
           "ImportResult", "Invitation", "InvitationMixin", "Issued", "Person", "Store", "StoreError", "StoredInput",
           "alembic_config", "default_url", "read_people", "report_input"]
