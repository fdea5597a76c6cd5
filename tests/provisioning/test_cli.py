import json
from pathlib import Path

import pytest

from provisioning.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_config_check_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config-check", "--config", str(REPO / "kiosk.example.toml")]) == 0
    assert "OK:" in capsys.readouterr().out


def test_config_check_names_the_bad_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[kiosk]\ndevice_id = "?"\n', "utf-8")
    assert main(["config-check", "--config", str(bad)]) == 2
    assert "kiosk.device_id" in capsys.readouterr().err


def test_config_check_prints_resolved_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[back_end]\nurl = "https://gjj.example.cn/api/"\n', "utf-8")
    assert main(["config-check", "--config", str(path), "--profile", "demo", "--json"]) == 0
    resolved = json.loads(capsys.readouterr().out)
    assert resolved["back_end"]["url"] == "https://gjj.example.cn/api/"
    assert resolved["simulation"]["enabled"] is True
