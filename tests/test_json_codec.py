"""The fast JSON writer writes what the standard module writes."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from storage import json_codec

FINITE = st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.none() | st.booleans() | st.integers() | st.text() | FINITE
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=20,
)


def standard(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(VALUES)
@example({"nav": {"page": 10**40}, "name": "张三\u0000😀"})  # beyond 64 bits: a forged button
@example({1: "一", "2": "二"})  # an integer key becomes text, as json.dumps makes it
def test_same_data_as_the_standard_module(value) -> None:
    assert json.loads(json_codec.dumps(value)) == json.loads(standard(value))
