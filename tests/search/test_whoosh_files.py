"""Compound segment files read in place behave as the copies they replace (BytesIO)."""
from __future__ import annotations

import io

import pytest

from registry.search.whoosh_files import MappedFile


def test_a_mapped_file_reads_seeks_and_ends_like_bytesio():
    data = bytes(range(200))
    mapped, copied = MappedFile(memoryview(data)), io.BytesIO(data)
    for step in [("read", 10), ("seek", 50, io.SEEK_SET), ("read", 5), ("seek", -3, io.SEEK_CUR), ("read", 4),
                 ("seek", -10, io.SEEK_END), ("read", 50), ("read", 1), ("seek", 300, io.SEEK_SET), ("read", 5),
                 ("tell",), ("seek", 0, io.SEEK_SET), ("read", -1)]:
        name, *args = step
        assert getattr(mapped, name)(*args) == getattr(copied, name)(*args), step
    with pytest.raises(ValueError):
        mapped.seek(-1)
    mapped.close()
    with pytest.raises(ValueError):
        mapped.read(1)
