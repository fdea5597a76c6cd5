"""Settings of the reference back end (command-line options override them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_DATABASE_URL = "sqlite:///var/fundcenter/fundcenter.db"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = Field(default=8620, ge=0, le=65535)
