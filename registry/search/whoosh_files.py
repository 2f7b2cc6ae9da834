"""Reading Whoosh's compound segment files without copying them.

Whoosh maps a compound segment file and hands out each sub-file as a
``BufferFile``, whose constructor wraps the mapped bytes in ``BytesIO`` —
which copies them. Opening the 100,000-item segment so copied tens of
megabytes every time a worker reopened the index after another process's
commit (about 150 ms of a 220 ms search, bench/load_bench.py), so under
steady edits the workers spent their time copying files they barely read.
:class:`MappedFile` reads from the mapping itself; only the bytes asked for
are copied.
"""
from __future__ import annotations

import io

from whoosh.filedb import compound, structfile


class MappedFile(io.RawIOBase):
    """A read-only file over a memoryview. Not for sharing between threads (nor was BytesIO's position):
    index readers are used under their handle's lock."""

    def __init__(self, buffer) -> None:
        super().__init__()
        self._view = memoryview(buffer)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        if start >= len(self._view):
            return b""
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._position = end
        return self._view[start:end].tobytes()

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}
        if whence not in bases or bases[whence] + offset < 0:
            raise ValueError(f"invalid seek: offset {offset}, whence {whence}")
        self._position = bases[whence] + offset
        return self._position

    def close(self) -> None:
        super().close()
        try:
            self._view.release()  # the mapping (and a deleted segment's file) may go once its readers have
        except BufferError:  # a slice of it is still in use: the garbage collector frees it later
            pass

    def tell(self) -> int:
        return self._position


class MappedBufferFile(structfile.BufferFile):
    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = MappedFile(buf)


def install() -> None:
    """Make compound storage hand out :class:`MappedBufferFile` (idempotent)."""
    compound.BufferFile = MappedBufferFile
