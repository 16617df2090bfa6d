import time

import numpy as np
import pytest

from w2vlib.lab.timing import best_time, format_bytes, format_seconds, peak_memory


def test_best_time_orders_a_slow_and_a_fast_call():
    slow = best_time(lambda: time.sleep(0.01), repeat=2, min_time=0.01)
    fast = best_time(lambda: None, repeat=2)
    assert slow >= 0.009 and fast < slow / 100


def test_peak_memory_sees_a_numpy_allocation():
    peak = peak_memory(lambda: np.ones(1_000_000))
    assert 8_000_000 <= peak < 9_000_000


@pytest.mark.parametrize("n, text", [(512, "512 B"), (1536, "1.5 KiB"), (3 * 2**30, "3.0 GiB")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


@pytest.mark.parametrize("s, text", [(5e-4, "500 µs"), (0.0123, "12.3 ms"), (4.21, "4.2 s"),
                                     (600, "10.0 min"), (3 * 86400, "3.0 days")])
def test_format_seconds(s, text):
    assert format_seconds(s) == text
