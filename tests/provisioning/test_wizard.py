import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from fundcenter.db import reading
from fundcenter.models import Device
from kiosk.config import load_config
from provisioning import wizard
from provisioning.cli import main
from tests.provisioning.conftest import Center, Rig


def answers_file(rig: Rig, center: Center, tmp_path: Path, token: str, **selftest: object) -> Path:
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in selftest.items())
    path = tmp_path / "answers.toml"
    path.write_text(
        f"""technician = "王师傅 (工号 0417)"
config = "{rig.config}"

[enroll]
server = "{center.url}"
token = "{token}"
ca_pin = "{center.pin}"
device_id = "KIOSK-0401"

[selftest]
card_timeout_s = 2
{extra}
[install]
root = "{tmp_path / "root"}"
user = "kiosk"

[report]
out = "{tmp_path / "report"}"
""",
        "utf-8",
    )
    return path


def test_non_interactive_run_does_all_five_steps(rig: Rig, center: Center, tmp_path: Path) -> None:
    answers = answers_file(rig, center, tmp_path, center.token("KIOSK-0401"))
    argv = ["wizard", "--answers", str(answers), "--non-interactive", "--by-id-dir", str(rig.by_id)]
    assert main(argv) == 0
    installed = load_config(tmp_path / "root/etc/fund-kiosk/kiosk.toml")
    assert installed.kiosk.device_id == "KIOSK-0401"
    assert installed.back_end.pins  # enroll ran before install
    assert installed.card_reader.port == rig.reader_port
    assert (tmp_path / "root/etc/systemd/system/fund-kiosk-health.service").is_file()
    (report_json,) = (tmp_path / "report").glob("*.json")
    saved = json.loads(report_json.read_text("utf-8"))
    assert saved["selftest_passed"] is True
    assert saved["certificate"]["device_id"] == "KIOSK-0401"
    assert len(list((tmp_path / "report").glob("*.pdf"))) == 1


def test_a_failed_selftest_stops_before_the_token_is_spent(rig: Rig, center: Center, tmp_path: Path) -> None:
    rig.reader.remove()
    answers = answers_file(rig, center, tmp_path, center.token("KIOSK-0401"))
    argv = ["wizard", "--answers", str(answers), "--non-interactive", "--by-id-dir", str(rig.by_id)]
    assert main(argv) == 1
    with reading(center.server.engine) as session:
        device = session.get(Device, "KIOSK-0401")
        assert device is not None
        assert device.enrolment_token_used_at is None  # the token is still good for the next try
    assert not (tmp_path / "root").exists()


def test_non_interactive_needs_every_answer(rig: Rig, center: Center, tmp_path: Path) -> None:
    answers = answers_file(rig, center, tmp_path, "")
    text = answers.read_text("utf-8").replace('token = ""\n', "")
    answers.write_text(text, "utf-8")
    argv = ["wizard", "--answers", str(answers), "--non-interactive", "--by-id-dir", str(rig.by_id)]
    assert main(argv) == 2


def test_a_person_fills_in_what_the_answers_lack(rig: Rig, center: Center, tmp_path: Path) -> None:
    """The rich prompts read the technician's typing (here from a stream): the token, Enter for the
    defaults, and yes to go on."""
    answers = wizard.Answers.from_toml(answers_file(rig, center, tmp_path, "x"))
    answers.enroll.pop("token")
    answers.technician = None
    typed = io.StringIO(
        "\n".join(["y", "", "", "", center.token("KIOSK-0401"), "", "李工 (工号 0999)"]) + "\n"
    )
    screen = io.StringIO()
    console = Console(file=screen, width=160)
    run = wizard.Wizard(answers, wizard.RichAsker(console, typed), console, by_id_dir=rig.by_id)
    assert run.run() == 0, screen.getvalue()
    (report_json,) = (tmp_path / "report").glob("*.json")
    assert json.loads(report_json.read_text("utf-8"))["technician"] == "李工 (工号 0999)"
    assert "一次性注册码" in screen.getvalue()


def test_answers_with_unknown_keys_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answers.toml"
    path.write_text('technican = "typo"\n', "utf-8")
    assert main(["wizard", "--answers", str(path), "--non-interactive"]) == 2
    assert "technican" in capsys.readouterr().err
