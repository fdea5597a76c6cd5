"""Reference back end: the fund center's side of the kiosk contract."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fund-kiosk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
