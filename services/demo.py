"""Synthetic entries so staff can rehearse an export and benchmarks have data.

The answers are built by walking the dialog's own step machine over the form definition (a new
field gets a value without changes here) and stored through the same repository calls the bot
uses; every entry is marked demo, so `remove` deletes exactly these. Names, ID numbers and
phones are invented; ID numbers carry a valid check digit.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PIL import Image, ImageDraw
from stdnum.cn import ric

from dialogs import award_rules
from dialogs.engine import MORE_AWARDS_KEY, SUMMARY, next_step
from dialogs.form import (
    AWARD_FIELDS,
    CONSENT_YES,
    FILLED_BY_PROXY,
    FILLED_BY_SELF,
    FILLED_BY_STAFF,
    NON_PUBLIC_CATEGORY,
    PERSON_FIELDS,
    Field,
    Kind,
)
from dialogs.model import Draft
from dialogs.summary import in_scope_awards
from services.paper.source import CONFIRMED_ACTION
from storage.files import EvidenceStore, StoredFile
from storage.records import Address, DivisionLevel, EvidenceKind, Status
from storage.uow import Database, UnitOfWork

DEMO_ACTOR = "demo-data"
DEMO_CHANNEL = "demo"  # no channel sends to it: demo people are nobody's
IMAGES_PER_KIND = 3  # generated once per run and reused: images are the slow part
BATCH = 100  # entries per transaction
TARGET_STATUSES = (
    Status.SUBMITTED, Status.RETURNED, Status.CONFIRMED, Status.REJECTED, Status.EXPORTED,
)  # fmt: skip

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈彭吕苏蒋金朴崔"
GIVEN = "建国华明丽芳军伟秀英玉兰桂凤志强文海平春梅红霞永德福成金山林云峰淑珍立新振兴宝庆树"
REVIEWERS = ("李会计", "王主任", "张书记", "赵委员")

# One eligible award per category: the facts the dialog would ask, and a date range.
AWARDS: dict[str, dict[str, Any]] = {
    "N1": {"title": ("全国劳动模范", "全国先进工作者"), "awarding_body": "中共中央 国务院",
           "years": (1979, 2017), "treatment": "national_model", "doc": "中发"},
    "N2": {"title": ("全国劳动模范", "全国先进工作者"), "awarding_body": "中共中央 国务院",
           "years": (2018, 2025), "treatment": "national_award", "doc": "中发"},
    "P1": {"title": ("吉林省劳动模范", "吉林省先进工作者"),
           "awarding_body": "中共吉林省委 吉林省人民政府", "years": (1985, 2024),
           "treatment": "provincial_model", "doc": "吉发"},
    "P2": {"title": ("全国农业劳动模范", "全国铁路先进生产者"),
           "awarding_body": "中华人民共和国农业部", "years": (1979, 1994),
           "ministry_confirmed_by_mop": "yes", "doc": "农人发"},
    "P3": {"title": ("全国农业先进工作者", "全国水利系统劳动模范"),
           "awarding_body": "中华人民共和国农业农村部", "years": (1995, 2024),
           "hrss_approved": "yes", "treatment": "ministerial_model", "doc": "农人发"},
    "P4": {"title": ("一等功", "战斗英雄"), "awarding_body": "中国人民解放军沈阳军区",
           "years": (1979, 2015), "military_honour": "first_class_merit",
           "veteran": "discharged", "doc": "沈司发"},
}  # fmt: skip
CATEGORIES = tuple(AWARDS)


@dataclass(frozen=True)
class Plan:
    """How varied the entries are; the benchmark asks for exactly one award and no portrait."""

    second_award: float = 0.2  # share of people with two awards
    portrait: float = 0.5  # share of people with a portrait photo
    hardship: float = 0.1
    categories: tuple[str, ...] = tuple(AWARDS)  # first awards cycle through these


@dataclass
class PhotoSlot:
    target: dict[str, Any]  # the person's or award's answers, to receive the evidence ids
    key: str
    kind: EvidenceKind
    award: int | None


@dataclass
class DemoEntry:
    draft: Draft
    photos: list[PhotoSlot] = field(default_factory=list)


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def fake_id_number(rng: random.Random, region: str, birth: date, gender: str) -> str:
    """18 digits with a valid GB 11643 check digit; the order code's last digit is the gender."""
    order = f"{rng.randrange(100):02d}{rng.choice('13579' if gender == 'male' else '02468')}"
    body = f"{region}{birth:%Y%m%d}{order}"
    return body + ric.calc_check_digit(body + "0")


def fake_phone(rng: random.Random) -> str:
    return f"+861{rng.choice('3589')}{rng.randrange(10**9):09d}"


class _Answers:
    """A plausible answer for each field of the form, by key where it matters, else by kind."""

    def __init__(self, rng: random.Random, village: str, plan: Plan, categories: list[str]):
        self.rng = rng
        self.village = village
        self.plan = plan
        self.categories = categories
        self.gender = rng.choice(("male", "female"))
        self.birth = date(rng.randint(1930, 1975), rng.randint(1, 12), rng.randint(1, 28))
        self.award_year: dict[int, int] = {}

    def person(self, f: Field, d: Draft) -> Any:
        rng = self.rng
        fixed = {
            "consent": CONSENT_YES, "alive": "alive",
            "filled_by": rng.choices((FILLED_BY_SELF, FILLED_BY_PROXY, FILLED_BY_STAFF),
                                     (6, 3, 1))[0],
            "person_category": rng.choices(("farmer", "no_fixed_unit", NON_PUBLIC_CATEGORY),
                                           (8, 2, 1))[0],
            "gender": self.gender, "hukou_code": self.village,
            "id_number": lambda: fake_id_number(rng, self.village[:6], self.birth, self.gender),
            "birth_date": f"{self.birth:%Y-%m}",
            "ethnicity": lambda: rng.choices(f.quick, (20, 3, 2, 1, 1))[0],
            "hukou_address": lambda: f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
            "residence": lambda: f"同村{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
            "work_unit": "兴农种植专业合作社 理事长",
            "personnel_file": lambda: rng.choices(f.options, (8, 1, 1))[0].code,
            "hardship": lambda: "yes" if rng.random() < self.plan.hardship else "no",
            "hardship_note": "年老体弱，看病花销较大",
            "remarks": None,
            "proxy_relation": lambda: rng.choice(f.quick),
        }  # fmt: skip
        if f.key in fixed:
            value = fixed[f.key]
            return value() if callable(value) else value
        if f.key == "portrait_photos" and rng.random() >= self.plan.portrait:
            return None
        return self._by_kind(f, d.person, {})

    def award(self, f: Field, d: Draft, index: int) -> Any:
        award = d.awards[index]
        spec = AWARDS[self.categories[index]]
        if f.key == "title":
            return self.rng.choice(spec["title"])
        if f.key == "award_date":
            lo, hi = spec["years"]
            year = self.rng.randint(max(lo, self.birth.year + 18), max(hi, self.birth.year + 18))
            self.award_year[index] = year
            return f"{year}-{self.rng.randint(1, 12):02d}"
        if f.key == "honour_kept":
            return f.options[0].code
        if f.key == "document_number":
            year = self.award_year.get(index, 2000)
            return f"{spec['doc']}〔{year}〕{self.rng.randint(1, 60)}号"
        if f.key == "document_title":
            return f"关于表彰{award.get('title', '')}的决定"
        if f.key in spec:
            return spec[f.key]
        return self._by_kind(f, d.person, award)

    def _by_kind(self, f: Field, person: dict[str, Any], award: dict[str, Any]) -> Any:
        rng = self.rng
        options = f.options_for(person, award) if f.options_for else f.options
        makers: dict[Kind, Callable[[], Any]] = {
            Kind.CHOICE: lambda: rng.choice(options).code,
            Kind.TEXT: lambda: f.quick[0] if f.quick else "演示数据",
            Kind.NAME: lambda: fake_name(rng),
            Kind.PHONE: lambda: fake_phone(rng),
            Kind.ID_NUMBER: lambda: fake_id_number(rng, "222401", self.birth, self.gender),
            Kind.YEAR_MONTH: lambda: f"{self.birth.year + 30}-06",
            Kind.DOCUMENT_NUMBER: lambda: "吉发〔2020〕1号",
            Kind.BODY: lambda: f.quick[0],
            Kind.DIVISION: lambda: self.village,
            Kind.PHOTOS: lambda: [],  # filled with evidence ids once they exist
            Kind.CONFIRM: lambda: f"{self.birth:%Y-%m}",
        }
        return makers[f.kind]()


def build_entry(rng: random.Random, village: str, category: str, plan: Plan) -> DemoEntry:
    """Answer the dialog's questions in its own order until it would show the summary card."""
    categories = [category]
    if rng.random() < plan.second_award:
        categories.append(rng.choice([c for c in CATEGORIES if c != category]))
    answers = _Answers(rng, village, plan, categories)
    d = Draft()
    entry = DemoEntry(d)
    while (step := next_step(d)).key != SUMMARY:
        if step.key == MORE_AWARDS_KEY:
            if len(d.awards) < len(categories):
                d.awards.append({})
            else:
                d.person[MORE_AWARDS_KEY] = True
            continue
        assert step.field is not None, step
        _answer(entry, answers, step.field, step.award)
    # the optional extras the summary card offers (免冠照片, 文件名称, 备注), as people add them
    for f in PERSON_FIELDS:
        if not f.asked and f.applies(d.person):
            _answer(entry, answers, f, None)
    for index, award in in_scope_awards(d):
        for f in AWARD_FIELDS:
            if not f.asked and f.applies(d.person, award):
                _answer(entry, answers, f, index)
    return entry


def _answer(entry: DemoEntry, answers: _Answers, f: Field, index: int | None) -> None:
    d = entry.draft
    in_award = index is not None
    target = d.awards[index] if in_award else d.person
    value = answers.award(f, d, index) if in_award else answers.person(f, d)
    target[f.key] = value
    if f.kind is Kind.PHOTOS and value is not None:
        entry.photos.append(PhotoSlot(target, f.key, EvidenceKind(f.evidence_kind), index))
    if f.key == "consent":
        d.person["consent_at"] = "2026-11-01T09:00:00+08:00"
    if f.key == "person_category" and not d.awards:
        d.awards.append({})
    if in_award and award_rules.facts_complete(target) and "outcome" not in target:
        _classify(target)


def _classify(award: dict[str, Any]) -> None:
    award_rules.apply_verdict(award)


# --- images ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoImage:
    stored: StoredFile
    width: int
    height: int


class ImagePool:
    """Evidence images saved to the evidence store. Portraits (and, unless `personal`, every
    kind) are a few images per kind, rendered once and reused; with `personal`, certificates
    and award documents are drawn for each person with their own name and award, so staff
    rehearsing an export never see another person's name on a demo photo."""

    def __init__(
        self,
        store: EvidenceStore,
        per_kind: int = IMAGES_PER_KIND,
        render: Callable[[EvidenceKind, int], bytes] | None = None,
        *,
        personal: bool = True,
    ) -> None:
        render = render or render_image
        self._store = store
        self._personal = personal
        self._images = {
            kind: [self._save(store, render(kind, seed)) for seed in range(per_kind)]
            for kind in EvidenceKind
        }

    def pick(
        self, kind: EvidenceKind, n: int, draft: Draft | None = None, award: int | None = None
    ) -> DemoImage:
        if self._personal and draft is not None and kind in NAMED_KINDS:
            answers = draft.awards[award] if award is not None else {}
            return self._save(self._store, named_image(kind, draft.person.get("name", ""), answers))
        images = self._images[kind]
        return images[n % len(images)]

    @staticmethod
    def _save(store: EvidenceStore, data: bytes) -> DemoImage:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return DemoImage(store.save(data, ".jpg"), width, height)


NAMED_KINDS = {
    EvidenceKind.CERTIFICATE: "荣誉证书",
    EvidenceKind.AWARD_DOCUMENT: "表彰文件",
    EvidenceKind.MOP_CONFIRMATION: "确认文件",
    EvidenceKind.DISCHARGE_CERTIFICATE: "退役证明",
}


def named_image(kind: EvidenceKind, name: str, award: dict[str, Any]) -> bytes:
    """A demo certificate or document that names the demo person and their award."""
    from ocr import synth  # the Noto CJK faces the OCR samples use

    image = Image.new("RGB", (1200, 850), (250, 246, 235))
    draw = ImageDraw.Draw(image)
    red, ink = (200, 20, 25), (30, 30, 30)
    draw.rectangle((30, 30, 1170, 820), outline=red, width=12)
    draw.text((600, 150), NAMED_KINDS[kind], font=synth.font("serif", 84), fill=red, anchor="mm")
    body = synth.font("serif", 44)
    lines = [f"授予 {name} 同志"]
    if award.get("title"):
        lines.append(f"“{award['title']}”称号")
    if award.get("awarding_body"):
        lines.append(str(award["awarding_body"]))
    if award.get("award_date"):
        year, month = str(award["award_date"]).split("-")[:2]
        lines.append(f"{int(year)}年{int(month)}月")
    for i, line in enumerate(lines):
        draw.text((600, 330 + i * 90), line, font=body, fill=ink, anchor="mm")
    draw.text((1120, 780), "演示材料", font=synth.font("sans", 32), fill=red, anchor="rs")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def render_image(kind: EvidenceKind, seed: int) -> bytes:
    """Synthetic certificates from ocr.synth when it is available, else a plain drawing."""
    synth_kind = {
        EvidenceKind.CERTIFICATE: "certificate",
        EvidenceKind.AWARD_DOCUMENT: "award_document",
        EvidenceKind.MOP_CONFIRMATION: "award_document",
    }.get(kind)
    if synth_kind is not None:
        try:
            from ocr import synth

            return synth.sample(synth_kind, seed + 101)[0]
        except (ImportError, AttributeError, OSError, KeyError, TypeError):
            pass
    return plain_image(kind, seed)


def plain_image(kind: EvidenceKind, seed: int) -> bytes:
    """A simple drawn stand-in (a framed page, or a head-and-shoulders portrait)."""
    rng = random.Random(seed)
    portrait = kind is EvidenceKind.PORTRAIT
    size = (360, 480) if portrait else (1200, 850)
    image = Image.new("RGB", size, (235, 240, 250) if portrait else (250, 246, 235))
    draw = ImageDraw.Draw(image)
    if portrait:
        skin = (224 - rng.randrange(30), 190, 160)
        draw.ellipse((110, 80, 250, 250), fill=skin)
        draw.rounded_rectangle((60, 270, 300, 520), radius=60, fill=(40, 50, 70))
    else:
        draw.rectangle((30, 30, size[0] - 30, size[1] - 30), outline=(200, 20, 25), width=12)
        draw.text((80, 80), f"DEMO {kind.value} #{seed}", fill=(200, 20, 25))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


# --- storing and removing ----------------------------------------------------------------


async def villages_of(db: Database, township_code: str) -> list[str] | None:
    """Village/community codes of the township, or None when the code is not a township."""
    async with db.uow(read_only=True) as uow:
        township = await uow.divisions.get(township_code)
        if township is None or township.level != DivisionLevel.TOWNSHIP:
            return None
        return [
            c.code
            for c in await uow.divisions.children(township_code)
            if c.level == DivisionLevel.VILLAGE
        ]


def plan_entries(
    villages: list[str], count: int, seed: int, plan: Plan = Plan()
) -> Iterator[DemoEntry]:
    """`count` entries spread over the villages, cycling through the categories N1–P4."""
    rng = random.Random(seed)
    for n in range(count):
        category = plan.categories[n % len(plan.categories)]
        yield build_entry(rng, rng.choice(villages), category, plan)


async def store_entries(
    db: Database,
    entries: Iterator[DemoEntry],
    images: ImagePool,
    status: Status,
    on_stored: Callable[[int], None] = lambda n: None,
) -> int:
    """Store each entry as the bot would (draft → evidence → answers → submit) and move it to
    `status`; a confirmation is audited with a reviewer's name as the committee review does."""
    stored = 0
    batch: list[DemoEntry] = []

    async def flush() -> None:
        nonlocal stored
        async with db.uow() as uow:
            for entry in batch:
                await _store(uow, entry, images, status, stored)
                stored += 1
            await uow.commit()
        on_stored(len(batch))
        batch.clear()

    for entry in entries:
        batch.append(entry)
        if len(batch) >= BATCH:
            await flush()
    if batch:
        await flush()
    return stored


async def _store(
    uow: UnitOfWork, entry: DemoEntry, images: ImagePool, status: Status, n: int
) -> None:
    d = entry.draft
    record = await uow.registrations.create_draft(Address(DEMO_CHANNEL, str(n)), is_demo=True)
    for slot in entry.photos:
        image = images.pick(slot.kind, n, d, slot.award)
        evidence = await uow.evidence.add(
            record.id,
            award_position=slot.award,
            kind=slot.kind,
            page=1,
            stored=image.stored,
            mime="image/jpeg",
            width=image.width,
            height=image.height,
        )
        slot.target[slot.key] = [evidence.id]
    submitted = await uow.registrations.submit_draft(
        record.id, d, filled_by=d.person.get("filled_by")
    )
    version = submitted.version
    steps = [Status.CONFIRMED, Status.EXPORTED] if status is Status.EXPORTED else [status]
    for step in steps:
        if step is Status.SUBMITTED:
            continue
        await uow.registrations.set_status(record.id, step, expected_version=version)
        version += 1
        if step is Status.CONFIRMED:
            reviewer = REVIEWERS[n % len(REVIEWERS)]
            await uow.audit.record(DEMO_ACTOR, CONFIRMED_ACTION, record.id, by=reviewer)


async def remove_entries(db: Database, township_code: str | None) -> int:
    """Delete every demo entry (of one township, or all) with its awards and evidence rows.

    Evidence files stay in the content-addressed store: real entries may share the bytes.
    """
    targets: list[tuple[int, int]] = []
    async with db.uow(read_only=True) as uow:
        offset = 0
        while records := await uow.registrations.list(
            township_code=township_code, offset=offset, limit=1000
        ):
            targets += [(r.id, r.version) for r in records if r.is_demo]
            offset += len(records)
            uow.release_loaded()
    removed = 0
    for start in range(0, len(targets), 500):
        async with db.uow() as uow:
            for reg_id, version in targets[start : start + 500]:
                # Only drafts can be deleted: step back to draft first, guarded by the version.
                if await uow.registrations.set_status(
                    reg_id, Status.DRAFT, expected_version=version
                ):
                    removed += await uow.registrations.delete_draft(reg_id)
            await uow.commit()
    async with db.uow() as uow:
        await uow.audit.record(DEMO_ACTOR, "demo_removed", township=township_code, count=removed)
        await uow.commit()
    return removed
