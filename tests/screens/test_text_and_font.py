"""Every text a screen can show is drawn by the configured CJK font: no tofu boxes."""

import datetime as dt

import pytest
from fontTools.ttLib import TTCollection

from kiosk.config import CJK_FONT, SessionSection, load_config
from kiosk.identity.liveness import PROMPTS
from kiosk.identity.quality import MESSAGES as MESSAGES_QUALITY
from kiosk.identity.verifier import FAILURE_MESSAGES
from kiosk.session import messages
from screens.formatting import clock_text, date_text
from screens.strings import TEXTS, text


@pytest.fixture(scope="module")
def font_chars() -> set[int]:
    collection = TTCollection(str(CJK_FONT))
    cmap = collection.fonts[0].getBestCmap()
    return set(cmap)


def missing(chars: set[int], sample: str) -> str:
    return "".join(sorted({c for c in sample if not c.isspace() and ord(c) not in chars}))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_catalogue_text_is_in_the_font(font_chars: set[int], language: str) -> None:
    for key, value in TEXTS[language].items():  # type: ignore[index]
        assert missing(font_chars, value) == "", key


def flow_texts() -> dict[str, str]:
    """Every sentence the session flow puts on a screen, in both languages."""
    found: dict[str, str] = {}
    for table_name in ("TITLES", "ACTIONS", "RATINGS", "MESSAGES", "PROBLEMS"):
        for key, value in getattr(messages, table_name).items():
            found[f"{table_name}.{key}.zh"] = value.zh
            found[f"{table_name}.{key}.en"] = value.en
    for key, value in (messages.FACE_PROGRESS_EN | messages.CHALLENGES_EN).items():
        found[f"face.{key}"] = value
    for key, value in (FAILURE_MESSAGES | PROMPTS | MESSAGES_QUALITY).items():
        found[f"identity.{key}"] = value
    presets = SessionSection().comment_presets
    found["presets"] = "".join(presets)
    return found


def test_every_session_text_is_in_the_font(font_chars: set[int]) -> None:
    texts = flow_texts()
    assert len(texts) > 100
    for key, value in texts.items():
        assert missing(font_chars, value) == "", key


def test_screen_marks_are_in_the_font(font_chars: set[int]) -> None:
    """Characters the screens add themselves: the tick on a chosen comment, the yuan sign, the dot."""
    assert missing(font_chars, "✓ ¥ · ，。：（）") == ""


def test_profile_texts_are_in_the_font(font_chars: set[int]) -> None:
    for profile in ("demo", "production"):
        kiosk = load_config(profile=profile).kiosk
        assert missing(font_chars, kiosk.center_name + kiosk.hall_name + kiosk.device_id) == ""


def test_english_falls_back_to_chinese_never_to_the_key() -> None:
    TEXTS["zh"]["test.only_zh"] = "仅中文"
    try:
        assert text("test.only_zh", "en") == "仅中文"
    finally:
        del TEXTS["zh"]["test.only_zh"]
    assert set(TEXTS["en"]) == set(TEXTS["zh"])


def test_clock_and_date() -> None:
    moment = dt.datetime(2026, 11, 28, 9, 5)
    assert clock_text(moment) == "09:05"
    assert date_text(moment) == "2026年11月28日 星期六"
    assert date_text(moment, "en") == "Saturday, 28 November 2026"
    assert text("attract.hotline", hotline="12329") == "服务热线 12329"
