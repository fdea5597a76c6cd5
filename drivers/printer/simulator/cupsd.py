"""A private ``cupsd`` for tests, benchmarks and the demo: its own config, spool, port and queues.

Nothing touches the system's CUPS: ServerRoot, RequestRoot, CacheDir, StateDir and the logs live
under ``root``; ServerBin links the system's filters and daemons and adds the ``kioskpdf`` backend.
Queues are raw (the PDF reaches the backend as submitted), so a job's output is the document itself.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from drivers.lifetime import die_with_parent
from drivers.printer.cups.transport import CupsQueue
from drivers.printer.simulator import backend

_SYSTEM_SERVERBIN = Path("/usr/lib/cups")
_LINKED = ("daemon", "filter", "cgi-bin", "monitor", "notifier", "driver")

_CUPSD_CONF = """\
Listen 127.0.0.1:{port}
LogLevel info
Browsing No
DefaultShared No
WebInterface No
DefaultAuthType None
PreserveJobHistory Yes
PreserveJobFiles No
MaxJobs 500
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

_FILES_CONF = """\
ServerRoot {root}/etc
ServerBin {root}/bin
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
Printcap {root}/printcap
SystemGroup root
"""

_PRINTER = """\
<{tag} {name}>
Info Kiosk simulated A4 printer {name}
DeviceURI {scheme}:{directory}
State Idle
Accepting Yes
Shared No
JobSheets none none
ErrorPolicy {error_policy}
OpPolicy default
</{tag}>
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateCupsd:
    def __init__(
        self, root: Path, queues: tuple[str, ...] = ("kiosk-a4",), error_policy: str = "stop-printer"
    ) -> None:
        self.root = root
        self.queues = queues
        self.error_policy = error_policy
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def queue(self, name: str | None = None, timeout_s: float = 5.0) -> CupsQueue:
        return CupsQueue(name or self.queues[0], self.server, timeout_s)

    def printer_dir(self, name: str | None = None) -> Path:
        return self.root / "printers" / (name or self.queues[0])

    def printed(self, name: str | None = None) -> list[Path]:
        """The job files the printer has written, oldest first."""
        out = self.printer_dir(name) / "out"
        return sorted(out.glob("job-*.pdf"), key=lambda p: int(p.stem.split("-")[1]))

    def set_fault(self, fault: str | None, name: str | None = None) -> None:
        """Play ``fault`` (see :data:`backend.FAULTS`) on the next job; None clears it."""
        path = self.printer_dir(name) / "fault"
        if fault is None:
            path.unlink(missing_ok=True)
            return
        if fault not in backend.FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(backend.FAULTS)}")
        path.write_text(fault + "\n", "utf-8")

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, timeout_s: float = 15.0) -> None:
        cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
        self._write_config()
        log = (self.root / "log" / "cupsd.out").open("wb")
        with log:
            self._process = subprocess.Popen(
                [
                    cupsd,
                    "-f",
                    "-c",
                    str(self.root / "etc/cupsd.conf"),
                    "-s",
                    str(self.root / "etc/cups-files.conf"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,  # noqa: PLW1509 (only calls prctl; no locks taken)
            )
        deadline = time.monotonic() + timeout_s
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                output = (self.root / "log" / "cupsd.out").read_text("utf-8", "replace")
                self.stop()
                raise RuntimeError(f"private cupsd did not start: {output.strip()}")
            time.sleep(0.05)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def __enter__(self) -> PrivateCupsd:
        self.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def error_log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text("utf-8", "replace") if path.is_file() else ""

    # -- internals -----------------------------------------------------------------------------
    def _answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
            return True
        return False

    def _write_config(self) -> None:
        root = self.root
        for sub in ("etc", "bin", "spool", "cache", "state", "tmp", "log", "printers"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        for name in _LINKED:
            link = root / "bin" / name
            if (_SYSTEM_SERVERBIN / name).exists() and not link.is_symlink():
                link.symlink_to(_SYSTEM_SERVERBIN / name)
        backend.install(root / "bin" / "backend")
        self.port = free_port()
        (root / "etc/cupsd.conf").write_text(_CUPSD_CONF.format(port=self.port), "utf-8")
        (root / "etc/cups-files.conf").write_text(_FILES_CONF.format(root=root), "utf-8")
        printers = []
        for i, name in enumerate(self.queues):
            directory = self.printer_dir(name)
            (directory / "out").mkdir(parents=True, exist_ok=True)
            tag = "DefaultPrinter" if i == 0 else "Printer"
            printers.append(
                _PRINTER.format(
                    tag=tag,
                    name=name,
                    scheme=backend.SCHEME,
                    directory=directory,
                    error_policy=self.error_policy,
                )
            )
        (root / "etc/printers.conf").write_text("".join(printers), "utf-8")
