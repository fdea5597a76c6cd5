"""Helper processes that must not outlive the process that started them, even when it is killed
(SIGKILL leaves no chance to clean up): a simulated printer's cupsd, the back end the demo embeds, the
face encoder's worker. Without this a killed kiosk leaves orphans holding its ports and pipes."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For ``subprocess.Popen(preexec_fn=...)``: in the child, before exec, ask Linux to send SIGTERM when
    the parent dies. Linux means the *thread* that started the child: start such children from a thread
    that lives as long as they should (the main thread)."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def exit_when_orphaned(interval_s: float = 1.0) -> None:
    """In a Python helper process: end it once its parent is gone (it is then re-parented), whichever
    thread of the parent started it."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
