"""Long polling that confirms updates only after they were handled.

aiogram's own polling asks for the next batch (which confirms the previous one to Telegram)
while the updates are still being handled, so a crash loses them. Here a batch is handled
concurrently and confirmed afterwards: after a crash Telegram delivers it again, and the
processed-update ids in the database make sure nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections import defaultdict

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


async def poll(dp: Dispatcher, bot: Bot, *, timeout: int = 10, batch_deadline: float = 10.0):
    """Run until cancelled or SIGTERM/SIGINT. A batch still unfinished after `batch_deadline`
    seconds is confirmed anyway, so one stuck update cannot hold up everybody."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    try:
        poller = asyncio.create_task(_loop(dp, bot, timeout, batch_deadline))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({poller, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (poller, stopper):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)


async def _loop(dp: Dispatcher, bot: Bot, timeout: int, batch_deadline: float) -> None:
    backoff = Backoff(BACKOFF)
    offset: int | None = None
    running: set[asyncio.Task] = set()
    while True:
        try:
            updates = await bot(
                GetUpdates(offset=offset, timeout=timeout), request_timeout=timeout + 30
            )
        except Exception as err:  # Telegram unreachable: wait and try again, never stop
            log.warning("getUpdates failed (%s), retrying in %.1fs",
                        type(err).__name__, backoff.next_delay)
            await backoff.asleep()
            continue
        backoff.reset()
        if not updates:
            continue
        batch = [asyncio.create_task(_in_order(dp, bot, group)) for group in _by_sender(updates)]
        for task in batch:
            running.add(task)
            task.add_done_callback(_finished(running))
        await asyncio.wait(batch, timeout=batch_deadline)
        offset = updates[-1].update_id + 1


def _by_sender(updates: list[Update]) -> list[list[Update]]:
    """One list per person, in arrival order: a person's updates are handled one after another
    (a re-delivered answer before the /start that followed it), different people side by side."""
    groups: dict[object, list[Update]] = defaultdict(list)
    for update in updates:
        sender = getattr(update.event, "from_user", None)
        groups[sender.id if sender else ("update", update.update_id)].append(update)
    return list(groups.values())


async def _in_order(dp: Dispatcher, bot: Bot, updates: list[Update]) -> None:
    for update in updates:
        await dp.feed_update(bot, update)


def _finished(running: set[asyncio.Task]):
    def done(task: asyncio.Task) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("update handling failed: %s", type(task.exception()).__name__,
                      exc_info=task.exception())

    return done
