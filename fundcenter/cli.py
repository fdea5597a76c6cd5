"""``fundcenter``: serve the reference back end, seed it, manage devices, issue certificates."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import socket
import ssl
import sys
from pathlib import Path

import uvicorn
from sqlalchemy import select

from fundcenter import housekeeping, masking
from fundcenter.api import create_app
from fundcenter.console import auth as staff_auth
from fundcenter.context import Context, utc_now
from fundcenter.db import make_engine, reading, upgrade_schema
from fundcenter.devices import enrolment, tls
from fundcenter.models import Member
from fundcenter.seed import seed
from fundcenter.settings import Settings
from fundcenter.withdrawals import review

log = logging.getLogger("fundcenter")


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="fundcenter", description="Reference back end of the fund kiosk.")
    parser.add_argument(
        "--database-url", default=defaults.database_url, help="SQLAlchemy URL (SQLite or PostgreSQL)"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="keys and images (default: beside the SQLite file)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=defaults.host)
    serve.add_argument("--port", type=int, default=defaults.port, help="0 picks a free port")
    serve.add_argument("--seed", action="store_true", help="seed the demo members before serving")
    serve.add_argument("--public-url", default=None, help="base URL printed in certificate QR codes")
    serve.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="development only: accept device calls without an RFC 9421 signature (signed ones are checked)",
    )
    serve.add_argument("--tls-cert", type=Path, default=None, help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, default=None, help="the private key of --tls-cert (PEM)")
    console = defaults.console
    serve.add_argument(
        "--stale-after",
        type=float,
        default=None,
        help=f"console: seconds to stale (default {console.stale_after_s:g})",
    )
    serve.add_argument(
        "--offline-after",
        type=float,
        default=None,
        help=f"console: seconds to offline (default {console.offline_after_s:g})",
    )
    serve.add_argument(
        "--console-poll",
        type=float,
        default=None,
        help=f"console: page refresh (default {console.poll_s:g} s)",
    )
    staff = sub.add_parser("staff", help="monitoring staff who may log into the console").add_subparsers(
        dest="staff_command", required=True
    )
    staff_add = staff.add_parser("add", help="add a staff user or set a new password (read from stdin)")
    staff_add.add_argument("username")
    seed_cmd = sub.add_parser("seed", help="create the schema, the demo members and synthetic members")
    seed_cmd.add_argument("--count", type=int, default=20, help="synthetic members to add (default 20)")
    seed_cmd.add_argument("--rng-seed", type=int, default=12329)
    sub.add_parser("openapi", help="print the OpenAPI document (the kiosk contract) as JSON")
    sub.add_parser("migrate", help="bring the database schema to the newest revision")
    device = sub.add_parser("device", help="register, list and revoke kiosks").add_subparsers(
        dest="device_command", required=True
    )
    add = device.add_parser("add", help="register a kiosk (or re-issue) and print its one-time token")
    add.add_argument("--id", required=True, dest="device_id")
    add.add_argument("--location", default="")
    revoke = device.add_parser("revoke", help="revoke a kiosk: certificate and sessions stop working")
    revoke.add_argument("--id", required=True, dest="device_id")
    revoke.add_argument("--reason", default="revoked by operator")
    device.add_parser("list", help="list kiosks and their state")
    review = sub.add_parser("withdrawal", help="manual review of withdrawals").add_subparsers(
        dest="review_command", required=True
    )
    review.add_parser("pending", help="list withdrawals waiting for review")
    approve = review.add_parser("approve", help="approve and pay a withdrawal")
    approve.add_argument("--id", type=int, required=True, dest="withdrawal_id")
    approve.add_argument("--note", default="审核通过")
    reject = review.add_parser("reject", help="reject a withdrawal with a reason the member will read")
    reject.add_argument("--id", type=int, required=True, dest="withdrawal_id")
    reject.add_argument("--note", required=True)
    cert = sub.add_parser("certificate", help="issue a signed deposit certificate at the counter")
    cert.add_argument("--id-number", required=True)
    cert.add_argument("--out", type=Path, required=True, help="where to write the PDF")
    cert.add_argument("--public-url", default=None, help="base URL of the verification page in the QR code")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    values: dict[str, object] = {"database_url": args.database_url}
    if args.data_dir is not None:
        values["data_dir"] = args.data_dir
    for option, key in (
        ("host", "host"),
        ("port", "port"),
        ("public_url", "public_base_url"),
        ("tls_cert", "tls_certfile"),
        ("tls_key", "tls_keyfile"),
    ):
        if getattr(args, option, None) is not None:
            values[key] = getattr(args, option)
    if getattr(args, "allow_unsigned", False):
        values["require_signatures"] = False
    console = {
        key: getattr(args, option)
        for option, key in (
            ("stale_after", "stale_after_s"),
            ("offline_after", "offline_after_s"),
            ("console_poll", "poll_s"),
        )
        if getattr(args, option, None) is not None
    }
    if console:
        values["console"] = console
    return Settings.model_validate(values)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    purged = housekeeping.purge(engine, utc_now())
    log.info("purged %d expired idempotency keys, %d old sessions", purged.idempotency_keys, purged.sessions)
    if args.seed:
        report = seed(engine)
        log.info("seeded: %d demo members added", report.demo_added)
    # Bind first so that port 0 works and the address printed is the real one.
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this on Linux: without it, a response written in two parts waits
    # for the client's delayed ACK (40 ms) on every keep-alive request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        print(
            f"fundcenter: cannot listen on {settings.host}:{settings.port}: {exc.strerror}", file=sys.stderr
        )
        sock.close()
        return 1
    sock.listen(2048)  # connections wait in the backlog until uvicorn's loop accepts them
    host, port = sock.getsockname()[:2]
    scheme = "https" if settings.tls_certfile else "http"
    if args.public_url is None:
        settings = settings.model_copy(update={"public_base_url": f"{scheme}://{host}:{port}/"})
    app = create_app(engine, settings)
    device_ca = app.state.context.device_ca.certificate_path
    try:
        config = tls.uvicorn_config(app, settings.tls_certfile, settings.tls_keyfile, device_ca)
    except (OSError, ssl.SSLError) as exc:
        print(f"fundcenter: cannot use the TLS certificate: {exc}", file=sys.stderr)
        sock.close()
        return 1
    server = uvicorn.Server(config)
    app.state.console.state.start(min(1.0, settings.console.stale_after_s / 4))  # alerts while nobody looks
    print(f"fundcenter listening on {scheme}://{host}:{port}/", flush=True)
    server.run(sockets=[sock])
    app.state.console.state.stop()
    app.state.context.heartbeats.close()  # store the last batch of heartbeats
    engine.dispose()
    return 0


def _device(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    try:
        if args.device_command == "add":
            ttl = dt.timedelta(hours=settings.enrolment_token_ttl_h)
            try:
                token = enrolment.register(engine, args.device_id, args.location, utc_now(), ttl)
            except ValueError as exc:
                print(f"fundcenter: {exc}", file=sys.stderr)
                return 2
            print(token)
            return 0
        if args.device_command == "revoke":
            if not enrolment.revoke(engine, args.device_id, args.reason, utc_now()):
                print(f"fundcenter: no device {args.device_id}", file=sys.stderr)
                return 1
            print(f"{args.device_id} revoked")
            return 0
        for d in enrolment.list_devices(engine):
            seen = f"{d.last_seen_at:%Y-%m-%d %H:%M:%S}" if d.last_seen_at else "never"
            print(f"{d.id}\t{d.status}\t{d.location}\tlast seen {seen}")
        return 0
    finally:
        engine.dispose()


def _certificate(args: argparse.Namespace, settings: Settings) -> int:
    from fundcenter.certificates import service  # noqa: PLC0415 (pyHanko and reportlab load only here)

    engine = make_engine(settings.database_url)
    try:
        upgrade_schema(engine)
        with reading(engine) as session:
            member_id = session.scalar(select(Member.id).where(Member.id_number == args.id_number.upper()))
        if member_id is None:
            print(
                f"fundcenter: no member with ID number {masking.id_number(args.id_number)}", file=sys.stderr
            )
            return 1
        issued = service.issue(Context(engine, settings), member_id, device_id=None)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(issued.pdf)
        print(f"certificate {issued.code} written to {args.out}")
        return 0
    finally:
        engine.dispose()


def _review(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        upgrade_schema(engine)
        if args.review_command == "pending":
            for w in review.pending(engine):
                print(f"{w.id}\t{w.type}\t{w.amount_fen}\t{w.created_at:%Y-%m-%d %H:%M}\t{w.device_id or ''}")
            return 0
        try:
            if args.review_command == "approve":
                balance = review.approve(engine, args.withdrawal_id, utc_now(), args.note)
                print(f"withdrawal {args.withdrawal_id} paid; balance now {balance} fen")
            else:
                review.reject(engine, args.withdrawal_id, utc_now(), args.note)
                print(f"withdrawal {args.withdrawal_id} rejected")
        except review.ReviewError as exc:
            print(f"fundcenter: {exc}", file=sys.stderr)
            return 1
        return 0
    finally:
        engine.dispose()


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            print("fundcenter: the passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    engine = make_engine(settings.database_url)
    try:
        upgrade_schema(engine)
        created = staff_auth.add_user(engine, args.username, password, utc_now())
    except ValueError as exc:
        print(f"fundcenter: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"staff user {args.username} {'added' if created else 'given a new password'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings(args)
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "device":
        return _device(args, settings)
    if args.command == "withdrawal":
        return _review(args, settings)
    if args.command == "certificate":
        return _certificate(args, settings)
    if args.command == "staff":
        return _staff(args, settings)
    engine = make_engine(settings.database_url)
    try:
        if args.command == "seed":
            upgrade_schema(engine)
            report = seed(engine, synthetic=args.count, rng_seed=args.rng_seed)
            print(
                f"demo members added: {report.demo_added}, synthetic added: {report.synthetic_added}, "
                f"already present: {report.skipped}"
            )
        elif args.command == "migrate":
            upgrade_schema(engine)
            print("schema is at the newest revision")
        else:
            json.dump(create_app(engine, settings).openapi(), sys.stdout, ensure_ascii=False, indent=2)
            print()
    finally:
        engine.dispose()
    return 0
