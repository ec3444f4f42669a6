"""Telegram says no: replies still arrive after a 429, a 5xx or a dropped connection."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e


async def test_replies_survive_429_5xx_and_dropped_connections(emulator, bot):
    h = Honoree(emulator.user(user_id=6001, first_name="周"))
    emulator.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    first = await h.say("/start")
    assert "同意吗" in first
    assert time.monotonic() - started >= 1.0  # retry_after was waited out, not ignored
    emulator.fail_next("sendMessage", 502, description="Bad Gateway", times=2)
    await h.user.press("同意")
    await h.user.wait_for(lambda m: "谁在填写" in m.text, timeout=15)
    emulator.drop_next("editMessageText")  # the next question takes the pressed one's place
    assert "属于哪一类" in await h.press("本人填写")
    assert bot.log().count("retry 1") >= 3  # each fault was retried, not swallowed


async def test_an_update_confirmed_to_telegram_but_not_handled_is_handled_after_a_crash(
    emulator, bot
):
    """The poller confirms a batch while it is still being handled, so it must have kept the
    batch itself: killed right then, the bot answers after the restart, with no redelivery."""
    h = Honoree(emulator.user(user_id=6002, first_name="钱"))
    emulator.fail_next("sendMessage", 429, retry_after=60)  # the handler hangs in the retry
    update = await h.user.send_text("/start")
    update_id = update["update_id"]

    def confirmed() -> bool:  # confirmed to Telegram, and the handler hangs in its retry
        asked = any(c.method == "getUpdates" and int(c.params.get("offset") or 0) > update_id
                    for c in emulator.calls)
        return asked and any(c.method == "sendMessage" for c in emulator.calls)

    for _ in range(400):
        if confirmed():
            break
        await asyncio.sleep(0.05)
    assert confirmed(), "the poller should ask for more while the update is handled"
    bot.kill()
    assert h.user.last_message is None  # nothing was said before the crash
    pending = [u["update_id"] for u in emulator.world.updates.pending]
    assert update_id not in pending  # Telegram will not deliver it again

    await bot.start()
    assert "同意吗" in await h.answer()  # the bot's own inbox brought it back
