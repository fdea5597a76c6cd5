"""Withdrawal types and their rules, as code.

Art. 24 of the Regulations on the Administration of Housing Provident Fund (住房公积金管理条例) lists
purchase/build/rebuild/major repair, retirement, total loss of working capacity with employment
ended, settling abroad, loan repayment and rent; centers add local types. Each type below says which
documents it needs, whether it closes the account, whether it is approved at once (秒批) or goes to
manual review, and checks its own conditions and limits. Limits are configuration (``Limits``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fundcenter.errors import Code

Approval = Literal["instant", "review"]


class Limits(BaseModel):
    """Local policy numbers a center sets; every amount in fen."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rent_monthly_cap_single_fen: int = Field(default=1500_00, gt=0)
    rent_monthly_cap_couple_fen: int = Field(default=3000_00, gt=0)
    rent_max_months: int = Field(default=12, ge=1, le=24)
    rent_min_paid_months_ago: int = Field(default=3, ge=0)  # contributions must be this recent
    sealed_months_required: int = Field(default=6, ge=0)  # resignation / leaving the city
    retirement_age_male: int = Field(default=60, ge=40)
    retirement_age_female: int = Field(default=50, ge=40)


class Details(BaseModel):
    """Type-specific facts the member states on the kiosk (each type reads the ones it needs)."""

    model_config = ConfigDict(extra="forbid")

    months: int | None = Field(default=None, ge=1, le=24, strict=True, description="rent: months paid for")
    married: bool | None = Field(default=None, strict=True, description="rent: the couple cap applies")
    house_price_fen: int | None = Field(
        default=None, gt=0, le=10**12, strict=True, description="purchase: price"
    )
    cost_fen: int | None = Field(
        default=None, gt=0, le=10**12, strict=True, description="build/repair/illness/elevator"
    )


@dataclass(frozen=True)
class Facts:
    """What a rule sees: the account as stored now, the request, and today's date in China."""

    status: str
    sealed_since: dt.date | None
    birth_date: dt.date
    gender: str
    balance_fen: int
    loan_status: str
    paid_up_to: str
    today: dt.date
    amount_fen: int | None
    documents: frozenset[str]
    details: Details


class Refusal(Exception):
    def __init__(self, code: Code, reason: str, message: str, **detail: object) -> None:
        super().__init__(f"{reason}: {message}")
        self.code, self.reason, self.message = code, reason, message
        self.detail = {"reason": reason, **detail}


@dataclass(frozen=True)
class WithdrawalType:
    code: str
    title: str
    basis: str
    documents: tuple[str, ...]
    closes_account: bool
    approval: Approval
    check: Callable[[Facts, Limits], int] = field(repr=False)  # returns the amount to pay (fen)


DOCUMENTS = {
    "purchase_contract": "购房合同或不动产权证书",
    "purchase_invoice": "购房发票或契税完税凭证",
    "building_permit": "建造、翻建、大修审批文件",
    "cost_proof": "工程预算或费用凭证",
    "work_capacity_appraisal": "劳动能力鉴定结论",
    "termination_proof": "解除或终止劳动关系证明",
    "emigration_proof": "出境定居证明（注销户口证明）",
    "diagnosis": "重大疾病诊断证明",
    "medical_invoices": "医疗费用票据",
    "subsistence_certificate": "城乡最低生活保障证明",
    "elevator_agreement": "加装电梯协议及费用分摊证明",
}


def _months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _full_balance(f: Facts) -> int:
    """Closing types pay out everything; a differing amount is refused rather than guessed."""
    if f.amount_fen is not None and f.amount_fen != f.balance_fen:
        raise Refusal(
            Code.WITHDRAWAL_INELIGIBLE,
            "amount_must_be_full_balance",
            "该类提取须全额提取并销户",
            balance_fen=f.balance_fen,
        )
    return f.balance_fen


def _amount(f: Facts) -> int:
    if f.amount_fen is None:
        raise Refusal(Code.INVALID_REQUEST, "amount_required", "请填写提取金额")
    return f.amount_fen


def _cap(amount: int, limit: int, reason: str, message: str) -> int:
    if amount > limit:
        raise Refusal(Code.WITHDRAWAL_OVER_LIMIT, reason, message, limit_fen=limit)
    return amount


def _need(value: int | None, name: str) -> int:
    if value is None:
        raise Refusal(Code.INVALID_REQUEST, "detail_required", f"请填写{name}", detail=name)
    return value


def _rent(f: Facts, limits: Limits) -> int:
    if f.status != "normal":
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "account_not_normal", "账户须处于正常缴存状态")
    year, month = (int(p) for p in f.paid_up_to.split("-"))
    if _months_between(dt.date(year, month, 1), f.today.replace(day=1)) > limits.rent_min_paid_months_ago:
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "contributions_not_current", "须连续正常缴存")
    months = f.details.months or 1
    if months > limits.rent_max_months:
        raise Refusal(
            Code.WITHDRAWAL_OVER_LIMIT,
            "too_many_months",
            f"一次最多提取{limits.rent_max_months}个月房租",
            limit_months=limits.rent_max_months,
        )
    monthly = limits.rent_monthly_cap_couple_fen if f.details.married else limits.rent_monthly_cap_single_fen
    return _cap(_amount(f), monthly * months, "over_rent_cap", "超过租房提取额度")


def _retirement(f: Facts, limits: Limits) -> int:
    age = limits.retirement_age_male if f.gender == "male" else limits.retirement_age_female
    if _age(f.birth_date, f.today) < age:
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "not_retired", "未达到法定退休年龄", retirement_age=age)
    return _full_balance(f)


def _sealed(f: Facts, limits: Limits) -> int:
    if f.status != "sealed" or f.sealed_since is None:
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "account_not_sealed", "账户须处于封存状态")
    if _months_between(f.sealed_since, f.today) < limits.sealed_months_required:
        raise Refusal(
            Code.WITHDRAWAL_INELIGIBLE,
            "sealed_too_recently",
            f"账户封存须满{limits.sealed_months_required}个月",
            months_required=limits.sealed_months_required,
        )
    return _full_balance(f)


def _loan(f: Facts, _limits: Limits) -> int:
    if f.loan_status != "active":
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "no_active_loan", "无正在偿还的住房公积金贷款")
    return _amount(f)


def _full_balance_only(f: Facts, _limits: Limits) -> int:
    return _full_balance(f)


def _up_to(detail: str, label: str) -> Callable[[Facts, Limits], int]:
    def check(f: Facts, _limits: Limits) -> int:
        value = getattr(f.details, detail)
        limit = _need(value, label)
        return _cap(_amount(f), limit, f"over_{detail.removesuffix('_fen')}", f"提取金额不能超过{label}")

    return check


def _any_amount(f: Facts, _limits: Limits) -> int:
    return _amount(f)


ART_24 = "《住房公积金管理条例》第二十四条"
LOCAL = "地方提取政策"
TYPES: dict[str, WithdrawalType] = {
    t.code: t
    for t in (
        WithdrawalType(
            code="house_purchase",
            title="购买自住住房",
            basis=ART_24,
            documents=("purchase_contract", "purchase_invoice"),
            closes_account=False,
            approval="review",
            check=_up_to("house_price_fen", "房价款"),
        ),
        WithdrawalType(
            code="house_build",
            title="建造、翻建、大修自住住房",
            basis=ART_24,
            documents=("building_permit", "cost_proof"),
            closes_account=False,
            approval="review",
            check=_up_to("cost_fen", "工程费用"),
        ),
        WithdrawalType(
            code="retirement",
            title="离休、退休",
            basis=ART_24,
            documents=(),
            closes_account=True,
            approval="instant",
            check=_retirement,
        ),
        WithdrawalType(
            code="disability",
            title="完全丧失劳动能力并与单位终止劳动关系",
            basis=ART_24,
            documents=("work_capacity_appraisal", "termination_proof"),
            closes_account=True,
            approval="review",
            check=_full_balance_only,
        ),
        WithdrawalType(
            code="settle_abroad",
            title="出境定居",
            basis=ART_24,
            documents=("emigration_proof",),
            closes_account=True,
            approval="review",
            check=_full_balance_only,
        ),
        WithdrawalType(
            code="loan_repayment",
            title="偿还购房贷款本息",
            basis=ART_24,
            documents=(),
            closes_account=False,
            approval="instant",
            check=_loan,
        ),
        WithdrawalType(
            code="rent",
            title="租房（房租超出家庭工资收入规定比例）",
            basis=ART_24,
            documents=(),
            closes_account=False,
            approval="instant",
            check=_rent,
        ),
        WithdrawalType(
            code="resignation_sealed",
            title="离职或离开本市，账户封存满规定期限",
            basis=LOCAL,
            documents=(),
            closes_account=True,
            approval="instant",
            check=_sealed,
        ),
        WithdrawalType(
            code="serious_illness",
            title="本人或家庭成员患重大疾病",
            basis=LOCAL,
            documents=("diagnosis", "medical_invoices"),
            closes_account=False,
            approval="review",
            check=_up_to("cost_fen", "自付医疗费用"),
        ),
        WithdrawalType(
            code="subsistence_allowance",
            title="享受城乡最低生活保障",
            basis=LOCAL,
            documents=("subsistence_certificate",),
            closes_account=False,
            approval="review",
            check=_any_amount,
        ),
        WithdrawalType(
            code="elevator_installation",
            title="老旧小区既有住宅加装电梯",
            basis=LOCAL,
            documents=("elevator_agreement",),
            closes_account=False,
            approval="review",
            check=_up_to("cost_fen", "分摊费用"),
        ),
    )
}


def decide(kind: WithdrawalType, facts: Facts, limits: Limits) -> int:
    """The amount to pay (fen) if the request is allowed; otherwise raises ``Refusal``."""
    if facts.status == "closed":
        raise Refusal(Code.WITHDRAWAL_INELIGIBLE, "account_closed", "账户已销户，不能办理提取")
    missing = [d for d in kind.documents if d not in facts.documents]
    if missing:
        raise Refusal(
            Code.DOCUMENTS_MISSING,
            "documents_missing",
            "缺少证明材料：" + "、".join(DOCUMENTS[d] for d in missing),
            missing=missing,
        )
    amount = kind.check(facts, limits)
    if amount <= 0:
        raise Refusal(Code.INSUFFICIENT_BALANCE, "nothing_to_withdraw", "账户无可提取余额")
    if amount > facts.balance_fen:
        raise Refusal(
            Code.INSUFFICIENT_BALANCE, "insufficient_balance", "账户余额不足", balance_fen=facts.balance_fen
        )
    return amount
