"""Plugging the console into the back end's application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from fundcenter.console import errors, routes
from fundcenter.console.auth import StaffAuth
from fundcenter.console.state import ConsoleState
from fundcenter.context import Context


def install(app: FastAPI, ctx: Context) -> routes.Console:
    """Add the console to the back end and keep each kiosk's state from the heartbeats it stores."""
    settings = ctx.settings.console
    state = ConsoleState(ctx.engine, settings, ctx.now)
    ctx.heartbeats.listeners.append(state.on_heartbeats)
    console = routes.Console(ctx, settings, StaffAuth(ctx.engine, settings), state)
    app.state.console = console
    errors.install(app)
    app.include_router(routes.router)
    app.mount(f"{routes.PREFIX}/static", StaticFiles(directory=routes.HERE / "static"), name="console-static")
    return console
