"""Maintenance mode for field technicians, with no Kivy: the hidden gesture, technician
authentication (PIN hash, TOTP, lockout), the idle timeout, device tests, the outbox and log views,
and the persisted "out of service" state that the attract screen and the health reporter show."""
