"""``kiosk``: run the kiosk shell, or the whole demo appliance on simulated hardware."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, KioskConfig, load_config
from kiosk.logs import configure_logging

log = logging.getLogger("kiosk")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="住房公积金自助一体机 (fund kiosk shell)")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the kiosk shell with a config file")
    run.add_argument("--config", type=Path, help=f"TOML config (default {DEFAULT_CONFIG_PATH} if present)")
    run.add_argument("--profile", help="start from a named profile (production, demo)")
    run.add_argument("--offscreen", action="store_true", help="render without a display")
    run.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)

    demo = sub.add_parser("demo", help="the whole appliance on simulated hardware with the embedded back end")
    demo.add_argument(
        "--walkthrough",
        type=Path,
        metavar="DIR",
        help="render every screen offscreen into DIR as PNG, then exit",
    )
    demo.add_argument("--port", type=int, default=8620, help="embedded back end's port (0: any free port)")
    demo.add_argument("--config", type=Path, help="TOML file applied over the demo profile")
    demo.add_argument(
        "--keep-data",
        action="store_true",
        help="keep the last demo's data (balances, outbox, enrolment); by default each demo starts afresh",
    )

    health = sub.add_parser("health", help="the device-health reporter (metrics, heartbeats, watchdog)")
    health.add_argument("--config", type=Path, help=f"TOML config (default {DEFAULT_CONFIG_PATH} if present)")
    health.add_argument("--profile", help="start from a named profile (production, demo)")
    health.add_argument("--once", action="store_true", help="run every check once, print, exit 0/1/2")
    health.add_argument("--format", choices=("prometheus", "json"), default="json", help="output of --once")

    sender = sub.add_parser("outbox-sender", help="deliver the withdrawal outbox until stopped (a service)")
    sender.add_argument("--config", type=Path, help=f"TOML config (default {DEFAULT_CONFIG_PATH} if present)")
    sender.add_argument("--profile", help="start from a named profile (production, demo)")
    sender.add_argument("--interval", type=float, default=5.0, help="seconds between passes (default 5)")
    return parser


def _outbox_sender(cfg: KioskConfig, interval_s: float) -> int:
    """The outbox's own service: the shell submits at the screen, this delivers whatever is left.
    SIGTERM lets the pass in progress finish (an item cut short stays open under its key)."""
    import signal
    import threading

    from kiosk.client.factory import client_from_config
    from kiosk.outbox.sender import OutboxSender
    from kiosk.outbox.store import Outbox

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    outbox = Outbox(cfg.paths.outbox)
    sender = OutboxSender(outbox, client_from_config(cfg))
    log.info("outbox sender: %s every %.1f s", cfg.paths.outbox, interval_s)
    while not stopping.is_set():
        try:
            sender.drain_once()
        except Exception:  # a bug must not end delivery for good; logged with its trace
            log.exception("outbox pass failed")
        stopping.wait(interval_s)
    outbox.close()
    log.info("outbox sender stopped")
    return 0


def _load(path: Path | None, profile: str | None) -> KioskConfig:
    if path is None and profile is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    return load_config(path, profile)


def _health(cfg: KioskConfig, once: bool, fmt: str) -> int:
    import json
    import signal

    from kiosk.health.reporter import exit_code, standard_reporter

    reporter = standard_reporter(cfg)
    if once:
        results = reporter.run_once()
        print(
            reporter.metrics()
            if fmt == "prometheus"
            else json.dumps(reporter.summary(), ensure_ascii=False, indent=2)
        )
        return exit_code(results)
    server = reporter.serve(cfg.health.metrics_host, cfg.health.metrics_port)
    log.info("health reporter: metrics on http://%s:%d/metrics", *server.server_address[:2])
    signal.signal(signal.SIGTERM, lambda *_: reporter.stop())
    signal.signal(signal.SIGINT, lambda *_: reporter.stop())
    reporter.run(cfg.health.interval_s)
    server.shutdown()
    server.server_close()
    return 0


def _demo(cfg: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.demo import run_demo

    try:
        return run_demo(cfg, walkthrough=args.walkthrough, port=args.port, keep_data=args.keep_data)
    except KeyboardInterrupt:  # Ctrl+C before the kiosk took over the signal (starting up)
        print("kiosk: stopped (Ctrl+C)", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cfg = _load(args.config, "demo" if args.command == "demo" else args.profile)
    except ConfigError as exc:
        print(f"kiosk: configuration error:\n{exc}", file=sys.stderr)
        return 2
    configure_logging(cfg.logging.format, cfg.logging.level)
    if args.command in ("run", "health", "outbox-sender"):
        from kiosk.client.factory import check_link_settings

        try:
            check_link_settings(cfg)
        except ConfigError as exc:
            print(f"kiosk: this kiosk is not provisioned for a secure link:\n{exc}", file=sys.stderr)
            return 2
    if args.command == "demo":
        return _demo(cfg, args)
    if args.command == "health":
        return _health(cfg, once=args.once, fmt=args.format)
    if args.command == "outbox-sender":
        return _outbox_sender(cfg, args.interval)

    from kiosk.app import RunOptions, default_offscreen, run_app

    offscreen = args.offscreen or default_offscreen(cfg)
    log.info("kiosk %s starting (profile %s, device %s)", __version__, cfg.profile, cfg.kiosk.device_id)
    return run_app(cfg, RunOptions(offscreen=offscreen, exit_after_first_frame=args.exit_after_first_frame))
