"""Settings shared by the bot and the admin CLI, read from HONOREE_* variables and a .env file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HONOREE_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    bot_username: str | None = None  # for invite links when getMe cannot be asked
    telegram_api: str = "https://api.telegram.org"
    data_dir: Path = Path("var")
    database_url: str | None = Field(default=None, description="default: SQLite file in data_dir")
    secret_key: SecretStr | None = None
    ocr: Literal["rapidocr", "tesseract", "off"] = "rapidocr"
    ocr_workers: int = 1
    ocr_timeout: float = 30.0  # seconds a photo may take, waiting for a free worker included
    review_reminder_days: int = 3
    draft_reminder_days: int = 7
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_path: str = "/telegram/webhook"
    webhook_url: str | None = None
    redis_url: str | None = None  # several workers coordinate through it; none: one process
    redis_prefix: str = "honoree"  # of every key: deployments (or test runs) may share a Redis

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'honoree.db').resolve()}"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "secret.key"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
