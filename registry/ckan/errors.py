"""The errors a CKAN action answers with: CKAN's ``__type`` names and status codes, so that
CKAN clients (``ckanapi`` raises ``NotFound``, ``ValidationError``, ``NotAuthorized``) react as
they would against CKAN itself."""
from __future__ import annotations

from typing import Any


class ActionError(Exception):
    """An action refused the call; ``body`` is the ``error`` member of the envelope."""

    status = 500
    kind = "Internal Server Error"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    @property
    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": self.message, **self.fields}


class NotFoundError(ActionError):
    status = 404
    kind = "Not Found Error"

    def __init__(self, message: str):
        super().__init__(f"Not found: {message}")


class AuthorizationError(ActionError):
    status = 403
    kind = "Authorization Error"

    def __init__(self, message: str):
        super().__init__(f"Access denied: {message}")


class ParamError(ActionError):
    """A parameter is malformed or asks for something this catalog does not support (CKAN's 409)."""

    status = 409
    kind = "Validation Error"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
