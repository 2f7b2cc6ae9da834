"""The errors every interface knows how to show a user.

Messages are Chinese first, because the people filling in the catalog read
Chinese; each field error names the field so a form, an import row or an API
response can point at it.
"""
from __future__ import annotations

from dataclasses import dataclass


class MuluError(Exception):
    """Base class of the errors Mulu raises on purpose."""


class ConfigError(MuluError):
    """A setting is missing or wrong; start-up stops with this message."""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of the input.

    ``field`` is the element key (``share_basis``) or a path into the fields
    list (``fields[3].data_type``); ``label`` is its Chinese name; ``rule`` is
    the id of the regulation rule that found it, if any.
    """

    field: str
    message: str
    label: str = ""
    rule: str | None = None

    def __str__(self) -> str:
        return f"{self.label or self.field}：{self.message}"


class ValidationError(MuluError):
    """The input breaks a rule; nothing was written."""

    def __init__(self, errors: list[FieldError] | FieldError | str, field: str = ""):
        if isinstance(errors, str):
            errors = [FieldError(field=field, message=errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.message)
        return out


class NotFound(MuluError):
    """The object asked for does not exist (or the user may not know it does)."""


class PermissionDenied(MuluError):
    """The actor's role or organisation does not allow this action."""


class ConflictError(MuluError):
    """The object changed since the caller read it, or the state forbids the action."""
