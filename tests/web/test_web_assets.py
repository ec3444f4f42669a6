"""A phone on a slow line downloads the page's CSS and JavaScript once: the page links them by
content, so they can be kept for good, and a kept copy is checked without sending it again."""

from __future__ import annotations

import re

import aiohttp
import pytest

pytestmark = pytest.mark.e2e
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


async def test_page_assets_are_kept_and_revalidated(site):
    async with aiohttp.ClientSession() as http:
        async with http.get(site.url + "/?k=1") as page:
            links = LINKED.findall(await page.text())
        assert sorted(link.split("?")[0] for link in links) == [
            "/static/chat.css", "/static/chat.js"]
        for link in links:
            async with http.get(site.url + link) as first:
                assert first.status == 200
                assert "immutable" in first.headers["Cache-Control"]
                assert await first.read()
                etag = first.headers["ETag"]
            async with http.get(site.url + link, headers={"If-None-Match": etag}) as again:
                assert again.status == 304
                assert await again.read() == b""
            stale = link.split("?")[0] + "?v=old"  # a page cached before the file changed
            async with http.get(site.url + stale) as old:
                assert old.status == 200
                assert "immutable" not in old.headers["Cache-Control"]
        async with http.get(site.url + "/static/../app.py") as outside:
            assert outside.status == 404
