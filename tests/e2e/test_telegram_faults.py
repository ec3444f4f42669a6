"""Telegram says no: replies still arrive after a 429, a 5xx or a dropped connection."""

from __future__ import annotations

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
    assert "谁在填写" in await h.press("同意")
    emulator.drop_next("sendMessage")
    assert "健在" in await h.press("本人填写")
    assert bot.log().count("retry 1") >= 3  # each fault was retried, not swallowed


async def test_an_update_is_confirmed_to_telegram_only_after_it_was_handled(emulator, bot):
    """So a crash while handling means Telegram delivers it again (and it is applied once)."""
    h = Honoree(emulator.user(user_id=6002, first_name="钱"))
    update = await h.user.send_text("/start")
    assert "同意吗" in await h.answer()
    update_id = update["update_id"]
    replied = min(c.time for c in emulator.calls
                  if c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == 6002)
    confirmed = min(c.time for c in emulator.calls
                    if c.method == "getUpdates" and int(c.params.get("offset") or 0) > update_id)
    assert confirmed >= replied
