"""The body of a warm worker process: read a task, run it, write the result, repeat.

Frames are a 4-byte big-endian length then a pickle. A function arrives once, pickled by
value with cloudpickle, and is kept by its digest so later tasks send only the digest. A task
is (digest, function or None, args, kwargs, environment variables for the step or None).
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import traceback
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> Any:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError
    size = HEADER.unpack(header)[0]
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data.extend(chunk)
    return pickle.loads(data)


def write_frame(stream: BinaryIO, value: Any, dumps: Any = pickle.dumps) -> None:
    data = dumps(value)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def serve(reader: BinaryIO, writer: BinaryIO) -> None:
    import cloudpickle  # type: ignore[import-untyped]

    functions: dict[str, Any] = {}
    while True:
        try:
            digest, function_bytes, args, kwargs, environment = read_frame(reader)
        except EOFError:
            return
        # A step's environment (the GPUs it was given) lasts as long as the step.
        saved = {name: os.environ.get(name) for name in environment or {}}
        os.environ.update(environment or {})
        try:
            if function_bytes is not None:
                functions[digest] = pickle.loads(function_bytes)
            value = functions[digest](*args, **kwargs)
            reply: tuple[bool, Any] = (True, value)
        except BaseException as error:  # the step's failure is the result, not the worker's
            reply = (False, (type(error).__name__, str(error), traceback.format_exc()))
        finally:
            for name, value_before in saved.items():
                if value_before is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value_before
        try:
            write_frame(writer, reply, cloudpickle.dumps)
        except Exception as error:
            failure = (type(error).__name__, f"the step's output cannot be pickled: {error}", "")
            write_frame(writer, (False, failure))


def main() -> None:
    # The protocol owns the real stdout; a step's prints go to stderr instead.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, protocol_out)


if __name__ == "__main__":
    main()
