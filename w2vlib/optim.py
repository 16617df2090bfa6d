"""Optimizers: ``update(params, grads)`` changes each parameter array in place.

In place matters: the layers hold references to the very same arrays, so an
optimizer that rebinds ``params[i] = ...`` would train a copy nobody uses.

Sparse updates: ``update(params, grads, grad_rows)`` takes, for each
parameter, the rows its gradient may be non-zero in (an int array, as the
``grad_rows`` attribute of :class:`~w2vlib.layers.Embedding` and of the
chapter-4 models gives them) or None for "dense". Only those rows are read
and written, so a step costs O(rows touched) instead of O(V). Without
``grad_rows`` (or with all None) every optimizer does the book's dense update.

* :class:`SGD`: the sparse update is *identical* to the dense one -- outside
  the rows the gradient is zero and ``p - lr * 0 == p``.
* :class:`Adam`: the sparse update is "lazy" Adam (as TensorFlow's LazyAdam
  and PyTorch's SparseAdam): the moments ``m``, ``v`` of a row and the row
  itself change only in steps that give it a gradient. Dense Adam would also
  decay the moments of untouched rows and keep moving those rows along their
  old momentum ``m``. For a row touched in every step the two agree (to the
  last bit in float64; float32 rows may differ by rounding, since the sparse
  path keeps its temporaries in float32); the bias correction uses the
  global step count in both. Rows may be listed more than once.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SGD", "Adam"]


def _check_pairs(params, grads) -> None:
    if len(params) != len(grads):
        raise ValueError(f"got {len(params)} params but {len(grads)} grads")
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        if p.shape != g.shape:
            raise ValueError(f"param {i} has shape {p.shape} but its grad has shape {g.shape}")


def _check_rows(grad_rows, params) -> list:
    if grad_rows is None:
        return [None] * len(params)
    grad_rows = list(grad_rows)
    if len(grad_rows) != len(params):
        raise ValueError(f"got {len(params)} params but {len(grad_rows)} grad_rows entries")
    return grad_rows


def _check_lr(lr) -> float:
    lr = float(lr)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    return lr


class SGD:
    """Plain gradient descent: ``p -= lr * g``."""

    def __init__(self, lr: float = 0.01):
        self.lr = _check_lr(lr)

    def update(self, params: list[np.ndarray], grads: list[np.ndarray],
               grad_rows: list | None = None) -> None:
        """params, grads: lists of same-shape arrays; params change in place.

        grad_rows: optional, per param an int array of the rows whose gradient
        may be non-zero (or None: dense); only those rows are updated, with
        the same result as the dense update.
        """
        _check_pairs(params, grads)
        for p, g, rows in zip(params, grads, _check_rows(grad_rows, params), strict=True):
            if rows is None:
                p -= self.lr * g
            else:
                p[rows] -= self.lr * g[rows]


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    After t steps, with m and v the running means of g and g**2:

        p -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)

    On the first step this is ``lr * sign(g)`` up to eps: every parameter
    moves by about ``lr`` whatever the size of its gradient.

    The moments are kept per parameter *position* in the list passed to
    :meth:`update`, so always pass the same list, in the same order.

    With ``grad_rows`` (see the module docstring) the update is lazy: only the
    listed rows, and their moments, change.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr = _check_lr(lr)
        for name, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {b}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.iter = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray],
               grad_rows: list | None = None) -> None:
        """params, grads: lists of same-shape arrays; params change in place.

        grad_rows: optional, per param an int array of rows (lazy update of
        those rows and their moments only) or None (dense update).
        """
        _check_pairs(params, grads)
        grad_rows = _check_rows(grad_rows, params)
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        elif [m.shape for m in self.m] != [p.shape for p in params]:
            raise ValueError("Adam was first used with params of shapes "
                             f"{[m.shape for m in self.m]}, now given "
                             f"{[p.shape for p in params]}; use one Adam per parameter list")
        self.iter += 1
        t = self.iter
        lr_t = self.lr * np.sqrt(1 - self.beta2 ** t) / (1 - self.beta1 ** t)
        for p, g, m, v, rows in zip(params, grads, self.m, self.v, grad_rows, strict=True):
            if rows is None:
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g * g - v)
                p -= lr_t * m / (np.sqrt(v) + self.eps)
            else:
                # the same arithmetic on the gathered rows, with few temporaries
                gr = g.take(rows, axis=0)                    # take: faster than g[rows]
                mr = m.take(rows, axis=0)
                vr = v.take(rows, axis=0)
                step = np.subtract(gr, mr)
                step *= 1 - self.beta1
                mr += step                                   # m += (1 - b1) (g - m)
                np.multiply(gr, gr, out=gr)
                gr -= vr
                gr *= 1 - self.beta2
                vr += gr                                     # v += (1 - b2) (g^2 - v)
                m[rows] = mr
                v[rows] = vr
                np.sqrt(vr, out=step)
                step += self.eps
                np.divide(mr, step, out=step)
                step *= float(lr_t)
                np.subtract(p.take(rows, axis=0), step, out=step)
                p[rows] = step
