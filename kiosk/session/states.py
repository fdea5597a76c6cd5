"""The stages of a member's session and the buttons a stage offers. Pure values, no behaviour.

::

    ATTRACT ─touch─▶ CARD ─card read─▶ FACE ─verified─▶ OPENING ─session─▶ MENU
    MENU ─▶ ACCOUNT (summary + recent transactions, paged)
    MENU ─▶ CERTIFICATE (loading, then preview) ─print─▶ PRINTING ─▶ PRINTED
    MENU ─▶ WITHDRAWAL_TYPE ─▶ WITHDRAWAL_RULE ─▶ WITHDRAWAL_AMOUNT ─▶ WITHDRAWAL_BANK_CARD
         ─▶ WITHDRAWAL_CONFIRM ─confirm─▶ CONFIRM_FACE ─verified (or the card re-tapped)─▶ SUBMITTING
         ─▶ RESULT ─▶ RATING ─▶ GOODBYE (wiped) ─▶ ATTRACT

A card placed on the attract screen skips CARD. A card taken away on a money step leads to
CARD_RETURN ("请放回身份证") until the same card is back; a failure leads to ERROR (retry or exit).
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    ATTRACT = "attract"
    CARD = "card"  # "place your ID card", or why the last one could not be read
    FACE = "face"  # camera, liveness challenge, matching
    OPENING = "opening"  # the back end opens the member session
    MENU = "menu"
    ACCOUNT = "account"
    CERTIFICATE = "certificate"  # loading, then the preview of the sealed certificate
    PRINTING = "printing"
    PRINTED = "printed"  # printed, or why not (with a reprint button when it may be tried again)
    WITHDRAWAL_TYPE = "withdrawal_type"
    WITHDRAWAL_RULE = "withdrawal_rule"  # the rule's explanation and the documents it needs
    WITHDRAWAL_AMOUNT = "withdrawal_amount"
    WITHDRAWAL_BANK_CARD = "withdrawal_bank_card"
    WITHDRAWAL_CONFIRM = "withdrawal_confirm"
    CONFIRM_FACE = "confirm_face"  # the second look at the face before the money moves
    SUBMITTING = "submitting"
    RESULT = "result"  # receipt number and SMS notice, or "submitted, result by SMS", or the refusal
    RATING = "rating"  # 好差评
    CARD_RETURN = "card_return"  # "请放回身份证": a money step waits for the same card
    ERROR = "error"  # a calm message, retry or exit
    GOODBYE = "goodbye"  # "请取走身份证": everything of the member has been wiped


# Steps where the member is about to move money: a removed card pauses them (CARD_RETURN), a timeout
# ends the session without submitting anything.
MONEY_STAGES = frozenset(
    {
        Stage.WITHDRAWAL_TYPE,
        Stage.WITHDRAWAL_RULE,
        Stage.WITHDRAWAL_AMOUNT,
        Stage.WITHDRAWAL_BANK_CARD,
        Stage.WITHDRAWAL_CONFIRM,
        Stage.CONFIRM_FACE,
    }
)
# Stages where the member has been verified and a back-end session may be open.
MEMBER_STAGES = frozenset(
    {
        Stage.MENU,
        Stage.ACCOUNT,
        Stage.CERTIFICATE,
        Stage.PRINTING,
        Stage.PRINTED,
        Stage.SUBMITTING,
        Stage.RESULT,
        Stage.CARD_RETURN,
    }
    | MONEY_STAGES
)
# Stages where the card may leave the reader without ending the session: work already under way
# (a print, a submission) finishes and its result is shown; the rating needs no card.
CARD_FREE_STAGES = frozenset({Stage.PRINTING, Stage.SUBMITTING, Stage.RESULT, Stage.RATING})


class Action(StrEnum):
    """A button a stage offers; the screen sends it back in :class:`~kiosk.session.events.Press`."""

    START = "start"  # attract: begin (then place the card)
    BACK = "back"
    EXIT = "exit"  # end the session now (退出)
    RETRY = "retry"
    LANGUAGE = "language"  # 中文 / English
    ELDERLY = "elderly"  # 长辈模式: larger type, slower timeouts, fewer items per page
    ACCOUNT = "account"  # menu: 账户查询
    CERTIFICATE = "certificate"  # menu: 缴存证明
    WITHDRAWAL = "withdrawal"  # menu: 提取
    PREVIOUS_PAGE = "previous_page"
    NEXT_PAGE = "next_page"
    PRINT = "print"
    REPRINT = "reprint"
    MENU = "menu"  # back to the menu (other services)
    CHOOSE_TYPE = "choose_type"  # value: a withdrawal type code
    DOCUMENTS_READY = "documents_ready"  # "I have these documents with me"
    ENTER_AMOUNT = "enter_amount"  # value: fen as decimal digits
    WHOLE_BALANCE = "whole_balance"
    ENTER_BANK_CARD = "enter_bank_card"  # value: the card's digits
    CONFIRM = "confirm"
    FINISH = "finish"  # result: done, go to the rating
    RATE = "rate"  # value: a Rating level
    COMMENT = "comment"  # value: a comment preset, toggled
    SUBMIT_RATING = "submit_rating"
    SKIP = "skip"


class Rating(StrEnum):
    """好差评, five levels from the national government-service rating scheme."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意
    VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意


class Problem(StrEnum):
    """Why a service call failed, as the flow needs to know it (the message says it to the member)."""

    UNREACHABLE = "unreachable"  # the back end did not answer: retry
    REFUSED = "refused"  # the back end said no (a rule, an ineligible account): its reason is shown
    EXPIRED = "expired"  # the member session is no longer valid: start again
    CARD = "card"  # the card cannot be used (expired card, unknown member)
    CAMERA = "camera"
    PRINTER = "printer"
    DOCUMENT = "document"  # the certificate did not validate: never printed
    INTERNAL = "internal"


class Call(StrEnum):
    """The service calls that can fail with :class:`~kiosk.session.events.ServiceFailed`."""

    OPEN_SESSION = "open_session"
    ACCOUNT = "account"
    CERTIFICATE = "certificate"
    WITHDRAWAL_TYPES = "withdrawal_types"
