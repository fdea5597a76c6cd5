import pytest

from drivers.camera.protocol import CameraStatus, DeviceStatus, FpsMeter, is_device_path, is_url, parse_source


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (0, 0),
        ("2", 2),
        (" 1 ", 1),
        ("/dev/video0", "/dev/video0"),
        ("/dev/v4l/by-id/usb-046d_HD_Webcam-video-index0", "/dev/v4l/by-id/usb-046d_HD_Webcam-video-index0"),
        ("rtsp://10.0.0.5:554/stream1", "rtsp://10.0.0.5:554/stream1"),
        ("http://cam.local/mjpg", "http://cam.local/mjpg"),
    ],
)
def test_parse_source(spec: str | int, expected: int | str) -> None:
    assert parse_source(spec) == expected


@pytest.mark.parametrize("spec", ["", "  ", -1])
def test_parse_source_rejects(spec: str | int) -> None:
    with pytest.raises(ValueError, match="camera"):
        parse_source(spec)


@pytest.mark.parametrize(
    ("source", "url", "device"),
    [
        (0, False, False),
        ("/dev/video0", False, True),
        ("rtsp://x/y", True, False),
        ("clip.mp4", False, False),
    ],
)
def test_source_kinds(source: int | str, url: bool, device: bool) -> None:
    assert is_url(source) is url
    assert is_device_path(source) is device


def test_fps_meter_over_a_window() -> None:
    meter = FpsMeter(window_s=1.0)
    for i in range(31):
        meter.tick(10 + i / 30)
    assert meter.fps(11.0) == pytest.approx(30, rel=0.05)
    assert meter.fps(20.0) == 0.0  # nothing recent


def test_status_serialises_xfs_strings() -> None:
    status = CameraStatus(DeviceStatus.NO_DEVICE, 0.0, None, 0, 3, 1, "unplugged")
    assert status.as_dict()["state"] == "noDevice"
    assert str(DeviceStatus.HARDWARE_ERROR) == "hardwareError"
