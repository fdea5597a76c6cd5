"""``kiosk-provision install``: the config, the three services and the udev rule, under ``--root``.

- The config lands atomically (temp file, fsync, rename, fsync the folder) and only after it loads.
- Units: the shell under the cage kiosk compositor on tty1, the health reporter (``Type=notify``
  with the watchdog) and the outbox sender, each with ``Restart=`` and ``StartLimit*``; enabled the
  way ``systemctl enable`` does it (links in ``*.target.wants``), so an image built with ``--root``
  boots into them.
- A udev rule gives the peripherals discover found stable role names (``/dev/fund-kiosk/idcard``,
  ``…/receipt``, ``…/camera``) and the groups the kiosk user is in.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kiosk.config import DEFAULT_CONFIG_PATH, KioskConfig, load_config
from provisioning import configfile
from provisioning.atomic import write_atomic
from provisioning.discover import ROLE_CARD_READER, ROLE_RECEIPT, Discovery

UNITS = {
    "fund-kiosk-shell.service": "graphical.target",
    "fund-kiosk-health.service": "multi-user.target",
    "fund-kiosk-outbox.service": "multi-user.target",
}
UDEV_RULE = Path("etc/udev/rules.d/70-fund-kiosk.rules")
UNIT_DIR = Path("etc/systemd/system")
STABLE_DIR = "fund-kiosk"  # /dev/fund-kiosk/<role>


@dataclass(frozen=True)
class InstallPlan:
    root: Path = Path("/")
    config_source: Path | None = None  # the file to install; None: keep (and re-check) the one there
    config_path: Path = DEFAULT_CONFIG_PATH  # where it goes, inside root
    prefix: Path = Path(sys.prefix)  # the kiosk's virtualenv (bin/kiosk)
    user: str = "kiosk"
    cage: Path = Path("/usr/bin/cage")
    watchdog_s: int = 60
    discovery: Discovery | None = None  # for the udev rule and the stable names in the config


@dataclass
class Installed:
    config: Path
    units: list[Path] = field(default_factory=list)
    udev_rule: Path | None = None
    enabled: list[Path] = field(default_factory=list)


def _inside(root: Path, path: Path) -> Path:
    return root / path.relative_to("/") if path.is_absolute() else root / path


def render_unit(name: str, plan: InstallPlan, cfg: KioskConfig) -> str:
    template = (resources.files("provisioning") / "templates" / name).read_text("utf-8")
    if cfg.health.interval_s * 2 > plan.watchdog_s:
        raise ValueError(f"WatchdogSec={plan.watchdog_s} must be at least twice health.interval_s")
    return template.format(
        user=plan.user,
        prefix=plan.prefix,
        config=plan.config_path,
        var_dir=cfg.paths.var_dir,
        cage=plan.cage,
        watchdog_s=plan.watchdog_s,
    )


def udev_rules(discovery: Discovery | None) -> str:
    lines = [
        "# Stable names for the fund kiosk's peripherals (written by kiosk-provision install).",
        "# Matched on the USB vendor, product and serial number that discover read from udev.",
    ]
    if discovery is not None:
        for role in (ROLE_CARD_READER, ROLE_RECEIPT):
            port = discovery.port_for(role)
            if port is None:
                continue
            if not (port.vendor_id and port.product_id):
                lines.append(f"# {role}: {port.stable} has no USB ids (not a USB adapter); no rule")
                continue
            match = f'ATTRS{{idVendor}}=="{port.vendor_id}", ATTRS{{idProduct}}=="{port.product_id}"'
            if port.serial:
                match += f', ATTRS{{serial}}=="{port.serial}"'
            lines.append(
                f'SUBSYSTEM=="tty", {match}, SYMLINK+="{STABLE_DIR}/{role}", GROUP="dialout", MODE="0660"'
            )
    lines.append(
        f'SUBSYSTEM=="video4linux", ATTR{{index}}=="0", ENV{{ID_V4L_CAPABILITIES}}=="*:capture:*", '
        f'SYMLINK+="{STABLE_DIR}/camera-%n", GROUP="video", MODE="0660"'
    )
    return "\n".join(lines) + "\n"


def _config_changes(discovery: Discovery | None) -> dict[str, dict[str, object]]:
    """Point the config at the stable names discover found (by-id links survive re-plugging)."""
    if discovery is None:
        return {}
    changes: dict[str, dict[str, object]] = {}
    reader, receipt = discovery.port_for(ROLE_CARD_READER), discovery.port_for(ROLE_RECEIPT)
    if reader is not None:
        changes["card_reader"] = {"port": reader.stable}
    if receipt is not None:
        changes["printers"] = {"receipt_port": receipt.stable}
    camera = next((c for c in discovery.cameras if c.ok), None)
    if camera is not None:
        changes["camera"] = {"source": camera.by_id or camera.source}
    return changes


def install(plan: InstallPlan) -> Installed:
    target = _inside(plan.root, plan.config_path)
    if plan.config_source is not None and plan.config_source.resolve() != target.resolve():
        source = configfile.read(plan.config_source)
        load_config(plan.config_source)  # refuse a bad file before anything is written
        configfile.write(target, configfile.merged(source, _config_changes(plan.discovery)))
    else:
        configfile.update(target, _config_changes(plan.discovery))
    cfg = load_config(target)
    done = Installed(target)
    unit_dir = plan.root / UNIT_DIR
    for name, wanted_by in UNITS.items():
        path = unit_dir / name
        write_atomic(path, render_unit(name, plan, cfg).encode("utf-8"), 0o644)
        done.units.append(path)
        wants = unit_dir / f"{wanted_by}.wants"
        wants.mkdir(parents=True, exist_ok=True)
        link = wants / name
        if not link.is_symlink():
            os.symlink(f"/{UNIT_DIR}/{name}", link)
        done.enabled.append(link)
    rule = plan.root / UDEV_RULE
    write_atomic(rule, udev_rules(plan.discovery).encode("utf-8"), 0o644)
    done.udev_rule = rule
    return done
