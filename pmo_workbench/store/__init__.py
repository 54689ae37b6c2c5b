"""The assessment store: organisations, PMOs, assessments, respondents and answers in one database.

SQLite by default, PostgreSQL by URL; the schema is versioned with Alembic
(:mod:`.schema`, ``migrations/``), files go in and out through :mod:`.files`,
and :class:`Store` (:mod:`.core`) is the one way in.
"""

from __future__ import annotations

from ..errors import StoreError
from .core import Store
from .files import ImportResult, StoredInput, report_input
from .schema import DB_ENV, NOT_APPLICABLE, SCHEMA_HEAD, STATUSES, alembic_config, default_url

__all__ = ["DB_ENV", "NOT_APPLICABLE", "SCHEMA_HEAD", "STATUSES", "ImportResult", "Store", "StoreError",
           "StoredInput", "alembic_config", "default_url", "report_input"]
