"""Who may see the console: staff log in; anonymous callers, wrong passwords, forged posts and
guessers are refused."""

import subprocess
import sys
from pathlib import Path

import requests

from fundcenter.console.passwords import WeakPassword, hash_password, verify_password
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.console.staff import PASSWORD, Staff, login_token, staff_user
from tests.fundcenter.helpers import TIMEOUT


def test_anonymous_callers_see_nothing(server: ThreadServer) -> None:
    for page in ("console/", "console/alerts", "console/kiosks/KIOSK-0001"):
        response = requests.get(f"{server.url}{page}", allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    for path in ("kiosks", "kiosks/KIOSK-0001", "alerts", "halls", "me"):
        response = requests.get(f"{server.url}console/api/{path}", timeout=TIMEOUT)
        assert (response.status_code, response.json()["code"]) == (401, "staff_login_required")
    forged = requests.get(
        f"{server.url}console/api/kiosks", cookies={"fundcenter_console": "x" * 43}, timeout=5
    )
    assert forged.status_code == 401
    assert requests.post(f"{server.url}console/api/alerts/1/ack", timeout=TIMEOUT).status_code == 401


def test_login_sets_a_strict_http_only_cookie_and_logout_ends_the_session(server: ThreadServer) -> None:
    staff = staff_user(server.engine, server.url)
    response = staff.login()
    assert response.status_code == 303
    assert response.headers["location"] == "/console/"
    cookie = response.headers["set-cookie"]
    assert "fundcenter_console=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    assert staff.json("me")["username"] == "monitor1"
    page = staff.http.get(f"{server.url}console/", timeout=TIMEOUT)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "终端列表" in page.text
    out = staff.http.post(
        f"{server.url}console/logout", headers={"X-CSRF-Token": staff.csrf}, allow_redirects=False, timeout=5
    )
    assert out.status_code == 303
    stolen = Staff(server.url, "monitor1")
    stolen.http.cookies.set("fundcenter_console", response.cookies["fundcenter_console"], path="/console")
    assert stolen.get("kiosks").status_code == 401  # the old token is gone on the server


def test_wrong_password_and_unknown_user_are_refused_alike(server: ThreadServer) -> None:
    staff_user(server.engine, server.url)
    wrong = Staff(server.url, "monitor1").login("not the password")
    nobody = Staff(server.url, "nobody").login(PASSWORD)
    for response in (wrong, nobody):
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
        assert "fundcenter_console=" not in response.headers.get("set-cookie", "")


def test_repeated_failures_lock_the_login_for_a_while(server: ThreadServer) -> None:
    staff = staff_user(server.engine, server.url, "monitor2")
    for _ in range(5):
        assert staff.login("guess guess guess").status_code == 401
    locked = staff.login()  # even the right password waits now
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "登录失败次数过多" in locked.text


def test_posts_need_the_sessions_csrf_token_and_the_same_origin(server: ThreadServer) -> None:
    staff = staff_user(server.engine, server.url)
    staff.login()
    no_token = staff.http.post(f"{server.url}console/api/alerts/1/ack", timeout=TIMEOUT)
    assert (no_token.status_code, no_token.json()["code"]) == (403, "staff_csrf_failed")
    assert staff.post("alerts/1/ack", **{"X-CSRF-Token": "forged"}).status_code == 403
    assert staff.post("alerts/1/ack", Origin="https://evil.example").status_code == 403
    assert staff.post("alerts/1/ack").json()["code"] == "alert_not_found"  # past the CSRF check


def test_the_login_form_itself_needs_its_token(server: ThreadServer) -> None:
    staff_user(server.engine, server.url)
    http = requests.Session()
    form = http.get(f"{server.url}console/login", timeout=TIMEOUT)
    token = login_token(form.text)
    fields = {"username": "monitor1", "password": PASSWORD}
    no_cookie = requests.post(f"{server.url}console/login", data=fields | {"csrf": token}, timeout=5)
    assert no_cookie.status_code == 403
    other = http.post(f"{server.url}console/login", data=fields | {"csrf": "x" * 43}, timeout=TIMEOUT)
    assert other.status_code == 403
    token = login_token(other.text)  # the refused form came back with a fresh token
    fine = http.post(
        f"{server.url}console/login",
        data=fields | {"csrf": token, "next": "//evil.example/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert fine.status_code == 303
    assert fine.headers["location"] == "/console/"  # never sent elsewhere after login


def test_an_idle_session_expires(server: ThreadServer) -> None:
    staff = staff_user(server.engine, server.url)
    staff.login()
    server.clock.advance(minutes=20)
    assert staff.get("kiosks").status_code == 200  # used: the idle expiry moves on
    server.clock.advance(minutes=29)
    assert staff.get("kiosks").status_code == 200
    server.clock.advance(minutes=31)
    assert staff.get("kiosks").status_code == 401


def test_passwords_are_salted_scrypt_and_short_ones_refused() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")
    assert verify_password(PASSWORD, first)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "md5$whatever")
    try:
        hash_password("short")
    except WeakPassword:
        pass
    else:
        raise AssertionError("a short password was accepted")


def test_staff_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    def staff_add(password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "fundcenter",
                "--database-url",
                f"sqlite:///{tmp_path / 'fc.db'}",
                "staff",
                "add",
                "monitor1",
            ],
            input=password + "\n",
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    added = staff_add(PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "staff user monitor1 added" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    short = staff_add("short")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    again = staff_add(PASSWORD + "!")
    assert "given a new password" in again.stdout
