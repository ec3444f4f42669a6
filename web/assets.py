"""The page's own CSS and JavaScript, named by their content: a phone on a slow line fetches
each once and keeps it (the URL changes when the file does), and a stale URL still gets an
answer it can revalidate with its ETag."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).resolve().parent / "static"
KEEP = "public, max-age=31536000, immutable"
CHECK = "no-cache"


@dataclass(frozen=True)
class Asset:
    body: bytes
    etag: str
    content_type: str


def _load(path: Path) -> Asset:
    body = path.read_bytes()
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Asset(body, hashlib.sha256(body).hexdigest()[:16], kind)  # CSS and JS: UTF-8 text


ASSETS = {p.name: _load(p) for p in sorted(STATIC.iterdir()) if p.is_file()}


def url(name: str) -> str:
    """The versioned address of a static file, for the page to link."""
    return f"/static/{name}?v={ASSETS[name].etag}"


async def serve(request: web.Request) -> web.Response:
    asset = ASSETS.get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound()
    versioned = request.query.get("v") == asset.etag
    headers = {"ETag": f'"{asset.etag}"', "Cache-Control": KEEP if versioned else CHECK}
    if request.headers.get("If-None-Match") == f'"{asset.etag}"':
        return web.Response(status=304, headers=headers)
    return web.Response(body=asset.body, content_type=asset.content_type, charset="utf-8",
                        headers=headers)
