"""A4 documents through CUPS: the command-line tools (``transport``), their output (``protocol``), and
the queue as a device that follows each job to its end (``device``)."""
