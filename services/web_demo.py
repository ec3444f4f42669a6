"""The demo committee that `honoree-bot run` opens when there is no bot token, so the whole
product can be tried on a laptop: a village committee and a fresh reviewer invite for it."""

from __future__ import annotations

from datetime import timedelta

from services.invites import MadeInvite, create_invite
from storage.uow import Database

DEMO_VILLAGE = "222401100201"  # 延吉市 小营镇 光进村
DEMO_CONTACT = "光进村委会 0433-0000000（演示）"


async def open_demo(db: Database) -> MadeInvite:
    async with db.uow() as uow:
        committee = await uow.committees.add(DEMO_VILLAGE, contact=DEMO_CONTACT)
        if committee.contact is None:
            await uow.committees.set_contact(DEMO_VILLAGE, DEMO_CONTACT)
        await uow.commit()
    return await create_invite(
        db, DEMO_VILLAGE, role=None, lifetime=timedelta(days=1), uses=1, actor="demo"
    )
