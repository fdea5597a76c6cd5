"""``kiosk demo``: the embedded back end, the simulators and the kiosk window, stopped together."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import AnyHttpUrl

from drivers.idcard.simulator import SimulatedReader, demo_cards, register
from kiosk.app import RunOptions, WalkStep, default_offscreen, run_app
from kiosk.config import BackEndSection, KioskConfig
from kiosk.embedded_backend import BackEndStartError, EmbeddedBackEnd

log = logging.getLogger(__name__)
DEMO_READER = "demo"


class DemoCards:
    """The simulated card reader of the demo: number keys 1–6 place a demo member's card, 0 takes it."""

    def __init__(self) -> None:
        self.reader = SimulatedReader()
        self.cards = list(demo_cards().values())
        register(DEMO_READER, self.reader)

    def on_key(self, key: str) -> None:
        if key == "0":
            self.reader.remove()
        elif key.isdigit() and 1 <= int(key) <= len(self.cards):
            self.reader.place(self.cards[int(key) - 1])

    def walkthrough(self) -> tuple[WalkStep, ...]:
        return (
            WalkStep("attract"),
            WalkStep("card-read", act=lambda: self.on_key("1"), settle="card-placed"),
        )


def _start_back_end(cfg: KioskConfig, port: int) -> tuple[EmbeddedBackEnd, str] | None:
    back_end = EmbeddedBackEnd(cfg.paths.var_dir / "fundcenter", port=port)
    try:
        return back_end, back_end.start()
    except BackEndStartError as exc:
        if port == 0 or "cannot listen" not in str(exc):
            log.error("the embedded back end did not start: %s", exc)
            return None
    log.warning("port %d is taken; the embedded back end takes a free port instead", port)
    return _start_back_end(cfg, 0)


def run_demo(cfg: KioskConfig, walkthrough: Path | None, port: int) -> int:
    started = _start_back_end(cfg, port)
    if started is None:
        return 1
    back_end, url = started
    try:
        back_end_cfg = BackEndSection.model_validate(cfg.back_end.model_dump() | {"url": AnyHttpUrl(url)})
        cfg = cfg.model_copy(update={"back_end": back_end_cfg})
        cards = DemoCards()
        steps = cards.walkthrough()
        if walkthrough is not None:
            options = RunOptions(
                offscreen=True,
                walkthrough_dir=walkthrough,
                walkthrough_steps=steps,
                after_walkthrough=cards.reader.remove,
                exit_after_walkthrough=True,
            )
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
                offscreen=True,
                walkthrough_dir=shots / "walkthrough",
                walkthrough_steps=steps,
                after_walkthrough=cards.reader.remove,
                live_screenshot=shots / "live.png",
            )
        else:
            print(
                f"Kiosk window open; back end at {url}.\n"
                f"Keys 1-{len(cards.cards)} place a demo member's ID card on the simulated reader, "
                "0 takes it away.\n"
                "Close the window or press Ctrl+C to stop.",
                flush=True,
            )
            options = RunOptions(offscreen=False, on_key=cards.on_key)
        return run_app(cfg, options)
    finally:
        back_end.stop()
