"""A sender process for the chaos tests: ``python -m tests.support.outbox_worker DB URL [DEVICE KEY]``.

It drains the outbox until it is killed (the tests kill it with SIGKILL at random moments); with a
device id and its key file it signs its requests, as the reference back end requires."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.client.policy import TransportPolicy, default_retry
from kiosk.client.signing import Signer
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox

CHAOS_POLICY = TransportPolicy(
    connect_timeout_s=0.5, read_timeout_s=1.0, deadline_s=2.0, retry=default_retry().new(backoff_factor=0.02)
)


def main() -> None:
    outbox = Outbox(Path(sys.argv[1]))
    device_id = sys.argv[3] if len(sys.argv) > 3 else "KIOSK-CHAOS"
    signer = Signer.from_file(device_id, Path(sys.argv[4])) if len(sys.argv) > 4 else None
    client = BackEndClient(
        ClientSettings(base_url=sys.argv[2], device_id=device_id, signer=signer, breaker_failures=10**6)
    )
    OutboxSender(outbox, client, policy=CHAOS_POLICY).run(interval_s=0.05)


if __name__ == "__main__":
    main()
