"""Old and forged buttons: a press on a button of an old message gets a short explanation and
the person sees where they are now; forged data is refused, changes nothing and is audited."""

from __future__ import annotations

import pytest

from dialogs.model import Draft
from dialogs.texts import t
from testkit.fakes import tg
from tests.e2e.crowd import find_button
from tests.e2e.flows import FAKE_ID, open_db, register_farmer, screen
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e
STALE = t("stale")


async def stored(data_dir, user_id: int) -> tuple[Draft | None, list]:
    """The open draft (None if there is none) and all registrations of the user."""
    db = await open_db(data_dir)
    async with db.uow(read_only=True) as uow:
        record = await uow.registrations.get_active(tg(user_id))
        history = await uow.registrations.list_for_owner(tg(user_id))
    await db.dispose()
    draft = Draft.from_storage(record.state, record.secrets) if record else None
    return draft, history


async def press_old(h: Honoree, button: tuple[int, str]) -> tuple[str | None, str]:
    """Press a button of an old message again; return the callback answer and what is shown."""
    message_id, data = button
    await h.user.press_callback_data(data, message_id=message_id)
    answer = await h.user.callback_answer()
    return answer, await h.answer()


async def test_old_buttons_after_moving_on_a_restart_and_cancel(emulator, data_dir, bot):
    h = Honoree(emulator.user(user_id=8301, first_name="钱"))
    await h.say("/start")
    consent = find_button(h.user, "同意")
    await h.press("同意")
    await h.press("家属或他人代为填写")  # 健在 is asked of a relative
    alive = find_button(h.user, "健在")
    await h.press("健在")
    assert t("q.title") in await h.press("农民")
    before, _ = await stored(data_dir, 8301)

    # the entry moved on
    answer, shown = await press_old(h, consent)
    assert answer == STALE and shown.endswith(t("q.title")), (answer, shown)
    assert (await stored(data_dir, 8301))[0] == before

    # after a restart: old buttons are stale, the open question's buttons still work
    current = find_button(h.user, "全国劳动模范")
    bot.kill()
    await bot.start()
    answer, shown = await press_old(h, alive)
    assert answer == STALE and shown.endswith(t("q.title")), (answer, shown)
    assert (await stored(data_dir, 8301))[0] == before
    await h.user.press_callback_data(current[1], message_id=current[0])
    assert t("q.awarding_body") in await h.answer()
    body = find_button(h.user, "中共中央 国务院")

    # after /cancel: nothing is left to answer; the person is at the very beginning
    assert "确定要删除" in await h.say("/cancel")
    assert "已经删除" in await h.press("确定删除")
    answer, shown = await press_old(h, body)
    assert answer == STALE, answer
    assert "同意吗" in shown, shown
    draft, history = await stored(data_dir, 8301)
    assert draft is None or not draft.awards, "an old button brought deleted answers back"
    assert len(history) <= 1


async def test_old_buttons_after_submitting_show_the_status(emulator, data_dir, bot):
    h = Honoree(emulator.user(user_id=8302, first_name="孙"))
    await register_farmer(h)
    edit = find_button(h.user, "✏️ 修改")
    submit = find_button(h.user, "✅ 确认提交")
    done = await h.press("✅ 确认提交")
    assert "提交成功" in done
    _, history = await stored(data_dir, 8302)
    reg_no = history[0].reg_no
    for button in (edit, submit):  # an old 修改, and a second tap on 确认提交
        answer, shown = await press_old(h, button)
        assert answer, f"{button[1]!r} after submitting: the callback got no explanation"
        assert "已提交" in shown and reg_no in shown, shown
    draft, history = await stored(data_dir, 8302)
    assert draft is None and len(history) == 1 and history[0].status == "submitted"
    db = await open_db(data_dir)
    async with db.uow(read_only=True) as uow:
        audit = await uow.audit.list(action="submitted", registration_id=history[0].id)
    await db.dispose()
    assert len(audit) == 1


async def test_forged_callbacks_are_refused_audited_and_change_nothing(emulator, data_dir, bot):
    db = await open_db(data_dir)
    async with db.uow() as uow:  # another person's entry, with an ID number to protect
        other = await uow.registrations.create_draft(tg(9911))
        await uow.registrations.save_state(other.id, {"person": {"name": "周其他"}},
                                           {"id_number": FAKE_ID}, name="周其他", hukou_code=None)
        await uow.commit()
    h = Honoree(emulator.user(user_id=8303, first_name="吴"))
    await screen(h)
    before, _ = await stored(data_dir, 8303)
    forged = {
        "over-long": "title#0|" + "9" * 80,
        "unknown action": "x|drop-everything",
        "unknown question": "salary#|0",
        "another award": "title#7|q0",
        "a closed question": "gender#|1",
    }
    for what, data in forged.items():
        await h.user.press_callback_data(data)
        answer = await h.user.callback_answer()
        assert answer == STALE, f"{what} ({data!r}): callback answered {answer!r}"
        shown = await h.answer()
        assert shown.endswith(t("q.title")), f"{what}: {shown}"
    for data in (f"r|reveal|{other.id}", f"r|open|{other.id}", f"r|ok|{other.id}|1"):
        await h.user.press_callback_data(data)  # another person's entry, by its number
        answer = await h.user.callback_answer()
        assert answer and FAKE_ID not in answer and "周其他" not in answer, (data, answer)
    assert (await stored(data_dir, 8303))[0] == before
    events = str([e.data.get("text") for e in h.user.chat.events])
    assert FAKE_ID not in events and "周其他" not in events

    async with db.uow(read_only=True) as uow:
        refused = await uow.audit.list(action="callback.refused", limit=100)
        denied = await uow.audit.list(action="review.denied", actor="tg:8303", limit=100)
    await db.dispose()
    audited = {str((e.detail or {}).get("data")) for e in refused if e.actor == "tg:8303"}
    for what in ("over-long", "unknown action", "unknown question"):
        data = forged[what]
        assert any(a and data.startswith(a) for a in audited), (
            f"no callback.refused audit record for the {what} press {data!r}: {audited}"
        )
    assert len(denied) == 3, [e.detail for e in denied]
