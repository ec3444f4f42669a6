"""What a village poster says about its village: the place's full name, whom to ask, and the
links that start the form in that village (a village code is public, not personal data)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.records import DivisionLevel
from storage.uow import Database

_VILLAGE_PAYLOAD = re.compile(r"v([0-9]{12})")


def village_payload(code: str) -> str:
    """Telegram's start parameter for a village: v<code>."""
    return f"v{code}"


def village_of(payload: str | None) -> str | None:
    """The village code a start parameter names, or None."""
    found = _VILLAGE_PAYLOAD.fullmatch(payload or "")
    return found[1] if found else None


def telegram_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.removeprefix('@')}?start={village_payload(code)}"


def web_link(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/?v={code}"


@dataclass(frozen=True)
class PosterVillage:
    code: str
    place: str  # county, township and village names
    contact: str | None  # the committee's, when it has one


async def poster_villages(
    db: Database, village: str | None, township: str | None
) -> list[PosterVillage]:
    """The village asked for, or every village of the township; unknown codes give none."""
    async with db.uow(read_only=True) as uow:
        if village:
            codes = [village]
        else:
            codes = [c.code for c in await uow.divisions.children(township or "")
                     if c.level == DivisionLevel.VILLAGE]
        out = []
        for code in codes:
            row = await uow.divisions.get(code)
            if row is None or row.level != DivisionLevel.VILLAGE:
                continue
            names, parent = [row.name], row.parent_code
            while parent and len(names) < 3:  # village, township, county
                up = await uow.divisions.get(parent)
                if up is None:
                    break
                names.insert(0, up.name)
                parent = up.parent_code
            committee = await uow.committees.get_by_division(code)
            out.append(PosterVillage(code, " ".join(names),
                                     committee.contact if committee else None))
        return out
