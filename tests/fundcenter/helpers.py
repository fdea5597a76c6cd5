"""What a kiosk does against the back end, written the plain way with ``requests`` (the kiosk's own
hardened client is kiosk/client); requests are signed with the kiosk's real RFC 9421 signer."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.client.signing import Signer, content_digest

LIN = ("371302198806120029", "林晓雯")  # normal payer, rent eligible
OUYANG = ("50011219560220007X", "欧阳振华")  # retired
CHEN = ("610302199109030355", "陈立新")  # sealed account
TIMEOUT = 30


def make_csr(
    device_id: str, key: ec.EllipticCurvePrivateKey | None = None
) -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)]))
        .sign(key, hashes.SHA256())
    )
    return key, csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def self_signed_pem(key: ec.EllipticCurvePrivateKey, common_name: str) -> str:
    """A certificate for ``key`` (the back end reads a device's key from its certificate)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def fundcenter_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``fundcenter`` command against the database a test server uses."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "fundcenter",
            "--database-url",
            f"sqlite:///{data_dir / 'fundcenter.db'}",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def enrol(
    base_url: str, device_id: str, token: str, key: ec.EllipticCurvePrivateKey | None = None
) -> requests.Response:
    _key, csr = make_csr(device_id, key)
    return requests.post(
        f"{base_url}v1/devices/enrol",
        json={"device_id": device_id, "token": token, "csr_pem": csr},
        timeout=TIMEOUT,
    )


def evidence(id_number: str, name: str, now: dt.datetime | None = None, **overrides: Any) -> dict[str, Any]:
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat()
    body: dict[str, Any] = {
        "card": {"id_number": id_number, "name": name, "read_at": stamp},
        "face": {"distance": 0.38, "threshold": 0.5, "reference": "center", "captured_at": stamp},
        "liveness": {"passed": True, "challenges": ["blink", "turn_left"], "completed_at": stamp},
    }
    for path, value in overrides.items():
        section, field = path.split("__")
        body[section][field] = value
    return body


@dataclass
class Kiosk:
    base_url: str
    device_id: str
    key: ec.EllipticCurvePrivateKey | None = None  # the enrolled device key; None sends unsigned
    token: str | None = None
    clock: Callable[[], dt.datetime] | None = None  # the signature's time (a test server's clock)

    def signer(self) -> Signer:
        """The kiosk's own RFC 9421 signer over this device key (for the real client in kiosk/client)."""
        assert self.key is not None
        return Signer(self.device_id, self.key)

    @staticmethod
    def encode(body: Any) -> bytes:
        return json.dumps(body, ensure_ascii=False).encode()

    def submission_proof(self, key: str, body: Any, submitted_at: dt.datetime) -> dict[str, str]:
        """The headers a kiosk keeps with an outbox item: the member confirmed ``body`` at that time."""
        return self.signer().sign_submission(key, self.encode(body), int(submitted_at.timestamp()))

    def prepare(
        self, method: str, path: str, body: Any = None, *, created: int | None = None, **extra: str
    ) -> tuple[str, dict[str, str], bytes]:
        """URL, headers (signed when the kiosk has its key) and body bytes of one request."""
        return self._prepare(method, path, body, extra, created)

    def _prepare(
        self, method: str, path: str, body: Any, extra: dict[str, str], created: int | None
    ) -> tuple[str, dict[str, str], bytes]:
        payload = b"" if body is None else self.encode(body)
        headers = {"X-Device-Id": self.device_id, "Content-Digest": content_digest(payload), **extra}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = f"{self.base_url}{path}"
        if self.key is not None:
            if created is None:
                created = int((self.clock or (lambda: dt.datetime.now(dt.UTC)))().timestamp())
            headers |= self.signer().sign(method, url, headers, created=created)
        return url, headers, payload

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        http: requests.Session | None = None,
        **extra: str,
    ) -> requests.Response:
        return self._send(method, path, body, extra, http)

    def _send(
        self, method: str, path: str, body: Any, extra: dict[str, str], http: requests.Session | None = None
    ) -> requests.Response:
        url, headers, payload = self._prepare(method, path, body, extra, None)
        sender = http or requests
        return sender.request(method, url, data=payload or None, headers=headers, timeout=TIMEOUT)

    def open_session(self, member: tuple[str, str], now: dt.datetime | None = None) -> requests.Response:
        response = self.post("v1/sessions", evidence(*member, now=now))
        if response.status_code == 201:
            self.token = response.json()["token"]
        return response

    def get(self, path: str, **headers: str) -> requests.Response:
        return self._send("GET", path, None, headers)

    def post(self, path: str, body: Any, **headers: str) -> requests.Response:
        return self._send("POST", path, body, headers)

    def delete(self, path: str) -> requests.Response:
        return self._send("DELETE", path, None, {})


ZHOU = ("321202198311270573", "周子航")  # active fund loan
MA = ("630102194910010130", "马国庆")  # closed account
HE = ("110105199501300719", "何一鸣")  # small balance
DEMO_ORDER = (LIN, OUYANG, CHEN, ZHOU, MA, HE)


def card_of(member: tuple[str, str]) -> str:
    """The bank card ``fundcenter seed`` registers for a demo member."""
    from fundcenter.bankcard import make_card

    return make_card(f"62220202{DEMO_ORDER.index(member) + 1:010d}")
