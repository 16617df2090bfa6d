"""Checks of the two losses of negative sampling: SigmoidWithLoss (notebook 04) and
NegativeSamplingLoss (notebook 05).

References: :class:`w2vlib.layers.SigmoidWithLoss` for the loss of one score, and the
definition ``mean(-log s(pos)) + sum_j mean(-log s(-neg_j))`` evaluated on the learner's
own negatives (replayed with :class:`~w2vlib.study.check.sampling.Replay`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from w2vlib.i18n import N_, _

from ...functions import sigmoid, softplus
from ...gradcheck import numerical_gradient, relative_error
from ...layers import SigmoidWithLoss
from .report import CheckResult, Fail, call_backward, construct, learner_error, run_cases
from .sampling import Replay, fixed_global_state

__all__ = ["sigmoid_with_loss", "negative_sampling_loss"]


# ---------------------------------------------------------------------------
# SigmoidWithLoss
# ---------------------------------------------------------------------------

_N = 6
_STABLE = (N_("compute sigmoid with np.exp of non-positive numbers only "
              "(exp(-|x|)) and the loss as softplus(x) - t*x = max(x, 0) + log1p(exp(-|x|)) - t*x"))


def _sig_forward(cls, x, t) -> None:
    loss = float(construct(cls, what=_("your class")).forward(x.copy(), t))
    want = float(SigmoidWithLoss().forward(x, t))
    if not np.isclose(loss, want, rtol=1e-5, atol=1e-6):
        if np.isclose(loss, want * _N, rtol=1e-5):
            raise Fail(_("loss is N={N} times too large: average over the batch, "
                         "sum(l) / N, not sum(l)").format(N=_N))
        raise Fail(_("loss {loss:.6f} but expected {want:.6f}: "
                     "mean over n of -t log s - (1 - t) log(1 - s), s = sigmoid(x)").format(
                       loss=loss, want=want))


def _sig_backward_numeric(cls, x, t) -> None:
    layer = construct(cls, what=_("your class"))
    xs = x.copy()
    layer.forward(xs, t)
    dx = np.asarray(call_backward(layer), dtype=np.float64)
    probe = construct(cls, what=_("your class"))
    num = numerical_gradient(lambda: probe.forward(xs, t), xs)
    if dx.shape != num.shape:
        raise Fail(_("backward() should return dx of x's shape {x_shape}, got {dx_shape}").format(
                       x_shape=x.shape, dx_shape=dx.shape))
    err = relative_error(dx, num)
    if err > 1e-5:
        raise Fail(_("backward disagrees with the numerical gradient of your forward "
                     "(relative error {err:.1e})").format(err=err))


def _sig_backward_formula(cls, x, t) -> None:
    layer = construct(cls, what=_("your class"))
    layer.forward(x.copy(), t)
    dx = np.asarray(call_backward(layer), dtype=np.float64)
    want = (sigmoid(x) - t) / _N
    if not np.allclose(dx, want, rtol=1e-5, atol=1e-9):
        if np.allclose(dx, want * _N, rtol=1e-5):
            raise Fail(_("dx is N={N} times too large: the loss is a batch mean, so "
                         "dx = (y - t) * dout / N").format(N=_N))
        if np.allclose(dx, -want, rtol=1e-5):
            raise Fail(_("dx has the wrong sign: it is (y - t) / N, not (t - y) / N"))
        raise Fail(_("dx should be (sigmoid(x) - t) * dout / N"))


def _sig_overflow(cls, x, t) -> None:
    big = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    tb = np.array([0, 1, 1, 0])
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        layer = construct(cls, what=_("your class"))
        loss = float(layer.forward(big, tb))
        dx = np.asarray(call_backward(layer), dtype=np.float64)
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime:
        raise Fail(_("scores of +-1000 raised RuntimeWarning '{message}': {STABLE}").format(
                       message=runtime[0].message, STABLE=_(_STABLE)))
    if not np.isfinite(loss) or not np.all(np.isfinite(dx)):
        raise Fail(_("scores of +-1000 gave a loss of {loss} or a non-finite dx: {STABLE}").format(
                       loss=loss, STABLE=_(_STABLE)))
    if not np.isclose(loss, 500.0, rtol=1e-6):
        raise Fail(_("two of the four scores are wrong by 1000, so the loss is exactly 500, "
                     "got {loss:.4g} (log(y + 1e-7) caps each term at ~16): {STABLE}").format(
                       loss=loss, STABLE=_(_STABLE)))


_SIGMOID_CASES = (
    (N_("forward matches the reference loss"), _sig_forward,
     N_("call: forward(x, t) with x, t of shape (N,)")),
    (N_("backward matches the numerical gradient"), _sig_backward_numeric, ""),
    (N_("backward is (y - t) / N"), _sig_backward_formula, ""),
    (N_("large scores (+-1000): exact loss, no overflow"), _sig_overflow, ""),
)


def sigmoid_with_loss(cls, verbose: bool = True) -> CheckResult:
    """Check a SigmoidWithLoss class: ``cls()``, ``forward(x, t) -> loss``, ``backward(dout=1) -> dx``.

    x: (N,) float scores, t: (N,) 0/1 labels; the loss is the batch mean of the
    binary cross-entropy. Cases: loss equals :class:`w2vlib.layers.SigmoidWithLoss`;
    backward equals the numerical gradient of your forward and ``(sigmoid(x) - t) / N``
    (catches a forgotten ``/ N``); scores of +-1000 give a finite, exact loss with
    no RuntimeWarning (catches ``exp`` overflow / ``log(0)``).
    """
    x = np.random.default_rng(1).normal(scale=2.0, size=_N)      # (N,) scores
    t = np.array([1, 0, 0, 1, 1, 0])                              # (N,) labels
    return run_cases("sigmoid_with_loss", _SIGMOID_CASES, (cls, x, t), verbose)


# ---------------------------------------------------------------------------
# NegativeSamplingLoss
# ---------------------------------------------------------------------------

@dataclass
class _NSToy:
    """V, H, N, k = 8, 4, 3, 5: W0 (V, H), h0 (N, H), target (N,), a corpus of V words."""

    cls: type
    corpus: np.ndarray
    W0: np.ndarray
    h0: np.ndarray
    target: np.ndarray
    k: int = 5

    @classmethod
    def make(cls, loss_cls, seed: int) -> _NSToy:
        rng = np.random.default_rng(seed)
        corpus = rng.permutation(np.repeat(np.arange(8), [9, 7, 6, 5, 4, 3, 2, 2]))
        W0 = rng.normal(scale=0.5, size=(8, 4))
        h0 = rng.normal(scale=0.5, size=(3, 4))
        return cls(loss_cls, corpus, W0, h0, np.array([0, 3, 5]))

    def make_loss(self):
        """(the learner's object on a copy of W0, that copy, a Replay of its random states)."""
        W = self.W0.copy()
        try:
            obj = self.cls(W, self.corpus, power=0.75, sample_size=self.k, seed=0)
        except TypeError:
            obj = construct(self.cls, W, self.corpus, power=0.75, sample_size=self.k,
                            what=_("your class(W, corpus, power=0.75, sample_size=5)"))
        except Exception as e:
            raise learner_error(e, _("constructing your class")) from None
        return obj, W, Replay(obj)

    def forward_backward(self):
        """A fresh loss, forward on a copy of h0 from its replayed random state, then
        backward: ``(obj, replay, h, what backward returned)``."""
        obj, _unused, replay = self.make_loss()
        h = self.h0.copy()
        replay.restore()
        obj.forward(h, self.target)
        return obj, replay, h, call_backward(obj)

    def replayed(self, obj, replay, h):
        """``f()``: the loss of ``obj`` on ``(h, target)``, the same negatives on every call."""
        def f():
            replay.restore()
            return obj.forward(h, self.target)
        return f


def _ns_loss_value(toy: _NSToy) -> None:
    obj, W, replay = toy.make_loss()
    sampler = getattr(obj, "sampler", None)
    if sampler is None or not hasattr(sampler, "get_negative_sample"):
        raise Fail(_("could not see your negatives: keep the sampler as self.sampler "
                     "(with get_negative_sample), as the book does"))
    neg = np.asarray(sampler.get_negative_sample(toy.target))
    replay.restore()
    loss = float(obj.forward(toy.h0.copy(), toy.target))
    s_pos = np.sum(toy.W0[toy.target] * toy.h0, axis=1)
    s_neg = np.einsum("nkh,nh->nk", toy.W0[neg], toy.h0)
    pos_term = np.mean(softplus(-s_pos))
    want = pos_term + np.sum(np.mean(softplus(s_neg), axis=0))
    if not np.isclose(loss, want, rtol=1e-5):
        if np.isclose(loss, pos_term + np.sum(np.mean(softplus(-s_neg), axis=0)), rtol=1e-5):
            raise Fail(_("the negatives are labelled 1: their label must be 0 "
                         "(loss -log(1 - sigmoid(score)))"))
        if np.isclose(loss, np.sum(np.mean(softplus(s_neg), axis=0)), rtol=1e-5):
            raise Fail(_("the positive term is missing: add the loss of the target, "
                         "label 1, to the losses of the k negatives"))
        raise Fail(_("loss {loss:.6f} but expected {want:.6f} = mean(-log s(pos)) + "
                     "sum over the k negatives of mean(-log(1 - s(neg)))").format(loss=loss, want=want))


def _ns_grad_h(toy: _NSToy) -> None:
    obj, replay, h, dh = toy.forward_backward()
    dh = np.asarray(dh, dtype=np.float64)
    loss = toy.replayed(obj, replay, h)
    again = float(loss())
    if again != float(loss()):
        raise Fail(_("two forwards from the same random state drew different negatives, so "
                     "no gradient can be checked: keep one Generator on the object "
                     "(self.sampler.rng) instead of making a new one per call"))
    replay.restore()
    obj.forward(h, toy.target)
    call_backward(obj)
    if dh.shape != h.shape:
        raise Fail(_("backward() should return dh of h's shape {h_shape}, got {dh_shape}").format(
                       h_shape=h.shape, dh_shape=dh.shape))
    err = relative_error(dh, numerical_gradient(loss, h))
    if err > 1e-5:
        raise Fail(_("dh disagrees with the numerical gradient (relative error {err:.1e}); "
                     "dh sums dscore * W[id] over the target and all k negatives").format(err=err))


def _ns_grad_W(toy: _NSToy) -> None:
    obj, replay, h, _unused = toy.forward_backward()
    params, grads = list(obj.params), list(obj.grads)
    if not params:
        raise Fail(_("params is empty: list W there and its gradient in grads"))
    Wp = params[0]
    dW = sum(np.asarray(g, dtype=np.float64) for p, g in zip(params, grads, strict=True) if p is Wp)
    err = relative_error(dW, numerical_gradient(toy.replayed(obj, replay, h), Wp))
    if err > 1e-5:
        raise Fail(_("dW disagrees with the numerical gradient (relative error {err:.1e}); "
                     "repeated word ids must add up (np.add.at), and every layer sharing W "
                     "contributes").format(err=err))


def _ns_large_scores(toy: _NSToy) -> None:
    obj, W, replay = toy.make_loss()
    sampler = getattr(obj, "sampler", None)
    if sampler is None or not hasattr(sampler, "get_negative_sample"):
        raise Fail(_("could not see your negatives: keep the sampler as self.sampler"))
    # every word's output vector is +e1, the targets' -e1: scores are +-|h[n, 0]|
    W[...] = 0
    W[:, 0] = 1.0
    W[toy.target, 0] = -1.0
    h = np.zeros_like(toy.h0)
    h[:, 0] = [100.0, 1000.0, -1000.0]
    neg = np.asarray(sampler.get_negative_sample(toy.target))
    replay.restore()
    with np.errstate(all="ignore"):
        loss = float(obj.forward(h.copy(), toy.target))
        dh = np.asarray(call_backward(obj), dtype=np.float64)
    s_pos = np.sum(W[toy.target] * h, axis=1)
    s_neg = np.einsum("nkh,nh->nk", W[neg], h)
    want = np.mean(softplus(-s_pos)) + np.sum(np.mean(softplus(s_neg), axis=0))
    if not np.isfinite(loss) or not np.all(np.isfinite(dh)):
        raise Fail(_("scores of +-100 and +-1000 gave a loss of {loss} or a non-finite dh "
                     "(expected {want:.1f}): {STABLE}").format(loss=loss, want=want, STABLE=_(_STABLE)))
    if not np.isclose(loss, want, rtol=1e-6):
        raise Fail(_("scores of +-100 and +-1000 should cost exactly {want:.1f}, got {loss:.4g} "
                     "(log(y + 1e-7) caps each term at ~16): {STABLE}").format(
                       want=want, loss=loss, STABLE=_(_STABLE)))


_NS_CASES = (
    (N_("loss matches the reference on your negatives"), _ns_loss_value,
     N_("call: forward(h, target) with h (N, H), target (N,)")),
    (N_("dh matches the numerical gradient"), _ns_grad_h, ""),
    (N_("dW matches the numerical gradient"), _ns_grad_W, ""),
    (N_("large scores (+-100, +-1000): exact loss, finite"), _ns_large_scores, ""),
)


def negative_sampling_loss(cls, verbose: bool = True) -> CheckResult:
    """Check ``cls(W, corpus, power=0.75, sample_size=5)`` with ``forward(h, target) -> loss``
    and ``backward(dout=1) -> dh``, gradients in ``grads`` (summed over repeats of W in ``params``).

    h: (N, H), target: (N,). Every evaluation replays the same negatives by
    restoring the random state of any Generator/RandomState found on your
    object (e.g. ``self.sampler.rng``) and of the global ``np.random``.
    Cases: loss equals ``mean(-log s(pos)) + sum_j mean(-log s(-neg_j))`` on
    your sampler's negatives (needs ``self.sampler.get_negative_sample``,
    as in the book; hints for negatives labelled 1 and a missing positive
    term); dh and dW against numerical gradients; scores of +-100 and +-1000 give the
    exact, finite loss (catches a naive ``1 / (1 + exp(-x))`` with ``log``: NaN or inf, and
    ``log(y + 1e-7)``: capped).
    """
    toy = _NSToy.make(cls, seed=3)
    with fixed_global_state():
        return run_cases("negative_sampling_loss", _NS_CASES, (toy,), verbose)
