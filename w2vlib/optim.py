"""Optimizers: ``update(params, grads)`` changes each parameter array in place.

In place matters: the layers hold references to the very same arrays, so an
optimizer that rebinds ``params[i] = ...`` would train a copy nobody uses.

These are the book's dense updates: every entry of every parameter moves in
every step. The speed step that updates only the rows a batch touched
(sparse SGD, lazy Adam) is :mod:`w2vlib.speed.sparse`.
"""

from __future__ import annotations

import math

import numpy as np

from .i18n import _

__all__ = ["SGD", "Adam", "check_pairs"]


def check_pairs(params: list, grads: list) -> None:
    """Raise ValueError unless params and grads are equally long lists of same-shape arrays."""
    if len(params) != len(grads):
        raise ValueError(_("got {n_params} params but {n_grads} grads").format(
                             n_params=len(params), n_grads=len(grads)))
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        if p.shape != g.shape:
            raise ValueError(_("param {i} has shape {p_shape} but its grad has shape {g_shape}").format(
                                 i=i, p_shape=p.shape, g_shape=g.shape))


def _check_lr(lr) -> float:
    """``lr`` as a float, or ValueError unless it is a finite number > 0."""
    try:
        value = float(lr) if not isinstance(lr, bool) else math.nan
    except (TypeError, ValueError):
        value = math.nan
    if not 0 < value < math.inf:
        raise ValueError(_("lr must be a finite number > 0, got {lr!r}").format(lr=lr))
    return value


class SGD:
    """Plain gradient descent: ``p -= lr * g``."""

    def __init__(self, lr: float = 0.01):
        self.lr = _check_lr(lr)

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """params, grads: lists of same-shape arrays; params change in place."""
        check_pairs(params, grads)
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    After t steps, with m and v the running means of g and g**2:

        p -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)

    On the first step this is ``lr * sign(g)`` up to eps: every parameter
    moves by about ``lr`` whatever the size of its gradient.

    The moments are kept per parameter *position* in the list passed to
    :meth:`update`, so always pass the same list, in the same order.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr = _check_lr(lr)
        for name, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(_("{name} must lie in [0, 1), got {b}").format(name=name, b=b))
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.iter = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None

    def begin_step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> float:
        """Start step t = iter + 1: check the lists, create the moments on first use, count it.

        Returns ``lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)``, the step size
        of that step. :meth:`update` calls it once per step (and so does
        :class:`w2vlib.speed.sparse.LazyAdam`); calling it twice counts two steps.
        """
        check_pairs(params, grads)
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        elif [m.shape for m in self.m] != [p.shape for p in params]:
            raise ValueError(_("Adam was first used with params of shapes "
                               "{value}, now given "
                               "{value2}; use one Adam per parameter list").format(
                                 value=[m.shape for m in self.m], value2=[p.shape for p in params]))
        self.iter += 1
        t = self.iter
        return self.lr * np.sqrt(1 - self.beta2 ** t) / (1 - self.beta1 ** t)

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """params, grads: lists of same-shape arrays; params change in place."""
        lr_t = self.begin_step(params, grads)
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + self.eps)
