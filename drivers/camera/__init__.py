"""Camera driver: OpenCV capture (transport), pure source parsing and status (protocol), a grabber that
keeps only the newest frame and reconnects (device), and a simulator that plays photos or a clip."""

from drivers.camera.device import Camera, Frame
from drivers.camera.protocol import CameraStatus
from drivers.camera.transport import FrameSource, OpenCVSource, SourceUnavailable
from drivers.status import DeviceStatus

__all__ = [
    "Camera",
    "CameraStatus",
    "DeviceStatus",
    "Frame",
    "FrameSource",
    "OpenCVSource",
    "SourceUnavailable",
]
