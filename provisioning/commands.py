"""The technician's five steps and the wizard as subcommands: arguments in, library calls, output out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, KioskConfig, load_config
from provisioning import discover, enroll, install, records, report, selftest, tables, wizard


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="the kiosk's TOML config")
    parser.add_argument("--profile", help="profile the file is applied over (production, demo)")


def _load(args: argparse.Namespace) -> KioskConfig:
    return load_config(args.config if args.config.is_file() else None, args.profile)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # in the order a technician runs them
    p = sub.add_parser("discover", help="find serial ports, card readers, cameras and printers")
    _config_argument(p)
    p.add_argument("--port", action="append", default=[], help="also probe this serial path or URL")
    p.add_argument("--camera", action="append", default=[], help="also probe this camera source")
    p.add_argument("--cups-server", action="append", default=[], help="also list this cupsd (host:port)")
    p.add_argument("--by-id-dir", type=Path, default=discover.BY_ID_DIR, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("selftest", help="test every configured device and the link to the back end")
    _config_argument(p)
    p.add_argument("--card-timeout", type=float, default=15.0, help="seconds to wait for a test card")
    p.add_argument("--no-face", action="store_true", help="skip face detection on the camera frame")
    p.add_argument("--only", action="append", help="run only these checks (card_reader, camera, …)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("enroll", help="make the device key, get its certificate from the back end")
    _config_argument(p)
    p.add_argument("--token", required=True, help="the one-time enrolment token from the center")
    p.add_argument("--server", required=True, help="the back end's https:// base URL")
    p.add_argument("--ca-pin", required=True, help="SPKI pin of the center's CA: sha256:HEX or sha256/BASE64")
    p.add_argument("--device-id", help="the id the center registered (default: kiosk.device_id)")
    p.add_argument("--ca-bundle", type=Path, help="the center's CA as a file (default: from the server)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("install", help="install the config, the services and the udev rule")
    p.add_argument("--root", type=Path, default=Path("/"), help="install under this folder (tests, images)")
    p.add_argument("--config", type=Path, help="the config to install (default: keep the installed one)")
    p.add_argument("--prefix", type=Path, default=Path(sys.prefix), help="the kiosk's virtualenv")
    p.add_argument("--user", default="kiosk", help="the account the services run as")
    p.add_argument("--no-discover", action="store_true", help="do not probe devices for the udev rule")
    p.add_argument("--by-id-dir", type=Path, default=discover.BY_ID_DIR, help=argparse.SUPPRESS)
    p = sub.add_parser("report", help="write the installation report (JSON and PDF with a QR code)")
    _config_argument(p)
    p.add_argument("--technician", required=True, help="the technician's name and staff number")
    p.add_argument("--out", type=Path, help="folder for the report (default: <var_dir>/provisioning)")
    p.add_argument("--json", action="store_true", help="also print the report as JSON")
    p = sub.add_parser("wizard", help="walk discover, selftest, enroll, install and report")
    p.add_argument("--answers", type=Path, help="TOML answers (see provisioning/wizard.py)")
    p.add_argument("--non-interactive", action="store_true", help="ask nothing: every answer from --answers")
    p.add_argument("--by-id-dir", type=Path, default=discover.BY_ID_DIR, help=argparse.SUPPRESS)


def _fail(command: str, zh: str, detail: str, code: int) -> int:
    print(f"{command}: {zh} / {detail}", file=sys.stderr)
    return code


def enroll_command(args: argparse.Namespace) -> int:
    try:
        cfg = _load(args)
    except ConfigError as exc:
        return _fail("enroll", "配置有误", str(exc), 2)
    device_id = args.device_id or cfg.kiosk.device_id
    if device_id == "KIOSK-UNENROLLED":
        return _fail("enroll", "缺少设备编号", "give --device-id (the id the center registered)", 2)
    request = enroll.EnrolRequest(
        server=args.server,
        token=args.token,
        pin=args.ca_pin,
        device_id=device_id,
        identity_dir=cfg.paths.identity,
        config=args.config,
        ca_bundle=args.ca_bundle,
    )
    try:
        done = enroll.enroll(request)
    except enroll.EnrolError as exc:
        return _fail("enroll", exc.message_zh, str(exc), exc.exit_code)
    if args.json:
        print(json.dumps(done.as_json(), ensure_ascii=False))
    else:
        print(f"注册成功 / enrolled: {done.device_id}, certificate {done.fingerprint_sha256}")
        print(f"valid until {done.not_after:%Y-%m-%d}; identity in {cfg.paths.identity}")
    return 0


def discover_command(args: argparse.Namespace) -> int:
    try:
        cfg = _load(args)
    except ConfigError as exc:
        return _fail("discover", "配置有误", str(exc), 2)
    found = discover.discover(
        cfg, ports=args.port, cameras=args.camera, cups_servers=args.cups_server, by_id_dir=args.by_id_dir
    )
    records.save(cfg, "discover", found.as_json())
    if args.json:
        print(found.dumps())
    else:
        tables.print_discovery(found)
    return 0


def selftest_command(args: argparse.Namespace) -> int:
    try:
        cfg = _load(args)
    except ConfigError as exc:
        return _fail("selftest", "配置有误", str(exc), 2)
    options = selftest.SelftestOptions(card_timeout_s=args.card_timeout, detect_face=not args.no_face)
    results = selftest.run_all(cfg, options, set(args.only) if args.only else None)
    records.save(cfg, "selftest", [r.as_json() for r in results])
    if args.json:
        print(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2))
    else:
        tables.print_selftest(results)
    return 0 if selftest.passed(results) else 1


def report_command(args: argparse.Namespace) -> int:
    try:
        cfg = _load(args)
    except ConfigError as exc:
        return _fail("report", "配置有误", str(exc), 2)
    built = report.build(cfg, args.technician)
    json_path, pdf_path = report.write(built, args.out or records.folder(cfg))
    if args.json:
        print(json.dumps(built.as_json(), ensure_ascii=False, indent=2))
    else:
        print(f"report: {pdf_path}\n        {json_path}\nrecord: {built.record_url}")
    return 0


def wizard_command(args: argparse.Namespace) -> int:
    if args.non_interactive and args.answers is None:
        return _fail("wizard", "缺少应答文件", "--non-interactive needs --answers FILE", 2)
    try:
        answers = wizard.Answers.from_toml(args.answers) if args.answers else wizard.Answers()
    except wizard.AnswersError as exc:
        return _fail("wizard", "应答文件有误", str(exc), 2)
    out = tables.console()
    asker = wizard.NoAsker() if args.non_interactive else wizard.RichAsker(out)
    return wizard.Wizard(answers, asker, out, by_id_dir=args.by_id_dir).run()


def install_command(args: argparse.Namespace) -> int:
    source = args.config
    target = install.InstallPlan().config_path
    try:
        cfg = load_config(source or (args.root / target.relative_to("/")))
        found = None if args.no_discover else discover.discover(cfg, by_id_dir=args.by_id_dir)
        done = install.install(
            install.InstallPlan(
                root=args.root, config_source=source, prefix=args.prefix, user=args.user, discovery=found
            )
        )
    except (ConfigError, ValueError, OSError) as exc:
        return _fail("install", "安装失败", str(exc), 2)
    print(f"config: {done.config}")
    for unit in done.units:
        print(f"unit:   {unit}")
    print(f"udev:   {done.udev_rule}")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "discover": discover_command,
    "enroll": enroll_command,
    "install": install_command,
    "report": report_command,
    "selftest": selftest_command,
    "wizard": wizard_command,
}
