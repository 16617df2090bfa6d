"""optim.py: SGD and Adam update parameters in place, with per-parameter state."""

import numpy as np
import pytest

from w2vlib.layers import MatMul
from w2vlib.optim import SGD, Adam, check_pairs


def rng(seed):
    return np.random.default_rng(seed)


def away_from_zero(r, shape):
    """Random gradients with |g| in [0.1, 2], so eps cannot blur sign(g)."""
    return r.choice([-1.0, 1.0], size=shape) * r.uniform(0.1, 2.0, size=shape)


def test_sgd_step_is_p_minus_lr_g_in_place():
    r = rng(30)
    params = [r.normal(size=(3, 2)), r.normal(size=4)]
    grads = [r.normal(size=(3, 2)), r.normal(size=4)]
    before = [p.copy() for p in params]
    ids = [id(p) for p in params]
    SGD(lr=0.1).update(params, grads)
    for p, b, g in zip(params, before, grads, strict=True):
        np.testing.assert_allclose(p, b - 0.1 * g, rtol=1e-15)
    assert [id(p) for p in params] == ids


def test_updates_reach_the_layer_that_owns_the_weight():
    layer = MatMul(np.ones((2, 2)))
    layer.forward(np.array([[1.0, 0.0]]))
    layer.backward(np.array([[1.0, 1.0]]))
    SGD(lr=0.5).update(layer.params, layer.grads)
    np.testing.assert_allclose(layer.forward(np.array([[1.0, 0.0]])), [[0.5, 0.5]])


def test_adam_first_step_moves_every_entry_by_lr_times_sign():
    r = rng(31)
    p = r.normal(size=(4, 5))
    g = away_from_zero(r, (4, 5))
    before = p.copy()
    Adam(lr=0.01).update([p], [g])
    np.testing.assert_allclose(p, before - 0.01 * np.sign(g), rtol=0, atol=0.01 * 1e-5)


def reference_adam(p, grads, lr, b1, b2, eps):
    """Textbook Adam with explicit bias-corrected moments.

    Folding the bias correction into the step size (as Adam does here) moves
    eps: it matches the textbook form with eps / sqrt(1 - beta2**t).
    """
    p = p.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2 ** t))
    return p


def test_adam_matches_the_textbook_formula_and_keeps_state_per_param():
    r = rng(32)
    a0, b0 = r.normal(size=3), r.normal(size=(2, 2))
    a_grads = [away_from_zero(r, 3) for _ in range(5)]
    b_grads = [100 * away_from_zero(r, (2, 2)) for _ in range(5)]   # very different scale

    a, b = a0.copy(), b0.copy()
    opt = Adam(lr=0.02, beta1=0.8, beta2=0.99)
    for ga, gb in zip(a_grads, b_grads, strict=True):
        opt.update([a, b], [ga, gb])

    np.testing.assert_allclose(a, reference_adam(a0, a_grads, 0.02, 0.8, 0.99, 1e-8),
                               rtol=1e-12)
    np.testing.assert_allclose(b, reference_adam(b0, b_grads, 0.02, 0.8, 0.99, 1e-8),
                               rtol=1e-12)
    assert opt.iter == 5 and len(opt.m) == 2


def test_float32_params_stay_float32():
    p = np.ones(3, dtype=np.float32)
    g = np.full(3, 0.5, dtype=np.float32)
    SGD().update([p], [g])
    Adam().update([p], [g])
    assert p.dtype == np.float32


def test_bad_arguments():
    with pytest.raises(ValueError, match="2 params but 1 grads"):
        SGD().update([np.zeros(2), np.zeros(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="shape"):
        SGD().update([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="lr"):
        SGD(lr=0)
    with pytest.raises(ValueError, match="beta1"):
        Adam(beta1=1.0)
    opt = Adam()
    opt.update([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="one Adam per parameter list"):
        opt.update([np.zeros(3)], [np.ones(3)])


def test_check_pairs_is_the_shared_validation():
    check_pairs([np.zeros((2, 3))], [np.ones((2, 3))])
    with pytest.raises(ValueError, match="1 params but 2 grads"):
        check_pairs([np.zeros(2)], [np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match=r"param 0 has shape \(2,\)"):
        check_pairs([np.zeros(2)], [np.zeros(3)])


def test_adam_begin_step_counts_steps_and_folds_in_the_bias_correction():
    opt = Adam(lr=0.1, beta1=0.8, beta2=0.99)
    p, g = [np.zeros(3)], [np.ones(3)]
    assert opt.begin_step(p, g) == pytest.approx(0.1 * np.sqrt(1 - 0.99) / (1 - 0.8))
    assert opt.iter == 1 and opt.m[0].shape == (3,)
    assert opt.begin_step(p, g) == pytest.approx(0.1 * np.sqrt(1 - 0.99 ** 2) / (1 - 0.8 ** 2))
    with pytest.raises(ValueError, match="shape"):
        opt.begin_step([np.zeros(3)], [np.zeros(2)])
