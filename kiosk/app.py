"""The app wiring: the only module of ``kiosk`` that touches Kivy.

It builds the screens from the config, owns the worker pool (whose results come back through
``Clock.schedule_once``), the devices and the member's session: the flow
(:class:`~kiosk.session.flow.SessionFlow`) with the real services, ticked by the Kivy clock, every
event in through :meth:`KioskApp.send` and every view out to the screens. It keeps the clock, the
back-end status and the shell's status board fresh, and can walk a session headlessly to PNG files.
Everything it decides lives in UI-agnostic modules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from drivers.camera import FrameSource
from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import (
    CardEvent,
    CardPlaced,
    CardPoller,
    CardReadFailed,
    CardRemoved,
    ReaderStatusChanged,
)
from drivers.status import DeviceStatus
from kiosk import __version__
from kiosk.backend_probe import BackEndStatus, probe_back_end
from kiosk.client.api import FundCenterApi
from kiosk.client.factory import client_from_config
from kiosk.config import KioskConfig
from kiosk.demo_keys import DemoKeys, TerminalKeys
from kiosk.documents.verify import CertificateVerifier
from kiosk.face_box import BoxWatchingEngine
from kiosk.hardware import Hardware, open_hardware
from kiosk.health.shell_status import DeviceReport, ShellStatusBoard, write_shell_status
from kiosk.identity.encoder import ProcessEncoder
from kiosk.kivy_env import prepare_kivy_environment
from kiosk.maintenance.device_tests import face_counter
from kiosk.maintenance.mode import Maintenance, MaintenanceDevices, card_reader_of
from kiosk.masking import mask_name
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox
from kiosk.preview_frames import RgbFrames
from kiosk.session.data import SubmissionKind
from kiosk.session.events import Event, Press, Tick, Touch
from kiosk.session.flow import SessionFlow
from kiosk.session.services import KioskServices, ServiceParts
from kiosk.session.states import Action, Stage
from kiosk.session.view import ResultDetail, View
from kiosk.session.wipe import session_root
from kiosk.workers import Workers

log = logging.getLogger(__name__)
LIVE_SCREENSHOT_INTERVAL_S = 5.0
SHELL_STATUS_INTERVAL_S = 5.0  # the health reporter treats three missed writes as a dead shell
TICK_S = 0.25  # the flow's clock: the countdown moves in whole seconds, so four looks a second
PUMP_HZ = 30.0  # camera frames to the verifier
SEAL_TRUST = "seal-trust.pem"  # the root the certificate seal chains to, in paths.identity


class KioskHandle:
    """What a walkthrough step may do with the running kiosk (implemented by the app)."""

    view: View | None

    def send(self, event: Event) -> None: ...

    def press(self, action: Action, value: str = "") -> None: ...

    def tap_pad(self, key: str) -> None:
        """A key on the number pad of the screen shown (amount, bank card)."""

    def redraw_live(self) -> None:
        """Something the screen shows changed: refresh the live picture soon (any thread)."""


@dataclass(frozen=True, slots=True)
class WalkStep:
    """One picture of the walkthrough: do ``act``, wait (bounded) until ``until`` holds, capture."""

    name: str
    act: Callable[[KioskHandle], None] | None = None  # place a card, press a button, unplug paper …
    until: Callable[[View], bool] | None = None  # the view to wait for before the picture
    timeout_s: float = 15.0


def at(stage: Stage, *, busy: bool | None = False) -> Callable[[View], bool]:
    """``until`` for "this stage is shown" (by default: and no longer waiting for a service)."""
    return lambda view: view.stage is stage and (busy is None or view.busy is busy)


@dataclass(frozen=True, slots=True)
class RunOptions:
    offscreen: bool
    walkthrough_dir: Path | None = None  # write one PNG per step here
    walkthrough_steps: tuple[WalkStep, ...] = (WalkStep("attract"),)
    after_walkthrough: Callable[[], None] | None = None
    exit_after_walkthrough: bool = False
    live_screenshot: Path | None = None  # refresh this PNG every few seconds (headless demo)
    exit_after_first_frame: bool = False  # for the start-up benchmark
    on_key: Callable[[str], None] | None = None  # demo hardware keys (1-6, 0, p), run on a worker
    terminal_keys: bool = False  # also read the demo's keys from standard input (no window to type in)
    camera_source: FrameSource | None = None  # the demo's cooperative camera instead of cfg.camera
    seal_trust_pem: bytes | None = None  # else paths.identity/seal-trust.pem, else asked of the back end
    on_view: Callable[[View], None] | None = None  # the demo's member follows the prompts
    voice_log: bool = False  # log the voice prompts (a kiosk without a speech engine)
    max_fps: int | None = None  # cap the frame rate (software GL on a busy machine); None: Kivy's 60


def run_app(cfg: KioskConfig, options: RunOptions) -> int:
    """Run the kiosk window until it is stopped; returns the process exit code."""
    if not prepare_kivy(cfg, options.offscreen, options.max_fps):
        return 3
    app = make_app(cfg, options)
    _stop_on_signals(app.request_stop)
    app.run()
    exit_code: int = app.exit_code
    return exit_code


def prepare_kivy(cfg: KioskConfig, offscreen: bool, max_fps: int | None = None) -> bool:
    """Kivy's environment, window size and font, before Kivy is first imported; False without the font."""
    prepare_kivy_environment(cfg.paths.kivy_home, offscreen)
    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("kivy").setLevel(logging.WARNING)  # Kivy's start-up banner is noise at INFO
    from kivy.config import Config

    display = cfg.display
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("graphics", "width", str(display.width))
    Config.set("graphics", "height", str(display.height))
    fullscreen = display.fullscreen and not offscreen
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    # Flat shapes on a pixel grid need no antialiasing; a 2x multisampled window costs a software GL
    # (the kiosk's fallback, and every headless run) half its fill rate.
    Config.set("graphics", "multisamples", "0")
    if max_fps is not None:
        Config.set("graphics", "maxfps", str(max_fps))

    from kivy.core.text import DEFAULT_FONT, LabelBase

    if not display.font.is_file():
        log.error("CJK font missing: %s (Debian package fonts-wqy-microhei)", display.font)
        return False
    LabelBase.register(DEFAULT_FONT, str(display.font))
    return True


def make_app(cfg: KioskConfig, options: RunOptions) -> Any:
    """The kiosk's Kivy App (after :func:`prepare_kivy`); tests and benchmarks call its ``build``."""
    return _make_app_class()(cfg, options)


def _stop_on_signals(stop: Callable[[], None]) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping on %s", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _make_app_class() -> type[Any]:
    """Define the App subclass after Kivy's environment is set (importing Kivy reads it)."""
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from screens.context import ScreenContext
    from screens.maintenance import install_maintenance
    from screens.manager import SessionScreens, build_screen_manager
    from screens.speaker import LoggingSpeaker, SilentSpeaker, Speaker
    from screens.theme import Theme

    def post(callback: Callable[[], None]) -> None:
        Clock.schedule_once(lambda _dt: callback(), 0)

    class KioskApp(App, KioskHandle):
        title = "住房公积金自助服务"

        def __init__(self, cfg: KioskConfig, options: RunOptions) -> None:
            super().__init__()
            self.cfg = cfg
            self.options = options
            self.exit_code = 0
            self.workers = Workers(post)
            self.client = client_from_config(cfg)
            self._probing = False
            self._last_reachable: bool | None = None  # None until the first probe answers
            self._first_frame_seen = False
            self.card_poller: CardPoller | None = None
            self.board = ShellStatusBoard(cfg.paths.shell_status, __version__)
            self.hardware: Hardware | None = None
            self.engine: BoxWatchingEngine | None = None
            self.outbox: Outbox | None = None
            self.services: KioskServices | None = None
            self.flow: SessionFlow | None = None
            self.view: View | None = None
            self.maintenance: Maintenance | None = None
            self.speaker: Speaker = LoggingSpeaker() if options.voice_log else SilentSpeaker()
            self._timers: list[Any] = []  # Kivy clock events, cancelled on stop
            self._terminal: TerminalKeys | None = None
            self._live_started = False  # the live picture is refreshed once the walkthrough is done
            self._live_soon: Any = None
            self._live_writer = _NewestPicture()
            self._walking = False

        def build(self) -> Any:
            self.theme = Theme.for_window(Window.width)
            Window.clearcolor = self.theme.palette.background
            self.screens = build_screen_manager(self.theme, self.cfg.kiosk)
            self.hardware = open_hardware(self.cfg, self.options.camera_source)
            ctx = ScreenContext(
                self.theme,
                self.send,
                self.speaker,
                frames=RgbFrames(self.hardware.camera.latest),
                face_box=self._face_box,
            )
            self.session_screens = SessionScreens(self.screens, ctx)
            self._every(self._tick, 1.0)
            self._every(self._probe, self.cfg.back_end.probe_interval_s)
            self._every(self._publish_status, SHELL_STATUS_INTERVAL_S)
            Window.bind(on_flip=self._on_flip)
            if self.options.offscreen:
                # An offscreen (pbuffer) window's buffer swap does nothing, so nothing would make the
                # GL draw a frame: a software GL queued frame after frame until the next texture upload
                # or screenshot paid for all of them (seconds to a minute, and memory). A frame is
                # handed to the GL when it is drawn, as a display's swap does.
                from kivy.graphics.opengl import glFlush

                Window.bind(on_flip=lambda *_: glFlush())
            if self.options.on_key is not None:
                self._start_demo_keys(self.options.on_key)
            self._probe()
            self._start_card_reader()
            self._install_maintenance()
            self._publish_status()
            self._start_sessions()
            walkthrough, live = self.options.walkthrough_dir, self.options.live_screenshot
            if walkthrough is not None:
                # Wait (bounded) for the first back-end answer and the session machinery, so the
                # screenshots show the real status and the first step can begin a session.
                deadline = time.monotonic() + self.cfg.back_end.probe_timeout_s + 60.0
                Clock.schedule_once(lambda _dt: self._start_walkthrough(walkthrough, deadline), 0)
            elif live is not None:
                self._schedule_live_screenshots(live)
            return self.screens

        def _every(self, callback: Callable[[], None], interval_s: float) -> None:
            """A repeating timer, cancelled when the app stops (Kivy's clock outlives an app)."""
            self._timers.append(Clock.schedule_interval(lambda _dt: callback(), interval_s))

        def request_stop(self) -> None:
            Clock.schedule_once(lambda _dt: self.stop(), 0)

        # -- the demo's keys: in the window, or typed at the terminal -------------------------
        def _start_demo_keys(self, hardware_key: Callable[[str], None]) -> None:
            def on_hardware(key: str) -> None:  # the paper key talks to cupsd: not on the UI thread
                self.workers.run(
                    lambda: hardware_key(key),
                    on_result=lambda _none: self.redraw_live(),
                    on_error=lambda exc: log.warning("demo key %r failed: %s", key, exc),
                )

            keys = DemoKeys(on_hardware)

            def feed(key: str) -> None:
                if self._walking:
                    return  # the walkthrough is the member now: keys wait until it is done
                if keys.feed(key, self):
                    self.redraw_live()

            Window.bind(on_key_down=lambda _w, _key, _scan, text, _mods: feed(text or ""))
            if self.options.terminal_keys:
                self._terminal = TerminalKeys(lambda key: post(lambda: feed(key)))
                if not self._terminal.start():
                    log.info("no standard input: the demo's keys work only in a window")

        def redraw_live(self) -> None:
            target = self.options.live_screenshot
            if target is None or not self._live_started:
                return
            if self._live_soon is not None:
                self._live_soon.cancel()
            # After the screen's fade (0.15 s) and its text textures.
            self._live_soon = Clock.schedule_once(lambda _dt: self._write_live(target), 0.5)

        def on_stop(self) -> None:
            if self._terminal is not None:
                self._terminal.stop()
            for timer in self._timers:
                timer.cancel()
            if self.card_poller is not None:
                self.card_poller.stop()
            if self.services is not None:
                self.services.close()  # the member under way is wiped
            self.workers.close(wait=False)
            if self.hardware is not None:
                self.hardware.close()
            if self.engine is not None:
                self.engine.close()
            if self.outbox is not None:
                self.outbox.close()
            if self.maintenance is not None and self.maintenance.outbox is not None:
                self.maintenance.outbox.close()
            self.client.close()

        # -- maintenance (the hidden gesture on the attract screen, then the technician's code) ----
        def _install_maintenance(self) -> None:
            hardware, poller = self.hardware, self.card_poller
            devices = MaintenanceDevices(
                card_reader=card_reader_of(poller) if poller is not None else None,  # stops the poller
                camera=hardware.camera if hardware is not None else None,
                face_counter=face_counter,
                document_printer=hardware.documents if hardware is not None else None,
                receipt_printer=hardware.receipts if hardware is not None else None,
            )
            self.maintenance = Maintenance.from_config(
                self.cfg, self.board, devices, on_exit=self._maintenance_closed
            )
            install_maintenance(
                self.screens, self.theme, self.maintenance, self.workers, language=self.cfg.kiosk.language
            )

        def _maintenance_closed(self) -> None:
            if self.card_poller is not None:
                self.card_poller.start()  # the card test may have borrowed the reader

        def _members_welcome(self) -> bool:
            maintenance = self.maintenance
            return maintenance is None or (maintenance.accepts_members and not maintenance.active)

        # -- the member's session ------------------------------------------------------------
        def _start_sessions(self) -> None:
            """Load the face models and the seal's trust anchor on a worker, then start the flow."""
            cfg, options = self.cfg, self.options

            def prepare() -> tuple[BoxWatchingEngine, bytes]:
                trust = options.seal_trust_pem or _seal_trust(cfg, self.client)
                return BoxWatchingEngine(ProcessEncoder()), trust

            self.workers.run(prepare, self._sessions_ready, self._sessions_failed)

        def _sessions_ready(self, prepared: tuple[BoxWatchingEngine, bytes]) -> None:
            self.engine, trust = prepared
            hardware = self.hardware
            if hardware is None:  # stopped before the models were loaded
                return
            self.outbox = Outbox(self.cfg.paths.outbox)
            parts = ServiceParts(
                api=FundCenterApi(self.client),
                outbox=self.outbox,
                sender=OutboxSender(self.outbox, self.client),
                camera=hardware.camera,
                engine=self.engine,
                documents=hardware.documents,
                receipts=hardware.receipts,
                certificates=CertificateVerifier(trust),
                workers=self.workers,
                temp_root=session_root(self.cfg.paths.var_dir),
                center_name=self.cfg.kiosk.center_name,
            )
            self.services = KioskServices(parts)
            self.flow = SessionFlow(self.cfg.session, self.services, time.monotonic, self.cfg.kiosk.language)
            self.services.connect(self.send)
            self._every(lambda: self.send(Tick()), TICK_S)
            self._every(self._pump, 1 / PUMP_HZ)
            self._show(self.flow.view())
            log.info("member sessions ready")

        def _sessions_failed(self, exc: Exception) -> None:
            log.error("member sessions cannot start: %s", exc, exc_info=exc)
            retry = Clock.schedule_once(lambda _dt: self._start_sessions(), 10.0)  # the back end may return
            self._timers.append(retry)

        def send(self, event: Event) -> None:
            """Every event of the session goes through here, on the UI thread."""
            if self.flow is None:
                return
            member_starts = isinstance(event, CardPlaced | Press | Touch)
            if member_starts and self.flow.stage is Stage.ATTRACT and not self._members_welcome():
                return  # out of service, or a technician at work: no member session begins
            self._show(self.flow.handle(event))

        def press(self, action: Action, value: str = "") -> None:
            from kiosk.session.events import Press

            self.send(Press(action, value))

        def tap_pad(self, key: str) -> None:
            pad = getattr(self.session_screens.current, "pad", None)
            if pad is not None:
                pad.keys[key].dispatch("on_release")

        def _show(self, view: View) -> None:
            previous, self.view = self.view, view
            if previous is not None and previous == view:
                return
            self.session_screens.show(view)
            if previous is None or previous.stage is not view.stage:
                self._stage_changed(view)
            if previous is None or _looks_different(previous, view):
                self.redraw_live()
            if self.options.on_view is not None:
                self.options.on_view(view)

        def _stage_changed(self, view: View) -> None:
            done = view.stage is Stage.PRINTED and Action.REPRINT not in view.buttons
            if view.stage is Stage.RESULT and isinstance(view.detail, ResultDetail):
                done = view.detail.kind in (SubmissionKind.ACCEPTED, SubmissionKind.IN_REVIEW)
            if done:
                self.board.transaction_succeeded()
            if view.stage is Stage.ATTRACT and self.engine is not None:
                self.engine.forget()

        def _pump(self) -> None:
            if self.services is not None:
                self.services.pump()

        def _face_box(self) -> tuple[int, int, int, int] | None:
            return self.engine.last_box() if self.engine is not None else None

        # -- what the health reporter reads --------------------------------------------------
        def _publish_status(self) -> None:
            hardware = self.hardware

            def devices() -> dict[str, DeviceReport]:
                return hardware.statuses() if hardware is not None else {}

            def write(reports: dict[str, DeviceReport]) -> None:
                self.board.devices.update(reports)
                snapshot = self.board.snapshot()  # taken here, written on a worker
                self.workers.run(
                    lambda: write_shell_status(self.board.path, snapshot),
                    on_result=lambda _none: None,
                    on_error=lambda exc: log.warning("cannot write the shell status: %s", exc),
                )

            self.workers.run(devices, write, lambda exc: log.warning("device status failed: %s", exc))

        # -- the card reader (its poller runs on its own thread) ---------------------------
        def _start_card_reader(self) -> None:
            settings = self.cfg.card_reader
            if not settings.port:
                return
            self.board.device("card_reader", DeviceStatus.STARTING)
            reader = IdCardReader(settings.port, baudrate=settings.baudrate)
            self.card_poller = CardPoller(
                reader,
                lambda event: post(lambda: self._on_card_event(event)),
                interval_s=settings.poll_interval_s,
            )
            self.card_poller.start()

        def _on_card_event(self, event: CardEvent) -> None:
            attract = self.screens.get_screen("attract")
            if isinstance(event, ReaderStatusChanged):
                self.board.device("card_reader", event.status, event.problem)
                attract.show_reader(_reader_state(event.status))
            elif isinstance(event, CardPlaced):
                attract.show_card(mask_name(event.record.name))
            elif isinstance(event, CardReadFailed):
                attract.show_card_problem(event.error.message_zh)
            elif isinstance(event, CardRemoved):
                attract.clear_card()
            self.send(event)

        # -- clock and back-end status -------------------------------------------------------
        def _tick(self) -> None:
            self.screens.get_screen("attract").show_time(dt.datetime.now())

        def _probe(self) -> None:
            if self._probing:
                return
            self._probing = True
            timeout = self.cfg.back_end.probe_timeout_s
            self.workers.run(
                lambda: probe_back_end(self.client, timeout),
                on_result=self._show_back_end,
                on_error=self._probe_failed,
            )

        def _show_back_end(self, status: BackEndStatus) -> None:
            self._probing = False
            if status.reachable != self._last_reachable:  # log once on failure, once on recovery
                if status.reachable:
                    log.info("back end reachable (%s ms, version %s)", status.latency_ms, status.version)
                else:
                    log.warning("back end not reachable: %s", status.problem)
            self._last_reachable = status.reachable
            self.screens.get_screen("attract").show_service("online" if status.reachable else "offline")

        def _probe_failed(self, exc: Exception) -> None:
            log.error("back-end probe failed unexpectedly", exc_info=exc)
            self._show_back_end(BackEndStatus(reachable=False, problem=type(exc).__name__))

        # -- frames, walkthrough, screenshots -----------------------------------------------
        def _on_flip(self, *_: Any) -> None:
            if self._first_frame_seen:
                return
            self._first_frame_seen = True
            if self.options.exit_after_first_frame:
                print("kiosk: first frame", flush=True)
                self.stop()

        def _start_walkthrough(self, out: Path, deadline: float) -> None:
            waiting = self._last_reachable is None or self.flow is None
            if waiting and time.monotonic() < deadline:
                Clock.schedule_once(lambda _dt: self._start_walkthrough(out, deadline), 0.1)
                return
            out.mkdir(parents=True, exist_ok=True)
            steps = self.options.walkthrough_steps
            self._walking = True

            def run(index: int) -> None:
                if index == len(steps):
                    self._end_walkthrough(out, len(steps))
                    return
                step = steps[index]
                if step.act is not None:
                    step.act(self)
                settle(index, time.monotonic() + step.timeout_s)

            def settle(index: int, give_up: float) -> None:
                step, view = steps[index], self.view
                ready = step.until is None or (view is not None and step.until(view))
                if not ready and time.monotonic() < give_up:
                    Clock.schedule_once(lambda _dt: settle(index, give_up), 0.05)
                    return
                if not ready:
                    log.warning("walkthrough %s: gave up waiting (stage %s)", step.name, view and view.stage)
                # Let layout, text textures and the transition settle before the capture.
                Clock.schedule_once(lambda _dt: capture(index), 0.4)

            def capture(index: int) -> None:
                if self.screens.transition.is_active:  # a slow machine: the fade is still running
                    Clock.schedule_once(lambda _dt: capture(index), 0.1)
                    return
                _export(self.screens, out / f"{index + 1:02d}-{steps[index].name}.png")
                run(index + 1)

            run(0)

        def _end_walkthrough(self, out: Path, count: int) -> None:
            log.info("walkthrough: %d screens written to %s", count, out)
            self._walking = False
            if self.options.live_screenshot is not None and not self.options.exit_after_walkthrough:
                self._schedule_live_screenshots(self.options.live_screenshot)  # the first one now
            print(f"kiosk: walkthrough screenshots in {out}", flush=True)
            if self.options.after_walkthrough is not None:
                self.options.after_walkthrough()
            if self.options.exit_after_walkthrough:
                self.stop()

        def _schedule_live_screenshots(self, target: Path) -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            _export(self.screens, target)  # once, before anyone is told where it is
            self._live_started = True
            self._every(lambda: self._write_live(target), LIVE_SCREENSHOT_INTERVAL_S)

        def _write_live(self, target: Path) -> None:
            """Read the picture here (GL, on the UI thread); encode and write it on a worker."""
            self._live_soon = None
            picture = _capture(self.screens)
            self.workers.run(
                lambda: self._live_writer.write(picture, target),
                on_result=lambda _none: None,
                on_error=lambda exc: log.warning("cannot write the live picture: %s", exc),
            )

    return KioskApp


def _seal_trust(cfg: KioskConfig, client: Any) -> bytes:
    """The certificate seal's trust anchor: the enrolled copy, else the back end's (checked on every
    certificate against the seal, so asking for it is no weaker than reading a file)."""
    path = cfg.paths.identity / SEAL_TRUST
    if path.is_file():
        return path.read_bytes()
    reply = client.request("GET", "v1/certificates/trust.pem")
    body = reply.body
    return body if isinstance(body, bytes) else str(body).encode("ascii")


def _reader_state(status: DeviceStatus) -> str:
    if status is DeviceStatus.ONLINE:
        return "online"
    if status in {DeviceStatus.HARDWARE_ERROR, DeviceStatus.USER_ERROR}:
        return "fault"
    return "offline"


def _looks_different(before: View, after: View) -> bool:
    """A change worth a new live picture: the screen, its prompt, its buttons or what it waits for
    (not the countdown's every second)."""
    return (before.stage, before.message, before.buttons, before.busy, before.detail, before.language) != (
        after.stage,
        after.message,
        after.buttons,
        after.busy,
        after.detail,
        after.language,
    )


_pictures = itertools.count()


@dataclass(frozen=True, slots=True)
class _Picture:
    number: int  # in the order taken
    size: tuple[int, int]
    rgba: bytes  # top row first (Kivy's export flips the frame buffer)


def _capture(widget: Any) -> _Picture:
    """The widget's pixels, drawn into an offscreen buffer (must run on the UI thread)."""
    texture = widget.export_as_image().texture
    return _Picture(next(_pictures), (int(texture.width), int(texture.height)), bytes(texture.pixels))


class _NewestPicture:
    """Writes pictures from any worker, one at a time, never an older one over a newer one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written = -1

    def write(self, picture: _Picture, path: Path) -> None:
        from PIL import Image

        number = picture.number
        with self._lock:
            if number < self._written:
                return
            image = Image.frombytes("RGBA", picture.size, picture.rgba)
            tmp = path.with_name(f".{path.stem}.tmp.png")
            image.save(tmp, format="PNG", compress_level=1)
            os.replace(tmp, path)  # a reader never sees half a PNG
            self._written = number


def _export(widget: Any, path: Path) -> None:
    """Render ``widget`` to ``path`` atomically (a reader never sees half a PNG)."""
    tmp = path.with_name(f".{path.stem}.tmp.png")
    widget.export_to_png(str(tmp))
    os.replace(tmp, path)


def default_offscreen(cfg: KioskConfig) -> bool:
    if cfg.display.offscreen is not None:
        return cfg.display.offscreen
    from kiosk.config import has_display

    return not has_display()
