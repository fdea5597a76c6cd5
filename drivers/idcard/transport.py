"""The serial line: any pyserial URL or path, 8N1, with the simulator's ``idcardsim://`` URLs."""

from __future__ import annotations

import serial

from drivers.idcard.errors import ReaderUnavailable

DEFAULT_BAUDRATE = 115200
# pyserial finds URL handlers as <package>.protocol_<scheme>; ours is the wire-level simulator.
if "drivers.idcard.simulator" not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append("drivers.idcard.simulator")


def open_port(url: str, baudrate: int = DEFAULT_BAUDRATE, timeout_s: float = 0.05) -> serial.SerialBase:
    """Open ``url`` (``/dev/ttyUSB0``, ``/dev/serial/by-id/…``, a pty, ``socket://``, ``loop://``,
    ``idcardsim://``) at 8N1. ``timeout_s`` bounds one read call; commands keep their own deadlines."""
    try:
        port = serial.serial_for_url(
            url,
            baudrate=baudrate,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_NONE,
            stopbits=serial.STOPBITS_ONE,
            timeout=timeout_s,
            write_timeout=1.0,
            do_not_open=True,
        )
        if isinstance(port, serial.Serial) and "://" not in url:
            port.exclusive = True  # one process owns a local reader
        port.open()
    except (serial.SerialException, OSError, ValueError) as exc:
        raise ReaderUnavailable(f"cannot open card reader at {url}: {exc}") from exc
    return port
