"""Small, honest measurements of time and memory for the notebooks and benchmarks.

Timings on a shared machine wobble by tens of percent, so the notebooks never
assert a number of seconds: they compare two measurements taken side by side
in the same process (a ratio), which survives a slow or busy machine.
"""

from __future__ import annotations

import time
import timeit
import tracemalloc
from collections.abc import Callable

__all__ = ["best_time", "peak_memory", "format_bytes", "format_seconds"]


def best_time(fn: Callable[[], object], repeat: int = 5, min_time: float = 0.05) -> float:
    """Seconds per call of ``fn()``: the best of ``repeat`` rounds.

    Each round calls ``fn`` as many times as fit in about ``min_time`` seconds
    (at least once), so fast and slow functions are both measured sensibly.
    The minimum is reported because noise only ever adds time.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    number = max(1, int(min_time / once)) if once > 0 else 1000
    rounds = timeit.repeat(fn, repeat=repeat, number=number)
    return min(rounds) / number


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes newly allocated while ``fn()`` runs (NumPy arrays included).

    Uses :mod:`tracemalloc`, which NumPy reports its buffers to; the figure is
    the high-water mark above what was allocated before the call.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(0, peak - base)


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``; ``4e11`` -> ``'372.5 GiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def format_seconds(s: float) -> str:
    """A duration in the unit that reads best: ``'850 µs'``, ``'12.3 ms'``, ``'4.2 s'``, ``'3.1 h'``."""
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"
