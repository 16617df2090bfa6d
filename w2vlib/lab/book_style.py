"""Chapter 4's CBOW the way the book writes it: correct, faithful, and slow on purpose.

This module is the *reference point* of the speed ladder (``python -m
w2vlib.lab.bench``, notebook 08). It rebuilds, in our own code, the structure of
the book's chapter-4 training (Saitoh, *Deep Learning from Scratch 2*, ch. 4:
``cbow.py``, ``negative_sampling_layer.py``, ``common/layers.py``,
``common/optimizer.py``, ``common/trainer.py``), keeping every design choice
that costs time, so that the benchmark measures what a reader of the book
actually runs:

* :class:`UnigramSampler` draws each row's negatives with its own
  ``rng.choice(V, size=k, replace=False, p=p)`` call, after copying the whole
  probability vector and zeroing the target in it -- a Python loop over the
  batch, each iteration O(V).
* :class:`NegativeSamplingLoss` keeps ``sample_size + 1`` separate
  :class:`EmbeddingDot` layers (one for the target, one per negative), all
  holding the same ``W_out``; :class:`CBOW` keeps ``2 * window_size`` separate
  :class:`Embedding` layers holding the same ``W_in``. So ``params`` lists
  ``W_in`` 10 times and ``W_out`` 6 times, each with its own full-size gradient.
* :class:`Embedding` backward zeroes its whole ``(V, H)`` gradient, then
  scatter-adds the batch rows into it (``np.add.at``) -- every layer, every step.
* :func:`remove_duplicate` sums the gradients of repeated weights with a
  restart-from-scratch double loop, one full-matrix addition per duplicate.
* :class:`Adam` updates both full ``(V, H)`` matrices every step, although a
  batch of 100 touches only a few hundred rows of each.

Measured on a 2-core machine (``docs/ANCHORS.md``), these costs split a step of the
book's code roughly as: Adam on full matrices 45 %, the per-row sampler 25 %,
Embedding backward (zeroing + scatter) 22 %, summing shared gradients 6 %.
:mod:`w2vlib.models`, :mod:`w2vlib.negative_sampling` and the fast trainer
remove them one by one.

Everything here computes the same loss and gradients as
:class:`w2vlib.models.CBOW` given the same weights and negatives (tested in
``tests/test_bench.py``). Randomness comes from ``seed`` (a
``np.random.Generator`` is created per model); the global ``np.random`` state
is never touched.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["UnigramSampler", "Embedding", "EmbeddingDot", "SigmoidWithLoss",
           "NegativeSamplingLoss", "CBOW", "Adam", "remove_duplicate", "fit"]


class UnigramSampler:
    """Negatives from ``counts ** power``, one ``choice(..., replace=False, p=...)`` per row.

    ``get_negative_sample(target: (N,))`` -> ``(N, sample_size)`` ids; row n
    never contains ``target[n]`` and has no repeated id.
    """

    def __init__(self, corpus, power: float = 0.75, sample_size: int = 5, seed=None):
        corpus = np.asarray(corpus)
        self.sample_size = int(sample_size)
        self.rng = np.random.default_rng(seed)
        counts = np.bincount(corpus)
        self.vocab_size = len(counts)
        self.word_p = counts.astype(np.float64) ** power
        self.word_p /= self.word_p.sum()

    def get_negative_sample(self, target) -> np.ndarray:
        """target: (N,) ids -> (N, sample_size) negatives, drawn row by row."""
        target = np.asarray(target)
        batch_size = target.shape[0]
        negatives = np.zeros((batch_size, self.sample_size), dtype=np.int32)
        for i in range(batch_size):
            p = self.word_p.copy()          # O(V) per row, as in the book
            p[target[i]] = 0
            p /= p.sum()
            negatives[i, :] = self.rng.choice(self.vocab_size, size=self.sample_size,
                                              replace=False, p=p)
        return negatives


class Embedding:
    """``W[idx]``; backward zeroes the full ``dW`` and scatter-adds into it."""

    def __init__(self, W: np.ndarray):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx) -> np.ndarray:
        (W,) = self.params
        self.idx = idx
        return W[idx]

    def backward(self, dout: np.ndarray) -> None:
        (dW,) = self.grads
        dW[...] = 0                          # a full (V, H) pass per layer per step
        np.add.at(dW, self.idx, dout)        # adds, so repeated ids keep every row
        return None


class EmbeddingDot:
    """``out[n] = W[idx[n]] . h[n]`` for one id per row; idx: (N,), h: (N, H) -> (N,)."""

    def __init__(self, W: np.ndarray):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache = None

    def forward(self, h: np.ndarray, idx) -> np.ndarray:
        target_W = self.embed.forward(idx)
        self.cache = (h, target_W)
        return np.sum(target_W * h, axis=1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        h, target_W = self.cache
        dout = dout.reshape(-1, 1)
        self.embed.backward(dout * h)
        return dout * target_W


class SigmoidWithLoss:
    """Sigmoid + binary cross-entropy, the book's way: ``-log(y + 1e-7)`` of the right class."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = self.t = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        self.t = t
        self.y = 1 / (1 + np.exp(-x))
        n = x.shape[0]
        p_right = np.where(t == 1, self.y, 1 - self.y)
        return float(-np.sum(np.log(p_right + 1e-7)) / n)

    def backward(self, dout=1.0) -> np.ndarray:
        n = self.t.shape[0]
        return (self.y - self.t) * dout / n


class NegativeSamplingLoss:
    """Positive + ``sample_size`` negatives, each with its own EmbeddingDot and loss layer.

    ``params`` lists ``W`` ``sample_size + 1`` times (one per EmbeddingDot),
    ``grads`` the matching full-size gradients.
    """

    def __init__(self, W: np.ndarray, corpus, power: float = 0.75, sample_size: int = 5,
                 seed=None):
        self.sample_size = sample_size
        self.sampler = UnigramSampler(corpus, power, sample_size, seed=seed)
        self.loss_layers = [SigmoidWithLoss() for _ in range(sample_size + 1)]
        self.embed_dot_layers = [EmbeddingDot(W) for _ in range(sample_size + 1)]
        self.params, self.grads = [], []
        for layer in self.embed_dot_layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, h: np.ndarray, target) -> float:
        batch_size = target.shape[0]
        negatives = self.sampler.get_negative_sample(target)
        score = self.embed_dot_layers[0].forward(h, target)
        loss = self.loss_layers[0].forward(score, np.ones(batch_size, dtype=np.int32))
        negative_label = np.zeros(batch_size, dtype=np.int32)
        for i in range(self.sample_size):
            score = self.embed_dot_layers[1 + i].forward(h, negatives[:, i])
            loss += self.loss_layers[1 + i].forward(score, negative_label)
        return loss

    def backward(self, dout=1.0) -> np.ndarray:
        dh = 0
        for loss_layer, dot_layer in zip(self.loss_layers, self.embed_dot_layers, strict=True):
            dh = dh + dot_layer.backward(loss_layer.backward(dout))
        return dh


class CBOW:
    """The book's chapter-4 CBOW: ``2 * window_size`` Embedding layers sharing ``W_in``.

    ``W_in``, ``W_out``: (V, H) float32, ``0.01 * standard normal`` from ``seed``.
    ``params``/``grads`` list the shared weights once per layer (16 entries for
    window 5 and 5 negatives); train with :func:`remove_duplicate` in the loop.
    """

    def __init__(self, vocab_size: int, hidden_size: int, window_size: int, corpus,
                 sample_size: int = 5, power: float = 0.75, seed=None):
        rng = np.random.default_rng(seed)
        V, H = vocab_size, hidden_size
        self.W_in = (0.01 * rng.standard_normal((V, H))).astype(np.float32)
        self.W_out = (0.01 * rng.standard_normal((V, H))).astype(np.float32)
        self.in_layers = [Embedding(self.W_in) for _ in range(2 * window_size)]
        self.ns_loss = NegativeSamplingLoss(self.W_out, corpus, power=power,
                                            sample_size=sample_size, seed=rng)
        self.params, self.grads = [], []
        for layer in self.in_layers + [self.ns_loss]:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = self.W_in

    def forward(self, contexts, target) -> float:
        """contexts: (N, 2*window_size) ids; target: (N,) ids -> loss."""
        h = 0
        for i, layer in enumerate(self.in_layers):
            h = h + layer.forward(contexts[:, i])
        h = h * (1 / len(self.in_layers))
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1.0) -> None:
        dout = self.ns_loss.backward(dout)
        dout = dout * (1 / len(self.in_layers))
        for layer in self.in_layers:
            layer.backward(dout)
        return None


def remove_duplicate(params: list, grads: list) -> tuple[list, list]:
    """Merge repeated weight arrays, adding their gradients -- the book's way.

    Scans all pairs, and after each merge starts the scan again; the sum is
    written *into* the first gradient array of each weight. Returns new lists.
    """
    params, grads = params[:], grads[:]
    while True:
        found = False
        n = len(params)
        for i in range(n - 1):
            for j in range(i + 1, n):
                if params[i] is params[j]:
                    grads[i] += grads[j]          # a full (V, H) addition
                    params.pop(j)
                    grads.pop(j)
                    found = True
                    break
            if found:
                break
        if not found:
            return params, grads


class Adam:
    """Dense Adam as the book writes it: every parameter entry, every step."""

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params: list, grads: list) -> None:
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


def fit(model, optimizer, x: np.ndarray, t: np.ndarray, max_epoch: int = 1, batch_size: int = 100,
        seed=None, time_limit: float | None = None, max_steps: int | None = None) -> dict:
    """The book's training loop: shuffle, then forward / backward / merge grads / update.

    Stops after ``max_epoch`` epochs, or earlier after the step that crosses
    ``time_limit`` seconds or reaches ``max_steps``. Returns
    ``{"steps", "words", "seconds", "losses"}`` (words = targets trained on).
    """
    rng = np.random.default_rng(seed)
    n = len(x)
    iters = n // batch_size
    steps, losses = 0, []
    start = time.perf_counter()
    for _ in range(max_epoch):
        order = rng.permutation(n)
        x_epoch, t_epoch = x[order], t[order]
        for it in range(iters):
            batch_x = x_epoch[it * batch_size:(it + 1) * batch_size]
            batch_t = t_epoch[it * batch_size:(it + 1) * batch_size]
            losses.append(model.forward(batch_x, batch_t))
            model.backward()
            params, grads = remove_duplicate(model.params, model.grads)
            optimizer.update(params, grads)
            steps += 1
            if ((max_steps is not None and steps >= max_steps)
                    or (time_limit is not None and time.perf_counter() - start > time_limit)):
                return {"steps": steps, "words": steps * batch_size,
                        "seconds": time.perf_counter() - start, "losses": losses}
    return {"steps": steps, "words": steps * batch_size, "seconds": time.perf_counter() - start,
            "losses": losses}
