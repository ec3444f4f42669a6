"""The gettext catalogues: they parse with Babel, hold every key the code asks for, and the
Korean one translates the honoree's side completely with the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dialogs.texts import CHINESE, KOREAN, LOCALE_DIR, TEXTS, ZH_CN, speaking, t

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("bot", "web", "services", "admin_cli", "dialogs")
LITERAL = re.compile(r"""\b(?:t|known)\(\s*"([a-z_][a-z0-9_.]*)"[,)]""")
TEMPLATE = re.compile(r"""\bt\(\s*f"([a-z_][a-z0-9_.]*)\{""")
CHINESE_TEXT = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # Han and its punctuation


def code_keys(pattern: re.Pattern[str]) -> set[str]:
    found: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("locale", ["zh_CN", "ko"])
def test_each_po_file_parses_with_babel_without_duplicates(locale):
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    ids = [m.id for m in catalog if m.id]
    assert len(ids) == len(set(ids)) > 700


def test_every_key_the_code_names_is_in_the_chinese_catalogue():
    missing = sorted(k for k in code_keys(LITERAL) if k not in ZH_CN)
    assert missing == [], "run: python scripts/catalogue.py sync --ref BRANCH"


def test_every_key_family_the_code_builds_has_texts():
    empty = sorted(p for p in code_keys(TEMPLATE) if not any(k.startswith(p) for k in ZH_CN))
    assert empty == []


def chinese_literals(path: Path) -> list[str]:
    """Chinese in the string constants of a module, docstrings aside (comments are not in the
    tree)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{path.name}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and CHINESE_TEXT.search(node.value)
    ]


def test_the_channels_and_commands_say_nothing_the_catalogue_does_not_hold():
    modules = sorted(p for room in ("admin_cli", "bot", "web") for p in (ROOT / room).rglob("*.py"))
    found = [hit for path in modules for hit in chinese_literals(path)]
    assert found == [], "move the text into messages.po and look it up with t()"


def test_a_language_is_chosen_for_a_block_and_falls_back_to_chinese():
    assert t("err.empty") == ZH_CN["err.empty"]
    with speaking(KOREAN):
        assert t("err.empty") == TEXTS[KOREAN].get("err.empty", ZH_CN["err.empty"])
        assert t("staff.cli.no_reviewers") == ZH_CN["staff.cli.no_reviewers"]
        with speaking(CHINESE):
            assert t("err.empty") == ZH_CN["err.empty"]
    with speaking("fr"):
        assert t("err.empty") == ZH_CN["err.empty"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# The honoree's side (Telegram and web) is translated; the staff's side may stay Chinese.
STAFF_PREFIXES = (
    "review.", "paper.", "staff.", "progress.", "print.", "column.", "poster.",
    "committee.", "invite.", "deadline.", "web.join.", "web.secret.", "web.evidence",
)
# what the staff's services send to the honoree: the decision, the reminders, the countdown
TO_HONOREE = ("review.tell.", "review.remind.draft", "review.remind.returned",
              "deadline.remind.draft", "deadline.left", "deadline.passed", "deadline.today")


def honoree_keys() -> list[str]:
    return [k for k in ZH_CN if not k.startswith(STAFF_PREFIXES) or k.startswith(TO_HONOREE)]


def test_every_honoree_text_has_korean_with_the_same_placeholders():
    korean = TEXTS[KOREAN]
    keys = honoree_keys()
    assert len(keys) > 350
    assert [k for k in keys if not korean.get(k)] == []
    assert [k for k in keys if placeholders(korean[k]) != placeholders(ZH_CN[k])] == []


def test_korean_texts_are_korean_and_only_for_known_keys():
    korean = TEXTS[KOREAN]
    assert set(korean) <= set(ZH_CN)
    hangul = [k for k, v in korean.items() if re.search("[\uac00-\ud7a3]", v)]
    assert len(hangul) > 330  # a few stay Chinese on purpose: 中文, a body's short name
