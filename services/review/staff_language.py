"""Staff read the review desk in Chinese, whatever their phone or browser prefers: the review
card and the notices to reviewers are the form as printed. What a decision tells the honoree
is written in the honoree's own language inside (see decisions.py)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from dialogs.texts import CHINESE, speaking

P = ParamSpec("P")
R = TypeVar("R")


def in_chinese(work: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(work)
    async def spoken(*args: P.args, **kwargs: P.kwargs) -> R:
        with speaking(CHINESE):
            return await work(*args, **kwargs)

    return spoken
