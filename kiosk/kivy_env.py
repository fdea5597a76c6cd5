"""Kivy's environment, set before the first ``import kivy`` (Kivy reads it at import time).

No Kivy import here: this module only prepares variables, so it can be tested and called early.
"""

from __future__ import annotations

import os
from pathlib import Path


def prepare_kivy_environment(kivy_home: Path, offscreen: bool) -> None:
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ["KIVY_NO_ARGS"] = "1"  # our argparse owns the command line
    os.environ["KIVY_LOG_MODE"] = "PYTHON"  # Kivy logs through our masking handler
    os.environ["KIVY_NO_FILELOG"] = "1"
    if offscreen:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"  # SDL renders through EGL (Mesa) with no X
        os.environ.pop("DISPLAY", None)
