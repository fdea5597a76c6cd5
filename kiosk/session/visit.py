"""What the real services hold for the member of one session, and how it is forgotten.

Everything personal lives here and nowhere else in the services: the card record, the reference face
encoding, the verification evidence, the back end's session token, the certificate and its files, the
accepted withdrawal. :meth:`Visit.wipe` zeroes the encoding, closes the face verification (which wipes
its own encodings), removes the temp area and drops every reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from drivers.idcard.carddata import CardRecord
from kiosk.client.api import SealedCertificate
from kiosk.documents.printing import SessionPrints
from kiosk.identity.encoder import Encoding
from kiosk.identity.liveness import Challenge
from kiosk.identity.scratch import SessionScratch
from kiosk.identity.session import VerificationSession


@dataclass(frozen=True)
class Accepted:
    reference: str
    amount_fen: int | None
    bank_card_masked: str
    type_title: str


@dataclass
class Visit:
    session: int
    card: CardRecord | None
    read_at: dt.datetime
    scratch: SessionScratch
    prints: SessionPrints
    reference: Encoding | None = None
    face: VerificationSession | None = None
    challenge: Challenge | None = None
    evidence: dict[str, Any] | None = None  # the face and liveness parts of the session evidence
    token: str | None = None
    certificate: SealedCertificate | None = None
    certificate_doc: str | None = None  # SessionPrints' id, for a reprint
    accepted: Accepted | None = None
    receipt_doc: str | None = None
    # The outbox holds a withdrawal sent under this visit's token: the back-end session is left to
    # expire by itself instead of being ended, so the outbox can still deliver it.
    undecided_submissions: int = 0

    def stop_face(self) -> None:
        if self.face is not None:
            self.face.close()  # never waits for a frame in flight; its encodings are wiped anyway
            self.face = None

    def wipe(self) -> None:
        self.stop_face()
        if self.reference is not None:
            np.asarray(self.reference).fill(0.0)
        self.scratch.wipe()
        self.prints.wipe()
        self.card = None
        self.reference = None
        self.evidence = None
        self.token = None
        self.certificate = None
        self.accepted = None
