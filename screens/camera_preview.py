"""The camera preview: the newest frame blitted into a texture (mirrored, as a member expects a mirror),
an oval guide, and the box of the face being verified.

Frames come from the camera driver's grabber (:meth:`drivers.camera.Camera.latest`) in RGB
(:mod:`kiosk.preview_frames`), called by the screen's clock; a frame already shown is not blitted
again. Kivy's own Camera widget is not used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

from screens.theme import RGBA, Theme

Box = tuple[int, int, int, int]  # left, top, right, bottom in camera pixels
_DARK = (0.1, 0.12, 0.16, 1.0)  # the letterbox, and the picture's place before the first frame


class FrameLike(Protocol):
    @property
    def image(self) -> npt.NDArray[np.uint8]: ...  # RGB

    @property
    def seq(self) -> int: ...


FrameSource = Callable[[], FrameLike | None]


class CameraPreview(Widget):
    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.shown = 0  # frames blitted since the screen was built (the frame-rate benchmark reads it)
        self.last_seq = 0
        self._textures: list[Texture] = []  # two, in turn: GL may still be drawing the other one
        self._texture: Texture | None = None
        self._frame_size = (640, 480)
        self._box: Box | None = None
        self._box_colour: RGBA = theme.palette.ok
        p = theme.palette
        with self.canvas:
            # The dark letterbox: two bands beside (or above and below) the picture, not a backdrop
            # under it (a software GL pays for every pixel drawn twice, 30 times a second).
            Color(*_DARK)
            self._bands = (Rectangle(), Rectangle())
            self._tint = Color(*_DARK)  # white once a picture is shown (an empty Rectangle is white)
            self._picture = Rectangle()
            Color(*p.on_primary[:3], 0.8)
            self._guide = Line(width=theme.px(3))
            self._box_colour_instr = Color(*self._box_colour)
            self._box_line = Line(width=theme.px(5))
        self.bind(pos=self._layout, size=self._layout)

    def pump(self, source: FrameSource) -> bool:
        """Show the newest frame of ``source`` if it is new; True when something was blitted."""
        frame = source()
        if frame is None or frame.seq == self.last_seq:
            return False
        self.last_seq = frame.seq
        self.show_image(frame.image)
        return True

    def show_image(self, image: npt.NDArray[np.uint8]) -> None:
        height, width = image.shape[:2]
        if not self._textures or self._frame_size != (width, height):
            self._textures = [_texture(width, height) for _ in range(2)]
            self._frame_size = (width, height)
            self._layout()
        # Uploading into the texture the last frame drew would make a software GL finish that frame
        # first (with the GIL held): the upload goes into the other one.
        texture = self._textures[self.shown % 2]
        # RGB already (kiosk.preview_frames): Kivy converts a "bgr" buffer pixel by pixel in Python where
        # GL lacks GL_BGR, and numpy's reversed-axis copy costs the UI thread ten times OpenCV's
        texture.blit_buffer(image.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        self._texture = texture
        self._picture.texture = texture
        self._tint.rgba = (1, 1, 1, 1)
        self.shown += 1
        self.canvas.ask_update()

    def show_box(self, box: Box | None, colour: RGBA | None = None) -> None:
        self._box = box
        if colour is not None:
            self._box_colour_instr.rgba = colour
        self._layout()

    def clear(self) -> None:
        """Forget the picture (the member's face) at the end of the stage."""
        width, height = self._frame_size
        for texture in self._textures:
            texture.blit_buffer(bytes(width * height * 3), colorfmt="rgb", bufferfmt="ubyte")
        self._box = None
        self.last_seq = 0
        self._tint.rgba = _DARK
        self._layout()

    def _fit(self) -> tuple[float, float, float]:
        """Scale and offset of the letterboxed picture inside the widget."""
        fw, fh = self._frame_size
        scale = min(self.width / fw, self.height / fh) if fw and fh else 1.0
        return scale, self.x + (self.width - fw * scale) / 2, self.y + (self.height - fh * scale) / 2

    def _layout(self, *_: Any) -> None:
        scale, left, bottom = self._fit()
        fw, fh = self._frame_size
        self._picture.pos, self._picture.size = (left, bottom), (fw * scale, fh * scale)
        first, second = self._bands
        right, top = left + fw * scale, bottom + fh * scale
        if left - self.x > bottom - self.y:  # bands left and right of the picture
            first.pos, first.size = self.pos, (left - self.x, self.height)
            second.pos, second.size = (right, self.y), (self.right - right, self.height)
        else:  # above and below
            first.pos, first.size = self.pos, (self.width, bottom - self.y)
            second.pos, second.size = (self.x, top), (self.width, self.top - top)
        guide_w, guide_h = fw * scale * 0.42, fh * scale * 0.72
        self._guide.ellipse = (
            left + (fw * scale - guide_w) / 2,
            bottom + (fh * scale - guide_h) / 2,
            guide_w,
            guide_h,
        )
        if self._box is None:
            self._box_line.points = []
            return
        x0, y0, x1, y1 = self._box
        # mirrored horizontally, and y measured from the bottom in Kivy
        sx0, sx1 = left + (fw - x1) * scale, left + (fw - x0) * scale
        sy0, sy1 = bottom + (fh - y1) * scale, bottom + (fh - y0) * scale
        self._box_line.points = [sx0, sy0, sx1, sy0, sx1, sy1, sx0, sy1, sx0, sy0]


def _texture(width: int, height: int) -> Texture:
    texture = Texture.create(size=(width, height), colorfmt="rgb")
    texture.flip_vertical()  # OpenCV rows run top-down, GL's bottom-up
    texture.flip_horizontal()  # a mirror: the member's left is on the left
    return texture
