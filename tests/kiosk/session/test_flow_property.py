"""Random event sequences (hypothesis): the flow never crashes, never shows one member's data in another
member's session, and always ends on the attract screen with every session wiped exactly once."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard import errors as card_errors
from drivers.idcard.poller import CardReadFailed, CardRemoved
from kiosk.config import SessionSection
from kiosk.session import events as ev
from kiosk.session.data import PrintOutcome, SubmissionKind
from kiosk.session.flow import SessionFlow
from kiosk.session.states import Action, Call, Problem, Rating, Stage
from tests.kiosk.session.fakes import BANK_CARD, TYPES, account, movements, new_flow, placed, to_stage

MEMBERS = {
    "林晓雯": ("371302198806120029", "林**", "林氏科技"),
    "何一鸣": ("110105199501300719", "何**", "何氏贸易"),
    "陌生人": ("610302199109030355", "陌**", "陌生公司"),  # answers for sessions that never were
}
VALUES = ["", "0", "100000", "99999999999", "x", BANK_CARD, "rent", "retirement", "house_purchase",
          Rating.SATISFIED.value, "办理快捷"]  # fmt: skip


@dataclass(frozen=True)
class Step:
    kind: str
    member: str = "林晓雯"
    action: Action = Action.BACK
    value: str = ""
    seconds: float = 0.0
    which: int = 0  # 0: the current session; 1: the previous one; 2: a session that never was


SERVICE_KINDS = ["face_progress", "face_ok", "face_failed", "opened", "account", "types", "certificate",
                 "printed", "submitted", "receipt", "failed"]  # fmt: skip


def steps() -> st.SearchStrategy[Step]:
    member = st.sampled_from(["林晓雯", "何一鸣"])
    which = st.sampled_from([0, 0, 1, 2])
    answers = st.builds(
        Step, st.sampled_from(SERVICE_KINDS), which=which, value=st.sampled_from(["a", "b", "c"])
    )
    return st.one_of(
        answers,
        answers,
        st.builds(Step, st.just("place"), member),
        st.just(Step("remove")),
        st.just(Step("unreadable")),
        st.just(Step("touch")),
        st.builds(
            Step, st.just("press"), action=st.sampled_from(list(Action)), value=st.sampled_from(VALUES)
        ),
        st.builds(Step, st.just("tick"), seconds=st.sampled_from([0.5, 5.0, 30.0, 200.0])),
    )


class Run:
    def __init__(self) -> None:
        self.flow, self.services, self.clock = new_flow(SessionSection(page_size=2, elderly_page_size=1))
        self.member_of: dict[int, str] = {}  # session -> whose card started it

    def session(self, which: int) -> int:
        current = self.flow.session or 0
        return {0: current, 1: current - 1, 2: 10_000}[which]

    def member(self, session: int) -> str:
        return self.member_of.get(session, "陌生人")

    def event(self, step: Step) -> ev.Event:  # noqa: PLR0911 - one per kind
        if step.kind == "place":
            id_number = MEMBERS[step.member][0]
            return placed(id_number, step.member)
        if step.kind == "remove":
            return CardRemoved()
        if step.kind == "unreadable":
            return CardReadFailed(card_errors.FrameError("noise"))
        if step.kind == "touch":
            return ev.Touch()
        if step.kind == "press":
            return ev.Press(step.action, step.value)
        if step.kind == "tick":
            self.clock.advance(step.seconds)
            return ev.Tick()
        sid = self.session(step.which)
        _id, masked, employer = MEMBERS[self.member(sid)]
        problem = {"a": Problem.UNREACHABLE, "b": Problem.REFUSED, "c": Problem.EXPIRED}[step.value]
        kinds = {"a": SubmissionKind.ACCEPTED, "b": SubmissionKind.REFUSED, "c": SubmissionKind.PENDING}
        return {
            "face_progress": ev.FaceProgress(sid, "challenge", "blink", "请眨眼"),
            "face_ok": ev.FaceVerified(sid),
            "face_failed": ev.FaceFailed(
                sid, "liveness_timeout" if step.value != "c" else "not_match", "未通过"
            ),
            "opened": ev.SessionOpened(sid, masked),
            "account": ev.AccountLoaded(
                sid, replace(account(name_masked=masked), employer_name=employer), movements(5)
            ),
            "types": ev.WithdrawalTypesLoaded(sid, TYPES),
            "certificate": ev.CertificateReady(sid, f"CODE-{employer}", None),
            "printed": ev.CertificatePrinted(sid, PrintOutcome.FAILED, "缺纸", step.value == "a"),
            "submitted": ev.SubmissionOutcome(
                sid, kinds[step.value], f"结果-{employer}", f"REF-{employer}", 100
            ),
            "receipt": ev.ReceiptPrinted(sid, step.value == "a", f"回执-{employer}", step.value == "b"),
            "failed": ev.ServiceFailed(sid, list(Call)[ord(step.value) % 4], problem, "暂时无法办理"),
        }[step.kind]


def shown_members(view_repr: str) -> set[str]:
    return {name for name, (_id, masked, employer) in MEMBERS.items() if employer in view_repr}


def check(run: Run) -> None:
    flow: SessionFlow = run.flow
    view = flow.view()
    text = repr(view)
    for id_number, _masked, _employer in MEMBERS.values():
        assert id_number not in text  # never an ID number on screen
    assert BANK_CARD not in text  # the bank card is only shown masked
    if view.session is None:
        assert shown_members(text) == set()
        assert view.name_masked is None
    else:
        assert view.session == flow.session
        assert shown_members(text) <= {run.member(view.session)}
        if view.name_masked is not None:
            assert view.name_masked == MEMBERS[run.member(view.session)][1]


def learn_members(run: Run, since: int) -> None:
    for name, session, args in run.services.calls[since:]:
        if name == "start_face":
            run.member_of[session] = args[0].name


@given(st.sampled_from(list(Stage)), st.lists(steps(), max_size=60))
def test_random_sessions_never_crash_never_leak_and_always_end_wiped(
    start: Stage, sequence: list[Step]
) -> None:
    run = Run()
    to_stage(run.flow, start)  # from every stage, not only as far as random steps get
    learn_members(run, 0)
    for step in sequence:
        before = len(run.services.calls)
        view_before = run.flow.view()
        event = run.event(step)
        view_after = run.flow.handle(event)
        session = getattr(event, "session", None)
        if session is not None and session != view_before.session:
            assert view_after == view_before  # an answer for another session changes nothing
        learn_members(run, before)
        check(run)
    # The member walks away: whatever happened, the kiosk gets back to the attract screen, wiped.
    for _ in range(8):
        run.clock.advance(600)
        run.flow.handle(ev.Tick())
    assert run.flow.stage is Stage.ATTRACT
    assert run.flow.member is None
    started = [s for name, s, _ in run.services.calls if name == "start_face"]
    wiped = [s for name, s, _ in run.services.calls if name == "wipe"]
    assert sorted(wiped) == sorted(started)  # every session wiped, exactly once


@pytest.mark.parametrize("kind", SERVICE_KINDS)
@pytest.mark.parametrize("which", [1, 2], ids=["previous-session", "unknown-session"])
@pytest.mark.parametrize("stage", list(Stage))
def test_an_answer_for_another_session_changes_nothing_anywhere(stage: Stage, which: int, kind: str) -> None:
    run = Run()
    flow = run.flow
    flow.handle(placed())  # session 1 ends at once: "previous" is a real, wiped session
    flow.handle(ev.Press(Action.EXIT))
    to_stage(flow, stage)
    before, calls = flow.view(), len(run.services.calls)
    for value in "abc":
        assert flow.handle(run.event(Step(kind, which=which, value=value))) == before
    assert len(run.services.calls) == calls
