"""Submitting a withdrawal at the screen: on disk first, then one quick try while the member waits.

Whatever the network does, the member leaves with a true sentence: accepted (with the back end's
answer), refused (with its reason), or submitted with the result to follow by SMS (the sender keeps
delivering under the same key). Only a full disk means nothing was submitted, and then it says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from kiosk.client.policy import MEMBER
from kiosk.client.transport import encode_body
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox, State

WITHDRAWALS = "v1/withdrawals"
SUBMITTED_ZH = "业务已提交，结果将以短信通知您"
ACCEPTED_ZH = "提取申请已受理"


@dataclass(frozen=True, slots=True)
class WithdrawalOutcome:
    key: str
    state: State  # DONE, REFUSED, or still open (PENDING/UNKNOWN): submitted, result by SMS
    result: Any
    message_zh: str

    @property
    def final(self) -> bool:
        return self.state in (State.DONE, State.REFUSED)


def submit_withdrawal(
    outbox: Outbox, sender: OutboxSender, request: dict[str, Any], session_token: str
) -> WithdrawalOutcome:
    """Record the withdrawal under a fresh Idempotency-Key, then try once within the member's deadline.

    The kiosk signs, now, that the member confirmed this body at this time; the proof goes into the
    outbox with it, so a delivery that first gets through after the session expired is still decided.
    Raises :class:`~kiosk.outbox.store.OutboxFull` when it cannot even be recorded."""
    key = str(uuid.uuid4())
    client = sender.client
    signer = client.settings.signer
    proof = None
    if signer is not None:  # on the back end's time when ours is known to be off, as for signatures
        proof = signer.sign_submission(key, encode_body(request), client.signing_time())
    item = outbox.enqueue("withdrawal", WITHDRAWALS, request, key, session_token=session_token, proof=proof)
    state = sender.deliver(item, policy=MEMBER)
    after = outbox.get(item.key)
    result = after.result if after is not None else None
    if state is State.DONE:
        return WithdrawalOutcome(item.key, state, result, ACCEPTED_ZH)
    if state is State.REFUSED:
        reason = result.get("message") if isinstance(result, dict) else None
        return WithdrawalOutcome(item.key, state, result, reason or "提取申请未获受理")
    return WithdrawalOutcome(item.key, state, None, SUBMITTED_ZH)
