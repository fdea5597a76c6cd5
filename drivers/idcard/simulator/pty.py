"""Serve a :class:`SimulatedReader` on a pseudo-terminal, paced at the line's baud rate."""

from __future__ import annotations

import time
from pathlib import Path

from drivers.idcard.simulator.engine import SimulatedReader, wire_time_s
from drivers.pty_server import PtyServer

_PIECE = 32  # bytes written at a time, so a long answer trickles in as it would at 115200 baud


class PtySimulator(PtyServer):
    thread_name = "idcard-sim"

    def __init__(self, reader: SimulatedReader, link: Path | None = None, pace: bool = True) -> None:
        super().__init__(link)
        self.reader = reader
        self.pace = pace

    def __enter__(self) -> PtySimulator:
        self.start()
        return self

    def answer(self, data: bytes) -> bool:
        for chunk in self.reader.handle(data):
            if chunk.delay_s:
                time.sleep(chunk.delay_s)
            for i in range(0, len(chunk.data), _PIECE):
                piece = chunk.data[i : i + _PIECE]
                if self.pace:
                    time.sleep(wire_time_s(len(piece), self.reader.baudrate))
                if not self.send(piece) or self.stopping:
                    return False
        return True
