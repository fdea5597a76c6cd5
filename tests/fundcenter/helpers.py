"""What a kiosk does against the back end, written the plain way (the real client is issue 6)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LIN = ("371302198806120029", "林晓雯")  # normal payer, rent eligible
OUYANG = ("50011219560220007X", "欧阳振华")  # retired
CHEN = ("610302199109030355", "陈立新")  # sealed account
TIMEOUT = 30


def make_csr(device_id: str) -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)]))
        .sign(key, hashes.SHA256())
    )
    return key, csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


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


def enrol(base_url: str, device_id: str, token: str) -> requests.Response:
    _key, csr = make_csr(device_id)
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
    token: str | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"X-Device-Id": self.device_id, **extra}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def open_session(self, member: tuple[str, str], now: dt.datetime | None = None) -> requests.Response:
        response = requests.post(
            f"{self.base_url}v1/sessions",
            json=evidence(*member, now=now),
            headers={"X-Device-Id": self.device_id},
            timeout=TIMEOUT,
        )
        if response.status_code == 201:
            self.token = response.json()["token"]
        return response

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(f"{self.base_url}{path}", headers=self.headers(**headers), timeout=TIMEOUT)

    def post(self, path: str, body: Any, **headers: str) -> requests.Response:
        return requests.post(
            f"{self.base_url}{path}", json=body, headers=self.headers(**headers), timeout=TIMEOUT
        )


ZHOU = ("321202198311270573", "周子航")  # active fund loan
MA = ("630102194910010130", "马国庆")  # closed account
HE = ("110105199501300719", "何一鸣")  # small balance
DEMO_ORDER = (LIN, OUYANG, CHEN, ZHOU, MA, HE)


def card_of(member: tuple[str, str]) -> str:
    """The bank card ``fundcenter seed`` registers for a demo member."""
    from fundcenter.bankcard import make_card

    return make_card(f"62220202{DEMO_ORDER.index(member) + 1:010d}")
