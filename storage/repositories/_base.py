"""Shared plumbing of the repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

SUPPORTED_DIALECTS = ("sqlite", "postgresql")


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self, model: Any) -> Any:
        """INSERT with ON CONFLICT support: both dialects spell it the same way in SQLAlchemy."""
        if self.session.bind.dialect.name == "postgresql":
            return postgresql.insert(model)
        return sqlite.insert(model)
