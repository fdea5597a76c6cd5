import json
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.idcard.simulator import Faults, PtySimulator, SimulatedReader, sample_cards
from provisioning.cli import main
from tests.drivers.idcard.test_carddata import JSON_KEYS as KEYS


@pytest.mark.parametrize(
    ("kind", "card_type"),
    [("resident", "resident"), ("hmt", "hmt_residence_permit"), ("foreign", "foreign_permanent_resident")],
)
def test_json_for_every_kind(kind: str, card_type: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read-card", "--port", f"idcardsim://?card={kind}&pace=0", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert set(card) == KEYS
    assert card["card_type"] == card_type
    assert card["id_number_valid"] is True
    assert card["photo_bytes"] == 1024


def test_resident_card_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read-card", "--port", "idcardsim://?card=resident&pace=0", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["name"] == "林晓雯"
    assert card["gender"] == "female"
    assert card["nation"] == "汉族"
    assert card["birth_date"] == "1988-06-12"
    assert card["id_number"] == "371302198806120029"
    assert card["name_en"] is None


def test_table_for_people_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read-card", "--port", "idcardsim://?card=expired&pace=0"]) == 0
    out = capsys.readouterr().out
    assert "6401**********001X (valid)" in out
    assert "(expired)" in out
    assert "王建军" not in out


@pytest.mark.parametrize(
    ("port", "code", "line"),
    [
        ("idcardsim://?card=none&pace=0", 4, "no card on the reader within 0.5 s"),
        ("idcardsim://?fault=silence", 5, "does not answer properly"),
        ("idcardsim://?fault=sam_selftest_fail", 5, "security module failed"),
        ("idcardsim://?fault=read_fail", 6, "the card could not be read"),
        ("idcardsim://?fault=select_fail", 6, "the card could not be read"),
        ("/dev/ttyNO-SUCH-READER", 3, "cannot open card reader"),
        ("idcardsim://?fault=bogus", 3, "unknown fault"),
    ],
)
def test_failures_are_one_clear_line(
    port: str, code: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["read-card", "--port", port, "--timeout", "0.5", "--json"]) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert line in captured.err
    assert captured.err.startswith("read-card: ")


def test_the_console_script_reads_through_a_pty(tmp_path: Path) -> None:
    reader = SimulatedReader(sample_cards()["hmt"], Faults.named("noise", "slow_chunks"))
    with PtySimulator(reader, link=tmp_path / "ttyIDCARD") as sim:
        done = subprocess.run(
            [sys.executable, "-m", "provisioning", "read-card", "--port", str(sim.link), "--json"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    assert card["card_type"] == "hmt_residence_permit"
    assert card["pass_number"] == "H12345678"
    assert card["issue_count"] == 2
    assert card["nation"] is None
