"""Kiosks: the device CA, enrolment with one-time tokens, identity of a request, revocation."""
