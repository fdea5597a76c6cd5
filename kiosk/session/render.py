"""From the flow's state to the :class:`View` a screen draws: which buttons exist, which page of a list,
which details. Pure functions; nothing here changes the flow."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

from kiosk.config import SessionSection
from kiosk.masking import mask_bank_card
from kiosk.session.member import Member, RatingDraft
from kiosk.session.messages import MESSAGES, TITLES
from kiosk.session.states import Action, Rating, Stage
from kiosk.session.view import (
    AccountDetail,
    AmountDetail,
    BankCardDetail,
    CertificateDetail,
    ConfirmDetail,
    Detail,
    ErrorDetail,
    FaceDetail,
    Language,
    RatingDetail,
    ResultDetail,
    RuleDetail,
    Text,
    TypesDetail,
    View,
)

T = TypeVar("T")
A = Action
TOGGLES = (A.LANGUAGE, A.ELDERLY)
NAV = (A.BACK, A.EXIT)
BUTTONS: dict[Stage, tuple[Action, ...]] = {
    Stage.ATTRACT: (A.START,),
    Stage.CARD: (A.BACK,),
    Stage.FACE: NAV,
    Stage.OPENING: (A.EXIT,),
    Stage.MENU: (A.ACCOUNT, A.CERTIFICATE, A.WITHDRAWAL, A.EXIT),
    Stage.ACCOUNT: (A.MENU, A.FINISH, *NAV),
    Stage.CERTIFICATE: NAV,
    Stage.PRINTING: (),
    Stage.PRINTED: (A.MENU, A.FINISH, *NAV),
    Stage.WITHDRAWAL_TYPE: NAV,
    Stage.WITHDRAWAL_RULE: (A.DOCUMENTS_READY, *NAV),
    Stage.WITHDRAWAL_AMOUNT: (A.ENTER_AMOUNT, *NAV),
    Stage.WITHDRAWAL_BANK_CARD: (A.ENTER_BANK_CARD, *NAV),
    Stage.WITHDRAWAL_CONFIRM: (A.CONFIRM, *NAV),
    Stage.CONFIRM_FACE: NAV,
    Stage.SUBMITTING: (),  # the money is on its way: nothing to undo, the answer comes in seconds
    Stage.RESULT: (A.MENU, A.FINISH, A.EXIT),
    Stage.RATING: (A.SUBMIT_RATING, A.SKIP),
    Stage.CARD_RETURN: (A.EXIT,),
    Stage.ERROR: (A.EXIT,),
    Stage.GOODBYE: (),
}
BUSY = frozenset({Stage.OPENING, Stage.PRINTING, Stage.SUBMITTING})


@dataclass(frozen=True)
class Screen:
    """The flow's state as :func:`render` needs it."""

    stage: Stage
    member: Member | None
    rating: RatingDraft | None
    message: Text | None
    can_retry: bool
    settings: SessionSection
    elderly: bool

    @property
    def page_size(self) -> int:
        return self.settings.elderly_page_size if self.elderly else self.settings.page_size


def _page(items: tuple[T, ...], page: int, size: int) -> tuple[tuple[T, ...], int, int]:
    pages = max(1, math.ceil(len(items) / size))
    page = min(max(0, page), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def _paging(page: int, pages: int) -> tuple[Action, ...]:
    return ((A.PREVIOUS_PAGE,) if page > 0 else ()) + ((A.NEXT_PAGE,) if page < pages - 1 else ())


def _buttons(screen: Screen, detail: Detail | None) -> tuple[Action, ...]:
    stage, member = screen.stage, screen.member
    buttons = BUTTONS[stage]
    if stage is Stage.ERROR and screen.can_retry:
        buttons = (A.RETRY, *buttons)
    elif stage is Stage.CERTIFICATE and member is not None and member.verification_code is not None:
        buttons = (A.PRINT, *buttons)
    elif member is not None and (
        (stage is Stage.PRINTED and member.can_reprint)
        or (stage is Stage.RESULT and member.receipt_can_reprint)
    ):
        buttons = (A.REPRINT, *buttons)
    elif stage is Stage.WITHDRAWAL_AMOUNT and isinstance(detail, AmountDetail) and detail.balance_fen:
        buttons = (*buttons[:1], A.WHOLE_BALANCE, *buttons[1:])
    elif stage is Stage.WITHDRAWAL_TYPE and isinstance(detail, TypesDetail) and detail.options:
        buttons = (A.CHOOSE_TYPE, *_paging(detail.page, detail.pages), *buttons)
    elif stage is Stage.ACCOUNT and isinstance(detail, AccountDetail):
        buttons = (*_paging(detail.page, detail.pages), *buttons)
    elif stage is Stage.RATING:
        buttons = (A.RATE, A.COMMENT, *buttons)
    if stage is Stage.GOODBYE:
        return buttons
    return (*buttons, *TOGGLES)


def _detail(screen: Screen) -> Detail | None:  # noqa: PLR0911, PLR0912 - one per stage
    stage, m = screen.stage, screen.member
    if stage is Stage.RATING and screen.rating is not None:
        r = screen.rating
        chosen = Rating(r.chosen) if r.chosen is not None else None
        return RatingDetail(tuple(Rating), chosen, screen.settings.comment_presets, r.comments)
    if stage is Stage.ERROR:
        return ErrorDetail(screen.can_retry)
    if m is None:
        return None
    if stage in (Stage.FACE, Stage.CONFIRM_FACE):
        attempt = m.face_attempt if stage is Stage.FACE else m.confirm_failures + 1
        return FaceDetail(m.face_step, m.face_code, attempt, screen.settings.face_attempts)
    if stage is Stage.ACCOUNT:
        rows, page, pages = _page(m.movements, m.page, screen.page_size)
        return AccountDetail(m.account, rows, page, pages)
    if stage in (Stage.CERTIFICATE, Stage.PRINTING, Stage.PRINTED):
        return CertificateDetail(m.verification_code, m.preview_png, m.can_reprint)
    if stage is Stage.WITHDRAWAL_TYPE:
        if m.types is None:
            return TypesDetail(None, 0, 1)
        options, page, pages = _page(m.types, m.page, screen.page_size)
        return TypesDetail(options, page, pages)
    balance = m.account.balance_fen if m.account is not None else None
    if m.option is not None:
        if stage is Stage.WITHDRAWAL_RULE:
            return RuleDetail(m.option)
        if stage is Stage.WITHDRAWAL_AMOUNT:
            return AmountDetail(m.option, m.amount_fen, balance, m.option.closes_account)
        if stage is Stage.WITHDRAWAL_BANK_CARD:
            last4 = m.account.bank_card_last4 if m.account is not None else None
            return BankCardDetail(mask_bank_card(m.bank_card) if m.bank_card else "", last4)
        if stage is Stage.WITHDRAWAL_CONFIRM:
            amount = None if m.option.closes_account else m.amount_fen
            return ConfirmDetail(m.option, amount, balance, mask_bank_card(m.bank_card))
    if stage is Stage.RESULT and m.result_kind is not None:
        return ResultDetail(
            m.result_kind, m.reference, m.result_amount_fen, m.receipt_text, m.receipt_can_reprint
        )
    return None


def _extra(screen: Screen) -> tuple[Text, ...]:
    m = screen.member
    if screen.stage is Stage.RESULT and m is not None and m.result_kind in ("accepted", "in_review"):
        return (MESSAGES["sms_notice"],)
    return ()


def render(screen: Screen, seconds_left: int | None, language: Language) -> View:
    detail = _detail(screen)
    member = screen.member
    return View(
        stage=screen.stage,
        session=member.session if member is not None else None,
        seconds_left=seconds_left,
        language=language,
        elderly=screen.elderly,
        title=TITLES[screen.stage],
        message=screen.message if screen.stage is not Stage.ATTRACT else MESSAGES["attract"],
        buttons=_buttons(screen, detail),
        name_masked=member.name_masked if member is not None else None,
        detail=detail,
        busy=screen.stage in BUSY
        or (isinstance(detail, AccountDetail) and detail.account is None)
        or (isinstance(detail, CertificateDetail) and detail.verification_code is None)
        or (isinstance(detail, TypesDetail) and detail.options is None),
        extra=_extra(screen),
    )
