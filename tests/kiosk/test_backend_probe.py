import http.server
import socket
import threading

from kiosk.backend_probe import probe_back_end as _probe
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.embedded_backend import EmbeddedBackEnd
from tests.conftest import http_server


def probe_back_end(url: str, timeout_s: float):  # type: ignore[no-untyped-def]
    client = BackEndClient(ClientSettings(base_url=url, device_id="KIOSK-0001"))
    try:
        return _probe(client, timeout_s)
    finally:
        client.close()


def test_reachable_reference_back_end(fundcenter: EmbeddedBackEnd) -> None:
    assert fundcenter.url is not None
    status = probe_back_end(fundcenter.url, timeout_s=3)
    assert status.reachable
    assert status.version
    assert status.latency_ms is not None
    assert status.problem is None


def test_nothing_listening() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status = probe_back_end(f"http://127.0.0.1:{port}/", timeout_s=1)
    assert not status.reachable
    assert status.problem == "unreachable"


def reply(code: int, body: bytes) -> object:
    def handle(req: http.server.BaseHTTPRequestHandler) -> None:
        req.send_response(code)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    return handle


def test_server_fault_and_malformed_answers() -> None:
    with http_server(reply(503, b'{"status":"degraded"}')) as url:  # type: ignore[arg-type]
        assert probe_back_end(url, 2).problem == "HTTP 503"
    with http_server(reply(200, b"<html>captive portal</html>")) as url:  # type: ignore[arg-type]
        assert probe_back_end(url, 2).problem == "malformed response"
    with http_server(reply(200, b'{"status":"starting"}')) as url:  # type: ignore[arg-type]
        assert probe_back_end(url, 2).problem == "back end not ready"


def test_a_stalled_server_times_out() -> None:
    release = threading.Event()

    def stall(_req: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    with http_server(stall) as url:
        status = probe_back_end(url, timeout_s=0.5)
        release.set()
    assert not status.reachable
    assert status.problem == "timeout"
