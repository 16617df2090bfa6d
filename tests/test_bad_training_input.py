"""Issue 13: training input that used to go silently wrong (or crash deep inside) fails clearly.

Every test here failed on the code before the fix: it asserts the error type and
that the message names the argument (and, where it helps, what to do).
"""

import re
import tempfile
from pathlib import Path

import numpy as np
import pytest

from w2vlib.optim import SGD
from w2vlib.trainer import Trainer, clip_grads


class LinearRegression:
    def __init__(self, dim):
        self.W = np.zeros((dim, 1))
        self.params, self.grads = [self.W], [np.zeros_like(self.W)]

    def forward(self, x, t):
        self.x, self.diff = x, x @ self.W - t
        return float(np.mean(self.diff ** 2))

    def backward(self, dout=1):
        self.grads[0][...] = 2 * self.x.T @ self.diff / len(self.x)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 3))
    return x, x @ np.array([[1.0], [-2.0], [0.5]])


def _fit(data, lr=0.1, **kw):
    x, t = data
    return Trainer(LinearRegression(3), SGD(lr)).fit(x, t, progress=False, **kw)


# --------------------------------------------------------------------------- Trainer.fit

@pytest.mark.parametrize("max_grad", [-1, 0, 0.0, float("nan"), float("inf"), True, "5"])
def test_fit_rejects_a_max_grad_that_would_not_clip(data, max_grad):
    # -1 used to turn descent into ascent (loss 9.99 -> 508), 0 froze the weights.
    with pytest.raises(ValueError, match=r"max_grad must be a finite number > 0 or None.*"
                                         + r"None: no clipping"):
        _fit(data, max_grad=max_grad)


@pytest.mark.parametrize("seed, error, says", [
    (-1, ValueError, "got -1"),                  # numpy's own "expected non-negative integer", deep inside
    (1.5, TypeError, r"got 1\.5 \(float\)"),      # numpy's "SeedSequence expects int ..."
    (True, TypeError, r"got True \(bool\)"),      # accepted before: a flag passed by mistake seeded 1
    ("0", TypeError, r"got '0' \(str\)"),
    (np.random.RandomState(0), TypeError, "got a legacy np.random.RandomState: use np.random.default_rng"),
])
def test_fit_and_every_seeded_class_reject_a_seed_that_is_not_one(data, seed, error, says):
    from w2vlib.models import CBOW
    from w2vlib.negative_sampling import UnigramSampler
    from w2vlib.speed import train_word2vec

    pattern = r"seed must be a whole number >= 0, None or a numpy Generator, " + says
    trainer = Trainer(LinearRegression(3), SGD(0.1))
    with pytest.raises(error, match=pattern):
        trainer.fit(*data, progress=False, seed=seed)
    assert trainer.words_seen == 0 and not np.any(trainer.model.W)   # refused before any step
    with pytest.raises(error, match=pattern):
        UnigramSampler(np.array([0, 1, 2, 1]), 0.75, 2, seed=seed)
    with pytest.raises(error, match=pattern):
        CBOW(10, 4, 1, np.arange(30) % 10, seed=seed)
    with pytest.raises(error, match=pattern):
        train_word2vec(np.arange(50) % 7, dim=4, epochs=1, seed=seed, progress=False)


def test_fit_takes_numpy_integers_and_generators_as_seeds(data):
    a = _fit(data, max_epoch=2, seed=np.int64(4)).model.W
    b = _fit(data, max_epoch=2, seed=np.random.default_rng(4)).model.W
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["batch_size", "max_epoch", "eval_interval"])
@pytest.mark.parametrize("value", [32.0, 2.5, 0, -3, True, "8"])
def test_fit_rejects_counts_that_are_not_positive_ints(data, name, value):
    with pytest.raises(ValueError, match=rf"^{name} must be an int >= 1, got {value!r}"
                                         .replace(".", r"\.")):
        _fit(data, **{name: value})


@pytest.mark.parametrize("time_limit", [0, -1, float("nan"), "10"])
def test_fit_rejects_a_bad_time_limit(data, time_limit):
    with pytest.raises(ValueError, match="time_limit must be a finite number > 0"):
        _fit(data, time_limit=time_limit)


def test_fit_accepts_numpy_ints_and_good_values_unchanged(data):
    a = _fit(data, max_epoch=np.int64(2), batch_size=np.int32(32), eval_interval=4, seed=0,
             max_grad=1.0)
    b = _fit(data, max_epoch=2, batch_size=32, eval_interval=4, seed=0, max_grad=1.0)
    assert a.loss_list == b.loss_list and len(a.loss_list) == 4


def test_fit_stops_on_a_diverging_loss_naming_epoch_step_and_lr(data):
    # SGD(lr=1e6) used to run to NaN with nothing but RuntimeWarnings.
    trainer = Trainer(LinearRegression(3), SGD(1e6))
    x, t = data
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as err:
        trainer.fit(x, t, max_epoch=50, progress=False, seed=0)
    msg = str(err.value)
    assert msg.startswith("training diverged (loss ")
    assert re.search(r"\) in epoch 4 at step 26: ", msg)     # 8 steps per epoch
    assert "lower the optimizer's lr (now 1e+06)" in msg and "max_grad" in msg
    assert trainer.elapsed > 0                       # the finally block still ran


def test_clip_grads_rejects_a_non_positive_norm():
    grads = [np.array([3.0, 4.0])]
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0, got -1"):
        clip_grads(grads, -1)
    assert grads[0].tolist() == [3.0, 4.0]


# --------------------------------------------------------------------------- the fast trainer

from w2vlib.speed import cli, train_word2vec  # noqa: E402


def test_train_word2vec_refuses_a_window_wider_than_the_corpus():
    # window=10**6 on PTB used to run 12 s and then die with a MemoryError.
    corpus = np.array([0, 1, 2, 3, 4, 1, 2])
    with pytest.raises(ValueError, match=r"^window=7 is not smaller than the corpus \(7 words\)"
                                         r".*word2vec uses 5 to 10"):
        train_word2vec(corpus, window=7, progress=False)
    train_word2vec(corpus, window=6, dim=4, epochs=1, progress=False)      # still fine


def test_train_word2vec_refuses_more_negatives_than_words():
    # negative=10**4 used to diverge and blame the learning rate ("lower lr").
    corpus = np.arange(500) % 50
    with pytest.raises(ValueError, match=r"^negative=50 asks about more negatives per example "
                                         r"than the corpus has words \(50\).*5 to 20"):
        train_word2vec(corpus, negative=50, progress=False)
    # a toy corpus may still use the default 5 negatives (and up to 20)
    train_word2vec(np.array([0] * 50 + [1] * 50), negative=20, dim=4, epochs=1, progress=False)


def test_a_divergence_with_many_negatives_names_them():
    corpus = np.random.default_rng(0).integers(0, 200, size=3_000)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError,
                                                  match=r"lower lr.*or negative \(now 100"):
        train_word2vec(corpus, dim=8, epochs=3, negative=100, lr=1e6, seed=0, progress=False)


# --------------------------------------------------------------------------- the command line

@pytest.fixture
def no_training(monkeypatch):
    """Make sure a refused command never starts to train (or loads PTB)."""
    def boom(*a, **k):
        raise AssertionError("the command trained although its arguments were bad")
    monkeypatch.setattr(cli, "train_word2vec", boom)
    monkeypatch.setattr("w2vlib.datasets.load_ptb", boom)


def _usage_error(capsys, argv) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m w2vlib.speed") and "Traceback" not in err
    return err.splitlines()[-1]


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "error: epochs must be an int >= 1, got 0"),
    (["--dim", "-5"], "error: dim must be an int >= 1, got -5"),
    (["--window", "0"], "error: window must be an int >= 1, got 0"),
    (["--negative", "0"], "error: negative must be an int >= 1, got 0"),
    (["--batch-size", "0"], "error: batch_size must be an int >= 1, got 0"),
    (["--lr", "nan"], "error: lr must be a finite number > 0, got nan"),
    (["--lr", "-0.1"], "error: lr must be a finite number > 0, got -0.1"),
    (["--subsample", "inf"], "error: subsample must be a finite number >= 0, got inf"),
])
def test_cli_bad_numbers_are_usage_errors_in_the_librarys_words(capsys, no_training, argv,
                                                                message):
    assert _usage_error(capsys, argv).endswith(message)


def test_cli_out_in_a_missing_directory_is_refused_before_training(capsys, no_training, tmp_path):
    out = tmp_path / "nope" / "v.npz"
    last = _usage_error(capsys, ["--out", str(out)])
    assert f"the directory '{out.parent}' does not exist" in last and "mkdir -p" in last


@pytest.mark.parametrize("name", ["v.xyz", "vectors", "v.NPZ", "v.npz.gz"])
def test_cli_out_with_an_unknown_suffix_is_refused_before_training(capsys, no_training, tmp_path,
                                                                   name):
    last = _usage_error(capsys, ["--out", str(tmp_path / name)])
    assert "cannot tell the format from the suffix" in last and ".npz, .txt, .vec" in last


def test_cli_out_suffixes_are_those_save_vectors_knows():
    from w2vlib.io import save_vectors

    assert {".npz", ".txt", ".vec"} <= set(cli.out_suffixes())
    for suffix in cli.out_suffixes():
        save_vectors(Path(tempfile.mkdtemp()) / f"v{suffix}", np.ones((1, 2)), ["a"])


def test_cli_out_that_is_a_directory_is_refused(capsys, no_training, tmp_path):
    (tmp_path / "v.npz").mkdir()
    assert "is a directory" in _usage_error(capsys, ["--out", str(tmp_path / "v.npz")])


def test_cli_never_overwrites_a_learners_file_without_force(capsys, no_training, tmp_path):
    mine = tmp_path / "mine.npz"
    mine.write_bytes(b"my homework")
    last = _usage_error(capsys, ["--out", str(mine)])
    assert "already exists: nothing was trained" in last and "--force" in last
    assert mine.read_bytes() == b"my homework"


def test_cli_checks_window_against_the_corpus_before_training(capsys, monkeypatch):
    monkeypatch.setattr("w2vlib.datasets.load_ptb",
                        lambda split: (np.arange(100) % 10, {str(i): i for i in range(10)}, {}))
    monkeypatch.setattr(cli, "train_word2vec", lambda *a, **k: pytest.fail("trained"))
    last = _usage_error(capsys, ["--window", "1000"])
    assert "PTB train: window=1000 is not smaller than the corpus (100 words)" in last


def test_cli_force_overwrites(monkeypatch, tmp_path, capsys):
    mine = tmp_path / "v.txt"
    mine.write_text("old")
    corpus = np.arange(200) % 10
    monkeypatch.setattr("w2vlib.datasets.load_ptb",
                        lambda split: (corpus, {f"w{i}": i for i in range(10)},
                                       {i: f"w{i}" for i in range(10)}))
    monkeypatch.setattr(cli, "quality", lambda *a: {"neighbours": {}, "analogy": {}})
    assert cli.main(["--out", str(mine), "--force", "--epochs", "1", "--dim", "4",
                     "--no-progress"]) == 0
    assert mine.read_text().startswith("10 4\n")


# --------------------------------------------------------------------------- the layer sampler

from w2vlib.negative_sampling import UnigramSampler  # noqa: E402


def _plain_rejection(sampler, target):
    """The sampler's loop before issue 13: redraw the hits until none are left."""
    negatives = sampler.sample(target.shape + (sampler.sample_size,))
    hit = negatives == target[:, None]
    while hit.any():
        negatives[hit] = sampler.sample(int(hit.sum()))
        hit = negatives == target[:, None]
    return negatives


def test_a_word_with_almost_all_the_probability_is_sampled_quickly_and_exactly():
    # One word of probability 0.999999 used to take 398 s for 5,000 draws.
    import time

    corpus = np.array([0] * 10**6 + [1] + [2] * 3)
    sampler = UnigramSampler(corpus, power=1.0, sample_size=5, seed=0)
    start = time.perf_counter()
    neg = sampler.get_negative_sample(np.zeros(5_000, dtype=np.int64))
    assert time.perf_counter() - start < 2.0
    assert neg.shape == (5_000, 5) and not (neg == 0).any()
    share_2 = np.mean(neg == 2)                      # p(2 | not 0) = 3 / 4; sd 0.003
    assert abs(share_2 - 0.75) < 0.02


def test_the_exact_tail_draws_the_renormalised_distribution():
    rng = np.random.default_rng(5)
    corpus = rng.choice(6, size=2_000, p=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    sampler = UnigramSampler(corpus, power=0.75, seed=1)
    for w in (0, 3, 5):
        draws = sampler.sample_excluding(np.full(200_000, w))
        assert not (draws == w).any()
        want = sampler.word_p.copy()
        want[w] = 0
        want /= want.sum()
        np.testing.assert_allclose(np.bincount(draws, minlength=6) / draws.size, want, atol=0.004)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_ordinary_corpus_draws_exactly_as_before(seed):
    rng = np.random.default_rng(seed)
    corpus = rng.choice(8, size=500, p=[0.6, 0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.02])
    target = rng.integers(0, 8, size=300)
    new = UnigramSampler(corpus, seed=seed).get_negative_sample(target)
    old = _plain_rejection(UnigramSampler(corpus, seed=seed), target)
    np.testing.assert_array_equal(new, old)


# --------------------------------------------------------------------------- the layers

from w2vlib import layers, models  # noqa: E402
from w2vlib.speed.sparse import SparseEmbedding  # noqa: E402

W = np.arange(12, dtype=float).reshape(4, 3)


@pytest.mark.parametrize("make, dout", [
    (lambda: layers.Embedding(W.copy()), np.ones((2, 3))),
    (lambda: SparseEmbedding(W.copy()), np.ones((2, 3))),
    (lambda: layers.MatMul(W.copy()), np.ones((2, 3))),
    (lambda: layers.Sigmoid(), np.ones(3)),
    (lambda: layers.SigmoidWithLoss(), 1.0),
    (lambda: layers.SoftmaxWithLoss(), 1.0),
    (lambda: layers.EmbeddingDot(W.copy()), np.ones(2)),
    (lambda: models.SimpleCBOW(5, 3, seed=0), 1.0),
    (lambda: models.CBOW(5, 3, 1, np.arange(20) % 5, seed=0), 1.0),
    (lambda: models.SkipGram(5, 3, 1, np.arange(20) % 5, seed=0), 1.0),
])
def test_backward_before_forward_says_to_call_forward_first(make, dout):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(RuntimeError, match=rf"^{name}\.backward\(\) was called before "
                                           rf"{name}\.forward\(\): call forward first"):
        layer.backward(dout)


@pytest.mark.parametrize("cls", [layers.Embedding, SparseEmbedding])
def test_embedding_backward_with_the_wrong_dout_shape_names_both_and_keeps_dW(cls):
    layer = cls(W.copy())
    layer.forward(np.array([0, 2]))
    layer.backward(np.ones((2, 3)))
    before = layer.grads[0].copy()
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.backward: dout must have the shape "
                                         r"of forward's output \(2, 3\), got \(3, 2\)"):
        layer.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(layer.grads[0], before)


def test_matmul_backward_with_the_wrong_dout_shape():
    layer = layers.MatMul(W.copy())                  # (4, 3)
    layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"MatMul\.backward: dout must have the shape of "
                                         r"forward's output \(2, 3\), got \(2, 4\)"):
        layer.backward(np.ones((2, 4)))


@pytest.mark.parametrize("cls, x, t", [
    (layers.SigmoidWithLoss, np.zeros(0), np.zeros(0)),
    (layers.SigmoidWithLoss, np.zeros((0, 6)), np.zeros((0, 6))),
    (layers.SoftmaxWithLoss, np.zeros((0, 6)), np.zeros(0, dtype=int)),
])
def test_an_empty_batch_is_refused(cls, x, t):
    # SigmoidWithLoss used to divide by zero (nan and a RuntimeWarning, or ZeroDivisionError).
    with pytest.raises(ValueError, match=rf"{cls.__name__} got an empty batch \(scores of "
                                         rf"shape \({x.shape[0]},"):
        cls().forward(x, t)


@pytest.mark.parametrize("bad", [2, -1, float("nan")])
def test_sigmoid_labels_outside_0_1_are_refused(bad):
    with pytest.raises(ValueError, match=rf"labels must lie in \[0, 1\].*got {bad:g}"):
        layers.SigmoidWithLoss().forward(np.zeros(3), [0, 1, bad])


def test_soft_labels_in_between_still_work():
    loss = layers.SigmoidWithLoss().forward(np.zeros(2), [0.25, 1.0])
    assert loss == pytest.approx(np.log(2))


def _fake_ptb(monkeypatch):
    corpus = np.arange(200) % 10
    monkeypatch.setattr("w2vlib.datasets.load_ptb",
                        lambda split: (corpus, {f"w{i}": i for i in range(10)},
                                       {i: f"w{i}" for i in range(10)}))
    monkeypatch.setattr(cli, "quality", lambda *a: {"neighbours": {}, "analogy": {}})


def test_cli_keeps_the_run_when_the_save_fails(monkeypatch, tmp_path, capsys):
    _fake_ptb(monkeypatch)
    out = tmp_path / "gone" / "v.npz"
    out.parent.mkdir()
    real_train = cli.train_word2vec

    def train_then_lose_the_directory(*a, **k):
        res = real_train(*a, **k)
        out.parent.rmdir()                            # the directory vanished while training
        return res
    monkeypatch.setattr(cli, "train_word2vec", train_then_lose_the_directory)
    assert cli.main(["--out", str(out), "--epochs", "1", "--dim", "4", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"error: could not write {out}" in err and "the vectors were saved to " in err
    from w2vlib.io import load_vectors
    spare = err.split("the vectors were saved to ")[1].split(" instead")[0]
    assert load_vectors(spare).word_vecs.shape == (10, 4)


def test_cli_does_not_overwrite_a_file_made_while_training(monkeypatch, tmp_path, capsys):
    _fake_ptb(monkeypatch)
    out = tmp_path / "v.npz"
    real_train = cli.train_word2vec

    def train_while_the_learner_saves(*a, **k):
        res = real_train(*a, **k)
        out.write_bytes(b"saved from the notebook meanwhile")
        return res
    monkeypatch.setattr(cli, "train_word2vec", train_while_the_learner_saves)
    assert cli.main(["--out", str(out), "--epochs", "1", "--dim", "4", "--no-progress"]) == 1
    assert out.read_bytes() == b"saved from the notebook meanwhile"
    assert "created while training" in capsys.readouterr().err


# --------------------------------------------------------------------------- the optimizers

from w2vlib.optim import Adam  # noqa: E402


@pytest.mark.parametrize("cls", [SGD, Adam])
@pytest.mark.parametrize("lr", [float("inf"), True, None, "fast", -1, 0])
def test_optimizers_refuse_an_lr_that_cannot_train(cls, lr):
    # lr=inf used to be accepted (and trained to NaN); None/"fast" gave float()'s own error.
    with pytest.raises(ValueError, match=rf"^lr must be a finite number > 0, got {lr!r}$"):
        cls(lr=lr)


def test_the_numba_backend_checks_the_corpus_before_compiling():
    with pytest.raises(ValueError, match="window=7 is not smaller than the corpus"):
        train_word2vec(np.array([0, 1, 2, 3, 4, 1, 2]), window=7, backend="numba",
                       progress=False)


def test_settings_whose_steps_cannot_fit_in_memory_are_refused_before_training():
    corpus = np.arange(30_000) % 100
    with pytest.raises(ValueError, match=r"^one step would need about [\d,.]+ GiB of temporaries "
                                         r"\(cbow, batch_size \d+, window 20000, negative 5, "
                                         r"dim 100\): lower them"):
        train_word2vec(corpus, window=20_000, progress=False)
    with pytest.raises(ValueError, match=r"\(skipgram, batch_size 100000, window 10, negative 20,"
                                         r" dim 300\)"):
        train_word2vec(corpus, model="skipgram", window=10, negative=20, dim=300,
                       batch_size=100_000, progress=False)


def test_cli_checks_the_step_memory_before_training(capsys, monkeypatch):
    monkeypatch.setattr("w2vlib.datasets.load_ptb",
                        lambda split: (np.arange(30_000) % 10, {str(i): i for i in range(10)}, {}))
    monkeypatch.setattr(cli, "train_word2vec", lambda *a, **k: pytest.fail("trained"))
    assert "PTB train: one step would need about" in _usage_error(capsys, ["--window", "20000"])


def test_cli_reports_a_diverging_run_without_a_traceback(monkeypatch, capsys):
    _fake_ptb(monkeypatch)
    with np.errstate(all="ignore"):
        code = cli.main(["--lr", "1e6", "--subsample", "0", "--epochs", "2", "--dim", "4",
                         "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: training diverged") and "lower lr" in err
