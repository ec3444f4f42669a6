"""Stored answers hold option codes instead of the buttons' words.

Drafts' JSON state, and the two columns that copy an answer (registrations.filled_by,
awards.treatment), go through the pure tables of `dialogs.legacy`; downgrade turns codes back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from dialogs.legacy import (
    PERSON_LABELS,
    TREATMENT_LABELS,
    downgrade_answers,
    inverted,
    recode,
    upgrade_answers,
)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_registrations = sa.table(
    "registrations",
    sa.column("id", sa.Integer),
    sa.column("state", sa.JSON),
    sa.column("filled_by", sa.String),
)
_awards = sa.table("awards", sa.column("id", sa.Integer), sa.column("treatment", sa.String))


def _convert(
    states: Callable[[Any], Any], filled_by: Mapping[str, str], treatment: Mapping[str, str]
) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_registrations.c.id, _registrations.c.state,
                                  _registrations.c.filled_by)).all()
    for reg_id, state, old_filled_by in rows:
        new_state, new_filled_by = states(state), recode(old_filled_by, filled_by)
        if new_state != state or new_filled_by != old_filled_by:
            bind.execute(
                _registrations.update()
                .where(_registrations.c.id == reg_id)
                .values(state=new_state, filled_by=new_filled_by)
            )
    for old, new in treatment.items():
        bind.execute(_awards.update().where(_awards.c.treatment == old).values(treatment=new))


def upgrade() -> None:
    _convert(upgrade_answers, PERSON_LABELS["filled_by"], TREATMENT_LABELS)


def downgrade() -> None:
    _convert(downgrade_answers, inverted(PERSON_LABELS["filled_by"]), inverted(TREATMENT_LABELS))
