"""What a /start payload is: an invite (the review router's), a village poster's, or anything
else (the form starts as usual)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.invites import is_invite_token, new_token
from services.posters import telegram_link, village_of, village_payload, web_link

VILLAGE = "220821101208"


def test_an_invite_token_is_recognised_by_its_shape():
    assert is_invite_token(new_token())
    for other in ("hello", "", None, village_payload(VILLAGE), new_token()[:-1], "é" * 43):
        assert not is_invite_token(other)


def test_a_village_payload_names_its_village_only():
    assert village_of(village_payload(VILLAGE)) == VILLAGE
    for other in ("hello", None, "", "v123", f"v{VILLAGE}0", f"x{VILLAGE}", f"v{VILLAGE}\n"):
        assert village_of(other) is None


@given(st.text(max_size=80))
def test_property_no_payload_is_both_an_invite_and_a_village(payload):
    assert not (is_invite_token(payload) and village_of(payload))


def test_poster_links_carry_the_village():
    assert telegram_link("@jilin_bot", VILLAGE) == f"https://t.me/jilin_bot?start=v{VILLAGE}"
    assert web_link("https://dengji.example.cn/", VILLAGE) == f"https://dengji.example.cn/?v={VILLAGE}"
