"""Second-generation resident ID card readers (GA/T 467 SAM frames over a serial line).

Layers: :mod:`.transport` (pyserial), :mod:`.protocol` (pure frames), :mod:`.carddata` (the text
block), :mod:`.device` (command sequences and status), :mod:`.poller` (placement events), and
:mod:`.simulator` (the same wire protocol, with faults).
"""
