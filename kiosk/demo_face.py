"""The demo's cooperative member in front of the camera: a camera simulator that shows the face of the
member whose card is on the reader and does what the liveness prompt asks (blink, turn left, turn
right), so a whole session runs on simulated hardware.

Each demo member's probe photo (``fundcenter/data/demo-members.json``) is centred as a member stands at
the kiosk; the actions are made from that one frontal photo with its 68 landmarks: a turn shifts the
nose and mouth sideways under a smooth displacement (the nose moves between the eye corners, as in a
real turn), a blink paints the eyes shut with the eyelids' own colours and a lash line. It is a
simulator for demos, tests and benchmarks, never a way past liveness: the real camera cannot be told.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.transport import Image, SourceUnavailable
from kiosk.identity.engine import CAMERA_DETECTOR, PHOTO_DETECTOR, FaceEngine, FaceInputError, read_image
from kiosk.identity.pose import LEFT_EYE, NOSE_TIP, RIGHT_EYE, Points, nose_ratio

FACES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces"
WIDTH, HEIGHT, FACE_WIDTH = 640, 480, 170
REACT_S = 2.0  # the member reads the prompt (still: the verifier takes its baseline) before doing it
BLINK_S = 0.6  # … keeps the eyes shut this long, then opens them for a second, while asked
FRONTAL = (0.4, 0.6)  # nose between the eye corners: a photo usable as the frontal face


@dataclass(frozen=True)
class MemberFaces:
    front: Image
    actions: dict[str, Image]  # blink, turn_left, turn_right


def demo_photos() -> dict[str, list[str]]:
    """Each demo member's photos by ID number: the probes first, then the reference photo."""
    text = (resources.files("fundcenter") / "data" / "demo-members.json").read_text("utf-8")
    return {m["id_number"]: [*m.get("probe_faces", []), m["face"]] for m in json.loads(text)["members"]}


def centred(engine: FaceEngine, image: Image) -> Image | None:
    """``image`` as a camera frame: the face centred and :data:`FACE_WIDTH` px wide; None without a face."""
    faces = engine.detect(image, PHOTO_DETECTOR)
    if not faces:
        return None
    box = faces[0].box
    scale = FACE_WIDTH / box.width
    cx, cy = (box.left + box.right) / 2 * scale, (box.top + box.bottom) / 2 * scale
    shift = np.array([[scale, 0, WIDTH / 2 - cx], [0, scale, HEIGHT * 0.52 - cy]], dtype=np.float64)
    frame = cv2.warpAffine(image, shift, (WIDTH, HEIGHT), flags=cv2.INTER_AREA, borderValue=(90, 90, 90))
    return np.asarray(frame, dtype=np.uint8)


def turned(image: Image, landmarks: Points, to_members_left: bool) -> Image:
    """The nose and mouth shifted sideways (in the unmirrored picture a turn to the member's left moves
    the nose to the right)."""
    h, w = image.shape[:2]
    nose = landmarks[NOSE_TIP]
    eyes = float(landmarks[45][0] - landmarks[36][0])
    sigma = eyes * 0.45
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy = (landmarks[30][1] + landmarks[51][1]) / 2
    bump = np.exp(-(((xx - nose[0]) ** 2) / (2 * sigma**2) + ((yy - cy) ** 2) / (2 * (sigma * 1.3) ** 2)))
    shift = (1 if to_members_left else -1) * eyes * 0.4
    remapped = cv2.remap(
        image, (xx - shift * bump).astype(np.float32), yy, cv2.INTER_LINEAR, None, cv2.BORDER_REPLICATE
    )
    return np.asarray(remapped, dtype=np.uint8)


def blinked(image: Image, landmarks: Points) -> Image:
    """Both eyes shut: each eye's box filled from the lid above to the skin below, with a lash line."""
    out = image.copy()
    for eye in (landmarks[RIGHT_EYE], landmarks[LEFT_EYE]):
        x0, x1 = int(eye[:, 0].min()) - 4, int(eye[:, 0].max()) + 4
        y0, y1 = int(eye[:, 1].min()) - 5, int(eye[:, 1].max()) + 5
        above = image[y0 - 3 : y0, x0:x1].mean(axis=0)
        below = image[y1 : y1 + 3, x0:x1].mean(axis=0)
        for y in range(y0, y1):
            t = (y - y0) / max(1, y1 - y0)
            out[y, x0:x1] = (above * (1 - t) + below * t).astype(np.uint8)
        lash = np.array([[int(x), (y0 + y1) // 2 + 1] for x in np.linspace(x0 + 3, x1 - 3, 8)], np.int32)
        cv2.polylines(out, [lash], False, (40, 40, 50), 2, cv2.LINE_AA)
    return out


def member_faces(engine: FaceEngine, photos: list[str], faces_dir: Path = FACES) -> MemberFaces | None:
    """The first of ``photos`` that shows a frontal face, with its three actions."""
    for name in photos:
        try:
            photo = read_image(faces_dir / name)
        except FaceInputError:
            continue  # a clip, or a file that is not there
        front = centred(engine, photo)
        if front is None:
            continue
        found = engine.detect(front, CAMERA_DETECTOR)
        if not found or not FRONTAL[0] <= nose_ratio(found[0].landmarks) <= FRONTAL[1]:
            continue
        landmarks = found[0].landmarks
        return MemberFaces(
            front,
            {
                "blink": blinked(front, landmarks),
                "turn_left": turned(front, landmarks, to_members_left=True),
                "turn_right": turned(front, landmarks, to_members_left=False),
            },
        )
    return None


class CooperativeCamera:
    """A :class:`~drivers.camera.transport.FrameSource`: an empty hall until :meth:`show` puts a demo
    member in front of it; :meth:`perform` plays the action the prompt asks for."""

    def __init__(
        self,
        engine: FaceEngine,
        fps: float = 30.0,
        photos: dict[str, list[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        react_s: float = REACT_S,
    ) -> None:
        self._engine = engine
        self.react_s = react_s
        self._photos = photos if photos is not None else demo_photos()
        self.fps = fps
        self._clock = clock
        self._lock = threading.Lock()
        self._wanted: str | None = None  # the member asked for (their ID number)
        self._shown: str | None = None
        self._faces: MemberFaces | None = None
        self._cache: dict[str, MemberFaces | None] = {}
        self._action: tuple[str, float] | None = None  # (code, asked at)
        self._open = False
        self._next_due = 0.0
        self._noise = [
            np.random.default_rng(i).integers(0, 3, (HEIGHT, WIDTH, 3), dtype=np.uint8) for i in range(4)
        ]
        self._empty = np.full((HEIGHT, WIDTH, 3), 90, np.uint8)
        self._count = 0

    # what the demo does
    def show(self, id_number: str | None) -> None:
        """Put this demo member in front of the camera (None: nobody)."""
        with self._lock:
            self._wanted = id_number
            self._action = None

    def prepare(self, id_number: str) -> None:
        """Make this member's faces now (a second or so), not when their card is placed."""
        with self._lock:
            self._load(id_number)

    def perform(self, code: str | None) -> None:
        """Do what the prompt asks (``blink``, ``turn_left``, ``turn_right``), again every few seconds
        while it is asked; None: the prompt has gone, look straight at the screen."""
        with self._lock:
            if code is None:
                self._action = None
            elif self._action is None or self._action[0] != code:
                self._action = (code, self._clock())

    # FrameSource
    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        self._open = True
        self._next_due = self._clock()

    def close(self) -> None:
        self._open = False

    def read(self) -> Image | None:
        if not self._open:
            raise SourceUnavailable("cooperative camera: not open")
        self._pace()
        with self._lock:
            wanted, action = self._wanted, self._action
        if wanted != self._shown:
            self._shown = wanted
            self._faces = self._load(wanted)
        self._count += 1
        faces = self._faces
        if faces is None:
            picture = self._empty
        else:
            picture = faces.front
            if action is not None:
                picture = faces.actions.get(action[0], faces.front) if self._acting(action) else faces.front
        return np.asarray(cv2.add(picture, self._noise[self._count % len(self._noise)]), dtype=np.uint8)

    def _acting(self, action: tuple[str, float]) -> bool:
        """A turn is held until the prompt goes (the verifier may be slow to see it); eyes close for a
        moment and open again, over and over, as a blink has to end to count."""
        code, asked = action
        elapsed = self._clock() - asked - self.react_s
        if elapsed < 0:
            return False
        return code != "blink" or elapsed % (BLINK_S + 1.0) < BLINK_S

    def _load(self, id_number: str | None) -> MemberFaces | None:
        if id_number is None:
            return None
        if id_number not in self._cache:
            self._cache[id_number] = member_faces(self._engine, self._photos.get(id_number, []))
        return self._cache[id_number]

    def _pace(self) -> None:
        period = 1.0 / self.fps
        now = self._clock()
        if self._next_due > now:
            time.sleep(self._next_due - now)
            now = self._next_due
        self._next_due = max(self._next_due + period, now)
