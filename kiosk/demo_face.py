"""The demo's cooperative member in front of the camera: a camera simulator that shows the face of the
member whose card is on the reader and does what the liveness prompt asks (blink, turn left, turn
right), so a whole session runs on simulated hardware.

Each demo member's probe photo (``fundcenter/data/demo-members.json``) is centred as a member stands at
the kiosk; the actions are made from that one frontal photo with its 68 landmarks: a turn shifts the
nose and mouth sideways under a smooth displacement (the nose moves between the eye corners, as in a
real turn), step by step as a member turns slowly, and is held; a blink paints the eyes shut with the
skin around them and a lash line. It is a
simulator for demos, tests and benchmarks, never a way past liveness: the real camera cannot be told.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.transport import Image, SourceUnavailable
from kiosk.identity.compare import encode_photo
from kiosk.identity.engine import (
    CAMERA_DETECTOR,
    PHOTO_DETECTOR,
    Face,
    FaceEngine,
    FaceInputError,
    distance,
    read_image,
)
from kiosk.identity.pose import LEFT_EYE, NOSE_TIP, RIGHT_EYE, Points, ear, nose_ratio
from kiosk.identity.quality import assess

FACES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces"
WIDTH, HEIGHT, FACE_WIDTH = 640, 480, 170
REACT_S = 2.0  # the member reads the prompt (still: the verifier takes its baseline) before doing it
BLINK_S = 0.6  # … keeps the eyes shut this long, then opens them for a second, while asked
# A turn, as a share of the eyes' width the nose moves by, step by step (the verifier needs about 0.12
# of a change in where the nose sits between the eye corners; a remapped face drifts from the person's
# own encoding as it goes further, so the member stops short of the extreme)
TURN_STEPS = (0.1, 0.2, 0.25, 0.3, 0.35, 0.4)
TURN_STEP_S = 0.15
FRONTAL = (0.4, 0.6)  # nose between the eye corners: a photo usable as the frontal face
CLIPS = frozenset({".mp4", ".avi", ".mov", ".mkv"})
CLIP_STEP = 5  # a clip's frames looked at for a frontal face
CANDIDATES = 8  # good pictures compared with the member's photo


@dataclass(frozen=True)
class MemberFaces:
    front: Image
    actions: dict[str, tuple[Image, ...]]  # blink, turn_left, turn_right: the motion's pictures in turn


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


def turned(image: Image, landmarks: Points, to_members_left: bool, amount: float = TURN_STEPS[-1]) -> Image:
    """The nose and mouth shifted sideways by ``amount`` of the eyes' width (in the unmirrored picture
    a turn to the member's left moves the nose to the right)."""
    h, w = image.shape[:2]
    nose = landmarks[NOSE_TIP]
    eyes = float(landmarks[45][0] - landmarks[36][0])
    sigma = eyes * 0.45
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy = (landmarks[30][1] + landmarks[51][1]) / 2
    bump = np.exp(-(((xx - nose[0]) ** 2) / (2 * sigma**2) + ((yy - cy) ** 2) / (2 * (sigma * 1.3) ** 2)))
    shift = (1 if to_members_left else -1) * eyes * amount
    remapped = cv2.remap(
        image, (xx - shift * bump).astype(np.float32), yy, cv2.INTER_LINEAR, None, cv2.BORDER_REPLICATE
    )
    return np.asarray(remapped, dtype=np.uint8)


@dataclass(frozen=True)
class Lids:
    """How shut eyes are painted: the margin around each eye's landmarks, the share of the skin below
    the eye (the rest from above) that covers it, and the lash line along the lower lid."""

    margin_x: int
    margin_y: int
    below: float
    lash: int  # px
    lash_bgr: tuple[int, int, int]


# Faces differ (a smile narrows the eyes, brows sit low): each is tried, the most shut one is kept.
LIDS = (
    Lids(3, 4, 0.8, 2, (35, 35, 45)),
    Lids(3, 4, 0.8, 4, (60, 60, 70)),
    Lids(5, 4, 0.3, 2, (35, 35, 45)),
    Lids(3, 7, 0.8, 2, (35, 35, 45)),
)


def blinked(image: Image, landmarks: Points, lids: Lids = LIDS[0]) -> Image:
    """Both eyes shut: each eye covered with the skin around it, softened, and a lash line from corner
    to corner through the lower lid."""
    out = image.copy()
    for eye in (landmarks[RIGHT_EYE], landmarks[LEFT_EYE]):
        x0, x1 = int(eye[:, 0].min()) - lids.margin_x, int(eye[:, 0].max()) + lids.margin_x
        y0, y1 = int(eye[:, 1].min()) - lids.margin_y, int(eye[:, 1].max()) + lids.margin_y
        above = image[y0 - 4 : y0, x0:x1].mean(axis=0)
        below = image[y1 : y1 + 4, x0:x1].mean(axis=0)
        out[y0:y1, x0:x1] = (below * lids.below + above * (1 - lids.below)).astype(np.uint8)[None]
        edge = out[y0 - 2 : y1 + 2, x0 - 2 : x1 + 2]
        edge[:] = cv2.GaussianBlur(edge, (7, 7), 0)
        left, right = eye[0], eye[3]
        lower = (eye[4][1] + eye[5][1]) / 2
        xs = np.linspace(left[0], right[0], 12)
        ys = np.interp(xs, [left[0], (left[0] + right[0]) / 2, right[0]], [left[1], lower, right[1]])
        lash = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(out, [lash], False, lids.lash_bgr, lids.lash, cv2.LINE_AA)
    return out


def most_shut(engine: FaceEngine, front: Image, landmarks: Points) -> Image:
    """The blink whose eyes the landmark model sees most closed on this face (as the verifier will)."""
    best, lowest = blinked(front, landmarks), float("inf")
    for lids in LIDS:
        picture = blinked(front, landmarks, lids)
        found = engine.detect(picture, CAMERA_DETECTOR)
        if found and ear(found[0].landmarks) < lowest:
            best, lowest = picture, ear(found[0].landmarks)
    return best


def pictures(path: Path, every: int = CLIP_STEP) -> Iterator[Image]:
    """A photo, or every ``every``-th frame of a clip; nothing for a file that cannot be read."""
    if path.suffix.lower() not in CLIPS:
        try:
            photo = read_image(path)
        except FaceInputError:
            return
        yield photo
        return
    clip = cv2.VideoCapture(str(path))
    try:
        number = 0
        while True:
            ok, frame = clip.read()
            if not ok:
                return
            number += 1
            if number % every == 0:
                yield np.asarray(frame, dtype=np.uint8)
    finally:
        clip.release()


def fronts(engine: FaceEngine, path: Path) -> Iterator[tuple[Image, Face]]:
    """The pictures in ``path`` that the verifier's own gates take as a good frontal face, centred."""
    for picture in pictures(path):
        front = centred(engine, picture)
        if front is None:
            continue
        found = engine.detect(front, CAMERA_DETECTOR)
        if not found or not FRONTAL[0] <= nose_ratio(found[0].landmarks) <= FRONTAL[1]:
            continue
        if assess(front, found).ok:  # not, e.g., turned a little for the head-pose gate
            yield front, found[0]


def member_faces(engine: FaceEngine, photos: list[str], faces_dir: Path = FACES) -> MemberFaces | None:
    """The member's frontal face, with its three actions. ``photos`` are the probes, then the photo
    the card and the center hold: among the probes' good pictures (a clip gives several, up to
    :data:`CANDIDATES`) the one nearest that photo is shown, as a member standing in good light; the
    photo itself only when no probe will do."""
    *probes, reference = photos
    found = list(islice((f for name in probes for f in fronts(engine, faces_dir / name)), CANDIDATES))
    if not found:
        found = list(islice(fronts(engine, faces_dir / reference), 1))
    if not found:
        return None
    front, face = found[0] if len(found) == 1 else _nearest(engine, found, faces_dir / reference)
    landmarks = face.landmarks
    return MemberFaces(
        front,
        {
            "blink": (most_shut(engine, front, landmarks),),
            "turn_left": tuple(turned(front, landmarks, True, amount) for amount in TURN_STEPS),
            "turn_right": tuple(turned(front, landmarks, False, amount) for amount in TURN_STEPS),
        },
    )


def _nearest(engine: FaceEngine, found: list[tuple[Image, Face]], reference: Path) -> tuple[Image, Face]:
    try:
        wanted, _ = encode_photo(engine, reference)
    except FaceInputError:
        return found[0]
    return min(found, key=lambda pair: distance(engine.encode(*pair), wanted))


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
        *,
        prepared: dict[str, MemberFaces | None] | None = None,  # members' pictures made beforehand
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
        self._cache: dict[str, MemberFaces | None] = dict(prepared or {})
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
            step = self._acting(action) if action is not None else None
            if action is not None and step is not None and action[0] in faces.actions:
                motion = faces.actions[action[0]]
                picture = motion[min(step, len(motion) - 1)]
        return np.asarray(cv2.add(picture, self._noise[self._count % len(self._noise)]), dtype=np.uint8)

    def _acting(self, action: tuple[str, float]) -> int | None:
        """Which picture of the motion is shown now, None for the face at rest. A turn goes step by step
        (a member turns slowly, so the verifier sees the turn before it is extreme) and is held until
        the prompt goes; eyes close for a moment and open again, over and over, as a blink must end."""
        code, asked = action
        elapsed = self._clock() - asked - self.react_s
        if elapsed < 0:
            return None
        if code == "blink":
            return 0 if elapsed % (BLINK_S + 1.0) < BLINK_S else None
        return int(elapsed / TURN_STEP_S)

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
