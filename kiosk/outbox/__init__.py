"""The durable outbox: a withdrawal is on disk with its Idempotency-Key before it is first sent."""
