"""Household-registration places (户籍所在地): look up Jilin divisions by what people type.

Pure: the caller loads the division table and passes the rows in. People type village
names with or without 村/村委会, with the township in front, with a wrong character
or in pinyin; `DivisionDirectory.search` ranks the places they most likely mean.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Only single characters are looked up; the phrase dictionary would cost ~50 MB per process.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

LEVELS = ("province", "city", "county", "township", "village")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class Match:
    division: Division
    score: float  # 0–100, higher is better


@dataclass(frozen=True)
class SearchPage:
    """One page of search results, for buttons with a 更多 button after them."""

    matches: list[Match]
    page: int
    more: bool  # a further page exists
    crowded: bool  # many places share the best name: ask for the township


# --- names ---------------------------------------------------------------

_PARENTHESES = re.compile(r"^[（(][^（()）]*[)）]|[（(][^（()）]*[)）]$")
# (suffix, replacement); "村" is only added when the stem does not already end with it.
_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", ""),
    ("居委会", ""),
    ("村民委员会", "村"),
    ("村子委会", "村"),
    ("村委会", "村"),
    ("村委", "村"),
    ("街道办事处", "街道"),
    ("办事处", ""),
    ("生活区生活区", "生活区"),
)


_ETHNIC = "(?:朝鲜族|满族|蒙古族|回族|锡伯族)?"
_KIND_SUFFIX = re.compile(
    rf"^(?P<core>.{{2,}}?){_ETHNIC}(?P<suffix>自治州|自治县|地区|街道|镇|乡|村|社区|市|县|区|州)$"
)


def _strip_parentheses(name: str) -> str:
    while True:
        stripped = _PARENTHESES.sub("", name).strip()
        if stripped == name or not stripped:
            return name
        name = stripped


def _strip_suffix(name: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if replacement == "村" and stem.endswith("村"):
                replacement = ""
            return stem + replacement
    return name


def _distinctive(name: str) -> bool:
    """A name that still says which place it is: 头道村 yes; 社区, 虚拟生活区, 林业局 no."""
    m = _KIND_SUFFIX.match(name)
    return bool(m) and "虚拟" not in m["core"]


def short_name(name: str, *, parents: Iterable[str] = ()) -> str:
    """The name people use: 春兴村委会 → 春兴村, 华阳社区居民委员会 → 华阳社区.

    `parents` are ancestor names that some rows repeat in front of their own name
    (四平市铁东区山门镇头道村民委员会 → 头道村); they are dropped only when what is
    left still names the place.
    """
    short = _strip_suffix(_strip_parentheses("".join(name.split())))
    ordered = sorted(parents, key=lambda p: (-len(p), p))
    while prefix := next((p for p in ordered if short.startswith(p)), None):
        if not _distinctive(short[len(prefix) :]):
            break
        short = short[len(prefix) :]
    return short


_TYPED_JUNK = re.compile(r"[^\w]|_")
_PINYIN_SUFFIX = re.compile(r"(?<=\w\w)(?:cunweihui|cunminweiyuanhui|cun|shequ|juweihui)$")


def _normalise(text: str) -> str:
    """What people type → comparable text: half-width, lower case, no spaces or marks."""
    return _TYPED_JUNK.sub("", unicodedata.normalize("NFKC", text)).lower()


def _core(name: str) -> str:
    """The distinctive part: 春兴村 → 春兴, 叶赫满族镇 → 叶赫, 延边朝鲜族自治州 → 延边."""
    m = _KIND_SUFFIX.match(name)
    return m["core"] if m else name


def _aliases(name: str) -> set[str]:
    """Ways people write a higher-level place: 延边朝鲜族自治州, 延边州; 南岭街道, 南岭街."""
    aliases = {name}
    m = _KIND_SUFFIX.match(name)
    if m:
        suffix = m["suffix"]
        aliases |= {m["core"] + suffix, m["core"] + ("街" if suffix == "街道" else suffix[-1])}
    return aliases


# --- pinyin --------------------------------------------------------------

# Characters read differently in place names than pypinyin's default (长春 chang, 窝堡 pu):
# both readings are kept so either spelling matches.
_POLYPHONES = {
    "长": ("chang", "zhang"),
    "朝": ("chao", "zhao"),
    "重": ("chong", "zhong"),
    "堡": ("bao", "pu", "bu"),
    "乐": ("le", "yue"),
    "查": ("cha", "zha"),
    "藏": ("cang", "zang"),
    "单": ("dan", "shan"),
    "解": ("jie", "xie"),
    "厦": ("sha", "xia"),
    "六": ("liu", "lu"),
}


SYLLABLE = "'"  # between syllables, so a sound matches whole syllables only


class _Pinyin:
    """Toneless pinyin with a per-character cache (whole-phrase conversion is too slow
    to index every name at start-up)."""

    MAX_VARIANTS = 4

    def __init__(self) -> None:
        self._readings: dict[str, tuple[str, ...]] = dict(_POLYPHONES)

    def _of(self, char: str) -> tuple[str, ...]:
        readings = self._readings.get(char)
        if readings is None:
            readings = (lazy_pinyin(char)[0],) if "\u3400" <= char <= "\u9fff" else (char,)
            self._readings[char] = readings
        return readings

    def variants(self, text: str) -> list[tuple[str, ...]]:
        """Up to MAX_VARIANTS readings of the text, one syllable per character.

        Not cached: queries are any text, and a cache of them would only grow."""
        options = itertools.product(*(self._of(c) for c in text))
        return list(itertools.islice(options, self.MAX_VARIANTS))

    def first(self, text: str) -> str:
        return "".join(self._of(c)[0] for c in text)


# --- the directory -------------------------------------------------------

_SPLIT_MARK = re.compile(r"街道|镇|乡|市|县|区|州")
# What is left of 永盛街社区 or 龙泉镇村 after taking off 永盛街 or 龙泉镇: no place name,
# so those words belong to the village name and are not a township in front of it.
_BARE_KIND = re.compile(
    r"(?:街道|街|道)?(?:省级)?(?:特殊)?(?:虚拟)?(?:村|社区|村委会|居委会|村民委员会|居民委员会|生活区)?"
)
_MIN_SCORE = 45.0
_MIN_SCORE_IN_CONTEXT = 20.0  # the person named the township: show its near names too
_CONTEXT_PENALTY = 0.8
_STRONG = 80.0  # a match this good under the places named is the village meant
_RELATIVE_CUT = 0.6  # names far weaker than the best of their group are noise, not choices
_SAME_NAME_SCORE = 95.0  # the name itself or the same sound
CROWDED = 5  # this many places of the same name: the dialog asks for the township


def _rank_key(found: tuple[int, float]) -> tuple[int, float]:
    """Places under the township the person named come first (people know their township
    better than the exact spelling of their village), then by score."""
    missed, score = found
    return missed, -score


def _found_named(best: dict[str, tuple[int, float]]) -> bool:
    """A good match under the places the person named makes the rest of Jilin noise."""
    return any(not missed and score >= _STRONG for missed, score in best.values())


class DivisionDirectory:
    """All divisions with the indexes the dialog needs, built once at start-up."""

    def __init__(self, rows: Iterable[Division]) -> None:
        self._by_code: dict[str, Division] = {}
        self._children: dict[str, list[Division]] = defaultdict(list)
        for row in rows:
            self._by_code[row.code] = row
            if row.parent_code:
                self._children[row.parent_code].append(row)
        for kids in self._children.values():
            kids.sort(key=lambda d: d.code)
        self._pinyin = _Pinyin()
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._short: dict[str, str] = {}
        for code in self._by_code:
            self._index_names(code)
        self._aliases, self._bare_cores = self._alias_index()
        self._alias_names = list(self._aliases)
        self._alias_pinyin: dict[str, list[str]] = defaultdict(list)
        for alias in self._alias_names:
            self._alias_pinyin[self._pinyin.first(alias)].append(alias)
        self._pools: dict[str | None, _Pool] = {}
        self._same_name: defaultdict[tuple[str, str], list[str]] | None = None
        self._pool("village")  # the common case: ready before the first person asks

    def _index_names(self, code: str) -> None:
        """Ancestor codes and short names, parents first (rows may come in any order)."""
        if code in self._ancestors:
            return
        division = self._by_code[code]
        parent = division.parent_code if division.parent_code in self._by_code else None
        if parent is None:
            self._ancestors[code] = ()
            self._short[code] = short_name(division.name)
            return
        self._index_names(parent)
        self._ancestors[code] = (*self._ancestors[parent], parent)
        parent_names = set()
        for ancestor in self._ancestors[code]:
            parent_names |= {self._by_code[ancestor].name, *_aliases(self._short[ancestor])}
        self._short[code] = short_name(division.name, parents=parent_names)

    def _alias_index(self) -> tuple[dict[str, set[str]], set[str]]:
        """Written forms of every higher place, and the bare cores among them that people
        also type in front of a village ("洮北新兴", "坦途双宝")."""
        aliases: dict[str, set[str]] = defaultdict(set)
        written: set[str] = set()
        for code, division in self._by_code.items():
            if division.level != "village":
                short = _normalise(self._short[code])
                forms = _aliases(short) | {_normalise(division.name)}
                written |= forms
                for alias in forms | {_core(short)}:
                    if len(alias) >= 2:
                        aliases[alias].add(code)
        return aliases, aliases.keys() - written

    # --- navigation ---

    def get(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def children(self, code: str) -> list[Division]:
        """Direct children sorted by code, for step-by-step buttons."""
        return list(self._children.get(code, ()))

    def path(self, code: str) -> list[Division]:
        """Province → … → the division itself; empty for an unknown code."""
        if code not in self._by_code:
            return []
        return [self._by_code[c] for c in (*self._ancestors[code], code)]

    def display_name(self, code: str) -> str:
        """The short name of one division (without repeated ancestors or 委员会)."""
        return self._short[code]

    def full_name(self, code: str, *, from_level: str = "city") -> str:
        """E.g. "延边朝鲜族自治州 延吉市 依兰镇 春兴村", starting at `from_level`."""
        start = LEVELS.index(from_level)
        return " ".join(
            self._short[d.code] for d in self.path(code) if LEVELS.index(d.level) >= start
        )

    def distinct_name(self, code: str) -> str:
        """A name no other place shares: 东丰镇仁义村 (仁义村 alone is four villages), with the
        county and so on in front only where the township and the village names repeat."""
        path = [d for d in self.path(code) if d.level != "province"]
        if not path:
            return ""
        level = path[-1].level
        namesakes = [
            [self._short[d.code] for d in self.path(other) if d.level != "province"]
            for other in self._namesakes()[(level, self._short[code])]
            if other != code
        ]
        names = [self._short[d.code] for d in path]
        size = min(2 if level == "village" else 1, len(names))
        while size < len(names) and any(n[-size:] == names[-size:] for n in namesakes):
            size += 1
        return "".join(names[-size:])

    def _namesakes(self) -> dict[tuple[str, str], list[str]]:
        """Codes by level and short name (built on first use)."""
        if self._same_name is None:
            self._same_name = defaultdict(list)
            for code, division in self._by_code.items():
                self._same_name[(division.level, self._short[code])].append(code)
        return self._same_name

    def is_within(self, code: str, ancestor: str) -> bool:
        return code == ancestor or ancestor in self._ancestors.get(code, ())

    # --- search ---

    def search(
        self,
        query: str,
        *,
        within: str | None = None,
        level: str | None = "village",
        limit: int = 8,
    ) -> list[Match]:
        """Best matches for a typed place name, best first.

        Higher levels written in front ("依兰镇春兴村", "洮北新兴") put the places under them
        first; names are compared exactly, by prefix, by substring, fuzzily and by sound.
        """
        return self._ranked(query, within, level)[:limit]

    def search_page(
        self,
        query: str,
        *,
        within: str | None = None,
        level: str | None = "village",
        page: int = 0,
        per_page: int = 8,
    ) -> SearchPage:
        """Page `page` (from 0) of `search`, with whether more pages follow and whether so
        many places share the name that the person should add the township."""
        ranked = self._ranked(query, within, level)
        start = max(page, 0) * per_page
        same_name = sum(1 for m in ranked if m.score >= _SAME_NAME_SCORE)
        return SearchPage(
            matches=ranked[start : start + per_page],
            page=max(page, 0),
            more=len(ranked) > start + per_page,
            crowded=same_name >= CROWDED,
        )

    def _ranked(self, query: str, within: str | None, level: str | None) -> list[Match]:
        text = _normalise(_strip_parentheses("".join(unicodedata.normalize("NFKC", query).split())))
        if not text:
            return []
        pool = self._pool(level)
        best: dict[str, tuple[int, float]] = {}
        readings = self._readings(text)
        for contexts, rest in readings:
            if _found_named(best):
                break  # the first reading found the village: the others cannot beat it
            under = [pool.under(ctx) for ctx in contexts]
            for index, score in pool.scores(_core(short_name(rest)), self._pinyin).items():
                missed = sum(not any(index in span for span in spans) for spans in under)
                if missed and score * _CONTEXT_PENALTY < _MIN_SCORE:
                    continue  # outside the places named and too weak to show anyway
                score *= _CONTEXT_PENALTY**missed
                if score < (_MIN_SCORE_IN_CONTEXT if contexts and not missed else _MIN_SCORE):
                    continue
                code = pool.codes[index]
                if within and not self.is_within(code, within):
                    continue
                if code not in best or _rank_key((missed, score)) < _rank_key(best[code]):
                    best[code] = (missed, score)
        top: dict[int, float] = defaultdict(float)  # compared within each group
        for missed, score in best.values():
            top[missed] = max(top[missed], score)
        strong = _found_named(best)
        ranked = sorted(
            (*_rank_key((missed, score)), code)
            for code, (missed, score) in best.items()
            if score >= _RELATIVE_CUT * top[missed] and not (strong and missed)
        )
        return [Match(self._by_code[code], round(-neg, 1)) for _, neg, code in ranked]

    def _pool(self, level: str | None) -> _Pool:
        if level not in self._pools:
            codes = sorted(
                (c for c, d in self._by_code.items() if level is None or d.level == level),
                key=lambda c: (self._ancestors[c], c),
            )  # in tree order: the names below any place are one span
            self._pools[level] = _Pool(
                codes,
                [self._short[c] for c in codes],
                [self._ancestors[c] for c in codes],
                self._pinyin,
            )
        return self._pools[level]

    def _readings(self, text: str) -> list[tuple[list[frozenset[str]], str]]:
        """Ways to split leading higher places off the query, as (places, rest):
        延吉市依兰镇春兴 → [延吉市, 依兰镇] + 春兴.

        A bare core taken off (烧锅峰 → 烧锅 + 峰) may as well be the start of the village's
        own name (烧锅岭村), so the split that stops before it is a second reading.
        """
        contexts: list[frozenset[str]] = []
        readings = []
        while True:
            found = self._exact_prefix(text) or self._fuzzy_prefix(text)
            if not found or _BARE_KIND.fullmatch(text[found[1] :]):
                return [(contexts, text), *readings]
            codes, length = found
            if not readings and text[:length] in self._bare_cores:
                readings.append((list(contexts), text))
            contexts.append(frozenset(codes))
            text = text[length:]

    def _exact_prefix(self, text: str) -> tuple[set[str], int] | None:
        for length in range(len(text) - 1, 1, -1):
            codes = self._aliases.get(text[:length])
            if codes:
                return codes, length
        return None

    def _fuzzy_prefix(self, text: str) -> tuple[set[str], int] | None:
        """A mistyped township or county before the village: 依栏镇春兴 → 依兰镇."""
        for mark in _SPLIT_MARK.finditer(text):
            head = text[: mark.end()]
            if mark.start() < 2 or len(text) - len(head) < 2:
                continue
            names = self._alias_pinyin.get(self._pinyin.first(head)) or self._similar_alias(head)
            if names:
                return set().union(*(self._aliases[n] for n in names)), len(head)
        return None

    def _similar_alias(self, head: str) -> list[str]:
        best = process.extractOne(head, self._alias_names, scorer=fuzz.ratio, score_cutoff=75)
        return [best[0]] if best else []


class _Pool:
    """Searchable names of one level: core text and pinyin spellings."""

    def __init__(
        self, codes: list[str], names: list[str], ancestry: list[tuple[str, ...]], spell: _Pinyin
    ) -> None:
        self.codes = codes
        self._ancestry = ancestry
        self._spans: dict[str, range] | None = None  # built when first asked
        self.cores = [_normalise(_core(n)) for n in names]
        self._by_core: dict[str, list[int]] = defaultdict(list)
        for i, core in enumerate(self.cores):
            self._by_core[core].append(i)
        # All cores in one string, so "which names contain the query" is one C-speed find
        # per hit instead of a Python loop over every name. Normalised text has no newline.
        self._joined = "\n".join(self.cores)
        self._starts = list(itertools.accumulate((len(c) + 1 for c in self.cores[:-1]), initial=0))
        readings = {core: spell.variants(core) for core in self._by_core}
        spelled = [
            (syllables, i) for i, core in enumerate(self.cores) for syllables in readings[core]
        ]
        self._spellings = ["".join(syllables) for syllables, _ in spelled]
        self._owner = [i for _, i in spelled]
        # The same trick for sounds, syllables apart: homophones of the start of a name
        # (双保 → 双宝岱), whole syllables only.
        sounds = [SYLLABLE.join(syllables) for syllables, _ in spelled]
        self._sounds = "\n".join(sounds) + "\n"
        self._sound_starts = array(
            "l", itertools.accumulate((len(x) + 1 for x in sounds[:-1]), initial=0)
        )

    def under(self, places: Iterable[str]) -> list[range]:
        """Positions of the names below any of the places (codes of higher divisions)."""
        if self._spans is None:
            self._spans = {}
            for i, ancestors in enumerate(self._ancestry):
                for ancestor in ancestors:
                    start = self._spans.get(ancestor, range(i, i)).start
                    self._spans[ancestor] = range(start, i + 1)
        return [self._spans[code] for code in places if code in self._spans]

    def scores(self, query: str, spell: _Pinyin) -> dict[int, float]:
        """Score names against the query core; only plausible ones are returned."""
        if not query:
            return {}
        best = self._fuzzy(query, spell)
        for i, score in itertools.chain(self._literal(query), self._sound_pieces(query, spell)):
            best[i] = max(best.get(i, 0.0), score)
        return best

    def _sound_pieces(self, query: str, spell: _Pinyin) -> Iterator[tuple[int, float]]:
        """Names whose sound starts with or contains the query's whole syllables: a
        homophone of part of the name scores a little below the written part would."""
        if len(query) < 2 or query.isascii() or "\n" in query:
            return
        for sound in map(SYLLABLE.join, spell.variants(query)):
            at = self._sounds.find(sound)
            while at != -1:
                j = bisect.bisect_right(self._sound_starts, at) - 1
                end = at + len(sound)
                if (
                    at == self._sound_starts[j] or self._sounds[at - 1] == SYLLABLE
                ) and self._sounds[end] in (SYLLABLE, "\n"):
                    i = self._owner[j]
                    extra = min(10, len(self.cores[i]) - len(query))
                    yield i, (85.0 if at == self._sound_starts[j] else 75.0) - extra
                at = self._sounds.find(sound, at + 1)

    def _literal(self, query: str) -> Iterator[tuple[int, float]]:
        """Exact, prefix and substring matches of the written name."""
        for i in self._by_core.get(query, ()):
            yield i, 100.0
        n = len(query)
        if n < 2:
            return
        # A newline is the separator in the joined names, so it can match no name.
        at = -1 if "\n" in query else self._joined.find(query)
        while at != -1:  # names that contain the query
            i = bisect.bisect_right(self._starts, at) - 1
            core = self.cores[i]
            if core != query:
                yield i, (90.0 if at == self._starts[i] else 80.0) - min(10, len(core) - n)
            at = self._joined.find(query, self._starts[i] + len(core) + 1)
        pieces = {query[s : s + k] for k in range(2, n) for s in range(n - k + 1)}
        for piece in pieces:  # names the query contains
            for i in self._by_core.get(piece, ()):
                yield i, 70.0 * len(piece) / n

    def _fuzzy(self, query: str, spell: _Pinyin) -> dict[int, float]:
        """Same sound → 95 (homophone or typed pinyin); otherwise spelling and sound
        similarity together, so one wrong character beats a shorter name."""
        typed = {query, _PINYIN_SUFFIX.sub("", query)} if query.isascii() else {spell.first(query)}
        sounds: dict[int, float] = {}
        for sound in typed:
            for _, score, j in process.extract(
                sound, self._spellings, scorer=fuzz.ratio, limit=None, score_cutoff=60
            ):
                owner = self._owner[j]
                sounds[owner] = max(sounds.get(owner, 0.0), score)
        if query.isascii():
            return {i: 95.0 if s == 100 else 0.85 * s for i, s in sounds.items()}
        texts = {
            i: 100 * score
            for _, score, i in process.extract(
                query, self.cores, scorer=Levenshtein.normalized_similarity, limit=None,
                score_cutoff=0.3,
            )
        }  # fmt: skip
        found = {}
        for i in texts.keys() | sounds.keys():
            sound = sounds.get(i, 0.0)
            score = 95.0 if sound == 100 else 0.85 * (texts.get(i, 0.0) + sound) / 2
            if score >= _MIN_SCORE_IN_CONTEXT:  # weaker names are never shown
                found[i] = score
        return found
