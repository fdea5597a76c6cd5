"""Voice prompts through a pluggable speaker. The screens call :meth:`Speaker.say` with a catalogue text
when a stage begins; a kiosk with a TTS engine plugs one in, the others use a no-op or a logging one."""

from __future__ import annotations

import logging
from typing import Protocol

from screens.strings import Language

log = logging.getLogger(__name__)


class Speaker(Protocol):
    def say(self, sentence: str, language: Language) -> None: ...

    def stop(self) -> None: ...


class SilentSpeaker:
    """No voice: the default."""

    def say(self, sentence: str, language: Language) -> None:
        pass

    def stop(self) -> None:
        pass


class LoggingSpeaker:
    """Logs what a speaker would say and keeps the last few (for the demo and the tests).

    Only catalogue texts reach it (prompts, never a member's name or number)."""

    def __init__(self, keep: int = 50) -> None:
        self.said: list[tuple[Language, str]] = []
        self._keep = keep

    def say(self, sentence: str, language: Language) -> None:
        log.info("voice prompt (%s): %s", language, sentence)
        self.said.append((language, sentence))
        del self.said[: -self._keep]

    def stop(self) -> None:
        pass
