"""``kiosk-provision``: the field technician's tool (a thin CLI over library functions).

A technician's fifteen minutes: ``discover`` the peripherals, ``selftest`` every configured one,
``enroll`` with the back end, ``install`` the config, services and udev rule, leave a ``report``; the
``wizard`` walks all five (``--answers FILE --non-interactive`` for scripts). Also ``config-check``,
``read-card`` and ``face-verify`` (in bulk for calibration). The work is done in the modules beside
this one; this file only parses arguments and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from provisioning import commands
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
    face = sub.add_parser(
        "face-verify",
        help="compare the largest faces of two photos (or every pair in --pairs FILE) at the kiosk threshold",
    )
    face.add_argument(
        "reference", nargs="?", type=Path, help="the reference: a photo, or a .json array of 128 numbers"
    )
    face.add_argument("probe", nargs="?", type=Path, help="the photo to check against it")
    face.add_argument("--pairs", type=Path, help="a file of lines 'REFERENCE PROBE'; one result a line")
    face.add_argument("--threshold", type=float, help="distance threshold (default: the calibrated one)")
    face.add_argument("--json", action="store_true", help="print JSON (one object a line with --pairs)")
    commands.add_parsers(sub)
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


def face_verify(args: argparse.Namespace) -> int:
    from kiosk.identity import compare  # noqa: PLC0415 - loads dlib's models; only this command needs them
    from kiosk.identity.engine import FaceEngine, FaceInputError  # noqa: PLC0415
    from kiosk.identity.thresholds import MATCH_THRESHOLD  # noqa: PLC0415

    if (args.pairs is None) == (args.reference is None or args.probe is None):
        print("face-verify: give REFERENCE PROBE, or --pairs FILE", file=sys.stderr)
        return 2
    threshold = MATCH_THRESHOLD if args.threshold is None else args.threshold
    if args.pairs is not None:
        try:
            text = args.pairs.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"face-verify: {args.pairs}: cannot read ({exc})", file=sys.stderr)
            return 2
        engine = FaceEngine()  # the models load once for every pair
        for line in compare.compare_pairs(engine, text, threshold):
            if args.json:
                print(json.dumps(line, ensure_ascii=False), flush=True)
            else:
                outcome = line.get("error") or ("match" if line["match"] else "no match")
                print(f"{line['reference']} {line['probe']}: {outcome} {line.get('distance', '')}")
        return 0
    try:
        result = compare.compare_photos(FaceEngine(), args.reference, args.probe, threshold)
    except FaceInputError as exc:
        print(f"face-verify: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        verdict = "MATCH" if result.match else "NO MATCH"
        sign = "≤" if result.match else ">"
        print(
            f"{verdict}: distance {result.distance:.3f} {sign} threshold {result.threshold:.2f} "
            f"({result.faces_in_probe} face(s) in the probe)"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "read-card":
        return read_card_command(args.port, args.timeout, args.json, args.baudrate)
    if args.command == "face-verify":
        return face_verify(args)
    if args.command in commands.HANDLERS:
        return commands.HANDLERS[args.command](args)
    return config_check(args.config, args.profile, args.json)
