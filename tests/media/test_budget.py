"""The per-process pixel budget: large photos take turns, small ones share."""

from __future__ import annotations

import threading
import time

from portal.media.budget import PixelBudget


def _run_together(budget: PixelBudget, sizes: list[int]) -> int:
    """Reserve each size in its own thread, hold it briefly; return the most pixels ever held at once."""
    peak, lock = [0], threading.Lock()

    def work(pixels: int):
        with budget.reserve(pixels):
            with lock:
                peak[0] = max(peak[0], budget.in_use)
            time.sleep(0.05)

    threads = [threading.Thread(target=work, args=(size,)) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert budget.in_use == 0
    return peak[0]


def test_two_photos_of_the_full_budget_never_decode_together():
    assert _run_together(PixelBudget(12_000_000), [12_000_000, 12_000_000, 12_000_000]) == 12_000_000


def test_small_photos_share_the_budget():
    assert _run_together(PixelBudget(12_000_000), [3_000_000] * 4) == 12_000_000


def test_a_photo_larger_than_the_budget_still_runs_alone():
    assert _run_together(PixelBudget(1_000), [5_000, 5_000]) == 1_000
