"""Shared plumbing of the repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

SUPPORTED_DIALECTS = ("sqlite", "postgresql")
INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}  # INSERT … ON CONFLICT
IN_CHUNK = 1000  # ids per IN (...): far below every backend's limit on bound parameters


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self, model: Any) -> Any:
        """INSERT with ON CONFLICT support: both dialects spell it the same way in SQLAlchemy."""
        return INSERTS[self.session.bind.dialect.name](model)
