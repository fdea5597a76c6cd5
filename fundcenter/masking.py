"""Masking of personal data for logs and the public verification page (the kiosk has its own)."""

from __future__ import annotations


def id_number(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1) if value else value


def bank_card(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)
