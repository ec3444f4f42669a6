"""Text normalisation for OCR output: widths, brackets, quotes, digit confusions, dates, 文号.

OCR returns the same bracket as 〔 [ 【 ［ ( （ and 0 as O or 〇 (findings 4): every comparison and
pattern in `ocr/` runs on the canonical form produced here, one character in for one or more out,
so per-character confidences stay aligned.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

# Canonical forms: round brackets "()", square-ish brackets "〔〕", straight quotes, ASCII colon.
_CANONICAL = {
    **dict.fromkeys("（(﹙〈", "("),
    **dict.fromkeys("）)﹚〉", ")"),
    **dict.fromkeys("〔［[【〖", "〔"),
    **dict.fromkeys("〕］]】〗", "〕"),
    **dict.fromkeys('“”„‟"＂‘’『』「」', '"'),
    **dict.fromkeys("：:﹕", ":"),
    "\u3000": " ",
}

# Letters and signs that OCR puts where a digit belongs; applied only inside numbers.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("OoQD〇○零", "0"),
        **dict.fromkeys("lI|i!", "1"),
        **dict.fromkeys("Zz", "2"),
        **dict.fromkeys("Ss", "5"),
        "B": "8",
    }
)
_LOOKALIKE_CLASS = "0-9OoQD〇○lI|i!ZzSsB"

CJK = "\u4e00-\u9fff"


def canonical_char(ch: str) -> str:
    """One character in canonical form (may be several characters, or a space)."""
    if ch in _CANONICAL:
        return _CANONICAL[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_CANONICAL.get(c, c) for c in folded)


def canonical(text: str) -> str:
    """Canonical form of a whole string: half-width ASCII, one kind of each bracket and quote."""
    return "".join(canonical_char(ch) for ch in text)


def compact(text: str | None) -> str:
    """Canonical form without any whitespace: what two readings must share to be "the same"."""
    return "".join(canonical(text or "").split())


# --- 文号 ---------------------------------------------------------------------------------

_DOC_NO = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,12}})\s*[〔(]?\s*(?P<year>[{_LOOKALIKE_CLASS}]{{4}})\s*[〕)]?\s*第?\s*"
    rf"(?P<number>[{_LOOKALIKE_CLASS}]{{1,4}})\s*号"
)
_PREFIX_CUT = re.compile(r".*(?:文件|印发|根据|转发|关于|依据|以|见)")
_MAX_PREFIX = 6


def find_document_numbers(text: str) -> list[tuple[str, int, int]]:
    """Every 文号 in `text` as (canonical number, start, end); brackets may be missing or odd."""
    found = []
    for m in _DOC_NO.finditer(canonical(text)):
        year = m["year"].translate(_DIGIT_LOOKALIKES)
        number = m["number"].translate(_DIGIT_LOOKALIKES).lstrip("0")
        if not (year.isdigit() and number.isdigit() and 1949 <= int(year) <= 2099):
            continue
        prefix = _PREFIX_CUT.sub("", m["prefix"])[-_MAX_PREFIX:]
        if prefix:
            found.append((f"{prefix}〔{year}〕{number}号", m.start(), m.end()))
    return found


def normalise_document_number(text: str) -> str | None:
    """The first 文号 in OCR text in canonical form, e.g. 吉发【2O2O】l2号 -> 吉发〔2020〕12号."""
    found = find_document_numbers(text)
    return found[0][0] if found else None


# --- dates --------------------------------------------------------------------------------

_ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
# Chinese-numeral years as OCR returns them: 〇 as O/0/○/人, 一 as one or more dashes.
_ZH_YEAR = "〇○零O0oQ人一二三四五六七八九\\-—_"
_ZH_MONTH = r"十[一二]?|[元正一二三四五六七八九]|[\-—_]+"
_AR_MONTH = r"1[0-2]|0?[1-9]"
_DATE = re.compile(
    rf"(?P<zyear>[{_ZH_YEAR}]{{3,8}})\s*年\s*(?P<zmonth>{_ZH_MONTH}|{_AR_MONTH})\s*月"
    rf"|(?P<ayear>[0-9OoQlI]{{3,4}})\s*年\s*(?P<amonth>{_AR_MONTH}|{_ZH_MONTH})\s*月"
    rf"|(?P<dyear>(?:19|20)\d{{2}})\s*[./-]\s*(?P<dmonth>{_AR_MONTH})(?!\d)"
)
_DASHES = re.compile(r"[-—_]+")


def _digit(ch: str) -> int | None:
    if ch in _ZH_DIGITS:
        return _ZH_DIGITS[ch]
    ch = ch.translate(_DIGIT_LOOKALIKES)
    return int(ch) if ch.isdigit() else (0 if ch == "人" else None)


def _year_value(chars: str) -> int | None:
    """The award year in the numerals before 年, or None when no reading of them is one."""
    digits = [_digit(ch) for ch in _DASHES.sub("一", chars)]
    if None in digits:
        return None
    return next(filter(None, map(_award_year, _year_readings(digits))), None)


def _year_readings(digits: list[int]) -> list[list[int]]:
    """What the numerals may have said, likeliest first. A year ends at 年, so what stands
    before its four digits is a stray mark read as a numeral (the end of the column above, a
    stroke of the seal); or the recogniser read one numeral twice (二〇二二一 for 二〇二一, common
    in a column turned on its side)."""
    undoubled = [
        digits[:i] + digits[i + 1 :] for i in range(1, len(digits)) if digits[i] == digits[i - 1]
    ]
    return [digits[-4:], *(d[-4:] for d in undoubled if len(d) >= 4)]


def _award_year(digits: list[int]) -> int | None:
    if len(digits) < 3:
        return None
    digits = list(digits)
    # Award years are 19xx or 20xx, so a misread or lost first digit (三〇一八, 〇一四) follows
    # from the second.
    if len(digits) == 3 and digits[0] in (9, 0):
        digits.insert(0, 0)
    if (digits[0], digits[1]) not in ((1, 9), (2, 0)) and digits[1] in (9, 0):
        digits[0] = 1 if digits[1] == 9 else 2
    year = int("".join(map(str, digits)))
    return year if 1949 <= year <= _this_month()[0] else None


def _month_value(chars: str) -> int:
    if chars.isdigit():
        return int(chars)
    if chars in ("元", "正") or _DASHES.fullmatch(chars):
        return 1
    if chars.startswith("十"):
        return 10 + (_ZH_DIGITS[chars[1]] if len(chars) > 1 else 0)
    return _ZH_DIGITS[chars]


def _this_month() -> tuple[int, int]:
    today = datetime.date.today()
    return today.year, today.month


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """Every year-and-month in `text` as ("YYYY-MM", start, end), Arabic or Chinese numerals."""
    found = []
    for m in _DATE.finditer(canonical(text)):
        year_chars, month_chars = next(
            (m[y], m[mo])
            for y, mo in (("zyear", "zmonth"), ("ayear", "amonth"), ("dyear", "dmonth"))
            if m[y]
        )
        year, month = _year_value(year_chars), _month_value(month_chars)
        # An award is dated in the past: a later date is a misread one.
        if year and 1 <= month <= 12 and (year, month) <= _this_month():
            found.append((f"{year:04d}-{month:02d}", m.start(), m.end()))
    return found


def parse_chinese_date(text: str) -> str | None:
    """The first date in text as "YYYY-MM": 二〇一五年四月 -> 2015-04, 2015年4月28日 -> 2015-04."""
    found = find_dates(text)
    return found[0][0] if found else None
