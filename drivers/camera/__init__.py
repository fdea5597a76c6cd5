"""Camera driver: OpenCV capture (transport), pure source parsing and status (protocol), a grabber that
keeps only the newest frame and reconnects (device), and a simulator that plays photos or a clip."""

from drivers.camera.device import Camera, Frame
from drivers.camera.protocol import CameraStatus
from drivers.status import DeviceStatus
from drivers.camera.transport import FrameSource, OpenCVSource, SourceUnavailable

__all__ = [
    "Camera",
    "CameraStatus",
    "DeviceStatus",
    "Frame",
    "FrameSource",
    "OpenCVSource",
    "SourceUnavailable",
]
