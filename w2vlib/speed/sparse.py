"""The sparse-rows speed step: the book's CBOW, touching only the rows a batch used.

A batch of 100 CBOW examples on PTB touches a few hundred of the 10,000
rows of ``W_in`` and ``W_out``, yet the book's step works on all of them:
:class:`~w2vlib.layers.Embedding` clears the whole (V, H) ``dW`` before adding
its few rows, and the optimizer then updates every entry of both matrices.
This step keeps the book's layer API and its dense gradient arrays, and does
only the touched rows' work. Notebook 08 measures it; in
``docs/bench/2026-12-02-ptb-cbow.txt`` the sparse CBOW with lazy Adam ran at
7x the words/s of the same CBOW with the dense updates, and 33x the book's
chapter-4 code, on PTB.

* :class:`SparseEmbedding` -- an Embedding whose backward clears only the rows
  it wrote last time, adds with the exact fast
  :func:`~w2vlib.speed.scatter.scatter_add`, and records the rows it wrote in
  ``grad_rows``.
* :func:`sparse_model` -- swaps those layers into a model in place.
* :class:`SparseSGD`, :class:`LazyAdam` -- ``update(params, grads, grad_rows)``
  reads and writes only the listed rows.
* :class:`SparseTrainer` -- a :class:`~w2vlib.trainer.Trainer` that passes the
  rows on.

Typical use::

    model = sparse_model(CBOW(V, 100, 5, corpus))
    SparseTrainer(model, LazyAdam(lr=0.01)).fit(contexts, target, batch_size=1000)

``grad_rows`` for a parameter is a sorted, distinct int array of the rows
its gradient may be non-zero in, or None for "dense" (every row).
"""

from __future__ import annotations

import inspect

import numpy as np

from ..layers import Embedding, check_dout, saved_by_forward
from ..optim import SGD, Adam, check_pairs
from ..trainer import Trainer, unique_params
from .scatter import scatter_add, touched_rows

__all__ = ["SparseEmbedding", "sparse_model", "rows_written", "check_rows", "unique_with_rows",
           "SparseSGD", "LazyAdam", "SparseTrainer"]


class SparseEmbedding(Embedding):
    """:class:`~w2vlib.layers.Embedding` with a backward that costs O(rows used), not O(V).

    W: (V, H). ``forward`` is Embedding's (ids of shape S -> S + (H,), with
    its checks). ``backward(dout)``, dout S + (H,), leaves the same dense
    ``dW`` (V, H) as Embedding's -- bit for bit -- but only touches the rows
    the batch used: it zeroes just the rows it wrote the time before
    (everything else is still zero, as long as nothing but this layer writes
    non-zeros into ``dW``; scaling it in place, as gradient clipping does, is
    fine), then adds with :func:`~w2vlib.speed.scatter.scatter_add`.
    ``grad_rows[0]`` holds the rows written (sorted, distinct; None before the
    first backward), for :class:`SparseSGD` / :class:`LazyAdam`.
    """

    def __init__(self, W: np.ndarray):
        super().__init__(W)
        self.grad_rows: list[np.ndarray | None] = [None]

    @classmethod
    def sharing(cls, layer: Embedding) -> SparseEmbedding:
        """A SparseEmbedding on the same ``params`` and ``grads`` lists (and arrays) as ``layer``."""
        new = cls(layer.params[0])
        new.params, new.grads = layer.params, layer.grads
        return new

    def backward(self, dout: np.ndarray) -> None:
        """dout: idx.shape + (H,). Writes dW (V, H) and grad_rows; returns None."""
        (dW,) = self.grads
        idx = saved_by_forward(self, self.idx)
        dout = check_dout(self, dout, idx.shape + dW.shape[1:])
        prev = self.grad_rows[0]
        if prev is None:
            dW[...] = 0
        else:
            dW[prev] = 0
        scatter_add(dW, idx, dout)
        self.grad_rows[0] = touched_rows(idx, dW.shape[0])
        return None


def _swap_embeddings(obj, seen: dict) -> list:
    """Replace every Embedding reachable from obj's attributes (and lists); returns the new layers.

    seen: id -> replacement (or None for a visited container), so a layer
    reachable twice is swapped for one and the same SparseEmbedding.
    """
    if id(obj) in seen:
        return []
    seen[id(obj)] = None
    found = []
    for name, value in list(vars(obj).items()):
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, Embedding):
                new = item if isinstance(item, SparseEmbedding) else seen.get(id(item))
                if new is None:
                    new = seen[id(item)] = SparseEmbedding.sharing(item)
                if value is items:
                    items[i] = new
                else:
                    setattr(obj, name, new)
                found.append(new)
            elif hasattr(item, "params") and hasattr(item, "__dict__"):
                found += _swap_embeddings(item, seen)
    return found


def sparse_model(model):
    """Swap every Embedding of ``model`` for a :class:`SparseEmbedding`, in place; returns model.

    model: an object with the book's API -- CBOW, SkipGram, a
    NegativeSamplingLoss, or any model whose Embedding layers are reachable
    through attributes (or lists of layers) of objects with ``params``. The
    new layers share the old ones' ``params`` and ``grads`` arrays, so the
    model's own lists and an optimizer's state stay valid. Sets
    ``model.sparse_layers``: per entry of ``model.grads``, the SparseEmbedding
    that writes that array, or None (a dense gradient); :func:`rows_written`
    reads it.
    """
    by_grad = {id(layer.grads[0]): layer for layer in _swap_embeddings(model, {})}
    model.sparse_layers = [by_grad.get(id(g)) for g in model.grads]
    return model


def rows_written(model) -> list[np.ndarray | None]:
    """Per entry of ``model.grads``: the rows the last backward wrote, or None (dense).

    model: made sparse by :func:`sparse_model`. Before the first backward
    every entry is None.
    """
    layers = getattr(model, "sparse_layers", None)
    if layers is None:
        raise TypeError(f"{type(model).__name__} has no sparse layers; "
                        "pass it through sparse_model(model) first")
    return [None if layer is None else layer.grad_rows[0] for layer in layers]


def _parameters(fn) -> tuple:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return ()


def check_rows(rows, params) -> list:
    """rows: None (all dense) or one entry per param -> a list as long as params."""
    if rows is None:
        return [None] * len(params)
    rows = list(rows)
    if len(rows) != len(params):
        raise ValueError(f"got {len(params)} params but {len(rows)} grad_rows entries")
    return rows


class SparseSGD(SGD):
    """SGD that updates only the listed rows -- with the *same* result as dense SGD.

    Outside the rows the gradient is zero and ``p - lr * 0 == p``, so only the
    time changes. ``update(params, grads)`` without rows is dense SGD.
    """

    def update(self, params: list[np.ndarray], grads: list[np.ndarray],
               grad_rows: list | None = None) -> None:
        """params, grads: lists of same-shape arrays, changed in place.

        grad_rows: per param an int array of the rows whose gradient may be
        non-zero, or None (dense); None for the whole list means all dense.
        """
        check_pairs(params, grads)
        for p, g, rows in zip(params, grads, check_rows(grad_rows, params), strict=True):
            if rows is None:
                p -= self.lr * g
            else:
                p[rows] -= self.lr * g[rows]


class LazyAdam(Adam):
    """Lazy Adam: a row and its moments change only in steps that give it a gradient.

    This is TensorFlow's LazyAdam and PyTorch's SparseAdam. Dense
    :class:`~w2vlib.optim.Adam` would also decay the moments of untouched
    rows and keep moving those rows along their old momentum ``m``. For a
    row touched in every step the two agree (to the last bit in float64;
    float32 rows may differ by rounding, since this path keeps its
    temporaries in float32); the bias correction uses the global step count
    in both. Rows may be listed more than once. Without rows (or with a None
    entry) the update is dense Adam's.
    """

    def update(self, params: list[np.ndarray], grads: list[np.ndarray],
               grad_rows: list | None = None) -> None:
        """params, grads: lists of same-shape arrays, changed in place.

        grad_rows: per param an int array of rows (lazy update of those rows
        and their moments only) or None (dense update).
        """
        rows_list = check_rows(grad_rows, params)
        lr_t = self.begin_step(params, grads)
        for p, g, m, v, rows in zip(params, grads, self.m, self.v, rows_list, strict=True):
            if rows is None:
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g * g - v)
                p -= lr_t * m / (np.sqrt(v) + self.eps)
            else:
                self._update_rows(p, g, m, v, rows, float(lr_t))

    def _update_rows(self, p, g, m, v, rows, lr_t: float) -> None:
        # Adam's arithmetic on the gathered rows, with few temporaries
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
        step *= lr_t
        np.subtract(p.take(rows, axis=0), step, out=step)
        p[rows] = step


def unique_with_rows(params: list, grads: list, rows: list) -> tuple[list, list, list]:
    """:func:`~w2vlib.trainer.unique_params` that also merges the rows of a repeated array.

    A weight listed twice gets the sum of its gradients and the union of its
    rows (None, dense, if either entry is None).
    """
    out_p, out_g = unique_params(params, grads)
    where = {id(p): i for i, p in enumerate(out_p)}
    out_r: list = [False] * len(out_p)               # False: no entry seen yet
    for p, r in zip(params, rows, strict=True):
        i = where[id(p)]
        if out_r[i] is False:
            out_r[i] = r
        elif out_r[i] is not None:
            out_r[i] = None if r is None else np.union1d(out_r[i], r)
    return out_p, out_g, out_r


class SparseTrainer(Trainer):
    """:class:`~w2vlib.trainer.Trainer` that passes each gradient's rows to the optimizer.

    model: made sparse by :func:`sparse_model`. optimizer: its ``update``
    takes ``grad_rows=`` (:class:`SparseSGD`, :class:`LazyAdam`). Everything
    else -- progress bar, ``loss_list``, clipping, ``profiler`` and its
    :attr:`~w2vlib.trainer.Trainer.PROFILE_PARTS` -- is the Trainer's.
    Shared weights get the union of their rows.
    """

    def __init__(self, model, optimizer, profiler=None):
        rows_written(model)                          # raises if the model is not sparse
        if "grad_rows" not in _parameters(getattr(optimizer, "update", None)):
            raise TypeError(f"{type(optimizer).__name__}.update takes no grad_rows; "
                            "use SparseSGD or LazyAdam")
        super().__init__(model, optimizer, profiler=profiler)
        self._rows: list | None = None

    def merge_grads(self) -> tuple[list, list]:
        """Like the Trainer's, and keeps the merged rows for :meth:`apply_update`.

        The two go together: :meth:`~w2vlib.trainer.Trainer.step` calls this, then
        ``apply_update``, once per step; a subclass overriding one must keep the pair.
        """
        params, grads, self._rows = unique_with_rows(self.model.params, self.model.grads,
                                                     rows_written(self.model))
        return params, grads

    def apply_update(self, params: list, grads: list) -> None:
        """``optimizer.update(params, grads, grad_rows=rows)`` with the rows of merge_grads."""
        self.optimizer.update(params, grads, grad_rows=self._rows)

