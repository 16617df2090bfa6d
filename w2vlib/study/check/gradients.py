"""Check of the negative-sampling gradients derived by hand (notebook 05, in the style of
CS224n's assignment 2).

For one example, hidden vector ``h`` (H,), output vectors ``W_out`` (V, H), a target id
and K negative ids (a negative may be drawn twice),

    L = -log sigmoid(w_t . h) - sum_k log sigmoid(-w_k . h),   w = W_out[id].

The learner's ``fn(h, W_out, target, negatives)`` returns ``(dh, dW_out)``; the answers are
the numerical gradients of L (:func:`w2vlib.gradcheck.numerical_gradient`). The classic slips
are modelled as the coefficients they put on ``w_t``/``h`` and ``w_k``/``h``, so that a hint
can name the one made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vlib.i18n import N_, _

from ...functions import sigmoid, softplus
from ...gradcheck import numerical_gradient, relative_error
from .layers import repeated_ids_hint
from .report import CheckResult, Fail, run_cases

__all__ = ["ns_gradients", "ns_loss"]

# The messages of this module (one place, for the translation layer).
_CALL = N_("call: fn(h, W_out, target, negatives) -> (dh, dW_out), h (H,), W_out (V, H)")
_RULE = (N_("with s = w . h: dL/ds_t = sigmoid(s_t) - 1 for the target and dL/ds_k = "
            "sigmoid(s_k) for each negative; then dh = sum of dL/ds * w, and row w of dW_out "
            "gets dL/ds * h"))
#: slip name -> (coefficient of the target, coefficient of the negatives, hint)
_SLIPS = {
    "all signs": (lambda s: 1 - sigmoid(s), lambda s: -sigmoid(s),
                  N_("every sign is flipped: that is the gradient of -L. L falls as the target's "
                     "score rises, so dL/ds_t = sigmoid(s_t) - 1 is negative")),
    "target sign": (lambda s: 1 - sigmoid(s), sigmoid,
                    N_("the target's term has the wrong sign: d/ds[-log sigmoid(s)] = "
                       "sigmoid(s) - 1 = -sigmoid(-s), negative")),
    "negative sign": (lambda s: sigmoid(s) - 1, lambda s: -sigmoid(s),
                      N_("the negatives' terms have the wrong sign: d/ds[-log sigmoid(-s)] = "
                         "+sigmoid(s), positive (raising a negative's score raises the loss)")),
    "sigmoid(-s) for negatives": (lambda s: sigmoid(s) - 1, lambda s: sigmoid(-s),
                                  N_("the negatives use sigmoid(-s_k) = 1 - sigmoid(s_k): "
                                     "d/ds[-log sigmoid(-s)] = sigmoid(s) (the chain rule's "
                                     "-1 from the inner -s cancels the outer minus)")),
    "negatives labelled 1": (lambda s: sigmoid(s) - 1, lambda s: sigmoid(s) - 1,
                             N_("the negatives are treated like the target (label 1): their "
                                "coefficient is sigmoid(s_k) - 0, label 0")),
    "target without -1": (sigmoid, sigmoid,
                          N_("the target's coefficient lacks the label: it is sigmoid(s_t) - 1 "
                             "(y - t with t = 1), not sigmoid(s_t)")),
}


def ns_loss(h: np.ndarray, W_out: np.ndarray, target: int, negatives) -> float:
    """L = -log s(w_t . h) - sum_k log s(-w_k . h) for one example (stable, via softplus)."""
    s_t = W_out[target] @ h
    s_k = W_out[np.asarray(negatives)] @ h
    return float(softplus(-s_t) + np.sum(softplus(s_k)))


def _modelled(h, W, target, negatives, c_t, c_k) -> tuple[np.ndarray, np.ndarray]:
    """(dh, dW) with coefficient functions ``c_t``, ``c_k`` of the scores; repeats added."""
    negatives = np.asarray(negatives)
    a_t = c_t(W[target] @ h)
    a_k = c_k(W[negatives] @ h)
    dh = a_t * W[target] + a_k @ W[negatives]
    dW = np.zeros_like(W)
    dW[target] += a_t * h
    np.add.at(dW, negatives, a_k[:, None] * h)
    return dh, dW


@dataclass
class _GradToy:
    """V, H = 8, 4; target 3; negatives distinct ([5, 1, 6]) and with a repeat ([5, 1, 5, 0])."""

    fn: object
    h: np.ndarray
    W: np.ndarray
    target: int = 3
    distinct: tuple = (5, 1, 6)
    repeated: tuple = (5, 1, 5, 0)

    @classmethod
    def make(cls, fn, seed: int) -> _GradToy:
        rng = np.random.default_rng(seed)
        return cls(fn, rng.normal(size=4), rng.normal(scale=0.7, size=(8, 4)))

    def call(self, negatives) -> tuple[np.ndarray, np.ndarray]:
        h, W = self.h.copy(), self.W.copy()
        out = self.fn(h, W, self.target, np.array(negatives))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise Fail(_("return a pair (dh, dW_out), got {type}").format(type=type(out).__name__)
                       + (_(" of length {n}").format(n=len(out)) if isinstance(out, (tuple, list))
                          else ""))
        dh, dW = (np.asarray(x, dtype=np.float64) for x in out)
        if dh.shape != h.shape or dW.shape != W.shape:
            raise Fail(_("dh should have h's shape {h_shape} and dW_out W_out's shape {W_shape} "
                         "(zeros in rows no id used); got {dh_shape} and {dW_shape}").format(
                           h_shape=h.shape, W_shape=W.shape, dh_shape=dh.shape, dW_shape=dW.shape))
        return dh, dW

    def numerical(self, negatives) -> tuple[np.ndarray, np.ndarray]:
        h, W = self.h.copy(), self.W.copy()
        f = lambda: ns_loss(h, W, self.target, negatives)  # noqa: E731
        return numerical_gradient(f, h), numerical_gradient(f, W)

    def slip(self, got, which: int, negatives, rows=None) -> str:
        """The hint of the first modelled slip that ``got`` matches (part ``which`` of
        (dh, dW), restricted to ``rows`` of dW), else ""."""
        for c_t, c_k, hint in _SLIPS.values():
            want = _modelled(self.h, self.W, self.target, negatives, c_t, c_k)[which]
            if rows is not None:
                want, got_rows = want[rows], got[rows]
            else:
                got_rows = got
            if np.allclose(got_rows, want, atol=1e-7):
                return _(hint)
        return ""


def _close(got, want) -> bool:
    return relative_error(got, want) < 1e-6


def _g_shapes(toy: _GradToy) -> None:
    toy.call(toy.distinct)


def _g_dh(toy: _GradToy) -> None:
    dh, _unused = toy.call(toy.distinct)
    want, _unused = toy.numerical(toy.distinct)
    if not _close(dh, want):
        hint = toy.slip(dh, 0, toy.distinct)
        raise Fail(_("dh disagrees with the numerical gradient of L: {hint}").format(
                       hint=hint or _(_RULE)))


def _g_target_row(toy: _GradToy) -> None:
    _unused, dW = toy.call(toy.distinct)
    _unused, want = toy.numerical(toy.distinct)
    t = [toy.target]
    if not _close(dW[t], want[t]):
        hint = toy.slip(dW, 1, toy.distinct, rows=t)
        raise Fail(_("row target of dW_out disagrees with the numerical gradient: it is "
                     "(sigmoid(s_t) - 1) * h. {hint}").format(hint=hint or _(_RULE)))


def _g_negative_rows(toy: _GradToy) -> None:
    _unused, dW = toy.call(toy.distinct)
    _unused, want = toy.numerical(toy.distinct)
    rows = list(toy.distinct)
    if not _close(dW[rows], want[rows]):
        hint = toy.slip(dW, 1, toy.distinct, rows=rows)
        raise Fail(_("the negatives' rows of dW_out disagree with the numerical gradient: row "
                     "w_k gets sigmoid(s_k) * h. {hint}").format(hint=hint or _(_RULE)))
    untouched = [w for w in range(len(dW)) if w not in rows + [toy.target]]
    if np.any(dW[untouched]):
        raise Fail(_("rows {untouched} of dW_out belong to words neither target nor negative, "
                     "so they must stay 0").format(untouched=untouched))


def _g_repeated(toy: _GradToy) -> None:
    _unused, dW = toy.call(toy.repeated)
    _unused, want = toy.numerical(toy.repeated)
    if _close(dW, want):
        return
    w = 5
    once = want[w] - _modelled(toy.h, toy.W, toy.target, [w], lambda s: 0.0, sigmoid)[1][w]
    others = [r for r in range(len(dW)) if r != w]
    if np.allclose(dW[w], once, atol=1e-7) and _close(dW[others], want[others]):
        raise Fail(_("negative 5 was drawn twice, so it appears twice in L and its row gets "
                     "sigmoid(s_5) * h twice. ") + repeated_ids_hint(w, 2, "rows"))
    raise Fail(_("with a negative drawn twice dW_out disagrees with the numerical gradient. {RULE}").format(
                   RULE=_(_RULE)))


def _g_numerical(toy: _GradToy) -> None:
    dh, dW = toy.call(toy.repeated)
    num_h, num_W = toy.numerical(toy.repeated)
    for name, got, want in (("dh", dh, num_h), ("dW_out", dW, num_W)):
        err = relative_error(got, want)
        if err > 1e-6:
            raise Fail(_("{name} disagrees with the numerical gradient (relative error "
                         "{err:.1e}). {RULE}").format(name=name, err=err, RULE=_(_RULE)))


_GRAD_CASES = (
    (N_("returns (dh, dW_out) of shapes (H,), (V, H)"), _g_shapes, _CALL),
    (N_("dh = (s(s_t) - 1) w_t + sum_k s(s_k) w_k"), _g_dh, _CALL),
    (N_("dW_out[target] = (s(s_t) - 1) h"), _g_target_row, _CALL),
    (N_("dW_out[negative] = s(s_k) h, other rows 0"), _g_negative_rows, _CALL),
    (N_("a negative drawn twice adds up"), _g_repeated, _CALL),
    (N_("dh and dW_out match the numerical gradient"), _g_numerical, _CALL),
)


def ns_gradients(fn, verbose: bool = True) -> CheckResult:
    """Check hand-derived negative-sampling gradients: ``fn(h, W_out, target, negatives)``
    returns ``(dh, dW_out)`` for ``L = -log s(w_t . h) - sum_k log s(-w_k . h)``.

    h: (H,) = (4,), W_out: (V, H) = (8, 4), target: int, negatives: (K,) int ids, which may
    repeat; dW_out is full size, zero in the rows no id used. One example, no batch mean.
    Every answer is compared with the numerical gradient of L
    (:func:`w2vlib.gradcheck.numerical_gradient`). Cases: shapes; dh; the target's row; the
    negatives' rows (others 0); a negative drawn twice (its row gets both terms); the whole
    gradient. Hints name the slip: every sign flipped, the target's or the negatives' sign,
    ``sigmoid(-s)`` for a negative, negatives labelled 1, the target without its ``- 1``,
    and a repeated negative assigned instead of added.
    """
    toy = _GradToy.make(fn, seed=21)
    return run_cases("ns_gradients", _GRAD_CASES, (toy,), verbose)
