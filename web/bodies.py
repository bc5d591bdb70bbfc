"""Reading a JSON request body the one way every API endpoint does: 415 when it is not sent as
JSON, 400 naming line and column when it is not JSON (NaN, Infinity and absurd nesting too), and
an optional body that is absent read as ``None``."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from web.errors import ApiError


def json_body(*, optional: bool = False) -> Any:
    """The request's JSON body.

    Parameters
    ----------
    optional : bool
        When true, a request without a body (no bytes) answers ``None`` whatever its
        Content-Type; a body that is sent must still be JSON.

    Raises
    ------
    web.errors.ApiError
        415 when a body is not sent as ``application/json``; 400 naming where it breaks when it
        is not JSON.
    """
    raw = request.get_data(cache=True)
    if optional and not raw:
        return None
    if not request.is_json:
        raise ApiError(415, "send the body as JSON (Content-Type: application/json)")

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a JSON number")

    try:
        return json.loads(raw, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise ApiError(400, "the body is not valid JSON", [{
            "location": f"body (line {exc.lineno}, column {exc.colno})", "field": "body",
            "message": f"{exc.msg}; send one JSON object"}]) from None
    except (ValueError, RecursionError) as exc:  # undecodable bytes, NaN, nesting too deep
        message = str(exc) if isinstance(exc, ValueError) else "is nested too deeply"
        raise ApiError(400, "the body is not valid JSON", [{
            "location": "body", "field": "body", "message": message}]) from None


def object_body(example: str, *, optional: bool = False) -> dict[str, Any]:
    """The JSON body as an object (``{}`` when an optional body is absent); 400 when it is JSON
    but not an object, ``example`` showing what to send."""
    body = json_body(optional=optional)
    if body is None and optional:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, f"the body must be a JSON object such as {example}",
                       [{"location": "body", "field": "body",
                         "message": f"must be an object, got {type(body).__name__}"}])
    return body


def whole_number(value: Any) -> Any:
    """``value`` as an ``int`` when it is a JSON number with no fractional part (``417353.0`` is
    an integer to JSON Schema, so the API takes it as one); anything else as it is, for the
    caller's own check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
