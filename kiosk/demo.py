"""``kiosk demo``: the embedded back end, the simulators and the kiosk window, stopped together."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import AnyHttpUrl

from kiosk.app import RunOptions, default_offscreen, run_app
from kiosk.config import BackEndSection, KioskConfig
from kiosk.embedded_backend import BackEndStartError, EmbeddedBackEnd

log = logging.getLogger(__name__)


def run_demo(cfg: KioskConfig, walkthrough: Path | None, port: int) -> int:
    back_end = EmbeddedBackEnd(cfg.paths.var_dir / "fundcenter", port=port)
    try:
        url = back_end.start()
    except BackEndStartError as exc:
        if port == 0 or "cannot listen" not in str(exc):
            log.error("the embedded back end did not start: %s", exc)
            return 1
        log.warning("port %d is taken; the embedded back end takes a free port instead", port)
        back_end = EmbeddedBackEnd(cfg.paths.var_dir / "fundcenter", port=0)
        try:
            url = back_end.start()
        except BackEndStartError as again:
            log.error("the embedded back end did not start: %s", again)
            return 1
    try:
        back_end_cfg = BackEndSection.model_validate(cfg.back_end.model_dump() | {"url": AnyHttpUrl(url)})
        cfg = cfg.model_copy(update={"back_end": back_end_cfg})
        if walkthrough is not None:
            options = RunOptions(offscreen=True, walkthrough_dir=walkthrough, exit_after_walkthrough=True)
        elif default_offscreen(cfg):
            shots = cfg.paths.screenshots
            print(
                f"No display found: the kiosk renders offscreen.\n"
                f"  Screens:        {shots / 'walkthrough'}/*.png\n"
                f"  Live picture:   {shots / 'live.png'} (refreshed every few seconds)\n"
                f"  Back end:       {url} (API document at {url}docs)\n"
                f"Press Ctrl+C to stop.",
                flush=True,
            )
            options = RunOptions(
                offscreen=True, walkthrough_dir=shots / "walkthrough", live_screenshot=shots / "live.png"
            )
        else:
            print(
                f"Kiosk window open; back end at {url}. Close the window or press Ctrl+C to stop.", flush=True
            )
            options = RunOptions(offscreen=False)
        return run_app(cfg, options)
    finally:
        back_end.stop()
