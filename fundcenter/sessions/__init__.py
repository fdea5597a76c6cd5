"""Member sessions: issued after card + face + liveness verification, bound to device and member."""
