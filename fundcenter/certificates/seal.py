"""The center's seal image (电子印章图像): a red ring, a star, the center's name along the arc.

Made once from the CJK font and kept in the data directory as ``seal.png``; a center replaces that
file with its registered seal image. The image is only the visible mark: the PAdES signature is the
seal that counts.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (214, 0, 0, 235)
SIZE = 600


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def draw_seal(center_name: str, font_path: Path, out: Path) -> Path:
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    c = SIZE / 2
    draw.ellipse((12, 12, SIZE - 12, SIZE - 12), outline=RED, width=18)
    _star(draw, c, c, 92)
    font = ImageFont.truetype(str(font_path), 64, index=0)
    small = ImageFont.truetype(str(font_path), 46, index=0)
    chars = list(center_name)
    span = min(250.0, 22.0 * len(chars))  # degrees of arc the name covers, centred on the top
    for i, ch in enumerate(chars):
        angle = -90 - span / 2 + span * (i + 0.5) / len(chars)
        tile = Image.new("RGBA", (90, 90), (255, 255, 255, 0))
        ImageDraw.Draw(tile).text((45, 45), ch, font=font, fill=RED, anchor="mm")
        tile = tile.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = c + 215 * math.cos(math.radians(angle))
        y = c + 215 * math.sin(math.radians(angle))
        image.alpha_composite(tile, (round(x - 45), round(y - 45)))
    draw.text((c, c + 150), "缴存证明专用章", font=small, fill=RED, anchor="mm")
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return out


def seal_image(data_dir: Path, center_name: str, font_path: Path) -> Path:
    path = data_dir / "seal.png"
    return path if path.exists() else draw_seal(center_name, font_path, path)
