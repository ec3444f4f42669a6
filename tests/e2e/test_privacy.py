"""Privacy at rest and in logs: after 100 registrations through the real bot, no ID number and
no phone number is in clear in the database, its WAL, the evidence file names or the bot log."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.crowd import Filler, people
from tests.e2e.flows import open_db

pytestmark = pytest.mark.e2e
CROWD = 100


def needles(person) -> dict[str, str]:
    """Every clear-text form of the person's numbers that must not be found."""
    return {
        "ID number": person.id_number,
        "ID number (lower-case x)": person.id_number.lower(),
        "phone": person.phone,
        "phone without +86": person.local_phone,
    }


async def test_no_id_or_phone_number_in_clear_at_rest_or_in_logs(emulator, data_dir, bot):
    db = await open_db(data_dir)
    crowd = [
        Filler(emulator.user(p.user_id, first_name=p.name[:1]), p, db,
               photo=p.user_id % 10 == 0, typed_phone=p.user_id % 2 == 1, timeout=30)
        for p in people(CROWD, first_user_id=8501)
    ]
    await asyncio.gather(*(f.run() for f in crowd))
    async with db.uow(read_only=True) as uow:
        entries = await uow.registrations.list(limit=1000)
    await db.dispose()
    assert len(entries) == CROWD and all(e.status == "submitted" for e in entries)
    kept = {int(e.owner.external_id): e.secrets for e in entries}
    for f in crowd:  # the numbers were really given (encrypted), or the search proves nothing
        assert kept[f.person.user_id] == {"id_number": f.person.id_number, "phone": f.person.phone}
    assert any(f.person.id_number.endswith("X") for f in crowd)

    # while the bot runs: the database, its write-ahead log, the evidence names, the log
    places: dict[str, bytes] = {}
    for path in sorted(data_dir.glob("honoree.db*")):
        places[path.name] = path.read_bytes()
    assert "honoree.db" in places and "honoree.db-wal" in places, sorted(places)
    names = [p.relative_to(data_dir).as_posix() for p in (data_dir / "evidence").rglob("*")]
    assert len([n for n in names if "." in n.rsplit("/", 1)[-1]]) == CROWD // 10
    places["evidence file names"] = "\n".join(names).encode()
    bot.stop()
    places["bot log"] = bot.log().encode()
    assert "handled" in bot.log()

    stored = places["honoree.db"] + places["honoree.db-wal"]
    assert all(f.person.name.encode() in stored for f in crowd)  # the scan sees plain text

    found = []
    for f in crowd:
        for form, value in needles(f.person).items():
            for place, data in places.items():
                if value.encode() in data:
                    found.append(f"{form} of user {f.person.user_id} in clear in {place}")
    assert not found, f"{len(found)} leaks, e.g.:\n" + "\n".join(found[:20])
