"""After start-up, the collector skips what start-up built and scans young objects less often."""

import gc

import pytest

from gc_policy import YOUNG_THRESHOLD, freeze_startup_objects


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_startup_objects_are_frozen_and_young_collections_are_rarer(restored_gc) -> None:
    freeze_startup_objects()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
