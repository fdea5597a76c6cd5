"""The technician's wizard: discover → selftest → enroll → install → report, in that order.

The answers come from a TOML file (``--answers``), and a person fills in or confirms the rest with
rich prompts; ``--non-interactive`` asks nothing and stops at the first missing answer or failure.
The steps are the library functions the single commands use, so the wizard does nothing they do not.

Answers file::

    technician = "王师傅 (工号 0417)"
    config = "/etc/fund-kiosk/kiosk.toml"   # the working config; enroll and install update it

    [enroll]
    server = "https://gjj.example.cn/"
    token = "…"                               # the one-time token from `fundcenter device add`
    ca_pin = "sha256:…"
    device_id = "KIOSK-0001"

    [selftest]
    card_timeout_s = 15
    detect_face = true
    continue_on_failure = false

    [install]
    root = "/"
    user = "kiosk"

    [report]
    out = "/var/lib/fund-kiosk/provisioning"  # default: <var_dir>/provisioning
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from rich.console import Console
from rich.prompt import Confirm, Prompt

from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, KioskConfig, load_config
from provisioning import discover, enroll, install, records, report, selftest, tables


class AnswersError(ValueError):
    """The answers file is unreadable or lacks what a non-interactive run needs."""


class Asker(Protocol):
    def ask(self, question: str, default: str | None) -> str: ...

    def confirm(self, question: str, default: bool) -> bool: ...


class RichAsker:
    def __init__(self, console: Console, stream: TextIO | None = None) -> None:
        self.console = console
        self.stream = stream

    def ask(self, question: str, default: str | None) -> str:
        for _ in range(3):
            if default is None:
                answer = Prompt.ask(question, console=self.console, stream=self.stream).strip()
            else:
                # Enter keeps the default (rich returns "" for it when reading a stream)
                answer = Prompt.ask(question, console=self.console, default=default, stream=self.stream)
                answer = answer.strip() or default
            if answer:
                return answer
        raise AnswersError(f"no answer for: {question}")

    def confirm(self, question: str, default: bool) -> bool:
        return Confirm.ask(question, console=self.console, default=default, stream=self.stream)


class NoAsker:
    """Non-interactive: the default stands; a missing answer is an error."""

    def ask(self, question: str, default: str | None) -> str:
        if default is None:
            raise AnswersError(f"no answer for: {question}")
        return default

    def confirm(self, question: str, default: bool) -> bool:
        return default


@dataclass
class Answers:
    technician: str | None = None
    config: Path = DEFAULT_CONFIG_PATH
    enroll: dict[str, Any] = field(default_factory=dict)
    selftest: dict[str, Any] = field(default_factory=dict)
    install: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: Path) -> Answers:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise AnswersError(f"{path}: {exc}") from exc
        unknown = set(data) - {"technician", "config", "enroll", "selftest", "install", "report"}
        if unknown:
            raise AnswersError(f"{path}: unknown keys {sorted(unknown)}")
        return cls(
            technician=data.get("technician"),
            config=Path(data.get("config", DEFAULT_CONFIG_PATH)),
            enroll=dict(data.get("enroll", {})),
            selftest=dict(data.get("selftest", {})),
            install=dict(data.get("install", {})),
            report=dict(data.get("report", {})),
        )


@dataclass
class Wizard:
    answers: Answers
    asker: Asker
    out: Console
    by_id_dir: Path = discover.BY_ID_DIR
    found: discover.Discovery | None = None

    def config(self) -> KioskConfig:
        return load_config(self.answers.config if self.answers.config.is_file() else None)

    def _step(self, number: int, title: str) -> None:
        self.out.rule(f"[bold]{number}/5 {title}")

    def run(self) -> int:
        steps: list[tuple[str, Callable[[], int]]] = [
            ("发现设备 discover", self.discover),
            ("自检 self-test", self.selftest),
            ("注册 enroll", self.enroll),
            ("安装 install", self.install),
            ("报告 report", self.report),
        ]
        for number, (title, step) in enumerate(steps, 1):
            self._step(number, title)
            try:
                code = step()
            except (AnswersError, ConfigError, ValueError, OSError) as exc:
                self.out.print(f"[red]停止 stopped:[/] {exc}")
                return 2
            if code != 0:
                self.out.print(f"[red]停止于 stopped at: {title}[/]")
                return code
        self.out.print("[green]完成 done.[/]")
        return 0

    def discover(self) -> int:
        cfg = self.config()
        self.found = discover.discover(cfg, by_id_dir=self.by_id_dir)
        records.save(cfg, "discover", self.found.as_json())
        tables.print_discovery(self.found, self.out)
        return 0

    def _options(self) -> selftest.SelftestOptions:
        a = self.answers.selftest
        return selftest.SelftestOptions(
            card_timeout_s=float(a.get("card_timeout_s", 15.0)), detect_face=bool(a.get("detect_face", True))
        )

    def _judge(self, results: list[selftest.Result]) -> int:
        tables.print_selftest(results, self.out)
        if selftest.passed(results):
            return 0
        go_on = self.asker.confirm(
            "自检未通过。仍然继续？ Self-test failed; continue anyway?",
            bool(self.answers.selftest.get("continue_on_failure", False)),
        )
        return 0 if go_on else 1

    def selftest(self) -> int:
        """The devices now; the link to the back end needs the identity, so it is tested after enroll."""
        cfg = self.config()
        self.asker.confirm(
            "把测试身份证放在读卡器上，站在摄像头前。开始自检？ Place a test card; start?", True
        )
        results = selftest.run_all(cfg, self._options(), only=set(selftest.DEVICES))
        records.save(cfg, "selftest", [r.as_json() for r in results])
        return self._judge(results)

    def _link_selftest(self) -> int:
        cfg = self.config()
        link = selftest.back_end(cfg, self._options())
        earlier = [r for r in records.load(cfg, "selftest") or [] if r["check"] in selftest.DEVICES]
        records.save(cfg, "selftest", earlier + [r.as_json() for r in link])
        return self._judge(link)

    def enroll(self) -> int:
        cfg = self.config()
        a = self.answers.enroll
        default_id = a.get("device_id") or (
            cfg.kiosk.device_id if cfg.kiosk.device_id != "KIOSK-UNENROLLED" else None
        )
        request = enroll.EnrolRequest(
            device_id=self.asker.ask("设备编号 device id", default_id),
            server=self.asker.ask("中心地址 server URL (https://…)", a.get("server")),
            pin=self.asker.ask("中心 CA 指纹 CA pin (sha256:…)", a.get("ca_pin")),
            token=self.asker.ask("一次性注册码 one-time token", a.get("token")),
            identity_dir=cfg.paths.identity,
            config=self.answers.config,
        )
        try:
            done = enroll.enroll(request)
        except enroll.EnrolError as exc:
            self.out.print(f"[red]{exc.message_zh}[/] / {exc}")
            return exc.exit_code
        self.out.print(f"注册成功 enrolled {done.device_id}, certificate {done.fingerprint_sha256}")
        return self._link_selftest()

    def install(self) -> int:
        a = self.answers.install
        root = Path(self.asker.ask("安装到 install root", str(a.get("root", "/"))))
        done = install.install(
            install.InstallPlan(
                root=root,
                config_source=self.answers.config,
                prefix=Path(a.get("prefix", sys.prefix)),
                user=str(a.get("user", "kiosk")),
                discovery=self.found,
            )
        )
        for path in [done.config, *done.units, done.udev_rule]:
            self.out.print(f"  {path}")
        return 0

    def report(self) -> int:
        cfg = self.config()
        technician = self.asker.ask("技术员姓名与工号 technician", self.answers.technician)
        out = self.answers.report.get("out")
        built = report.build(cfg, technician)
        json_path, pdf_path = report.write(built, Path(out) if out else records.folder(cfg))
        self.out.print(f"报告 report: {pdf_path}\n        {json_path}\n记录 record: {built.record_url}")
        return 0
