"""API token, CSRF tokens for HTML forms, safe file names and security headers."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata

from flask import Flask, Response, current_app, request, session

from web.errors import ApiError

CSRF_FIELD = "csrf_token"
WRITE_METHODS: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def csrf_token() -> str:
    """The session's CSRF token (created on first use); put it in every form."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return str(token)


def check_csrf() -> None:
    """Reject a form POST whose token does not match the session's (400)."""
    if request.method not in WRITE_METHODS or not current_app.config.get("CSRF_ENABLED", True):
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        raise ApiError(400, "the form has expired or did not come from this site "
                            "(CSRF token missing or wrong) — reload the page and try again")


def check_api_token() -> None:
    """Write endpoints of the API need ``Authorization: Bearer <token>`` when a token is set."""
    if request.method not in WRITE_METHODS:
        return
    expected = current_app.config.get("API_TOKEN")
    if not expected:
        return
    header = request.headers.get("Authorization", "")
    sent = header[7:].strip() if header.lower().startswith("bearer ") else ""
    sent = sent or request.headers.get("X-API-Token", "")
    if not sent or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        raise ApiError(401, "this endpoint needs the API token: send 'Authorization: Bearer <token>'")


def safe_filename(name: str, default: str = "planner", max_length: int = 80) -> str:
    """A download file name of ASCII letters, digits, ``.``, ``_`` and ``-`` only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).strip("._-")[:max_length].strip("._-")
    return cleaned or default


def add_security_headers(response: Response) -> Response:
    """Strict CSP (scripts from this app only), no sniffing, no framing."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def register_security(app: Flask) -> None:
    """Template global ``csrf_token()`` and the response headers."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = CSRF_FIELD
    app.after_request(add_security_headers)
