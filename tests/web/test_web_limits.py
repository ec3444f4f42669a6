"""Rate limits on a real server: a session that answers faster than a person can is slowed,
and what it sent past the limit is not applied."""

from __future__ import annotations

import re

import aiohttp

from web.config import WebSettings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def test_answers_past_the_limit_are_refused_with_a_message(site):
    limit = WebSettings(_env_file=None).answers_per_session  # type: ignore[call-arg]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get(site.url + "/?k=1")).text()
        csrf = CSRF.search(page)[1]
        for n in range(limit + 1):
            form = {"csrf": csrf, "nonce": f"n{n}", "data": "x|cancel-" if n else "",
                    "do": "" if n else "start"}
            async with http.post(site.url + "/say", data=form, allow_redirects=False) as said:
                assert said.status == 303
        page = await (await http.get(site.url + "/")).text()
    assert "您操作得太快了" in page
    assert "同意吗" in page  # the question is still the first one
