"""Progress of long work, as the use cases report it; the CLI shows it as a bar."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def phase(self, description: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class Silent:
    def phase(self, description: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass
