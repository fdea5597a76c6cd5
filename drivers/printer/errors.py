"""One exception root for every printer, each error with a calm Chinese message for the screen."""

from __future__ import annotations


class PrinterError(Exception):
    """Root of every printer error. ``message_zh`` is what a member may be shown."""

    message_zh = "打印机暂时无法使用，请联系工作人员"


# -- reaching the printer ----------------------------------------------------------------------
class PrinterUnavailable(PrinterError):
    """The print service or the device cannot be reached (cupsd down, no such queue, port gone)."""


class PrinterTimeout(PrinterError):
    """A command or a job did not finish within its time limit."""

    message_zh = "打印超时，请稍后重试或联系工作人员"


class CommandFailed(PrinterError):
    """A CUPS tool answered with an error we cannot attribute to the printer's state."""


# -- the printer's state (what printer-state-reasons or DLE EOT report) ------------------------
class PrinterNotReady(PrinterError):
    """The printer reports a condition that prevents printing; ``reasons`` are the raw keywords."""

    def __init__(self, text: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.reasons = reasons


class PaperOut(PrinterNotReady):
    message_zh = "打印纸已用完，请联系工作人员添加纸张"


class PaperJam(PrinterNotReady):
    message_zh = "打印机卡纸，请联系工作人员处理"


class CoverOpen(PrinterNotReady):
    message_zh = "打印机盖未关好，请联系工作人员处理"


class PrinterOffline(PrinterNotReady):
    message_zh = "打印机未连接，请联系工作人员"


class PrinterStopped(PrinterNotReady):
    message_zh = "打印机已暂停服务，请联系工作人员"


class PrinterFault(PrinterNotReady):
    message_zh = "打印机故障，请联系工作人员"


# -- the job ----------------------------------------------------------------------------------
class JobFailed(PrinterError):
    """CUPS aborted the job (a filter or the backend gave up)."""

    message_zh = "打印未完成，请稍后重新打印"


class JobCancelled(PrinterError):
    """The job was cancelled (by staff, or by us after a failure) before it completed."""

    message_zh = "打印已取消，可重新打印"


class JobNotFound(PrinterError):
    pass


class JobAlreadyFinished(PrinterError):
    """A cancel came after the job had ended."""
