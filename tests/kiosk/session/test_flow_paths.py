"""Every transition of the flow, driven by hand with the recording services (no Kivy, no hardware)."""

from __future__ import annotations

import dataclasses

import pytest

from drivers.idcard import errors as card_errors
from drivers.idcard.carddata import CardRecord
from drivers.idcard.poller import CardReadFailed, CardRemoved
from kiosk.config import SessionSection
from kiosk.session import events as ev
from kiosk.session.data import PrintOutcome, SubmissionKind, WithdrawalDraft
from kiosk.session.messages import MESSAGES
from kiosk.session.rules import BACK_TO
from kiosk.session.states import Action, Call, Problem, Rating, Stage
from kiosk.session.view import (
    AccountDetail,
    AmountDetail,
    ConfirmDetail,
    ErrorDetail,
    FaceDetail,
    RatingDetail,
    ResultDetail,
    RuleDetail,
    TypesDetail,
)
from tests.kiosk.session.fakes import (
    BANK_CARD,
    OTHER,
    PURCHASE,
    RETIREMENT,
    TYPES,
    account,
    movements,
    new_flow,
    placed,
    session_of,
    to_stage,
)

ALL_STAGES = list(Stage)


def test_start_then_a_card_that_cannot_be_read_then_back() -> None:
    flow, services, _clock = new_flow()
    assert Action.START in flow.view().buttons
    assert flow.handle(ev.Press(Action.START)).stage is Stage.CARD
    view = flow.handle(CardReadFailed(card_errors.FrameError("bad")))
    assert view.stage is Stage.CARD
    assert view.message is not None
    assert view.message.zh
    assert flow.handle(ev.Press(Action.BACK)).stage is Stage.ATTRACT
    assert services.calls == []


def test_a_card_on_the_attract_screen_starts_a_session_without_keeping_the_card() -> None:
    flow, services, _clock = new_flow()
    view = flow.handle(placed())
    assert view.stage is Stage.FACE
    session, (record,) = services.last("start_face")
    assert session == view.session
    assert isinstance(record, CardRecord)
    held = [getattr(flow.member, f.name) for f in dataclasses.fields(flow.member)]  # type: ignore[arg-type]
    assert not any(isinstance(v, CardRecord) for v in held)
    assert record.id_number not in repr(held)
    assert record.name not in repr(held)


def test_face_progress_is_shown_in_both_languages() -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, Stage.FACE)
    sid = session_of(flow)
    view = flow.handle(ev.FaceProgress(sid, "challenge", "turn_left", "请慢慢向左转头"))
    assert view.message is not None
    assert view.message.zh == "请慢慢向左转头"
    assert view.message.en == "Please turn your head left"
    assert view.detail == FaceDetail("challenge", "turn_left", 1, 3)
    assert flow.handle(ev.Press(Action.LANGUAGE)).language == "en"


def test_a_failed_face_may_be_tried_again_until_the_attempts_run_out() -> None:
    flow, services, _clock = new_flow(SessionSection(face_attempts=2))
    to_stage(flow, Stage.FACE)
    sid = session_of(flow)
    view = flow.handle(ev.FaceFailed(sid, "liveness_timeout", "未完成提示的动作，请重新开始"))
    assert view.stage is Stage.ERROR
    assert view.detail == ErrorDetail(can_retry=True)
    assert view.buttons[0] is Action.RETRY
    view = flow.handle(ev.Press(Action.RETRY))
    assert view.stage is Stage.FACE
    assert services.last("recheck_face") == (sid, ())
    assert isinstance(view.detail, FaceDetail)
    assert view.detail.attempt == 2
    view = flow.handle(ev.FaceFailed(sid, "liveness_timeout", "未完成提示的动作，请重新开始"))
    assert view.stage is Stage.ERROR
    assert Action.RETRY not in view.buttons
    assert flow.member is None
    assert services.last("wipe") == (sid, ())


@pytest.mark.parametrize(
    "code", ["not_match", "presentation_attack", "camera", "no_reference", "card_not_valid"]
)
def test_a_final_face_failure_offers_no_retry(code: str) -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.FACE)
    view = flow.handle(ev.FaceFailed(session_of(flow), code, "请到柜台办理"))
    assert view.stage is Stage.ERROR
    assert Action.RETRY not in view.buttons
    assert "wipe" in services.names()
    assert flow.handle(ev.Press(Action.EXIT)).stage is Stage.ATTRACT


def test_opening_the_session_is_retried_when_the_back_end_did_not_answer() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.OPENING)
    sid = session_of(flow)
    assert flow.view().busy
    view = flow.handle(ev.ServiceFailed(sid, Call.OPEN_SESSION, Problem.UNREACHABLE, "暂时无法连接服务中心"))
    assert view.stage is Stage.ERROR
    assert view.message is not None
    assert view.message.zh == "暂时无法连接服务中心"
    flow.handle(ev.Press(Action.RETRY))
    assert services.names().count("open_session") == 2
    view = flow.handle(ev.SessionOpened(sid, "林**"))
    assert view.stage is Stage.MENU
    assert view.name_masked == "林**"
    assert view.buttons[:4] == (Action.ACCOUNT, Action.CERTIFICATE, Action.WITHDRAWAL, Action.EXIT)


def test_a_refusal_to_open_the_session_cannot_be_retried() -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, Stage.OPENING)
    view = flow.handle(
        ev.ServiceFailed(session_of(flow), Call.OPEN_SESSION, Problem.REFUSED, "身份核验未通过")
    )
    assert view.stage is Stage.ERROR
    assert not view.detail.can_retry  # type: ignore[union-attr]


def test_the_account_is_paged_fewer_rows_in_elderly_mode() -> None:
    flow, services, _clock = new_flow(SessionSection(page_size=6, elderly_page_size=3))
    to_stage(flow, Stage.MENU)
    sid = session_of(flow)
    view = flow.handle(ev.Press(Action.ACCOUNT))
    assert view.busy
    assert services.last("load_account") == (sid, ())
    view = flow.handle(ev.AccountLoaded(sid, account(), movements(10)))
    assert not view.busy
    detail = view.detail
    assert isinstance(detail, AccountDetail)
    assert (len(detail.rows), detail.page, detail.pages) == (6, 0, 2)
    assert Action.NEXT_PAGE in view.buttons
    assert Action.PREVIOUS_PAGE not in view.buttons
    view = flow.handle(ev.Press(Action.NEXT_PAGE))
    detail = view.detail
    assert isinstance(detail, AccountDetail)
    assert (len(detail.rows), detail.page) == (4, 1)
    assert Action.NEXT_PAGE not in view.buttons
    assert flow.handle(ev.Press(Action.NEXT_PAGE)).detail == detail  # no page after the last
    view = flow.handle(ev.Press(Action.ELDERLY))
    assert isinstance(view.detail, AccountDetail)
    assert (len(view.detail.rows), view.detail.pages) == (3, 4)
    assert flow.handle(ev.Press(Action.BACK)).stage is Stage.MENU
    flow.handle(ev.Press(Action.ACCOUNT))
    assert services.names().count("load_account") == 1  # loaded once per session


def test_an_account_that_does_not_load_can_be_retried() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.MENU)
    sid = session_of(flow)
    flow.handle(ev.Press(Action.ACCOUNT))
    view = flow.handle(ev.ServiceFailed(sid, Call.ACCOUNT, Problem.UNREACHABLE, "暂时无法连接"))
    assert view.stage is Stage.ERROR
    assert flow.handle(ev.Press(Action.RETRY)).stage is Stage.ACCOUNT
    assert services.names().count("load_account") == 2


def test_an_expired_member_session_ends_the_visit() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.MENU)
    sid = session_of(flow)
    flow.handle(ev.Press(Action.CERTIFICATE))
    view = flow.handle(ev.ServiceFailed(sid, Call.CERTIFICATE, Problem.EXPIRED, "会话已过期"))
    assert view.stage is Stage.ERROR
    assert flow.member is None
    assert services.last("wipe") == (sid, ())


def test_certificate_preview_print_and_reprint() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.MENU)
    sid = session_of(flow)
    view = flow.handle(ev.Press(Action.CERTIFICATE))
    assert view.busy
    assert Action.PRINT not in view.buttons
    assert flow.handle(ev.Press(Action.PRINT)).stage is Stage.CERTIFICATE  # nothing to print yet
    view = flow.handle(ev.CertificateReady(sid, "7F3KQ9WD", "/tmp/preview.png"))
    assert Action.PRINT in view.buttons
    view = flow.handle(ev.Press(Action.PRINT))
    assert view.stage is Stage.PRINTING
    assert set(view.buttons) == {Action.LANGUAGE, Action.ELDERLY}
    view = flow.handle(ev.CertificatePrinted(sid, PrintOutcome.FAILED, "打印机缺纸，请联系工作人员", True))
    assert view.stage is Stage.PRINTED
    assert view.message is not None
    assert view.message.zh == "打印机缺纸，请联系工作人员"
    assert Action.REPRINT in view.buttons
    flow.handle(ev.Press(Action.REPRINT))
    assert services.names().count("print_certificate") == 2
    view = flow.handle(ev.CertificatePrinted(sid, PrintOutcome.PRINTED, "打印完成，请取走", False))
    assert Action.REPRINT not in view.buttons
    assert flow.handle(ev.Press(Action.MENU)).stage is Stage.MENU


def test_a_refused_certificate_cannot_be_printed_again() -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, Stage.PRINTING)
    view = flow.handle(
        ev.CertificatePrinted(session_of(flow), PrintOutcome.REFUSED, "证明文件校验未通过", False)
    )
    assert view.stage is Stage.PRINTED
    assert Action.REPRINT not in view.buttons


def test_a_withdrawal_from_type_to_result() -> None:
    flow, services, _clock = new_flow(SessionSection(page_size=2))
    to_stage(flow, Stage.MENU)
    sid = session_of(flow)
    view = flow.handle(ev.Press(Action.WITHDRAWAL))
    assert view.detail == TypesDetail(None, 0, 1)
    assert {"load_withdrawal_types", "load_account"} <= set(services.names())
    flow.handle(ev.AccountLoaded(sid, account(balance_fen=500_000), ()))
    view = flow.handle(ev.WithdrawalTypesLoaded(sid, TYPES))
    assert view.detail == TypesDetail(TYPES[:2], 0, 2)
    assert flow.handle(ev.Press(Action.NEXT_PAGE)).detail == TypesDetail(TYPES[2:], 1, 2)
    assert flow.handle(ev.Press(Action.CHOOSE_TYPE, "nonsense")).stage is Stage.WITHDRAWAL_TYPE
    view = flow.handle(ev.Press(Action.CHOOSE_TYPE, "house_purchase"))
    assert view.detail == RuleDetail(PURCHASE)
    view = flow.handle(ev.Press(Action.DOCUMENTS_READY))
    assert view.stage is Stage.WITHDRAWAL_AMOUNT
    assert view.detail == AmountDetail(PURCHASE, None, 500_000, False)
    assert Action.WHOLE_BALANCE in view.buttons
    for wrong, key in [("0", "amount_invalid"), ("12a", "amount_invalid"), ("500001", "amount_over_balance")]:
        view = flow.handle(ev.Press(Action.ENTER_AMOUNT, wrong))
        assert view.stage is Stage.WITHDRAWAL_AMOUNT
        assert view.message is not None
        assert view.message == MESSAGES[key]
    view = flow.handle(ev.Press(Action.ENTER_AMOUNT, "250000"))
    assert view.stage is Stage.WITHDRAWAL_BANK_CARD
    assert flow.handle(ev.Press(Action.ENTER_BANK_CARD, "1234")).stage is Stage.WITHDRAWAL_BANK_CARD
    view = flow.handle(ev.Press(Action.ENTER_BANK_CARD, BANK_CARD))
    assert view.detail == ConfirmDetail(PURCHASE, 250_000, 500_000, "6222***********0018")
    assert BANK_CARD not in repr(view)
    view = flow.handle(ev.Press(Action.CONFIRM))
    assert view.stage is Stage.CONFIRM_FACE
    assert services.last("recheck_face") == (sid, ())
    view = flow.handle(ev.FaceVerified(sid))
    assert view.stage is Stage.SUBMITTING
    assert set(view.buttons) == {Action.LANGUAGE, Action.ELDERLY}
    draft = WithdrawalDraft("house_purchase", 250_000, BANK_CARD, ("purchase_contract", "purchase_invoice"))
    assert services.last("submit_withdrawal") == (sid, (draft,))
    view = flow.handle(ev.SubmissionOutcome(sid, SubmissionKind.IN_REVIEW, "已提交", "W17", 250_000))
    assert view.stage is Stage.RESULT
    assert view.detail == ResultDetail(SubmissionKind.IN_REVIEW, "W17", 250_000, view.detail.receipt)  # type: ignore[union-attr]
    assert [t.zh for t in view.extra] == ["办理结果将以短信通知您"]
    assert services.last("print_receipt") == (sid, ())
    view = flow.handle(ev.ReceiptPrinted(sid, False, "回执未能打印：缺纸", True))
    assert Action.REPRINT in view.buttons
    flow.handle(ev.Press(Action.REPRINT))
    assert services.names().count("print_receipt") == 2
    assert flow.handle(ev.Press(Action.FINISH)).stage is Stage.RATING


def test_a_type_that_closes_the_account_asks_no_amount() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.WITHDRAWAL_TYPE)
    sid = session_of(flow)
    flow.handle(ev.Press(Action.CHOOSE_TYPE, "retirement"))
    view = flow.handle(ev.Press(Action.DOCUMENTS_READY))
    assert view.stage is Stage.WITHDRAWAL_BANK_CARD
    assert flow.handle(ev.Press(Action.BACK)).stage is Stage.WITHDRAWAL_RULE
    flow.handle(ev.Press(Action.DOCUMENTS_READY))
    view = flow.handle(ev.Press(Action.ENTER_BANK_CARD, BANK_CARD))
    assert isinstance(view.detail, ConfirmDetail)
    assert view.detail.amount_fen is None
    flow.handle(ev.Press(Action.CONFIRM))
    flow.handle(ev.FaceVerified(sid))
    assert services.last("submit_withdrawal") == (sid, (WithdrawalDraft("retirement", None, BANK_CARD, ()),))
    assert RETIREMENT.closes_account


def test_the_whole_balance_button() -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, Stage.WITHDRAWAL_AMOUNT)
    flow.handle(ev.Press(Action.WHOLE_BALANCE))
    flow.handle(ev.Press(Action.ENTER_BANK_CARD, BANK_CARD))
    detail = flow.view().detail
    assert isinstance(detail, ConfirmDetail)
    assert detail.amount_fen == account().balance_fen


def test_back_walks_the_withdrawal_steps_up_to_the_menu() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.CONFIRM_FACE)
    seen = []
    while flow.stage is not Stage.MENU:
        seen.append(flow.handle(ev.Press(Action.BACK)).stage)
    assert seen == [
        Stage.WITHDRAWAL_CONFIRM,
        Stage.WITHDRAWAL_BANK_CARD,
        Stage.WITHDRAWAL_AMOUNT,
        Stage.WITHDRAWAL_RULE,
        Stage.WITHDRAWAL_TYPE,
        Stage.MENU,
    ]
    assert "stop_face" in services.names()
    assert "submit_withdrawal" not in services.names()


def test_a_failed_second_look_goes_back_to_confirm_then_ends_the_session() -> None:
    flow, services, _clock = new_flow(SessionSection(face_attempts=2))
    to_stage(flow, Stage.CONFIRM_FACE)
    sid = session_of(flow)
    view = flow.handle(ev.FaceFailed(sid, "not_match", "人脸与身份证信息不一致"))
    assert view.stage is Stage.WITHDRAWAL_CONFIRM
    flow.handle(ev.Press(Action.CONFIRM))
    view = flow.handle(ev.FaceFailed(sid, "not_match", "人脸与身份证信息不一致"))
    assert view.stage is Stage.ERROR
    assert flow.member is None
    assert "submit_withdrawal" not in services.names()


def test_re_tapping_the_card_is_the_second_look() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.CONFIRM_FACE)
    sid = session_of(flow)
    assert flow.handle(CardRemoved()).stage is Stage.CARD_RETURN
    assert services.last("stop_face") == (sid, ())
    assert flow.handle(placed()).stage is Stage.SUBMITTING
    assert services.last("submit_withdrawal")[0] == sid


@pytest.mark.parametrize(
    "stage",
    [Stage.WITHDRAWAL_TYPE, Stage.WITHDRAWAL_RULE, Stage.WITHDRAWAL_AMOUNT, Stage.WITHDRAWAL_BANK_CARD,
     Stage.WITHDRAWAL_CONFIRM],
)  # fmt: skip
def test_a_card_taken_away_on_a_money_step_is_waited_for(stage: Stage) -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, stage)
    before = flow.view()
    view = flow.handle(CardRemoved())
    assert view.stage is Stage.CARD_RETURN
    assert view.buttons[0] is Action.EXIT
    view = flow.handle(placed(*OTHER))  # somebody else's card is not read into this session
    assert view.stage is Stage.CARD_RETURN
    assert view.message is not None
    assert view.message.en.startswith("This is a different card")
    assert services.names().count("start_face") == 1
    flow.handle(CardRemoved())
    view = flow.handle(CardReadFailed(card_errors.FrameError("moved")))  # put back crooked
    assert view.stage is Stage.CARD_RETURN
    assert view.message is not None
    assert view.message.zh == card_errors.FrameError.message_zh
    view = flow.handle(placed())
    assert view.stage is stage
    assert view.detail == before.detail


@pytest.mark.parametrize("used", [False, True], ids=["nothing-used", "account-seen"])
def test_a_card_taken_away_at_the_menu_ends_the_session(used: bool) -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.ACCOUNT if used else Stage.MENU)
    if used:
        flow.handle(ev.Press(Action.MENU))
    view = flow.handle(CardRemoved())
    assert view.stage is (Stage.RATING if used else Stage.GOODBYE)
    assert flow.member is None
    assert services.names().count("wipe") == 1


@pytest.mark.parametrize("stage", [Stage.FACE, Stage.OPENING, Stage.ERROR])
def test_a_card_taken_away_before_the_menu_ends_the_session(stage: Stage) -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, stage)
    assert flow.handle(CardRemoved()).stage is Stage.GOODBYE
    assert services.names().count("wipe") == 1


def test_the_result_is_shown_even_when_the_card_left_during_submission() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.SUBMITTING)
    sid = session_of(flow)
    assert flow.handle(CardRemoved()).stage is Stage.SUBMITTING
    view = flow.handle(ev.SubmissionOutcome(sid, SubmissionKind.PENDING, "业务已提交，结果将以短信通知您"))
    assert view.stage is Stage.RESULT
    assert view.message is not None
    assert "短信" in view.message.zh
    assert flow.handle(ev.Press(Action.MENU)).stage is Stage.RATING  # no menu without the card
    assert services.names().count("wipe") == 1


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (SubmissionKind.REFUSED, "租房提取每月不超过1500元"),
        (SubmissionKind.NOT_RECORDED, "暂时无法提交，本次未提交任何业务，请到柜台办理"),
    ],
)
def test_a_refusal_shows_the_back_ends_reason_and_prints_nothing(kind: SubmissionKind, text: str) -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.SUBMITTING)
    view = flow.handle(ev.SubmissionOutcome(session_of(flow), kind, text))
    assert view.message is not None
    assert view.message.zh == text
    assert view.extra == ()
    assert "print_receipt" not in services.names()


def test_a_late_answer_updates_the_pending_result() -> None:
    flow, services, clock = new_flow()
    to_stage(flow, Stage.SUBMITTING)
    sid = session_of(flow)
    clock.advance(flow.settings.timeouts.submitting)
    assert flow.handle(ev.Tick()).stage is Stage.RESULT
    view = flow.handle(ev.SubmissionOutcome(sid, SubmissionKind.ACCEPTED, "提取申请已受理", "TQ9", 100))
    assert isinstance(view.detail, ResultDetail)
    assert view.detail.reference == "TQ9"
    assert "print_receipt" in services.names()


def test_the_rating_is_anonymous_and_optional() -> None:
    flow, services, _clock = new_flow(SessionSection(comment_presets=("办理快捷", "等待太久")))
    to_stage(flow, Stage.RATING)
    assert flow.member is None  # the member is wiped before the rating
    sid = flow.session
    view = flow.handle(ev.Press(Action.SUBMIT_RATING))
    assert view.stage is Stage.RATING  # nothing chosen yet
    flow.handle(ev.Press(Action.RATE, "not a level"))
    flow.handle(ev.Press(Action.RATE, Rating.SATISFIED))
    flow.handle(ev.Press(Action.COMMENT, "等待太久"))
    flow.handle(ev.Press(Action.COMMENT, "办理快捷"))
    flow.handle(ev.Press(Action.COMMENT, "等待太久"))
    view = flow.handle(ev.Press(Action.COMMENT, "not a preset"))
    assert view.detail == RatingDetail(
        tuple(Rating), Rating.SATISFIED, ("办理快捷", "等待太久"), ("办理快捷",)
    )
    assert flow.handle(ev.Press(Action.SUBMIT_RATING)).stage is Stage.GOODBYE
    assert services.last("submit_rating") == (sid, (Rating.SATISFIED, ("办理快捷",)))


def test_no_rating_after_a_visit_that_used_nothing() -> None:
    flow, services, _clock = new_flow()
    to_stage(flow, Stage.MENU)
    assert flow.handle(ev.Press(Action.EXIT)).stage is Stage.GOODBYE
    assert services.names()[-1] == "wipe"


def test_answers_for_an_ended_session_never_reach_the_next_member() -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, Stage.MENU)
    first = session_of(flow)
    flow.handle(ev.Press(Action.ACCOUNT))
    flow.handle(ev.Press(Action.EXIT))
    flow.handle(ev.Press(Action.SKIP))
    flow.handle(placed(*OTHER))
    second = session_of(flow)
    assert second != first
    flow.handle(ev.FaceVerified(second))
    flow.handle(ev.SessionOpened(second, "何**"))
    flow.handle(ev.Press(Action.ACCOUNT))
    view = flow.handle(ev.AccountLoaded(first, account(name_masked="林**"), movements(3)))
    assert isinstance(view.detail, AccountDetail)
    assert view.detail.account is None  # still loading the second member's
    assert flow.handle(ev.SessionOpened(first, "林**")).name_masked == "何**"


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_exit_works_everywhere_and_wipes(stage: Stage) -> None:
    flow, services, clock = new_flow()
    to_stage(flow, stage)
    view = flow.handle(ev.Press(Action.EXIT))
    if view.stage is Stage.RESULT:  # pragma: no cover - exit is never "stay"
        pytest.fail("exit stayed on the result")
    assert flow.member is None
    assert view.stage in (Stage.RATING, Stage.GOODBYE, Stage.ATTRACT)
    for _ in range(3):
        clock.advance(60)
        view = flow.handle(ev.Tick())
    assert view.stage is Stage.ATTRACT
    assert services.names().count("wipe") == services.names().count("start_face")


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_back_works_everywhere(stage: Stage) -> None:
    flow, _services, _clock = new_flow()
    to_stage(flow, stage)
    view = flow.handle(ev.Press(Action.BACK))
    expected = BACK_TO.get(stage)
    if expected is not None:
        assert view.stage is expected
    else:  # no step above: back is exit
        assert flow.member is None


def test_toggles_reset_for_the_next_member() -> None:
    flow, _services, clock = new_flow()
    flow.handle(ev.Press(Action.LANGUAGE))
    flow.handle(ev.Press(Action.ELDERLY))
    to_stage(flow, Stage.MENU)
    view = flow.view()
    assert (view.language, view.elderly) == ("en", True)
    flow.handle(ev.Press(Action.EXIT))
    clock.advance(60)
    view = flow.handle(ev.Tick())
    assert view.stage is Stage.ATTRACT
    assert (view.language, view.elderly) == ("zh", False)
