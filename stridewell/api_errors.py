"""The error answers every /api/v1 operation can give, declared in its OpenAPI schema.

django-ninja itself answers before (or around) any view: 401 when no credentials
pass, 429 when an address keeps failing tokens (``TokenAuth``), 422 when a
parameter or body does not validate, 400 when a body cannot be parsed, 404
when a view raises ``Http404`` for an id in the path, and 503 (with Retry-After,
from stridewell.lib.unavailable) while the database or Redis is away. These come from the
framework rather than one view, so they are declared here once for every
operation; an operation's own ``response=`` mapping still wins where it names
the same status. proof/apifuzz.sh (schemathesis) holds the API to this.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser


class Problem(Schema):
    """What a view answers when it refuses: one sentence."""

    detail: str


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ],
            "description": "A sentence, or (422) one entry per invalid field",
        }
    },
    "required": ["detail"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    400: "The body could not be read",
    401: "No valid token or session",
    404: "Nothing with that id that you may see",
    422: "A parameter or the body is not valid",
    429: "Too many failed tokens from this address",
    503: "The database or Redis is briefly away (see Retry-After); nothing is lost",
}


def _error(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def framework_errors(operation: dict[str, Any]) -> list[int]:
    """The statuses ninja may answer for this operation whatever its view does."""
    statuses = [503]  # stridewell.lib.unavailable, for any request
    if operation.get("security"):
        statuses += [401, 429]
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses.append(422)
    if "requestBody" in operation:
        statuses.append(400)
    if any(p.get("in") == "path" for p in parameters):
        statuses.append(404)
    return statuses


def declare_errors(schema: dict[str, Any]) -> None:
    """Add the framework's error answers to every operation that lacks them."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status in framework_errors(operation):
                responses.setdefault(status, _error(status))


class ObjectParser(Parser):
    """JSON bodies must be objects: every body we take is one.

    Without this a list such as ``[null, null]`` reaches pydantic, which reads
    a schema whose fields all have defaults from any object at all, so the
    request "succeeds" with nothing in it. Raising here answers 400.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class StridewellAPI(NinjaAPI):
    """NinjaAPI that reads only JSON objects and whose schema names the framework's errors."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parser", ObjectParser())
        super().__init__(**kwargs)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_errors(schema)
        return schema
