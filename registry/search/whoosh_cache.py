"""Public search results kept by each process for the Whoosh backend, until a write touches a public item.

The public's searches repeat, and their answers change only when an item that is or was public is
indexed again; most index writes are compilers' drafts. Every index write touching a public item
first writes a new version file, ``PUBLIC``, into the live index directory: a random token and the
generation its commit will have. A search reads the file, then the index, and keeps its result
under the token only if the index it read has reached that generation, so no result computed
before the write became visible is kept under the new token. A writer that dies between the file
and its commit leaves a generation that the next commit takes: that commit touched no public item
(or it would have written the file again), so results under the token stay right. A reindex
builds a new directory: the directory's name is part of the key.

Per process (:mod:`registry.search.kept`), not shared like the PostgreSQL backend's
(:mod:`registry.search.pg_cache`): the Whoosh index serves one machine's workers, and a miss
costs milliseconds, not a second.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

VERSION_FILE = "PUBLIC"


def write_version(index_dir: Path, generation: int) -> None:
    """Void every process's public results from the commit of ``generation`` on (before that commit)."""
    temporary = index_dir / f".{VERSION_FILE}.{uuid.uuid4().hex}"
    temporary.write_text(f"{uuid.uuid4().hex} {generation}", encoding="ascii")
    os.replace(temporary, index_dir / VERSION_FILE)


def read_version(index_dir: Path) -> tuple[str, int] | None:
    """(token, first generation it holds for); an index never written since its build has ("", 0).

    ``None`` for a file that cannot be read, or an index directory gone: then nothing is kept.
    """
    try:
        token, generation = (index_dir / VERSION_FILE).read_text(encoding="ascii").split()
        return token, int(generation)
    except FileNotFoundError:
        return ("", 0) if index_dir.is_dir() else None
    except (OSError, ValueError):
        return None
