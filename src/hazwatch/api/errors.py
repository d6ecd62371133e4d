"""Map domain and validation errors to JSON bodies with a machine-readable reason.

Every error answers ``{"error": {"code", "message", "field", "params"}}`` (plus ``details``
for request validation), in the caller's language (``Accept-Language``; zh-CN by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hazwatch.api.inputs import reason_of
from hazwatch.core.errors import DomainError, ErrorKind
from hazwatch.core.i18n import DEFAULT_LANGUAGE, catalogue, normalise_language, translate
from hazwatch.monitoring.retry import transient

STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.UNAVAILABLE: 503,
}
#: Seconds a client is told to wait before sending a refused request again (503).
RETRY_AFTER_S = 5


def language_of(request: Request) -> str:
    return normalise_language(request.headers.get("accept-language"))


def error_body(code: str, language: str, field: str | None = None, **params: Any) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": translate(code, language, **params),
            "field": field,
            "params": {
                k: v if isinstance(v, int | float | str) else str(v) for k, v in params.items()
            },
        }
    }


def _reason(errors: Sequence[Any]) -> tuple[str, int | None, dict[str, Any]]:
    """The reason of a refused request, the index of the error it comes from, and its
    parameters: a domain message key raised inside a validator (``ValueError("registry.…")``),
    else a rule of :mod:`hazwatch.api.inputs` (out of range, too long, NUL, a number for a
    time), else the generic ``request.invalid``."""
    known = catalogue(DEFAULT_LANGUAGE)
    for index, err in enumerate(errors):
        key = str(err.get("ctx", {}).get("error", ""))
        if key in known:
            return key, index, {}
    for index, err in enumerate(errors):
        rule = reason_of(err)
        if rule is not None:
            return rule[0], index, rule[1]
    return "request.invalid", None, {}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        body = error_body(exc.code, language_of(request), exc.field, **exc.params)
        headers = (
            {"WWW-Authenticate": "Bearer"}
            if exc.kind is ErrorKind.UNAUTHENTICATED
            else {"Retry-After": str(RETRY_AFTER_S)}
            if exc.kind is ErrorKind.UNAVAILABLE
            else None
        )
        return JSONResponse(body, status_code=STATUS[exc.kind], headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = language_of(request)
        details = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "type": err.get("type"),
                "message": err.get("msg"),
            }
            for err in exc.errors()
        ]
        code, index, params = _reason(exc.errors())
        chosen = details[index if index is not None else 0] if details else None
        body = error_body(code, language, chosen["field"] if chosen else None, **params)
        body["error"]["details"] = details
        return JSONResponse(body, status_code=422)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        """The database unreachable or restarting, met by a route's own reads and checks:
        503 with the reason the engine's actions give (nothing was changed; retry). Any
        other database error is a fault (500)."""
        if not transient(exc):
            raise exc
        return JSONResponse(
            error_body("monitoring.database_unavailable", language_of(request)),
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(error_body("request.conflict", language_of(request)), status_code=409)
