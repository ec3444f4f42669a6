"""The receipt after submitting tells the honoree whom to ask: the committee's contact, when the
committee has one (the same result text serves Telegram and the web page)."""

from __future__ import annotations

from dialogs.texts import t
from services.registration import Registration
from storage.files import EvidenceStore
from storage.records import Address
from tests.services_scenario import MemoryChat, drive
from tests.test_dialog_flow import VILLAGE, finish_award_n1, person, screen

WHO = Address("memory", "receipt-1")
CONTACT = "王主任 0433-1234567"


async def submit(db, settings) -> str:
    service = await Registration.create(db, EvidenceStore(settings.data_dir / "evidence"))
    chat = MemoryChat(service, WHO)
    await drive(chat, screen)
    await drive(chat, finish_award_n1)
    await chat.press("没有了")
    await drive(chat, person)
    await chat.press(t("btn.submit"))
    return chat.text


async def test_the_receipt_names_the_committees_contact(db, settings):
    async with db.uow() as uow:
        await uow.committees.add(VILLAGE, contact=CONTACT)
        await uow.commit()
    receipt = await submit(db, settings)
    assert "编号" in receipt and CONTACT in receipt


async def test_without_a_contact_the_receipt_says_nothing_of_one(db, settings):
    async with db.uow() as uow:
        await uow.committees.add(VILLAGE, contact=None)
        await uow.commit()
    receipt = await submit(db, settings)
    assert "编号" in receipt and t("submitted.contact", contact="") not in receipt
