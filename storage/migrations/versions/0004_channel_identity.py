"""People, reviewers and outgoing notices keyed by (channel, external id), not Telegram ids.

Every row so far came from Telegram, so each id becomes ("tg", "<id>"). A registration keeps
its owner only: the bot serves private chats, where the chat id is the user id. Outbox rows
keep their message as channel-neutral text and button rows instead of Telegram's markup.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TELEGRAM = "tg"
_CHANNEL = sa.String(length=16)
_EXTERNAL_ID = sa.String(length=64)


def upgrade() -> None:
    _registrations()
    _reviewers()
    _reason_prompts()
    _notifications()
    _recipients()


def _as_text(column: str) -> sa.TextClause:
    return sa.text(f"CAST({column} AS VARCHAR(64))")


def _registrations() -> None:
    _key_by_address("registrations", "owner_user_id", "owner_channel", "owner_external_id")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_index("ix_registrations_owner_user_id")
        batch.drop_column("owner_user_id")
        batch.drop_column("chat_id")
        batch.create_index(
            "ix_registrations_owner", ["owner_channel", "owner_external_id"], unique=False
        )


def _reviewers() -> None:
    _key_by_address("reviewers", "telegram_user_id", "channel", "external_id")
    with op.batch_alter_table("reviewers") as batch:
        batch.drop_constraint("uq_reviewers_telegram_user_id_committee_id", type_="unique")
        batch.drop_column("telegram_user_id")
        batch.create_unique_constraint(
            "uq_reviewers_channel_external_id_committee_id",
            ["channel", "external_id", "committee_id"],
        )


def _key_by_address(table: str, telegram_id: str, channel: str, external_id: str) -> None:
    """Two new required columns filled from the Telegram id column (dropped by the caller)."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column(channel, _CHANNEL, nullable=True))
        batch.add_column(sa.Column(external_id, _EXTERNAL_ID, nullable=True))
    op.execute(
        f"UPDATE {table} SET {channel} = '{TELEGRAM}', "
        f"{external_id} = {_as_text(telegram_id).text}"
    )
    with op.batch_alter_table(table) as batch:
        batch.alter_column(channel, existing_type=_CHANNEL, nullable=False)
        batch.alter_column(external_id, existing_type=_EXTERNAL_ID, nullable=False)


def _reason_prompts() -> None:
    op.create_table(
        "reason_prompts_new",
        sa.Column("channel", _CHANNEL, nullable=False),
        sa.Column("external_id", _EXTERNAL_ID, nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("button", sa.String(length=64), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO reason_prompts_new (channel, external_id, decision, registration_id, "
        f"version, button, asked_at) SELECT '{TELEGRAM}', {_as_text('telegram_user_id').text}, "
        "decision, registration_id, version, button, asked_at FROM reason_prompts"
    )
    op.drop_table("reason_prompts")
    op.rename_table("reason_prompts_new", "reason_prompts")
    with op.batch_alter_table("reason_prompts") as batch:
        batch.create_primary_key("pk_reason_prompts", ["channel", "external_id"])


def _notifications() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("channel", _CHANNEL, nullable=True))
        batch.add_column(sa.Column("external_id", _EXTERNAL_ID, nullable=True))
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, chat_id, reply_markup FROM notifications")
    ).fetchall()
    update = sa.text(
        "UPDATE notifications SET channel = :channel, external_id = :external_id, "
        "buttons = :buttons WHERE id = :id"
    ).bindparams(sa.bindparam("buttons", type_=sa.JSON()))
    for row_id, chat_id, markup in rows:
        connection.execute(
            update,
            {"channel": TELEGRAM, "external_id": str(chat_id), "id": row_id,
             "buttons": button_rows(markup)},
        )
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("channel", existing_type=_CHANNEL, nullable=False)
        batch.alter_column("external_id", existing_type=_EXTERNAL_ID, nullable=False)
        batch.drop_index("ix_notifications_chat_id")
        batch.drop_column("chat_id")
        batch.drop_column("reply_markup")
        batch.create_index(
            "ix_notifications_recipient", ["channel", "external_id"], unique=False
        )


def button_rows(markup: object) -> list[list[list[str]]] | None:
    """Telegram's inline keyboard JSON as rows of [label, data] pairs (None: no buttons)."""
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return None
    rows = [
        [[str(b.get("text", "")), str(b.get("callback_data", ""))] for b in row]
        for row in markup.get("inline_keyboard") or []
    ]
    return [row for row in rows if row] or None


def _recipients() -> None:
    op.create_table(
        "unreachable_recipients",
        sa.Column("channel", _CHANNEL, nullable=False),
        sa.Column("external_id", _EXTERNAL_ID, nullable=False),
        sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(
            "channel", "external_id", name=op.f("pk_unreachable_recipients")
        ),
    )
    op.execute(
        "INSERT INTO unreachable_recipients (channel, external_id, unreachable_at) "
        f"SELECT '{TELEGRAM}', {_as_text('chat_id').text}, unreachable_at FROM chats"
    )
    op.drop_table("chats")


def downgrade() -> None:
    raise NotImplementedError("0004 has no way back: restore the backup taken before upgrading")
