import io
import json
import logging
from collections.abc import Iterator

import pytest

from kiosk.logs import configure_logging

ID = "371302198806120029"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_mask_personal_data(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging("json", "INFO", stream=out)
    log = logging.getLogger("kiosk.test")
    log.info(
        "card read for %s", ID, extra={"ctx": {"name": "林晓雯", "phone": "13812345678", "step": "card"}}
    )
    try:
        raise ValueError(f"bad member {ID}")
    except ValueError:
        log.exception("lookup failed")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["level"] == "INFO"
    assert first["logger"] == "kiosk.test"
    assert first["msg"] == "card read for 3713**********0029"
    assert first["name"] == "林**"
    assert first["phone"] == "138****5678"
    assert first["step"] == "card"
    assert first["ts"].endswith("+00:00")
    second = json.loads(lines[1])
    assert "ValueError: bad member 3713**********0029" in second["exc"]
    assert ID not in out.getvalue()
    assert "林晓雯" not in out.getvalue()


def test_text_lines_for_people(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging("text", "WARNING", stream=out)
    log = logging.getLogger("kiosk.test")
    log.info("not shown")
    log.warning("reader unplugged", extra={"port": "/dev/ttyUSB0", "id_number": ID})
    text = out.getvalue()
    assert "not shown" not in text
    assert "WARNING kiosk.test: reader unplugged" in text
    assert "port=/dev/ttyUSB0" in text
    assert "id_number=3713**********0029" in text


def test_other_libraries_go_through_the_same_masking_handler(restore_root: None) -> None:
    out = io.StringIO()
    configure_logging("text", "INFO", stream=out)
    logging.getLogger("urllib3.connectionpool").info("GET /members/%s", ID)
    assert "/members/3713**********0029" in out.getvalue()
