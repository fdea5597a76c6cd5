"""``fundcenter``: serve the reference back end, seed it, print its OpenAPI document."""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys

import uvicorn

from fundcenter.api import create_app
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.seed import seed
from fundcenter.settings import Settings

log = logging.getLogger("fundcenter")


def _parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="fundcenter", description="Reference back end of the fund kiosk.")
    parser.add_argument(
        "--database-url", default=defaults.database_url, help="SQLAlchemy URL (SQLite or PostgreSQL)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=defaults.host)
    serve.add_argument("--port", type=int, default=defaults.port, help="0 picks a free port")
    serve.add_argument("--seed", action="store_true", help="seed the demo members before serving")
    seed_cmd = sub.add_parser("seed", help="create the schema, the demo members and synthetic members")
    seed_cmd.add_argument("--count", type=int, default=20, help="synthetic members to add (default 20)")
    seed_cmd.add_argument("--rng-seed", type=int, default=12329)
    sub.add_parser("openapi", help="print the OpenAPI document (the kiosk contract) as JSON")
    return parser


def _serve(args: argparse.Namespace) -> int:
    engine = make_engine(args.database_url)
    upgrade_schema(engine)
    if args.seed:
        report = seed(engine)
        log.info("seeded: %d demo members added", report.demo_added)
    # Bind first so that port 0 works and the address printed is the real one.
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(f"fundcenter: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    sock.listen(2048)  # connections wait in the backlog until uvicorn's loop accepts them
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(create_app(engine), log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    print(f"fundcenter listening on http://{host}:{port}/", flush=True)
    server.run(sockets=[sock])
    engine.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return _serve(args)
    engine = make_engine(args.database_url)
    if args.command == "seed":
        upgrade_schema(engine)
        report = seed(engine, synthetic=args.count, rng_seed=args.rng_seed)
        print(
            f"demo members added: {report.demo_added}, synthetic added: {report.synthetic_added}, "
            f"already present: {report.skipped}"
        )
        return 0
    json.dump(create_app(engine).openapi(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
