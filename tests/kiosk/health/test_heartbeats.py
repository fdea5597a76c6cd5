"""Heartbeats: accepted by the reference back end, queued while it is away, sent in order after."""

import json
import socket
from pathlib import Path

from drivers.status import DeviceStatus
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.health.heartbeats import HeartbeatQueue, heartbeat_body
from kiosk.health.reporter import Reporter
from kiosk.health.shell_checks import DeviceCheck, ShellLiveness
from kiosk.health.shell_status import ShellStatusBoard
from tests.fundcenter.conftest import new_kiosk
from tests.support.scripted_server import Answer, Script, scripted_server


def board_with_devices(tmp_path: Path) -> ShellStatusBoard:
    board = ShellStatusBoard(tmp_path / "shell-status.json", "0.1.0")
    board.device("card_reader", DeviceStatus.ONLINE)
    board.device("receipt_printer", DeviceStatus.ONLINE, paper="low")
    board.write()
    return board


def test_the_reference_back_end_accepts_the_reporters_heartbeat(
    fundcenter: EmbeddedBackEnd, tmp_path: Path
) -> None:
    kiosk = new_kiosk(fundcenter)
    assert fundcenter.url is not None
    client = BackEndClient(
        ClientSettings(base_url=fundcenter.url, device_id=kiosk.device_id, signer=kiosk.signer())
    )
    board = board_with_devices(tmp_path)
    queue = HeartbeatQueue(client)
    reporter = Reporter(
        [
            ShellLiveness(board.path),
            DeviceCheck("card_reader", board.path),
            DeviceCheck("receipt_printer", board.path),
        ],
        queue,
    )
    reporter.run_once()
    assert queue.sent == 1
    assert len(queue) == 0
    client.close()


def test_heartbeats_wait_for_the_link_and_go_in_order(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    queue = HeartbeatQueue(
        BackEndClient(ClientSettings(base_url=dead, device_id="KIOSK-0001", breaker_failures=10**6))
    )
    board = board_with_devices(tmp_path)
    results = Reporter([DeviceCheck("card_reader", board.path)]).run_once()
    for n in range(3):
        body = heartbeat_body(results, "0.1.0", outbox_pending=n)
        queue.add(body)
        assert queue.flush() == 0
    assert len(queue) == 3
    script = Script(default=Answer(202, b'{"received_at": "2026-11-28T08:00:00Z", "clock_offset_s": 0.1}'))
    with scripted_server(script) as url:
        queue.client.close()
        queue.client = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001"))
        assert queue.flush() == 3
    sent = [json.loads(s.body) for s in script.seen]
    assert [b["outbox_pending"] for b in sent] == [0, 1, 2]  # oldest first
    assert sent[0]["peripherals"]["card_reader"]["status"] == "online"
    queue.client.close()


def test_a_full_queue_thins_old_reports_and_keeps_the_newest() -> None:
    queue = HeartbeatQueue(
        BackEndClient(ClientSettings(base_url="http://127.0.0.1:9/", device_id="K")), capacity=10
    )
    for n in range(25):
        queue.add({"n": n})
    kept = [b["n"] for b in queue._queue]
    assert kept[-1] == 24  # the newest state is never dropped
    assert len(kept) <= 10
    assert kept == sorted(kept)
    queue.client.close()
