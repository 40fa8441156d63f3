"""Pausing Python's cyclic garbage collector while a big cache is built.

Building the region network or every person's scores allocates a million or more small
objects that all survive. Each allocation burst makes the collector walk every tracked object
(the caches already held included): a 20k-person build saw dozens of collections and up to
half of its time spent in them. Nothing built here forms reference cycles, so pausing the
collector loses nothing; it runs again, as usual, once the block ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
