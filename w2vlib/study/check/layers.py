"""Checks of the input layer's classes: MatMul (notebook 01), the Embedding's forward pass
(notebook 02) and its backward pass (notebook 03).

Each check builds a small toy (weights, ids, upstream gradients) once and runs its cases on
it in a fixed order, so the report is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from w2vlib.i18n import N_, _

from ...gradcheck import numerical_gradient, relative_error
from ...lab.timing import format_bytes, peak_memory
from .report import CheckResult, Fail, construct, run_cases

__all__ = ["embedding_backward", "matmul_layer", "embedding_forward", "repeated_ids_hint"]

_REPEATED_IDS = (N_("word {word} appears {times} times, so its row must receive the SUM of its "
                    "{times} {rows} rows, but it got only one of them. Both `dW[idx] = {rows}` and "
                    "`dW[idx] += {rows}` do this: with an index array NumPy reads dW[idx] once, "
                    "adds, and writes each row back once, so a repeated id keeps a single "
                    "update (notebook 03, section 6). Use np.add.at(dW, idx, {rows}), or a loop: "
                    "`for k, i in enumerate(idx): dW[i] += {rows}[k]`"))


def repeated_ids_hint(word: int, times: int, rows: str = "dout") -> str:
    """The hint for a backward that keeps one of the ``times`` updates of a repeated ``word``
    (``dW[idx] = rows`` or ``dW[idx] += rows``); ``rows`` names what is added."""
    return _(_REPEATED_IDS).format(word=word, times=times, rows=rows)


# ---------------------------------------------------------------------------
# Embedding backward (notebook 03)
# ---------------------------------------------------------------------------

@dataclass
class _EmbeddingToy:
    """W: (V, H) = (7, 3); ``rng`` draws each case's ``dout`` in turn."""

    rng: np.random.Generator
    W: np.ndarray
    H: int = 3

    @classmethod
    def make(cls, seed: int) -> _EmbeddingToy:
        rng = np.random.default_rng(seed)
        return cls(rng, rng.normal(size=(7, 3)))


def _embedding_dW(cls, W, idx, dout):
    layer = construct(cls, W, what=f"{getattr(cls, '__name__', cls)}(W)")
    layer.forward(idx)
    layer.backward(dout)
    return np.asarray(layer.grads[0])


def _bwd_forward(cls, toy: _EmbeddingToy) -> None:
    idx = np.array([0, 2, 5, 2])
    layer = construct(cls, toy.W.copy(), what=_("your class with W"))
    out = np.asarray(layer.forward(idx))
    if out.shape != (4, toy.H):
        raise Fail(_("forward(idx) with idx of shape (4,) should return (4, {H}), got {out_shape}").format(
                       H=toy.H, out_shape=out.shape))
    if not np.allclose(out, toy.W[idx]):
        raise Fail(_("forward(idx) should return the rows W[idx] (W is params[0])"))


def _bwd_no_repeats(cls, toy: _EmbeddingToy) -> None:
    W = toy.W
    idx = np.array([1, 3, 4])
    dout = toy.rng.normal(size=(3, toy.H))
    dW = _embedding_dW(cls, W.copy(), idx, dout)
    want = np.zeros_like(W)
    want[idx] = dout
    if dW.shape != W.shape:
        raise Fail(_("grads[0] must have W's shape {W_shape}, got {dW_shape}").format(
                       W_shape=W.shape, dW_shape=dW.shape))
    if not np.allclose(dW, want):
        raise Fail(_("grads[0] should hold dout[i] in row idx[i] and zeros in every other row"))


def _bwd_repeats(cls, toy: _EmbeddingToy) -> None:
    W = toy.W
    idx = np.array([1, 3, 1, 1, 6])
    dout = toy.rng.normal(size=(5, toy.H))
    dW = _embedding_dW(cls, W.copy(), idx, dout)
    want = np.zeros_like(W)
    np.add.at(want, idx, dout)
    if not np.allclose(dW, want):
        assigned = np.zeros_like(W)
        assigned[idx] = dout
        if np.allclose(dW, assigned) or np.allclose(dW[1], dout[0]) or np.allclose(dW[1], dout[2]):
            raise Fail(repeated_ids_hint(1, 3, "dout"))
        raise Fail(_("with repeated ids, row w of dW must be the sum of dout[k] over all k "
                     "with idx[k] == w (compare with np.add.at)"))


def _bwd_in_place(cls, toy: _EmbeddingToy) -> None:
    layer = construct(cls, toy.W.copy(), what=_("your class with W"))
    before = layer.grads[0]
    layer.forward(np.array([0, 1]))
    layer.backward(toy.rng.normal(size=(2, toy.H)))
    if layer.grads[0] is not before:
        raise Fail(_("backward replaced the array in grads[0] by a new one, so an optimizer "
                     "holding the old list sees stale zeros. Write into it: "
                     "`dW = self.grads[0]; dW[...] = 0; np.add.at(dW, idx, dout)`, "
                     "don't rebind `self.grads[0] = ...`"))


def _bwd_zeroed(cls, toy: _EmbeddingToy) -> None:
    layer = construct(cls, toy.W.copy(), what=_("your class with W"))
    layer.forward(np.array([0, 1]))
    layer.backward(np.ones((2, toy.H)))
    idx = np.array([4])
    dout = toy.rng.normal(size=(1, toy.H))
    layer.forward(idx)
    layer.backward(dout)
    want = np.zeros_like(toy.W)
    want[4] = dout[0]
    if not np.allclose(np.asarray(layer.grads[0]), want):
        raise Fail(_("after a second forward/backward, grads[0] still holds gradient from the "
                     "first call (a stale gradient). Zero it first: `dW[...] = 0`, then add"))


_BACKWARD_CASES = (
    (N_("forward returns W[idx]"), _bwd_forward, ""),
    (N_("backward, distinct ids"), _bwd_no_repeats, ""),
    (N_("backward, repeated ids add up"), _bwd_repeats,
     N_("backward(dout) gets dout of shape idx.shape + (H,)")),
    (N_("grads[0] written in place"), _bwd_in_place, ""),
    (N_("dW zeroed between calls"), _bwd_zeroed, ""),
)


def embedding_backward(cls, verbose: bool = True) -> CheckResult:
    """Check an Embedding class with the book's API: ``cls(W)``, ``params``,
    ``grads``, ``forward(idx) -> W[idx]``, ``backward(dout)`` writing ``grads[0]``.

    W: (V, H) float64; idx: (N,) ids; dout: (N, H). Cases: forward equals
    ``W[idx]``; backward without and with repeated ids (the classic
    ``dW[idx] = dout`` keeps one of the repeats); ``grads[0]`` written in place
    (same array object after backward); ``dW`` zeroed between calls.
    Prints a report unless ``verbose=False``; returns a :class:`CheckResult`.
    """
    toy = _EmbeddingToy.make(seed=0)
    return run_cases("embedding_backward", _BACKWARD_CASES, (cls, toy), verbose)


# ---------------------------------------------------------------------------
# MatMul (notebook 01)
# ---------------------------------------------------------------------------

_MATMUL_SHAPES = N_("dx = dout @ W.T has x's shape (N, D); dW = x.T @ dout has W's shape (D, H)")


@dataclass
class _MatMulToy:
    """W: (D, H) = (4, 3), x: (N, D) = (5, 4), G = dout: (N, H); W is not square."""

    cls: type
    rng: np.random.Generator
    W0: np.ndarray
    x0: np.ndarray
    G: np.ndarray
    D: int = 4
    H: int = 3
    N: int = 5

    @classmethod
    def make(cls, layer_cls, seed: int) -> _MatMulToy:
        rng = np.random.default_rng(seed)
        W0 = rng.normal(size=(4, 3))
        x0 = rng.normal(size=(5, 4))
        return cls(layer_cls, rng, W0, x0, rng.normal(size=(5, 3)))

    def layer(self):
        """A fresh layer on a copy of W0, with ``params`` and ``grads`` lists."""
        layer = construct(self.cls, self.W0.copy(), what=_("your class(W)"))
        if not getattr(layer, "params", None) or not getattr(layer, "grads", None):
            raise Fail(_("keep the weight and its gradient as lists: self.params = [W], "
                         "self.grads = [np.zeros_like(W)]"))
        return layer

    def grads_after(self, batches) -> np.ndarray:
        """grads[0] of a fresh layer after forward/backward on each ``(x, dout)`` in turn."""
        layer = self.layer()
        for x, g in batches:
            layer.forward(x.copy())
            layer.backward(g.copy())
        return np.array(layer.grads[0], dtype=np.float64)


def _mm_forward(toy: _MatMulToy) -> None:
    out = np.asarray(toy.layer().forward(toy.x0.copy()))
    if out.shape != (toy.N, toy.H):
        raise Fail(_("forward(x) with x {x0_shape} and W {W0_shape} should return "
                     "({N}, {H}), got {out_shape}").format(
                       x0_shape=toy.x0.shape, W0_shape=toy.W0.shape, N=toy.N, H=toy.H,
                       out_shape=out.shape))
    if not np.allclose(out, toy.x0 @ toy.W0):
        raise Fail(_("forward(x) should return x @ W (W is params[0])"))


def _mm_grad_x(toy: _MatMulToy) -> None:
    layer = toy.layer()
    x = toy.x0.copy()
    layer.forward(x)
    dx = layer.backward(toy.G.copy())
    if dx is None:
        raise Fail(_("backward returned None: return dx for the layer below. {MATMUL_SHAPES}").format(
                       MATMUL_SHAPES=_(_MATMUL_SHAPES)))
    dx = np.asarray(dx, dtype=np.float64)
    if dx.shape != x.shape:
        raise Fail(_("dx has shape {dx_shape}, x has {x_shape}: {MATMUL_SHAPES}").format(
                       dx_shape=dx.shape, x_shape=x.shape, MATMUL_SHAPES=_(_MATMUL_SHAPES)))
    num = numerical_gradient(lambda: np.sum(layer.forward(x) * toy.G), x)
    err = relative_error(dx, num)
    if err > 1e-6:
        raise Fail(_("dx disagrees with the numerical gradient (relative error {err:.1e}): "
                     "dx = dout @ W.T").format(err=err))


def _mm_grad_W(toy: _MatMulToy) -> None:
    layer = toy.layer()
    x = toy.x0.copy()
    layer.forward(x)
    layer.backward(toy.G.copy())
    dW = np.asarray(layer.grads[0], dtype=np.float64)
    want = toy.x0.T @ toy.G
    if dW.shape == (toy.H, toy.D) and np.allclose(dW, want.T):
        raise Fail(_("dW is transposed, shape {dW_shape}: dW = x.T @ dout has W's shape {W0_shape}").format(
                       dW_shape=dW.shape, W0_shape=toy.W0.shape))
    if dW.shape != toy.W0.shape:
        raise Fail(_("grads[0] has shape {dW_shape}, W has {W0_shape}: dW = x.T @ dout").format(
                       dW_shape=dW.shape, W0_shape=toy.W0.shape))
    if not np.any(dW):
        raise Fail(_("grads[0] is still all zeros after backward: write dW into it, "
                     "self.grads[0][...] = dW"))
    if np.allclose(dW, want / toy.N):
        raise Fail(_("dW is divided by the batch size N={N}: MatMul's dW is the plain sum "
                     "x.T @ dout (the loss layer already averages over the batch)").format(N=toy.N))
    num = numerical_gradient(lambda: np.sum(layer.forward(x) * toy.G), layer.params[0])
    err = relative_error(dW, num)
    if err > 1e-6:
        raise Fail(_("dW disagrees with the numerical gradient (relative error {err:.1e}): "
                     "dW = x.T @ dout, summed over the batch").format(err=err))


def _mm_in_place(toy: _MatMulToy) -> None:
    layer = toy.layer()
    before = layer.grads[0]
    layer.forward(toy.x0.copy())
    layer.backward(toy.G.copy())
    if layer.grads[0] is not before:
        raise Fail(_("backward put a NEW array into grads[0] (`self.grads[0] = dW`), so a model "
                     "or optimizer that collected the old array sees zeros. Write into it: "
                     "`self.grads[0][...] = dW`"))


def _mm_replaced(toy: _MatMulToy) -> None:
    x2, G2 = toy.rng.normal(size=(2, toy.D)), toy.rng.normal(size=(2, toy.H))
    both = toy.grads_after([(toy.x0, toy.G), (x2, G2)])
    second = toy.grads_after([(x2, G2)])                  # a fresh layer, second batch only
    if np.allclose(both, second):
        return
    if np.allclose(both, second + toy.grads_after([(toy.x0, toy.G)])):
        raise Fail(_("after a second backward, grads[0] still holds the first batch's gradient "
                     "(`+=` accumulates): assign, `self.grads[0][...] = dW`"))
    raise Fail(_("after a second forward/backward, grads[0] should depend on the second batch only"))


_MATMUL_CASES = (
    (N_("forward is x @ W"), _mm_forward, N_("call: forward(x) with x of shape (N, D)")),
    (N_("dx matches the numerical gradient"), _mm_grad_x, _MATMUL_SHAPES),
    (N_("dW matches the numerical gradient"), _mm_grad_W, _MATMUL_SHAPES),
    (N_("grads[0] written in place"), _mm_in_place, ""),
    (N_("dW replaced, not accumulated"), _mm_replaced, ""),
)


def matmul_layer(cls, verbose: bool = True) -> CheckResult:
    """Check a MatMul layer with the book's API: ``cls(W)``, ``params = [W]``, ``grads``,
    ``forward(x) -> x @ W``, ``backward(dout) -> dx``, writing dW into ``grads[0]``.

    W: (D, H) = (4, 3) float64, x: (N, D) = (5, 4), dout: (N, H). W is not square, so a
    missing transpose shows. Cases: forward value; dx and dW against numerical gradients
    of ``sum(forward(x) * dout)`` (hints for a transposed dW and for a dW divided by N);
    dW written into the array already in ``grads[0]`` (``grads[0][...] = dW``, not
    ``grads[0] = dW``); a second backward replaces dW (no ``+=``).
    """
    toy = _MatMulToy.make(cls, seed=5)
    return run_cases("matmul_layer", _MATMUL_CASES, (toy,), verbose)


# ---------------------------------------------------------------------------
# Embedding forward (notebook 02)
# ---------------------------------------------------------------------------

def _rows(out, want, what) -> None:
    out = np.asarray(out)
    if out.shape != want.shape:
        raise Fail(_("{what}: expected shape {want_shape} (idx.shape + (H,)), got {out_shape}").format(
                       what=what, want_shape=want.shape, out_shape=out.shape))
    if not np.allclose(out, want):
        raise Fail(_("{what}: expected the rows W[idx] (W is params[0])").format(what=what))


def _fwd_batch(make, W) -> None:
    idx = np.array([1, 0, 3, 0])
    _rows(make(W.copy()).forward(idx), W[idx], _("ids [1, 0, 3, 0]"))


def _fwd_block(make, W) -> None:
    idx = np.array([[1, 3], [0, 0], [6, 2]])
    out = np.asarray(make(W.copy()).forward(idx))
    H = W.shape[1]
    if out.shape == (3, H):
        raise Fail(_("ids of shape (3, 2) gave (3, H): the layer returns every row, (3, 2, H); "
                     "CBOW's mean over the context comes after it"))
    if out.shape == (6, H):
        raise Fail(_("ids of shape (3, 2) gave (6, H): keep the ids' shape, "
                     "out.shape == idx.shape + (H,) (W[idx] does)"))
    _rows(out, W[idx], _("ids of shape (3, 2)"))


def _fwd_list_and_scalar(make, W) -> None:
    layer = make(W.copy())
    _rows(layer.forward([1, 0, 3, 0]), W[[1, 0, 3, 0]], _("a Python list [1, 0, 3, 0]"))
    _rows(layer.forward(2), W[2], _("a single id 2"))


def _fwd_remembers(make, W) -> None:
    layer = make(W.copy())
    idx = np.array([4, 1, 4])
    layer.forward(idx)
    kept = getattr(layer, "idx", None)
    if kept is not None and np.array_equal(np.asarray(kept), idx):
        return
    for v in vars(layer).values():
        if isinstance(v, np.ndarray) and v.shape == idx.shape and np.array_equal(v, idx):
            return
    raise Fail(_("forward did not keep the ids: store them (self.idx = idx), because backward "
                 "must know which rows of dW receive the gradient"))


def _fwd_current_W(make, W) -> None:
    layer = make(W.copy())
    params = getattr(layer, "params", None)
    if not params:
        raise Fail(_("keep W as the layer's parameter: self.params = [W]"))
    layer.forward(np.array([0, 2]))
    params[0][...] -= 0.5                              # an optimizer's in-place step
    out = np.asarray(layer.forward(np.array([0, 2])))
    if np.allclose(out, W[[0, 2]]):
        raise Fail(_("after an optimizer changed params[0] in place, forward still returned the "
                     "old rows: look the rows up in self.params[0] (no copy of W kept aside)"))
    _rows(out, np.asarray(params[0])[[0, 2]], _("after an update of params[0]"))


def _fwd_dtype(make, W) -> None:
    out = np.asarray(make(W.astype(np.float32)).forward(np.array([1, 0, 3, 0])))
    if out.dtype != np.float32:
        raise Fail(_("a float32 W gave {dtype} rows: a one-hot product promotes the dtype "
                     "(integer one-hot @ float32 is float64); W[idx] keeps W's dtype").format(
                       dtype=out.dtype))


def _fwd_no_one_hot(make, W) -> None:
    big_V, n = 50_000, 8
    W_big = np.random.default_rng(7).normal(size=(big_V, 4)).astype(np.float32)
    layer = make(W_big)
    idx = np.array([3, 49_999, 17, 3, 0, 25_000, 17, 3])
    store = {}
    peak = peak_memory(lambda: store.setdefault("out", layer.forward(idx)))
    _rows(store["out"], W_big[idx], _("8 ids at V = {big_V:,}").format(big_V=big_V))
    limit = 64 * 1024
    if peak > limit:
        # a bound, not the figure itself: the exact peak depends on NumPy's temporaries
        what = (_("over {n} x V bytes ({size}): a one-hot batch, even at one "
                  "byte per number,").format(n=n, size=format_bytes(n * big_V))
                if peak >= n * big_V else _("over {size}").format(size=format_bytes(limit)))
        raise Fail(_("looking up {n} ids at V = {big_V:,} allocated {what} while the rows are "
                     "{size}. Index instead of multiplying: W[idx]").format(
                       n=n, big_V=big_V, what=what, size=format_bytes(n * 4 * 4)))


def _fwd_out_of_range(make, W) -> None:
    layer = make(W.copy())
    V = W.shape[0]
    for bad in (np.array([2, -1]), np.array([V])):
        try:
            out = np.asarray(layer.forward(bad))
        except (IndexError, ValueError):
            continue
        if bad[-1] < 0:
            raise Fail(_("the id -1 returned a row ({tolist}, the last "
                         "word's: NumPy wraps negative indices around). Word ids lie in [0, V): "
                         "check and raise IndexError, as w2vlib.layers.Embedding does").format(
                           tolist=np.round(out[-1], 3).tolist()))
        raise Fail(_("the id {V} (= V) returned a row: raise IndexError for ids outside [0, V)").format(
                       V=V))


_FORWARD_CASES = (
    (N_("ids with repeats give W[idx]"), _fwd_batch, N_("call: forward(idx) with idx of shape (N,)")),
    (N_("(N, C) ids give (N, C, H)"), _fwd_block, ""),
    (N_("a list of ids and a single id"), _fwd_list_and_scalar, N_("convert first: idx = np.asarray(idx)")),
    (N_("ids kept for backward"), _fwd_remembers, ""),
    (N_("rows read from the current params[0]"), _fwd_current_W, ""),
    (N_("float32 W gives float32 rows"), _fwd_dtype, ""),
    (N_("no one-hot array (memory independent of V)"), _fwd_no_one_hot, ""),
    (N_("ids outside [0, V) rejected"), _fwd_out_of_range, ""),
)


def embedding_forward(cls, verbose: bool = True) -> CheckResult:
    """Check an Embedding layer's forward pass: ``cls(W)``, ``params = [W]``, ``forward(idx) -> W[idx]``.

    W: (V, H). Cases: a batch of ids with repeats; (N, C) ids give (N, C, H); a Python list
    of ids and a single id; the ids remembered for backward (``self.idx``); rows read from
    the current ``params[0]`` (an optimizer updates it in place); float32 rows stay float32;
    no one-hot array (looking up 8 ids at V = 50,000 may allocate at most 64 KiB, measured
    with tracemalloc; a one-hot batch is over a megabyte); ids outside [0, V) rejected (NumPy
    would wrap -1 around to the last row).
    """
    W = np.random.default_rng(6).normal(size=(7, 3))          # (V, H)
    make = partial(construct, cls, what=_("your class(W)"))       # make(W) -> your layer
    return run_cases("embedding_forward", _FORWARD_CASES, (make, W), verbose)
