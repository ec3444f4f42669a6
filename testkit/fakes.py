"""Synthetic test data: never real personal data."""

from __future__ import annotations

import random
from datetime import date

from stdnum.cn import ric

from storage.records import Address


def fake_id_number(
    birth: date,
    gender: str = "男",
    region: str = "222401",
    seq: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """An 18-digit resident ID with a correct check digit for `birth` and `gender`.

    `seq` (0–99) picks the first two digits of the order code; the third digit carries
    the gender (odd 男, even 女).
    """
    rng = rng or random.Random()
    if seq is None:
        seq = rng.randrange(100)
    gender_digit = rng.choice("13579" if gender == "男" else "02468")
    body = f"{region}{birth:%Y%m%d}{seq:02d}{gender_digit}"
    return body + ric.calc_check_digit(body + "0")


def tg(user_id: int) -> Address:
    """A Telegram user as the application layer keys them."""
    return Address("tg", str(user_id))
