"""Where mounted resources are read from: the named connections, the uploads folder, and the limits on both.

Operations take a :class:`Sources` rather than reading settings themselves,
so the web, the CLI and the tests hand in the instance's own (or a test's).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from registry.mounts.connections import ConnectionRegistry

#: An uploaded file may be at most this large (the web server refuses larger bodies before they get here).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: Seconds allowed to fetch a file's URL or ask for its modification time.
FETCH_TIMEOUT = 15.0


@dataclass(frozen=True)
class Sources:
    connections: ConnectionRegistry
    uploads: Path
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    fetch_timeout: float = FETCH_TIMEOUT

    @classmethod
    def for_instance(cls, instance_path: Path, environ: dict[str, str] | None = None) -> Sources:
        """The instance's connections (``connections.toml``, ``MULU_CONNECTION_*``) and ``uploads/mounts``."""
        return cls(ConnectionRegistry.load(instance_path, environ), Path(instance_path) / "uploads" / "mounts")


def sources_for(settings) -> Sources:
    """The sources of a running Mulu (its :class:`~registry.core.config.Settings`)."""
    return Sources.for_instance(settings.instance_path)
