"""Layers with the book's interface: ``params``, ``grads``, ``forward``, ``backward``.

* ``params`` is a list of weight arrays and ``grads`` a list of arrays of the
  same shapes. ``backward`` writes gradients *into* those arrays
  (``dW[...] = ...``) and never rebinds them, so an optimizer may keep the
  lists and find fresh gradients there after every step.
* ``forward`` remembers what ``backward`` needs; call them in pairs.

Which part of chapter 4 needs what:

* :class:`MatMul`, :class:`SoftmaxWithLoss` -- the chapter-3 CBOW that 4.1
  starts from, where a one-hot row times ``W_in`` merely *selects* a row.
* :class:`Embedding` -- section 4.1: do the selection directly, by index,
  and turn its backward pass into a scatter-add.
* :class:`EmbeddingDot`, :class:`Sigmoid`, :class:`SigmoidWithLoss` --
  section 4.2: replace the softmax over the whole vocabulary by yes/no
  questions, "is word w the target?", each one a dot product and a sigmoid.
"""

from __future__ import annotations

import numpy as np

from .functions import log_softmax, sigmoid, softmax, softplus

__all__ = [
    "scatter_add",
    "MatMul",
    "Embedding",
    "Sigmoid",
    "SigmoidWithLoss",
    "SoftmaxWithLoss",
    "EmbeddingDot",
]


# float dtype -> the complex dtype made of two of them (see scatter_add)
_PAIR_DTYPES = {np.dtype(np.float32): np.dtype(np.complex64),
                np.dtype(np.float64): np.dtype(np.complex128)}


def scatter_add(W: np.ndarray, rows, vals) -> None:
    """``W[rows[i]] += vals[i]`` for every i, adding up repeated rows (in place).

    W: (V, D); rows: integer ids of any shape S; vals: S + (D,) (broadcastable).
    The result is that of ``np.add.at(W, rows, vals)`` -- bit for bit, since
    each element receives the same additions in the same order -- only faster.

    How, and why (measured on a 2-vCPU AMD EPYC, numpy 2.4.6, 6,000 PTB-like
    rows into a (10000, 100) float32 matrix; microseconds per 1,000 rows, best
    of 5 on a shared machine):

    ==========================================  =======
    exact method                                 us/1k
    ==========================================  =======
    ``np.add.at(W, rows, vals)`` (2-D)            2,570
    ``np.add.at`` on flat 1-D indices               505
    ``np.add.at`` on flat indices, complex view     ~290
    argsort + ``np.add.reduceat``                 1,492
    ``np.bincount`` on flat ids (V*D bins)        1,164
    ``np.unique`` + ``np.bincount``               1,332
    ``np.unique`` + one-hot ``@`` (BLAS)         20,135
    ``np.unique`` + ``scipy.sparse`` csr ``@``      295
    ==========================================  =======

    NumPy's fast path for ``ufunc.at`` is for 1-D indices, so the matrix is
    viewed as one long vector and row ``r``, column ``d`` is element
    ``r * D + d``. And since a complex number is a pair of floats whose sum
    is the pair of sums, a float32 matrix with an even D is viewed as complex64
    (float64 as complex128): half as many indices to build and to visit, the
    same bits. SciPy's sparse product is no faster, so it is not a dependency.
    Other layouts (not C-contiguous, other dtypes) use plain ``np.add.at``.
    """
    rows = np.asarray(rows)
    if W.ndim != 2 or not W.flags.c_contiguous or W.dtype not in _PAIR_DTYPES:
        np.add.at(W, rows, vals)
        return
    d = W.shape[1]
    vals = np.asarray(vals)
    if vals.shape != rows.shape + (d,):
        vals = np.broadcast_to(vals, rows.shape + (d,))
    vals = np.ascontiguousarray(vals, dtype=W.dtype).reshape(-1, d)
    rows = rows.reshape(-1, 1).astype(np.intp, copy=False)
    if d % 2 == 0:
        pair = _PAIR_DTYPES[W.dtype]
        W, vals, d = W.view(pair), vals.view(pair), d // 2
    flat = rows * d + _column_ids(d)
    np.add.at(W.reshape(-1), flat.reshape(-1), vals.reshape(-1))


_COLUMN_IDS: dict[int, np.ndarray] = {}


def _column_ids(d: int) -> np.ndarray:
    ids = _COLUMN_IDS.get(d)
    if ids is None:
        ids = _COLUMN_IDS.setdefault(d, np.arange(d, dtype=np.intp))
    return ids


def touched_rows(idx, n_rows: int) -> np.ndarray:
    """The distinct values of ``idx`` (ids in ``[0, n_rows)``), sorted, as intp.

    Marks a boolean vector of length ``n_rows`` instead of sorting, so it
    costs O(idx.size + n_rows): ~20x faster than ``np.unique`` for a batch of
    context ids and a 10,000-word vocabulary.
    """
    seen = np.zeros(n_rows, dtype=bool)
    seen[np.asarray(idx).reshape(-1)] = True
    return np.flatnonzero(seen)


class MatMul:
    """Fully connected layer without bias: ``out = x @ W``.

    W: (D, H). x may have any number of leading axes, ``(..., D)``; the
    gradient of ``W`` sums over all of them, so a whole (N, C, D) block of
    context rows goes through one matrix product.
    """

    def __init__(self, W: np.ndarray):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.grad_rows: list[np.ndarray | None] = [None]     # dense gradient
        self.x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (..., D) -> (..., H)."""
        (W,) = self.params
        x = np.asarray(x)
        if x.shape[-1:] != W.shape[:1]:
            raise ValueError(f"x must have shape (..., {W.shape[0]}) to multiply W {W.shape}, "
                             f"got {x.shape}")
        if not np.issubdtype(x.dtype, np.floating):
            # A one-hot batch arrives as integers. int32 @ float32 would promote
            # to float64 and copy W on every call, skipping the fast float32
            # matrix routines; the values 0/1 are exact in W's dtype.
            x = x.astype(W.dtype)
        self.x = x
        # One 2-D product: ``x @ W`` on a 3-D x would run one small product per
        # leading index (N of them), re-reading all of W each time.
        return (x.reshape(-1, W.shape[0]) @ W).reshape(x.shape[:-1] + W.shape[1:])

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: (..., H) -> dx (..., D); writes ``dW = x^T dout`` (D, H)."""
        (W,) = self.params
        x = self.x
        d, h = W.shape
        self.grads[0][...] = x.reshape(-1, d).T @ dout.reshape(-1, h)
        return (dout.reshape(-1, h) @ W.T).reshape(dout.shape[:-1] + (d,))


class Embedding:
    """Row lookup ``out = W[idx]`` -- the one-hot MatMul without the multiplication.

    W: (V, H), one row per word. ``forward(idx)`` accepts integer ids of any
    shape, ``(N,)`` or ``(N, C)`` ..., and returns ``idx.shape + (H,)``.

    The backward pass must *add*, not assign. If a word id occurs twice in a
    batch (two context words that are the same, or the same target in two
    rows), its row was used twice and receives the sum of both upstream
    gradients. The tempting ``dW[idx] = dout`` keeps only one of them (NumPy
    does not even promise which), silently losing the rest; the gradient of a
    frequent word is then wrong in almost every batch. ``np.add.at`` is the
    unbuffered scatter-add that accumulates over repeated indices.

    ``forward`` validates the ids with one ``min``/``max`` pass, so a float id
    or an id outside ``[0, V)`` gives a clear error instead of a silently
    truncated or negative (wrapped-around) lookup.

    Sparse bookkeeping (what makes it fast): ``dW`` stays a dense (V, H)
    array that is correct after every ``backward``, but a backward pass only
    touches the rows the batch used. It zeroes just the rows it wrote the time
    before (everything else is still zero, as long as nothing but this layer
    writes non-zeros into ``dW``; scaling it in place, as gradient clipping
    does, is fine), then adds with :func:`scatter_add`. ``grad_rows[0]`` holds
    those rows (sorted, distinct) so that an optimizer can update only them;
    it is None before the first backward.
    """

    def __init__(self, W: np.ndarray):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.grad_rows: list[np.ndarray | None] = [None]
        self.idx: np.ndarray | None = None

    def forward(self, idx) -> np.ndarray:
        """idx: integer ids of any shape S, each in [0, V) -> W[idx], shape S + (H,)."""
        (W,) = self.params
        idx = np.asarray(idx)
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"Embedding ids must be integers, got dtype {idx.dtype}")
        if idx.size:
            lo, hi = idx.min(), idx.max()
            if lo < 0 or hi >= W.shape[0]:
                bad = lo if lo < 0 else hi
                raise IndexError(f"Embedding ids must lie in [0, {W.shape[0]}), "
                                 f"got {int(bad)}")
        self.idx = idx
        return W[idx]

    def backward(self, dout: np.ndarray) -> None:
        """dout: idx.shape + (H,). Writes dW (V, H), accumulating repeated ids; returns None."""
        dW = self.grads[0]
        rows = touched_rows(self.idx, dW.shape[0])
        prev = self.grad_rows[0]
        if prev is None:
            dW[...] = 0
        else:
            dW[prev] = 0
        scatter_add(dW, self.idx, dout)
        self.grad_rows[0] = rows
        return None


class Sigmoid:
    """Elementwise logistic function; no parameters."""

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.grad_rows: list[np.ndarray | None] = []
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: any shape -> sigmoid(x), same shape."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: same shape as x -> ``dout * y * (1 - y)``."""
        y = self.out
        return dout * y * (1 - y)


class SigmoidWithLoss:
    """Sigmoid followed by binary cross-entropy, fused.

    ``forward(x, t)``: scores ``x`` of shape (N,) or (N, K, ...) and labels
    ``t`` of the same shape, 1 for "this is the word" and 0 for "it is not"
    (values in between are allowed). The loss is summed over every axis but
    the first and averaged over the first:

        loss = sum(l) / N,   l = -t log sigmoid(x) - (1 - t) log(1 - sigmoid(x))

    For (N,) that is the batch mean the book uses. For (N, 1+k) -- a positive
    and k negatives per row -- it equals the sum over the 1+k columns of each
    column's batch mean, which is exactly the book's negative-sampling loss,
    computed in one call.

    ``l`` is evaluated as ``softplus(x) - t * x``, which is finite for every
    finite score: a score of 1000 with label 0 costs 1000, not ``inf``.

    ``backward(dout=1)`` returns ``(sigmoid(x) - t) * dout / N``.
    """

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.grad_rows: list[np.ndarray | None] = []
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, x: np.ndarray, t) -> float:
        """x: (N, ...) scores, t: labels of the same shape -> scalar loss."""
        x = np.asarray(x)
        if x.ndim == 0:
            raise ValueError("SigmoidWithLoss needs a batch axis: x must have shape (N, ...)")
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        t = np.asarray(t, dtype=x.dtype)
        if t.shape != x.shape:
            raise ValueError(f"labels must have the scores' shape {x.shape}, got {t.shape}")
        self.y = sigmoid(x)
        self.t = t
        return float(np.sum(softplus(x) - t * x) / x.shape[0])

    def backward(self, dout=1.0) -> np.ndarray:
        """Returns dx, the same shape as x."""
        return (self.y - self.t) * (dout / self.y.shape[0])


class SoftmaxWithLoss:
    """Softmax over the last axis followed by cross-entropy, fused.

    ``forward(x, t)``: scores x (N, C); targets t as labels (N,) or one-hot
    rows (N, C) (told apart by shape). A single example may be passed as
    x (C,) with t a scalar label or a (C,) one-hot row. Returns the batch mean
    of ``-log softmax(x)[target]``, computed with log-softmax so that it stays
    finite however confident the wrong answer is.

    ``backward(dout=1)`` returns ``(softmax(x) - onehot(t)) * dout / N``.
    """

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.grad_rows: list[np.ndarray | None] = []
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None
        self._single = False

    def forward(self, x: np.ndarray, t) -> float:
        """x: (N, C) scores, t: (N,) labels or (N, C) one-hot -> scalar loss."""
        x = np.asarray(x)
        t = np.asarray(t)
        self._single = x.ndim == 1
        if self._single:
            x, t = x[None, :], t[None, ...]
        if x.ndim != 2:
            raise ValueError(f"scores must have shape (N, C) or (C,), got {x.shape}")
        n = x.shape[0]
        logp = log_softmax(x)
        if t.shape == x.shape:
            loss = -np.sum(t * logp) / n
        elif t.shape == (n,):
            if not np.issubdtype(t.dtype, np.integer):
                raise TypeError(f"class labels must be integers, got dtype {t.dtype}")
            loss = -np.sum(logp[np.arange(n), t]) / n
        else:
            raise ValueError(f"t must be labels of shape ({n},) or one-hot of shape "
                             f"{x.shape}, got {t.shape}")
        self.y = softmax(x)
        self.t = t
        return float(loss)

    def backward(self, dout=1.0) -> np.ndarray:
        """Returns dx, the same shape as x."""
        n = self.y.shape[0]
        dx = self.y.copy()
        if self.t.shape == dx.shape:
            dx -= self.t
        else:
            dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx[0] if self._single else dx


class EmbeddingDot:
    """Scores ``W[idx] . h``: how strongly hidden vectors ``h`` point at words ``idx``.

    W: (V, H), the output-side word vectors. ``forward(h, idx)`` with h (N, H):

    * idx (N,)   -> (N,):   ``out[n] = W[idx[n]] . h[n]``
    * idx (N, K) -> (N, K): ``out[n, k] = W[idx[n, k]] . h[n]``, e.g. the
      target and its k negatives in one gather.

    ``params``/``grads`` are those of the inner :class:`Embedding`, so
    repeated ids accumulate in ``dW`` correctly.
    """

    def __init__(self, W: np.ndarray):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.grad_rows = self.embed.grad_rows
        self.cache: tuple[np.ndarray, np.ndarray] | None = None

    @staticmethod
    def _expand(h: np.ndarray, ndim: int) -> np.ndarray:
        # (N, H) -> (N, 1, ..., 1, H) so it broadcasts against W[idx].
        return h.reshape(h.shape[:1] + (1,) * (ndim - 1) + h.shape[1:])

    def forward(self, h: np.ndarray, idx) -> np.ndarray:
        """h: (N, H), idx: (N,) or (N, K) integer ids -> scores of idx's shape."""
        h = np.asarray(h)
        idx = np.asarray(idx)
        if h.ndim != 2 or idx.ndim < 1 or idx.shape[0] != h.shape[0]:
            raise ValueError(f"expected h of shape (N, H) and ids of shape (N,) or (N, K); "
                             f"got h {h.shape} and ids {idx.shape}")
        target_W = self.embed.forward(idx)                    # idx.shape + (H,)
        hb = self._expand(h, idx.ndim)
        self.cache = (hb, target_W)
        return np.sum(target_W * hb, axis=-1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: idx's shape -> dh (N, H); writes dW."""
        hb, target_W = self.cache
        dout = dout[..., None]
        self.embed.backward(dout * hb)
        dh = dout * target_W
        if dh.ndim > 2:
            dh = dh.sum(axis=tuple(range(1, dh.ndim - 1)))
        return dh
