"""The staff console's settings: when a kiosk counts as stale or offline, sessions, login limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Kiosks report every 15 s: stale after four missed heartbeats, offline after five minutes.
    stale_after_s: float = Field(default=60.0, gt=0)
    offline_after_s: float = Field(default=300.0, gt=0)
    poll_s: float = Field(default=5.0, gt=0, le=300)  # how often the pages ask for fresh data
    session_idle_s: int = Field(default=1800, ge=60)  # a session unused this long ends
    session_max_s: int = Field(default=12 * 3600, ge=60)  # and none outlives a working day
    login_failures: int = Field(default=5, ge=1)  # failed logins allowed per user and per address
    login_window_s: float = Field(default=300.0, gt=0)  # ... within this window
    history_heartbeats: int = Field(default=120, ge=1, le=2000)  # heartbeats on the detail page

    @model_validator(mode="after")
    def _ordered(self) -> ConsoleSettings:
        if self.offline_after_s <= self.stale_after_s:
            raise ValueError("offline_after_s must be longer than stale_after_s")
        return self
