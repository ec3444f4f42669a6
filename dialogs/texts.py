"""The one catalogue of user-facing text: gettext catalogues in dialogs/locale (msgid = the key,
msgstr = the text), so a translator edits them with ordinary .po tools. zh_CN is the source and
the fallback of every other language; `scripts/catalogue.py` syncs and compiles them.

Code refers to texts by key only, so a province can reword the bot without touching logic. The
language of a conversation is set around its handling with `speaking(lang)`; texts for other
people (reviewers, exports, printed forms) are made in Chinese with `speaking(CHINESE)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CHINESE = "zh-CN"
KOREAN = "ko"
LANGUAGES = (CHINESE, KOREAN)
LOCALE_DIR = Path(__file__).with_name("locale")
_LOCALES = {CHINESE: "zh_CN", KOREAN: "ko"}  # the language tag -> its catalogue's folder
_current: ContextVar[str] = ContextVar("text_language", default=CHINESE)


def _read(locale: str) -> dict[str, str]:
    """One language's texts: the compiled .mo when it is current, else the .po itself."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    fresh = mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
    with (mo if fresh else po).open("rb") as fh:
        catalog = read_mo(fh) if fresh else read_po(fh, locale=locale)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


TEXTS: dict[str, dict[str, str]] = {lang: _read(loc) for lang, loc in _LOCALES.items()}
ZH_CN = TEXTS[CHINESE]


def language() -> str:
    """The language texts are made in right now."""
    return _current.get()


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Make texts in `lang` (a tag of LANGUAGES; anything else means Chinese) inside the block."""
    token = _current.set(lang if lang in TEXTS else CHINESE)
    try:
        yield
    finally:
        _current.reset(token)


def switch(lang: str | None) -> None:
    """Change the language inside the current `speaking` block (the person's own choice)."""
    _current.set(lang if lang in TEXTS else CHINESE)


def known(key: str, lang: str | None = None) -> bool:
    """Is there a text for `key` (in `lang` or the zh-CN fallback)?"""
    return key in TEXTS.get(lang or _current.get(), ZH_CN) or key in ZH_CN


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Return the text for `key` in `lang` (default: the current one), formatted with `params`;
    falls back to zh-CN."""
    table = TEXTS.get(lang or _current.get(), ZH_CN)
    template = table.get(key) or ZH_CN[key]
    return template.format(**params) if params else template
