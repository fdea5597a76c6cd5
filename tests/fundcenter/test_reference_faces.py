"""The reference face a kiosk compares the live face with (no session exists yet at that point)."""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundcenter.models import Member
from fundcenter.seed import seed
from tests.conftest import repo_root
from tests.fundcenter.conftest import ThreadServer
from tests.fundcenter.helpers import LIN, Kiosk

FACES = repo_root() / "tests" / "fixtures" / "faces"


def ask(kiosk: Kiosk, id_number: str, name: str, server: ThreadServer) -> tuple[int, dict]:
    card = {"id_number": id_number, "name": name, "read_at": server.clock().isoformat()}
    response = kiosk.post("v1/reference-faces", card)
    return response.status_code, response.json()


def test_reference_face_of_the_card_holder(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    status, body = ask(kiosk, *LIN, server)
    assert status == 200
    assert body["model"] == "dlib_face_recognition_resnet_model_v1"
    assert len(body["encoding"]) == 128
    import face_recognition

    probe = face_recognition.face_encodings(
        face_recognition.load_image_file(str(FACES / "rose_leslie_2.jpg"))
    )
    other = face_recognition.face_encodings(face_recognition.load_image_file(str(FACES / "obama_2.jpg")))
    assert math.dist(probe[0], body["encoding"]) < 0.5  # same person, another photo
    assert math.dist(other[0], body["encoding"]) > 0.6


def test_reference_face_refusals(server: ThreadServer) -> None:
    kiosk = server.kiosk()
    assert ask(kiosk, LIN[0], "林某某", server)[1]["code"] == "evidence_rejected"
    seed(server.engine, synthetic=1)
    with Session(server.engine) as session:
        someone = session.scalars(select(Member).where(Member.reference_encoding.is_(None))).first()
    assert someone is not None
    status, body = ask(kiosk, someone.id_number, someone.name, server)
    assert (status, body["code"]) == (404, "reference_face_missing")
    stranger = Kiosk(server.url, "KIOSK-NOBODY")
    assert ask(stranger, *LIN, server)[1]["code"] == "device_unknown"
