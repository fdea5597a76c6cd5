"""Provisioning fixtures: the reference back end over HTTPS (its CA pinned by the technician), and a
raw TLS listener that records every byte a client sends after the handshake."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from drivers.idcard.simulator import PtySimulator, SimulatedReader, sample_cards
from drivers.printer.simulator.cupsd import PrivateCupsd
from drivers.printer.simulator.escpos_engine import SimulatedReceiptPrinter
from drivers.printer.simulator.escpos_pty import EscPosPty
from fundcenter.devices import enrolment
from kiosk.client.tls import spki_pin
from tests.fundcenter.conftest import ThreadServer, serve_app


@pytest.fixture(scope="session")
def center_ca() -> trustme.CA:
    return trustme.CA(organization_name="示范市住房公积金管理中心 provisioning test CA")


def pin_of(ca: trustme.CA) -> str:
    """The pin a technician types: ``sha256:HEX`` of the CA's key."""
    import base64

    return "sha256:" + base64.b64decode(spki_pin(ca.cert_pem.bytes()).removeprefix("sha256/")).hex()


def serving_chain(ca: trustme.CA, folder: Path) -> tuple[Path, Path]:
    """The leaf for localhost and the CA it chains to, as a server sends them, and the leaf's key."""
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    chain, key = folder / "server-chain.pem", folder / "server.key"
    chain.write_bytes(b"".join(pem.bytes() for pem in leaf.cert_chain_pems) + ca.cert_pem.bytes())
    leaf.private_key_pem.write_to_path(str(key))
    return chain, key


@dataclass
class Center:
    server: ThreadServer
    pin: str

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, device_id: str, ttl: dt.timedelta = dt.timedelta(hours=1)) -> str:
        """A one-time enrolment token, as ``fundcenter device add`` issues it."""
        return enrolment.register(self.server.engine, device_id, "测试网点", self.server.clock(), ttl)


@pytest.fixture
def center(tmp_path: Path, center_ca: trustme.CA) -> Iterator[Center]:
    """The reference back end under uvicorn with TLS (certificate from ``center_ca``)."""
    data = tmp_path / "center"
    data.mkdir()
    chain, key = serving_chain(center_ca, data)
    with serve_app(data, ssl_certfile=str(chain), ssl_keyfile=str(key)) as running:
        yield Center(running, pin_of(center_ca))


@dataclass
class RawTlsListener:
    """Accepts TLS connections and records, per connection, every application byte received."""

    context: ssl.SSLContext
    received: list[bytes] = field(default_factory=list)
    url: str = ""
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None
    _done: threading.Condition = field(default_factory=threading.Condition)

    def connections(self, count: int, timeout_s: float = 10.0) -> list[bytes]:
        """What the first ``count`` connections sent, once they have ended."""
        with self._done:
            assert self._done.wait_for(lambda: len(self.received) >= count, timeout_s), self.received
            return list(self.received)

    def __enter__(self) -> RawTlsListener:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://localhost:{self._sock.getsockname()[1]}/"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        assert self._sock is not None
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
        self._sock.close()
        if self._thread is not None:
            self._thread.join(5)

    def _serve(self) -> None:
        assert self._sock is not None
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            data = b""
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    tls.settimeout(2)
                    while chunk := tls.recv(65536):
                        data += chunk
                        if b"\r\n\r\n" in data:  # a request arrived: answer so the client stops waiting
                            tls.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            except (OSError, ssl.SSLError):
                pass
            with self._done:
                self.received.append(data)
                self._done.notify_all()


@pytest.fixture
def raw_tls(tmp_path: Path, center_ca: trustme.CA) -> Iterator[RawTlsListener]:
    chain, key = serving_chain(center_ca, tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain), str(key))
    with RawTlsListener(context) as listener:
        yield listener


FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
READER_BY_ID = "usb-1a86_USB_Serial_CH340-if00-port0"
PRINTER_BY_ID = "usb-0fe6_ESCPOS_Thermal_Printer_0123-if00"


@dataclass
class Rig:
    """A kiosk's peripherals on their simulators: the card reader and the receipt printer on ptys
    named under a by-id folder, a camera playing a photo, a private cupsd with the A4 queue."""

    by_id: Path
    reader: SimulatedReader
    receipt: SimulatedReceiptPrinter
    cupsd: PrivateCupsd
    camera: str
    config: Path

    @property
    def reader_port(self) -> str:
        return str(self.by_id / READER_BY_ID)

    @property
    def receipt_port(self) -> str:
        return str(self.by_id / PRINTER_BY_ID)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    reader = SimulatedReader(card=sample_cards()["resident"])
    receipt = SimulatedReceiptPrinter()
    camera = f"camsim://{FACES / 'obama_1.jpg'}?fps=30"
    with (
        PtySimulator(reader, link=by_id / READER_BY_ID, pace=False),
        EscPosPty(receipt) as printer_pty,
        PrivateCupsd(tmp_path / "cups") as cupsd,
    ):
        (by_id / PRINTER_BY_ID).symlink_to(printer_pty.path)
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f"""[kiosk]
device_id = "KIOSK-0201"
[card_reader]
port = "{by_id / READER_BY_ID}"
[camera]
source = "{camera}"
[printers]
cups_queue = "kiosk-a4"
cups_server = "{cupsd.server}"
receipt_port = "{by_id / PRINTER_BY_ID}"
[paths]
var_dir = "{tmp_path / "var"}"
""",
            "utf-8",
        )
        yield Rig(by_id, reader, receipt, cupsd, camera, config)
