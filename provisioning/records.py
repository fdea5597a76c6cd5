"""What each step found, kept for the report: ``<var_dir>/provisioning/<step>.json``, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from provisioning.atomic import write_atomic


def folder(cfg: KioskConfig) -> Path:
    return cfg.paths.var_dir / "provisioning"


def save(cfg: KioskConfig, step: str, data: Any) -> Path:
    path = folder(cfg) / f"{step}.json"
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), 0o640)
    return path


def load(cfg: KioskConfig, step: str) -> Any | None:
    path = folder(cfg) / f"{step}.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else None
