"""Withdrawals (提取): the types and their rules, Idempotency-Key handling, the payout."""
