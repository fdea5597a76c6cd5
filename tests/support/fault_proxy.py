"""A fault-injecting TCP proxy on loopback: each connection passes, is dropped, delayed, cut
mid-response or black-holed, as a seeded random choice or a fixed mode decides."""

from __future__ import annotations

import random
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

FAULTS = ("pass", "drop", "delay", "cut", "blackhole")


class FaultProxy:
    def __init__(
        self,
        target: tuple[str, int],
        weights: dict[str, float] | None = None,
        seed: int = 1,
        delay_s: tuple[float, float] = (0.2, 1.5),
    ) -> None:
        self.target = target
        self.delay_s = delay_s  # a "delay" holds the request this long (uniform in the range)
        self.weights = weights or {"pass": 1.0}
        self.rng = random.Random(seed)  # noqa: S311 (fault injection, not secrets)
        self.mode: str | None = None  # a fixed mode overrides the weights
        self.counts = dict.fromkeys(FAULTS, 0)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/"

    def start(self) -> None:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(5)

    def _choose(self) -> str:
        with self._lock:
            mode = self.mode or self.rng.choices(list(self.weights), weights=list(self.weights.values()))[0]
            self.counts[mode] += 1
            return mode

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        """Relay one kiosk connection; every request on it (keep-alive included) draws its own fault."""
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        with client, upstream:
            mode, new_request = "pass", True
            while not self._stop.is_set():
                readable, _, _ = select.select([client, upstream], [], [], 0.5)
                for sock in readable:
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    if sock is client:  # from the kiosk: a new request draws its fault, its rest follows
                        if new_request:
                            mode, new_request = self._choose(), False
                            if mode == "drop":
                                return
                            if mode == "blackhole":
                                self._stop.wait(30)
                                return
                            if mode == "delay":
                                time.sleep(self.rng.uniform(*self.delay_s))
                        upstream.sendall(data)
                        continue
                    new_request = True  # the answer has begun: the kiosk's next bytes are a new request
                    if mode == "cut":
                        # The request reached the back end; half of its answer reaches the kiosk.
                        client.sendall(data[: max(1, len(data) // 2)])
                        return
                    client.sendall(data)


@contextmanager
def fault_proxy(
    target_url: str,
    weights: dict[str, float] | None = None,
    seed: int = 1,
    delay_s: tuple[float, float] = (0.2, 1.5),
) -> Iterator[FaultProxy]:
    host_port = target_url.split("//", 1)[1].rstrip("/")
    host, port = host_port.rsplit(":", 1)
    proxy = FaultProxy((host, int(port)), weights, seed, delay_s)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
