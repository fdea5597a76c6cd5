"""The console in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``)
driven by Selenium against ``fundcenter serve`` in its own process. A kiosk's real heartbeat sender
reports until it stops; the staff member sees the kiosk go online -> offline and acknowledges the
alert. Screenshots are kept in var/test-artifacts/."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kiosk.client.signing import Signer
from kiosk.client.transport import BackEndClient, ClientSettings
from kiosk.health.heartbeats import HeartbeatQueue
from kiosk.health.reporter import Reporter
from kiosk.health.shell_checks import DeviceCheck, ShellLiveness
from tests.conftest import repo_root
from tests.fundcenter.console.staff import PASSWORD
from tests.fundcenter.helpers import enrol, fundcenter_cli
from tests.kiosk.health.test_heartbeats import board_with_devices

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")  # given explicitly: Selenium Manager never runs
ARTIFACTS = repo_root() / "var" / "test-artifacts"
STALE_S, OFFLINE_S = 2, 4


@pytest.fixture
def back_end(tmp_path: Path) -> Iterator[str]:
    """``fundcenter serve`` with short console thresholds, in its own process on a free port."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fundcenter",
            "--database-url",
            f"sqlite:///{tmp_path / 'fundcenter.db'}",
            "serve",
            "--port",
            "0",
            "--stale-after",
            str(STALE_S),
            "--offline-after",
            str(OFFLINE_S),
            "--console-poll",
            "0.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("fundcenter listening on "):
            break
    else:
        raise AssertionError("fundcenter did not start: " + "".join(lines[-5:]))
    drain = threading.Thread(target=process.stdout.read, daemon=True)  # keep its pipe from filling
    drain.start()
    yield line.removeprefix("fundcenter listening on ").strip()
    process.terminate()
    process.wait(20)
    drain.join(10)
    process.stdout.close()


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    if not CHROMEDRIVER.exists():
        pytest.fail("chromium-driver is missing: `make install` installs Debian's chromium and its driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--lang=zh-CN",
        "--disable-gpu",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def read(driver: webdriver.Chrome, css: str, attribute: str = "textContent") -> str:
    """One property of the element the selector finds now (the pages redraw rows on every poll, so a
    found element may be gone a moment later: ask the page instead of holding one)."""
    value = driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? (arguments[1] === 'textContent' "
        "? e.textContent : e.getAttribute(arguments[1])) : null;",
        css,
        attribute,
    )
    return str(value) if value is not None else ""


class HeartbeatSender:
    """The kiosk's own reporter and heartbeat queue, one pass every half second until stopped."""

    def __init__(self, base_url: str, device_id: str, tmp_path: Path, signer: Signer) -> None:
        board = board_with_devices(tmp_path)
        self.client = BackEndClient(ClientSettings(base_url=base_url, device_id=device_id, signer=signer))
        self.queue = HeartbeatQueue(self.client)
        self.reporter = Reporter(
            [
                ShellLiveness(board.path),
                DeviceCheck("card_reader", board.path),
                DeviceCheck("receipt_printer", board.path),
            ],
            self.queue,
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.reporter.run_once()
            self._stop.wait(0.5)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self.client.close()


def test_staff_see_a_kiosk_go_offline_and_acknowledge_the_alert(
    back_end: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "fundcenter",
            "--database-url",
            f"sqlite:///{tmp_path / 'fundcenter.db'}",
            "staff",
            "add",
            "monitor1",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "added" in added.stdout
    device = fundcenter_cli(tmp_path, "device", "add", "--id", "KIOSK-B001", "--location", "东城服务大厅")
    assert device.returncode == 0, device.stderr
    key = generate_private_key(SECP256R1())
    assert enrol(back_end, "KIOSK-B001", device.stdout.strip(), key).status_code == 200
    sender = HeartbeatSender(back_end, "KIOSK-B001", tmp_path, Signer("KIOSK-B001", key))
    sender.start()
    wait = WebDriverWait(browser, 20, poll_frequency=0.2)
    try:
        browser.get(f"{back_end}console/")
        wait.until(ec.url_contains("/console/login"))
        browser.find_element(By.ID, "username").send_keys("monitor1")
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.ID, "login-submit").click()
        row = 'tr[data-device="KIOSK-B001"]'
        wait.until(lambda d: read(d, row, "data-state") == "online")
        assert "东城服务大厅" in read(browser, row)
        assert sender.queue.sent >= 1
    finally:
        sender.stop()  # the kiosk falls silent
    wait.until(lambda d: read(d, row, "data-state") == "stale")
    wait.until(lambda d: read(d, row, "data-state") == "offline")
    assert "离线" in read(browser, row)
    wait.until(lambda d: read(d, "#alert-badge") == "1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    listing = ARTIFACTS / "console.png"
    browser.save_screenshot(str(listing))

    browser.find_element(By.CSS_SELECTOR, 'a[data-nav="alerts"]').click()
    alert_row = "#alerts tr.alert"
    wait.until(lambda d: "终端离线" in read(d, alert_row))
    assert "KIOSK-B001" in read(browser, alert_row)
    WebDriverWait(
        browser, 20, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    ).until(lambda d: d.find_element(By.CSS_SELECTOR, "#alerts button.ack").click() or True)
    wait.until(lambda d: read(d, alert_row, "data-status") == "acknowledged")
    assert "monitor1" in read(browser, alert_row)
    alerts = ARTIFACTS / "console-alerts.png"
    browser.save_screenshot(str(alerts))

    browser.find_element(By.LINK_TEXT, "KIOSK-B001").click()  # the kiosk's own page: checks, history
    wait.until(lambda d: read(d, "#device-state .state", "data-state") == "offline")
    wait.until(lambda d: "online → stale" in read(d, "#events") or "在线 → 延迟" in read(d, "#events"))
    assert "凭条打印机" in read(browser, "#checks")
    detail = ARTIFACTS / "console-kiosk.png"
    browser.save_screenshot(str(detail))
    assert listing.stat().st_size > 10_000
    print(f"\nconsole screenshots: {listing} {alerts} {detail}")
