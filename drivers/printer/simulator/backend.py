"""``kioskpdf``: a CUPS backend that writes each job's file into a directory, with faults from a file.

cupsd runs it like any backend (``usb``, ``ipp``): it reports the printer's condition with ``STATE:``
lines on stderr and its exit code decides what cupsd does with the job and the queue. The device URI
``kioskpdf:/path/to/printer`` names the printer's directory: jobs land in ``out/job-N.pdf`` and the
first line of ``fault`` (when present) is the fault to play.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

SCHEME = "kioskpdf"

# Faults: errors stop the job (exit 1: cupsd applies the queue's ErrorPolicy, stop-printer by default);
# warnings print; "slow" takes 2 s; "hang" waits until the fault is cleared or the job is cancelled;
# "waiting-for-paper" is a USB printer out of paper: the job stays processing with media-empty-error
# until paper comes (the fault is cleared) or the job is cancelled.
# Offline is reported as offline-error: cupsd drops an offline-report reason when the backend fails.
ERROR_FAULTS = ("media-empty", "media-jam", "door-open", "offline")
WARNING_FAULTS = ("media-low", "toner-low")
FAULTS = (*ERROR_FAULTS, *WARNING_FAULTS, "slow", "hang", "waiting-for-paper")

SCRIPT = r"""#!/bin/sh
# kioskpdf CUPS backend (written by drivers/printer/simulator/cupsd.py): job file -> directory.
if [ $# -eq 0 ]; then echo 'direct kioskpdf "Unknown" "Kiosk simulated PDF printer"'; exit 0; fi
dir="${DEVICE_URI#kioskpdf:}"
fault=""
[ -f "$dir/fault" ] && fault=$(head -n 1 "$dir/fault")
echo "STATE: -media-empty-error,media-jam-error,door-open-error,offline-error" >&2
echo "STATE: -media-low-warning,toner-low-warning" >&2
case "$fault" in
  media-empty|media-jam|door-open)
    echo "STATE: +$fault-error" >&2; echo "ERROR: simulated $fault" >&2; exit 1;;
  offline)
    echo "STATE: +offline-error" >&2; echo "ERROR: printer is not responding" >&2; exit 1;;
  media-low|toner-low)
    echo "STATE: +$fault-warning" >&2;;
  slow)
    sleep 2;;
  hang)
    while [ "$(head -n 1 "$dir/fault" 2>/dev/null)" = hang ]; do sleep 0.1; done;;
  waiting-for-paper)
    echo "STATE: +media-empty-error" >&2
    while [ "$(head -n 1 "$dir/fault" 2>/dev/null)" = waiting-for-paper ]; do sleep 0.1; done
    echo "STATE: -media-empty-error" >&2;;
esac
out="$dir/out/job-$1.pdf"
if [ -n "$6" ]; then cat "$6" > "$out.part" || exit 1; else cat > "$out.part" || exit 1; fi
mv "$out.part" "$out"
echo "INFO: printed job $1" >&2
exit 0
"""


def install(backend_dir: Path) -> Path:
    """Write the backend into a ServerBin ``backend/`` directory. Mode 0700: cupsd runs it as root,
    as it does for backends that need the device (and our printer directories are private)."""
    backend_dir.mkdir(parents=True, exist_ok=True)
    path = backend_dir / SCHEME
    path.write_text(SCRIPT, "utf-8")
    os.chmod(path, stat.S_IRWXU)
    return path
