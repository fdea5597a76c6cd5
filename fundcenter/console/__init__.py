"""The monitoring staff's console: kiosks online, stale or offline, their checks and history, alerts.

Served by the back end under ``/console`` (plain HTML, CSS and JavaScript from ``static/``, nothing to
build, nothing from elsewhere). Staff log in; see :mod:`fundcenter.console.auth`.
"""
