"""Change keys of the kiosk's TOML config and write it back atomically, checked before it lands.

The new text must load as a :class:`~kiosk.config.KioskConfig` (over the same profile) or nothing is
written. Comments in the old file are not kept: the file is the technician's record of what was set.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from kiosk.config import ConfigError, KioskConfig, load_config
from provisioning.atomic import write_atomic

HEADER = "# Written by kiosk-provision; `kiosk-provision config-check` validates it.\n"


def read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def merged(base: Mapping[str, Any], changes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    out = {key: dict(value) if isinstance(value, Mapping) else value for key, value in base.items()}
    for section, values in changes.items():
        out.setdefault(section, {}).update(values)
    return out


def update(path: Path, changes: Mapping[str, Mapping[str, Any]], profile: str | None = None) -> KioskConfig:
    """Apply ``{section: {key: value}}`` to the file at ``path`` (created if missing); returns the result."""
    return write(path, merged(read(path), changes), profile)


def write(path: Path, data: Mapping[str, Any], profile: str | None = None) -> KioskConfig:
    """Replace the file at ``path`` with ``data``, once it loads as a config."""
    text, cfg = _checked(path, data, profile)
    write_atomic(path, text.encode("utf-8"), 0o644)
    return cfg


def check(path: Path, changes: Mapping[str, Mapping[str, Any]], profile: str | None = None) -> KioskConfig:
    """What :func:`update` would make of the file, without writing it (raises ConfigError)."""
    return _checked(path, merged(read(path), changes), profile)[1]


def _checked(path: Path, data: Mapping[str, Any], profile: str | None) -> tuple[str, KioskConfig]:
    text = HEADER + tomli_w.dumps(_plain(data))
    trial = path.with_name(f".{path.name}.check")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        trial.write_text(text, "utf-8")
        return text, load_config(trial, profile)
    finally:
        trial.unlink(missing_ok=True)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
