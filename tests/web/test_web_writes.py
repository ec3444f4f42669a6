"""A web answer is one write: the answer and the screen the page shows next are committed
together (services.web_sessions.keeping), on a real SQLite file behind the real page. Counted
with SQLAlchemy's public engine events."""

from __future__ import annotations

import contextlib
import html
import random
import re
from collections.abc import Callable, Iterator

import aiohttp
from sqlalchemy import event
from sqlalchemy.engine import Engine

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BUTTON = re.compile(r'<button name="data" value="([^"]*)">([^<]*)</button>')


@contextlib.contextmanager
def statements(wanted: Callable[[str], bool]) -> Iterator[list[str]]:
    """Every SQL statement `wanted` picks, on any engine, as it runs."""
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args) -> None:
        if wanted(sql):
            seen.append(sql)

    event.listen(Engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", statement)


def write_transactions() -> contextlib.AbstractContextManager[list[str]]:
    """Every BEGIN IMMEDIATE (a SQLite write transaction)."""
    return statements(lambda sql: sql.startswith("BEGIN IMMEDIATE"))


async def post(session: aiohttp.ClientSession, url: str, page: str, **form: str) -> None:
    form = {"csrf": CSRF.search(page)[1], "nonce": str(random.getrandbits(60)), **form}
    async with session.post(url + "/say", data=form, allow_redirects=False) as response:
        assert response.status == 303, response.status


async def view(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url + "/?k=1") as response:
        return html.unescape(await response.text())


async def test_a_web_answer_is_one_write_and_the_page_shows_the_next_question(site):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        page = await view(session, site.url)
        await post(session, site.url, page, do="start")
        page = await view(session, site.url)
        buttons = dict((label, data) for data, label in BUTTON.findall(page))
        with write_transactions() as writes:
            await post(session, site.url, page, data=buttons["同意"])
        page = await view(session, site.url)
    assert "是谁在填写" in page, "the next question is on the page"
    assert len(writes) == 1, writes
