"""Elementwise and row-wise functions the layers are built from.

Every function here is written so that large scores cannot overflow:
``np.exp`` is only ever applied to numbers that are zero or negative. A score
of 1000 is not exotic in word2vec -- a dot product of two long vectors gets
there easily -- and the textbook ``1 / (1 + np.exp(-x))`` answers it with an
overflow warning, and ``np.log(sigmoid(x))`` answers it with ``-inf``.

Underflow (``exp(-1000)`` rounding to 0) is the correctly rounded answer, so
it is silenced locally; a caller running under ``np.errstate(all="raise")``
does not see it.

Floating inputs keep their dtype (float32 stays float32); integer inputs are
promoted to float64.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "softmax",
    "log_softmax",
    "cross_entropy_error",
]

#: Added inside the log of :func:`cross_entropy_error` so a probability of
#: exactly 0 costs about 16 (=-log 1e-7) instead of infinity.
CROSS_ENTROPY_EPS = 1e-7


def _as_float(x) -> np.ndarray:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x


def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``, elementwise and overflow-free.

    x: any shape. Returns the same shape and (floating) dtype.

    For ``x >= 0`` it uses ``1 / (1 + exp(-x))``, for ``x < 0`` the equal
    ``exp(x) / (1 + exp(x))``; both only exponentiate ``-|x|``.
    """
    x = _as_float(x)
    with np.errstate(under="ignore"):
        z = np.exp(-np.abs(x))            # in (0, 1]: never overflows
        return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)


def softplus(x):
    """``log(1 + exp(x))``, elementwise, exact for large ``|x|``.

    x: any shape. Returns the same shape and dtype. Uses
    ``max(x, 0) + log1p(exp(-|x|))``, so ``softplus(1000) == 1000``.
    It is the binary cross-entropy of a score ``x`` whose label is 0.
    """
    x = _as_float(x)
    with np.errstate(under="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, elementwise, finite for every finite x.

    x: any shape. Returns the same shape and dtype; ``log_sigmoid(-1000) == -1000``
    where ``np.log(sigmoid(-1000))`` would be ``-inf``.
    """
    return -softplus(-_as_float(x))


def softmax(x):
    """Softmax over the last axis.

    x: (C,) or (N, C) (any leading axes work). Returns the same shape; each
    slice along the last axis is non-negative and sums to 1. The row maximum
    is subtracted first, so ``exp`` never sees a positive number.
    """
    x = _as_float(x)
    with np.errstate(under="ignore"):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    """``log(softmax(x))`` over the last axis, without taking the log of 0.

    x: (C,) or (N, C). Returns the same shape.
    """
    x = _as_float(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy_error(y, t) -> float:
    """Mean cross-entropy of predicted probabilities ``y`` against targets ``t``.

    y: (N, C) probabilities (rows sum to 1), or (C,) for one example.
    t: either class labels -- (N,) integers, or a scalar when y is (C,) -- or
       one-hot (or any probability) rows of the same shape as y.

    Returns ``-sum(t * log(y + eps)) / N`` (eps = 1e-7), i.e. the average
    over the batch of the per-example loss. Which kind ``t`` is is decided by
    its shape: ``t.shape == y.shape`` means one-hot, ``t.shape == y.shape[:-1]``
    means labels.
    """
    y = _as_float(y)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y[None, :]
        t = t[None, ...]
    if y.ndim != 2:
        raise ValueError(f"y must have shape (N, C) or (C,), got {y.shape}")
    n = y.shape[0]
    if t.shape == y.shape:
        return float(-np.sum(t * np.log(y + CROSS_ENTROPY_EPS)) / n)
    if t.shape == y.shape[:1]:
        if not np.issubdtype(t.dtype, np.integer):
            raise TypeError(f"class labels must be integers, got dtype {t.dtype}")
        return float(-np.sum(np.log(y[np.arange(n), t] + CROSS_ENTROPY_EPS)) / n)
    raise ValueError(f"t must be labels of shape {y.shape[:1]} or one-hot of shape "
                     f"{y.shape}, got {t.shape}")
