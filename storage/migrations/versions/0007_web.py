"""The web channel: browser sessions (cookie hash → person, CSRF token) and web people (last
screen, resume code with its lock).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("village_hint", sa.String(length=12), nullable=True),
        sa.Column("resume_failures", sa.Integer(), nullable=False),
        sa.Column("resume_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_external_id", "web_sessions", ["external_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "web_people",
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("screen", sa.LargeBinary(), nullable=True),
        sa.Column("resume_code", sa.String(length=16), nullable=True),
        sa.Column("resume_failures", sa.Integer(), nullable=False),
        sa.Column("resume_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("external_id", name=op.f("pk_web_people")),
        sa.UniqueConstraint("resume_code", name=op.f("uq_web_people_resume_code")),
    )


def downgrade() -> None:
    op.drop_table("web_people")
    op.drop_index("ix_web_sessions_expires_at", table_name="web_sessions")
    op.drop_index("ix_web_sessions_external_id", table_name="web_sessions")
    op.drop_table("web_sessions")
