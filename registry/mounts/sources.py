"""Where mounted resources are read from: the named connections, the uploads folder, and the limits on both.

Operations take a :class:`Sources` rather than reading settings themselves,
so the web, the CLI and the tests hand in the instance's own (or a test's).
The package reads its settings here, from the instance folder and the
environment: ``connections.toml`` and ``MULU_CONNECTION_*`` (see
:mod:`registry.mounts.connections`), and ``MULU_MOUNT_ALLOWED_HOSTS`` (see
:class:`registry.mounts.network.HostPolicy`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from registry.mounts.connections import ConnectionRegistry
from registry.mounts.network import ALLOWED_HOSTS_ENV, HostPolicy

#: An uploaded or downloaded file may be at most this large. The web server's own limit on a request body
#: (``MAX_CONTENT_LENGTH``, 200 MB) is higher, so the limit is enforced here, while the file is copied.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: Seconds allowed to connect to a file's URL, and for each read from it.
FETCH_TIMEOUT = 15.0


@dataclass(frozen=True)
class Sources:
    connections: ConnectionRegistry
    uploads: Path
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    fetch_timeout: float = FETCH_TIMEOUT
    #: Hosts a file's URL may be fetched from besides public addresses (``MULU_MOUNT_ALLOWED_HOSTS``).
    allowed_hosts: HostPolicy = field(default_factory=HostPolicy)

    @classmethod
    def for_instance(cls, instance_path: Path, environ: dict[str, str] | None = None) -> Sources:
        """The instance's connections (``connections.toml``, ``MULU_CONNECTION_*``), ``uploads/mounts`` and the
        hosts files may be fetched from (``MULU_MOUNT_ALLOWED_HOSTS``)."""
        env = dict(os.environ if environ is None else environ)
        return cls(ConnectionRegistry.load(instance_path, env), Path(instance_path) / "uploads" / "mounts",
                   allowed_hosts=HostPolicy.parse(env.get(ALLOWED_HOSTS_ENV)))


def sources_for(settings) -> Sources:
    """The sources of a running Mulu (its :class:`~registry.core.config.Settings`)."""
    return Sources.for_instance(settings.instance_path)
