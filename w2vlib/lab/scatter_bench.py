"""Exact ways to scatter-add rows, timed: ``python -m w2vlib.lab.scatter_bench``.

The hot spot of the NumPy trainer (:mod:`w2vlib.speed.numpy_kernels`) is adding the
update rows of a batch into ``W_out`` / ``W_in`` when ids repeat. :func:`scatter_add_options`
times every exact method we know against the one the trainer uses,
:func:`w2vlib.speed.scatter.scatter_add`; the command prints the table. Measured tables
live in ``docs/bench/`` (``2026-11-26-speed-notes.md``, ``2026-12-02-scatter-add.md``).
"""

from __future__ import annotations

import sys

import numpy as np

from ..speed.scatter import scatter_add
from .machine import machine_info, machine_lines
from .timing import best_time

__all__ = ["scatter_add_options", "scatter_methods", "format_table", "main"]


def scatter_methods(dim: int) -> dict:
    """``{name: fn(W, idx, vals)}``: exact ways to do ``W[idx[i]] += vals[i]`` in place.

    W: (V, dim) float32; idx: (R,) int ids with repeats; vals: (R, dim). The SciPy
    method is included only if SciPy is importable.
    """
    cols = np.arange(dim)

    def flat_add_at(W, idx, vals):
        np.add.at(W.reshape(-1), (idx[:, None] * dim + cols).reshape(-1), vals.reshape(-1))

    def reduceat(W, idx, vals):
        order = np.argsort(idx, kind="stable")
        s = idx[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        W[s[starts]] += np.add.reduceat(vals[order], starts, axis=0)

    def bincount_full(W, idx, vals):
        W += np.bincount((idx[:, None] * dim + cols).reshape(-1), weights=vals.reshape(-1),
                         minlength=W.size).reshape(W.shape).astype(W.dtype)

    def unique_bincount(W, idx, vals):
        u, inv = np.unique(idx, return_inverse=True)
        sums = np.bincount((inv[:, None] * dim + cols).reshape(-1), weights=vals.reshape(-1),
                           minlength=len(u) * dim)
        W[u] += sums.reshape(len(u), dim).astype(W.dtype)

    def unique_onehot(W, idx, vals):
        u, inv = np.unique(idx, return_inverse=True)
        onehot = np.zeros((len(u), len(idx)), W.dtype)
        onehot[inv, np.arange(len(idx))] = 1
        W[u] += onehot @ vals

    methods = {"np.add.at(W, rows, vals), 2-D": lambda W, i, v: np.add.at(W, i, v),
               "np.add.at on flat 1-D indices": flat_add_at,
               "speed.scatter.scatter_add (flat, complex)": scatter_add,
               "argsort + np.add.reduceat": reduceat,
               "np.bincount on flat ids (V*dim bins)": bincount_full,
               "np.unique + np.bincount": unique_bincount,
               "np.unique + one-hot @ (BLAS)": unique_onehot}
    try:
        import scipy.sparse as sp
    except ImportError:
        return methods

    def unique_csr(W, idx, vals):
        u, inv = np.unique(idx, return_inverse=True)
        m = sp.csr_matrix((np.ones(len(idx), W.dtype), (inv, np.arange(len(idx)))),
                          shape=(len(u), len(idx)))
        W[u] += m @ vals

    methods["np.unique + scipy.sparse csr @"] = unique_csr
    return methods


def scatter_add_options(vocab_size: int = 10_000, dim: int = 100, rows=(600, 6_000, 24_000),
                        repeat: int = 5, seed: int = 0) -> dict[str, dict[int, float]]:
    """Time exact ways to add rows with repeated ids into a (V, dim) float32 matrix.

    Row ids are drawn like CBOW's output side on a Zipf-like vocabulary (one
    target from ``1/rank``, five negatives from ``(1/rank)^0.75``). Returns
    ``{method: {n_rows: microseconds per 1,000 rows}}`` (best of ``repeat``);
    every method is first checked against a float64 ``np.add.at``. The one-hot
    method is skipped above 6,000 rows (minutes and gigabytes).
    """
    rng = np.random.default_rng(seed)
    freq = 1.0 / np.arange(1, vocab_size + 1)
    target_p, neg_p = freq / freq.sum(), freq ** 0.75 / np.sum(freq ** 0.75)
    methods = scatter_methods(dim)
    W0 = rng.standard_normal((vocab_size, dim)).astype(np.float32)
    out: dict[str, dict[int, float]] = {m: {} for m in methods}
    for n in rows:
        b = max(1, n // 6)
        idx = np.concatenate([rng.choice(vocab_size, size=(b, 1), p=target_p),
                              rng.choice(vocab_size, size=(b, 5), p=neg_p)], axis=1).reshape(-1)
        vals = rng.standard_normal((len(idx), dim)).astype(np.float32)
        ref = W0.astype(np.float64)
        np.add.at(ref, idx, vals.astype(np.float64))
        for name, fn in methods.items():
            if "one-hot" in name and len(idx) > 6_000:
                continue
            W = W0.copy()
            fn(W, idx, vals)
            if not np.allclose(W, ref, atol=1e-3):
                raise AssertionError(f"{name} gave a wrong sum")
            W = W0.copy()
            out[name][len(idx)] = best_time(lambda fn=fn, W=W, i=idx, v=vals: fn(W, i, v),
                                            repeat=repeat) * 1e6 / len(idx) * 1000
    return out


def format_table(table: dict[str, dict[int, float]]) -> str:
    """:func:`scatter_add_options`'s result as a text table, one row per method."""
    sizes = sorted({n for row in table.values() for n in row})
    lines = [f"{'method':42s}" + "".join(f"{n:>10,d}" for n in sizes)]
    for name, row in table.items():
        lines.append(f"{name:42s}" + "".join(f"{row[n]:>10,.0f}" if n in row else f"{'-':>10s}"
                                             for n in sizes))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the machine and the table (microseconds per 1,000 rows, best of 5)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m w2vlib.lab.scatter_bench",
                                     description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print("\n".join(machine_lines(machine_info())))
    print("microseconds per 1,000 rows of 100 float32 added into (10000, 100), best of 5")
    print(format_table(scatter_add_options()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
