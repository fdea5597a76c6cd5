"""A whole kiosk without Kivy: the flow and the real services on real workers, the ID card simulator behind
the real poller, the camera simulator playing a cooperative member, the ESC/POS simulator on a pty, a
spool folder for certificates, and the reference back end (reached directly or through a fault proxy).

The test thread plays the UI thread: :meth:`Kiosk.run_until` pumps the camera into the verifier, runs
what the workers and the poller posted, and ticks the flow's clock, as the app's Kivy clock would.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import requests

from drivers.camera import Camera
from drivers.camera.simulator import SimulatedCamera
from drivers.idcard.carddata import CardRecord
from drivers.idcard.device import IdCardReader
from drivers.idcard.poller import CardPoller
from drivers.idcard.simulator import SimulatedReader, demo_cards, register
from drivers.idcard.simulator.registry import unregister
from drivers.printer.escpos.device import ReceiptPrinter
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from drivers.printer.spool import SpoolDocumentPrinter
from kiosk.client.api import FundCenterApi
from kiosk.client.signing import Signer
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.config import SessionSection
from kiosk.documents.verify import CertificateVerifier
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.identity.engine import FaceEngine, Image
from kiosk.identity.liveness import Challenge, LivenessPolicy
from kiosk.identity.verifier import VerifyPolicy
from kiosk.outbox.sender import OutboxSender
from kiosk.outbox.store import Outbox
from kiosk.session import events as ev
from kiosk.session.flow import SessionFlow
from kiosk.session.services import KioskServices, ServiceParts
from kiosk.session.states import Action, Stage
from kiosk.session.view import FaceDetail, TypesDetail, View
from kiosk.workers import Workers

Inbox = queue.Queue[Callable[[], None]]
OUYANG_ID = "50011219560220007X"  # retired; the back end's reference face is obama_1.jpg
FRONT, LEFT = "obama_1.jpg", "obama_3.jpg"  # obama_3 is turned to his left


class CooperativeMember:
    """A camera source (two camera simulators): the member looks at the screen, and when asked to turn
    left (:meth:`turn`, called by the harness when the screen shows the challenge), waits a moment, turns
    for a second, and looks back at the screen."""

    def __init__(
        self, front: Path, left: Path, fps: float = 10.0, clock: Callable[[], float] = time.monotonic
    ):
        self.front = SimulatedCamera(front, fps=fps)
        self.left = SimulatedCamera(left, fps=fps)
        self.clock = clock
        self.turn_from = self.turn_until = 0.0
        self.turns = 0

    @property
    def is_open(self) -> bool:
        return self.front.is_open

    def open(self) -> None:
        self.front.open()
        self.left.open()

    def close(self) -> None:
        self.front.close()
        self.left.close()

    def read(self) -> Image | None:
        now = self.clock()
        source = self.left if self.turn_from <= now < self.turn_until else self.front
        return source.read()

    def turn(self, after_s: float = 1.5, for_s: float = 1.2) -> None:
        self.turns += 1
        self.turn_from = self.clock() + after_s
        self.turn_until = self.turn_from + for_s


def cooperative_member(camera_view: Callable[[str], Image], folder: Path) -> CooperativeMember:
    """The demo member 欧阳振华 in front of the camera (the back end's reference face is obama_1.jpg)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in (FRONT, LEFT):
        path = folder / f"camera-{name}.png"
        cv2.imwrite(str(path), camera_view(name))
        paths.append(path)
    return CooperativeMember(paths[0], paths[1])


@dataclass
class Kiosk:
    flow: SessionFlow
    services: KioskServices
    inbox: Inbox
    reader: SimulatedReader
    outbox: Outbox
    receipts: SimulatedReceiptPrinter
    spool: Path
    temp_root: Path
    member: CooperativeMember
    device_id: str
    stages: list[Stage] = field(default_factory=list)
    asked_to_turn: bool = False

    def show(self, view: View) -> None:
        if not self.stages or self.stages[-1] is not view.stage:
            self.stages.append(view.stage)
        challenge = isinstance(view.detail, FaceDetail) and view.detail.step == "challenge"
        if challenge and not self.asked_to_turn:
            self.member.turn()  # the member reads the prompt and turns
        self.asked_to_turn = challenge

    def handle(self, event: ev.Event) -> View:
        view = self.flow.handle(event)
        self.show(view)
        return view

    def run_until(self, done: Callable[[View], bool], seconds: float = 60.0) -> View:
        deadline = time.monotonic() + seconds
        while True:
            view = self.handle(ev.Tick())
            if done(view):
                return view
            if time.monotonic() > deadline:
                raise AssertionError(f"not reached in {seconds} s; stages so far: {self.stages}")
            self.services.pump()
            with contextlib.suppress(queue.Empty):
                self.inbox.get(timeout=0.03)()
            while True:
                try:
                    self.inbox.get_nowait()()
                except queue.Empty:
                    break

    def run_until_stage(self, *stages: Stage, seconds: float = 60.0) -> View:
        return self.run_until(lambda view: view.stage in stages, seconds)

    def card(self, id_number: str) -> CardRecord:
        return demo_cards()[id_number]


@contextmanager
def kiosk(
    back_end_url: str,
    device_id: str,
    *,
    signer: Signer | None = None,
    member: CooperativeMember,
    engine: FaceEngine,
    folder: Path,
    settings: SessionSection | None = None,
) -> Iterator[Kiosk]:
    """Everything a kiosk runs for a member session, stopped and closed on the way out."""
    with ExitStack() as stack:
        inbox: Inbox = queue.Queue()
        workers = Workers(inbox.put)
        stack.callback(workers.close)
        client = BackEndClient(ClientSettings(base_url=back_end_url, device_id=device_id, signer=signer))
        stack.callback(client.close)
        outbox = Outbox(folder / "outbox.db")
        stack.callback(outbox.close)
        trust = requests.get(f"{back_end_url}v1/certificates/trust.pem", timeout=30).content
        camera = stack.enter_context(Camera(member))
        sim_printer = SimulatedReceiptPrinter()
        pty = stack.enter_context(EscPosPty(sim_printer))
        receipts = stack.enter_context(ReceiptPrinter(pty.path))
        spool = folder / "spool"
        spool.mkdir()
        temp_root = folder / "sessions"
        temp_root.mkdir(mode=0o700, exist_ok=True)  # a test may leave a crashed session's area in it
        parts = ServiceParts(
            api=FundCenterApi(client),
            outbox=outbox,
            sender=OutboxSender(outbox, client),
            camera=camera,
            engine=engine,
            documents=SpoolDocumentPrinter(spool),
            receipts=receipts,
            certificates=CertificateVerifier(trust),
            workers=workers,
            temp_root=temp_root,
            verify_policy=VerifyPolicy(liveness=LivenessPolicy(time_limit_s=20.0)),
            challenge=lambda: Challenge.TURN_LEFT,
        )
        services = KioskServices(parts)
        stack.callback(services.close)
        flow = SessionFlow(settings or SessionSection(), services, time.monotonic)
        reader = SimulatedReader()
        name = f"session-{id(reader)}"
        poller = CardPoller(IdCardReader(register(name, reader)), lambda e: inbox.put(lambda: the.handle(e)))
        the = Kiosk(flow, services, inbox, reader, outbox, sim_printer, spool, temp_root, member, device_id)
        services.connect(the.handle)
        poller.start()
        stack.callback(unregister, name)
        stack.callback(poller.stop)
        yield the


@contextmanager
def enrolled_kiosk(
    back_end: EmbeddedBackEnd,
    engine: FaceEngine,
    camera_view: Callable[[str], Image],
    folder: Path,
    *,
    via: str | None = None,
) -> Iterator[Kiosk]:
    """A kiosk newly enrolled with ``back_end`` (reached through ``via``, e.g. a fault proxy, if given),
    with a cooperative member in front of its camera."""
    from tests.fundcenter.conftest import new_kiosk

    assert back_end.url is not None
    device = new_kiosk(back_end)
    member = cooperative_member(camera_view, folder / "camera")
    with kiosk(
        via or back_end.url,
        device.device_id,
        signer=device.signer(),
        member=member,
        engine=engine,
        folder=folder,
    ) as k:
        yield k


def walk_to_menu(k: Kiosk) -> None:
    """OUYANG's card on the reader, the face and liveness, up to the menu."""
    k.reader.place(k.card(OUYANG_ID))
    k.run_until_stage(Stage.FACE, seconds=30)
    view = k.run_until_stage(Stage.MENU, Stage.ERROR, seconds=90)
    assert view.stage is Stage.MENU, view.message
    assert view.name_masked == "欧***"


def retirement_to_confirm(k: Kiosk, bank_card: str) -> None:
    """From the menu: a retirement withdrawal to ``bank_card``, up to the confirmation."""
    k.handle(ev.Press(Action.WITHDRAWAL))
    k.run_until(lambda v: isinstance(v.detail, TypesDetail) and v.detail.options is not None)
    k.handle(ev.Press(Action.CHOOSE_TYPE, "retirement"))
    k.handle(ev.Press(Action.DOCUMENTS_READY))
    k.handle(ev.Press(Action.ENTER_BANK_CARD, bank_card))
