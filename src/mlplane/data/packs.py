"""Packs: many blobs in one request body, so a folder of small files costs a few requests.

A pack is a sequence of records, each an ASCII header line `<sha256> <size>\n` followed by
exactly `size` bytes. It streams in both directions and needs no index.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from mlplane.core.errors import InvalidInput

PACK_MEDIA_TYPE = "application/x-mlplane-pack"
MAX_HEADER_LENGTH = 100
COPY_CHUNK = 1 << 20


def pack_header(digest: str, size: int) -> bytes:
    return f"{digest} {size}\n".encode("ascii")


def stream_blob(handle: IO[bytes], digest: str, size: int) -> Iterator[bytes]:
    """One record of a pack, read from an open file, in chunks."""
    yield pack_header(digest, size)
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(COPY_CHUNK, remaining))
        if not chunk:
            raise OSError(f"blob {digest} ended {remaining} bytes early")
        remaining -= len(chunk)
        yield chunk


def read_header(stream: IO[bytes]) -> tuple[str, int] | None:
    """The next record's digest and size; None at the end of the pack."""
    line = stream.readline(MAX_HEADER_LENGTH)
    if not line:
        return None
    try:
        digest, size_text = line.decode("ascii").rstrip("\n").split(" ")
        size = int(size_text)
    except ValueError as error:
        raise InvalidInput(
            "the pack is malformed: a record header is not '<sha256> <size>'"
        ) from error
    if len(digest) != 64 or size < 0 or not line.endswith(b"\n"):
        raise InvalidInput("the pack is malformed: a record header is not '<sha256> <size>'")
    return digest, size


def read_body(stream: IO[bytes], size: int) -> Iterator[bytes]:
    """The `size` bytes of the current record, in chunks."""
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(COPY_CHUNK, remaining))
        if not chunk:
            raise InvalidInput("the pack is malformed: a record is shorter than its header says")
        remaining -= len(chunk)
        yield chunk
