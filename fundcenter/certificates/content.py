"""What a deposit certificate says: every printed field, formatted the way a center prints it."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass

from fundcenter.models import Member

TITLE = "个人住房公积金缴存证明"
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
STATUS_TEXT = {"normal": "正常缴存", "sealed": "封存", "closed": "销户"}
LOAN_TEXT = {
    "none": "无住房公积金贷款",
    "active": "有住房公积金贷款（还款中）",
    "settled": "住房公积金贷款已结清",
}


def new_code() -> str:
    """80 random bits as four groups of four: XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d} 元"


def percent(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_month(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


@dataclass(frozen=True)
class CertificateFields:
    title: str
    center: str
    name: str
    id_type: str
    id_number: str
    personal_account: str
    employer_name: str
    unit_account: str
    open_date: str
    account_status: str
    contribution_base: str
    employer_rate: str
    personal_rate: str
    monthly_amount: str
    paid_up_to: str
    balance: str
    loan_status: str
    issue_date: str
    verification_code: str
    operator: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """Label and value of every row of the table, in print order."""
        return [
            ("姓名", self.name),
            ("证件类型", self.id_type),
            ("证件号码", self.id_number),
            ("个人账号", self.personal_account),
            ("单位名称", self.employer_name),
            ("单位账号", self.unit_account),
            ("开户日期", self.open_date),
            ("账户状态", self.account_status),
            ("缴存基数", self.contribution_base),
            ("单位缴存比例", self.employer_rate),
            ("个人缴存比例", self.personal_rate),
            ("月缴存额", self.monthly_amount),
            ("缴至年月", self.paid_up_to),
            ("账户余额", self.balance),
            ("贷款情况", self.loan_status),
        ]


def fields_for(member: Member, *, center: str, code: str, operator: str, today: dt.date) -> CertificateFields:
    status = STATUS_TEXT.get(member.status, member.status)
    if member.status == "sealed" and member.sealed_since:
        status += f"（自{chinese_date(member.sealed_since)}起）"
    if member.status == "closed" and member.closed_on:
        status += f"（{chinese_date(member.closed_on)}）"
    return CertificateFields(
        title=TITLE,
        center=center,
        name=member.name,
        id_type="居民身份证",
        id_number=member.id_number,
        personal_account=member.personal_account,
        employer_name=member.employer_name,
        unit_account=member.unit_account,
        open_date=chinese_date(member.open_date),
        account_status=status,
        contribution_base=yuan(member.contribution_base_fen),
        employer_rate=percent(member.employer_rate_bp),
        personal_rate=percent(member.personal_rate_bp),
        monthly_amount=yuan(member.monthly_amount_fen),
        paid_up_to=chinese_month(member.paid_up_to),
        balance=yuan(member.balance_fen),
        loan_status=LOAN_TEXT.get(member.loan_status, member.loan_status),
        issue_date=chinese_date(today),
        verification_code=code,
        operator=operator,
    )
