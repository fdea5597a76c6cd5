"""staff console: staff users and sessions, each kiosk's latest state, state changes, alerts

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index("ix_devices_status_location", ["status", "location"], unique=False)

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_user_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "kiosk_states",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connectivity", sa.String(length=8), nullable=False),
        sa.Column("overall", sa.String(length=16), nullable=False),
        sa.Column("worst_level", sa.String(length=8), nullable=False),
        sa.Column("worst_check", sa.String(length=64), nullable=False),
        sa.Column("software_version", sa.String(length=64), nullable=False),
        sa.Column("out_of_service", sa.Boolean(), nullable=False),
        sa.Column("service_reason", sa.String(length=256), nullable=False),
        sa.Column("outbox_pending", sa.Integer(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("peripherals", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_kiosk_states_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_kiosk_states")),
    )
    with op.batch_alter_table("kiosk_states", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kiosk_states_connectivity_last_seen", ["connectivity", "last_seen_at"], unique=False
        )
        batch_op.create_index(
            "ix_kiosk_states_listing", ["device_id", "last_seen_at", "worst_level"], unique=False
        )
        batch_op.create_index(
            "ix_kiosk_states_seen_level", ["last_seen_at", "worst_level", "device_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kiosk_states_worst_level"), ["worst_level"], unique=False)

    op.create_table(
        "kiosk_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("before", sa.String(length=16), nullable=False),
        sa.Column("after", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_kiosk_events_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_events")),
    )
    with op.batch_alter_table("kiosk_events", schema=None) as batch_op:
        batch_op.create_index("ix_kiosk_events_device_at", ["device_id", "at"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("message", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_alerts_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_alerts_status_raised_at", ["status", "raised_at"], unique=False)


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("kiosk_events")
    op.drop_table("kiosk_states")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index("ix_devices_status_location")
