"""Deposit certificates (个人住房公积金缴存证明): content, PDF, seal image, PAdES signature, verification."""
