"""The kiosk appliance core: config, logging, the worker boundary, and (later) flow, identity, client."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fund-kiosk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
