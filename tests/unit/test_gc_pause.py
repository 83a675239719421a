"""paused_gc: the cyclic collector is off inside the block and back as it was after it."""
import gc

import pytest

from oversight.gc_pause import paused_gc


def test_the_collector_is_paused_and_restored_also_on_error():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("trasig")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
