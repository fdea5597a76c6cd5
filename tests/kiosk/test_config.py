import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.config import (
    ConfigError,
    KioskConfig,
    SessionSection,
    SessionTimeouts,
    available_profiles,
    load_config,
)

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, "utf-8")
    return path


def test_defaults_are_production_settings() -> None:
    cfg = load_config()
    assert cfg.profile == "production"
    assert cfg.display.fullscreen is True
    assert (cfg.display.width, cfg.display.height) == (1080, 1920)
    assert cfg.logging.format == "json"
    assert cfg.simulation.enabled is False


def test_profiles_shipped() -> None:
    assert available_profiles() == ["demo", "production"]
    assert load_config(profile="production").model_dump(exclude={"profile"}) == load_config().model_dump(
        exclude={"profile"}
    )


def test_demo_profile_points_at_simulators_and_local_back_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(profile="demo")
    assert cfg.profile == "demo"
    assert cfg.simulation.enabled is True
    assert cfg.display.fullscreen is False
    assert str(cfg.back_end.url).startswith("http://127.0.0.1:")
    assert cfg.paths.var_dir == tmp_path / "var"
    assert cfg.paths.kivy_home == tmp_path / "var" / "kivy"


def test_file_overrides_profile(tmp_path: Path) -> None:
    path = write(tmp_path, '[display]\nwidth = 768\n[kiosk]\nhall_name = "建行朝阳支行"\n')
    cfg = load_config(path, profile="demo")
    assert cfg.display.width == 768
    assert cfg.display.height == 1920  # untouched keys keep the profile's value
    assert cfg.kiosk.hall_name == "建行朝阳支行"
    assert cfg.kiosk.device_id == "KIOSK-DEMO-0001"


def test_validation_error_names_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[display]\nwidth = 100\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert f"{path}: display.width:" in message
    assert "greater than or equal to 480" in message
    assert "(got 100)" in message


def test_every_bad_key_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[display]\nwidht = 1\n[logging]\nformat = "xml"\n[back_end]\nurl = "not a url"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = str(info.value).splitlines()
    assert any("display.widht: Extra inputs are not permitted" in line for line in lines)
    assert any("logging.format:" in line and "'xml'" in line for line in lines)
    assert any("back_end.url:" in line for line in lines)


def test_unknown_section_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="printer: Extra inputs"):
        load_config(write(tmp_path, "[printer]\nqueue = 'a4'\n"))


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[display\nwidth = 1"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="unknown profile 'staging'"):
        load_config(profile="staging")


def test_example_file_documents_the_real_defaults() -> None:
    assert load_config(REPO / "kiosk.example.toml") == load_config()


def test_config_is_immutable() -> None:
    cfg = KioskConfig()
    with pytest.raises(ValidationError):
        cfg.display.width = 800


def test_example_file_names_every_session_setting() -> None:
    example = tomllib.loads((REPO / "kiosk.example.toml").read_text("utf-8"))["session"]
    assert set(example) == set(SessionSection.model_fields)
    assert set(example["timeouts"]) == set(SessionTimeouts.model_fields)


def test_a_bad_session_timeout_names_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[session.timeouts]\ncard = 1\n")
    with pytest.raises(ConfigError, match=r"session\.timeouts\.card"):
        load_config(path)
    cfg = load_config(write(tmp_path, "[session]\nelderly_multiplier = 2.0\npage_size = 4\n"))
    assert (cfg.session.elderly_multiplier, cfg.session.page_size) == (2.0, 4)
