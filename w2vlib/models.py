"""The three word2vec models of chapters 3 and 4.

* :class:`SimpleCBOW` -- chapter 3's CBOW: one-hot contexts, a MatMul and a
  softmax over the whole vocabulary. The baseline that chapter 4 speeds up.
* :class:`CBOW` -- the same model after section 4.1 (Embedding instead of the
  one-hot MatMul) and section 4.2 (negative sampling instead of the softmax).
* :class:`SkipGram` -- the mirror image: predict every context word from the
  centre word, with the same two improvements.

All three keep ``params`` (``[W_in, W_out]``, each weight listed once),
``grads`` (same shapes, written in place), ``forward(contexts, target) ->
loss`` and ``backward(dout=1)``. ``word_vecs`` is ``W_in``, the vectors one
keeps after training. Weights are ``0.01 * standard normal`` in ``dtype``
(float32 unless asked otherwise; pass ``dtype=np.float64`` for gradient
checks). ``seed`` (int, None or ``np.random.Generator``) drives both the
initial weights and, for CBOW and SkipGram, the negative sampler, which
shares the same generator.

These are the book's models, with its dense gradients. The speed step that
makes CBOW and SkipGram touch only the rows a batch used is
:func:`w2vlib.speed.sparse.sparse_model`.
"""

from __future__ import annotations

import numbers

import numpy as np

from .i18n import _
from .layers import Embedding, MatMul, SoftmaxWithLoss, saved_by_forward
from .negative_sampling import NegativeSamplingLoss
from .seeding import make_rng

__all__ = ["SimpleCBOW", "CBOW", "SkipGram"]


def _init_weights(rng: np.random.Generator, shape: tuple[int, int], dtype) -> np.ndarray:
    return (0.01 * rng.standard_normal(shape)).astype(dtype)


def _check_sizes(vocab_size, hidden_size) -> None:
    for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(_("{name} must be an int >= 1, got {value!r}").format(name=name, value=value))


def _check_window(window_size) -> int:
    if (not isinstance(window_size, numbers.Integral) or isinstance(window_size, bool)
            or window_size < 1):
        raise ValueError(_("window_size must be an int >= 1, got {window_size!r}").format(
                             window_size=window_size))
    return int(window_size)


def _check_ids(contexts, target, n_context: int) -> tuple[np.ndarray, np.ndarray]:
    """contexts must be (N, n_context) and target (N,), both integer word ids."""
    contexts = np.asarray(contexts)
    target = np.asarray(target)
    for name, a in (("contexts", contexts), ("target", target)):
        if not np.issubdtype(a.dtype, np.integer):
            raise TypeError(_("{name} must hold integer word ids, got dtype {dtype}").format(
                                name=name, dtype=a.dtype))
    if contexts.ndim != 2 or contexts.shape[1] != n_context:
        raise ValueError(_("contexts must have shape (N, {n_context}) (2 * window_size "
                           "context words per row), got {contexts_shape}").format(
                             n_context=n_context, contexts_shape=contexts.shape))
    if target.shape != contexts.shape[:1]:
        raise ValueError(_("target must have shape ({shape_0},) to match contexts "
                           "{contexts_shape}, got {target_shape}").format(
                             shape_0=contexts.shape[0], contexts_shape=contexts.shape,
                             target_shape=target.shape))
    return contexts, target


class SimpleCBOW:
    """Chapter 3's CBOW: average the context vectors, softmax over the vocabulary.

    forward(contexts, target):
        contexts: (N, C, V) one-hot rows, C context words per example.
        target: (N, V) one-hot or (N,) labels.
    ``h = mean_c(contexts[:, c] @ W_in)`` (N, H), ``scores = h @ W_out`` (N, V),
    loss = softmax cross-entropy, averaged over the batch.

    One MatMul holding ``W_in`` (V, H) is applied to all C columns at once,
    so ``W_in`` appears once in ``params`` and its gradient sums over the
    columns automatically. Note that the average ignores word order: the
    contexts (a, b) and (b, a) give the same h.
    """

    def __init__(self, vocab_size: int, hidden_size: int, seed=None, dtype=np.float32):
        _check_sizes(vocab_size, hidden_size)
        rng = make_rng(seed)
        W_in = _init_weights(rng, (vocab_size, hidden_size), dtype)
        W_out = _init_weights(rng, (hidden_size, vocab_size), dtype)
        self.vocab_size = vocab_size
        self.in_layer = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()
        self.params = [W_in, W_out]
        self.grads = [self.in_layer.grads[0], self.out_layer.grads[0]]
        self._n_context = 1

    @property
    def word_vecs(self) -> np.ndarray:
        """W_in, (V, H): one learned vector per word."""
        return self.params[0]

    def _hidden(self, contexts) -> np.ndarray:
        contexts = np.asarray(contexts)
        V = self.vocab_size
        if contexts.ndim != 3 or contexts.shape[2] != V:
            raise ValueError(_("contexts must be one-hot of shape (N, C, {V}), "
                               "got {contexts_shape}").format(V=V, contexts_shape=contexts.shape))
        x = contexts.astype(self.params[0].dtype, copy=False)
        self._n_context = x.shape[1]
        return self.in_layer.forward(x).mean(axis=1)              # (N, H)

    def predict(self, contexts) -> np.ndarray:
        """contexts: (N, C, V) one-hot -> scores (N, V) (before the softmax)."""
        return self.out_layer.forward(self._hidden(contexts))

    def forward(self, contexts, target) -> float:
        """contexts: (N, C, V) one-hot; target: (N, V) one-hot or (N,) labels -> loss."""
        scores = self.predict(contexts)
        target = np.asarray(target)
        if target.shape[:1] != scores.shape[:1]:
            raise ValueError(_("target must have {shape_0} rows to match contexts, "
                               "got shape {target_shape}").format(
                                 shape_0=scores.shape[0], target_shape=target.shape))
        return self.loss_layer.forward(scores, target)

    def backward(self, dout=1.0) -> None:
        """Writes the gradients of all params; returns None."""
        saved_by_forward(self, self.loss_layer.y)
        dscores = self.loss_layer.backward(dout)
        dh = self.out_layer.backward(dscores)                       # (N, H)
        C = self._n_context
        dx = np.broadcast_to(dh[:, None, :] / C, (dh.shape[0], C, dh.shape[1]))
        self.in_layer.backward(dx)
        return None


class _NegativeSamplingModel:
    """What CBOW and SkipGram share: an Embedding for W_in, negative sampling on W_out.

    Both weights are (V, H) and drawn from one generator, W_in first, then
    W_out, then the sampler's negatives, so one ``seed`` fixes a whole run.
    """

    def __init__(self, vocab_size: int, hidden_size: int, window_size: int, corpus,
                 sample_size: int = 5, power: float = 0.75, seed=None, dtype=np.float32):
        _check_sizes(vocab_size, hidden_size)
        self.window_size = _check_window(window_size)
        rng = make_rng(seed)
        W_in = _init_weights(rng, (vocab_size, hidden_size), dtype)
        W_out = _init_weights(rng, (vocab_size, hidden_size), dtype)
        self.in_layer = Embedding(W_in)
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=power,
                                            sample_size=sample_size, seed=rng)
        self.params = [W_in, W_out]
        self.grads = [self.in_layer.grads[0], self.ns_loss.grads[0]]
        self._shape: tuple[int, int] | None = None

    @property
    def word_vecs(self) -> np.ndarray:
        """W_in, (V, H)."""
        return self.params[0]


class CBOW(_NegativeSamplingModel):
    """CBOW with an Embedding input layer and negative sampling (sections 4.1 + 4.2).

    forward(contexts, target):
        contexts: (N, 2*window_size) integer ids; target: (N,) integer ids.
    ``h = mean_c W_in[contexts[:, c]]`` (N, H); the loss is the
    :class:`~w2vlib.negative_sampling.NegativeSamplingLoss` of h against the
    target, with ``W_out`` stored as (V, H) so that a word's output vector is
    a row, gathered like an input vector.

    ``params = [W_in, W_out]``; the sampler is ``self.ns_loss.sampler``.
    """

    def forward(self, contexts, target) -> float:
        """contexts: (N, 2*window_size) ids, target: (N,) ids -> scalar loss."""
        contexts, target = _check_ids(contexts, target, 2 * self.window_size)
        h = self.in_layer.forward(contexts).mean(axis=1)            # (N, H)
        self._shape = contexts.shape
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1.0) -> None:
        """Writes dW_in and dW_out; returns None."""
        n, c = saved_by_forward(self, self._shape)
        dh = self.ns_loss.backward(dout)                            # (N, H)
        self.in_layer.backward(np.broadcast_to(dh[:, None, :] / c, (n, c, dh.shape[1])))
        return None


class SkipGram(_NegativeSamplingModel):
    """Skip-gram with an Embedding input layer and negative sampling.

    forward(contexts, target):
        contexts: (N, 2*window_size) integer ids; target: (N,) integer ids.
    ``h = W_in[target]`` (N, H), and the loss is, as in the book, the sum over
    the C = 2*window_size context positions of the negative-sampling loss of
    predicting ``contexts[:, c]`` from h (each a batch mean).

    The C positions are computed in one call: h is repeated to (N*C, H) and
    the context ids are flattened to (N*C,). That call averages over N*C
    rows instead of N, so its loss is multiplied by C (and so is the
    gradient), which gives exactly the sum of the C per-position losses.
    """

    def forward(self, contexts, target) -> float:
        """contexts: (N, 2*window_size) ids, target: (N,) ids -> scalar loss."""
        contexts, target = _check_ids(contexts, target, 2 * self.window_size)
        n, c = contexts.shape
        h = self.in_layer.forward(target)                           # (N, H)
        h_rep = np.repeat(h, c, axis=0)                             # row n*C + j is h[n]
        self._shape = (n, c)
        return c * self.ns_loss.forward(h_rep, contexts.reshape(-1))

    def backward(self, dout=1.0) -> None:
        """Writes dW_in and dW_out; returns None."""
        n, c = saved_by_forward(self, self._shape)
        dh_rep = self.ns_loss.backward(dout * c)                    # (N*C, H)
        self.in_layer.backward(dh_rep.reshape(n, c, -1).sum(axis=1))
        return None
