"""The fund center's records. Money is integer fen; rates are integer basis points (1200 = 12%).

Every table is imported here so that ``Base.metadata`` (and Alembic) sees the whole schema.
"""

from fundcenter.models.base import Base
from fundcenter.models.certificates import Certificate
from fundcenter.models.devices import Device, Heartbeat
from fundcenter.models.members import LedgerEntry, Member
from fundcenter.models.ratings import Rating
from fundcenter.models.sessions import MemberSession
from fundcenter.models.withdrawals import IdempotencyRecord, Withdrawal

__all__ = [
    "Base",
    "Certificate",
    "Device",
    "Heartbeat",
    "IdempotencyRecord",
    "LedgerEntry",
    "Member",
    "MemberSession",
    "Rating",
    "Withdrawal",
]
