"""Synthetic certificates and award documents, photographed badly, with their ground truth.

Real certificates carry personal data, so tests and the benchmark use these instead: fake names,
Noto CJK fonts, red border/heading/seal like the real thing, and the phone-photo degradations
that the OCR findings showed to matter (skew, EXIF rotation, perspective, blur, JPEG 40, uneven
light, small and large photos).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
_FONT_FILES = {
    "serif_bold": "NotoSerifCJK-Bold.ttc",
    "serif": "NotoSerifCJK-Regular.ttc",
    "sans": "NotoSansCJK-Regular.ttc",
}
_SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collections

RED = (205, 20, 25)
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


def sample(kind: str, seed: int, degradation: str = "clean") -> tuple[bytes, dict]:
    """(photo bytes, truth) for a "certificate" or "award_document" with one degradation."""
    makers = {"certificate": certificate, "award_document": award_document}
    page, truth = makers[kind](seed)
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
