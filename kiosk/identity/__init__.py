"""Face verification (1:1) with quality gates and active liveness, off the UI thread."""
