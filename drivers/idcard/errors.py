"""One exception root for the ID card reader, each error with a calm Chinese message for the screen."""

from __future__ import annotations


class IdCardError(Exception):
    """Root of every card-reader error. ``message_zh`` is what a member may be shown."""

    message_zh = "读卡器暂时无法使用，请联系工作人员"


# -- the line and the port ---------------------------------------------------------------------
class ReaderUnavailable(IdCardError):
    """The port cannot be opened or vanished (unplugged, wrong path, permission)."""


class ReaderTimeout(IdCardError):
    """The reader did not answer within the command's time limit (silence)."""


# -- frames on the wire ------------------------------------------------------------------------
class FrameError(IdCardError):
    """A frame that cannot be trusted; the device retries once."""

    message_zh = "读卡不完整，请将身份证取下后重新放置"


class ChecksumMismatch(FrameError):
    pass


class ImpossibleLength(FrameError):
    pass


class MalformedResponse(FrameError):
    """The frame is intact but its content does not fit the command's layout."""


# -- what the reader reports (SW3) -------------------------------------------------------------
class ReaderStatusError(IdCardError):
    """The reader answered with a status other than success; ``sw3`` is its code."""

    def __init__(self, sw3: int, text: str) -> None:
        super().__init__(f"reader status 0x{sw3:02X}: {text}")
        self.sw3 = sw3


class NoCard(ReaderStatusError):
    message_zh = "未检测到身份证，请将身份证平放在读卡区"


class SelectFailed(ReaderStatusError):
    message_zh = "身份证未放稳，请将身份证平放在读卡区，不要移动"


class CardAuthenticationFailed(ReaderStatusError):
    message_zh = "身份证校验未通过，请重新放置；如仍不行，请咨询工作人员"


class ReadFailed(ReaderStatusError):
    message_zh = "读卡失败，请将身份证取下后重新放置"


class WrongCard(ReaderStatusError):
    message_zh = "无法识别此卡，请放置二代居民身份证或居住证"


class NoSuchContent(ReaderStatusError):
    message_zh = "此身份证没有该项信息"


class SamFailure(ReaderStatusError):
    """The reader's security module failed its self-test or is not authorised: a hardware fault."""


class CommandRejected(ReaderStatusError):
    """The reader did not accept our frame (checksum, length or command error on its side)."""


class PhotoDecoderMissing(IdCardError):
    """No licensed WLT photo decoder is configured; the raw photo is kept as bytes."""

    message_zh = "未配置身份证照片解码库"
