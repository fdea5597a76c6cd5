"""The chaos run through the reference back end, shared by the test and ``python -m bench chaos``.

N withdrawals wait in a kiosk's outbox (each with its key and the kiosk's signed confirmation). Sender
processes deliver them through the fault proxy (drop, delay, cut mid-answer, black hole) to a real
``fundcenter serve`` and are SIGKILLed at random moments and restarted; the last one runs until the
outbox is empty. Meanwhile a member-facing call is timed again and again through the same faults.
The verdict comes from the back end's own ledger: withdrawals and ledger entries per Idempotency-Key.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from fundcenter.models import LedgerEntry, Withdrawal
from kiosk.client.errors import BackEndError
from kiosk.client.policy import TransportPolicy
from kiosk.client.transport import BackEndClient, ClientSettings, encode_body
from kiosk.embedded_backend import EmbeddedBackEnd
from kiosk.outbox.store import Outbox, State
from tests.fundcenter.conftest import new_kiosk
from tests.fundcenter.helpers import ZHOU, Kiosk, card_of
from tests.support.fault_proxy import fault_proxy
from tests.support.outbox_worker import CHAOS_POLICY


@dataclass(frozen=True)
class Faults:
    """How often each fault strikes a request (relative weights) and how long a delay holds it."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"pass": 5, "drop": 1, "delay": 1, "cut": 2, "blackhole": 0.3}
    )
    delay_s: tuple[float, float] = (0.2, 1.5)


# About one request in six faulted, delays up to 0.4 s: 500 withdrawals drain within a test's minute.
LIGHTER = Faults({"pass": 10, "drop": 0.5, "delay": 0.5, "cut": 1, "blackhole": 0.1}, (0.05, 0.4))
# The member at the screen: one short deadline for the whole call, retries included.
MEMBER_POLICY = TransportPolicy(
    connect_timeout_s=0.5, read_timeout_s=1.0, deadline_s=2.0, retry=CHAOS_POLICY.retry
)


@dataclass(frozen=True)
class ChaosReport:
    withdrawals: int
    paid_once: int
    duplicates: int  # keys with more than one payout in the back end's ledger
    lost: int  # keys the back end never paid
    outbox_left: int  # items still open in the kiosk's outbox
    outbox_done: int
    kills: int
    faults: dict[str, int]
    drain_s: float  # first sender started to outbox empty
    member_calls: int
    member_longest_s: float
    member_deadline_s: float = MEMBER_POLICY.deadline_s
    mismatched: int = 0  # outbox results that are not the back end's answer for that key
    member_failures: Counter[str] = field(default_factory=Counter)


def _member_calls(
    client: BackEndClient, key: str, stop: threading.Event
) -> tuple[threading.Thread, list[float], Counter[str]]:
    """A member-facing call, again and again until ``stop``: how long each took, how each failed."""
    durations: list[float] = []
    failures: Counter[str] = Counter()

    def run() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                client.request("GET", f"v1/withdrawals/by-key/{key}", policy=MEMBER_POLICY)
            except BackEndError as exc:  # any typed failure will do: the time is what is measured
                failures[type(exc).__name__] += 1
            durations.append(time.monotonic() - started)
            stop.wait(0.25)

    thread = threading.Thread(target=run, name="member-calls", daemon=True)
    thread.start()
    return thread, durations, failures


@dataclass
class _Kiosk:
    """One kiosk of the run: its enrolment, member session, outbox and current sender process."""

    kiosk: Kiosk
    outbox_path: Path
    key_file: Path
    outbox: Outbox
    keys: list[str]
    sender: subprocess.Popen[bytes] | None = None

    def start_sender(self, url: str) -> None:
        self.sender = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.outbox_worker",
                str(self.outbox_path),
                url,
                self.kiosk.device_id,
                str(self.key_file),
            ]
        )

    def stop_sender(self, sig: int) -> None:
        if self.sender is None:
            return
        self.sender.send_signal(sig)
        try:
            self.sender.wait(10)
        except subprocess.TimeoutExpired:
            self.sender.kill()
            self.sender.wait()
        self.sender = None


def _kiosk_with_withdrawals(back_end: EmbeddedBackEnd, work: Path, count: int, first: int) -> _Kiosk:
    """An enrolled kiosk whose outbox holds ``count`` confirmed withdrawals of one member session."""
    kiosk = new_kiosk(back_end)
    assert kiosk.key is not None
    work.mkdir(parents=True, exist_ok=True)
    key_file = work / "device.key"
    key_file.write_bytes(
        kiosk.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    assert kiosk.open_session(ZHOU).status_code == 201
    outbox = Outbox(work / "outbox.db")
    signer = kiosk.signer()
    keys = []
    for n in range(first, first + count):
        key = str(uuid.uuid4())
        body = {"type": "loan_repayment", "amount_fen": 100 + n % 500, "bank_card": card_of(ZHOU)}
        proof = signer.sign_submission(key, encode_body(body), int(time.time()))
        outbox.enqueue("withdrawal", "v1/withdrawals", body, key, session_token=kiosk.token, proof=proof)
        keys.append(key)
    return _Kiosk(kiosk, work / "outbox.db", key_file, outbox, keys)


def _ledger(back_end: EmbeddedBackEnd, device_ids: list[str]) -> tuple[Counter[str], dict[str, int]]:
    """Payouts per Idempotency-Key of these kiosks, and the withdrawal id recorded for each key."""
    engine = create_engine(f"sqlite:///{back_end.data_dir / 'fundcenter.db'}")
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Withdrawal.idempotency_key, Withdrawal.id)
                .join(LedgerEntry, LedgerEntry.withdrawal_id == Withdrawal.id)
                .where(Withdrawal.device_id.in_(device_ids))
            ).all()
    finally:
        engine.dispose()
    return Counter(key for key, _ in rows if key), {key: wid for key, wid in rows if key}


def _power_cuts(fleet: list[_Kiosk], url: str, rng: random.Random, life_s: tuple[float, float]) -> None:
    """One round: every kiosk's sender starts and is SIGKILLed at its own random moment."""
    for k in fleet:
        k.start_sender(url)
    started = time.monotonic()
    for at, k in sorted(((rng.uniform(*life_s), k) for k in fleet), key=lambda pair: pair[0]):
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        k.stop_sender(signal.SIGKILL)  # a power cut: no cleanup, at any point of a delivery


def run_chaos(
    back_end: EmbeddedBackEnd,
    work: Path,
    *,
    count: int,
    kills: int,
    kiosks: int = 1,
    seed: int = 7,
    faults: Faults = Faults(),
    life_s: tuple[float, float] = (1.0, 3.0),
    drain_timeout_s: float = 300.0,
) -> ChaosReport:
    """``count`` withdrawals shared by ``kiosks`` kiosks, each sender killed ``kills`` times."""
    assert back_end.url is not None
    share = -(-count // kiosks)
    fleet = [
        _kiosk_with_withdrawals(back_end, work / f"kiosk{i}", min(share, count - i * share), i * share)
        for i in range(kiosks)
    ]
    keys = [key for k in fleet for key in k.keys]
    rng = random.Random(seed)  # noqa: S311 (timing of the power cuts, not secrets)
    stop = threading.Event()
    with fault_proxy(back_end.url, faults.weights, seed=seed, delay_s=faults.delay_s) as proxy:
        first = fleet[0].kiosk
        member = BackEndClient(
            ClientSettings(proxy.url, first.device_id, signer=first.signer(), breaker_failures=10**6)
        )
        timer, durations, failures = _member_calls(member, keys[0], stop)
        started = time.monotonic()
        try:
            for _ in range(kills):
                _power_cuts(fleet, proxy.url, rng, life_s)
            for k in fleet:  # the last senders run, still under faults, until every outbox is empty
                k.start_sender(proxy.url)
            while any(k.outbox.depth() for k in fleet) and time.monotonic() - started < drain_timeout_s:
                time.sleep(0.2)
            drain_s = time.monotonic() - started
        finally:
            for k in fleet:
                k.stop_sender(signal.SIGTERM)
            stop.set()
        timer.join(MEMBER_POLICY.deadline_s + 10)
        member.close()
        counts = dict(proxy.counts)
    paid, withdrawal_of = _ledger(back_end, [k.kiosk.device_id for k in fleet])
    mismatched = 0
    for k in fleet:
        for key in k.keys:
            item = k.outbox.get(key)
            if (
                item is not None
                and item.state is State.DONE
                and item.result.get("id") != withdrawal_of.get(key)
            ):
                mismatched += 1
    report = ChaosReport(
        withdrawals=count,
        paid_once=sum(1 for k in keys if paid[k] == 1),
        duplicates=sum(1 for k in keys if paid[k] > 1),
        lost=sum(1 for k in keys if paid[k] == 0),
        outbox_left=sum(k.outbox.depth() for k in fleet),
        outbox_done=sum(k.outbox.count(State.DONE) for k in fleet),
        kills=kills,
        faults=counts,
        drain_s=drain_s,
        member_calls=len(durations),
        member_longest_s=max(durations, default=0.0),
        mismatched=mismatched,
        member_failures=failures,
    )
    for k in fleet:
        k.outbox.close()
    return report
