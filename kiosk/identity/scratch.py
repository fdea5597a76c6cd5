"""A session's temporary area: the one place a session may put a photo (e.g. a reference image file
that a decoder plug-in insists on reading from disk). Private to this user, wiped when the session ends.
Frames, crops and encodings are kept in memory and never written at all.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType


class SessionScratch:
    def __init__(self, root: Path | None = None) -> None:
        # mkdtemp creates the folder with mode 0700.
        self.path = Path(tempfile.mkdtemp(prefix="kiosk-session-", dir=root))

    def wipe(self) -> None:
        """Remove the area and everything in it (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> SessionScratch:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.wipe()
