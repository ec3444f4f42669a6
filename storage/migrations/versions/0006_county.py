"""The county's side: packages received from the level below and the people in them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "received_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("sender_code", sa.String(length=12), nullable=False),
        sa.Column("sender_name", sa.String(length=100), nullable=False),
        sa.Column("sender_level", sa.String(length=16), nullable=False),
        sa.Column("exported_at", sa.String(length=40), nullable=False),
        sa.Column("exported_by", sa.String(length=100), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_packages")),
        sa.UniqueConstraint("manifest_sha256", name=op.f("uq_received_packages_manifest_sha256")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_received_packages_sender_code"), "received_packages", ["sender_code"])
    op.create_table(
        "received_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("hukou_code", sa.String(length=12), nullable=True),
        sa.Column("id_hash", sa.String(length=64), nullable=True),
        sa.Column("secrets_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("awards", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=100), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["received_packages.id"],
            name=op.f("fk_received_entries_package_id_received_packages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_entries")),
        sa.UniqueConstraint("reg_no", name=op.f("uq_received_entries_reg_no")),
        sqlite_autoincrement=True,
    )
    for column in ("package_id", "township_code", "id_hash"):
        op.create_index(op.f(f"ix_received_entries_{column}"), "received_entries", [column])


def downgrade() -> None:
    op.drop_table("received_entries")
    op.drop_table("received_packages")
