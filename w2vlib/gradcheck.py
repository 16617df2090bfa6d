"""Numerical gradient checks: is ``backward`` the derivative of ``forward``?

Typical use, for a model or a loss layer::

    loss = model.forward(contexts, target)
    model.backward()
    errors = gradient_check(lambda: model.forward(contexts, target),
                            model.params, model.grads)
    assert max(errors) < 1e-6

For a layer whose output is not a scalar, check the scalar
``sum(forward(x) * dout)`` for a random ``dout``; its gradient is what
``backward(dout)`` returns.

Use float64 arrays: with float32 the rounding error of a central difference
(about 1e-7 / eps) swamps the differences the check is looking for. If the
loss is random (negative sampling), make ``f`` restore the random state
before every evaluation so that every evaluation draws the same negatives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .i18n import _

__all__ = ["numerical_gradient", "relative_error", "gradient_check"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to the array ``x``.

    f: a zero-argument callable returning a scalar that depends on ``x``.
    x: a floating array of any shape, changed in place one element at a time
       (``x[i] += eps``, then ``-= 2 eps``) and restored exactly afterwards.
    Returns a float64 array of x's shape: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(_("x must be a floating NumPy array that f reads (it is perturbed "
                          "in place), got {type} {dtype}").format(
                              type=type(x).__name__, dtype=getattr(x, "dtype", "")).rstrip())
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i].copy()
        try:
            x[i] = old + eps
            f_plus = float(f())
            x[i] = old - eps
            f_minus = float(f())
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """Largest difference between two arrays, relative to their size.

    ``max|a - b| / max(max|a|, max|b|)`` (0 if both are all zeros). Measured
    against the largest entry rather than entry by entry, so entries that are
    exactly zero in one array and 1e-12 in the other do not count as a 100 %
    error, while a wrong or missing contribution of ordinary size does.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(_("shapes differ: {a_shape} vs {b_shape}").format(
                             a_shape=a.shape, b_shape=b.shape))
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max())
    if scale == 0:
        return 0.0
    return float(np.abs(a - b).max() / scale)


def gradient_check(f: Callable[[], float], params: Sequence[np.ndarray],
                   grads: Sequence[np.ndarray], eps: float = 1e-4) -> list[float]:
    """Relative error between analytic ``grads`` and numerical gradients of ``f``.

    f: zero-argument callable returning the scalar loss, reading ``params``.
    params, grads: matching lists of arrays; grads must already hold the
        analytic gradient (run forward and backward first). They are copied
        before any perturbation, so ``f`` may overwrite them.
    Returns one :func:`relative_error` per param, in order. Values around
    1e-8 or below mean agreement (float64, eps=1e-4); a wrong gradient is
    typically 1e-2 or worse.
    """
    if len(params) != len(grads):
        raise ValueError(_("got {n_params} params but {n_grads} grads").format(
                             n_params=len(params), n_grads=len(grads)))
    analytic = [np.array(g, dtype=np.float64) for g in grads]
    return [relative_error(g, numerical_gradient(f, p, eps))
            for p, g in zip(params, analytic, strict=True)]
