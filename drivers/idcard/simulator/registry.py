"""Named simulated readers that ``idcardsim://NAME`` URLs connect to (tests, the demo)."""

from __future__ import annotations

import threading

from drivers.idcard.simulator.engine import SimulatedReader

_lock = threading.Lock()
_readers: dict[str, SimulatedReader] = {}


def register(name: str, reader: SimulatedReader) -> str:
    """Make ``reader`` reachable as ``idcardsim://NAME``; returns that URL."""
    with _lock:
        _readers[name] = reader
    return f"idcardsim://{name}"


def unregister(name: str) -> None:
    with _lock:
        _readers.pop(name, None)


def lookup(name: str) -> SimulatedReader | None:
    with _lock:
        return _readers.get(name)
