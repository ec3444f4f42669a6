"""dialogs/callbacks.py: every button data round-trips, and all the dialog can build fits the
smallest channel limit we serve (Telegram's 64 bytes); anything else is refused, never raised."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialogs import callbacks
from dialogs.callbacks import ACTIONS, REVIEW_ARITY, Action, Answer, ReviewAction
from dialogs.form import FIELDS, MORE_AWARDS_KEY, Kind
from dialogs.parsing import DONE, SKIP
from tests.dialog_driver import directory

TELEGRAM = 64
KEYS = sorted((*FIELDS, MORE_AWARDS_KEY))
AWARDS = st.one_of(st.none(), st.integers(0, 99))  # far more awards than anyone has
DIVISION_PAYLOADS = ("h" + max(d.code for d in directory().children("220000000000")),
                     "p9999", "up")  # every division code has the same twelve digits


def payloads_of(key: str) -> list[str]:
    """Every payload a button of this question can carry."""
    f = FIELDS.get(key)
    if f is None:
        return ["more", "done"]
    found = [o.code for o in f.options] + [f"q{i}" for i in range(len(f.quick))] + [SKIP, DONE]
    if f.kind is Kind.DIVISION:
        found += DIVISION_PAYLOADS
    return found


@given(key=st.sampled_from(KEYS), award=AWARDS, data=st.data())
def test_every_answer_button_round_trips_within_the_limit(key, award, data):
    payload = data.draw(st.sampled_from(payloads_of(key)))
    question = callbacks.token(key, award)
    raw = callbacks.answer(question, payload)
    assert callbacks.fits(raw, TELEGRAM) and callbacks.well_formed(raw, TELEGRAM)
    assert callbacks.decode(raw) == Answer(question, payload)
    assert callbacks.payload(raw, question) == payload and not callbacks.stale(raw, question)
    other = callbacks.token(key, 100 if award is None else None)
    assert callbacks.stale(raw, other) and callbacks.payload(raw, other) is None


@given(name=st.sampled_from(sorted(ACTIONS)), argument=st.sampled_from(
    ["", "name#", "document_photos#99", "ministry_confirmed_by_mop#99", "99:yes", "0:no"]))
def test_every_action_round_trips_within_the_limit(name, argument):
    raw = callbacks.action(name, argument)
    assert callbacks.fits(raw, TELEGRAM) and callbacks.well_formed(raw, TELEGRAM)
    assert callbacks.decode(raw) == Action(name, argument)


def test_every_review_verb_round_trips_within_the_limit():
    big = 999_999_999
    for verb, arity in REVIEW_ARITY.items():
        raw = callbacks.review(verb, *[big] * arity)
        assert callbacks.review_action(raw, TELEGRAM) == ReviewAction(verb, (big,) * arity)
        assert not callbacks.well_formed(raw, TELEGRAM)  # not the registration dialog's


def test_the_channel_sets_the_limit():
    raw = callbacks.answer(callbacks.token("ministry_confirmed_by_mop", 12), "unsure")
    assert callbacks.well_formed(raw, TELEGRAM) and not callbacks.well_formed(raw, len(raw) - 1)
    review = callbacks.review("retr", 123456789, 5, 2)
    assert callbacks.review_action(review, len(review)) is not None
    assert callbacks.review_action(review, len(review) - 1) is None


def test_a_channel_without_a_limit_accepts_long_data_but_not_forged_data():
    long_answer = callbacks.answer(callbacks.token("ministry_confirmed_by_mop", 12), "q" * 200)
    assert not callbacks.well_formed(long_answer, TELEGRAM)
    assert callbacks.well_formed(long_answer, None)
    assert not callbacks.well_formed("nobody|" + "q" * 200, None)
    assert callbacks.review_action(callbacks.review("open", 7), None) == ReviewAction("open", (7,))


@given(st.text(max_size=100))
def test_anything_decodes_to_something_we_build_or_to_none(raw):
    decoded = callbacks.decode(raw)
    if isinstance(decoded, Answer):
        assert callbacks.answer(decoded.token, decoded.payload) == raw
    elif isinstance(decoded, Action):
        assert callbacks.action(decoded.name, decoded.argument) == raw
    elif isinstance(decoded, ReviewAction):
        assert callbacks.review(decoded.verb, *decoded.args) == raw
    if callbacks.well_formed(raw, TELEGRAM):
        assert isinstance(decoded, Answer | Action) and callbacks.fits(raw, TELEGRAM)
