"""Telegram's side of a webhook, for the emulator: every update queued for the bot is POSTed to
a worker until one answers 200, one update at a time per person and in order (as Telegram does),
again (to any live worker) when a worker fails to answer. A call in the answer's body is run
as Telegram runs it."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Callable

import aiohttp

from bot.webhook import SECRET_HEADER
from testkit.botproc import TOKEN

WEBHOOK_SECRET = hashlib.sha256(TOKEN.encode()).hexdigest()[:32]  # what bot/app.py derives
WEBHOOK_PATH = "/telegram/webhook"


def sender(update: dict) -> int:
    event = update.get("message") or update.get("callback_query") or update.get(
        "edited_message") or {}
    return event.get("from", {}).get("id", -update["update_id"])


class WebhookDelivery:
    """Delivers the emulator's pending updates to `urls()` (the live workers' base URLs)."""

    def __init__(self, emulator, urls: Callable[[], list[str]], rng: random.Random,
                 *, connections: int = 100, timeout: float = 40.0) -> None:
        self.emulator = emulator
        self.queue = emulator.world.updates
        self.urls = urls
        self.rng = rng
        self.connections = connections
        self.timeout = timeout
        self.deliveries: dict[int, int] = {}  # update id -> POSTs answered 200
        self._busy: dict[int, asyncio.Task] = {}
        self._done = asyncio.Event()  # a person's update was answered: their next may go

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.connections)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            while True:
                for update in self.queue.ready(len(self.queue.pending) + 1):
                    who = sender(update)
                    if who not in self._busy:
                        self._busy[who] = asyncio.create_task(self._deliver(http, update, who))
                self._done.clear()
                pushed = asyncio.ensure_future(self.queue.pulse.wait(0.05))
                answered = asyncio.ensure_future(self._done.wait())
                await asyncio.wait([pushed, answered], return_when=asyncio.FIRST_COMPLETED)
                pushed.cancel()
                answered.cancel()

    async def _deliver(self, http: aiohttp.ClientSession, update: dict, who: int) -> None:
        uid = update["update_id"]
        try:
            while True:
                url = self.rng.choice(self.urls())
                try:
                    async with http.post(url + WEBHOOK_PATH, json=update,
                                         headers={SECRET_HEADER: WEBHOOK_SECRET}) as resp:
                        if resp.status == 200:
                            answer = await resp.json()
                            if answer.get("method"):  # a call the bot made in its answer
                                await self.emulator.run_webhook_answer(TOKEN, answer)
                            self.deliveries[uid] = self.deliveries.get(uid, 0) + 1
                            self.queue.pending = [
                                u for u in self.queue.pending if u["update_id"] != uid
                            ]
                            return
                except (TimeoutError, aiohttp.ClientError):
                    pass
                await asyncio.sleep(0.2)
        finally:
            del self._busy[who]
            self._done.set()

    def answered_twice(self) -> int:
        return sum(count > 1 for count in self.deliveries.values())
