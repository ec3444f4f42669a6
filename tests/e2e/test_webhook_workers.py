"""Two webhook workers (separate processes, as behind one reverse proxy) on one database and
our own Redis: the secret header is checked, /healthz and /metrics answer, one update
delivered to both workers at once is processed once, Redis down makes /healthz say so, and a
person whose updates go to alternating workers sees the same chat record as with one process."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
import socket
import sqlite3
import subprocess
import time

import aiohttp
import pytest

from bot.webhook import SECRET_HEADER
from testkit.botproc import SECRET, TOKEN, BotProcess
from testkit.webhook import WebhookDelivery
from tests.e2e.honoree import Honoree
from tests.test_coordination import _free_port

pytestmark = pytest.mark.e2e


class WebhookWorker(BotProcess):
    command = ("-m", "bot", "run", "--webhook")

    def __init__(self, emulator, data_dir, port: int, redis_url: str, **env: str) -> None:
        super().__init__(
            emulator, data_dir, HONOREE_SECRET_KEY=SECRET, HONOREE_REDIS_URL=redis_url,
            HONOREE_WEBHOOK_PORT=str(port), HONOREE_WEBHOOK_URL=f"http://127.0.0.1:{port}",
            **env,
        )
        self.port = port
        self.log_path = data_dir / f"bot-{port}.log"

    async def start(self) -> None:
        self.spawn()
        for _ in range(1200):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise AssertionError("worker exited:\n" + self.log())
            await asyncio.sleep(0.05)
        raise AssertionError("worker did not listen:\n" + self.log())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def redis_server(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--dir",
                             str(tmp_path)], stdout=subprocess.DEVNULL)
    time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(10)


async def test_two_workers_handle_a_doubly_delivered_update_once(
    emulator, data_dir, redis_server
):
    redis_url = f"redis://127.0.0.1:{redis_server}/0"
    workers = [WebhookWorker(emulator, data_dir, _free_port(), redis_url) for _ in range(2)]
    for w in workers:
        await w.start()
    try:
        secret = hashlib.sha256(TOKEN.encode()).hexdigest()[:32]  # what bot/app.py derives
        user = emulator.user(5001)
        await user.send_text("/start")
        update = emulator.world.updates.ready(10)[-1]
        async with aiohttp.ClientSession() as http:
            async with http.post(workers[0].url + "/telegram/webhook", json=update,
                                 headers={SECRET_HEADER: "wrong"}) as resp:
                assert resp.status == 401
            posts = [http.post(w.url + "/telegram/webhook", json=update,
                               headers={SECRET_HEADER: secret}) for w in workers]
            statuses = [r.status for r in await asyncio.gather(*posts)]
            assert statuses == [200, 200]
            async with http.get(workers[0].url + "/healthz") as resp:
                assert resp.status == 200, await resp.text()
            async with http.get(workers[1].url + "/metrics") as resp:
                exposed = await resp.text()
            for metric in ("honoree_updates_total", "honoree_update_seconds_bucket",
                           "honoree_outbox_backlog", "honoree_ocr_queue"):
                assert metric in exposed, exposed
            processed = _processed(data_dir, update["update_id"])
            assert processed == 1
            assert user.chat.bot_messages(), "the /start was not answered"
            subprocess.run(["redis-cli", "-p", str(redis_server), "shutdown", "nosave"])
            async with http.get(workers[0].url + "/healthz") as resp:
                assert resp.status == 503
    finally:
        for w in workers:
            w.stop()


def _processed(data_dir, update_id: int) -> int:
    with sqlite3.connect(data_dir / "honoree.db") as db:
        return db.execute("SELECT count(*) FROM processed_updates WHERE update_id = ?",
                          (update_id,)).fetchone()[0]


async def test_an_answer_handled_by_the_other_worker_closes_its_question(
    emulator, data_dir, redis_server
):
    """Each update goes to the other worker than the one before: every answered question still
    reads "question ✔ answer" without buttons, only the newest message has buttons, and every
    press is answered (in the answer to its delivery)."""
    redis_url = f"redis://127.0.0.1:{redis_server}/0"
    workers = [WebhookWorker(emulator, data_dir, _free_port(), redis_url) for _ in range(2)]
    for w in workers:
        await w.start()
    turns = itertools.cycle(workers)
    delivery = WebhookDelivery(emulator, lambda: [next(turns).url], random.Random(1))
    delivering = asyncio.create_task(delivery.run())
    try:
        person = Honoree(emulator.user(5002))
        await person.say("/start")
        for label in ("同意", "本人填写", "农民", "全国劳动模范", "中共中央 国务院"):
            await person.press(label)
        await person.say("二〇一五年四月")
        shown = emulator.world.chat(5002).bot_messages()  # newest first
        texts = [m.data.get("text", "") for m in shown]
        assert any(t.startswith("是哪年哪月表彰的？") and "✔ 2015年4月" in t for t in texts), texts
        with_buttons = [m.data.get("text", "")[:20] for m in shown[1:] if _has_buttons(m)]
        assert with_buttons == [], with_buttons
        answered = [c.params.get("callback_query_id") for c in emulator.calls
                    if c.method == "answerCallbackQuery"]
        assert len(answered) == len(set(answered)) == 5, "every press answered once"
    finally:
        delivering.cancel()
        for w in workers:
            w.stop()


def _has_buttons(message) -> bool:
    markup = message.markup or {}
    return any(markup.get("inline_keyboard") or [])
