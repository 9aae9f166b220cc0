"""A per-process budget of photo pixels being decoded at once.

Counting files is not enough: two 12-megapixel PNGs decoded side by side cost a worker about 180 MB, two small
phone photos almost nothing. Each photo reserves the pixels it will decode before it starts and gives them back
after; a photo larger than the whole budget waits until it has the budget to itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# glibc keeps memory freed by a thread in that thread's arena: without handing it back, each of a worker's threads
# would keep the peak of the largest photo it ever decoded, and the budget would hold on paper only.
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6") if ctypes.util.find_library("c") else None
_TRIM = getattr(_LIBC, "malloc_trim", None)


def give_memory_back() -> None:
    if _TRIM is not None:
        _TRIM(0)


class PixelBudget:
    def __init__(self, pixels: int):
        self.pixels = pixels
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        wanted = min(max(pixels, 1), self.pixels)
        with self._changed:
            self._changed.wait_for(lambda: self.in_use + wanted <= self.pixels)
            self.in_use += wanted
        try:
            yield
        finally:
            give_memory_back()
            with self._changed:
                self.in_use -= wanted
                self._changed.notify_all()


_BUDGETS: dict[int, PixelBudget] = {}
_LOCK = threading.Lock()


def budget(pixels: int) -> PixelBudget:
    """The process's budget of this size (one per configured size, shared by every thread)."""
    with _LOCK:
        if pixels not in _BUDGETS:
            _BUDGETS[pixels] = PixelBudget(pixels)
        return _BUDGETS[pixels]
