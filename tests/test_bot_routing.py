"""How the dispatcher is wired: every check on the way to a handler runs on the event loop."""

from __future__ import annotations

from aiogram import F

from bot.app import make_dispatcher
from bot.filters import OnLoop


def test_no_filter_or_handler_is_sent_to_a_worker_thread() -> None:
    # aiogram runs a callable that is not awaitable (F.text, a plain def) via
    # asyncio.to_thread: a thread round trip per check, several per update.
    dp = make_dispatcher(registration=None, desk=None, unreachable=None)  # type: ignore[arg-type]
    checked = 0
    for router in dp.chain_tail:
        for name, observer in router.observers.items():
            for handler in observer.handlers:
                where = f"{router.name}.{name} → {handler.callback.__name__}"
                assert handler.awaitable, where
                for event_filter in handler.filters or []:
                    assert event_filter.awaitable, f"{where}: {event_filter.callback!r}"
                    checked += 1
    assert checked >= 10


async def test_on_loop_gives_the_magic_filters_answer() -> None:
    class Event:
        text = "你好"
        photo = None
        data = "r|ok|1"

    assert await OnLoop(F.text)(Event()) == "你好"
    assert not await OnLoop(F.photo)(Event())
    assert await OnLoop(F.data.startswith("r|"))(Event())
    assert not await OnLoop(F.data.startswith("x|"))(Event())
