"""ratings: anonymous service ratings (好差评) from kiosk sessions

Revision ID: 0004_ratings
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ratings"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("session_ref", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_ratings_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("device_id", "session_ref", name="uq_ratings_device_session"),
    )
    op.create_index(op.f("ix_ratings_device_id"), "ratings", ["device_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ratings_device_id"), table_name="ratings")
    op.drop_table("ratings")
