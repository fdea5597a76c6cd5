"""Maintenance mode as one object the screens drive (no Kivy): who may enter, how long it stays
open, the device tests, the outbox and log views, and the out-of-service state.

The app wiring builds it with :meth:`Maintenance.from_config`, gives it the devices it owns, and
calls :meth:`Maintenance.publish` at start so that a saved out-of-service state reaches the board.
Blocking calls (``try_code``, ``run_test``, ``set_out_of_service``, ``outbox_rows``) belong on a worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from drivers.camera.device import Camera
from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardPoller
from kiosk.config import KioskConfig
from kiosk.documents.printing import DocumentPrinter, ReceiptPrinter
from kiosk.health.shell_checks import DEVICES
from kiosk.health.shell_status import DeviceReport, ShellStatusBoard
from kiosk.logs import RECENT, RecentLines
from kiosk.maintenance import device_tests
from kiosk.maintenance.auth import AuthResult, Lockout, TechnicianAuth
from kiosk.maintenance.device_tests import DeviceTestResult, FaceCounter
from kiosk.maintenance.gesture import HiddenGesture, make_gesture
from kiosk.maintenance.idle import IdleTimer
from kiosk.maintenance.outbox_view import OutboxRow, outbox_rows
from kiosk.maintenance.service import ServiceState, ServiceStateStore
from kiosk.maintenance.totp import SECRET_FILE
from kiosk.outbox.store import Outbox

audit = logging.getLogger("kiosk.maintenance.audit")
DeviceName = Literal["card_reader", "camera", "document_printer", "receipt_printer"]


@dataclass
class MaintenanceDevices:
    """What the shell lets maintenance test; a device left None shows as "not configured"."""

    card_reader: Callable[[], IdCardReader] | None = None  # a fresh reader on the shell's port
    camera: Camera | None = None  # a running camera
    face_counter: Callable[[], FaceCounter] | None = None  # loads the detector (on a worker)
    document_printer: DocumentPrinter | None = None
    receipt_printer: ReceiptPrinter | None = None


def card_reader_of(poller: CardPoller) -> Callable[[], IdCardReader]:
    """For :attr:`MaintenanceDevices.card_reader`: the shell's own reader, its poller stopped first (a
    serial port has one owner). It runs on the test's worker; start the poller again on leaving."""

    def take() -> IdCardReader:
        poller.stop()
        return poller.reader

    return take


class Maintenance:
    def __init__(
        self,
        cfg: KioskConfig,
        board: ShellStatusBoard,
        devices: MaintenanceDevices,
        outbox: Outbox | None = None,
        *,
        recent: RecentLines = RECENT,
        clock: Callable[[], float] = time.monotonic,
        on_enter: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        settings = cfg.maintenance
        self.settings = settings
        self.device_id = cfg.kiosk.device_id
        self.board = board
        self.devices = devices
        self.outbox = outbox
        self.recent = recent
        self.clock = clock
        self._on_enter, self._on_exit = on_enter, on_exit
        totp = cfg.paths.identity / SECRET_FILE if settings.totp else None
        self.auth = TechnicianAuth(
            settings.pin_hash, totp, Lockout(settings.max_attempts, settings.lockout_s), clock
        )
        self.idle = IdleTimer(settings.idle_timeout_s)
        self.store = ServiceStateStore(cfg.paths.maintenance / "service.json")
        self.state = self.store.load()
        self.active = False
        self._face_counter: FaceCounter | None = None

    @classmethod
    def from_config(
        cls,
        cfg: KioskConfig,
        board: ShellStatusBoard,
        devices: MaintenanceDevices,
        *,
        on_enter: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> Maintenance:
        """The shell's maintenance, with its own reader of the outbox file and the state published."""
        maintenance = cls(cfg, board, devices, Outbox(cfg.paths.outbox), on_enter=on_enter, on_exit=on_exit)
        maintenance.publish()
        return maintenance

    # -- entry and exit ------------------------------------------------------------------------
    def gesture(self) -> HiddenGesture:
        s = self.settings
        return make_gesture(
            s.gesture, taps=s.gesture_taps, window_s=s.gesture_window_s, hold_s=s.long_press_s
        )

    def try_code(self, code: str) -> AuthResult:
        return self.auth.try_code(code)

    def enter(self) -> None:
        """Called once a code was accepted: maintenance is open until :meth:`leave`."""
        self.active = True
        self.idle.touch(self.clock())
        if self._on_enter is not None:
            self._on_enter()

    def leave(self, why: str) -> None:
        if not self.active:
            return
        self.active = False
        audit.info("maintenance closed (%s)", why, extra={"ctx": {"action": "exit", "why": why}})
        if self._on_exit is not None:
            self._on_exit()

    def touched(self) -> None:
        self.idle.touch(self.clock())

    def idle_expired(self) -> bool:
        return self.active and self.idle.expired(self.clock())

    # -- out of service ------------------------------------------------------------------------
    @property
    def accepts_members(self) -> bool:
        return not self.state.out_of_service

    def publish(self) -> None:
        """Put the current state on the shell's status board (for the ``service`` health check)."""
        self.board.service(self.state.reason if self.state.out_of_service else None, self.state.since)

    def set_out_of_service(self, reason: str) -> ServiceState:
        self.state = self.store.set_out(reason)
        self.publish()
        return self.state

    def set_in_service(self) -> ServiceState:
        self.state = self.store.set_in()
        self.publish()
        return self.state

    # -- what the screen shows -----------------------------------------------------------------
    def device_reports(self) -> list[tuple[str, DeviceReport | None]]:
        """Every device the shell knows of, as it last reported (None: not configured)."""
        return [(name, self.board.devices.get(name)) for name in DEVICES]

    def outbox_rows(self, limit: int = 30) -> list[OutboxRow]:
        return [] if self.outbox is None else outbox_rows(self.outbox, limit)

    def log_tail(self, count: int = 30) -> list[str]:
        return self.recent.tail(count)

    def can_test(self, device: DeviceName) -> bool:
        d = self.devices
        return {
            "card_reader": d.card_reader,
            "camera": d.camera,
            "document_printer": d.document_printer,
            "receipt_printer": d.receipt_printer,
        }[device] is not None

    def run_test(self, device: DeviceName, card_timeout_s: float = 15.0) -> DeviceTestResult:
        """Run one device's test (blocking: call it on a worker)."""
        d = self.devices
        if device == "card_reader" and d.card_reader is not None:
            return device_tests.check_card_reader(d.card_reader(), card_timeout_s)
        if device == "camera" and d.camera is not None:
            if self._face_counter is None and d.face_counter is not None:
                self._face_counter = d.face_counter()
            return device_tests.check_camera(d.camera, self._face_counter)
        if device == "document_printer" and d.document_printer is not None:
            return device_tests.check_document_printer(d.document_printer, self.device_id)
        if device == "receipt_printer" and d.receipt_printer is not None:
            return device_tests.check_receipt_printer(d.receipt_printer, self.device_id)
        return DeviceTestResult(device, False, "not_configured")
