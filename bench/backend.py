"""The reference back end under load: heartbeat ingest, session/withdrawal/certificate mixes, and the
time to issue one signed certificate.

A real ``fundcenter serve`` (one uvicorn process, SQLite in WAL mode) on loopback, seeded with the demo
members and a synthetic population; clients are threads with keep-alive ``requests`` sessions in this
process, so client and server share the machine's cores (the numbers are a floor, not a ceiling).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundcenter.context import Context
from fundcenter.db import make_engine, upgrade_schema
from fundcenter.devices import enrolment
from fundcenter.models import Member
from fundcenter.seed import seed
from fundcenter.settings import Settings

TARGET_HEARTBEATS_PER_S = 1000.0
TARGET_CERTIFICATE_MEDIAN_MS = 300.0
SYNTHETIC = 10_000
TIMEOUT = 30


@dataclass(frozen=True)
class Rate:
    name: str
    operations: int
    seconds: float
    errors: int

    @property
    def per_s(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class BackendResults:
    members: int
    rates: list[Rate]
    certificate_ms: list[float]
    certificate_http_ms: list[float]


def _csr(device_id: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _start(database_url: str, *serve_options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        # The load clients here send unsigned requests: these figures leave out the per-request
        # ECDSA check of RFC 9421 signatures.
        [
            *(sys.executable, "-m", "fundcenter", "--database-url", database_url),
            *("serve", "--port", "0", "--allow-unsigned", *serve_options),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("fundcenter listening on "):
            return process, line.removeprefix("fundcenter listening on ").strip()
    raise RuntimeError("fundcenter did not start")


def _run(
    name: str, threads: int, per_thread: int, work: Callable[[requests.Session, int, int], bool]
) -> Rate:
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker(t: int) -> None:
        nonlocal errors
        failed = 0
        with requests.Session() as http:
            barrier.wait()
            for i in range(per_thread):
                if not work(http, t, i):
                    failed += 1
        with lock:
            errors += failed

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    return Rate(name, threads * per_thread, time.perf_counter() - started, errors)


def measure() -> BackendResults:
    with tempfile.TemporaryDirectory(prefix="fundcenter-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'fundcenter.db'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        seed(engine, synthetic=SYNTHETIC)
        with Session(engine) as session:
            people = [
                (row.id_number, row.name, row.bank_card or "")
                for row in session.execute(
                    select(Member.id_number, Member.name, Member.bank_card)
                    .where(Member.status == "normal", Member.balance_fen > 100_000)
                    .where(
                        Member.paid_up_to >= f"{dt.date.today() - dt.timedelta(days=62):%Y-%m}"
                    )  # rent rule
                    .limit(2000)
                )
            ]
        process, base = _start(url)
        try:
            devices = []
            for n in range(8):
                device_id = f"BENCH-{n:04d}"
                token = enrolment.register(
                    engine, device_id, "bench", dt.datetime.now(dt.UTC), dt.timedelta(hours=1)
                )
                body = {"device_id": device_id, "token": token, "csr_pem": _csr(device_id)}
                requests.post(f"{base}v1/devices/enrol", json=body, timeout=TIMEOUT).raise_for_status()
                devices.append(device_id)
            rates = _load(base, devices, people)
            http_ms = _certificate_http(base, devices[0], people[0])
        finally:
            process.terminate()
            process.wait(30)
            assert process.stdout is not None
            process.stdout.close()
        certificate_ms = _certificate_in_process(engine, url)
        engine.dispose()
    return BackendResults(SYNTHETIC + 6, rates, certificate_ms, http_ms)


def _heartbeat_blast(base: str, devices: list[str], connections: int = 16, total: int = 20_000) -> Rate:
    """Heartbeats from many keep-alive connections through a tiny asyncio HTTP/1.1 client: ``requests``
    costs more CPU per call than the server does, and both share two cores here."""
    host, port = base.removeprefix("http://").rstrip("/").split(":")

    async def connection(n: int, count: int) -> int:
        reader, writer = await asyncio.open_connection(host, int(port))
        failed = 0
        for _ in range(count):
            body = json.dumps(
                {"sent_at": dt.datetime.now(dt.UTC).isoformat(), "overall": "online", "outbox_pending": 0}
            ).encode()
            writer.write(
                f"POST /v1/devices/heartbeat HTTP/1.1\r\nHost: {host}\r\n"
                f"X-Device-Id: {devices[n % len(devices)]}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            failed += not status.startswith(b"HTTP/1.1 202")
        writer.close()
        await writer.wait_closed()
        return failed

    async def run() -> int:
        results = await asyncio.gather(*(connection(n, total // connections) for n in range(connections)))
        return sum(results)

    started = time.perf_counter()
    errors = asyncio.run(run())
    return Rate("heartbeats", total // connections * connections, time.perf_counter() - started, errors)


def _evidence(id_number: str, name: str) -> dict[str, object]:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "card": {"id_number": id_number, "name": name, "read_at": now},
        "face": {"distance": 0.4, "threshold": 0.5, "captured_at": now},
        "liveness": {"passed": True, "challenges": ["blink"], "completed_at": now},
    }


Person = tuple[str, str, str]  # ID number, name, bank card


def _load(base: str, devices: list[str], people: list[Person]) -> list[Rate]:
    def heartbeat(http: requests.Session, t: int, _i: int) -> bool:
        body = {"sent_at": dt.datetime.now(dt.UTC).isoformat(), "overall": "online", "outbox_pending": 0}
        headers = {"X-Device-Id": devices[t % len(devices)]}
        return http.post(f"{base}v1/devices/heartbeat", json=body, headers=headers, timeout=TIMEOUT).ok

    def session_for(http: requests.Session, t: int, i: int) -> dict[str, str] | None:
        id_number, name, _card = people[(t * 250 + i) % len(people)]
        device = {"X-Device-Id": devices[t % len(devices)]}
        r = http.post(f"{base}v1/sessions", json=_evidence(id_number, name), headers=device, timeout=TIMEOUT)
        return {**device, "Authorization": f"Bearer {r.json()['token']}"} if r.status_code == 201 else None

    def sessions(http: requests.Session, t: int, i: int) -> bool:
        headers = session_for(http, t, i)
        return headers is not None and http.get(f"{base}v1/account", headers=headers, timeout=TIMEOUT).ok

    def withdrawal(http: requests.Session, t: int, i: int) -> bool:
        headers = session_for(http, t, i)
        if headers is None:
            return False
        card = people[(t * 250 + i) % len(people)][2]
        body = {"type": "rent", "amount_fen": 100, "bank_card": card}
        r = http.post(
            f"{base}v1/withdrawals",
            json=body,
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=TIMEOUT,
        )
        return r.status_code == 201

    def visit(http: requests.Session, t: int, i: int) -> bool:
        """A member's whole visit: session, account, certificate, withdrawal."""
        headers = session_for(http, t, i)
        if headers is None:
            return False
        ok = http.get(f"{base}v1/account", headers=headers, timeout=TIMEOUT).ok
        ok = ok and http.post(f"{base}v1/certificates", headers=headers, timeout=TIMEOUT).ok
        card = people[(t * 250 + i) % len(people)][2]
        body = {"type": "rent", "amount_fen": 100, "bank_card": card}
        r = http.post(
            f"{base}v1/withdrawals",
            json=body,
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            timeout=TIMEOUT,
        )
        return ok and r.status_code == 201

    _run("warm-up", 2, 20, heartbeat)
    return [
        _heartbeat_blast(base, devices),
        _run("session + account", 4, 100, sessions),
        _run("session + withdrawal (rent, 秒批)", 4, 100, withdrawal),
        _run("visit: session + account + certificate + withdrawal", 2, 15, visit),
    ]


def _certificate_http(base: str, device: str, person: Person) -> list[float]:
    times = []
    with requests.Session() as http:
        headers = {"X-Device-Id": device}
        token = http.post(
            f"{base}v1/sessions", json=_evidence(*person[:2]), headers=headers, timeout=TIMEOUT
        ).json()
        headers["Authorization"] = f"Bearer {token['token']}"
        for _ in range(20):
            started = time.perf_counter()
            http.post(f"{base}v1/certificates", headers=headers, timeout=TIMEOUT).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


def _certificate_in_process(engine: object, url: str) -> list[float]:
    from fundcenter.certificates import service  # noqa: PLC0415

    ctx = Context(make_engine(url), Settings(database_url=url))
    service.issue(ctx, 1, device_id=None)  # first use loads the keys and the font
    times = []
    for member_id in range(1, 31):
        started = time.perf_counter()
        service.issue(ctx, member_id, device_id=None)
        times.append((time.perf_counter() - started) * 1000)
    ctx.engine.dispose()
    return times


def summary(results: BackendResults) -> dict[str, float]:
    heartbeats = next(r for r in results.rates if r.name == "heartbeats")
    return {
        "heartbeats_per_s": heartbeats.per_s,
        "certificate_median_ms": statistics.median(results.certificate_ms),
        "certificate_p95_ms": sorted(results.certificate_ms)[int(len(results.certificate_ms) * 0.95) - 1],
        "certificate_http_median_ms": statistics.median(results.certificate_http_ms),
    }
