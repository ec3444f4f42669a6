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

from testkit.photos import photo_bytes

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


async def started(session: aiohttp.ClientSession, url: str) -> str:
    """The page after 开始登记: the consent question."""
    page = await view(session, url)
    await post(session, url, page, do="start")
    return await view(session, url)


async def press(session: aiohttp.ClientSession, url: str, page: str, label: str) -> None:
    buttons = dict((text, data) for data, text in BUTTON.findall(page))
    await post(session, url, page, data=buttons[label])


async def test_a_web_answer_is_one_write_and_the_page_shows_the_next_question(site):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        page = await started(session, site.url)
        with write_transactions() as writes:
            await press(session, site.url, page, "同意")
        page = await view(session, site.url)
    assert "是谁在填写" in page, "the next question is on the page"
    assert len(writes) == 1, writes


async def test_a_web_photo_is_one_write_too_and_the_page_asks_for_more(site):
    """The evidence file is on disk before the write; its row, the answer and the screen are
    the one write."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        page = await started(session, site.url)
        for answer in ("同意", "本人填写", "农民", "全国劳动模范", "中共中央 国务院", "2015年4月",
                       "全国劳模待遇", "是，荣誉保持着", "中发[2015]10号"):
            if answer in (label for _, label in BUTTON.findall(page)):
                await press(session, site.url, page, answer)
            else:
                await post(session, site.url, page, text=answer)
            page = await view(session, site.url)
        assert "证书" in page
        form = aiohttp.FormData({"csrf": CSRF.search(page)[1], "nonce": "1"})
        form.add_field("photo", photo_bytes(), filename="a.jpg", content_type="image/jpeg")
        with write_transactions() as writes:
            async with session.post(site.url + "/photo", data=form, allow_redirects=False) as sent:
                assert sent.status == 303, sent.status
        page = await view(session, site.url)
    assert "收到 1 张" in page, "the page asks for more photos"
    assert [p for p in site.store.root.rglob("*") if p.is_file()], "the evidence file is kept"
    assert len(writes) == 1, writes
