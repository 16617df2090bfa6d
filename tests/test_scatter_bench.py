"""lab/scatter_bench.py: every exact scatter-add method it times gives the right sums."""

import numpy as np
import pytest

from w2vlib.lab import scatter_bench


@pytest.mark.parametrize("dim", [4, 5])
def test_every_method_adds_repeated_rows_exactly(dim):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 7, size=40)                      # 7 rows, many repeats
    vals = rng.standard_normal((40, dim)).astype(np.float32)
    ref = np.zeros((7, dim))
    np.add.at(ref, idx, vals.astype(np.float64))
    methods = scatter_bench.scatter_methods(dim)
    assert "speed.scatter.scatter_add (flat, complex)" in methods and len(methods) >= 7
    for name, fn in methods.items():
        W = np.zeros((7, dim), dtype=np.float32)
        fn(W, idx, vals)
        np.testing.assert_allclose(W, ref, rtol=1e-5, atol=1e-5, err_msg=name)


def test_the_table_has_a_time_per_method_and_size():
    table = scatter_bench.scatter_add_options(vocab_size=50, dim=4, rows=(60, 120), repeat=1)
    assert set(table) == set(scatter_bench.scatter_methods(4))
    for row in table.values():
        assert set(row) == {60, 120} and all(t > 0 for t in row.values())
    text = scatter_bench.format_table(table)
    assert len(text.splitlines()) == 1 + len(table) and "np.add.at" in text
