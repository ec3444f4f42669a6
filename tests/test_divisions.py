from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dialogs.divisions import CROWDED, Division, DivisionDirectory, Match, short_name

DATA = Path(__file__).resolve().parent.parent / "storage" / "data" / "jilin_divisions.csv"

CHUNXING = "222401101201"  # 延边朝鲜族自治州 延吉市 依兰镇 春兴村委会
YILAN = "222401101000"
SHAOGUOLING = "220103171309"  # 长春市 宽城区 合隆镇 烧锅岭村委会（合隆经济开发区）（省级）


def load_rows() -> list[Division]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return [
            Division(r["code"], r["name"], r["level"], r["parent_code"] or None)
            for r in csv.DictReader(f)
        ]


@pytest.fixture(scope="module")
def rows() -> list[Division]:
    return load_rows()


@pytest.fixture(scope="module")
def directory(rows) -> DivisionDirectory:
    return DivisionDirectory(rows)


def codes(matches: list[Match]) -> list[str]:
    return [m.division.code for m in matches]


# --- building and navigation ---------------------------------------------


def test_file_is_the_documented_edition(rows):
    assert len(rows) == 13_014
    assert Counter(r.level for r in rows) == {
        "province": 1, "city": 9, "county": 69, "township": 1_075, "village": 11_860,
    }  # fmt: skip


def test_children(directory, rows):
    cities = directory.children("220000000000")
    assert len(cities) == 9
    assert [c.code for c in cities] == sorted(c.code for c in cities)
    assert {c.level for c in cities} == {"city"}
    biggest, count = Counter(r.parent_code for r in rows if r.level == "village").most_common(1)[0]
    assert directory.get(biggest).name == "怀德镇"
    assert len(directory.children(biggest)) == count == 54
    assert directory.children(CHUNXING) == []
    assert directory.children("nope") == []


def test_get_path_and_full_name(directory):
    assert directory.get(CHUNXING).name == "春兴村委会"
    assert directory.get("000000000000") is None
    assert [d.level for d in directory.path(CHUNXING)] == [
        "province", "city", "county", "township", "village",
    ]  # fmt: skip
    assert directory.path("000000000000") == []
    assert directory.full_name(CHUNXING) == "延边朝鲜族自治州 延吉市 依兰镇 春兴村"
    assert directory.full_name(CHUNXING, from_level="township") == "依兰镇 春兴村"
    assert directory.full_name(CHUNXING, from_level="province").startswith("吉林省 ")


def test_rows_in_any_order_build_the_same_tree(rows):
    reordered = DivisionDirectory(list(reversed(rows)))
    assert reordered.full_name(CHUNXING) == "延边朝鲜族自治州 延吉市 依兰镇 春兴村"


# --- short names ----------------------------------------------------------

SHORT_NAMES = [
    ("春兴村委会", "春兴村"),
    ("九龙村委会", "九龙村"),
    ("向阳村", "向阳村"),
    ("华阳社区", "华阳社区"),
    ("富强社区居民委员会", "富强社区"),
    ("临江社区居委会", "临江社区"),
    ("兰家大街居委会", "兰家大街"),
    ("二三八居委会", "二三八"),
    ("驿马村委", "驿马村"),
    ("南岗村子委会", "南岗村"),
    ("漫江村（部分）", "漫江村"),
    ("新月村委会（新月工业小区）（省级）", "新月村"),
    ("朱家园子村委会（合隆经济开发区）（省级）", "朱家园子村"),
    ("永胜村（天岗石材开发区）（省级）", "永胜村"),
    ("站前社区（白河）", "站前社区"),
    ("英义社区（农场）", "英义社区"),
    ("园艺场（特殊村委会）", "园艺场"),
    ("松原农业高新技术产业开发区（省级）（特殊村委会）", "松原农业高新技术产业开发区"),
    ("（工业园区）城南街道", "城南街道"),
    ("三道林场生活区生活区", "三道林场生活区"),
    ("洼中高农场虚拟生活区", "洼中高农场虚拟生活区"),
    ("依兰镇", "依兰镇"),
    ("延边朝鲜族自治州", "延边朝鲜族自治州"),
]


@pytest.mark.parametrize(("name", "expected"), SHORT_NAMES)
def test_short_name(name, expected):
    assert short_name(name) == expected


def test_real_suffix_variants_are_in_the_file(rows):
    names = {r.name for r in rows}
    assert {name for name, _ in SHORT_NAMES} <= names


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("220303100200", "山门村"),  # 四平市铁东区山门镇山门村村民委员会
        ("220303100201", "头道村"),  # 四平市铁东区山门镇头道村民委员会
        ("220303001004", "辉煌社区"),  # 四平市铁东区平东街辉煌社区居民委员会
        ("220303101002", "二龙社区"),  # 石岭镇二龙社区居民委员会
        ("220303001000", "平东街道"),  # 四平市铁东区平东街道
        ("220184402598", "公主岭市种猪场虚拟生活区"),  # nothing distinctive would be left
    ],
)
def test_display_name_drops_repeated_ancestors(directory, code, expected):
    assert directory.display_name(code) == expected


def test_short_name_with_parents_keeps_a_meaningful_name():
    assert short_name("北正镇村委会", parents=["北正镇"]) == "北正镇村"
    assert short_name("团山街社区", parents=["团山街道", "团山街"]) == "团山街社区"


# --- search ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "春兴村委会",
        "春兴村",
        "春兴",
        " 春 兴 村 ",
        "依兰镇春兴村",
        "延吉市依兰镇春兴",
        "延边州延吉市依兰镇春兴村",
    ],
)
def test_search_exact_forms(directory, query):
    best = directory.search(query)[0]
    assert best.division.code == CHUNXING
    assert best.score == 100


@pytest.mark.parametrize("query", ["chunxing", "chunxingcun", "Chun Xing", "ｃｈｕｎｘｉｎｇ"])
def test_search_by_pinyin(directory, query):
    assert codes(directory.search(query))[0] == CHUNXING


def test_search_by_homophone(directory):
    assert codes(directory.search("春星村"))[0] == CHUNXING
    assert codes(directory.search("烧锅领"))[0] == SHAOGUOLING


def test_search_with_one_wrong_character(directory, rows):
    assert not {"烧锅峰村委会", "春木村委会"} & {r.name for r in rows}
    assert codes(directory.search("烧锅峰村"))[0] == SHAOGUOLING
    assert codes(directory.search("依兰镇春木村"))[0] == CHUNXING


def test_typed_township_and_a_real_name_elsewhere_are_both_offered(directory):
    offered = [directory.get(c).name for c in codes(directory.search("依兰镇春光村"))]
    assert "春兴村委会" in offered
    assert any(name.startswith("春光村") for name in offered)


def test_search_with_a_mistyped_township(directory):
    assert codes(directory.search("依栏镇春兴"))[0] == CHUNXING


def test_polyphone_place_names_match_either_reading(directory):
    spelled = codes(directory.search("changxing"))
    assert spelled and all(directory.get(c).name.startswith("长兴") for c in spelled[:3])


# --- the sloppy inputs of issue 19 -----------------------------------------

TAOBEI = "220802000000"  # 白城市 洮北区
TAOBEI_XINXING = {"220802009006", "220802101212"}  # 新华街道 新兴社区, 青山镇 新兴村
TANTU = "220821101000"  # 白城市 镇赉县 坦途镇
SHUANGBAODAI = "220821101208"  # 坦途镇 双宝岱村委会


def test_the_real_places_of_the_examples(directory, rows):
    xinxing = [r for r in rows if r.level == "village" and short_name(r.name) == "新兴村"]
    assert len(xinxing) > 20
    assert {c for c in TAOBEI_XINXING if directory.is_within(c, TAOBEI)} == TAOBEI_XINXING
    assert directory.full_name(SHUANGBAODAI) == "白城市 镇赉县 坦途镇 双宝岱村"


@pytest.mark.parametrize(
    "query", ["洮北新兴", "洮北新兴村", "洮北区 新兴", "白城洮北新兴", "洮北新星"]
)
def test_county_word_in_front_narrows_to_that_county(directory, query):
    found = codes(directory.search(query))
    assert set(found[:2]) == TAOBEI_XINXING
    assert all(directory.is_within(c, TAOBEI) for c in found)


@pytest.mark.parametrize(
    "query", ["坦途双宝", "坦途双保", "坦途镇双宝", "镇赉双宝岱", "双保", "双宝带"]
)
def test_township_word_and_homophones_find_shuangbaodai(directory, query):
    assert codes(directory.search(query))[0] == SHUANGBAODAI


def test_township_word_in_front_shows_only_that_township(directory):
    assert codes(directory.search("坦途双宝")) == [SHUANGBAODAI]
    assert codes(directory.search("洮北区青山镇新兴")) == ["220802101212"]


@pytest.mark.parametrize(
    ("query", "meant"),
    [("烧锅峰村", SHAOGUOLING), ("太平山", None)],  # 烧锅镇 and 太平镇 exist too
)
def test_a_name_starting_like_a_township_is_still_found(directory, query, meant):
    found = directory.search(query)
    if meant:
        assert found[0].division.code == meant
    else:
        assert {directory.display_name(m.division.code) for m in found} == {"太平山村"}


def test_pages_of_a_crowded_name(directory):
    first = directory.search_page("新兴")
    assert len(first.matches) == 8 and first.more and first.crowded and first.page == 0
    pages, page = [first], first
    while page.more:
        page = directory.search_page("新兴", page=page.page + 1)
        pages.append(page)
    listed = [m for p in pages for m in p.matches]
    assert listed == directory.search("新兴", limit=len(listed) + 1)
    assert len({m.division.code for m in listed}) == len(listed)
    assert sum(directory.display_name(m.division.code) == "新兴村" for m in listed) > 20
    assert not pages[-1].more and pages[-1].matches


@pytest.mark.parametrize(
    ("query", "crowded"),
    [("太平村", True), ("新兴", True), ("米沙子镇太平村", False), ("洮北新兴", False),
     ("双宝岱", False), ("春兴", False)],
)  # fmt: skip
def test_crowded_means_many_places_of_that_name(directory, query, crowded):
    page = directory.search_page(query)
    assert page.crowded is crowded
    same = sum(m.score >= 95 for m in directory.search(query, limit=100))
    assert (same >= CROWDED) is crowded


def test_a_short_list_has_no_more_page(directory):
    page = directory.search_page("洮北新兴")
    assert not page.more and not page.crowded
    assert {m.division.code for m in page.matches} == TAOBEI_XINXING


def test_crowded_is_counted_within_the_chosen_county(directory):
    assert directory.search_page("太平村").crowded
    within = directory.search_page("太平村", within="222426000000")  # 安图县
    assert not within.crowded
    assert all(directory.is_within(m.division.code, "222426000000") for m in within.matches)


DUPLICATE = "太平村委会"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("米沙子镇太平村", "220103101206"),
        ("新立镇太平村", "220182106206"),
        ("双阳区太平镇太平村", "220112105209"),
        ("安图县万宝镇太平村", "222426105208"),
        ("靠山镇太平", "220323105201"),
    ],
)
def test_township_prefix_picks_the_right_duplicate(directory, rows, query, expected):
    assert sum(r.name == DUPLICATE for r in rows) > 20
    results = directory.search(query)
    assert results[0].division.code == expected
    assert results[0].division.name == DUPLICATE
    # the other 太平村 of Jilin are not in the way once the township is named
    township = directory.get(expected).parent_code
    assert all(directory.is_within(c, township) for c in codes(results))


def test_duplicates_without_prefix_are_all_offered(directory):
    results = directory.search("太平村", limit=30)
    assert len(results) == 30
    assert {m.score for m in results[:20]} == {100}


def test_search_within_restricts_to_descendants(directory):
    results = directory.search("太平村", within="222426000000")  # 安图县
    assert codes(results)[0] == "222426105208"
    assert all(directory.is_within(c, "222426000000") for c in codes(results))
    assert CHUNXING not in codes(directory.search("春兴", within="220100000000"))  # 长春市


def test_search_other_levels(directory):
    assert codes(directory.search("依兰镇", level="township"))[0] == YILAN
    assert codes(directory.search("依兰", level="township"))[0] == YILAN
    assert codes(directory.search("延边州", level="city"))[0] == "222400000000"
    anything = directory.search("依兰", level=None)
    assert YILAN in codes(anything)


def test_search_results_are_ranked_and_limited(directory):
    results = directory.search("新立", limit=5)
    assert len(results) == 5
    scores = [m.score for m in results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["", "   ", "？？", "xyzqwv", "完全不存在的地方名字"])
def test_search_nothing_found(directory, query):
    assert directory.search(query) == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=20), st.sampled_from(["village", "township", None]))
def test_property_search_never_fails(directory, text, level):
    for match in directory.search(text, level=level):
        assert 0 < match.score <= 100


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="太平新兴村镇洮北坦途双宝岱 ", max_size=8), st.integers(1, 9))
def test_property_pages_cover_the_ranking_once(directory, text, per_page):
    ranked = directory.search(text, limit=10_000)
    listed, page = [], 0
    while True:
        found = directory.search_page(text, page=page, per_page=per_page)
        listed += found.matches
        if not found.more:
            break
        page += 1
    assert listed == ranked


def _literal_by_scanning(cores: list[str], query: str) -> dict[int, float]:
    """The plain definition of the literal scores: compare the query with every name."""
    best: dict[int, float] = {}
    for i, core in enumerate(cores):
        if core == query:
            score = 100.0
        elif len(query) < 2:
            continue
        elif core.startswith(query):
            score = 90.0 - min(10, len(core) - len(query))
        elif query in core:
            score = 80.0 - min(10, len(core) - len(query))
        elif len(core) >= 2 and core in query:
            score = 70.0 * len(core) / len(query)
        else:
            continue
        best[i] = max(best.get(i, 0.0), score)
    return best


@st.composite
def typed_names(draw, cores: list[str]) -> str:
    """What people type around real names: a piece of one, one with more around it, two run
    together, or anything at all."""
    core = draw(st.sampled_from(cores))
    start = draw(st.integers(0, len(core)))
    piece = core[start : draw(st.integers(start, len(core)))]
    other = draw(st.sampled_from(cores))
    return draw(st.sampled_from([
        piece, core, draw(st.text(max_size=2)) + core + draw(st.text(max_size=2)),
        core + other[: draw(st.integers(0, len(other)))], draw(st.text(max_size=6)),
    ]))  # fmt: skip


def test_property_literal_matches_equal_a_scan_of_every_name(directory):
    pool = directory._pool("village")

    @settings(max_examples=400, deadline=None)
    @given(typed_names(pool.cores))
    @example(pool.cores[0] + "\n")  # the joined names' separator must not hide names inside it
    def check(query):
        found: dict[int, float] = {}
        for i, score in pool._literal(query):
            found[i] = max(found.get(i, 0.0), score)
        assert found == _literal_by_scanning(pool.cores, query)

    check()


# --- distinct names (what committees are called) -----------------------------------------


def test_a_village_is_named_with_its_township_and_the_county_only_where_needed(directory):
    assert directory.distinct_name("220421100202") == "东丰镇仁义村"  # four 仁义村 in Jilin
    assert directory.distinct_name("222401100201") == "小营镇光进村"
    assert directory.distinct_name("222426105203") == "安图县万宝镇万宝村"  # 宽城区 has one too
    assert directory.distinct_name("222401100000") == "小营镇"  # a township desk
    assert directory.distinct_name("no such code") == ""


def test_no_two_villages_or_townships_share_a_distinct_name(directory, rows):
    named = Counter(
        directory.distinct_name(r.code) for r in rows if r.level in ("village", "township")
    )
    assert [name for name, n in named.items() if n > 1] == []
