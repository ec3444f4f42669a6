"""The registration conversation as data, and honorees that walk it while being timed."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from load_harness import ProbeEmulator

from testkit.fakes import fake_id_number

ECHO_BUTTON = "好"  # the one button bench/echo_bot.py puts on every reply
OCR_DONE = ("照片上写着", "没能读出")  # texts of the later OCR answer (offer or failure)
STEP_TIMEOUT = 60.0
OCR_TIMEOUT = 300.0


@dataclass(frozen=True)
class Step:
    kind: str  # say | press | photo | contact | ocr_photo
    arg: str = ""
    expect: str | None = None  # a text the answer must contain


def _say(text: str, expect: str | None = None) -> Step:
    return Step("say", text, expect)


def _press(label: str, expect: str | None = None) -> Step:
    return Step("press", label, expect)


SCREEN = (
    _say("/start", "同意吗"),
    _press("同意"),
    _press("本人填写"),
    _press("农民"),
)
AWARD = (
    _press("全国劳动模范"),
    _press("中共中央 国务院"),
    _say("二〇一五年四月"),
    _press("全国劳模待遇"),
    _press("是，荣誉保持着", "符合登记条件"),
    _say("中发[2015]10号"),
)
ONE_PHOTO = (Step("photo", expect="收到 1 张"), _press("完成"), _press("暂时没有，以后再补"))
NO_PHOTO = (_press("暂时没有，以后再补"), _press("暂时没有，以后再补"))
BASICS = (
    _press("没有了"),
    _say("金明浩"),
    _press("男"),
    _say("{id}", "1958年7月"),
    _press("对"),
    _press("朝鲜族"),
    _press("群众"),
    _press("初中"),
    _say("光进", "找到这些地方"),
    _press("延吉市 小营镇 光进村"),
    _say("3组15号"),
    _press("和户籍地址相同"),
    Step("contact", "+8613912345678"),
    _press("有"),
    _press("否", "核对"),
    _press("✅ 确认提交", "提交成功"),
)
SCRIPTS: dict[str, tuple[Step, ...]] = {
    "full": SCREEN + AWARD + ONE_PHOTO + BASICS,  # the whole form, one certificate photo
    "text": SCREEN + AWARD + NO_PHOTO + BASICS,  # the whole form, no photo at all
    "photo_first": (*SCREEN, Step("photo", expect="照片")),  # photo at the title question
    "ocr_first": (*SCREEN, Step("ocr_photo")),  # the same, waiting for the OCR answer
}


def id_number(index: int) -> str:
    """A valid ID (born July 1958, male), distinct for any 2,800 consecutive indices."""
    day = 1 + (index // 100) % 28
    rng = random.Random(index)
    return fake_id_number(date(1958, 7, day), "男", region="222401", seq=index % 100, rng=rng)


@dataclass
class Sample:
    """One answered step: what was sent, when, and how long until the first reply."""

    kind: str
    started: float
    latency: float


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    ocr_seconds: float | None = None


class FlowError(RuntimeError):
    pass


class LoadHonoree:
    """One person in the emulator walking a script; every step waits for the whole answer.

    "The whole answer" is the number of bot messages/edits the step produced when walked alone
    (calibration), so no quiet period is needed under load.
    """

    def __init__(self, emu: ProbeEmulator, user_id: int, photo: list[dict], *, echo=False):
        self.emu = emu
        self.user = emu.user(user_id, "金")
        self.chat = self.user.chat
        self.probe = emu.probe(user_id)
        self.photo = photo  # PhotoSize list already in the emulator's file store
        self.echo = echo

    async def act(self, step: Step, who: int) -> None:
        self.probe.arm()
        if step.kind == "say":
            text = step.arg.replace("{id}", id_number(who))
            await self.user.send_text(text)
        elif step.kind == "press":
            await self.user.press(ECHO_BUTTON if self.echo else step.arg)
        elif step.kind == "contact":
            await self.user.send_contact(step.arg)
        else:  # stored once up front: the emulator's thumbnailing stays out of the timing
            await self.user._send({"photo": self.photo})

    async def until(self, count: int, timeout: float = STEP_TIMEOUT) -> None:
        """Wait until the chat holds `count` bot events."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.chat.events) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = self.text_since(max(count - 3, 0))[-160:]
                raise FlowError(f"{self.user.user_id}: timeout with {len(self.chat.events)} of "
                                f"{count} messages; last: {seen!r}")
            await self.chat.pulse.wait(remaining)

    async def quiet(self, first: int, quiet: float) -> None:
        """Calibration: wait for a first event, then until the bot is silent for `quiet` s."""
        await self.until(first + 1)
        loop = asyncio.get_running_loop()
        while (idle := loop.time() - self.chat.last_event_at) < quiet:
            await asyncio.sleep(quiet - idle)

    def text_since(self, start: int) -> str:
        return "\n".join(e.data.get("text") or "" for e in self.chat.events[start:])

    def latency(self) -> float:
        if self.probe.answered is None:
            raise FlowError(f"{self.user.user_id}: no sendMessage/editMessageText seen")
        return self.probe.answered - self.probe.started

    async def step(self, step: Step, who: int, count: int | None) -> Sample:
        """Do one step; `count` None means calibrate (quiet period) instead of counting."""
        before = len(self.chat.events)
        await self.act(step, who)
        if count is None:
            await self.quiet(before, 0.25)
        else:
            await self.until(before + count)
        said = self.text_since(before)
        if step.expect and not self.echo and step.expect not in said:
            raise FlowError(f"{self.user.user_id}: answered {said[:200]!r}")
        return Sample(step.kind, self.probe.started, self.latency())

    async def ocr_photo(self, step: Step, who: int) -> tuple[Sample, float]:
        """Photo at the title question with OCR on: the quick answer, then the reading."""
        before = len(self.chat.events)
        await self.act(step, who)
        await self.until(before + 1)
        sample = Sample("photo", self.probe.started, self.latency())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OCR_TIMEOUT
        while not any(m in self.text_since(before) for m in OCR_DONE):
            if loop.time() > deadline:
                raise FlowError(f"{self.user.user_id}: no OCR answer in {OCR_TIMEOUT:.0f} s")
            await self.chat.pulse.wait(deadline - loop.time())
        return sample, time.perf_counter() - sample.started


@dataclass
class Walk:
    """A group of honorees walking one script, with think time between steps."""

    script: tuple[Step, ...]
    counts: list[int] | None  # per step, from calibration; None = calibrate
    think: float = 0.0  # mean seconds before each step, uniform in [0.5, 1.5] x think
    echo: bool = False

    async def one(self, honoree: LoadHonoree, who: int, rng: random.Random, out: Outcome):
        """Walk the script; samples land in `out` as they come, so a cancelled walk keeps them."""
        try:
            for i, step in enumerate(self.script):
                if self.think:
                    await asyncio.sleep(self.think * rng.uniform(0.5, 1.5))
                if step.kind == "ocr_photo":
                    sample, out.ocr_seconds = await honoree.ocr_photo(step, who)
                else:
                    count = None if self.counts is None else self.counts[i]
                    try:
                        sample = await honoree.step(step, who, count)
                    except FlowError as err:
                        raise FlowError(f"step {i + 1} {step.kind} {step.arg!r}: {err}") from None
                out.samples.append(sample)
        except (FlowError, LookupError) as err:
            out.error = str(err)[:400]

    async def run(
        self,
        emu: ProbeEmulator,
        ids: range,
        photo: list[dict],
        until: Callable[[], Awaitable[object]] | None = None,
    ) -> list[Outcome]:
        """All honorees at once, each its own task; stop them early when `until()` returns."""
        outcomes = [Outcome() for _ in ids]
        tasks = [
            asyncio.create_task(
                self.one(LoadHonoree(emu, uid, photo, echo=self.echo), uid, random.Random(uid), out)
            )
            for uid, out in zip(ids, outcomes, strict=True)
        ]
        everyone = asyncio.gather(*tasks)
        if until is None:
            await everyone
            return outcomes
        stopper = asyncio.ensure_future(until())
        await asyncio.wait([everyone, stopper], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(everyone, stopper, return_exceptions=True)
        return outcomes


async def calibrate(emu: ProbeEmulator, script: str, user_id: int, photo: list[dict]) -> list[int]:
    """Walk `script` alone with quiet periods; the number of bot events of each step."""
    honoree = LoadHonoree(emu, user_id, photo)
    counts = []
    for step in SCRIPTS[script]:
        before = len(honoree.chat.events)
        await honoree.step(step, user_id, None)
        counts.append(len(honoree.chat.events) - before)
    return counts
