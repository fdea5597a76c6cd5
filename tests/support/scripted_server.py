"""A real HTTP(S) server on loopback whose answers follow a script, and which records every request."""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay_s: float = 0.0  # wait before answering (a stall)
    cut: bool = False  # send the status line and half the body, then drop the connection
    drip_s: float = 0.0  # send the body one byte at a time, this far apart


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_cert: dict[str, object] | None


class Script:
    def __init__(self, *answers: Answer, default: Answer | None = None) -> None:
        self._answers = list(answers)
        self._default = default or Answer()
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    def next(self, seen: Seen) -> Answer:
        with self.lock:
            self.seen.append(seen)
            return self._answers.pop(0) if self._answers else self._default


@contextmanager
def scripted_server(script: Script, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
            answer = script.next(Seen(self.command, self.path, dict(self.headers), body, peer or None))
            if answer.delay_s:
                time.sleep(answer.delay_s)
            self.send_response_only(answer.status)
            if "Date" not in answer.headers:
                self.send_header("Date", self.date_time_string())
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if answer.cut:
                self.wfile.write(answer.body[: len(answer.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if answer.drip_s:
                for i in range(len(answer.body)):
                    self.wfile.write(answer.body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(answer.drip_s)
                return
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
