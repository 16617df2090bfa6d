"""functions.py (sigmoid, softmax, cross-entropy) and gradcheck.py."""

import math
import warnings

import numpy as np
import pytest

from w2vlib.functions import (
    cross_entropy_error,
    log_sigmoid,
    log_softmax,
    sigmoid,
    softmax,
    softplus,
)
from w2vlib.gradcheck import gradient_check, numerical_gradient, relative_error

EXTREMES = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


@pytest.fixture
def no_fp_trouble():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


# ---------------------------------------------------------------- sigmoid

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_extremes_without_warnings(no_fp_trouble, dtype):
    y = sigmoid(EXTREMES.astype(dtype))
    assert y.dtype == dtype
    assert np.all(np.isfinite(y))
    assert y[0] == 0.0 and y[-1] == 1.0
    assert y[3] == 0.5
    np.testing.assert_allclose(y[[2, 4]], [1 / (1 + math.e), 1 / (1 + 1 / math.e)], rtol=1e-6)


def test_sigmoid_matches_textbook_formula_where_safe():
    x = np.random.default_rng(0).uniform(-30, 30, size=(50, 7))
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-12)


def test_sigmoid_symmetry_and_tiny_values():
    x = np.random.default_rng(1).uniform(-40, 40, size=200)
    np.testing.assert_allclose(sigmoid(-x), 1 - sigmoid(x), atol=1e-15)
    # for very negative x the answer is exp(x), not a rounded 0 (1 - 1 would give 0)
    assert sigmoid(-50.0) == pytest.approx(math.exp(-50), rel=1e-12)


def test_sigmoid_of_integers_is_float64():
    assert sigmoid(np.array([0, 2])).dtype == np.float64


def test_softplus_and_log_sigmoid_are_exact_at_large_scores(no_fp_trouble):
    assert softplus(1000.0) == 1000.0
    assert log_sigmoid(-1000.0) == -1000.0
    assert log_sigmoid(1000.0) == 0.0
    x = np.random.default_rng(2).uniform(-20, 20, size=100)
    np.testing.assert_allclose(log_sigmoid(x), -np.log1p(np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(softplus(x), np.log1p(np.exp(x)), rtol=1e-10)
    assert softplus(np.float32(3.0)).dtype == np.float32


# ---------------------------------------------------------------- softmax

def test_softmax_rows_sum_to_one_and_are_positive():
    x = np.random.default_rng(3).normal(size=(6, 9)) * 5
    y = softmax(x)
    assert y.shape == x.shape
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(y > 0)


def test_softmax_is_stable_at_large_inputs(no_fp_trouble):
    big = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    y = softmax(big)
    np.testing.assert_allclose(y[0], softmax(np.array([0.0, 1.0, 2.0])), rtol=1e-12)
    np.testing.assert_allclose(y[1], [0.0, 0.0, 1.0], atol=1e-300)


def test_softmax_hand_value_1d_and_float32():
    y = softmax(np.array([0.0, math.log(3.0)]))
    np.testing.assert_allclose(y, [0.25, 0.75], rtol=1e-12)
    assert softmax(np.ones(4, dtype=np.float32)).dtype == np.float32


def test_log_softmax_matches_log_of_softmax():
    x = np.random.default_rng(4).normal(size=(5, 8)) * 3
    np.testing.assert_allclose(log_softmax(x), np.log(softmax(x)), rtol=1e-10)
    assert np.all(np.isfinite(log_softmax(np.array([0.0, 2000.0]))))


# ---------------------------------------------------------------- cross-entropy

Y = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]])
EXPECTED = -(math.log(0.7) + math.log(0.4)) / 2            # = 0.6365...


def test_cross_entropy_with_labels():
    assert cross_entropy_error(Y, np.array([1, 2])) == pytest.approx(EXPECTED, rel=1e-6)


def test_cross_entropy_with_one_hot():
    t = np.array([[0, 1, 0], [0, 0, 1]])
    assert cross_entropy_error(Y, t) == pytest.approx(EXPECTED, rel=1e-6)


def test_cross_entropy_single_example_and_zero_probability():
    assert cross_entropy_error(Y[0], 1) == pytest.approx(-math.log(0.7), rel=1e-6)
    assert cross_entropy_error(Y[0], np.array([0, 1, 0])) == pytest.approx(-math.log(0.7),
                                                                         rel=1e-6)
    # probability 0 is capped by the epsilon instead of giving inf
    loss = cross_entropy_error(np.array([[1.0, 0.0]]), np.array([1]))
    assert loss == pytest.approx(-math.log(1e-7), rel=1e-6)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(ValueError, match="labels of shape"):
        cross_entropy_error(Y, np.array([1, 2, 0]))
    with pytest.raises(TypeError, match="integers"):
        cross_entropy_error(Y, np.array([1.0, 2.0]))


# ---------------------------------------------------------------- gradcheck

def test_numerical_gradient_of_a_cubic_any_shape_and_restores_x():
    x = np.random.default_rng(5).normal(size=(2, 3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(grad, 3 * before ** 2, rtol=1e-6, atol=1e-8)
    assert np.array_equal(x, before)            # bit for bit


def test_numerical_gradient_restores_x_even_if_f_raises():
    x = np.array([1.0, 2.0])
    calls = []

    def f():
        calls.append(1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert x.tolist() == [1.0, 2.0]


def test_numerical_gradient_needs_a_float_array():
    with pytest.raises(TypeError, match="floating"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))


def test_relative_error():
    a = np.array([1.0, -2.0, 0.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, a + [0, 0, 0.2]) == pytest.approx(0.1)
    # a 1e-12 entry against an exact zero is no error, relative to the array's scale
    assert relative_error(a, a + [0, 0, 1e-12]) < 1e-11
    with pytest.raises(ValueError):
        relative_error(a, a[:2])


def test_gradient_check_accepts_right_and_rejects_wrong_gradients():
    rng = np.random.default_rng(6)
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)

    def f():
        return float(x @ A @ x)

    right = (A + A.T) @ x
    wrong = A @ x                                  # forgot the transpose term
    assert gradient_check(f, [x], [right])[0] < 1e-8
    assert gradient_check(f, [x], [wrong])[0] > 1e-2
