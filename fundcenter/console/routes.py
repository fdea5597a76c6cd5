"""The staff console's pages and JSON endpoints under ``/console`` (not part of the kiosk contract).

Pages are small HTML shells; ``static/console.js`` fills them from the JSON endpoints and polls them,
so everything updates without reloading. No build step, nothing from outside the back end.
"""

from __future__ import annotations

import functools
import html
import secrets
import string
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fundcenter.console import queries
from fundcenter.console.auth import COOKIE, CSRF_HEADER, LOGIN_CSRF_COOKIE, Staff, StaffAuth, same_token
from fundcenter.console.errors import ConsoleCode, ConsoleError
from fundcenter.console.settings import ConsoleSettings
from fundcenter.console.state import ConsoleState
from fundcenter.context import Context

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
PREFIX = "/console"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@dataclass
class Console:
    ctx: Context
    settings: ConsoleSettings
    auth: StaffAuth
    state: ConsoleState


def console(request: Request) -> Console:
    found: Console = request.app.state.console
    return found


ConsoleDep = Annotated[Console, Depends(console)]


@functools.cache
def _template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text("utf-8"))


def _render(name: str, values: dict[str, str], status: int = 200) -> HTMLResponse:
    escaped = {k: html.escape(v) for k, v in values.items()}
    header = _template("header.html").substitute(escaped) if "user" in values else ""
    layout = _template("layout.html")
    body = _template(name).substitute(escaped | {"header": header})
    page = layout.substitute(
        title=html.escape(values.get("title", "")), body=body, page=name.removesuffix(".html")
    )
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


def _staff(request: Request, c: Console) -> Staff | None:
    return c.auth.session(request.cookies.get(COOKIE), c.ctx.now())


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def staff_api(request: Request, c: ConsoleDep) -> Staff:
    staff = _staff(request, c)
    if staff is None:
        raise ConsoleError(ConsoleCode.LOGIN_REQUIRED)
    c.state.maybe_sweep()
    return staff


def staff_post(request: Request, staff: Annotated[Staff, Depends(staff_api)]) -> Staff:
    if not _same_origin(request) or not same_token(request.headers.get(CSRF_HEADER), staff.csrf_token):
        raise ConsoleError(ConsoleCode.CSRF_FAILED)
    return staff


StaffDep = Annotated[Staff, Depends(staff_api)]


def _page(request: Request, c: Console, name: str, title: str, **values: str) -> Response:
    staff = _staff(request, c)
    if staff is None:
        target = urllib.parse.quote(request.url.path)
        return RedirectResponse(f"{PREFIX}/login?next={target}", status_code=303)
    page = {
        "title": title,
        "user": staff.username,
        "csrf": staff.csrf_token,
        "poll_ms": str(int(c.settings.poll_s * 1000)),
    }
    return _render(name, page | values)


# -- login and logout -------------------------------------------------------------------------------


def _login_page(request: Request, message: str = "", status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    next_path = request.query_params.get("next", f"{PREFIX}/")
    values = {"title": "登录", "message": message, "login_csrf": token, "next": next_path}
    response = _render("login.html", values, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=f"{PREFIX}/login",
        max_age=3600,
    )
    return response


def _safe_next(value: str) -> str:
    """Only a console path: never an address elsewhere."""
    if value.startswith(f"{PREFIX}/") and not value.startswith("//") and "\\" not in value:
        return value
    return f"{PREFIX}/"


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login")
async def login(request: Request, c: ConsoleDep) -> Response:
    form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
    field = {k: v[0] for k, v in form.items() if v}
    if not _same_origin(request) or not same_token(
        field.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(8)
    ):
        return _login_page(request, "页面已过期，请重新登录", 403)
    address = request.client.host if request.client else "unknown"
    try:
        token, _staff_member = c.auth.login(
            field.get("username", ""), field.get("password", ""), address, c.ctx.now()
        )
    except ConsoleError as exc:
        failed = _login_page(request, exc.message, exc.status)
        if exc.retry_after_s:
            failed.headers["Retry-After"] = str(exc.retry_after_s)
        return failed
    response = RedirectResponse(_safe_next(field.get("next", "")), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=PREFIX,
        max_age=c.settings.session_max_s,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/login")
    return response


@router.post("/logout")
def logout(request: Request, c: ConsoleDep, _staff: Annotated[Staff, Depends(staff_post)]) -> Response:
    c.auth.logout(request.cookies.get(COOKIE))
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


# -- pages --------------------------------------------------------------------------------------------


@router.get("/")
def kiosks_page(request: Request, c: ConsoleDep) -> Response:
    return _page(request, c, "kiosks.html", "终端列表")


@router.get("/kiosks/{device_id}")
def kiosk_page(request: Request, c: ConsoleDep, device_id: str) -> Response:
    return _page(request, c, "kiosk.html", f"终端 {device_id}", device_id=device_id)


@router.get("/alerts")
def alerts_page(request: Request, c: ConsoleDep) -> Response:
    return _page(request, c, "alerts.html", "告警")


# -- JSON -----------------------------------------------------------------------------------------------


@router.get("/api/kiosks")
def api_kiosks(
    *,
    c: ConsoleDep,
    _staff: StaffDep,
    state: queries.State | None = None,
    hall: Annotated[str | None, Query(max_length=128)] = None,
    worst: queries.Worst | None = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    return queries.kiosk_page(
        c.ctx.engine,
        c.settings,
        c.ctx.now(),
        state=state,
        hall=hall or None,
        worst=worst,
        search=q or None,
        page=page,
        size=size,
    )


@router.get("/api/halls")
def api_halls(c: ConsoleDep, _staff: StaffDep) -> list[str]:
    return queries.halls(c.ctx.engine)


@router.get("/api/kiosks/{device_id}")
def api_kiosk(c: ConsoleDep, _staff: StaffDep, device_id: str) -> dict[str, Any]:
    return queries.kiosk_detail(c.ctx.engine, c.settings, c.ctx.now(), device_id)


@router.get("/api/alerts")
def api_alerts(
    c: ConsoleDep,
    _staff: StaffDep,
    status: queries.AlertFilter = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    return queries.alert_list(c.ctx.engine, status, limit)


@router.post("/api/alerts/{alert_id}/ack")
def api_acknowledge(
    c: ConsoleDep, staff: Annotated[Staff, Depends(staff_post)], alert_id: int
) -> dict[str, Any]:
    return queries.acknowledge(c.ctx.engine, alert_id, staff.username, c.ctx.now())


@router.get("/api/me")
def api_me(c: ConsoleDep, staff: StaffDep) -> dict[str, Any]:
    return {
        "username": staff.username,
        "stale_after_s": c.settings.stale_after_s,
        "offline_after_s": c.settings.offline_after_s,
    }
