"""Synthetic certificates and award documents, photographed badly, with their ground truth.

Real certificates carry personal data, so tests and the benchmark use these instead: fake names,
Noto CJK fonts, red border/heading/seal like the real thing, and the phone-photo degradations
that the OCR findings showed to matter (skew, EXIF rotation, perspective, blur, JPEG 40, uneven
light, small and large photos).
"""

from __future__ import annotations

import io
import itertools
import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr.normalise import compact

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
_FONT_FILES = {
    "serif_bold": "NotoSerifCJK-Bold.ttc",
    "serif": "NotoSerifCJK-Regular.ttc",
    "sans": "NotoSansCJK-Regular.ttc",
    "sans_bold": "NotoSansCJK-Bold.ttc",
}
_SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collections

RED = (205, 20, 25)
GOLD = (196, 150, 40)
BLUE = (30, 70, 150)
INK = (25, 25, 25)
PAPER = (252, 249, 240)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈彭吕苏蒋蔡魏"
GIVEN = "建国华明丽芳军伟秀英玉兰桂凤志强文海平春梅红霞永德福成金山林云峰淑珍立新振兴宝庆树"
PLACES = [
    "新立",
    "前进",
    "红光",
    "团结",
    "胜利",
    "东风",
    "和平",
    "长青",
    "太平",
    "双榆",
    "三合",
    "永安",
    "兴隆",
    "民主",
    "光明",
    "丰收",
]

CHINESE_DIGITS = "〇一二三四五六七八九"

DEGRADATIONS = (
    "clean",
    "skew",
    "exif90",
    "exif180",
    "exif270",
    "rot90",
    "rot180",
    "perspective",
    "blur",
    "jpeg40",
    "uneven_light",
    "small",
    "large",
    "combined",
)


@dataclass(frozen=True)
class CertificateAward:
    title: str
    awarding_body: str  # bodies separated by one space, as printed side by side


@dataclass(frozen=True)
class DocumentAward:
    header: str  # red header without 文件
    prefix: str  # 文号 prefix, e.g. 吉发
    title: str  # honorary title given by the decision
    treatment: str  # the clause without 享受
    subject: str  # what the decision commends, for the document title


CERTIFICATE_AWARDS = (
    CertificateAward("全国劳动模范", "中共中央 国务院"),
    CertificateAward("全国先进工作者", "中共中央 国务院"),
    CertificateAward("吉林省劳动模范", "中共吉林省委 吉林省人民政府"),
    CertificateAward("吉林省先进工作者", "吉林省人民政府"),
    CertificateAward("全国劳动模范", "国务院"),
    CertificateAward("全国农业劳动模范", "中华人民共和国农业部"),
)

DOCUMENT_AWARDS = (
    DocumentAward(
        "中共吉林省委 吉林省人民政府",
        "吉发",
        "吉林省劳动模范",
        "省级劳动模范（先进工作者）待遇",
        "吉林省劳动模范和先进工作者",
    ),
    DocumentAward(
        "吉林省人民政府",
        "吉政发",
        "吉林省先进工作者",
        "省级劳动模范（先进工作者）待遇",
        "全省先进工作者",
    ),
    DocumentAward(
        "中共中央 国务院",
        "中发",
        "全国劳动模范",
        "全国劳动模范（先进工作者）待遇",
        "全国劳动模范和先进工作者",
    ),
    DocumentAward(
        "人力资源社会保障部",
        "人社部发",
        "全国人力资源社会保障系统先进工作者",
        "省部级劳动模范（先进工作者）待遇",
        "全国人力资源社会保障系统先进集体和先进工作者",
    ),
)


@cache
def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    """Load a Noto CJK face; raises FileNotFoundError naming the package to install."""
    for folder in FONT_DIRS:
        path = folder / _FONT_FILES[kind]
        if path.exists():
            return ImageFont.truetype(str(path), size, index=_SC_INDEX)
    raise FileNotFoundError(f"{_FONT_FILES[kind]} not found: install fonts-noto-cjk")


def fake_name(rng: random.Random) -> str:
    """A plausible but invented name: one surname and one or two given characters."""
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def chinese_year(year: int) -> str:
    return "".join(CHINESE_DIGITS[int(d)] for d in str(year))


def chinese_number(n: int) -> str:
    """1..31 the way dates write them: 四, 十, 十二, 二十八."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


class _Page:
    """A page being drawn; remembers every printed line (the truth for character accuracy)."""

    def __init__(self, size: tuple[int, int]):
        self.image = Image.new("RGB", size, PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []

    def text(self, xy, s, fnt, fill=INK, *, anchor="la"):
        self.draw.text(xy, s, font=fnt, fill=fill, anchor=anchor)
        self.lines.append("".join(s.split()))

    def centered(self, y, s, fnt, fill=INK):
        self.text((self.image.width // 2, y), s, fnt, fill, anchor="ma")

    def wrapped(self, x, y, s, fnt, width, *, indent=0, spacing=1.6) -> int:
        """Greedy CJK line breaking (no line starts with closing punctuation); returns next y."""
        step = int(fnt.size * spacing)
        line, limit = "", width - indent
        for ch in s:
            if fnt.getlength(line + ch) > limit and ch not in "，。、；：）”":
                self.text((x + (width - limit), y), line, fnt)
                y, line, limit = y + step, "", width
            line += ch
        if line:
            self.text((x + (width - limit), y), line, fnt)
            y += step
        return y

    def seal(self, center: tuple[int, int], radius: int, name: str, rng: random.Random):
        """A semi-transparent red round seal with a star and the body's name on an arc."""
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        alpha = rng.randint(130, 175)
        colour = (*RED, alpha)
        cx, cy = center
        d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=colour, width=9)
        star = [
            (
                cx + (radius * (0.32 if k % 2 == 0 else 0.13)) * math.sin(k * math.pi / 5),
                cy - (radius * (0.32 if k % 2 == 0 else 0.13)) * math.cos(k * math.pi / 5),
            )
            for k in range(10)
        ]
        d.polygon(star, fill=colour)
        name = name.replace(" ", "")
        size = max(18, int(radius * 0.26))
        fnt = font("serif_bold", size)
        span = min(240.0, 24.0 * len(name))
        for i, ch in enumerate(name):
            angle = -span / 2 + span * (i + 0.5) / len(name)
            glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((size, size), ch, font=fnt, fill=colour, anchor="mm")
            glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
            r = radius - size * 0.9
            gx = cx + r * math.sin(math.radians(angle)) - size
            gy = cy - r * math.cos(math.radians(angle)) - size
            layer.alpha_composite(glyph, (int(gx), int(gy)))
        self.image = Image.alpha_composite(self.image.convert("RGBA"), layer).convert("RGB")
        self.draw = ImageDraw.Draw(self.image)


def certificate(seed: int) -> tuple[Image.Image, dict]:
    """A landscape 荣誉证书: red border and heading, name, title sentence, body, date, seal."""
    rng = random.Random(seed)
    award = CERTIFICATE_AWARDS[seed % len(CERTIFICATE_AWARDS)]
    name = fake_name(rng)
    year, month = rng.randint(1985, 2022), rng.randint(1, 12)
    page = _Page((2000, 1414))
    d = page.draw
    d.rectangle((40, 40, 1959, 1373), outline=RED, width=22)
    d.rectangle((85, 85, 1914, 1328), outline=RED, width=5)
    page.centered(170, "荣誉证书", font("serif_bold", 150), RED)
    body_font = font(rng.choice(("serif", "sans")), 72)
    page.text((260, 480), f"{name}同志：", body_font)
    sentence = (
        f"被授予{award.title}称号。" if rng.random() < 0.5 else f"被授予“{award.title}”荣誉称号。"
    )
    y = page.wrapped(260, 600, sentence + "特发此证。", body_font, 1480, indent=144)
    bodies = award.awarding_body.split()
    small = font("serif", 60)
    x_right = 1700
    line_y = max(y + 80, 960)
    body_line = "　".join(bodies)
    page.text((x_right, line_y), body_line, small, anchor="ra")
    date_text = f"{chinese_year(year)}年{chinese_number(month)}月"
    page.text((x_right - 40, line_y + 110), date_text, small, anchor="ra")
    body_width = small.getlength(body_line)
    page.seal((int(x_right - body_width / 2), line_y + 70), 175, bodies[-1], rng)
    truth = {
        "kind": "certificate",
        "name": name,
        "title": award.title,
        "awarding_body": award.awarding_body,
        "date": f"{year:04d}-{month:02d}",
        "document_number": None,
        "document_title": None,
        "treatment": None,
        "names_listed": [],
        "text": "\n".join(page.lines),
    }
    return page.image, truth


def award_document(seed: int) -> tuple[Image.Image, dict]:
    """A portrait 表彰决定: red header, 文号, red rule, title, paragraph, name list, seal."""
    rng = random.Random(seed)
    award = DOCUMENT_AWARDS[seed % len(DOCUMENT_AWARDS)]
    year, month, day = rng.randint(1990, 2022), rng.randint(1, 12), rng.randint(1, 28)
    number = rng.randint(1, 60)
    doc_no = f"{award.prefix}〔{year}〕{number}号"
    names = []
    while len(names) < 8:
        candidate = fake_name(rng)
        if candidate not in names:
            names.append(candidate)
    units = [f"{rng.choice(PLACES)}村农民" for _ in names]
    page = _Page((1414, 2000))
    header = award.header + "文件"
    header_size = min(86, int(1150 / len(header)))
    page.centered(140, header, font("serif_bold", header_size), RED)
    page.centered(300, doc_no, font("serif", 40))
    page.draw.line((110, 380, 1304, 380), fill=RED, width=5)
    title = f"关于表彰{award.subject}的决定"
    y = 440
    title_font = font("serif_bold", 54)
    for part in _balanced_lines(title, title_font, 1100):
        page.centered(y, part, title_font)
        y += 80
    body_font = font("serif", 38)
    y = page.wrapped(140, y + 30, "各有关单位：", body_font, 1134)
    paragraph = (
        f"为表彰先进、树立典型，决定授予{names[0]}等{len(names)}名同志"
        f"“{award.title}”荣誉称号，享受{award.treatment}。"
        "希望受到表彰的同志珍惜荣誉，再创佳绩。"
    )
    y = page.wrapped(140, y, paragraph, body_font, 1134, indent=76)
    page.centered(y + 20, f"{award.title}名单", font("serif_bold", 44))
    y += 110
    list_font = font("serif", 36)
    for i in range(0, len(names), 2):
        page.text((140, y), f"{names[i]}（{units[i]}）", list_font)
        page.text((760, y), f"{names[i + 1]}（{units[i + 1]}）", list_font)
        y += 64
    y = max(y + 60, 1640)
    sign = "　".join(award.header.split())
    page.text((1270, y), sign, body_font, anchor="ra")
    if rng.random() < 0.5:
        date_text = f"{year}年{month}月{day}日"
    else:
        date_text = f"{chinese_year(year)}年{chinese_number(month)}月{chinese_number(day)}日"
    page.text((1230, y + 70), date_text, body_font, anchor="ra")
    page.seal((1270 - int(body_font.getlength(sign) / 2), y + 40), 150, award.header, rng)
    truth = {
        "kind": "award_document",
        "name": None,
        "title": award.title,
        "awarding_body": award.header,
        "date": f"{year:04d}-{month:02d}",
        "document_number": doc_no,
        "document_title": title,
        "treatment": award.treatment,
        "names_listed": names,
        "text": "\n".join(page.lines),
    }
    return page.image, truth


def _balanced_lines(text: str, fnt: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Split a centred title into as few lines as fit, of similar length, like typesetters do."""
    parts = max(1, math.ceil(fnt.getlength(text) / width))
    size = math.ceil(len(text) / parts)
    return [text[i : i + size] for i in range(0, len(text), size)]


# --- layouts ------------------------------------------------------------------------------
# Certificates and award documents differ in wording, order of lines, fonts, frames, where the
# seal sits and whether the text runs in vertical columns (竖排). `certificate` and
# `award_document` above are layouts "c01" and "d01"; the others are specs drawn by
# `_draw_certificate` and `_draw_document`.


@dataclass(frozen=True)
class CertificateLayout:
    size: tuple[int, int]
    frame: str  # "double_red" | "gold" | "blue" | "none"
    heading: str | None
    font: str
    greeting: str | None  # e.g. "{name}同志：", None when the sentence names the person
    sentence: str  # uses {name}, {title}, {year}, {ordinal}
    closing: str
    date_style: str  # "chinese" | "arabic" | "arabic_day"
    vertical: bool = False


@dataclass(frozen=True)
class DocumentLayout:
    font: str
    number_align: str  # "center" | "left"
    number_ordinal: bool  # 文号 printed with 第 before the number
    title: str  # uses {subject}, {title}, {first}
    paragraph: str  # uses {first}, {count}, {title}, {treatment}, {year}
    heading: str  # the name list's heading, uses {title}
    listing: str  # "units_two" | "units_one" | "bare"
    date_style: str


# More awards than the tuned layouts use, some of them outside `ocr/data/vocabulary.csv`:
# the extractor must take those from the sentence alone.
MORE_CERTIFICATE_AWARDS = (
    CertificateAward("全国五一劳动奖章", "中华全国总工会"),
    CertificateAward("全国三八红旗手", "中华全国妇女联合会"),
    CertificateAward("全国道德模范", "中央宣传部 中央文明办"),
    CertificateAward("吉林省五一劳动奖章", "吉林省总工会"),
    CertificateAward("吉林省优秀共产党员", "中共吉林省委"),
    CertificateAward("吉林省金牌工人", "吉林省总工会"),
    CertificateAward("全省优秀乡村教师", "吉林省教育厅"),
    CertificateAward("延边州劳动模范", "中共延边州委 延边州人民政府"),
    CertificateAward("吉林省农村致富带头人", "吉林省农业农村厅"),
    CertificateAward("全国优秀农民工", "中华全国总工会"),
)

MORE_DOCUMENT_AWARDS = (
    DocumentAward(
        "吉林省总工会",
        "吉工发",
        "吉林省五一劳动奖章",
        "省级劳动模范（先进工作者）待遇",
        "吉林省五一劳动奖章获得者",
    ),
    DocumentAward(
        "中共白山市委 白山市人民政府",
        "白发",
        "白山市劳动模范",
        "市级劳动模范待遇",
        "白山市劳动模范",
    ),
    DocumentAward(
        "吉林省人民政府",
        "吉政发",
        "吉林省粮食生产标兵",
        "省级表彰奖励获得者待遇",
        "全省粮食生产先进个人",
    ),
    *DOCUMENT_AWARDS,
)

CERTIFICATE_LAYOUTS = {
    "c02": CertificateLayout(
        (2000, 1414),
        "double_red",
        "荣誉证书",
        "serif",
        "{name}同志：",
        "被授予“{title}”荣誉称号。",
        "特发此证。",
        "chinese",
    ),
    "c03": CertificateLayout(
        (1414, 2000),
        "double_red",
        "荣誉证书",
        "sans",
        "{name}同志：",
        "在{year}年度工作中成绩突出，被评为{title}。",
        "特发此证，以资鼓励。",
        "arabic",
    ),
    "c04": CertificateLayout(
        (2000, 1414),
        "gold",
        "证书",
        "serif",
        None,
        "兹授予{name}同志“{title}”荣誉称号。",
        "",
        "chinese",
    ),
    "c05": CertificateLayout(
        (2000, 1414),
        "blue",
        "荣誉证书",
        "sans",
        "{name}同志：",
        "荣获{ordinal}{title}称号。",
        "特发此证。",
        "arabic_day",
    ),
    "c06": CertificateLayout(
        (1414, 2000),
        "none",
        "荣誉证书",
        "serif",
        "{name}同志：",
        "你在平凡的岗位上做出了不平凡的业绩，被授予{title}称号。",
        "",
        "chinese",
    ),
    "c07": CertificateLayout(
        (2000, 1414),
        "double_red",
        "荣誉证书",
        "serif",
        None,
        "授予{name}同志{year}年{title}称号。",
        "特发此证。",
        "arabic",
    ),
    "c08": CertificateLayout(
        (1414, 2000),
        "gold",
        "荣誉证书",
        "sans_bold",
        "{name}：",
        "您被评为{year}年度{title}，特发此证，以资鼓励。",
        "",
        "arabic_day",
    ),
    "c09": CertificateLayout(
        (2000, 1414),
        "double_red",
        "荣誉证书",
        "serif",
        "{name}同志",
        "被评为{title}。",
        "特发此证",
        "chinese",
        vertical=True,
    ),
    "c10": CertificateLayout(
        (1414, 2000),
        "gold",
        "荣誉证",
        "serif_bold",
        "{name}同志",
        "荣获“{title}”称号。",
        "",
        "chinese",
        vertical=True,
    ),
    "c11": CertificateLayout(
        (2000, 1414),
        "blue",
        "荣誉证书",
        "serif",
        "{name}同志：",
        "经评审，荣获{year}年度{title}荣誉称号。",
        "特颁此证。",
        "chinese",
    ),
    "c12": CertificateLayout(
        (2000, 1414),
        "none",
        None,
        "sans",
        "{name}同志：",
        "在第{ordinal_n}届评选中，被授予{title}称号，特发此证。",
        "",
        "arabic",
    ),
}

DOCUMENT_LAYOUTS = {
    "d02": DocumentLayout(
        "serif",
        "center",
        False,
        "关于授予{first}等同志“{title}”称号的决定",
        "经研究，决定授予{first}等{count}名同志“{title}”称号，享受{treatment}。"
        "希望受到表彰的同志珍惜荣誉，再创佳绩。",
        "{title}名单",
        "bare",
        "chinese",
    ),
    "d03": DocumentLayout(
        "sans",
        "left",
        False,
        "关于表彰{subject}的决定",
        "为弘扬劳模精神，决定授予{first}等{count}名同志{title}称号，并享受{treatment}。",
        "{title}名单",
        "units_one",
        "arabic",
    ),
    "d04": DocumentLayout(
        "serif",
        "center",
        True,
        "关于{year}年度{subject}评选结果的通报",
        "经评选，{first}等{count}名同志被评为{year}年度“{title}”，享受{treatment}。望再接再厉。",
        "{year}年度{title}名单",
        "units_two",
        "arabic",
    ),
    "d05": DocumentLayout(
        "sans",
        "left",
        True,
        "关于表彰{subject}的决定",
        "为表彰先进，树立典型，经研究决定，授予{first}等{count}名同志“{title}”光荣称号，"
        "享受{treatment}。",
        "{title}名单",
        "bare",
        "chinese",
    ),
    "d06": DocumentLayout(
        "serif",
        "center",
        False,
        "关于命名{subject}的决定",
        "决定命名{first}等{count}名同志为“{title}”，享受{treatment}。",
        "{title}名单",
        "units_two",
        "chinese",
    ),
}

# Which layouts the extraction rules were tuned on, and which the benchmark scores: fixed, so
# that the score says how the rules do on certificates they were not written for.
TUNED_LAYOUTS = ("c01", "c02", "c03", "c04", "c05", "c06", "d01", "d02", "d03")
HELD_OUT_LAYOUTS = ("c07", "c08", "c09", "c10", "c11", "c12", "d04", "d05", "d06")
LAYOUTS = TUNED_LAYOUTS + HELD_OUT_LAYOUTS
VERTICAL_LAYOUTS = tuple(k for k, v in CERTIFICATE_LAYOUTS.items() if v.vertical)


# Exact-match targets per field on the held-out layouts (the tests keep 5 points less).
FIELD_TARGETS = {
    "name": 0.97,
    "title": 0.97,
    "awarding_body": 0.97,
    "date": 0.97,
    "document_number": 0.95,
}
VERTICAL_TARGET = 0.90  # every field of the vertical certificates together
SCORED_FIELDS = (*FIELD_TARGETS, "document_title", "treatment")


def held_out_set(seeds: int, degradations: tuple[str, ...] = DEGRADATIONS) -> list[tuple]:
    """(photo bytes, truth) for every held-out layout, seed and degradation."""
    return [
        sample(layout_kind(layout), seed, degradation, layout)
        for layout in HELD_OUT_LAYOUTS
        for seed in range(seeds)
        for degradation in degradations
    ]


def held_out_subset(per_layout: int) -> list[tuple]:
    """A smaller version of `held_out_set(1)`, for CI: `per_layout` of its photos of each
    held-out layout, the degradations taken in turn so that together they cover them all."""
    turns = itertools.cycle(DEGRADATIONS)
    return [
        sample(layout_kind(layout), 0, next(turns), layout)
        for layout in HELD_OUT_LAYOUTS
        for _ in range(per_layout)
    ]


def exact_rates(extractions: list, truths: list[dict]) -> tuple[dict[str, float], float]:
    """Exact-match rate per field, and over every field of the vertical certificates."""
    per_field: dict[str, list[bool]] = {}
    vertical: list[bool] = []
    for extraction, truth in zip(extractions, truths, strict=True):
        for key, right in exact_fields(extraction, truth).items():
            per_field.setdefault(key, []).append(right)
            if truth["layout"] in VERTICAL_LAYOUTS:
                vertical.append(right)
    rates = {key: sum(v) / len(v) for key, v in per_field.items()}
    return rates, (sum(vertical) / len(vertical) if vertical else float("nan"))


def exact_fields(extraction, truth: dict) -> dict[str, bool]:
    """Which of the page's fields the extraction got exactly right (after normalising widths,
    brackets and spaces); fields the page does not have are left out."""
    found = {}
    for key in SCORED_FIELDS:
        if truth[key] is not None:
            guess = getattr(extraction, key) if extraction else None
            found[key] = guess is not None and compact(guess.value) == compact(truth[key])
    return found


def layout_kind(layout: str) -> str:
    return "certificate" if layout.startswith("c") else "award_document"


def _frame(page: _Page, style: str) -> None:
    w, h = page.image.size
    d = page.draw
    if style == "double_red":
        d.rectangle((40, 40, w - 41, h - 41), outline=RED, width=22)
        d.rectangle((85, 85, w - 86, h - 86), outline=RED, width=5)
    elif style == "gold":
        d.rectangle((30, 30, w - 31, h - 31), outline=GOLD, width=40)
        for x, y in ((70, 70), (w - 70, 70), (70, h - 70), (w - 70, h - 70)):
            d.ellipse((x - 28, y - 28, x + 28, y + 28), fill=GOLD)
    elif style == "blue":
        for i in range(0, 60, 12):
            d.rectangle((30 + i, 30 + i, w - 31 - i, h - 31 - i), outline=BLUE, width=4)


def _date_text(year: int, month: int, day: int, style: str) -> str:
    if style == "arabic":
        return f"{year}年{month}月"
    if style == "arabic_day":
        return f"{year}年{month}月{day}日"
    return f"{chinese_year(year)}年{chinese_number(month)}月{chinese_number(day)}日"


def _draw_certificate(key: str, seed: int) -> tuple[Image.Image, dict]:
    layout = CERTIFICATE_LAYOUTS[key]
    rng = random.Random(f"{key}-{seed}")
    award = rng.choice(MORE_CERTIFICATE_AWARDS + CERTIFICATE_AWARDS)
    name = fake_name(rng)
    year, month, day = rng.randint(1985, 2022), rng.randint(1, 12), rng.randint(1, 28)
    ordinal_n = rng.randint(2, 9)
    fields = {
        "name": name,
        "title": award.title,
        "year": rng.choice((str(year - 1), chinese_year(year - 1))),
        "ordinal": rng.choice(("", f"第{chinese_number(ordinal_n)}届")),
        "ordinal_n": chinese_number(ordinal_n),
    }
    page = _Page(layout.size)
    _frame(page, layout.frame)
    body = font(layout.font, 64 if layout.size[0] > layout.size[1] else 60)
    small = font("serif", 56)
    date_text = _date_text(year, month, day, layout.date_style)
    paragraph = [layout.greeting] if layout.greeting else []
    paragraph.append(layout.sentence + layout.closing)
    paragraph = [p.format(**fields) for p in paragraph]
    bodies = award.awarding_body.split()
    if layout.vertical:
        seal_at = _vertical_certificate(page, layout, paragraph, bodies, date_text, body, small)
    else:
        seal_at = _horizontal_certificate(page, layout, paragraph, bodies, date_text, body, small)
    page.seal(seal_at, 165, bodies[-1], rng)
    truth = {
        "kind": "certificate",
        "name": name,
        "title": award.title,
        "awarding_body": award.awarding_body,
        "date": f"{year:04d}-{month:02d}",
        "document_number": None,
        "document_title": None,
        "treatment": None,
        "names_listed": [],
        "text": "\n".join(page.lines),
    }
    return page.image, truth


def _horizontal_certificate(page, layout, paragraph, bodies, date_text, body, small):
    w, h = page.image.size
    if layout.heading:
        page.centered(int(h * 0.1), layout.heading, font("serif_bold", 140), RED)
    y = int(h * 0.32)
    margin = int(w * 0.13)
    for i, part in enumerate(paragraph):
        indent = 0 if (i == 0 and layout.greeting) else 2 * body.size
        y = page.wrapped(margin, y, part, body, w - 2 * margin, indent=indent) + 10
    line_y = max(y + 60, int(h * 0.68))
    x_right = w - margin
    body_line = "　".join(bodies)
    page.text((x_right, line_y), body_line, small, anchor="ra")
    page.text((x_right - 30, line_y + 100), date_text, small, anchor="ra")
    return int(x_right - small.getlength(body_line) / 2), line_y + 60


def _column(page: _Page, x: int, y: int, text: str, fnt, fill=INK) -> None:
    """One vertical column, characters upright, top to bottom, centred on x."""
    step = int(fnt.size * 1.15)
    for i, ch in enumerate(text):
        page.draw.text((x, y + i * step), ch, font=fnt, fill=fill, anchor="ma")
    page.lines.append("".join(text.split()))


def _vertical_certificate(page, layout, paragraph, bodies, date_text, body, small):
    """Columns from right to left: heading, greeting, sentence, then the bodies and the date
    lower down on the left, as old certificates print them."""
    w, h = page.image.size
    top, bottom = int(h * 0.12), int(h * 0.88)
    per_column = max(4, (bottom - top) // int(body.size * 1.15))
    x = w - int(w * 0.12)
    if layout.heading:
        heading = font("serif_bold", 120)
        _column(page, x, top, layout.heading, heading, RED)
        x -= int(heading.size * 1.6)
    for part in paragraph:
        for i in range(0, len(part), per_column):
            _column(page, x, top, part[i : i + per_column], body)
            x -= int(body.size * 1.7)
    x -= body.size
    low = int(h * 0.4)
    seal_x = x
    for b in bodies:
        _column(page, x, low, b, small)
        x -= int(small.size * 1.6)
    _column(page, x, low + small.size, date_text, small)
    return seal_x - int(small.size * 0.8 * (len(bodies) - 1)), low + int(small.size * 3)


def _draw_document(key: str, seed: int) -> tuple[Image.Image, dict]:
    layout = DOCUMENT_LAYOUTS[key]
    rng = random.Random(f"{key}-{seed}")
    award = rng.choice(MORE_DOCUMENT_AWARDS)
    year, month, day = rng.randint(1990, 2022), rng.randint(1, 12), rng.randint(1, 28)
    number = rng.randint(1, 60)
    doc_no = f"{award.prefix}〔{year}〕{number}号"
    printed_no = f"{award.prefix}〔{year}〕第{number}号" if layout.number_ordinal else doc_no
    names: list[str] = []
    count = rng.choice((4, 6, 8))
    while len(names) < count:
        candidate = fake_name(rng)
        if candidate not in names:
            names.append(candidate)
    units = [
        f"{rng.choice(PLACES)}{rng.choice(('村农民', '社区居民', '村党支部书记'))}" for _ in names
    ]
    fields = {
        "subject": award.subject,
        "title": award.title,
        "first": names[0],
        "count": len(names),
        "treatment": award.treatment,
        "year": year - 1,
    }
    page = _Page((1414, 2000))
    header = award.header + "文件"
    page.centered(140, header, font("serif_bold", min(86, int(1150 / len(header)))), RED)
    number_font = font(layout.font, 40)
    if layout.number_align == "left":
        page.text((140, 300), printed_no, number_font)
    else:
        page.centered(300, printed_no, number_font)
    page.draw.line((110, 380, 1304, 380), fill=RED, width=5)
    title = layout.title.format(**fields)
    y = 440
    title_font = font("sans_bold" if layout.font == "sans" else "serif_bold", 52)
    for part in _balanced_lines(title, title_font, 1100):
        page.centered(y, part, title_font)
        y += 78
    body_font = font(layout.font, 38)
    y = page.wrapped(140, y + 30, "各有关单位：", body_font, 1134)
    y = page.wrapped(140, y, layout.paragraph.format(**fields), body_font, 1134, indent=76)
    page.centered(y + 20, layout.heading.format(**fields), font("serif_bold", 44))
    y += 110
    list_font = font(layout.font, 36)
    if layout.listing == "units_two":
        for i in range(0, len(names), 2):
            page.text((140, y), f"{names[i]}（{units[i]}）", list_font)
            page.text((760, y), f"{names[i + 1]}（{units[i + 1]}）", list_font)
            y += 64
    elif layout.listing == "units_one":
        for n, u in zip(names, units, strict=True):
            page.text((200, y), f"{n}（{u}）", list_font)
            y += 60
    else:
        for i in range(0, len(names), 4):
            page.text((200, y), "　　".join(names[i : i + 4]), list_font)
            y += 64
    y = max(y + 60, 1640)
    sign = "　".join(award.header.split())
    page.text((1270, y), sign, body_font, anchor="ra")
    page.text(
        (1230, y + 70), _date_text(year, month, day, layout.date_style), body_font, anchor="ra"
    )
    page.seal((1270 - int(body_font.getlength(sign) / 2), y + 40), 150, award.header, rng)
    truth = {
        "kind": "award_document",
        "name": None,
        "title": award.title,
        "awarding_body": award.header,
        "date": f"{year:04d}-{month:02d}",
        "document_number": doc_no,
        "document_title": title,
        "treatment": award.treatment,
        "names_listed": names,
        "text": "\n".join(page.lines),
    }
    return page.image, truth


def render(layout: str, seed: int) -> tuple[Image.Image, dict]:
    """The page of `layout` ("c01".."c12", "d01".."d06") drawn for `seed`, and its truth."""
    if layout == "c01":
        page, truth = certificate(seed)
    elif layout == "d01":
        page, truth = award_document(seed)
    elif layout in CERTIFICATE_LAYOUTS:
        page, truth = _draw_certificate(layout, seed)
    elif layout in DOCUMENT_LAYOUTS:
        page, truth = _draw_document(layout, seed)
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return page, {**truth, "layout": layout}


def blank_photo(seed: int = 0) -> bytes:
    """A photo of an empty table: no text at all."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), (128, 104, 82))
    image = _uneven_light(_add_noise(image, rng), rng)
    return _jpeg(image, 85)


# --- degradations -------------------------------------------------------------------------


def photograph(page: Image.Image, degradation: str, seed: int) -> bytes:
    """Turn a rendered page into the bytes of a phone photo degraded as named."""
    if degradation not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {degradation!r}")
    rng = random.Random(seed)
    if degradation == "clean":
        return _jpeg(page, 95)
    photo = _on_table(page, rng)
    exif_tag = None
    quality = 90
    if degradation == "skew":
        photo = _rotate(photo, rng.choice((-1, 1)) * rng.uniform(5, 15))
    elif degradation.startswith("exif"):
        photo, exif_tag = _exif_rotated(photo, int(degradation[4:]))
    elif degradation.startswith("rot"):
        photo = photo.rotate(int(degradation[3:]), expand=True)
    elif degradation == "perspective":
        photo = _perspective(photo, rng, 0.12)
    elif degradation == "blur":
        photo = photo.filter(ImageFilter.GaussianBlur(2.2))
    elif degradation == "jpeg40":
        quality = 40
    elif degradation == "uneven_light":
        photo = _uneven_light(photo, rng)
    elif degradation == "small":
        photo = _resize_width(photo, 1000)
    elif degradation == "large":
        photo = _resize_width(photo, 4000)
    elif degradation == "combined":
        photo = _rotate(photo, rng.choice((-1, 1)) * rng.uniform(5, 10))
        photo = _perspective(photo, rng, 0.08)
        photo = _uneven_light(photo, rng)
        photo = photo.filter(ImageFilter.GaussianBlur(1.2))
        photo = _resize_width(photo, rng.choice((1400, 3000)))
        photo, exif_tag = _exif_rotated(photo, 90)
        quality = 40
    return _jpeg(photo, quality, exif_tag)


def sample(
    kind: str, seed: int, degradation: str = "clean", layout: str | None = None
) -> tuple[bytes, dict]:
    """(photo bytes, truth) for a "certificate" or "award_document" with one degradation, in
    `layout` (default the first layout of the kind)."""
    layout = layout or ("c01" if kind == "certificate" else "d01")
    if layout_kind(layout) != kind:
        raise ValueError(f"layout {layout} is not a {kind}")
    page, truth = render(layout, seed)
    truth = {**truth, "degradation": degradation, "seed": seed}
    return photograph(page, degradation, seed * 1000 + DEGRADATIONS.index(degradation)), truth


def _jpeg(image: Image.Image, quality: int, exif_orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def _exif_rotated(photo: Image.Image, degrees: int) -> tuple[Image.Image, int]:
    """Store the pixels turned and an Orientation tag that tells viewers to turn them back."""
    stored = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }
    tag = {90: 6, 180: 3, 270: 8}
    return photo.transpose(stored[degrees]), tag[degrees]


def _add_noise(image: Image.Image, rng: random.Random, amount: float = 6.0) -> Image.Image:
    noise = np.random.default_rng(rng.randrange(2**32)).normal(
        0, amount, (image.height, image.width, 1)
    )
    arr = np.asarray(image, dtype=np.float32) + noise
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _on_table(page: Image.Image, rng: random.Random) -> Image.Image:
    """Lay the page on a wooden table with a margin, as a phone photo would frame it."""
    margin = int(max(page.size) * 0.06)
    table = Image.new("RGB", (page.width + 2 * margin, page.height + 2 * margin), (128, 104, 82))
    table = _add_noise(table, rng, 8.0)
    table.paste(page, (margin, margin))
    return _add_noise(table, rng, 3.0)


def _rotate(photo: Image.Image, degrees: float) -> Image.Image:
    return photo.rotate(
        degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(110, 90, 70)
    )


def _resize_width(photo: Image.Image, width: int) -> Image.Image:
    height = round(photo.height * width / photo.width)
    return photo.resize((width, height), Image.Resampling.LANCZOS)


def _perspective(photo: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    """Pull the corners inwards by random amounts, as when the phone is held at an angle."""
    w, h = photo.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [
        (x + sx * rng.uniform(0, strength) * w, y + sy * rng.uniform(0, strength) * h)
        for (x, y), (sx, sy) in zip(src, [(1, 1), (-1, 1), (-1, -1), (1, -1)], strict=True)
    ]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend((u, v))
    coeffs = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return photo.transform(
        (w, h),
        Image.Transform.PERSPECTIVE,
        tuple(coeffs),
        Image.Resampling.BICUBIC,
        fillcolor=(110, 90, 70),
    )


def _uneven_light(photo: Image.Image, rng: random.Random) -> Image.Image:
    """A lamp on one side: brightness falls from 1.0 to about 0.45 across the photo."""
    w, h = photo.size
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs / w - 0.5) * math.cos(angle) + (ys / h - 0.5) * math.sin(angle)
    gain = 0.72 + 0.55 * ramp
    arr = np.asarray(photo, dtype=np.float32) * np.clip(gain, 0.4, 1.05)[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
