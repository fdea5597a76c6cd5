"""The member's session, UI-agnostic: :class:`~kiosk.session.flow.SessionFlow` (events in, an immutable
:class:`~kiosk.session.view.View` out), the :class:`~kiosk.session.ports.Services` it calls, and the
real services (:mod:`kiosk.session.services`) that run hardware and network on workers.

Screens import from here: :mod:`~kiosk.session.states` (Stage, Action, Rating), :mod:`~kiosk.session.events`,
:mod:`~kiosk.session.view` and :mod:`~kiosk.session.messages` (labels for buttons and ratings).
"""
