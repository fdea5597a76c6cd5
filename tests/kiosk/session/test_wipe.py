"""The sessions' temp areas: owner-only, and whatever a crash left behind is removed at start."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.identity.scratch import SessionScratch
from kiosk.session.wipe import new_scratch, session_root, wipe_leftovers


def test_the_session_root_is_owner_only(tmp_path: Path) -> None:
    root = session_root(tmp_path / "var")
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    scratch = new_scratch(root)
    assert scratch.path.parent == root
    assert stat.S_IMODE(scratch.path.stat().st_mode) == 0o700


def test_leftovers_of_a_crash_are_removed_and_nothing_else(tmp_path: Path) -> None:
    root = session_root(tmp_path / "var")
    crashed = SessionScratch(root)  # a session that never reached its wipe
    (crashed.path / "certificate.pdf").write_bytes(b"%PDF-1.7 member data")
    (crashed.path / "nested").mkdir()
    (crashed.path / "nested" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    (root / "kiosk-print-abc.pdf").write_bytes(b"%PDF-1.7 a print file")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the kiosk's to delete")
    (root / "kiosk-session-link").symlink_to(elsewhere)
    (root / "README").write_text("an unrelated file stays")

    assert wipe_leftovers(root) == 3
    assert sorted(p.name for p in root.iterdir()) == ["README"]
    assert (elsewhere / "keep.txt").exists()  # a link is removed, never followed
    assert wipe_leftovers(root) == 0
    assert wipe_leftovers(tmp_path / "missing") == 0
