"""Field types every API schema shares."""
from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma


class Timestamp(ma.fields.DateTime):
    """A moment in time, always sent with its offset: SQLite hands stored times back naive, and they are UTC."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
