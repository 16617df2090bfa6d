"""Sparse bookkeeping of the layer path: scatter_add, grad_rows, sparse SGD, lazy Adam, Trainer."""

import numpy as np
import pytest

from w2vlib.corpus import create_contexts_target
from w2vlib.layers import Embedding, EmbeddingDot, MatMul, scatter_add, touched_rows
from w2vlib.models import CBOW, SimpleCBOW, SkipGram
from w2vlib.optim import SGD, Adam
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


def test_embedding_grad_rows_and_dense_grads_stay_correct_over_many_steps():
    r = np.random.default_rng(1)
    W = r.standard_normal((30, 3))
    layer = Embedding(W)
    assert layer.grad_rows == [None]
    for _ in range(6):
        idx = r.integers(0, 30, size=(7, 2))
        dout = r.standard_normal((7, 2, 3))
        layer.forward(idx)
        layer.backward(dout)
        dense = np.zeros_like(W)
        np.add.at(dense, idx, dout)
        np.testing.assert_array_equal(layer.grads[0], dense)   # rows of older batches are 0
        np.testing.assert_array_equal(layer.grad_rows[0], np.unique(idx))


def test_grad_rows_are_exposed_by_layers_and_models():
    assert MatMul(np.zeros((2, 2))).grad_rows == [None]
    ed = EmbeddingDot(np.zeros((6, 2)))
    ed.forward(np.ones((2, 2)), np.array([[4, 1], [1, 1]]))
    ed.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(ed.grad_rows[0], [1, 4])
    assert SimpleCBOW(5, 2).grad_rows == [None, None]
    corpus = np.random.default_rng(2).integers(0, 10, size=50)
    for Model in (CBOW, SkipGram):
        m = Model(10, 3, 1, corpus, seed=0)
        assert len(m.grad_rows) == len(m.params) == 2
        ctx = np.array([[1, 2], [3, 3]])
        m.forward(ctx, np.array([7, 8]))
        m.backward()
        for g, rows in zip(m.grads, m.grad_rows, strict=True):
            nonzero = np.flatnonzero(np.abs(g).sum(axis=1))
            assert set(nonzero) <= set(rows.tolist())


def test_sparse_sgd_equals_dense_sgd_bit_for_bit():
    r = np.random.default_rng(3)
    p = r.standard_normal((40, 6)).astype(np.float32)
    g = np.zeros_like(p)
    rows = np.array([2, 7, 8, 31])
    g[rows] = r.standard_normal((4, 6))
    a, b = p.copy(), p.copy()
    SGD(lr=0.3).update([a], [g])
    SGD(lr=0.3).update([b], [g], grad_rows=[rows])
    np.testing.assert_array_equal(a, b)


def test_lazy_adam_moves_and_decays_only_the_rows_it_is_given():
    r = np.random.default_rng(4)
    p0 = r.standard_normal((5, 3))
    grads = [r.standard_normal((5, 3)) for _ in range(4)]
    # rows 0-1 get a gradient every step; row 2 only in steps 1 and 4; rows 3-4 never
    plan = [np.array([0, 1, 2]), np.array([0, 1]), np.array([0, 1]), np.array([0, 1, 2])]
    dense_p, lazy_p = p0.copy(), p0.copy()
    dense, lazy = Adam(lr=0.01), Adam(lr=0.01)
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


def test_optimizers_check_grad_rows_length():
    with pytest.raises(ValueError, match="1 params but 2 grad_rows"):
        SGD().update([np.zeros((2, 2))], [np.zeros((2, 2))], grad_rows=[None, None])
    with pytest.raises(ValueError, match="grad_rows"):
        Adam().update([np.zeros((2, 2))], [np.zeros((2, 2))], grad_rows=[])


def cyclic_data(seed=0, vocab=20, length=2000):
    r = np.random.default_rng(seed)
    corpus = (np.arange(length) + (r.random(length) < 0.1) * r.integers(0, vocab, length)) % vocab
    return corpus, *create_contexts_target(corpus, window_size=1)


def test_trainer_passes_grad_rows_and_sgd_results_do_not_change():
    corpus, x, t = cyclic_data()
    runs = []
    for sparse in (True, False):
        model = CBOW(20, 8, 1, corpus, seed=0)
        trainer = Trainer(model, SGD(lr=0.5), sparse=sparse)
        assert trainer.sparse is sparse
        trainer.fit(x, t, max_epoch=2, batch_size=50, seed=1, progress=False)
        runs.append((model.params[0].copy(), model.params[1].copy(), trainer.loss_list))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][2] == runs[1][2]


def test_trainer_stays_dense_for_models_or_optimizers_without_rows():
    class PlainSGD:
        def update(self, params, grads):
            for p, g in zip(params, grads, strict=True):
                p -= 0.1 * g

    corpus, _, _ = cyclic_data()
    assert not Trainer(CBOW(20, 4, 1, corpus), PlainSGD()).sparse
    assert not Trainer(object(), SGD()).sparse


def test_trainer_with_lazy_adam_learns():
    corpus, x, t = cyclic_data(1)
    model = CBOW(20, 8, 1, corpus, seed=0)
    trainer = Trainer(model, Adam(lr=0.01)).fit(x, t, max_epoch=8, batch_size=50, seed=2,
                                                eval_interval=10, progress=False)
    assert trainer.loss_list[-1] < 0.6 * trainer.loss_list[0]
