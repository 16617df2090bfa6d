"""Layers with the book's interface: ``params``, ``grads``, ``forward``, ``backward``.

* ``params`` is a list of weight arrays and ``grads`` a list of arrays of the
  same shapes. ``backward`` writes gradients *into* those arrays
  (``dW[...] = ...``) and never rebinds them, so an optimizer may keep the
  lists and find fresh gradients there after every step.
* ``forward`` remembers what ``backward`` needs; call them in pairs
  (``backward`` before any ``forward`` raises RuntimeError saying so).

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
from .i18n import _

__all__ = [
    "MatMul",
    "Embedding",
    "Sigmoid",
    "SigmoidWithLoss",
    "SoftmaxWithLoss",
    "EmbeddingDot",
]


class MatMul:
    """Fully connected layer without bias: ``out = x @ W``.

    W: (D, H). x may have any number of leading axes, ``(..., D)``; the
    gradient of ``W`` sums over all of them, so a whole (N, C, D) block of
    context rows goes through one matrix product.
    """

    def __init__(self, W: np.ndarray):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (..., D) -> (..., H)."""
        (W,) = self.params
        x = np.asarray(x)
        if x.shape[-1:] != W.shape[:1]:
            raise ValueError(_("x must have shape (..., {shape_0}) to multiply W {W_shape}, "
                               "got {x_shape}").format(
                                 shape_0=W.shape[0], W_shape=W.shape, x_shape=x.shape))
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
        x = saved_by_forward(self, self.x)
        dout = check_dout(self, dout, x.shape[:-1] + W.shape[1:])
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

    The book's backward clears all of ``dW`` (V, H) and then adds a few rows;
    :class:`w2vlib.speed.sparse.SparseEmbedding` is the speed step that
    clears and fills only the rows a batch used.
    """

    def __init__(self, W: np.ndarray):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx: np.ndarray | None = None

    def forward(self, idx) -> np.ndarray:
        """idx: integer ids of any shape S, each in [0, V) -> W[idx], shape S + (H,)."""
        (W,) = self.params
        idx = np.asarray(idx)
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(_("Embedding ids must be integers, got dtype {dtype}").format(dtype=idx.dtype))
        if idx.size:
            lo, hi = idx.min(), idx.max()
            if lo < 0 or hi >= W.shape[0]:
                bad = lo if lo < 0 else hi
                raise IndexError(_("Embedding ids must lie in [0, {shape_0}), "
                                   "got {bad}").format(shape_0=W.shape[0], bad=int(bad)))
        self.idx = idx
        return W[idx]

    def backward(self, dout: np.ndarray) -> None:
        """dout: idx.shape + (H,). Writes dW (V, H), accumulating repeated ids; returns None."""
        (dW,) = self.grads
        idx = saved_by_forward(self, self.idx)
        dout = check_dout(self, dout, idx.shape + dW.shape[1:])
        dW[...] = 0
        np.add.at(dW, idx, dout)
        return None


class Sigmoid:
    """Elementwise logistic function; no parameters."""

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: any shape -> sigmoid(x), same shape."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: same shape as x -> ``dout * y * (1 - y)``."""
        y = saved_by_forward(self, self.out)
        return dout * y * (1 - y)


class SigmoidWithLoss:
    """Sigmoid followed by binary cross-entropy, fused.

    ``forward(x, t)``: scores ``x`` of shape (N,) or (N, K, ...) and labels
    ``t`` of the same shape, 1 for "this is the word" and 0 for "it is not"
    (values in between are allowed; values outside [0, 1] and an empty batch
    are refused). The loss is summed over every axis but the first and
    averaged over the first:

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
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, x: np.ndarray, t) -> float:
        """x: (N, ...) scores, t: labels of the same shape -> scalar loss."""
        x = np.asarray(x)
        if x.ndim == 0:
            raise ValueError(_("SigmoidWithLoss needs a batch axis: x must have shape (N, ...)"))
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        t = np.asarray(t, dtype=x.dtype)
        if t.shape != x.shape:
            raise ValueError(_("labels must have the scores' shape {x_shape}, got {t_shape}").format(
                                 x_shape=x.shape, t_shape=t.shape))
        _check_labels(t)
        self.y = sigmoid(x)
        self.t = t
        return float(np.sum(softplus(x) - t * x) / x.shape[0])

    def backward(self, dout=1.0) -> np.ndarray:
        """Returns dx, the same shape as x."""
        y = saved_by_forward(self, self.y)
        return (y - self.t) * (dout / y.shape[0])


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
            raise ValueError(_("scores must have shape (N, C) or (C,), got {x_shape}").format(
                                 x_shape=x.shape))
        n = x.shape[0]
        if n == 0:
            raise ValueError(_("SoftmaxWithLoss got an empty batch (scores of shape {x_shape}): "
                               "pass at least one row").format(x_shape=x.shape))
        logp = log_softmax(x)
        if t.shape == x.shape:
            loss = -np.sum(t * logp) / n
        elif t.shape == (n,):
            if not np.issubdtype(t.dtype, np.integer):
                raise TypeError(_("class labels must be integers, got dtype {dtype}").format(dtype=t.dtype))
            loss = -np.sum(logp[np.arange(n), t]) / n
        else:
            raise ValueError(_("t must be labels of shape ({n},) or one-hot of shape "
                               "{x_shape}, got {t_shape}").format(n=n, x_shape=x.shape, t_shape=t.shape))
        self.y = softmax(x)
        self.t = t
        return float(loss)

    def backward(self, dout=1.0) -> np.ndarray:
        """Returns dx, the same shape as x."""
        n = saved_by_forward(self, self.y).shape[0]
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
            raise ValueError(_("expected h of shape (N, H) and ids of shape (N,) or (N, K); "
                               "got h {h_shape} and ids {idx_shape}").format(
                                 h_shape=h.shape, idx_shape=idx.shape))
        target_W = self.embed.forward(idx)                    # idx.shape + (H,)
        hb = self._expand(h, idx.ndim)
        self.cache = (hb, target_W)
        return np.sum(target_W * hb, axis=-1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: idx's shape -> dh (N, H); writes dW."""
        hb, target_W = saved_by_forward(self, self.cache)
        dout = dout[..., None]
        self.embed.backward(dout * hb)
        dh = dout * target_W
        if dh.ndim > 2:
            dh = dh.sum(axis=tuple(range(1, dh.ndim - 1)))
        return dh


# --------------------------------------------------------------------------- checks
# What every layer's backward and the losses share: small checks that give a clear error
# instead of a confusing one deep inside NumPy. Not part of the book's layers.

def saved_by_forward(layer, value):
    """What ``layer.forward`` saved for ``backward``; RuntimeError if forward has not run yet."""
    if value is None:
        name = type(layer).__name__
        raise RuntimeError(_("{name}.backward() was called before {name}.forward(): call "
                             "forward first (backward uses what forward saved)").format(name=name))
    return value


def check_dout(layer, dout, shape: tuple) -> np.ndarray:
    """``dout`` as an array, or ValueError unless it has ``shape`` (that of forward's output)."""
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(_("{type}.backward: dout must have the shape of "
                           "forward's output {shape}, got {dout_shape}").format(
                             type=type(layer).__name__, shape=shape, dout_shape=dout.shape))
    return dout


def _check_labels(t: np.ndarray) -> None:
    """ValueError for an empty batch or labels outside [0, 1] (NaN included)."""
    if t.shape[0] == 0:
        raise ValueError(_("SigmoidWithLoss got an empty batch (scores of shape {t_shape}): "
                           "pass at least one row").format(t_shape=t.shape))
    if t.size and not (t.min() >= 0 and t.max() <= 1):
        bad = t[~((t >= 0) & (t <= 1))].flat[0]
        raise ValueError(_("labels must lie in [0, 1] (1: \"this is the word\", 0: \"it is "
                           "not\"), got {bad:g}").format(bad=bad))
