"""The grabber on the simulator and on OpenCV's own file transport: newest frame only, faults, status."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from drivers.camera import Camera, DeviceStatus, OpenCVSource
from drivers.camera.simulator import SimFaults, SimulatedCamera, letterbox

FACES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"
CLIP = FACES / "clip_lin_manuel_miranda.mp4"
STILLS = [FACES / "obama_1.jpg", FACES / "biden_1.jpg"]


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll a condition (the grabber runs on its own thread); fail with a clear message on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


def test_plays_stills_at_the_chosen_size_and_rate() -> None:
    sim = SimulatedCamera(STILLS, fps=100, width=640, height=480)
    with Camera(sim) as camera:
        frame = camera.wait_frame(0, timeout=5)
        assert frame is not None
        assert frame.image.shape == (480, 640, 3)
        eventually(lambda: camera.status().frames >= 40, timeout=30)
        # The meter reads a real rate once frames flow. A loaded 2-core CI machine may deliver well
        # under the 100 fps asked for, so the lower bound only says "measured, and flowing"; the upper
        # bound is what the meter must never do: report more than the source delivers (plus some
        # arrival jitter when the grabber thread waits for the GIL).
        eventually(lambda: camera.status().fps >= 10, timeout=30)
        eventually(lambda: (age := camera.status().last_frame_age_s) is not None and age < 0.5, timeout=30)
        status = camera.status()
        assert status.state is DeviceStatus.ONLINE
        assert 0 < status.fps <= 100 * 1.3
    assert camera.status().state is DeviceStatus.OFFLINE


def test_plays_the_clip_in_a_loop_letterboxed() -> None:
    sim = SimulatedCamera(CLIP, fps=400)
    with Camera(sim) as camera:
        eventually(lambda: sim.delivered > 300, timeout=20)  # the clip has 275 frames: it looped
        frame = camera.latest()
        assert frame is not None
        assert frame.image.shape == (480, 640, 3)
        assert not frame.image[:50].any()  # 640x360 in 640x480: black bars, not a stretched picture


def test_keeps_only_the_newest_frame() -> None:
    sim = SimulatedCamera(STILLS, fps=200)
    with Camera(sim) as camera:
        first = camera.wait_frame(0, timeout=5)
        assert first is not None
        # a slow reader: frames arrive meanwhile and replace each other (however long that takes)
        eventually(lambda: camera.status().frames > first.seq + 5, timeout=30)
        newest = camera.latest()
        assert newest is not None
        assert newest.seq > first.seq + 5  # the newest, not the next one of a queue (first.seq + 1)
        later = camera.wait_frame(newest.seq, timeout=5)
        assert later is not None
        assert later.seq > newest.seq


def test_dropped_frames_are_counted_and_do_not_stop_the_stream() -> None:
    sim = SimulatedCamera(STILLS, fps=200, faults=SimFaults(drop_every=3))
    with Camera(sim) as camera:
        eventually(lambda: camera.status().frames >= 30)
        status = camera.status()
        assert status.dropped >= 10
        assert status.state is DeviceStatus.ONLINE


def test_a_frozen_picture_is_a_hardware_error() -> None:
    sim = SimulatedCamera(STILLS, fps=100, faults=SimFaults(freeze_after=5))
    with Camera(sim, frozen_after_s=0.3) as camera:
        eventually(lambda: camera.status().state is DeviceStatus.HARDWARE_ERROR)
        status = camera.status()
        assert status.detail == "frozen picture"
        assert status.fps > 0  # frames still arrive: only the picture is stuck


def test_disconnect_then_reconnect() -> None:
    faults = SimFaults(disconnect_after=10, reconnect_after_s=0.3)
    sim = SimulatedCamera(STILLS, fps=100, faults=faults)
    with Camera(sim, reconnect_delay_s=0.05) as camera:
        eventually(lambda: camera.status().state is DeviceStatus.NO_DEVICE)
        assert "unplugged" in camera.status().detail
        eventually(lambda: camera.status().reconnects >= 1 and camera.status().state is DeviceStatus.ONLINE)


def test_unplugged_device_stays_nodevice_until_plugged() -> None:
    sim = SimulatedCamera(STILLS, fps=100)
    sim.unplug()
    with Camera(sim, reconnect_delay_s=0.02) as camera:
        eventually(lambda: camera.status().state is DeviceStatus.NO_DEVICE)
        assert camera.latest() is None
        sim.plug()
        assert camera.wait_frame(0, timeout=5) is not None
        assert camera.status().state is DeviceStatus.ONLINE


def test_stale_stream_is_reported() -> None:
    sim = SimulatedCamera(STILLS, fps=1)  # a stream that delivers far too rarely
    with Camera(sim, stale_after_s=0.2) as camera:
        assert camera.wait_frame(0, timeout=5) is not None
        eventually(lambda: camera.status().state is DeviceStatus.HARDWARE_ERROR)
        assert camera.status().detail.startswith("no frames for")


def test_opencv_transport_on_a_missing_device_reports_nodevice() -> None:
    with Camera(OpenCVSource("/dev/video-does-not-exist"), reconnect_delay_s=0.05) as camera:
        eventually(lambda: camera.status().state is DeviceStatus.NO_DEVICE)
        assert "no such device" in camera.status().detail


def test_opencv_transport_reads_a_file_source() -> None:
    source = OpenCVSource(str(CLIP))
    with Camera(source) as camera:
        frame = camera.wait_frame(0, timeout=10)
        assert frame is not None
        assert frame.image.ndim == 3


def test_letterbox_keeps_aspect() -> None:
    image = np.full((100, 400, 3), 255, np.uint8)
    out = letterbox(image, 200, 200)
    assert out.shape == (200, 200, 3)
    assert out[100, 100].tolist() == [255, 255, 255]
    assert not out[0, 100].any()
