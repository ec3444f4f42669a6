"""Scripted failures for reliability tests: error answers and dropped connections."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError


@dataclass
class Fault:
    method: str
    remaining: int
    error: ApiError | None = None
    """Answer with this error instead of running the method; None means drop the connection."""
    after_processing: bool = False
    """For drops: run the method first, so the effect happens but the bot never hears of it."""


class FaultPlan:
    """Faults wait per method (case-insensitive, like Bot API method names) and fire in order."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def take(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method.lower() == method.lower():
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None
