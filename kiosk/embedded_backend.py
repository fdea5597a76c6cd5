"""The reference back end as a child process, for the demo and end-to-end tests.

The kiosk never imports ``fundcenter``: the two share only the HTTP contract, so the demo starts
``python -m fundcenter serve`` and waits for the address it prints.
"""

from __future__ import annotations

import logging
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from drivers.lifetime import die_with_parent

log = logging.getLogger(__name__)
_READY_PREFIX = "fundcenter listening on "


class BackEndStartError(RuntimeError):
    """The embedded back end did not come up; the message carries its last output."""


class EmbeddedBackEnd:
    def __init__(
        self, data_dir: Path, host: str = "127.0.0.1", port: int = 8620, serve_args: tuple[str, ...] = ()
    ) -> None:
        self.data_dir = data_dir
        self.serve_args = serve_args  # more ``fundcenter serve`` options (TLS, signature policy)
        self.host = host
        self.port = port
        self.url: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._pump: threading.Thread | None = None

    def start(self, timeout_s: float = 30.0) -> str:
        """Start the back end (seeded with the demo members); returns its base URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        database_url = self._database_url
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fundcenter",
                "--database-url",
                database_url,
                "serve",
                "--seed",
                "--host",
                self.host,
                "--port",
                str(self.port),
                *self.serve_args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # noqa: PLW1509 (only calls prctl; no locks taken)
            text=True,
            encoding="utf-8",
        )
        lines: queue.Queue[str | None] = queue.Queue()
        stdout = self._process.stdout
        if stdout is None:  # cannot happen with stdout=PIPE; keeps the type checker honest
            raise BackEndStartError("no output pipe from the back end")
        self._pump = threading.Thread(
            target=_pump, args=(stdout, lines), daemon=True, name="fundcenter-output"
        )
        self._pump.start()
        seen: list[str] = []
        try:
            while True:
                line = lines.get(timeout=timeout_s)
                if line is None:
                    raise BackEndStartError("back end exited: " + " | ".join(seen[-5:]))
                seen.append(line)
                if line.startswith(_READY_PREFIX):
                    self.url = line.removeprefix(_READY_PREFIX).strip()
                    log.info("embedded back end at %s (data in %s)", self.url, self.data_dir)
                    return self.url
        except queue.Empty:
            self.stop()
            raise BackEndStartError(
                f"back end not ready after {timeout_s:.0f} s: " + " | ".join(seen[-5:])
            ) from None
        except BaseException:
            self.stop()
            raise

    def register_device(self, device_id: str, timeout_s: float = 60.0) -> str:
        """``fundcenter device add``: register (or re-issue) a kiosk; returns its one-time enrolment token."""
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "fundcenter",
                "--database-url",
                self._database_url,
                "device",
                "add",
                "--id",
                device_id,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout_s,
        )
        if done.returncode != 0:
            raise BackEndStartError(f"cannot register {device_id}: {done.stderr.strip()[-300:]}")
        return done.stdout.strip().splitlines()[-1]

    @property
    def _cli(self) -> list[str]:
        return [sys.executable, "-m", "fundcenter", "--database-url", self._database_url]

    @property
    def _database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'fundcenter.db'}"

    def stop(self, timeout_s: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()  # uvicorn finishes open requests on SIGTERM
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("back end did not stop in %.0f s; killing it", timeout_s)
                process.kill()
                process.wait()
            log.info("embedded back end stopped")
        if self._pump is not None:
            self._pump.join(timeout_s)  # the pump ends at the pipe's EOF
        if process.stdout is not None:
            process.stdout.close()


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Forward the child's output: ready-line detection first, then the kiosk's log at DEBUG."""
    for line in stream:
        lines.put(line.rstrip("\n"))
        log.debug("fundcenter: %s", line.rstrip())
    lines.put(None)
