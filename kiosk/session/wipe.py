"""The session's temporary area and its removal, including after a crash.

Every session gets one :class:`~kiosk.identity.scratch.SessionScratch` (mode 0700) under the kiosk's
session root: the certificate PDF and its preview picture, print files, a photo a decoder plug-in
insists on reading from disk. It is removed when the session ends. A kiosk that crashed or lost power
mid-session left one behind: :func:`wipe_leftovers` removes them all when the shell starts, before the
first member comes.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from kiosk.identity.scratch import SessionScratch

log = logging.getLogger(__name__)
PREFIX = "kiosk-session-"  # kiosk.identity.scratch.SessionScratch
PRINT_PREFIX = "kiosk-print-"  # kiosk.documents.printing.SessionPrints


def session_root(var_dir: Path) -> Path:
    """Where the sessions' temp areas live (``paths.var_dir``/sessions), owner-only."""
    root = var_dir / "sessions"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    root.chmod(0o700)
    return root


def new_scratch(root: Path) -> SessionScratch:
    return SessionScratch(root)


def wipe_leftovers(root: Path) -> int:
    """Remove every session area left under ``root`` (crash recovery); returns how many there were."""
    if not root.is_dir():
        return 0
    count = 0
    for path in root.iterdir():
        if not path.name.startswith((PREFIX, PRINT_PREFIX)):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:  # a file, or a link (never followed)
            path.unlink(missing_ok=True)
        count += 1
    if count:
        log.warning("removed %d session temp area(s) left by an earlier run", count)
    return count
