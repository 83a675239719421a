"""``paused_gc()``: run a bulk computation without Python's cyclic garbage collector.

A national month of shifts or a million ledger rows are millions of small objects without
reference cycles; while they are being built the collector walks the growing heap again and
again (in the benchmarks a third of the CPU time). Reference counting still frees everything
at once; the collector is switched back on (if it was on) when the block ends, also on error.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
