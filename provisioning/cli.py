"""``kiosk-provision``: the field technician's tool (a thin CLI over library functions).

Today it checks a kiosk's configuration and reads ID cards; discovery, self-test, enrolment,
installation and the report arrive with their issues.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from provisioning.read_card import read_card_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-provision", description="Provision a fund kiosk.")
    parser.add_argument("--version", action="version", version=f"kiosk-provision {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("config-check", help="validate a kiosk config file and print the result")
    check.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH)
    check.add_argument("--profile", help="profile the file is applied over (production, demo)")
    check.add_argument("--json", action="store_true", help="print the resolved config as JSON")
    card = sub.add_parser("read-card", help="wait for an ID card on a reader and read it")
    card.add_argument(
        "--port", required=True, help="serial path or pyserial URL (idcardsim://?card=… simulates)"
    )
    card.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a card (default 10)")
    card.add_argument("--baudrate", type=int, default=115200)
    card.add_argument("--json", action="store_true", help="print the card as one JSON object")
    return parser


def config_check(path: Path, profile: str | None, as_json: bool) -> int:
    try:
        cfg = load_config(path, profile)
    except ConfigError as exc:
        print(f"配置有误 / configuration error:\n{exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(cfg.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(
            f"OK: {path} (profile {cfg.profile}, device {cfg.kiosk.device_id}, back end {cfg.back_end.url})"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "read-card":
        return read_card_command(args.port, args.timeout, args.json, args.baudrate)
    return config_check(args.config, args.profile, args.json)
