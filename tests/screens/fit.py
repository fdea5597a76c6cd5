"""Nothing cut: every label's text fits the widget that shows it (its texture within its size)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SLACK_PX = 2  # rounding between the texture and the layout


def labels(widget: Any) -> Iterator[Any]:
    from kivy.uix.label import Label

    if isinstance(widget, Label) and widget.text and widget.opacity > 0:
        yield widget
    for child in widget.children:
        yield from labels(child)


def cut_labels(root: Any) -> list[str]:
    """The labels under ``root`` whose text is larger than the label (wrapped or not)."""
    cut = []
    for label in labels(root):
        label.texture_update()
        tw, th = label.texture_size
        if tw > label.width + SLACK_PX or th > label.height + SLACK_PX:
            cut.append(f"{label.text[:30]!r}: text {tw:.0f}x{th:.0f} in {label.width:.0f}x{label.height:.0f}")
    return cut
