"""Prometheus metrics of a worker (text format on /metrics). With several workers, each
process writes to PROMETHEUS_MULTIPROC_DIR (set by `run --workers`) and any one of them
answers for all."""

from __future__ import annotations

import os
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

UPDATES = Counter("honoree_updates_total", "Updates handled")
REPLIES = Counter("honoree_replies_total", "Bot API calls made", ["method"])
ERRORS = Counter("honoree_errors_total", "Failures by kind", ["kind"])
LATENCY = Histogram(
    "honoree_update_seconds", "Time from receiving an update to answering it",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

OCR_QUEUE = Gauge(
    "honoree_ocr_queue", "Photos waiting for an OCR worker", multiprocess_mode="livesum"
)
OUTBOX_BACKLOG = Gauge(
    "honoree_outbox_backlog", "Notices waiting to be sent", multiprocess_mode="livemax"
)


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


class CountReplies(BaseRequestMiddleware):
    async def __call__(self, make_request: Any, bot: Any, method: Any) -> Any:
        result = await make_request(bot, method)
        REPLIES.labels(type(method).__name__).inc()
        return result
