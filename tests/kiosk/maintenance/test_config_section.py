"""The [maintenance] section: a PIN hash that cannot be used stops the kiosk at start, with the key."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.maintenance.pin import make_pin_hash, verify_pin


def test_defaults_open_nothing_and_the_demo_has_a_known_pin() -> None:
    assert load_config().maintenance.pin_hash == ""
    assert load_config().maintenance.totp is False
    assert verify_pin("246810", load_config(profile="demo").maintenance.pin_hash)


def test_a_good_hash_is_taken_and_a_broken_one_named(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    stored = make_pin_hash("13572468")
    path.write_text(f'[maintenance]\npin_hash = "{stored}"\ngesture = "long_press"\n', "utf-8")
    cfg = load_config(path)
    assert (cfg.maintenance.pin_hash, cfg.maintenance.gesture) == (stored, "long_press")
    path.write_text('[maintenance]\npin_hash = "1234"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"maintenance\.pin_hash: Value error, expected scrypt"):
        load_config(path)
    path.write_text("[maintenance]\nmax_attempts = 0\nidle_timeout_s = 5\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "maintenance.max_attempts" in str(info.value)
    assert "maintenance.idle_timeout_s" in str(info.value)
