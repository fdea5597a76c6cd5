"""What every request handler needs: the database, the settings, the clock, the back end's keys."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from sqlalchemy import Engine

from fundcenter import keys
from fundcenter.devices import ca
from fundcenter.devices.heartbeats import HeartbeatSink
from fundcenter.devices.signatures import NonceCache
from fundcenter.settings import Settings

if TYPE_CHECKING:
    from fundcenter.certificates.signing import Sealer

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    engine: Engine
    settings: Settings
    now: Clock = utc_now
    _device_ca: keys.KeyPair | None = field(default=None, repr=False)
    _sealer: Sealer | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    heartbeats: HeartbeatSink = field(init=False, repr=False)
    nonces: NonceCache = field(default_factory=NonceCache, repr=False)  # signatures seen in the window

    def __post_init__(self) -> None:
        self.heartbeats = HeartbeatSink(self.engine)

    @property
    def data_dir(self) -> Path:
        return self.settings.resolved_data_dir()

    @property
    def device_ca(self) -> keys.KeyPair:
        with self._lock:
            if self._device_ca is None:
                self._device_ca = ca.load_or_create(self.data_dir)
            return self._device_ca

    @property
    def sealer(self) -> Sealer:
        from fundcenter.certificates.signing import Sealer  # noqa: PLC0415 (pyHanko loads on first use)

        with self._lock:
            if self._sealer is None:
                self._sealer = Sealer.load_or_create(self.data_dir, self.settings.center_name)
            return self._sealer


def context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx
