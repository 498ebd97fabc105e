from __future__ import annotations

import gc

from mlplane.server.processes import settled_heap


def test_settled_heap_freezes_startup_objects_while_serving() -> None:
    assert gc.get_freeze_count() == 0

    with settled_heap():
        frozen = gc.get_freeze_count()

    # Everything tracked when serving begins (this test's modules among it) is set aside.
    assert frozen > 1000
    assert gc.get_freeze_count() == 0
