"""Every stage's deadline, with the fake clock: what happens when it passes, and that a touch restarts it."""

from __future__ import annotations

import pytest

from kiosk.config import SessionSection, SessionTimeouts
from kiosk.session import events as ev
from kiosk.session.data import SubmissionKind
from kiosk.session.states import MONEY_STAGES, Action, Stage
from kiosk.session.view import ResultDetail
from tests.kiosk.session.fakes import new_flow, to_stage

# Where each stage goes when its time runs out.
AFTER_TIMEOUT = {
    Stage.CARD: Stage.ATTRACT,
    Stage.FACE: Stage.GOODBYE,
    Stage.OPENING: Stage.GOODBYE,
    Stage.MENU: Stage.GOODBYE,
    Stage.ACCOUNT: Stage.GOODBYE,
    Stage.CERTIFICATE: Stage.GOODBYE,
    Stage.PRINTING: Stage.GOODBYE,
    Stage.PRINTED: Stage.GOODBYE,
    Stage.WITHDRAWAL_TYPE: Stage.GOODBYE,
    Stage.WITHDRAWAL_RULE: Stage.GOODBYE,
    Stage.WITHDRAWAL_AMOUNT: Stage.GOODBYE,
    Stage.WITHDRAWAL_BANK_CARD: Stage.GOODBYE,
    Stage.WITHDRAWAL_CONFIRM: Stage.GOODBYE,
    Stage.CONFIRM_FACE: Stage.GOODBYE,
    Stage.SUBMITTING: Stage.RESULT,
    Stage.RESULT: Stage.GOODBYE,
    Stage.RATING: Stage.GOODBYE,
    Stage.CARD_RETURN: Stage.GOODBYE,
    Stage.ERROR: Stage.GOODBYE,
    Stage.GOODBYE: Stage.ATTRACT,
}
SECONDS = {
    Stage.CARD: "card",
    Stage.FACE: "face",
    Stage.OPENING: "opening",
    Stage.MENU: "menu",
    Stage.ACCOUNT: "account",
    Stage.CERTIFICATE: "certificate",
    Stage.PRINTING: "certificate",
    Stage.PRINTED: "certificate",
    Stage.CONFIRM_FACE: "confirm_face",
    Stage.SUBMITTING: "submitting",
    Stage.RESULT: "result",
    Stage.RATING: "rating",
    Stage.CARD_RETURN: "card_return",
    Stage.ERROR: "error",
    Stage.GOODBYE: "goodbye",
} | dict.fromkeys(MONEY_STAGES - {Stage.CONFIRM_FACE}, "withdrawal")
# Distinct numbers, so a stage that used another stage's timeout would be caught.
TIMEOUTS = SessionTimeouts(
    card=11, face=12, opening=13, menu=14, account=15, certificate=16, withdrawal=17, confirm_face=18,
    submitting=19, result=20, rating=21, card_return=22, error=23, goodbye=4,
)  # fmt: skip


def test_every_stage_but_attract_has_a_timeout() -> None:
    assert set(AFTER_TIMEOUT) == set(Stage) - {Stage.ATTRACT}


@pytest.mark.parametrize("stage", list(AFTER_TIMEOUT))
@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_the_stage_times_out_where_it_should(stage: Stage, elderly: bool) -> None:
    settings = SessionSection(timeouts=TIMEOUTS, elderly_multiplier=2.0)
    flow, services, clock = new_flow(settings)
    if elderly:
        flow.handle(ev.Press(Action.ELDERLY))
    to_stage(flow, stage)
    view = flow.view()
    assert view.stage is stage
    seconds = float(getattr(TIMEOUTS, SECONDS[stage]))
    if elderly and stage is not Stage.GOODBYE:
        seconds *= 2
    assert view.seconds_left == seconds  # the visible countdown starts at the configured time
    submitted_before = services.names().count("submit_withdrawal")

    clock.advance(seconds - 1)
    assert flow.handle(ev.Tick()).stage is stage
    assert flow.view().seconds_left == 1
    clock.advance(1)
    after = flow.handle(ev.Tick())

    assert after.stage is AFTER_TIMEOUT[stage]
    assert flow.member is None or after.stage is Stage.RESULT
    if stage in MONEY_STAGES:  # a timeout on a money step never submits anything
        assert services.names().count("submit_withdrawal") == submitted_before
    if stage is Stage.SUBMITTING:
        assert isinstance(after.detail, ResultDetail)
        assert after.detail.kind is SubmissionKind.PENDING
        assert after.message is not None
        assert "短信" in after.message.zh
    if stage is Stage.RATING:
        assert "submit_rating" not in services.names()
    if after.stage is Stage.GOODBYE:
        assert after.name_masked is None
        assert after.detail is None
        clock.advance(TIMEOUTS.goodbye)
        assert flow.handle(ev.Tick()).stage is Stage.ATTRACT
    started = services.names().count("start_face")
    assert services.names().count("wipe") == (started if flow.member is None else 0)


@pytest.mark.parametrize("stage", [Stage.MENU, Stage.WITHDRAWAL_AMOUNT, Stage.CARD_RETURN, Stage.RATING])
def test_a_touch_restarts_the_countdown(stage: Stage) -> None:
    flow, _services, clock = new_flow()
    to_stage(flow, stage)
    full = flow.view().seconds_left
    assert full is not None
    for _ in range(5):
        clock.advance(full - 1)
        assert flow.handle(ev.Tick()).stage is stage
        assert flow.handle(ev.Touch()).seconds_left == full
    clock.advance(full)
    assert flow.handle(ev.Tick()).stage is not stage


def test_a_button_counts_as_a_touch() -> None:
    flow, _services, clock = new_flow()
    to_stage(flow, Stage.ACCOUNT)
    full = flow.view().seconds_left
    assert full is not None
    clock.advance(full - 1)
    assert flow.handle(ev.Press(Action.NEXT_PAGE)).seconds_left == full


def test_the_attract_screen_waits_forever() -> None:
    flow, _services, clock = new_flow()
    clock.advance(10**6)
    view = flow.handle(ev.Tick())
    assert view.stage is Stage.ATTRACT
    assert view.seconds_left is None


def test_switching_to_elderly_mode_gives_more_time_at_once() -> None:
    flow, _services, _clock = new_flow(SessionSection(elderly_multiplier=2.0))
    to_stage(flow, Stage.MENU)
    assert flow.view().seconds_left == 60
    view = flow.handle(ev.Press(Action.ELDERLY))
    assert view.elderly
    assert view.seconds_left == 120
