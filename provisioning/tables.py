"""Tables for people (rich): what discover found and what the self-test says."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from provisioning.discover import Discovery
from provisioning.selftest import Result


def console() -> Console:
    return Console(width=160, soft_wrap=False)


def print_discovery(found: Discovery, out: Console | None = None) -> None:
    out = out or console()
    ports = Table(title="串口设备 / serial ports", title_justify="left")
    ports.add_column("by-id name", no_wrap=True)
    for column in ("device", "answers as", "model", "USB id", "serial", "detail"):
        ports.add_column(column, overflow="fold")
    for p in found.serial_ports:
        usb = f"{p.vendor_id}:{p.product_id}" if p.vendor_id else ""
        role = {"idcard": "身份证阅读器 ID card reader", "receipt": "凭条打印机 receipt printer"}.get(
            p.role or "", "—"
        )
        by_id = Path(p.by_id).name if p.by_id else ""
        ports.add_row(by_id, p.device, role, p.model or "", usb, p.serial or "", p.sam_id or p.detail)
    out.print(ports)
    cameras = Table(title="摄像头 / cameras", title_justify="left")
    for column in ("source", "stable name", "size", "fps", "detail"):
        cameras.add_column(column, overflow="fold")
    for c in found.cameras:
        size = f"{c.width}×{c.height}" if c.ok else "—"
        cameras.add_row(c.source, c.by_id or "", size, f"{c.fps:.1f}" if c.ok else "—", c.detail)
    out.print(cameras)
    queues = Table(title="CUPS 打印队列 / CUPS queues", title_justify="left")
    for column in ("queue", "server", "device", "state", "paper", "ready"):
        queues.add_column(column, overflow="fold")
    for q in found.cups_queues:
        queues.add_row(
            q.name, q.server, q.device_uri, q.state, q.paper, "yes" if q.ready else f"no {q.detail}"
        )
    out.print(queues)


def print_selftest(results: list[Result], out: Console | None = None) -> None:
    out = out or console()
    table = Table(title="自检 / self-test", title_justify="left")
    for column in ("check", "device", "result", "reason", "fix to try / 处理建议"):
        table.add_column(column, overflow="fold")
    for r in results:
        verdict = (
            "[dim]skipped[/]" if r.skipped else "[green]PASS 通过[/]" if r.passed else "[red]FAIL 未通过[/]"
        )
        fix = f"{r.fix.zh}\n{r.fix.en}" if r.fix else ""
        table.add_row(r.check, r.device, verdict, r.reason, fix)
    out.print(table)
