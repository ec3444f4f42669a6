"""The one clock of the project: timezone-aware UTC, as every datetime column stores it.

Public so code outside storage/ can take "now" without importing the ORM models.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utcnow"]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
