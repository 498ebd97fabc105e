"""A request body read as a blocking file by a worker thread, chunk by chunk.

Uploads go to the artifact store through blocking fsspec calls; this lets them consume the
body as it arrives instead of buffering the whole file first.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import anyio.from_thread


class BodyReader(io.RawIOBase):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._finished = False

    def readable(self) -> bool:
        return True

    async def _next_chunk(self) -> bytes | None:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    def read(self, size: int | None = -1) -> bytes:
        wanted = -1 if size is None else size
        while not self._finished and (wanted < 0 or len(self._buffer) < wanted):
            chunk = anyio.from_thread.run(self._next_chunk)
            if chunk is None:
                self._finished = True
            else:
                self._buffer.extend(chunk)
        if wanted < 0 or wanted >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
        else:
            data = bytes(self._buffer[:wanted])
            del self._buffer[:wanted]
        return data
