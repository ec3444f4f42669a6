"""Which township a division belongs to, for routing entries between committees."""

from __future__ import annotations

from storage.uow import UnitOfWork


async def township_of(uow: UnitOfWork, code: str | None) -> str | None:
    """The township code a village, community or township code belongs to."""
    row = await uow.divisions.township_of(code) if code else None
    return row.code if row else None
