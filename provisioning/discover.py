"""Find the kiosk's peripherals: serial ports by their stable names and what answers on them, cameras,
CUPS queues and ESC/POS printers. Every probe goes through the drivers, so a port that answers here
answers the shell the same way.

Serial ports come from udev (pyudev) with their ``/dev/serial/by-id`` links, vendor, model and serial
number; where udev cannot be asked (a container, a chroot) the by-id links are resolved by hand.
pyserial's own list misses those names. Each port is asked ``DLE EOT`` first (an ESC/POS printer
answers, a card reader ignores it) and then the GA/T 467 SAM status (a reader answers with its SAM),
so a receipt printer never prints a card reader's frame.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from drivers.camera.sources import frame_source, is_simulated
from drivers.camera.transport import SourceUnavailable
from drivers.idcard import errors as idcard_errors
from drivers.idcard.device import IdCardReader
from drivers.printer import errors as printer_errors
from drivers.printer.cups.device import CupsDocumentPrinter
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.escpos import protocol as escpos_protocol
from drivers.printer.escpos.device import ReceiptPrinter
from kiosk.config import KioskConfig

BY_ID_DIR = Path("/dev/serial/by-id")
V4L_BY_ID_DIR = Path("/dev/v4l/by-id")
ROLE_CARD_READER = "idcard"
ROLE_RECEIPT = "receipt"


@dataclass(frozen=True)
class SerialPort:
    device: str  # the kernel's name (/dev/ttyUSB0), or the URL/path given
    by_id: str | None = None  # the stable /dev/serial/by-id name
    vendor_id: str | None = None
    product_id: str | None = None
    serial: str | None = None  # the adapter's USB serial number
    model: str | None = None
    role: str | None = None  # idcard, receipt, or None (nothing we know answered)
    sam_id: str | None = None  # the card reader's security module id
    detail: str = ""

    @property
    def stable(self) -> str:
        return self.by_id or self.device


@dataclass(frozen=True)
class CameraInfo:
    source: str
    by_id: str | None = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    ok: bool = False
    detail: str = ""


@dataclass(frozen=True)
class QueueInfo:
    name: str
    server: str
    device_uri: str = ""
    state: str = ""
    paper: str = ""
    ready: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Discovery:
    serial_ports: list[SerialPort] = field(default_factory=list)
    cameras: list[CameraInfo] = field(default_factory=list)
    cups_queues: list[QueueInfo] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    def dumps(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)

    def port_for(self, role: str) -> SerialPort | None:
        return next((p for p in self.serial_ports if p.role == role), None)


# -- serial ports ----------------------------------------------------------------------------------
def _udev_serial_ports() -> list[SerialPort] | None:
    """Serial ports as udev knows them, or None where udev cannot be asked."""
    try:
        import pyudev  # noqa: PLC0415 - optional at run time: a container may lack libudev

        context = pyudev.Context()
        devices = list(context.list_devices(subsystem="tty"))
    except (ImportError, OSError):
        return None
    ports = []
    for device in devices:
        props = device.properties
        if "ID_BUS" not in props or device.device_node is None:
            continue  # virtual consoles and the like
        links = [str(link) for link in device.device_links]
        by_id = next((link for link in links if link.startswith(str(BY_ID_DIR))), None)
        ports.append(
            SerialPort(
                device=device.device_node,
                by_id=by_id,
                vendor_id=props.get("ID_VENDOR_ID"),
                product_id=props.get("ID_MODEL_ID"),
                serial=props.get("ID_SERIAL_SHORT"),
                model=props.get("ID_MODEL"),
            )
        )
    return ports


def by_id_links(directory: Path = BY_ID_DIR) -> list[SerialPort]:
    """The fallback: resolve the by-id links by hand (the name carries vendor, model and serial)."""
    if not directory.is_dir():
        return []
    ports = []
    for link in sorted(directory.iterdir()):
        if not link.is_symlink():
            continue
        target = os.path.realpath(link)
        if not os.path.exists(target):
            continue
        ports.append(SerialPort(device=target, by_id=str(link), model=_model_from_by_id(link.name)))
    return ports


def _model_from_by_id(name: str) -> str:
    # usb-1a86_USB_Serial-if00-port0 -> 1a86 USB Serial
    body = name.removeprefix("usb-").removeprefix("pci-")
    body = body.rsplit("-if", 1)[0]
    return body.replace("_", " ")


def serial_ports(by_id_dir: Path = BY_ID_DIR, extra: Iterable[str] = ()) -> list[SerialPort]:
    found = (_udev_serial_ports() if by_id_dir == BY_ID_DIR else None) or by_id_links(by_id_dir)
    known = {p.device for p in found} | {p.by_id for p in found if p.by_id}
    for spec in extra:
        if spec and spec not in known and os.path.realpath(spec) not in known:
            found.append(SerialPort(device=spec))
            known.add(spec)
    return found


def probe_port(port: SerialPort, reader_baud: int = 115200, printer_baud: int = 9600) -> SerialPort:
    """Ask the port what it is: an ESC/POS printer (DLE EOT), then a GA/T 467 SAM reader."""
    url = port.stable
    if "://" not in url or url.startswith(("tcp://", "socket://")):
        printer = ReceiptPrinter(url, baudrate=printer_baud, timeout_s=0.3)
        try:
            printer.open()
            health = escpos_protocol.health_of(printer.query())
            detail = f"ESC/POS printer: {health.device}, paper {health.paper}"
            return replace(port, role=ROLE_RECEIPT, detail=detail)
        except printer_errors.PrinterError:
            pass
        finally:
            printer.close()
    reader = IdCardReader(url, baudrate=reader_baud, command_timeout_s=0.3)
    try:
        reader.open()  # open() asks the SAM status and fails unless the SAM passes its self-test
        sam_id = reader.sam_id()
        return replace(port, role=ROLE_CARD_READER, sam_id=sam_id, detail="GA/T 467 SAM reader")
    except idcard_errors.SamFailure as exc:
        return replace(port, role=ROLE_CARD_READER, detail=f"SAM reader whose SAM failed: {exc}")
    except idcard_errors.IdCardError as exc:
        return replace(port, detail=f"no known device answers ({type(exc).__name__})")
    finally:
        reader.close()


# -- cameras ----------------------------------------------------------------------------------------
def camera_sources(extra: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    by_id = {os.path.realpath(p): p for p in glob.glob(str(V4L_BY_ID_DIR / "*"))}
    found: list[tuple[str, str | None]] = [
        (dev, by_id.get(dev)) for dev in sorted(glob.glob("/dev/video*"), key=_natural)
    ]
    found += [(spec, None) for spec in extra if spec and spec not in {f[0] for f in found}]
    return found


def _natural(path: str) -> tuple[str, int]:
    stem = path.rstrip("0123456789")
    return stem, int(path[len(stem) :] or 0)


def probe_camera(
    source: str, by_id: str | None = None, frames: int = 15, width: int = 640, height: int = 480
) -> CameraInfo:
    """Open the camera, read ``frames`` frames: the size it delivers and the rate it keeps."""
    try:
        camera = frame_source(source, width, height)
    except (SourceUnavailable, ValueError) as exc:
        return CameraInfo(source, by_id, detail=str(exc))
    try:
        camera.open()
        first = camera.read()
        if first is None:
            return CameraInfo(source, by_id, detail="opens but delivers no frame (a metadata node?)")
        started = time.monotonic()
        got = 0
        for _ in range(frames):
            if camera.read() is not None:
                got += 1
        elapsed = time.monotonic() - started
        h, w = first.shape[:2]
        kind = "simulated camera" if is_simulated(source) else "V4L2 camera"
        return CameraInfo(source, by_id, w, h, round(got / elapsed, 1) if elapsed else 0.0, True, kind)
    except SourceUnavailable as exc:
        return CameraInfo(source, by_id, detail=str(exc))
    finally:
        camera.close()


# -- CUPS ------------------------------------------------------------------------------------------
def cups_queues(server: str, timeout_s: float = 5.0) -> list[QueueInfo]:
    """Every queue ``lpstat`` lists on ``server`` (host:port), with its device and health."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    env = {**os.environ, "CUPS_SERVER": server, "LANG": "C", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            [lpstat, "-v"], capture_output=True, text=True, timeout=timeout_s, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return []
    queues = []
    for line in result.stdout.splitlines():
        # "device for kiosk-a4: kioskpdf:/path"
        if not line.startswith("device for ") or ": " not in line:
            continue
        name, uri = line.removeprefix("device for ").split(": ", 1)
        health = CupsDocumentPrinter(CupsQueue(name, server, timeout_s)).health()
        queues.append(
            QueueInfo(
                name=name,
                server=server,
                device_uri=uri.strip(),
                state=str(health.device),
                paper=str(health.paper),
                ready=health.can_print,
                detail=health.message_zh or "",
            )
        )
    return queues


# -- everything ------------------------------------------------------------------------------------
def discover(
    cfg: KioskConfig,
    *,
    ports: Sequence[str] = (),
    cameras: Sequence[str] = (),
    cups_servers: Sequence[str] = (),
    by_id_dir: Path = BY_ID_DIR,
) -> Discovery:
    """What is attached, plus whatever the config and the technician name (simulator URLs included)."""
    configured_ports = [cfg.card_reader.port, cfg.printers.receipt_port]
    found_ports = [
        probe_port(port, cfg.card_reader.baudrate, cfg.printers.receipt_baudrate)
        for port in serial_ports(by_id_dir, [*ports, *configured_ports])
        if _openable(port.stable)
    ]
    found_cameras = [
        probe_camera(source, by_id, width=cfg.camera.width, height=cfg.camera.height)
        for source, by_id in camera_sources([*cameras, cfg.camera.source])
        if _openable(source)
    ]
    servers = list(dict.fromkeys([*cups_servers, cfg.printers.cups_server]))
    queues = [queue for server in servers for queue in cups_queues(server)]
    return Discovery(found_ports, found_cameras, queues)


def _openable(spec: str) -> bool:
    """A URL is worth a try; a path only when it exists (a default /dev/ttyUSB0 on a board without it
    is not a finding)."""
    if not spec:
        return False
    if "://" in spec:
        return True
    with contextlib.suppress(OSError):
        return os.path.exists(spec)
    return False
