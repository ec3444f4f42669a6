"""Typed answers to choice questions: the plain words people type instead of tapping.

The welcome says typing is fine, so "我自己", "在", "对" or a label typed with spaces must pick
the button the person means. Pure: options come in as (code, label, synonyms); the result is
the chosen option's code, or None when the words do not pick exactly one option.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz


class Choice(NamedTuple):
    code: str
    label: str
    synonyms: tuple[str, ...] = ()


# Words that mean the same answer. An option takes part in a group when its label or one of
# its synonyms is in it, so "对" picks "是" and "没有" picks "无" without listing them per field.
_SAME_MEANING: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "是 是的 对 对的 嗯 嗯嗯 好 好的 行 可以 没错 没问题 正确 确认 确定 同意 愿意 要"
        " yes y ok okay",
        "否 不 不是 不对 不行 不要 不用 没有 没有了 没了 无 不同意 不愿意 错 错了 no n",
        "有 还有 有的 还有其他 还有别的 还有其他表彰 再加一项",
        "不清楚 不知道 不确定 说不清 不记得 忘了 不太清楚 不了解",
        "本人 本人填写 我 我自己 自己 我本人 自己填 我自己填 我填 是我 就是我 本人填",
        "家属 家人 亲属 亲戚 他人 别人 子女 儿子 女儿 孙子 孙女 老伴 家属代填 家属或他人代为填写"
        " 帮他填 帮她填 替他填 替她填 我帮他填 我替他填 我帮她填 我替她填",
        "工作人员 村里 村委会 村委 社区 居委会 村干部 工作人员代填 村社区工作人员代填",
        "健在 在 还在 活着 还活着 在世 健康",
        "已去世 去世 去世了 过世 过世了 不在 不在了 已故 走了 没了 逝世 死了",
        "男 男的 男性 男士",
        "女 女的 女性 女士",
    )
)
_NEGATIONS = frozenset("不没无非否未别")
_TRAILING = re.compile(r"(?<=.)[的了啊呀吧呢哦哈嘛啦哟]+$")
_LEADING = re.compile(r"^[嗯呃额哦噢](?=.)")
_NUMBER = re.compile(r"(?:第|选)?(\d{1,2})(?:个|项|号)?")
_FUZZY_MIN = 80.0
_FUZZY_MARGIN = 10.0


def plain(text: str) -> str:
    """Half-width, lower case, without spaces, punctuation or symbols (emoji included)."""
    return "".join(
        c for c in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(c)[0] in "LN"
    )


def _readings(text: str) -> set[str]:
    """The plain text with and without fillers around it: "嗯，是的" → 嗯是的, 是的, 是."""
    found = {text}
    for pattern in (_LEADING, _TRAILING):
        found |= {pattern.sub("", t) for t in found}
    return found - {""}


def _negation(text: str) -> frozenset[str]:
    return _NEGATIONS & frozenset(text)


def match_choice(text: str, options: Iterable[Sequence]) -> str | None:
    """The code of the option the typed words pick, or None.

    Tried in order, each only when it names exactly one option: the label or a synonym
    (spaces, punctuation and width do not matter, fillers like 嗯 or 的 neither), the
    option's number, a word of the same meaning, a label inside the words or the words inside
    a label, and a label typed with a slip. Words with a 不/没/无 the label lacks never pick it.
    """
    choices = [Choice(code, label, tuple(synonyms)) for code, label, synonyms in options]
    typed = plain(text)
    if not typed or not choices:
        return None
    forms = [{f for f in map(plain, (c.label, *c.synonyms)) if f} for c in choices]
    readings = _readings(typed)
    for picked in (
        [i for i, f in enumerate(forms) if f & readings],
        _by_number(typed, len(choices)),
        _by_meaning(readings, forms),
        _by_containment(typed, forms),
        _by_slip(typed, forms),
    ):
        if len(set(picked)) == 1:
            return choices[picked[0]].code
        if picked:
            return None  # the words fit several options: ask again rather than guess
    return None


def _by_number(typed: str, count: int) -> list[int]:
    m = _NUMBER.fullmatch(typed)
    return [int(m[1]) - 1] if m and 1 <= int(m[1]) <= count else []


def _by_meaning(readings: set[str], forms: list[set[str]]) -> list[int]:
    groups = [g for g in _SAME_MEANING if g & readings]
    return [i for i, f in enumerate(forms) if any(g & f for g in groups)]


def _by_containment(typed: str, forms: list[set[str]]) -> list[int]:
    """The longest label inside the words ("我同意了"), else a label the words are part of
    ("无固定单位" for 无固定单位或稳定工作人员)."""
    inside = [
        (len(f), i)
        for i, fs in enumerate(forms)
        for f in fs
        if len(f) >= 2 and f in typed and _negation(f) == _negation(typed)
    ]
    if inside:
        longest = max(inside)[0]
        return [i for n, i in inside if n == longest]
    if len(typed) < 2:
        return []
    return [
        i
        for i, fs in enumerate(forms)
        if any(typed in f and _negation(f) == _negation(typed) for f in fs)
    ]


def _by_slip(typed: str, forms: list[set[str]]) -> list[int]:
    """A label typed with a wrong or missing character, clearly closer than any other."""
    scored = sorted(
        (
            (fuzz.ratio(typed, f), i)
            for i, fs in enumerate(forms)
            for f in fs
            if _negation(f) == _negation(typed)
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < _FUZZY_MIN:
        return []
    best, winner = scored[0]
    rivals = [i for score, i in scored if score > best - _FUZZY_MARGIN and i != winner]
    return [winner, *rivals]
