"""Documents the kiosk hands out: the signature check before a certificate is printed (``verify``),
and the print results a session keeps for reprinting (``printing``)."""
