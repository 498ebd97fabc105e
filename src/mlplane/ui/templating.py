"""Rendering pages: the Jinja environment, its filters, and the HTML responses they become."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from mlplane import __version__
from mlplane.core.clock import utcnow
from mlplane.governance.schemas import Principal
from mlplane.ui.navigation import entries_for

STATIC_DIR = Path(__file__).parent / "static"

# Scripts and styles come only from /static: no inline code, so an injected tag cannot run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages show what one caller may see: never store them in a shared cache.
    "Cache-Control": "no-store",
}


@cache
def asset_url(name: str) -> str:
    """The URL of a static file, versioned by its content so browsers never run a stale copy."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def format_relative(moment: datetime | None) -> str:
    """'5 min ago' or 'in 3 d': coarse on purpose, the exact time goes in a tooltip."""
    if moment is None:
        return "—"
    seconds = (utcnow() - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now" if not future else "in a moment"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            amount = f"{round(seconds / size)} {unit}"
            break
    else:
        amount = f"{round(seconds)} s"
    return f"in {amount}" if future else f"{amount} ago"


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("mlplane.ui", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        # A misspelt variable fails the page (and its test) instead of rendering blank.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["time"] = format_time
    environment.filters["ago"] = format_relative
    environment.globals["asset"] = asset_url
    environment.globals["version"] = __version__
    return environment


TEMPLATES = _environment()


def wants_fragment(request: Request) -> bool:
    """Whether htmx asked for part of a page (it sends HX-Request-Type: full for the whole)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-request-type", "partial") == "partial"
        and "hx-history-restore-request" not in request.headers
    )


def current_principal(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    principal = current_principal(request)
    values: dict[str, Any] = {
        "principal": principal,
        "navigation": entries_for(principal) if principal else [],
        "current_path": request.url.path,
        **(context or {}),
    }
    html = TEMPLATES.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})


def render_page(
    request: Request,
    page: str,
    fragment: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The whole page, or only `fragment` (the part htmx swaps) when htmx asked for that."""
    template = fragment if wants_fragment(request) else page
    return render(request, template, context, status_code=status_code)
