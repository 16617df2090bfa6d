"""Exact scatter-add and row bookkeeping, faster than ``np.add.at`` on a matrix.

* :func:`scatter_add` -- ``W[rows[i]] += vals[i]`` with repeats summed, the
  same bits as ``np.add.at(W, rows, vals)``.
* :func:`touched_rows` -- the distinct rows a batch of ids touches, sorted.

Both serve the sparse speed step (:mod:`w2vlib.speed.sparse`) and the fast
trainer (:mod:`w2vlib.speed.word2vec`). The book's layer
(:class:`w2vlib.layers.Embedding`) uses plain ``np.add.at``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scatter_add", "touched_rows"]

# float dtype -> the complex dtype made of two of them (see scatter_add)
PAIR_DTYPES = {np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}

_COLUMN_IDS: dict[int, np.ndarray] = {}


def column_ids(d: int) -> np.ndarray:
    """``np.arange(d)`` as intp, built once per width d (read-only use)."""
    ids = _COLUMN_IDS.get(d)
    if ids is None:
        ids = _COLUMN_IDS.setdefault(d, np.arange(d, dtype=np.intp))
    return ids


def scatter_add(W: np.ndarray, rows, vals) -> None:
    """``W[rows[i]] += vals[i]`` for every i, adding up repeated rows (in place).

    W: (V, D); rows: integer ids of any shape S; vals: S + (D,) (broadcastable).
    The result is that of ``np.add.at(W, rows, vals)`` -- bit for bit, since
    each element receives the same additions in the same order -- only faster:
    about 9x for 6,000 rows into a (10000, 100) float32 matrix. The measured
    table of exact methods is in ``docs/bench/2026-12-02-scatter-add.md``.

    NumPy's fast path for ``ufunc.at`` is for 1-D indices, so the matrix is
    viewed as one long vector and row ``r``, column ``d`` is element
    ``r * D + d``. And since a complex number is a pair of floats whose sum
    is the pair of sums, a float32 matrix with an even D is viewed as complex64
    (float64 as complex128): half as many indices to build and to visit, the
    same bits. SciPy's sparse product is no faster, so it is not a dependency.
    Other layouts (not C-contiguous, other dtypes) use plain ``np.add.at``.

    >>> W = np.zeros((3, 2), dtype=np.float32)
    >>> scatter_add(W, np.array([2, 0, 2]), np.ones((3, 2), dtype=np.float32))
    >>> W.tolist()
    [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]]
    """
    rows = np.asarray(rows)
    if W.ndim != 2 or not W.flags.c_contiguous or W.dtype not in PAIR_DTYPES:
        np.add.at(W, rows, vals)
        return
    d = W.shape[1]
    vals = np.asarray(vals)
    if vals.shape != rows.shape + (d,):
        vals = np.broadcast_to(vals, rows.shape + (d,))
    vals = np.ascontiguousarray(vals, dtype=W.dtype).reshape(-1, d)
    rows = rows.reshape(-1, 1).astype(np.intp, copy=False)
    if d % 2 == 0:
        pair = PAIR_DTYPES[W.dtype]
        W, vals, d = W.view(pair), vals.view(pair), d // 2
    flat = rows * d + column_ids(d)
    np.add.at(W.reshape(-1), flat.reshape(-1), vals.reshape(-1))


def touched_rows(idx, n_rows: int) -> np.ndarray:
    """The distinct values of ``idx`` (ids in ``[0, n_rows)``), sorted, as intp.

    idx: integer ids of any shape -> (R,) with R <= min(idx.size, n_rows).
    Marks a boolean vector of length ``n_rows`` instead of sorting, so it
    costs O(idx.size + n_rows): ~20x faster than ``np.unique`` for a batch of
    context ids and a 10,000-word vocabulary.

    >>> touched_rows(np.array([[5, 1], [5, 0]]), 8).tolist()
    [0, 1, 5]
    """
    seen = np.zeros(n_rows, dtype=bool)
    seen[np.asarray(idx).reshape(-1)] = True
    return np.flatnonzero(seen)
