"""layers.py: numerical gradient checks of every layer, and the Embedding details."""

import warnings

import numpy as np
import pytest

from w2vlib.functions import softmax
from w2vlib.gradcheck import gradient_check, numerical_gradient, relative_error
from w2vlib.layers import (
    Embedding,
    EmbeddingDot,
    MatMul,
    Sigmoid,
    SigmoidWithLoss,
    SoftmaxWithLoss,
)

TOL = 1e-7          # float64, eps=1e-4: right gradients give ~1e-9 or less


def rng(seed):
    return np.random.default_rng(seed)


def check_through_dout(forward, backward, x, dout):
    """Gradient of sum(forward() * dout) w.r.t. x, against backward(dout)."""
    forward()
    analytic = backward(dout)
    numeric = numerical_gradient(lambda: float(np.sum(forward() * dout)), x)
    return relative_error(analytic, numeric)


# ---------------------------------------------------------------- MatMul

@pytest.mark.parametrize("x_shape", [(5, 4), (5, 3, 4)])
def test_matmul_gradients(x_shape):
    r = rng(10)
    W = r.normal(size=(4, 6))
    x = r.normal(size=x_shape)
    dout = r.normal(size=x_shape[:-1] + (6,))
    layer = MatMul(W)
    np.testing.assert_allclose(layer.forward(x), x @ W)
    assert check_through_dout(lambda: layer.forward(x), layer.backward, x, dout) < TOL

    layer.forward(x)
    layer.backward(dout)
    err = gradient_check(lambda: float(np.sum(layer.forward(x) * dout)),
                         layer.params, layer.grads)
    assert err[0] < TOL


def test_matmul_writes_grads_in_place():
    layer = MatMul(np.ones((2, 3)))
    dW = layer.grads[0]
    layer.forward(np.array([[1.0, 2.0]]))
    layer.backward(np.ones((1, 3)))
    assert layer.grads[0] is dW
    np.testing.assert_allclose(dW, [[1, 1, 1], [2, 2, 2]])


def test_matmul_batched_input_is_one_product_with_the_same_values():
    r = rng(12)
    W = r.normal(size=(4, 6))
    x = r.normal(size=(5, 3, 4))
    layer = MatMul(W)
    np.testing.assert_allclose(layer.forward(x[0, 0]), x[0, 0] @ W)      # a single row (D,)
    np.testing.assert_allclose(layer.forward(x), np.einsum("ncd,dh->nch", x, W))
    dout = r.normal(size=(5, 3, 6))
    np.testing.assert_allclose(layer.backward(dout), np.einsum("nch,dh->ncd", dout, W))


def test_matmul_rejects_a_wrong_last_axis():
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 4\)"):
        MatMul(np.ones((4, 6))).forward(np.ones((3, 8)))


# ---------------------------------------------------------------- Embedding

@pytest.mark.parametrize("idx", [np.array([3, 0, 3, 5, 3]),                 # repeats
                                 np.array([[1, 4], [4, 4], [0, 1]])])        # (N, C)
def test_embedding_forward_and_dW_with_repeated_ids(idx):
    r = rng(11)
    W = r.normal(size=(6, 3))
    dout = r.normal(size=idx.shape + (3,))
    layer = Embedding(W)
    out = layer.forward(idx)
    assert out.shape == idx.shape + (3,)
    np.testing.assert_array_equal(out, W[idx])
    layer.backward(dout)
    err = gradient_check(lambda: float(np.sum(layer.forward(idx) * dout)),
                         layer.params, layer.grads)
    assert err[0] < TOL


class AssigningEmbedding(Embedding):
    """The classic bug: assignment instead of accumulation."""

    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] = dout


def test_assignment_backward_loses_repeated_rows_and_add_at_does_not():
    r = rng(12)
    W = r.normal(size=(5, 4))
    idx = np.array([1, 3, 1])                   # word 1 is used twice
    dout = r.normal(size=(3, 4))

    def f():
        return float(np.sum(W[idx] * dout))

    true_dW = numerical_gradient(f, W)
    np.testing.assert_allclose(true_dW[1], dout[0] + dout[2], rtol=1e-8)

    good, bad = Embedding(W), AssigningEmbedding(W)
    for layer in (good, bad):
        layer.forward(idx)
        layer.backward(dout)
    assert relative_error(good.grads[0], true_dW) < TOL
    assert relative_error(bad.grads[0], true_dW) > 0.1
    # the lost contribution: the buggy row holds one of the two terms, not their sum
    # (which one survives is up to NumPy, so accept either)
    lost_row = bad.grads[0][1]
    assert (np.allclose(lost_row, dout[0]) or np.allclose(lost_row, dout[2]))
    assert not np.allclose(lost_row, true_dW[1])
    # the rows without repeats agree
    np.testing.assert_allclose(bad.grads[0][[0, 2, 3, 4]], true_dW[[0, 2, 3, 4]], atol=1e-8)


def test_assignment_and_add_at_agree_without_repeats():
    r = rng(13)
    W = r.normal(size=(5, 4))
    idx = np.array([4, 0, 2])
    dout = r.normal(size=(3, 4))
    good, bad = Embedding(W), AssigningEmbedding(W)
    for layer in (good, bad):
        layer.forward(idx)
        layer.backward(dout)
    np.testing.assert_array_equal(good.grads[0], bad.grads[0])


def test_embedding_backward_resets_dW_in_place():
    layer = Embedding(np.zeros((4, 2)))
    dW = layer.grads[0]
    layer.forward(np.array([0, 1]))
    assert layer.backward(np.ones((2, 2))) is None
    layer.forward(np.array([2]))
    layer.backward(np.full((1, 2), 5.0))
    assert layer.grads[0] is dW
    np.testing.assert_array_equal(dW, [[0, 0], [0, 0], [5, 5], [0, 0]])


@pytest.mark.parametrize("ids, dtype_name", [(np.array([0.0, 1.0]), "float64"),
                                             (np.array([True, False]), "bool")])
def test_embedding_rejects_non_integer_ids(ids, dtype_name):
    with pytest.raises(TypeError, match=rf"integers.*{dtype_name}"):
        Embedding(np.zeros((5, 2))).forward(ids)


@pytest.mark.parametrize("ids, bad", [([0, 7, 2], 7), ([[0, 1], [-1, 2]], -1), ([5], 5)])
def test_embedding_rejects_out_of_range_ids(ids, bad):
    with pytest.raises(IndexError, match=rf"\[0, 5\).*{bad}"):
        Embedding(np.zeros((5, 2))).forward(np.array(ids))


def test_embedding_accepts_any_integer_dtype():
    W = np.arange(10.0).reshape(5, 2)
    for dt in (np.int8, np.uint16, np.int32, np.int64):
        np.testing.assert_array_equal(Embedding(W).forward(np.array([4, 1], dtype=dt)),
                                      W[[4, 1]])


# ---------------------------------------------------------------- Sigmoid

def test_sigmoid_layer_gradient():
    r = rng(14)
    x = r.normal(size=(4, 5)) * 3
    dout = r.normal(size=(4, 5))
    layer = Sigmoid()
    assert check_through_dout(lambda: layer.forward(x), layer.backward, x, dout) < TOL
    assert layer.params == [] and layer.grads == []


# ---------------------------------------------------------------- SigmoidWithLoss

@pytest.mark.parametrize("shape", [(7,), (5, 4)])
def test_sigmoid_with_loss_value_and_gradient(shape):
    r = rng(15)
    x = r.normal(size=shape) * 2
    t = (r.random(shape) < 0.4).astype(np.float64)
    layer = SigmoidWithLoss()
    loss = layer.forward(x, t)
    y = 1 / (1 + np.exp(-x))
    naive = -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)) / shape[0]
    assert loss == pytest.approx(naive, rel=1e-10)
    dx = layer.backward()
    np.testing.assert_allclose(dx, (y - t) / shape[0], rtol=1e-12)
    assert relative_error(dx, numerical_gradient(lambda: layer.forward(x, t), x)) < TOL
    layer.forward(x, t)               # the check left the layer at a perturbed x
    np.testing.assert_allclose(layer.backward(2.5), 2.5 * dx, rtol=1e-12)


def test_sigmoid_with_loss_at_huge_scores():
    layer = SigmoidWithLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            loss = layer.forward(np.array([1000.0, -1000.0]), np.array([0, 1]))
            dx = layer.backward()
    # each wrong-and-confident score costs its size; mean over N=2
    assert loss == pytest.approx((1000 + 1000) / 2)
    np.testing.assert_allclose(dx, [0.5, -0.5])          # (y - t) / N
    assert layer.forward(np.array([1000.0]), np.array([1.0])) == 0.0


def test_sigmoid_with_loss_keeps_float32_and_checks_shapes():
    layer = SigmoidWithLoss()
    layer.forward(np.ones(3, dtype=np.float32), np.array([1, 0, 1]))
    assert layer.backward().dtype == np.float32
    with pytest.raises(ValueError, match="shape"):
        layer.forward(np.ones(3), np.ones(4))


# ---------------------------------------------------------------- SoftmaxWithLoss

@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss_value_and_gradient(one_hot):
    r = rng(16)
    x = r.normal(size=(6, 5)) * 2
    labels = r.integers(0, 5, size=6)
    t = np.eye(5)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    y = softmax(x)
    assert loss == pytest.approx(-np.mean(np.log(y[np.arange(6), labels])), rel=1e-10)
    dx = layer.backward()
    np.testing.assert_allclose(dx, (y - np.eye(5)[labels]) / 6, rtol=1e-12)
    assert relative_error(dx, numerical_gradient(lambda: layer.forward(x, t), x)) < TOL


def test_softmax_with_loss_single_example_and_large_scores():
    layer = SoftmaxWithLoss()
    loss = layer.forward(np.array([0.0, 2000.0, 0.0]), 0)
    assert loss == pytest.approx(2000.0)                 # finite, not inf
    np.testing.assert_allclose(layer.backward(), [-1.0, 1.0, 0.0], atol=1e-12)


# ---------------------------------------------------------------- EmbeddingDot

@pytest.mark.parametrize("idx", [np.array([2, 0, 2, 5]),
                                 np.array([[2, 1, 1], [0, 5, 2], [2, 2, 4], [3, 0, 1]])])
def test_embedding_dot_forward_and_gradients(idx):
    r = rng(17)
    W = r.normal(size=(6, 3))
    h = r.normal(size=(4, 3))
    dout = r.normal(size=idx.shape)
    layer = EmbeddingDot(W)
    out = layer.forward(h, idx)
    assert out.shape == idx.shape
    expected = np.empty(idx.shape)
    for pos in np.ndindex(idx.shape):               # row pos[0] of h against each id
        expected[pos] = W[idx[pos]] @ h[pos[0]]
    np.testing.assert_allclose(out, expected, rtol=1e-12)

    def f():
        return float(np.sum(layer.forward(h, idx) * dout))

    assert check_through_dout(lambda: layer.forward(h, idx), layer.backward, h, dout) < TOL
    layer.forward(h, idx)
    layer.backward(dout)
    assert gradient_check(f, layer.params, layer.grads)[0] < TOL
    assert layer.params[0] is W


def test_embedding_dot_rejects_mismatched_batch():
    with pytest.raises(ValueError, match="ids"):
        EmbeddingDot(np.zeros((5, 2))).forward(np.zeros((3, 2)), np.array([0, 1]))


def test_matmul_computes_integer_one_hot_input_in_the_weights_dtype():
    from w2vlib.layers import MatMul

    W = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
    x = np.eye(6, dtype=np.int32)[[1, 4]]
    layer = MatMul(W)
    out = layer.forward(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, W[[1, 4]])
    layer.backward(np.ones((2, 3), dtype=np.float32))
    assert layer.grads[0].dtype == np.float32
