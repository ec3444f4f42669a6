"""Drafts stored with the buttons' words upgrade to option codes (dialogs/legacy.py, migration
0005): every option of every field, twice without harm, and back again on downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from hypothesis import given
from hypothesis import strategies as st

from dialogs.form import AWARD_FIELDS, FIELDS, PERSON_FIELDS, SCREEN_FIELDS, Kind
from dialogs.legacy import AWARD_LABELS, PERSON_LABELS, downgrade_answers, upgrade_answers
from dialogs.model import Draft
from storage.uow import alembic_config
from tests.dialog_driver import DialogChat

STORED_CHOICES = {f.key for f in FIELDS.values() if f.kind is Kind.CHOICE}
OLD_LABELS = {**PERSON_LABELS, **AWARD_LABELS}
RETIRED = {"serving"}  # asked then; now a 人员类别 option, old drafts still hold the answer
ADDED = {"person_category": {"serving"}}  # codes that never had stored words


def test_every_option_of_every_stored_choice_has_its_old_words():
    assert set(OLD_LABELS) - RETIRED == STORED_CHOICES
    for key, table in OLD_LABELS.items():
        if key in RETIRED:
            continue
        codes = {o.code for o in FIELDS[key].options} - ADDED.get(key, set())
        assert set(table.values()) == codes, key
        assert len(set(table)) == len(table), key


def _answers(fields, labels):
    """Answers as an older release stored them: words for choices, anything for the rest."""
    def value(f):
        if f.key in labels:
            return st.sampled_from(sorted(labels[f.key]))
        return st.one_of(st.none(), st.text(max_size=8), st.lists(st.integers(1, 9), max_size=2))

    return st.fixed_dictionaries({}, optional={f.key: value(f) for f in fields})


old_states = st.fixed_dictionaries({
    "person": _answers((*SCREEN_FIELDS, *PERSON_FIELDS), PERSON_LABELS),
    "awards": st.lists(_answers(AWARD_FIELDS, AWARD_LABELS), max_size=3),
    "stopped": st.none(), "flags": st.just([]),
})  # fmt: skip


@given(old_states)
def test_upgrade_is_lossless_idempotent_and_leaves_only_codes(old):
    new = upgrade_answers(old)
    assert upgrade_answers(new) == new
    assert downgrade_answers(new) == old
    pairs = [(new["person"], PERSON_LABELS), *((a, AWARD_LABELS) for a in new["awards"])]
    for answers, tables in pairs:
        for key in answers.keys() & tables.keys():
            assert FIELDS[key].option(answers[key]) is not None, (key, answers[key])
    Draft.model_validate(new)


def test_state_that_is_not_a_draft_passes_unchanged():
    for odd in (None, {}, [], "x", {"person": None, "awards": None}):
        assert upgrade_answers(odd) == odd


# --- the migration, on a database of the previous release ---------------------------------

NOW = datetime(2026, 11, 20, tzinfo=UTC)
OPEN = {  # stopped at 是否保持荣誉, as the previous release saved it
    "person": {"consent": "同意", "consent_at": "2026-11-20T10:00:00+08:00",
               "filled_by": "本人填写", "alive": "健在", "serving": "不是现役军人",
               "person_category": "农民"},
    "awards": [{"title": "全国劳动模范", "awarding_body": "中共中央 国务院",
                "award_date": "2015-04", "treatment": "全国劳动模范（先进工作者）待遇"}],
}  # fmt: skip
SUBMITTED = {
    "person": {**OPEN["person"], "filled_by": "村（社区）工作人员代填", "more_awards": True,
               "name": "金明浩", "gender": "男", "birth_date": "1956-03", "ethnicity": "朝鲜族",
               "political_status": "群众", "education": "初中", "hukou_code": "222401100201",
               "hukou_address": "3组15号", "residence": "延吉市 小营镇 光进村 3组15号",
               "portrait_photos": None, "personnel_file": "有", "hardship": "否",
               "remarks": None},
    "awards": [{**OPEN["awards"][0], "honour_kept": "是，荣誉保持着", "outcome": "eligible",
                "category": "N1", "level": "国家级", "rule": "…", "reason": "…",
                "document_number": "中发〔2015〕10号", "document_title": None,
                "certificate_photos": [1], "document_photos": None}],
}  # fmt: skip
registrations = sa.table(
    "registrations", *(sa.column(c) for c in (
        "id", "owner_user_id", "chat_id", "status", "filled_by", "is_demo", "version",
        "created_at", "updated_at")), sa.column("state", sa.JSON),
)  # fmt: skip
stored = sa.table(  # the columns every revision has
    "registrations", sa.column("id"), sa.column("filled_by"), sa.column("state", sa.JSON)
)
awards = sa.table("awards", *(sa.column(c) for c in (
    "registration_id", "position", "title", "awarding_body", "award_year", "award_month",
    "treatment", "category", "level", "outcome", "honour_kept")))  # fmt: skip


def _migrate(engine: sa.Engine, revision: str, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_migration_converts_drafts_entries_and_copied_columns_and_back(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _migrate(engine, "0003")
    common = dict(chat_id=1, is_demo=False, version=1, created_at=NOW, updated_at=NOW)
    with engine.begin() as c:
        c.execute(registrations.insert().values(id=1, owner_user_id=11, status="draft",
                                                state=OPEN, filled_by="本人填写", **common))
        c.execute(registrations.insert().values(id=2, owner_user_id=12, status="submitted",
                                                state=SUBMITTED, filled_by="村（社区）工作人员代填",
                                                **common))
        c.execute(awards.insert().values(registration_id=2, position=0, title="全国劳动模范",
                                         awarding_body="中共中央 国务院", award_year=2015,
                                         award_month=4, treatment="全国劳动模范（先进工作者）待遇",
                                         category="N1", level="国家级", outcome="eligible",
                                         honour_kept=True))
    _migrate(engine, "head")
    with engine.connect() as c:
        rows = {r.id: r for r in c.execute(sa.select(stored))}
        treatment = c.scalar(sa.select(awards.c.treatment))
    assert treatment == "national_model"
    assert (rows[1].filled_by, rows[2].filled_by) == ("self", "staff")
    assert rows[2].state["person"]["gender"] == "male"
    assert rows[2].state["awards"][0]["honour_kept"] == "kept"

    chat = DialogChat()  # the half-finished draft goes on where it stopped
    chat.draft = Draft.from_storage(rows[1].state, {})
    chat.start()
    chat.press("是，荣誉保持着")
    assert chat.draft.awards[0]["category"] == "N1" and chat.step == "document_number"
    submitted = Draft.from_storage(rows[2].state, {"id_number": "x", "phone": "+8613912345678"})
    card = DialogChat()
    card.draft = submitted
    card.start()
    assert "谁在填写：村（社区）工作人员代填" in card.question
    assert "是否保持荣誉：是" in card.question

    _migrate(engine, "0004", down=True)  # the option codes' way back (0004 has none)
    with engine.connect() as c:
        states = dict(c.execute(sa.select(stored.c.id, stored.c.state)).all())
        filled = c.scalars(sa.select(stored.c.filled_by).order_by("id")).all()
        treatment = c.scalar(sa.select(awards.c.treatment))
    assert states == {1: OPEN, 2: SUBMITTED}
    assert filled == ["本人填写", "村（社区）工作人员代填"]
    assert treatment == "全国劳动模范（先进工作者）待遇"
    engine.dispose()
