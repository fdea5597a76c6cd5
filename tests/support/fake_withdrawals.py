"""A hand-written fake of the back end's withdrawal endpoint with IETF Idempotency-Key semantics
(400 missing key, 422 same key other body, replay of the first answer; it never answers 409, as it
pays under a lock), counting payouts per key, with the reference back end's key status. The outbox
tests use it for speed; the reference back end implements the same contract."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

PREFIX = "/v1/withdrawals"


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: dict[str, tuple[str, dict[str, object]]] = {}  # key -> (body hash, answer)
        self.payouts: Counter[str] = Counter()


@contextmanager
def fake_withdrawals() -> Iterator[tuple[str, Ledger]]:
    ledger = Ledger()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: dict[str, object]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if len(body) != length:  # the request was cut: a real server never acts on half a body
                self.close_connection = True
                return
            key = self.headers.get("Idempotency-Key")
            if not key:
                self._send(400, {"code": "idempotency.key_missing", "message": "缺少幂等键"})
                return
            digest = hashlib.sha256(body).hexdigest()
            with ledger.lock:
                known = ledger.answers.get(key)
                if known is None:
                    ledger.payouts[key] += 1
                    answer: dict[str, object] = {
                        "status": "paid",
                        "receipt": f"R{len(ledger.answers) + 1:06d}",
                    }
                    ledger.answers[key] = (digest, answer)
                elif known[0] != digest:
                    self._send(422, {"code": "idempotency.key_reused", "message": "幂等键已用于其他请求"})
                    return
                else:
                    answer = known[1]
            self._send(201, answer)

        def do_GET(self) -> None:
            key = self.path.removeprefix(PREFIX + "/by-key/")
            with ledger.lock:
                known = ledger.answers.get(key)
            if known is None:
                self._send(404, {"code": "withdrawal_not_found", "message": "无此业务"})
            else:  # the reference back end's key status
                self._send(200, {"key": key, "state": "done", "response_status": 201, "response": known[1]})

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", ledger
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
