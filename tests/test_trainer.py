"""The Trainer on a model small enough to reason about by hand."""

import contextlib

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from w2vlib.trainer import Trainer, clip_grads, unique_params


class SGD:
    def __init__(self, lr):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class LinearRegression:
    """y = x @ W, squared error; lists W twice when ``shared`` to mimic a book-style model."""

    def __init__(self, dim, shared=False):
        self.W = np.zeros((dim, 1))
        self.params = [self.W, self.W] if shared else [self.W]
        self.grads = [np.zeros_like(self.W) for _ in self.params]
        self.shared = shared

    def forward(self, x, t):
        self.x, self.diff = x, x @ self.W - t
        return float(np.mean(self.diff ** 2))

    def backward(self, dout=1):
        g = 2 * self.x.T @ self.diff / len(self.x)
        for dW in self.grads:
            dW[...] = g / len(self.grads)  # each "use" of W carries part of the gradient


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 3))
    return x, x @ np.array([[1.0], [-2.0], [0.5]])


@pytest.mark.parametrize("shared", [False, True])
def test_loss_falls_and_weights_are_found(data, shared):
    x, t = data
    model = LinearRegression(3, shared=shared)
    trainer = Trainer(model, SGD(0.1)).fit(x, t, max_epoch=20, batch_size=32, eval_interval=8,
                                            seed=0, progress=False)
    assert trainer.loss_list[0] > 1.0 and trainer.loss_list[-1] < 1e-6
    np.testing.assert_allclose(model.W.ravel(), [1.0, -2.0, 0.5], atol=1e-3)
    assert len(trainer.loss_list) == 20 * (256 // 32) // 8


def test_same_seed_same_run(data):
    x, t = data
    runs = [Trainer(LinearRegression(3), SGD(0.05)).fit(x, t, max_epoch=2, seed=3, progress=False)
            for _ in range(2)]
    assert runs[0].loss_list == runs[1].loss_list


def test_unique_params_sums_shared_grads():
    a, b = np.ones(2), np.ones(3)
    params, grads = unique_params([a, b, a], [np.full(2, 1.0), np.full(3, 2.0), np.full(2, 3.0)])
    assert len(params) == 2 and params[0] is a
    assert grads[0].tolist() == [4.0, 4.0]


def test_clip_grads_limits_joint_norm():
    grads = [np.array([3.0, 0.0]), np.array([4.0])]
    clip_grads(grads, 1.0)
    assert np.sqrt(sum((g ** 2).sum() for g in grads)) == pytest.approx(1.0, rel=1e-5)


def test_bad_arguments(data):
    x, t = data
    with pytest.raises(ValueError, match="same number of rows"):
        Trainer(LinearRegression(3), SGD(0.1)).fit(x, t[:10], progress=False)
    with pytest.raises(ValueError, match="fewer than one batch"):
        Trainer(LinearRegression(3), SGD(0.1)).fit(x[:4], t[:4], batch_size=32, progress=False)


def test_time_limit_stops_early(data):
    x, t = data
    trainer = Trainer(LinearRegression(3), SGD(0.1)).fit(x, t, max_epoch=10_000, time_limit=0.05,
                                                          progress=False)
    assert trainer.stopped_early


def test_plot_returns_axes(data):
    x, t = data
    trainer = Trainer(LinearRegression(3), SGD(0.1)).fit(x, t, max_epoch=2, eval_interval=2,
                                                          progress=False)
    ax = trainer.plot()
    assert len(ax.lines[0].get_xdata()) == len(trainer.loss_list)


class RecordingProfiler:
    """An object with a ``part(label)`` context manager, as Trainer's ``profiler=`` expects."""

    def __init__(self):
        self.calls = []
        self.open = []

    @contextlib.contextmanager
    def part(self, label):
        self.open.append(label)
        self.calls.append(label)
        try:
            yield
        finally:
            self.open.pop()


def test_profiled_fit_reports_exactly_the_declared_parts_in_order(data):
    x, t = data
    prof = RecordingProfiler()
    plain = Trainer(LinearRegression(3), SGD(0.1)).fit(x, t, max_epoch=2, batch_size=64,
                                                        max_grad=1.0, seed=0, progress=False)
    trainer = Trainer(LinearRegression(3), SGD(0.1), profiler=prof)
    trainer.fit(x, t, max_epoch=2, batch_size=64, max_grad=1.0, seed=0, progress=False)
    assert Trainer.PROFILE_PARTS == ("forward", "backward", "grad sum (shared weights)",
                                     "optimizer")
    assert prof.calls == list(Trainer.PROFILE_PARTS) * 8          # 2 epochs x 4 steps, in order
    assert prof.open == []                                         # no part left open
    assert trainer.loss_list == plain.loss_list                    # timing changes nothing
    np.testing.assert_array_equal(trainer.model.W, plain.model.W)


def test_profiled_fit_with_the_bench_part_timer(data):
    from w2vlib.lab.bench import PartTimer

    x, t = data
    timer = PartTimer()
    Trainer(LinearRegression(3), SGD(0.1), profiler=timer).fit(x, t, max_epoch=1, progress=False)
    assert set(timer.totals) == set(Trainer.PROFILE_PARTS)
    assert all(v >= 0 for v in timer.totals.values())


def test_step_is_the_method_a_subclass_overrides(data):
    x, t = data

    class CountingTrainer(Trainer):
        steps = 0

        def step(self, xb, tb, max_grad=None):
            CountingTrainer.steps += 1
            assert len(xb) == len(tb) == 32
            return super().step(xb, tb, max_grad)

    trainer = CountingTrainer(LinearRegression(3), SGD(0.1)).fit(x, t, max_epoch=3,
                                                                 progress=False)
    assert CountingTrainer.steps == 3 * (256 // 32) == trainer.words_seen // 32


def test_one_step_by_hand_is_forward_backward_update(data):
    x, t = data
    model = LinearRegression(3)
    loss = Trainer(model, SGD(0.5)).step(x[:8], t[:8])
    assert loss == pytest.approx(float(np.mean(t[:8] ** 2)))      # W was 0
    g = -2 * x[:8].T @ t[:8] / 8
    np.testing.assert_allclose(model.W, -0.5 * g)
