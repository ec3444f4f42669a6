"""Long polling that never loses an update and never waits for a slow one.

Each batch from getUpdates is written (sealed) to the database inbox before the next
getUpdates confirms it to Telegram; then its updates are handled side by side while the poller
already asks for more. Handled updates leave the inbox a moment later, in bulk. After a crash
the next start handles what is left there that was not handled yet, and answers again a
person's last handled update (its answer may not have gone out); the processed-update ids in
the database make sure nothing is applied twice. A person's updates are handled one after
another, in the order they were sent; different people's at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections import deque

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from services.inbox import Inbox

log = logging.getLogger(__name__)
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)
MAX_IN_FLIGHT = 1000  # updates being handled at once; beyond it the poller waits (memory)
REMEMBERED = 10_000  # recent update ids, so one delivered twice is started once
FORGET_EVERY = 0.2  # seconds between removals of handled updates from the inbox
PRUNE_EVERY = 3600.0  # seconds between clearing old processed-update ids
STOP_GRACE = 5.0  # seconds updates being handled get to finish at shutdown
HOLD_BACK_ABOVE = 32  # updates in hand; from here on the poller waits HOLD_BACK_FOR seconds
HOLD_BACK_FOR = 0.05
GATHER_BELOW = 20  # a batch smaller than this: wait GATHER_FOR seconds before the next poll
GATHER_FOR = 0.005


async def poll(dp: Dispatcher, bot: Bot, inbox: Inbox, *, timeout: int = 10) -> None:
    """Run until cancelled or SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    poller = Poller(dp, bot, inbox, timeout=timeout)
    try:
        running = asyncio.create_task(poller.run())
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (running, stopper):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await poller.drain()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)


class Poller:
    def __init__(self, dp: Dispatcher, bot: Bot, inbox: Inbox, *, timeout: int = 10) -> None:
        self.dp = dp
        self.bot = bot
        self.inbox = inbox
        self.timeout = timeout
        self._in_flight: set[asyncio.Task] = set()
        self._last_of: dict[object, asyncio.Task] = {}  # sender -> their newest update's task
        self._started: set[int] = set()
        self._started_order: deque[int] = deque()
        self._handled: list[int] = []
        self._room = asyncio.Event()  # set whenever an update is done

    async def run(self) -> None:
        forgetting = asyncio.create_task(self._forget_handled())
        try:
            await self._poll(await self._resume())
        finally:
            forgetting.cancel()

    async def drain(self) -> None:
        """Give updates being handled a moment to finish, then clear what they finished."""
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=STOP_GRACE)
        await self._forget(self._take_handled())

    async def _resume(self) -> list[Update]:
        """Start what a previous run received but did not finish (a crash); return the
        updates that were handled but may not have been answered, see `_answer_again`."""
        kept = [
            (Update.model_validate_json(raw, context={"bot": self.bot}), handled)
            for raw, handled in await self.inbox.pending()
        ]
        if kept:
            log.info("%d updates received before a restart", len(kept))
        last = {sender_of(update): update for update, _ in kept}
        for update, handled in kept:
            if not handled:
                self._start(update)
            elif last[sender_of(update)] is not update:  # handled, and answered by the next
                self._remember(update.update_id)  # (should Telegram deliver it again)
                self._handled.append(update.update_id)
        return [u for u, handled in kept if handled and last[sender_of(u)] is u]

    def _answer_again(self, maybe_unanswered: list[Update], newer: list[Update]) -> None:
        """A person's last update before the crash was handled, but its answer may not have
        been sent: doing it again shows the open question. Not for someone who has written
        since (waiting at Telegram): they get an answer to that, and a repeat of the open
        question before it would be out of date the moment it arrived."""
        wrote_since = {sender_of(u) for u in newer}
        for update in maybe_unanswered:
            if sender_of(update) in wrote_since:
                self._handled.append(update.update_id)
            else:
                self._start(update)

    async def _poll(self, maybe_unanswered: list[Update]) -> None:
        backoff = Backoff(BACKOFF)
        offset: int | None = None
        first = True
        while True:
            await self._make_room()
            try:
                updates = await self.bot(
                    GetUpdates(offset=offset, timeout=0 if first else self.timeout),
                    request_timeout=self.timeout + 30,
                )
                fresh = [u for u in updates if u.update_id not in self._started]
                if fresh:  # kept before the next getUpdates confirms them to Telegram
                    await self._keep(fresh)
            except Exception as err:  # Telegram or the database unreachable: wait, never stop
                log.warning("getUpdates failed (%s), retrying in %.1fs",
                            type(err).__name__, backoff.next_delay)
                await backoff.asleep()
                continue
            backoff.reset()
            if updates:
                offset = updates[-1].update_id + 1
            for update in fresh:
                self._start(update)
            if first:  # what waited at Telegram is known now
                self._answer_again(maybe_unanswered, updates)
                first = False
            if 0 < len(updates) < GATHER_BELOW:
                # Busy but not flooded: let a few more arrive, so that one getUpdates and one
                # inbox write serve several updates (each costs about as much as an update).
                await asyncio.sleep(GATHER_FOR)

    async def _make_room(self) -> None:
        """Poll when there is room. With many updates in hand, more would only wait in line:
        holding back a moment lets them gather, so one getUpdates and one inbox write serve
        many (each costs about as much as handling an update); past MAX_IN_FLIGHT, wait."""
        if len(self._in_flight) >= HOLD_BACK_ABOVE:
            await asyncio.sleep(HOLD_BACK_FOR)
        while len(self._in_flight) >= MAX_IN_FLIGHT:
            self._room.clear()
            await self._room.wait()

    async def _keep(self, updates: list[Update]) -> None:
        raw = [  # without absent fields; exclude_none: the same text, a third cheaper than unset
            (u.update_id, u.model_dump_json(exclude_none=True).encode()) for u in updates
        ]
        await self.inbox.keep(raw)

    def _start(self, update: Update) -> None:
        if update.update_id in self._started:
            return
        self._remember(update.update_id)
        sender = sender_of(update)
        task = asyncio.create_task(self._handle(update, self._last_of.get(sender)))
        self._last_of[sender] = task
        self._in_flight.add(task)
        task.add_done_callback(lambda done: self._done(done, sender, update.update_id))

    async def _handle(self, update: Update, previous: asyncio.Task | None) -> None:
        if previous is not None:  # the same person's earlier update goes first
            await asyncio.wait([previous])
        await self.dp.feed_update(self.bot, update)

    def _done(self, task: asyncio.Task, sender: object, update_id: int) -> None:
        self._in_flight.discard(task)
        self._room.set()
        if self._last_of.get(sender) is task:
            del self._last_of[sender]
        if task.cancelled():
            return  # shutting down: it stays in the inbox for the next start
        self._handled.append(update_id)
        if task.exception() is not None:
            log.error("update handling failed: %s", type(task.exception()).__name__,
                      exc_info=task.exception(), extra={"update": update_id})

    def _remember(self, update_id: int) -> None:
        self._started.add(update_id)
        self._started_order.append(update_id)
        if len(self._started_order) > REMEMBERED:
            self._started.discard(self._started_order.popleft())

    def _take_handled(self) -> list[int]:
        handled, self._handled = self._handled, []
        return handled

    async def _forget_handled(self) -> None:
        """Clear handled updates from the inbox; now and then, forget old processed ids."""
        loop = asyncio.get_running_loop()
        pruned_at = loop.time()
        while True:
            await asyncio.sleep(FORGET_EVERY)
            handled = self._take_handled()
            try:
                await self._forget(handled)
                if loop.time() - pruned_at > PRUNE_EVERY:
                    await self.inbox.prune_processed()
                    pruned_at = loop.time()
            except Exception:  # the database is busy or gone: try again next time
                log.warning("could not clear handled updates from the inbox", exc_info=True)
                self._handled.extend(handled)

    async def _forget(self, update_ids: list[int]) -> None:
        await self.inbox.forget(update_ids)


def sender_of(update: Update) -> object:
    """Whose update this is: updates of one person keep their order."""
    sender = getattr(update.event, "from_user", None)
    return sender.id if sender else ("update", update.update_id)
