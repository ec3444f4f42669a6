"""Parse what people type into the bot; raise `Invalid` with a catalogue key on bad input.

Pure functions: no I/O. Every message shown to the person comes from `dialogs.texts`,
so a province can reword the errors without touching the parsing rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

import phonenumbers
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from dialogs.texts import t


class Invalid(ValueError):
    """Bad input; `key` names the err.* text, `params` fill its placeholders."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, **params))

    def __str__(self) -> str:
        return t(self.key, **self.params)


def _nfkc(text: str) -> str:
    """Full-width digits, letters and brackets become their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def _without_spaces(text: str) -> str:
    return "".join(text.split())


# --- dates ---------------------------------------------------------------


@total_ordering
@dataclass(frozen=True)
class YearMonth:
    """A date as award documents give it: year and month, sometimes the day."""

    year: int
    month: int
    day: int | None = None

    def __post_init__(self) -> None:
        date(self.year, self.month, self.day or 1)  # raises ValueError on impossible values

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, YearMonth):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        text = f"{self.year}年{self.month}月"
        return f"{text}{self.day}日" if self.day else text

    @property
    def iso(self) -> str:
        """Month precision "2015-04", or "2015-04-28" when the day is known."""
        text = f"{self.year:04d}-{self.month:02d}"
        return f"{text}-{self.day:02d}" if self.day else text

    @classmethod
    def from_iso(cls, text: str) -> YearMonth:
        """Inverse of `iso`, for values read back from storage."""
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    def as_date(self) -> date:
        """The day if known, otherwise the first of the month (for comparisons)."""
        return date(self.year, self.month, self.day or 1)


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
_CN_NUMERAL_RUN = re.compile(r"[〇○零一二三四五六七八九十]+")


def _cn_number(run: str) -> str:
    """二〇一五 → 2015 (digit by digit); 十二 → 12, 二十八 → 28 (with 十)."""
    if "十" not in run:
        return "".join(str(_CN_DIGITS[c]) for c in run)
    tens, _, units = run.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        raise Invalid("err.date.format")
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0))


# Year first, then month and day; a two-digit year ("05年4月", "05.4.30") is resolved by
# `_full_year`. A year alone is read too, so the dialog can ask for the month.
_DATE_FORMS = (
    re.compile(r"(\d{4}|\d{2})年(?:(\d{1,2})(?:月份?(?:(\d{1,2})[日号號]?)?)?)?", re.ASCII),
    re.compile(
        r"(\d{4}|\d{2})[./\-,、。—–_](\d{1,2})(?:[./\-,、。—–_](\d{1,2})[日号號]?)?\.?", re.ASCII
    ),
    re.compile(r"((?:19|20)\d{2})(?:(\d{2})(\d{2})?)?", re.ASCII),
)
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")


class MonthMissing(Invalid):
    """Only the year was given: the dialog asks for the month of `year`."""

    def __init__(self, year: int) -> None:
        super().__init__("err.date.need_month", year=year)
        self.year = year


def _full_year(written: str, today: date) -> int:
    """Two digits mean the latest such year not in the future: 05 → 2005, 94 → 1994."""
    if len(written) == 4:
        return int(written)
    century = 2000 if int(written) <= today.year % 100 else 1900
    return century + int(written)


def _spellings(text: str) -> tuple[str, ...]:
    """The text with spaces between digits read as separators ("2005 4 30"), then without
    any spaces ("2 0 0 5年"), full-width forms and Chinese numerals made ASCII."""
    text = _nfkc(text).replace("元月", "1月")
    text = _CN_NUMERAL_RUN.sub(lambda m: _cn_number(m.group()), text)
    separated = _without_spaces(_SPACE_BETWEEN_DIGITS.sub(".", text))
    return (separated, _without_spaces(text))


def _split_date(text: str, today: date) -> tuple[int, int | None, int | None]:
    """Find year, optional month and optional day in any of the written forms."""
    for spelling in _spellings(text):
        for form in _DATE_FORMS:
            m = form.fullmatch(spelling)
            if m:
                year, month, day = m.groups()
                return (
                    _full_year(year, today),
                    int(month) if month else None,
                    int(day) if day else None,
                )
    raise Invalid("err.date.format")


def parse_year_month(text: str, today: date, *, earliest: int = 1949) -> YearMonth:
    """Read a year and month (and the day if given) the way people write it.

    A year without a month raises `MonthMissing` (an `Invalid`) once the year itself is
    plausible, so the person is asked only for what is missing.
    """
    year, month, day = _split_date(text, today)
    if month is None:
        if year > today.year:
            raise Invalid("err.date.future", value=f"{year}年")
        if year < earliest:
            raise Invalid("err.date.too_old", value=f"{year}年", earliest=earliest)
        raise MonthMissing(year)
    if not 1 <= month <= 12:
        raise Invalid("err.date.month")
    try:
        value = YearMonth(year, month, day)
    except ValueError:
        raise Invalid("err.date.format") from None
    if value > YearMonth(today.year, today.month, today.day):
        raise Invalid("err.date.future", value=str(value))
    if year < earliest:
        raise Invalid("err.date.too_old", value=str(value), earliest=earliest)
    return value


def parse_month_of(text: str, year: int, today: date, *, earliest: int = 1949) -> YearMonth:
    """The answer to `MonthMissing`: "4月", "4", "四月" or "4月30日" in the year already given
    (a whole date typed again is read as it is)."""
    try:
        return parse_year_month(text, today, earliest=earliest)
    except MonthMissing:
        raise
    except Invalid as whole:
        try:
            return parse_year_month(f"{year}年{text.strip()}", today, earliest=earliest)
        except Invalid as in_year:
            # "13月" or a month still to come says more than "没看懂这个日期"
            raise (whole if in_year.key == "err.date.format" else in_year) from None


# --- names and free text -------------------------------------------------

_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "･": "·", "∙": "·", "⋅": "·"})
_HAN_RANGES = (
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0x20000, 0x323AF),  # extensions B-H: rare characters do occur in names
)


def _is_han(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _HAN_RANGES)


def parse_name(text: str) -> str:
    """A Chinese name; minority names keep their · between parts."""
    name = _without_spaces(text).translate(_DOTS)
    if not name:
        raise Invalid("err.empty")
    parts = name.split("·")
    if not all(part and all(_is_han(c) for c in part) for part in parts):
        raise Invalid("err.name.chars")
    if not 2 <= len(name) <= 30:
        raise Invalid("err.name.length")
    return name


_KEEP_CONTROL = {"\n"}


def parse_free_text(text: str, *, limit: int = 200, required: bool = True) -> str:
    """Free text for addresses and remarks, without invisible control characters."""
    cleaned = "".join(
        c for c in text if c in _KEEP_CONTROL or unicodedata.category(c) not in ("Cc", "Cf", "Cs")
    ).strip()
    if not cleaned:
        if required:
            raise Invalid("err.empty")
        return ""
    if len(cleaned) > limit:
        raise Invalid("err.too_long", limit=limit)
    return cleaned


# --- identity numbers ----------------------------------------------------

_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
MIN_AGE = 16
MAX_AGE = 120


@dataclass(frozen=True)
class IdInfo:
    """What the 18-digit resident ID number tells us."""

    number: str
    birth_date: date
    gender: str  # the form's option code: "male" / "female"


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _compact_id(text: str) -> str:
    return _without_spaces(_nfkc(text)).upper()


def parse_id_number(text: str, today: date) -> IdInfo:
    """Check the ID by its check digit and birth date, not by stdnum's county list.

    Counties are created and renamed; a valid number of a new county must not be refused,
    so the region is only checked to be a real province.
    """
    number = _compact_id(text)
    if not number:
        raise Invalid("err.empty")
    if not re.fullmatch(r"[0-9]*X?", number):
        raise Invalid("err.id.chars")
    if len(number) != 18:
        raise Invalid("err.id.length", length=len(number))
    if int(number[:2]) not in _PROVINCE_CODES:
        raise Invalid("err.id.region")
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        raise Invalid("err.id.birth_date") from None
    if birth > today:
        raise Invalid("err.id.birth_date")
    if ric.calc_check_digit(number) != number[-1]:
        raise Invalid("err.id.checksum")
    age = _age(birth, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise Invalid("err.id.age", age=age)
    gender = "male" if int(number[16]) % 2 else "female"
    return IdInfo(number=number, birth_date=birth, gender=gender)


# --- phone numbers -------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-()（）.·]")
_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# 3-digit area code + 7-digit subscriber: the form in the spec, e.g. (0431)8888888.
_OLD_LANDLINE = re.compile(r"[3-9]\d{2}[2-9]\d{6}")


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    if number.country_code != 86:
        return False
    if phonenumbers.is_valid_number(number):
        return phonenumbers.number_type(number) in _PHONE_TYPES
    national = phonenumbers.national_significant_number(number)
    return bool(_OLD_LANDLINE.fullmatch(national))


def parse_phone(text: str) -> str:
    """A mainland mobile or landline with area code, returned as E.164."""
    raw = _PHONE_JUNK.sub("", _nfkc(text))
    if not re.fullmatch(r"\+?[0-9]{7,15}", raw):
        raise Invalid("err.phone")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise Invalid("err.phone") from None
    if not _acceptable(number):
        raise Invalid("err.phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- document numbers ----------------------------------------------------

_OPEN = "[(〔【〈<《{「『［（﹝"
_CLOSE = "])〕】〉>》}」』］）﹞"
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_DOCNO = re.compile(
    rf"(?P<issuer>[\u3400-\u9fff]+?)"
    rf"[{re.escape(_OPEN)}]?(?P<year>[0-9OolI|〇]{{4}})年?[{re.escape(_CLOSE)}]?[-.,、]?"
    rf"第?(?P<serial>[0-9OolI|〇]{{1,5}})号?(?:文件|文)?"
)
_DOCNO_LABEL = re.compile(r"^(?:文号|文件号|发文字号|发文号)[:：]?")


def normalise_document_number(text: str) -> str:
    """Any bracket style or none (phone keyboards have no 〔〕), 年 after the year,
    full-width digits and OCR slips → 吉发〔2020〕12号."""
    cleaned = _DOCNO_LABEL.sub("", _without_spaces(_nfkc(text)))
    m = _DOCNO.fullmatch(cleaned)
    if not m:
        raise Invalid("err.docno.format")
    year = m["year"].translate(_OCR_DIGITS)
    serial = int(m["serial"].translate(_OCR_DIGITS))
    if not year.startswith(("19", "20")) or serial == 0:
        raise Invalid("err.docno.format")
    return f"{m['issuer']}〔{year}〕{serial}号"
