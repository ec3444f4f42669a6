"""The web channel's settings, from HONOREE_WEB_* variables (and .env)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HONOREE_WEB_", env_file=".env", extra="ignore")

    enabled: bool = True  # next to Telegram; without a bot token the page always runs
    host: str = "127.0.0.1"
    port: int = 8000
    # The address people open (behind nginx/Caddy: the https:// one); https makes cookies Secure.
    # Unset: http://host:port.
    url: str | None = None
    trust_proxy: bool = False  # take the client address from X-Real-IP (set by the proxy)
    # Per minute unless said otherwise; a village office may put many phones behind one address.
    answers_per_session: int = 60  # a whole form and an edit, tapped quickly, fit in a minute
    answers_per_ip: int = 600
    uploads_per_session: int = 20  # per 10 minutes
    uploads_per_ip: int = 200  # per 10 minutes
    resumes_per_ip: int = 30  # per hour
    sessions_per_ip: int = 120  # new browsers per 10 minutes
    polls_per_ip: int = 1200  # "is the photo read yet?" asks, one every 2 s per waiting phone

    @property
    def base_url(self) -> str:
        return (self.url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")
