"""One error shape for the whole API, friendly pages for humans, no stack traces for anyone.

API errors are ``{"error": {"status": 400, "message": "...", "details": [...]}}`` where each
detail is ``{"location": "Forecast!D7", "field": "contacts", "message": "must be ≥ 0"}``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from planner.types import InputError, Problem


class ApiError(Exception):
    """An error the API reports with a status, a message and located details."""

    def __init__(self, status: int, message: str, details: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = list(details)


def problem_details(problems: Iterable[Problem]) -> list[dict[str, str]]:
    """The JSON details of input problems (location, field, message)."""
    return [{"location": p.location, "field": p.field, "message": p.message} for p in problems]


def input_error(exc: InputError, message: str = "the inputs have problems") -> ApiError:
    """A 400 listing every problem of an :class:`InputError`."""
    count = len(exc.problems)
    return ApiError(400, f"{message} ({count} found)", problem_details(exc.problems))


def error_response(status: int, message: str, details: Iterable[dict[str, Any]] = ()) -> Response:
    """The API's error response."""
    response = jsonify({"error": {"status": status, "message": message, "details": list(details)}})
    response.status_code = status
    return response


def internal_error_message(error_id: str) -> str:
    """What an API client reads on a 500: it is a bug, how to report it, where the trace is."""
    return (f"internal error {error_id}: this is a bug in the planner, not a problem with your "
            f"input. Please report it to the project's issue tracker (README.md, 'Reporting a "
            f"bug') with the error id {error_id}; the server log holds the traceback under that "
            f"id.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def register_error_handlers(app: Flask) -> None:
    """JSON errors under ``/api``, HTML pages elsewhere; 500s are logged, never shown."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Any:
        if _wants_json():
            return error_response(exc.status, exc.message, exc.details)
        return render_template("error.html", status=exc.status, message=exc.message,
                               details=exc.details), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            message = f"the upload is larger than the limit of {limit // (1024 * 1024)} MB"
        if _wants_json():
            response = error_response(status, message)
            allowed = getattr(exc, "valid_methods", None)
            if status == 405 and allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response
        return render_template("error.html", status=status, message=message, details=[]), status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http_error(exc)
        error_id = secrets.token_hex(6)
        app.logger.exception("internal error %s on %s %s", error_id, request.method, request.path)
        if _wants_json():
            return error_response(500, internal_error_message(error_id))
        message = f"{InternalServerError.description} (error {error_id})"
        return render_template("error.html", status=500, message=message, details=[]), 500
