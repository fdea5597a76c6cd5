"""One typed configuration object for the kiosk, read from TOML.

Precedence: built-in defaults < a named profile (``kiosk/profiles/NAME.toml``) < the config file.
Every section is frozen; code reads attributes (``cfg.display.width``), never string paths.
A bad value raises :class:`ConfigError` naming the file and the dotted key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError

DEFAULT_CONFIG_PATH = Path("/etc/fund-kiosk/kiosk.toml")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the source and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(_Section):
    device_id: str = Field(default="KIOSK-UNENROLLED", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
    center_name: str = Field(default="住房公积金管理中心", min_length=1, max_length=40)
    hall_name: str = Field(default="", max_length=40)
    hotline: str = Field(default="12329", pattern=r"^[0-9-]{3,20}$")
    language: Literal["zh", "en"] = "zh"


class DisplaySection(_Section):
    width: int = Field(default=1080, ge=480, le=7680)
    height: int = Field(default=1920, ge=480, le=7680)
    fullscreen: bool = True
    # None: decide at start (offscreen when there is no X11 or Wayland display).
    offscreen: bool | None = None
    font: Path = CJK_FONT


class LoggingSection(_Section):
    format: Literal["json", "text"] = "json"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class BackEndSection(_Section):
    url: AnyHttpUrl = AnyHttpUrl("https://fundcenter.invalid/")
    # The center's CA bundle and the SPKI pins of its keys (sha256/BASE64), set at enrolment.
    ca_bundle: Path | None = None
    pins: tuple[str, ...] = ()
    # Seconds between reachability probes shown on the attract screen.
    probe_interval_s: float = Field(default=30.0, gt=0, le=3600)
    probe_timeout_s: float = Field(default=3.0, gt=0, le=30)


class CardReaderSection(_Section):
    # A serial path (a udev name such as /dev/serial/by-id/…) or a pyserial URL; "" means no reader.
    port: str = "/dev/ttyUSB0"
    baudrate: Literal[9600, 19200, 38400, 57600, 115200] = 115200
    poll_interval_s: float = Field(default=0.1, ge=0.02, le=5)


class CameraSection(_Section):
    # A device index, /dev/video* or /dev/v4l/by-id/… path, a stream URL, or camsim://… (simulated);
    # "" means no camera.
    source: str = "/dev/video0"
    width: int = Field(default=640, ge=160, le=7680)
    height: int = Field(default=480, ge=120, le=4320)
    fps: float = Field(default=30.0, gt=0, le=240)


class PrintersSection(_Section):
    # The A4 certificate printer's CUPS queue ("" for none) and the cupsd serving it (host:port).
    cups_queue: str = "kiosk-a4"
    cups_server: str = "localhost:631"
    # The ESC/POS receipt printer: serial path, pyserial URL or tcp://host:9100; "" for none.
    receipt_port: str = ""
    receipt_baudrate: Literal[9600, 19200, 38400, 57600, 115200] = 9600


class PathsSection(_Section):
    # Runtime data: databases, spools, screenshots, Kivy's home. Relative paths resolve against the
    # working directory at load time.
    var_dir: Path = Path("/var/lib/fund-kiosk")

    @property
    def kivy_home(self) -> Path:
        return self.var_dir / "kivy"

    @property
    def screenshots(self) -> Path:
        return self.var_dir / "screenshots"

    @property
    def shell_status(self) -> Path:
        return self.var_dir / "run" / "shell-status.json"

    @property
    def outbox(self) -> Path:
        return self.var_dir / "outbox.db"

    @property
    def identity(self) -> Path:
        """The device key and certificate from enrolment."""
        return self.var_dir / "identity"


class HealthSection(_Section):
    interval_s: float = Field(default=15.0, ge=1, le=3600)
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9732, ge=0, le=65535)


class SimulationSection(_Section):
    # The demo runs every peripheral on its simulator; production must leave this off.
    enabled: bool = False


class SessionTimeouts(_Section):
    """Seconds each stage of a member's session waits for the member (a touch starts it again).

    The elderly mode multiplies them (``SessionSection.elderly_multiplier``). On the money steps a
    timeout ends the session without submitting anything."""

    card: float = Field(default=30.0, ge=5, le=600)  # "place your ID card"
    face: float = Field(default=60.0, ge=10, le=600)  # camera, liveness and matching
    opening: float = Field(default=30.0, ge=5, le=600)  # the back end opens the member session
    menu: float = Field(default=60.0, ge=10, le=600)
    account: float = Field(default=90.0, ge=10, le=600)
    certificate: float = Field(default=90.0, ge=10, le=600)  # loading, preview, printing, printed
    withdrawal: float = Field(default=90.0, ge=10, le=600)  # type, rule, amount, bank card, confirm
    confirm_face: float = Field(default=45.0, ge=10, le=600)  # the second look before submitting
    submitting: float = Field(default=45.0, ge=10, le=600)  # then "submitted, result by SMS"
    result: float = Field(default=60.0, ge=10, le=600)
    rating: float = Field(default=30.0, ge=5, le=600)
    card_return: float = Field(default=30.0, ge=5, le=600)  # "请放回身份证" on a money step
    error: float = Field(default=30.0, ge=5, le=600)
    goodbye: float = Field(default=5.0, ge=1, le=60)  # "请取走身份证" while everything is wiped


class SessionSection(_Section):
    timeouts: SessionTimeouts = SessionTimeouts()
    elderly_multiplier: float = Field(default=1.5, ge=1, le=4)
    page_size: int = Field(default=6, ge=1, le=20)  # transactions or withdrawal types per page
    elderly_page_size: int = Field(default=3, ge=1, le=20)
    face_attempts: int = Field(default=3, ge=1, le=10)  # tries at the face before "please go to the counter"
    # Optional comments a member may tick under the rating (好差评); codes are stored, texts shown.
    comment_presets: tuple[str, ...] = (
        "办理快捷",
        "操作简单",
        "界面清楚",
        "等待太久",
        "操作复杂",
        "设备故障",
    )


class KioskConfig(_Section):
    profile: str = "production"
    kiosk: KioskSection = KioskSection()
    display: DisplaySection = DisplaySection()
    logging: LoggingSection = LoggingSection()
    back_end: BackEndSection = BackEndSection()
    card_reader: CardReaderSection = CardReaderSection()
    camera: CameraSection = CameraSection()
    printers: PrintersSection = PrintersSection()
    paths: PathsSection = PathsSection()
    health: HealthSection = HealthSection()
    simulation: SimulationSection = SimulationSection()
    session: SessionSection = SessionSection()


def available_profiles() -> list[str]:
    folder = resources.files("kiosk") / "profiles"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _explain(exc: ValidationError, source: str) -> ConfigError:
    lines = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        got = f" (got {err['input']!r})" if err["type"] != "missing" and "input" in err else ""
        lines.append(f"{source}: {key}: {err['msg']}{got}")
    return ConfigError("\n".join(lines))


def load_config(path: Path | None = None, profile: str | None = None) -> KioskConfig:
    """Build the config from defaults, an optional profile and an optional TOML file."""
    data: dict[str, Any] = {}
    sources = ["defaults"]
    if profile is not None:
        if profile not in available_profiles():
            raise ConfigError(f"unknown profile {profile!r}; known: {', '.join(available_profiles())}")
        text = (resources.files("kiosk") / "profiles" / f"{profile}.toml").read_text("utf-8")
        data = _merge(data, _read_toml(text, f"profile {profile}"))
        data["profile"] = profile
        sources.append(f"profile {profile}")
    if path is not None:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
        data = _merge(data, _read_toml(text, str(path)))
        sources.append(str(path))
    try:
        cfg = KioskConfig.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, " + ".join(sources[1:]) or "defaults") from exc
    var_dir = cfg.paths.var_dir
    if not var_dir.is_absolute():
        cfg = cfg.model_copy(update={"paths": PathsSection(var_dir=Path(os.getcwd()) / var_dir)})
    return cfg


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
