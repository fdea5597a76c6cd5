"""``kiosk demo``: the embedded back end, the simulators and the kiosk window, stopped together.

Simulated here: the ID card reader (number keys place the demo members' cards), the camera with a
cooperative member in front of it (:mod:`kiosk.demo_face`), the A4 printer on a private cupsd and the
receipt printer on a pty. ``--walkthrough DIR`` walks a whole session and one failure path (the
printer out of paper), writing a picture per step and everything printed into DIR.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from pydantic import AnyHttpUrl

from drivers.idcard.simulator import SimulatedReader, demo_cards, register
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from kiosk.app import LIVE_SCREENSHOT_INTERVAL_S, RunOptions, default_offscreen, run_app
from kiosk.client.api import FundCenterApi
from kiosk.client.device_key import make_key_and_csr
from kiosk.client.factory import DEVICE_CERT, DEVICE_KEY
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import BackEndSection, KioskConfig, PathsSection, PrintersSection
from kiosk.demo_face import REACT_S, CooperativeCamera
from kiosk.demo_keys import describe, prompt
from kiosk.demo_walk import walkthrough_steps
from kiosk.embedded_backend import BackEndStartError, EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine
from kiosk.masking import mask_name
from kiosk.session.states import Stage
from kiosk.session.view import FaceDetail, View

log = logging.getLogger(__name__)
DEMO_READER = "demo"
PAPER_OUT = "media-empty"
# Pictures need no animation: a slower frame rate leaves the software renderer's CPU (and the GIL it
# holds while drawing) to the simulated devices' threads on a small machine.
WALKTHROUGH_FPS = 15


class DemoHardware:
    """The demo's simulated peripherals. Keys: 1-6 place a demo member's card, 0 takes it away,
    p takes the A4 printer's paper out (and puts it back)."""

    def __init__(self, var_dir: Path, react_s: float = REACT_S) -> None:
        self.reader = SimulatedReader()
        self.cards = list(demo_cards().values())
        register(DEMO_READER, self.reader)
        self.camera = CooperativeCamera(FaceEngine(), react_s=react_s)
        self.cupsd = PrivateCupsd(var_dir / "demo-printers")
        self.receipt_printer = SimulatedReceiptPrinter()
        self.receipt_pty = EscPosPty(self.receipt_printer)
        self.paper_out = False

    def start(self) -> None:
        for old in self.cupsd.printed():  # a previous demo's prints: not this walkthrough's
            old.unlink()
        self.cupsd.start()
        self.receipt_pty.start()
        for card in self.cards:  # the faces are made now, not while a member waits
            self.camera.prepare(card.id_number)

    def stop(self) -> None:
        self.receipt_pty.stop()
        self.cupsd.stop()

    def printers(self) -> PrintersSection:
        return PrintersSection(
            cups_queue=self.cupsd.queues[0], cups_server=self.cupsd.server, receipt_port=self.receipt_pty.path
        )

    def place(self, number: int) -> None:
        card = self.cards[number - 1]
        self.reader.place(card)
        self.camera.show(card.id_number)

    def remove(self) -> None:
        self.reader.remove()

    def set_paper(self, out: bool) -> None:
        """Take the A4 paper out, or put it back and resume the queue (CUPS stops it on the error)."""
        self.paper_out = out
        self.cupsd.set_fault(PAPER_OUT if out else None)
        if not out:
            CupsDocumentPrinter(self.cupsd.queue()).resume()

    def on_key(self, key: str) -> None:
        if key == "0":
            self.remove()
        elif key.isdigit() and 1 <= int(key) <= len(self.cards):
            self.place(int(key))
        elif key == "p":
            self.set_paper(not self.paper_out)

    def follow(self, view: View) -> None:
        """The member in front of the camera does what the screen asks, and leaves at the end."""
        detail = view.detail
        if view.stage not in (Stage.FACE, Stage.CONFIRM_FACE) or not isinstance(detail, FaceDetail):
            self.camera.perform(None)
        elif detail.step == "challenge":
            self.camera.perform(detail.code)  # until the verifier has seen it done
        elif detail.step in ("", "face_found", "hold_still", "verified"):
            self.camera.perform(None)
        if view.stage is Stage.ATTRACT:
            self.camera.show(None)

    def save_printed(self, out: Path) -> list[Path]:
        """Every document the simulated printers printed: the certificates as PDF, receipts as text."""
        saved = []
        for number, job in enumerate(self.cupsd.printed(), 1):
            target = out / f"printed-certificate-{number}.pdf"
            shutil.copyfile(job, target)
            saved.append(target)
        for number, receipt in enumerate(self.receipt_printer.receipts, 1):
            target = out / f"printed-receipt-{number}.txt"
            lines = [*receipt.lines, *(f"[QR] {code}" for code in receipt.qr_codes)]
            target.write_text("\n".join(lines) + "\n", "utf-8")
            saved.append(target)
        return saved


def _start_back_end(cfg: KioskConfig, port: int) -> tuple[EmbeddedBackEnd, str] | None:
    back_end = EmbeddedBackEnd(cfg.paths.var_dir / "fundcenter", port=port)
    try:
        return back_end, back_end.start()
    except BackEndStartError as exc:
        if port == 0 or "cannot listen" not in str(exc):
            log.error("the embedded back end did not start: %s", exc)
            return None
    log.warning("port %d is taken; the embedded back end takes a free port instead", port)
    return _start_back_end(cfg, 0)


def enrol_demo_kiosk(back_end: EmbeddedBackEnd, cfg: KioskConfig) -> None:
    """Register the demo kiosk with its back end and enrol it (a fresh P-256 key, as kiosk-provision
    does on a real kiosk), so the back end knows the device its member sessions come from."""
    device_id, url = cfg.kiosk.device_id, back_end.url
    assert url is not None  # noqa: S101 - started above
    token = back_end.register_device(device_id)
    key_pem, csr_pem = make_key_and_csr(device_id)
    client = BackEndClient(ClientSettings(base_url=url, device_id=device_id))
    try:
        enrolled = FundCenterApi(client).enrol(device_id, token, csr_pem)
    finally:
        client.close()
    identity = cfg.paths.identity
    identity.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path = identity / DEVICE_KEY
    key_path.touch(mode=0o600)
    key_path.write_bytes(key_pem)
    (identity / DEVICE_CERT).write_text(enrolled.certificate_pem, "ascii")
    log.info("demo kiosk %s enrolled", device_id)


def fresh_demo_data(paths: PathsSection) -> list[Path]:
    """Remove the last demo's data, so every demo starts from the seeded members (the walkthrough
    withdraws ¥1,500 each time): the embedded back end's database, keys and seal, the kiosk's
    outbox, enrolment and maintenance state, crash leftovers of sessions. Kivy's home, the
    screenshots and the private cupsd's set-up stay. Returns what was removed."""
    var = paths.var_dir
    removed = []
    for path in (
        var / "fundcenter",
        paths.outbox,
        paths.outbox.with_name(paths.outbox.name + "-wal"),
        paths.outbox.with_name(paths.outbox.name + "-shm"),
        paths.identity,
        paths.maintenance,
        var / "sessions",
    ):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def _key_legend(hardware: DemoHardware) -> str:
    members = ", ".join(
        f"{number} {mask_name(card.name)}" for number, card in enumerate(hardware.cards, start=1)
    )
    return (
        f"  1-{len(hardware.cards)} place a demo member's ID card on the reader ({members}),\n"
        "  0 takes the card away, p takes the A4 printer's paper out (and puts it back),\n"
        "  a letter presses a button of the screen shown (listed below on every change of screen),\n"
        "  = then digits and Enter types an amount (yuan) or a bank card number on the number pad."
    )


class ScreenNarrator:
    """Says each change of screen on the terminal (a headless demo has no window to look at)."""

    def __init__(self, follow: Callable[[View], None]) -> None:
        self.follow = follow
        self.enabled = False  # from the end of the walkthrough on
        self._screen = ""
        self._prompt = ""

    def __call__(self, view: View) -> None:
        self.follow(view)
        if not self.enabled:
            return
        screen, said = describe(view), prompt(view)
        if screen != self._screen:
            self._screen, self._prompt = screen, ""
            print(screen, flush=True)
        if said and said != self._prompt:
            self._prompt = said
            print(said, flush=True)


def run_demo(cfg: KioskConfig, walkthrough: Path | None, port: int, keep_data: bool = False) -> int:
    if not keep_data:
        removed = fresh_demo_data(cfg.paths)
        if removed:
            log.info("fresh demo data (the last run's removed; --keep-data keeps it)")
    started = _start_back_end(cfg, port)
    if started is None:
        return 1
    back_end, url = started
    hardware = DemoHardware(cfg.paths.var_dir)
    try:
        enrol_demo_kiosk(back_end, cfg)
        hardware.start()
        back_end_cfg = BackEndSection.model_validate(cfg.back_end.model_dump() | {"url": AnyHttpUrl(url)})
        cfg = cfg.model_copy(update={"back_end": back_end_cfg, "printers": hardware.printers()})
        narrator = ScreenNarrator(hardware.follow)
        common = {"camera_source": hardware.camera, "on_view": narrator, "voice_log": True}
        steps = walkthrough_steps(hardware)

        def after(out: Path) -> None:
            for path in hardware.save_printed(out):
                log.info("printed: %s", path)
            hardware.remove()

        def live_now(out: Path, live: Path) -> None:
            after(out)
            print(
                f"The walkthrough is done: a picture of each of its {len(steps)} screens, and what was "
                f"printed, are in {out}.\n"
                "The kiosk is now live, offscreen, on its welcome screen, waiting for a member's card.\n"
                f"  Live picture: {live} (redrawn after every change, and every "
                f"{LIVE_SCREENSHOT_INTERVAL_S:.0f} s)\n"
                f"  Back end:     {url} (API document at {url}docs)\n"
                "Type here (no Enter needed):\n"
                f"{_key_legend(hardware)}\n"
                "The simulated member in front of the camera does what the screen asks.\n"
                "Press Ctrl+C to stop.",
                flush=True,
            )
            narrator.enabled = True

        if walkthrough is not None:
            options = RunOptions(
                offscreen=True,
                walkthrough_dir=walkthrough,
                walkthrough_steps=steps,
                after_walkthrough=lambda: after(walkthrough),
                exit_after_walkthrough=True,
                max_fps=WALKTHROUGH_FPS,
                **common,  # type: ignore[arg-type]
            )
        elif default_offscreen(cfg):
            shots = cfg.paths.screenshots
            print(
                "No display found: the kiosk renders offscreen.\n"
                f"First it walks through a whole session of demo member 1 ({len(steps)} screens, about a "
                "minute), taking a picture of each screen; then it waits for you.\n"
                f"  Back end: {url} (API document at {url}docs)\n"
                "Press Ctrl+C to stop.",
                flush=True,
            )
            options = RunOptions(
                offscreen=True,
                walkthrough_dir=shots / "walkthrough",
                walkthrough_steps=steps,
                after_walkthrough=lambda: live_now(shots / "walkthrough", shots / "live.png"),
                live_screenshot=shots / "live.png",
                on_key=hardware.on_key,
                terminal_keys=True,
                **common,  # type: ignore[arg-type]
            )
        else:
            print(
                f"Kiosk window open; back end at {url}.\n"
                f"Keys, typed in the window:\n{_key_legend(hardware)}\n"
                "Close the window or press Ctrl+C to stop.",
                flush=True,
            )
            narrator.enabled = True
            options = RunOptions(offscreen=False, on_key=hardware.on_key, **common)  # type: ignore[arg-type]
        return run_app(cfg, options)
    finally:
        hardware.stop()
        back_end.stop()
