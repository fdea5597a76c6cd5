import sys

from kiosk.maintenance.cli import main

sys.exit(main())
