"""The one way personal numbers are shown where they must not be read in full: chat cards and
lists, logs and the masked exports all call these, so every place shows the same shape.

An ID number keeps its region (first six) and last four, enough to tell entries apart and to
match a paper form, never the birth date; a phone number keeps its first three and last four.
"""

from __future__ import annotations

import re

HIDDEN = "*"
# A run of digits long enough to be an ID or phone number (an ID may end in X), standing alone.
_NUMBER = re.compile(r"(?<![\dA-Za-z])\+?\d{9,17}[\dXx](?![\dA-Za-z])")


def mask_id(number: str | None) -> str:
    """222401********0031."""
    if not number:
        return ""
    if len(number) < 11:
        return HIDDEN * len(number)
    return number[:6] + HIDDEN * (len(number) - 10) + number[-4:]


def mask_phone(number: str | None) -> str:
    """139****5678 (a leading +86 dropped)."""
    if not number:
        return ""
    digits = number.removeprefix("+86")
    if len(digits) < 8:
        return HIDDEN * len(digits)
    return digits[:3] + HIDDEN * (len(digits) - 7) + digits[-4:]


def _mask_number(match: re.Match[str]) -> str:
    number = match.group()
    is_id = len(number) == 18 and not number.startswith("+")
    return mask_id(number) if is_id else mask_phone(number)


def mask_text(text: str) -> str:
    """Free text (a log line, an error) with every ID- or phone-like number masked."""
    return _NUMBER.sub(_mask_number, text)
