"""The sparse-rows speed step: scatter_add, SparseEmbedding, sparse_model, SparseSGD, LazyAdam,
SparseTrainer -- each checked against the book's dense path it replaces."""

import numpy as np
import pytest

from w2vlib.corpus import create_contexts_target
from w2vlib.layers import Embedding, EmbeddingDot
from w2vlib.models import CBOW, SimpleCBOW, SkipGram
from w2vlib.negative_sampling import NegativeSamplingLoss
from w2vlib.optim import SGD, Adam
from w2vlib.speed.scatter import scatter_add, touched_rows
from w2vlib.speed.sparse import (
    LazyAdam,
    SparseEmbedding,
    SparseSGD,
    SparseTrainer,
    rows_written,
    sparse_model,
    unique_with_rows,
)
from w2vlib.trainer import Trainer


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dim", [4, 5])                    # even: complex view; odd: plain
def test_scatter_add_is_np_add_at_bit_for_bit(dtype, dim):
    r = np.random.default_rng(0)
    W = r.standard_normal((20, dim)).astype(dtype)
    rows = r.integers(0, 20, size=(30, 3))                 # many repeats
    vals = r.standard_normal((30, 3, dim)).astype(dtype)
    expected = W.copy()
    np.add.at(expected, rows, vals)
    scatter_add(W, rows, vals)
    np.testing.assert_array_equal(W, expected)


def test_scatter_add_broadcasts_and_handles_other_layouts():
    W = np.zeros((4, 2))
    scatter_add(W, np.array([1, 1, 3]), np.array([1.0, 2.0]))   # one row for all
    np.testing.assert_array_equal(W, [[0, 0], [2, 4], [0, 0], [1, 2]])
    Wt = np.zeros((2, 4)).T                                      # not C-contiguous
    scatter_add(Wt, np.array([0, 0]), np.ones((2, 2)))
    np.testing.assert_array_equal(Wt[0], [2, 2])
    Wi = np.zeros((3, 2), dtype=np.int64)                        # not a float
    scatter_add(Wi, np.array([2, 2]), np.ones((2, 2), dtype=np.int64))
    np.testing.assert_array_equal(Wi[2], [2, 2])


def test_touched_rows():
    np.testing.assert_array_equal(touched_rows(np.array([[5, 1], [5, 0]]), 8), [0, 1, 5])
    assert touched_rows(np.array([], dtype=int), 8).size == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_embedding_dW_equals_embedding_dW_over_many_steps(dtype):
    r = np.random.default_rng(1)
    W = r.standard_normal((30, 4)).astype(dtype)
    book, layer = Embedding(W), SparseEmbedding(W)
    assert layer.grad_rows == [None]
    for _ in range(6):
        idx = r.integers(0, 30, size=(7, 2))               # repeats within and across steps
        dout = r.standard_normal((7, 2, 4)).astype(dtype)
        np.testing.assert_array_equal(layer.forward(idx), book.forward(idx))
        layer.backward(dout)
        book.backward(dout)
        dense = np.zeros_like(W)
        np.add.at(dense, idx, dout)
        np.testing.assert_array_equal(layer.grads[0], dense)   # rows of older batches are 0
        np.testing.assert_array_equal(layer.grads[0], book.grads[0])
        np.testing.assert_array_equal(layer.grad_rows[0], np.unique(idx))


def test_sparse_embedding_keeps_the_checks_and_survives_clipping():
    layer = SparseEmbedding(np.zeros((5, 2)))
    with pytest.raises(IndexError, match=r"\[0, 5\)"):
        layer.forward(np.array([5]))
    with pytest.raises(TypeError, match="integers"):
        layer.forward(np.array([1.0]))
    layer.forward(np.array([1, 1]))
    layer.backward(np.ones((2, 2)))
    layer.grads[0] *= 0.5                                  # in-place scaling keeps zeros zero
    layer.forward(np.array([3]))
    layer.backward(np.ones((1, 2)))
    np.testing.assert_array_equal(layer.grads[0], [[0, 0], [0, 0], [0, 0], [1, 1], [0, 0]])


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_sparse_model_swaps_layers_in_place_sharing_the_arrays(Model):
    corpus = np.random.default_rng(2).integers(0, 10, size=50)
    m = Model(10, 3, 1, corpus, seed=0)
    params, grads = list(m.params), list(m.grads)
    assert sparse_model(m) is m
    assert isinstance(m.in_layer, SparseEmbedding)
    assert isinstance(m.ns_loss.embed_dot.embed, SparseEmbedding)
    assert all(a is b for a, b in zip(m.params, params, strict=True))
    assert all(a is b for a, b in zip(m.grads, grads, strict=True))
    assert m.in_layer.params[0] is m.params[0] and m.in_layer.grads[0] is m.grads[0]
    assert m.ns_loss.embed_dot.embed.grads is m.ns_loss.grads
    assert m.ns_loss.grads[0] is m.grads[1]
    assert sparse_model(m).sparse_layers == m.sparse_layers       # twice is harmless
    assert rows_written(m) == [None, None]                            # before any backward


def test_grad_rows_are_exposed_by_sparse_layers_and_models():
    assert rows_written(sparse_model(SimpleCBOW(5, 2))) == [None, None]   # MatMul: dense
    ed = sparse_model(EmbeddingDot(np.zeros((6, 2))))
    ed.forward(np.ones((2, 2)), np.array([[4, 1], [1, 1]]))
    ed.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(rows_written(ed)[0], [1, 4])
    ns = sparse_model(NegativeSamplingLoss(np.zeros((6, 2)), np.arange(6), sample_size=2, seed=0))
    ns.forward(np.ones((3, 2)), np.array([0, 0, 5]))
    ns.backward()
    np.testing.assert_array_equal(rows_written(ns)[0], np.unique(ns.ids))
    corpus = np.random.default_rng(2).integers(0, 10, size=50)
    for Model in (CBOW, SkipGram):
        m = sparse_model(Model(10, 3, 1, corpus, seed=0))
        assert len(rows_written(m)) == len(m.params) == 2
        ctx = np.array([[1, 2], [3, 3]])
        m.forward(ctx, np.array([7, 8]))
        m.backward()
        for g, rows in zip(m.grads, rows_written(m), strict=True):
            nonzero = np.flatnonzero(np.abs(g).sum(axis=1))
            assert set(nonzero) <= set(rows.tolist())
    with pytest.raises(TypeError, match="sparse_model"):
        rows_written(CBOW(10, 3, 1, corpus))


def test_sparse_model_on_a_book_style_model_with_a_list_of_layers():
    class BookStyle:
        def __init__(self, W):
            self.in_layers = [Embedding(W), Embedding(W)]
            self.params = [W, W]
            self.grads = [layer.grads[0] for layer in self.in_layers]

    m = sparse_model(BookStyle(np.zeros((4, 2))))
    assert all(isinstance(layer, SparseEmbedding) for layer in m.in_layers)
    assert m.sparse_layers == m.in_layers


def test_sparse_sgd_equals_dense_sgd_bit_for_bit():
    r = np.random.default_rng(3)
    p = r.standard_normal((40, 6)).astype(np.float32)
    g = np.zeros_like(p)
    rows = np.array([2, 7, 8, 31])
    g[rows] = r.standard_normal((4, 6))
    a, b, c = p.copy(), p.copy(), p.copy()
    SGD(lr=0.3).update([a], [g])
    SparseSGD(lr=0.3).update([b], [g], grad_rows=[rows])
    SparseSGD(lr=0.3).update([c], [g])                     # no rows: dense
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_lazy_adam_equals_adam_on_the_touched_rows_at_step_one():
    r = np.random.default_rng(5)
    p0 = r.standard_normal((8, 3))
    rows = np.array([1, 4, 6])
    g = np.zeros_like(p0)
    g[rows] = r.standard_normal((3, 3))
    dense_p, lazy_p = p0.copy(), p0.copy()
    dense, lazy = Adam(lr=0.01), LazyAdam(lr=0.01)
    dense.update([dense_p], [g])
    lazy.update([lazy_p], [g], grad_rows=[rows])
    np.testing.assert_array_equal(lazy_p[rows], dense_p[rows])
    np.testing.assert_array_equal(lazy_p, dense_p)          # step 1: zero grads, m = 0, no move
    np.testing.assert_array_equal(lazy.m[0], dense.m[0])
    np.testing.assert_array_equal(lazy.v[0], dense.v[0])


def test_lazy_adam_moves_and_decays_only_the_rows_it_is_given():
    r = np.random.default_rng(4)
    p0 = r.standard_normal((5, 3))
    grads = [r.standard_normal((5, 3)) for _ in range(4)]
    # rows 0-1 get a gradient every step; row 2 only in steps 1 and 4; rows 3-4 never
    plan = [np.array([0, 1, 2]), np.array([0, 1]), np.array([0, 1]), np.array([0, 1, 2])]
    dense_p, lazy_p = p0.copy(), p0.copy()
    dense, lazy = Adam(lr=0.01), LazyAdam(lr=0.01)
    for g, rows in zip(grads, plan, strict=True):
        g = np.where(np.isin(np.arange(5), rows)[:, None], g, 0.0)
        dense.update([dense_p], [g])
        lazy.update([lazy_p], [g], grad_rows=[rows])

    # rows touched every step: exactly dense Adam
    np.testing.assert_allclose(lazy_p[:2], dense_p[:2], rtol=1e-13, atol=1e-16)
    # rows never touched: neither they nor their moments changed
    np.testing.assert_array_equal(lazy_p[3:], p0[3:])
    np.testing.assert_array_equal(lazy.m[0][3:], 0)
    # row 2: two lazy steps (t = 1 and t = 4) with moments frozen in between,
    # while dense Adam kept moving it in steps 2 and 3 along its momentum
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = (1 - b1) * grads[0][2]
    v = (1 - b2) * grads[0][2] ** 2
    x = p0[2] - 0.01 * np.sqrt(1 - b2) / (1 - b1) * m / (np.sqrt(v) + eps)
    m = m + (1 - b1) * (grads[3][2] - m)
    v = v + (1 - b2) * (grads[3][2] ** 2 - v)
    x = x - 0.01 * np.sqrt(1 - b2 ** 4) / (1 - b1 ** 4) * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(lazy_p[2], x, rtol=1e-12)
    assert not np.allclose(lazy_p[2], dense_p[2])


def test_lazy_adam_without_rows_is_adam():
    r = np.random.default_rng(6)
    p0 = r.standard_normal((4, 2))
    a, b = p0.copy(), p0.copy()
    dense, lazy = Adam(lr=0.1), LazyAdam(lr=0.1)
    for _ in range(3):
        g = r.standard_normal((4, 2))
        dense.update([a], [g])
        lazy.update([b], [g], grad_rows=[None])
    np.testing.assert_array_equal(a, b)


def test_optimizers_check_grad_rows_length():
    with pytest.raises(ValueError, match="1 params but 2 grad_rows"):
        SparseSGD().update([np.zeros((2, 2))], [np.zeros((2, 2))], grad_rows=[None, None])
    with pytest.raises(ValueError, match="grad_rows"):
        LazyAdam().update([np.zeros((2, 2))], [np.zeros((2, 2))], grad_rows=[])


def test_unique_with_rows_merges_rows_of_shared_weights():
    W, U = np.zeros((6, 2)), np.zeros((6, 2))
    g1, g2, gu = np.ones((6, 2)), 2 * np.ones((6, 2)), np.ones((6, 2))
    params, grads, rows = unique_with_rows([W, U, W], [g1, gu, g2],
                                           [np.array([0, 3]), None, np.array([3, 5])])
    assert params[0] is W and params[1] is U and len(params) == 2
    np.testing.assert_array_equal(grads[0], 3 * np.ones((6, 2)))
    np.testing.assert_array_equal(rows[0], [0, 3, 5])
    assert rows[1] is None
    _, _, rows = unique_with_rows([W, W], [g1, g2], [np.array([1]), None])
    assert rows == [None]                                  # one dense entry: dense


def cyclic_data(seed=0, vocab=20, length=2000):
    r = np.random.default_rng(seed)
    corpus = (np.arange(length) + (r.random(length) < 0.1) * r.integers(0, vocab, length)) % vocab
    return corpus, *create_contexts_target(corpus, window_size=1)


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_sparse_trainer_with_sparse_sgd_gives_the_dense_run_bit_for_bit(Model):
    corpus, x, t = cyclic_data()
    runs = []
    for sparse in (True, False):
        model = Model(20, 8, 1, corpus, seed=0)
        if sparse:
            trainer = SparseTrainer(sparse_model(model), SparseSGD(lr=0.5))
        else:
            trainer = Trainer(model, SGD(lr=0.5))
        trainer.fit(x, t, max_epoch=2, batch_size=50, max_grad=5.0, seed=1, progress=False)
        runs.append((model.params[0].copy(), model.params[1].copy(), trainer.loss_list))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][2] == runs[1][2]


def test_sparse_trainer_needs_a_sparse_model_and_a_rows_optimizer():
    class PlainSGD:
        def update(self, params, grads):
            for p, g in zip(params, grads, strict=True):
                p -= 0.1 * g

    corpus, x, t = cyclic_data()
    with pytest.raises(TypeError, match="grad_rows"):
        SparseTrainer(sparse_model(CBOW(20, 4, 1, corpus)), PlainSGD())
    with pytest.raises(TypeError, match="sparse_model"):
        SparseTrainer(CBOW(20, 4, 1, corpus), SparseSGD())
    with pytest.raises(TypeError, match="sparse_model"):
        SparseTrainer(object(), SparseSGD())
    # the plain Trainer takes either, and stays dense
    Trainer(CBOW(20, 4, 1, corpus), PlainSGD()).fit(x, t, max_epoch=1, batch_size=100,
                                                    progress=False)


def test_sparse_trainer_is_profiled_with_the_trainers_parts():
    import contextlib

    seen = []

    class Profiler:
        @contextlib.contextmanager
        def part(self, label):
            seen.append(label)
            yield

    corpus, x, t = cyclic_data()
    SparseTrainer(sparse_model(CBOW(20, 4, 1, corpus, seed=0)), LazyAdam(), profiler=Profiler()
                  ).fit(x, t, max_epoch=1, batch_size=500, progress=False)
    assert seen == list(Trainer.PROFILE_PARTS) * (len(x) // 500)


def test_sparse_trainer_with_lazy_adam_learns():
    corpus, x, t = cyclic_data(1)
    model = sparse_model(CBOW(20, 8, 1, corpus, seed=0))
    trainer = SparseTrainer(model, LazyAdam(lr=0.01)).fit(x, t, max_epoch=8, batch_size=50,
                                                          seed=2, eval_interval=10,
                                                          progress=False)
    assert trainer.loss_list[-1] < 0.6 * trainer.loss_list[0]


def test_a_layer_reachable_twice_becomes_one_sparse_layer():
    class Twice:
        def __init__(self):
            self.a = Embedding(np.zeros((4, 2)))
            self.b = self.a
            self.params, self.grads = self.a.params, self.a.grads

    m = sparse_model(Twice())
    assert isinstance(m.a, SparseEmbedding) and m.a is m.b and m.sparse_layers == [m.a]
