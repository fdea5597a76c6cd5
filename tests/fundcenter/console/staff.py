"""A member of staff in front of the console, written the plain way: a requests session that logs in
through the login form and calls the JSON endpoints with the page's CSRF token."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Engine

from fundcenter.console.auth import add_user
from fundcenter.devices import enrolment
from tests.fundcenter.helpers import TIMEOUT, Kiosk, enrol

PASSWORD = "correct horse battery"
_CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
_PAGE_CSRF = re.compile(r'data-csrf="([^"]+)"')


def login_token(page: str) -> str:
    found = _CSRF_FIELD.search(page)
    assert found, "no CSRF field in the login form"
    return found.group(1)


@dataclass
class Staff:
    base_url: str
    username: str
    http: requests.Session = field(default_factory=requests.Session)
    csrf: str = ""

    def login(self, password: str = PASSWORD) -> requests.Response:
        form = self.http.get(f"{self.base_url}console/login", timeout=TIMEOUT)
        response = self.http.post(
            f"{self.base_url}console/login",
            data={"csrf": login_token(form.text), "username": self.username, "password": password},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        if response.status_code == 303:
            page = self.http.get(f"{self.base_url}console/", timeout=TIMEOUT)
            found = _PAGE_CSRF.search(page.text)
            assert found, "the console page carries no CSRF token"
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(f"{self.base_url}console/api/{path}", params=params, timeout=TIMEOUT)

    def json(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, **headers: str) -> requests.Response:
        return self.http.post(
            f"{self.base_url}console/api/{path}",
            headers={"X-CSRF-Token": self.csrf, **headers},
            timeout=TIMEOUT,
        )


def staff_user(engine: Engine, base_url: str, username: str = "monitor1") -> Staff:
    add_user(engine, username, PASSWORD, dt.datetime.now(dt.UTC))
    return Staff(base_url, username)


def enrolled(
    engine: Engine,
    base_url: str,
    device_id: str,
    hall: str,
    now: dt.datetime,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> Kiosk:
    """An enrolled kiosk that signs its requests (on ``clock``: a test server's manual clock)."""
    token = enrolment.register(engine, device_id, hall, now, dt.timedelta(hours=1))
    key = ec.generate_private_key(ec.SECP256R1())
    assert enrol(base_url, device_id, token, key).status_code == 200
    return Kiosk(base_url, device_id, key, clock=clock)


def heartbeat(
    kiosk: Kiosk,
    sent_at: dt.datetime,
    checks: dict[str, tuple[str, str]] | None = None,
    version: str = "0.1.0",
) -> None:
    """A heartbeat as the kiosk's reporter sends it: peripherals and every check's level."""
    levels = checks or {}
    body = {
        "sent_at": sent_at.isoformat(),
        "overall": "hardwareError" if any(lv == "fault" for lv, _ in levels.values()) else "online",
        "peripherals": {"card_reader": {"status": "online"}},
        "checks": {"shell": {"level": "ok", "summary": "shell alive"}}
        | {name: {"level": level, "summary": summary} for name, (level, summary) in levels.items()},
        "outbox_pending": 1,
        "software_version": version,
    }
    response = kiosk.post("v1/devices/heartbeat", body)
    assert response.status_code == 202, response.text
