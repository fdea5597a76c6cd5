"""The fund center's records. Money is integer fen; rates are integer basis points (1200 = 12%).

Every table is imported here so that ``Base.metadata`` (and Alembic) sees the whole schema.
"""

from fundcenter.models.base import Base
from fundcenter.models.certificates import Certificate
from fundcenter.models.console import Alert, KioskEvent, KioskState, StaffSession, StaffUser
from fundcenter.models.devices import Device, Heartbeat
from fundcenter.models.members import LedgerEntry, Member
from fundcenter.models.ratings import Rating
from fundcenter.models.sessions import MemberSession
from fundcenter.models.withdrawals import IdempotencyRecord, Withdrawal

__all__ = [
    "Alert",
    "Base",
    "Certificate",
    "Device",
    "Heartbeat",
    "IdempotencyRecord",
    "KioskEvent",
    "KioskState",
    "LedgerEntry",
    "Member",
    "MemberSession",
    "Rating",
    "StaffSession",
    "StaffUser",
    "Withdrawal",
]
