from __future__ import annotations

import gc

from mlplane.server.processes import settled_heap


def test_settled_heap_freezes_startup_objects_while_serving() -> None:
    built_at_startup = [object() for _ in range(10)]

    with settled_heap():
        frozen = gc.get_freeze_count()

    assert frozen >= len(built_at_startup)
    assert gc.get_freeze_count() == 0
