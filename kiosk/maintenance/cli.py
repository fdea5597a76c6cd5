"""``python -m kiosk.maintenance``: make the technician's credentials for a kiosk's config.

- ``pin``: asks for a PIN twice (or reads one line from stdin with ``--stdin``) and prints the
  ``pin_hash = "scrypt$…"`` line for the ``[maintenance]`` section. The PIN is never printed or kept.
- ``totp [--config FILE]``: writes a fresh secret to ``paths.identity/maintenance-totp.secret``
  (mode 0600) and prints the ``otpauth://`` URI to put in the technician's authenticator app.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from kiosk.maintenance.pin import PinError, check_pin_format, make_pin_hash
from kiosk.maintenance.totp import SECRET_FILE, new_secret, provisioning_uri, write_secret


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kiosk.maintenance", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    pin = sub.add_parser("pin", help="print the [maintenance] pin_hash line for a technician PIN")
    pin.add_argument("--stdin", action="store_true", help="read the PIN from one line of standard input")
    totp = sub.add_parser("totp", help="write a TOTP secret (0600) and print its otpauth:// URI")
    totp.add_argument("--config", type=Path, help=f"TOML config (default {DEFAULT_CONFIG_PATH} if present)")
    totp.add_argument("--profile", help="start from a named profile (production, demo)")
    return parser


def _read_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("technician PIN (6-12 digits): ")
    if getpass.getpass("again: ") != first:
        raise PinError("the two entries differ")
    return first


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "pin":
        try:
            pin = _read_pin(args.stdin)
            check_pin_format(pin)
        except PinError as exc:
            print(f"maintenance pin: {exc}", file=sys.stderr)
            return 2
        print(f'pin_hash = "{make_pin_hash(pin)}"')
        return 0
    path = args.config
    if path is None and args.profile is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    try:
        cfg = load_config(path, args.profile)
    except ConfigError as exc:
        print(f"maintenance totp: configuration error:\n{exc}", file=sys.stderr)
        return 2
    secret = new_secret()
    target = cfg.paths.identity / SECRET_FILE
    write_secret(target, secret)
    print(f"secret written to {target} (mode 0600); set totp = true in [maintenance]")
    print(provisioning_uri(secret, cfg.kiosk.device_id))
    return 0
