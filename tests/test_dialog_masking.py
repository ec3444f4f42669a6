"""dialogs/masking.py: the one way personal numbers are shown in chat, lists, logs, exports."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dialogs.masking import mask_id, mask_phone, mask_text
from testkit.fakes import fake_id_number


def test_ids_keep_region_and_last_four_phones_first_three_and_last_four():
    assert mask_id("22240119560312123X") == "222401********123X"
    assert mask_id("123") == "***"
    assert mask_id(None) == ""
    assert mask_phone("+8613912345678") == "139****5678"
    assert mask_phone("0433-1234567") == "043*****4567"
    assert mask_phone(None) == ""


births = st.dates(min_value=date(1920, 1, 1), max_value=date(2005, 12, 31))


@given(births, st.integers(0, 99), st.integers(10**9, 10**10 - 1))
def test_text_masks_every_id_and_phone_in_it_the_same_way(birth, seq, subscriber):
    number = fake_id_number(birth, seq=seq)
    phone = f"1{subscriber}"
    text = f"ID {number}，电话 +86{phone}；又 {number.lower()}、{phone}。更新 12345"
    masked = mask_text(text)
    for secret in (number, number.lower(), phone, number[6:14]):
        assert secret not in masked
    assert mask_id(number) in masked and mask_phone(phone) in masked
    assert "更新 12345" in masked  # short numbers (update ids, counts) stay readable
