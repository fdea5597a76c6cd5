"""Settings of the reference back end (command-line options override them)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from fundcenter.console.settings import ConsoleSettings
from fundcenter.withdrawals.rules import Limits

DEFAULT_DATABASE_URL = "sqlite:///var/fundcenter/fundcenter.db"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = DEFAULT_DATABASE_URL
    # Keys (device CA, certificate seal) and generated images live here; by default beside the
    # SQLite file, or var/fundcenter for a server database.
    data_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8620, ge=0, le=65535)
    # Where members and banks open the verification page (printed in the QR code).
    public_base_url: str = "http://127.0.0.1:8620/"
    center_name: str = "住房公积金管理中心"
    session_ttl_s: int = Field(default=300, ge=30, le=3600)
    evidence_max_age_s: int = Field(default=120, ge=5)
    clock_skew_s: int = Field(default=30, ge=0)
    max_face_threshold: float = Field(default=0.6, gt=0, le=1)  # the loosest threshold a kiosk may use
    # Idempotency keys are kept this long: longer than a kiosk may stay offline (issue 6 outbox).
    idempotency_ttl_days: int = Field(default=30, ge=7)
    idempotency_lease_s: int = Field(default=60, ge=5)  # a "running" key older than this was abandoned
    # RFC 9421 request signatures with the device key: required for every device call unless a
    # development server turns them off (a signed request is verified either way).
    require_signatures: bool = True
    # |created - now| a signature may show; its nonce is remembered this long
    signature_window_s: int = Field(default=60, ge=5, le=900)
    # Mutual TLS (``fundcenter serve --tls-cert/--tls-key``): the server's own certificate and key.
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    enrolment_token_ttl_h: int = Field(default=72, ge=1)
    device_certificate_days: int = Field(default=397, ge=1)
    font_path: Path = CJK_FONT
    withdrawal_limits: Limits = Field(default_factory=Limits)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)  # the staff console

    def resolved_data_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and self.database_url != prefix:
            path = self.database_url.removeprefix(prefix).split("?", 1)[0]
            if path and path != ":memory:":
                return Path(path).resolve().parent
        return Path("var/fundcenter").resolve()
