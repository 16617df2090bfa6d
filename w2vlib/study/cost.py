"""The cost of CBOW's input layer, counted: one-hot MatMul vs Embedding (section 4.1).

One mini-batch of ``N`` examples with ``C`` context words each puts ``R = N * C`` context
words through ``W_in: (V, H)``. :class:`InputLayerCost` counts, for each way of doing it,
the bytes of the input and the work of the forward and the backward pass, apart:

=====================  ==================================  ===============================
                       one-hot MatMul                      Embedding
=====================  ==================================  ===============================
input                  ``(R, V)`` float32: ``4*R*V`` bytes  ``R`` int64 ids: ``8*R`` bytes
forward                ``x @ W_in``: ``R*V*H`` mult-adds    ``W_in[ids]``: ``R*H`` copies
backward               ``x.T @ dout``: ``R*V*H`` mult-adds  ``R*H`` adds into rows
=====================  ==================================  ===============================

Both keep ``W_in`` itself, ``4*V*H`` bytes in float32. The cost explorer
(:func:`w2vlib.study.widgets.cost_explorer`) shows forward + backward
(:func:`input_layer_cost`); :func:`w2vlib.study.check.onehot_cost` asks a learner for the
input bytes and the forward work (:meth:`InputLayerCost.forward_counts`).

>>> c = InputLayerCost(vocab_size=10_000, hidden_size=100, batch_size=100, context_size=10)
>>> c.onehot_input_bytes // c.id_input_bytes, c.matmul_forward_madds // c.lookup_forward_copies
(5000, 10000)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from w2vlib.i18n import _

__all__ = ["InputLayerCost", "input_layer_cost"]


def _positive_int(name: str, value) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(_("{name} must be a positive int, got {value!r}").format(name=name, value=value))
    return int(value)


@dataclass(frozen=True)
class InputLayerCost:
    """Counts for one batch through the input layer (all Python ints: no overflow).

    vocab_size V, hidden_size H, batch_size N, context_size C; ``rows`` is R = N * C.
    Raises ValueError unless all four are positive ints.
    """

    vocab_size: int
    hidden_size: int
    batch_size: int
    context_size: int

    def __post_init__(self):
        for name in ("vocab_size", "hidden_size", "batch_size", "context_size"):
            object.__setattr__(self, name, _positive_int(name, getattr(self, name)))

    @property
    def rows(self) -> int:
        """R = N * C context words, each one one-hot row (or one id)."""
        return self.batch_size * self.context_size

    @property
    def weights_bytes(self) -> int:
        """``W_in: (V, H)`` in float32, needed by both layers."""
        return 4 * self.vocab_size * self.hidden_size

    @property
    def onehot_input_bytes(self) -> int:
        """The ``(R, V)`` float32 one-hot input."""
        return 4 * self.rows * self.vocab_size

    @property
    def id_input_bytes(self) -> int:
        """The ``R`` int64 ids the Embedding takes instead."""
        return 8 * self.rows

    @property
    def matmul_forward_madds(self) -> int:
        """Multiply-adds of ``x @ W_in``: R * V * H."""
        return self.rows * self.vocab_size * self.hidden_size

    @property
    def matmul_backward_madds(self) -> int:
        """Multiply-adds of ``dW = x.T @ dout``: as many again."""
        return self.rows * self.vocab_size * self.hidden_size

    @property
    def lookup_forward_copies(self) -> int:
        """Numbers ``W_in[ids]`` copies: R * H."""
        return self.rows * self.hidden_size

    @property
    def lookup_backward_adds(self) -> int:
        """Numbers the Embedding's backward adds into rows of dW: R * H."""
        return self.rows * self.hidden_size

    def forward_counts(self) -> dict[str, int]:
        """The four counts :func:`w2vlib.study.check.onehot_cost` asks for (forward only):
        ``one_hot_bytes``, ``id_bytes``, ``matmul_madds``, ``lookup_copies``."""
        return {"one_hot_bytes": self.onehot_input_bytes, "id_bytes": self.id_input_bytes,
                "matmul_madds": self.matmul_forward_madds,
                "lookup_copies": self.lookup_forward_copies}

    def totals(self) -> dict[str, int]:
        """What the cost explorer shows: memory, and work forward + backward
        (see :func:`input_layer_cost`)."""
        return {
            "weights_bytes": self.weights_bytes,
            "onehot_input_bytes": self.onehot_input_bytes,
            "embedding_input_bytes": self.id_input_bytes,
            "matmul_ops": self.matmul_forward_madds + self.matmul_backward_madds,
            "embedding_ops": self.lookup_forward_copies + self.lookup_backward_adds,
        }


def input_layer_cost(vocab_size: int, hidden_size: int = 100, batch_size: int = 100,
                     context_size: int = 2) -> dict[str, int]:
    """Memory and arithmetic of CBOW's input layer for one batch, by counting.

    ``R = batch_size * context_size`` context words go through ``W_in: (V, H)``.

    * one-hot MatMul: the input is an ``(R, V)`` float32 one-hot matrix; the
      forward pass ``x @ W_in`` costs ``R*V*H`` multiply-adds and the backward
      ``dW = x.T @ dout`` as many again.
    * Embedding: the input is ``R`` int64 ids; the forward pass copies ``R*H``
      numbers (``W_in[ids]``) and the backward adds ``R*H`` numbers into rows.

    Both need ``W_in`` itself (``4*V*H`` bytes in float32). Returns a dict of
    ints: ``weights_bytes``, ``onehot_input_bytes``, ``embedding_input_bytes``,
    ``matmul_ops`` and ``embedding_ops`` (forward + backward), from
    :meth:`InputLayerCost.totals`.

    >>> c = input_layer_cost(1_000_000)
    >>> c["onehot_input_bytes"], c["embedding_input_bytes"], c["matmul_ops"] // c["embedding_ops"]
    (800000000, 1600, 1000000)
    """
    return InputLayerCost(vocab_size, hidden_size, batch_size, context_size).totals()
