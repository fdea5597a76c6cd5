"""``kiosk-provision face-verify`` on the fixture photos: JSON shape, exit codes, one-line errors, --pairs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.identity.thresholds import MATCH_THRESHOLD
from provisioning.cli import main

FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["face-verify", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_same_person_matches(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(capsys, str(FACES / "rose_leslie_1.jpg"), str(FACES / "rose_leslie_2.jpg"))
    assert code == 0
    assert set(result) == {"match", "distance", "threshold", "faces_in_probe"}
    assert result["match"] is True
    assert isinstance(result["distance"], float)
    assert result["distance"] <= MATCH_THRESHOLD
    assert result["threshold"] == MATCH_THRESHOLD
    assert result["faces_in_probe"] == 1


def test_different_people_exit_zero_without_a_match(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(capsys, str(FACES / "kit_harington_1.jpg"), str(FACES / "rose_leslie_1.jpg"))
    assert code == 0
    assert result["match"] is False


def test_faces_in_a_group_probe_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(capsys, str(FACES / "biden_1.jpg"), str(FACES / "two_people_obama_biden.jpg"))
    assert code == 0
    assert result["faces_in_probe"] >= 2


def test_readable_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face-verify", str(FACES / "obama_1.jpg"), str(FACES / "obama_2.jpg")]) == 0
    assert capsys.readouterr().out.startswith("MATCH: distance 0.")


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        ("missing.jpg", "no such file"),
        ("LICENSE.face_recognition", "not a readable image"),
    ],
)
def test_bad_probe_is_one_clear_line(capsys: pytest.CaptureFixture[str], probe: str, message: str) -> None:
    assert main(["face-verify", str(FACES / "obama_1.jpg"), str(FACES / probe), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_no_face_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cv2
    import numpy as np

    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((200, 200, 3), 128, np.uint8))
    assert main(["face-verify", str(blank), str(FACES / "obama_1.jpg")]) == 2
    assert capsys.readouterr().err.strip() == f"face-verify: {blank}: no face found"


def test_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "# calibration pairs\n"
        f"{FACES / 'obama_1.jpg'} {FACES / 'obama_3.jpg'}\n"
        f"{FACES / 'obama_1.jpg'} {FACES / 'biden_2.jpg'}\n"
        "\n"
        f"{FACES / 'obama_1.jpg'} {tmp_path / 'gone.jpg'}\n",
        "utf-8",
    )
    assert main(["face-verify", "--pairs", str(pairs), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("match") for line in lines] == [True, False, None]
    assert lines[0]["reference"] == str(FACES / "obama_1.jpg")
    assert lines[0]["probe"] == str(FACES / "obama_3.jpg")
    assert {"distance", "threshold", "faces_in_probe"} <= set(lines[1])
    assert "no such file" in lines[2]["error"]
    assert "match" not in lines[2]


def test_reference_as_the_back_ends_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.identity.compare import encode_photo
    from kiosk.identity.engine import FaceEngine

    encoding, _ = encode_photo(FaceEngine(), FACES / "obama_1.jpg")
    reference = tmp_path / "member.json"
    reference.write_text(json.dumps([float(v) for v in encoding]), "utf-8")
    code, result = run_json(capsys, str(reference), str(FACES / "obama_2.jpg"))
    assert code == 0
    assert result["match"] is True
    reference.write_text("[1, 2, 3]", "utf-8")
    assert main(["face-verify", str(reference), str(FACES / "obama_2.jpg")]) == 2
    expected = f"face-verify: {reference}: a reference encoding has 128 numbers"
    assert capsys.readouterr().err.strip() == expected


def test_arguments_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face-verify", str(FACES / "obama_1.jpg")]) == 2
    assert "REFERENCE PROBE" in capsys.readouterr().err


def test_the_installed_command_prints_no_traceback() -> None:
    probe = str(FACES / "obama_1.jpg")
    result = subprocess.run(
        [sys.executable, "-m", "provisioning", "face-verify", "/nonexistent/a.jpg", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "face-verify: /nonexistent/a.jpg: no such file"
