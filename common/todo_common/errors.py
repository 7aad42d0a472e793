"""Domain errors and the one place that maps them to JSON HTTP errors.

Every error body is `{"detail": str, "errors": [...]?}`; routes never build error
responses themselves.
"""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = structlog.get_logger()


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class AuthenticationError(DomainError):
    status_code = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class NotFoundError(DomainError):
    status_code = 404


class InvalidInputError(DomainError):
    status_code = 422


class RateLimitedError(DomainError):
    status_code = 429


class ServiceUnavailableError(DomainError):
    """A dependency is away for a while (database, sidecar): retry after a moment."""

    status_code = 503

    def __init__(self, detail: str, *, retry_after_seconds: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})


def service_unavailable_response(detail: str, *, retry_after_seconds: int = 1) -> JSONResponse:
    return JSONResponse({"detail": detail}, 503, headers={"Retry-After": str(retry_after_seconds)})


def internal_error_response() -> JSONResponse:
    return JSONResponse({"detail": "internal server error"}, 500)


class FieldError(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    field: str
    in_: str = Field(alias="in")
    message: str
    type: str


class ErrorResponse(BaseModel):
    """Every error body; `errors` only on validation errors (422)."""

    detail: str
    errors: list[FieldError] | None = None


_ERROR_DESCRIPTIONS = {
    400: "malformed request",
    401: "missing, invalid or expired token",
    403: "not allowed",
    404: "not found",
    409: "conflict with the current state",
    413: "request body over the size limit",
    422: "invalid input; `errors` names each bad field",
    429: "rate limit exceeded; retry after `Retry-After` seconds",
    503: "a dependency (database, sidecar) is unavailable; retry after `Retry-After` seconds",
}
_RETRY_AFTER_HEADER = {
    "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}
}


def error_responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error codes a route can answer, all with `ErrorResponse`
    (a description can be overridden: `error_responses(404, e404="no such task")`)."""
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        response: dict[str, Any] = {
            "model": ErrorResponse,
            "description": descriptions.get(f"e{code}", _ERROR_DESCRIPTIONS[code]),
        }
        if code in (429, 503):
            response["headers"] = _RETRY_AFTER_HEADER
        responses[code] = response
    return responses


_SOURCES = {"body", "query", "path", "header", "cookie"}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        source = location.pop(0) if location and location[0] in _SOURCES else "body"
        errors.append(
            {
                "field": ".".join(location),
                "in": source,
                "message": error.get("msg", "invalid value"),
                "type": error.get("type", "value_error"),
            }
        )
    return errors


_MALFORMED_BODY = {
    "description": "malformed request body (not UTF-8)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path in schema.get("paths", {}).values()
        for method, operation in path.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


def _document_error_responses(app: FastAPI) -> None:
    """The OpenAPI document says what the handlers below answer: FastAPI documents every 422
    as its own `HTTPValidationError`, but the body is `ErrorResponse`; and a body that cannot
    be decoded is a 400 on any route that takes one."""
    build_default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build_default()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            _, definitions = models_json_schema(
                [(ErrorResponse, "serialization")], ref_template="#/components/schemas/{model}"
            )
            schemas.update(definitions.get("$defs", {}))
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = {"$ref": "#/components/schemas/ErrorResponse"}
                schemas.pop("ValidationError", None)
            for operation in _operations(schema):
                if "requestBody" in operation:
                    operation["responses"].setdefault("400", _MALFORMED_BODY)
        return app.openapi_schema or build_default()

    app.openapi = openapi  # type: ignore[method-assign]


def add_exception_handlers(app: FastAPI) -> None:
    _document_error_responses(app)

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]})) or "request"
        return JSONResponse({"detail": f"invalid input: {fields}", "errors": errors}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
        )

    # A bug still answers JSON (Starlette re-raises it afterwards, so it is logged).
    @app.exception_handler(Exception)
    async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
        return internal_error_response()
