"""speed/: the vectorised trainer does exactly what the layer models + SGD do, only faster."""

import contextlib
import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from w2vlib.datasets import shipped_file
from w2vlib.evaluate import most_similar
from w2vlib.models import CBOW, SkipGram
from w2vlib.optim import SGD
from w2vlib.speed import AliasSampler, Word2VecResult, config, keep_probabilities, samplers, train_word2vec
from w2vlib.speed import numpy_kernels as kernels
from w2vlib.speed.sparse import SparseSGD, rows_written, sparse_model

V, H, WINDOW, K, N = 12, 4, 2, 3, 6


def layer_weights(model, seed):
    """Weights of order 1 (not the tiny initial ones), so every term matters."""
    r = np.random.default_rng(seed)
    for p in model.params:
        p[...] = r.normal(size=p.shape) * 0.5
    return [p.copy() for p in model.params]


def negatives_avoiding(r, targets, shape):
    """Random negatives with repeats across rows, never a row's own target
    (the layer sampler never draws it; the fast kernel would skip it)."""
    neg = r.integers(0, V, size=shape)
    clash = neg == targets.reshape(targets.shape + (1,) * (neg.ndim - targets.ndim))
    neg[clash] = (neg[clash] + 1) % V
    return neg


# ---------------------------------------------------------------- exactness vs the layers

def test_one_fast_cbow_step_is_one_layer_cbow_sgd_step_with_lr_times_n(monkeypatch):
    r = np.random.default_rng(0)
    corpus = r.integers(0, V, size=80)
    model = CBOW(V, H, WINDOW, corpus, sample_size=K, seed=1, dtype=np.float64)
    W_in, W_out = layer_weights(model, 2)
    contexts = r.integers(0, V, size=(N, 2 * WINDOW))
    contexts[0, :3] = contexts[0, 3]                      # a word repeated inside one window
    targets = r.integers(0, V, size=N)
    targets[1] = targets[0]                               # the same target in two rows
    negatives = negatives_avoiding(r, targets, (N, K))
    negatives[2, :] = negatives[2, 0]                     # one negative drawn three times
    negatives[3, 0] = contexts[3, 0]                      # a context word as a negative
    monkeypatch.setattr(model.ns_loss.sampler, "get_negative_sample", lambda t: negatives)
    lr = 0.3

    layer_loss = model.forward(contexts, targets)         # batch mean
    model.backward()
    SGD(lr=lr * N).update(model.params, model.grads)      # the layer's gradient carries 1/N

    W_in0 = W_in.copy()
    fast_loss = kernels.cbow_step(W_in, W_out, contexts, targets, negatives, lr)   # per-example steps
    np.testing.assert_allclose(W_in, model.params[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(W_out, model.params[1], rtol=1e-12, atol=1e-14)
    assert fast_loss / N == pytest.approx(layer_loss, rel=1e-12)
    assert np.abs(W_in - W_in0).max() > 1e-3             # the step did move the weights


def test_one_fast_skipgram_step_is_one_layer_skipgram_sgd_step(monkeypatch):
    r = np.random.default_rng(3)
    corpus = r.integers(0, V, size=80)
    C = 2 * WINDOW
    model = SkipGram(V, H, WINDOW, corpus, sample_size=K, seed=4, dtype=np.float64)
    W_in, W_out = layer_weights(model, 5)
    contexts = r.integers(0, V, size=(N, C))
    targets = r.integers(0, V, size=N)
    targets[2] = targets[4]
    negatives = negatives_avoiding(r, contexts, (N, C, K)).reshape(N * C, K)   # row n*C + c
    monkeypatch.setattr(model.ns_loss.sampler, "get_negative_sample", lambda t: negatives)
    lr = 0.2

    layer_loss = model.forward(contexts, targets)
    model.backward()
    SGD(lr=lr * N).update(model.params, model.grads)

    # the same N*C (centre -> context) pairs, each one example
    fast_loss = kernels.sg_step(W_in, W_out, np.repeat(targets, C), contexts.reshape(-1),
                           negatives, lr)
    np.testing.assert_allclose(W_in, model.params[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(W_out, model.params[1], rtol=1e-12, atol=1e-14)
    assert fast_loss / N == pytest.approx(layer_loss, rel=1e-12)


def test_sparse_sgd_through_the_models_grad_rows_gives_the_same_step(monkeypatch):
    r = np.random.default_rng(6)
    corpus = r.integers(0, V, size=80)
    models = [CBOW(V, H, WINDOW, corpus, sample_size=K, seed=7, dtype=np.float64)
              for _ in range(2)]
    for m in models:
        layer_weights(m, 8)
    contexts = r.integers(0, V, size=(N, 2 * WINDOW))
    targets = r.integers(0, V, size=N)
    negatives = negatives_avoiding(r, targets, (N, K))
    sparse_model(models[1])
    for i, m in enumerate(models):
        monkeypatch.setattr(m.ns_loss.sampler, "get_negative_sample", lambda t: negatives)
        m.forward(contexts, targets)
        m.backward()
        if i:
            SparseSGD(lr=1.5).update(m.params, m.grads, grad_rows=rows_written(m))
        else:
            SGD(lr=1.5).update(m.params, m.grads)
    for a, b in zip(models[0].params, models[1].params, strict=True):
        np.testing.assert_array_equal(a, b)


def stream_reference(ids, start, stop, window, radius):
    """Explicit (N, 2*window) contexts and mask for the centres start..stop-1."""
    offs = np.array([o for o in range(-window, window + 1) if o])
    pos = np.arange(start, stop)
    ctx_pos = pos[:, None] + offs
    r = np.full(stop - start, window) if radius is None else radius
    mask = (ctx_pos >= 0) & (ctx_pos < len(ids)) & (np.abs(offs) <= r[:, None])
    return ids[np.clip(ctx_pos, 0, len(ids) - 1)], mask


@pytest.mark.parametrize("mean_grad", [True, False])
@pytest.mark.parametrize("shrink", [False, True])
def test_the_trainers_stretch_step_equals_the_explicit_step(mean_grad, shrink):
    """The trainer's CBOW kernel (shifted slices of a contiguous stretch) against
    the explicit gather/scatter kernel, at the corpus edges and inside."""
    r = np.random.default_rng(9)
    window = 3
    for trial in range(25):
        n = int(r.integers(2, 40))
        ids = r.integers(0, V, n)
        start = int(r.integers(0, n))
        stop = int(r.integers(start + 1, n + 1))
        radius = r.integers(1, window + 1, stop - start) if shrink else None
        negs = r.integers(0, V, (stop - start, K))          # may hit the target: skipped in both
        A = [r.standard_normal((V, H)) for _ in range(2)]
        B = [a.copy() for a in A]
        loss_a, n_a = kernels.cbow_span_step(A[0], A[1], ids, start, stop, window, radius, negs,
                                        0.1, mean_grad)
        ctx, mask = stream_reference(ids, start, stop, window, radius)
        loss_b = kernels.cbow_step(B[0], B[1], ctx, ids[start:stop], negs, 0.1, mask=mask,
                              mean_grad=mean_grad)
        for a, b in zip(A, B, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13, err_msg=f"trial {trial}")
        assert loss_a == pytest.approx(loss_b, rel=1e-12)
        assert n_a == stop - start


def test_word2vec_rule_adds_e_to_every_context_row_and_the_gradient_rule_e_over_c():
    r = np.random.default_rng(10)
    contexts = np.array([[1, 2, 3, 4]])                   # one example, C = 4 distinct words
    targets, negs = np.array([5]), np.array([[6, 7, 8]])
    W0 = [r.standard_normal((V, H)) for _ in range(2)]
    grad = [w.copy() for w in W0]
    w2v = [w.copy() for w in W0]
    kernels.cbow_step(*grad, contexts, targets, negs, 0.1, mean_grad=True)
    kernels.cbow_step(*w2v, contexts, targets, negs, 0.1, mean_grad=False)
    np.testing.assert_allclose(w2v[1], grad[1], rtol=1e-14)          # output side: the same
    np.testing.assert_allclose(w2v[0] - W0[0], 4 * (grad[0] - W0[0]), rtol=1e-12, atol=1e-15)


def test_a_negative_equal_to_the_target_is_skipped():
    r = np.random.default_rng(11)
    W0 = [r.standard_normal((V, H)) for _ in range(2)]
    a = [w.copy() for w in W0]
    b = [w.copy() for w in W0]
    ctx = np.array([[1, 2]])
    loss_a = kernels.cbow_step(*a, ctx, np.array([5]), np.array([[5, 6]]), 0.1)   # 5 is the target
    loss_b = kernels.cbow_step(*b, ctx, np.array([5]), np.array([[6]]), 0.1)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-14)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-14)
    assert loss_a == pytest.approx(loss_b)


def test_skipgram_pairs_follow_the_window():
    centre, ctx = kernels.sg_pairs(10, 0, 3, 2, None)
    assert list(zip(centre.tolist(), ctx.tolist(), strict=True)) == [
        (0, 1), (0, 2), (1, 0), (1, 2), (1, 3), (2, 0), (2, 1), (2, 3), (2, 4)]
    centre, ctx = kernels.sg_pairs(10, 4, 6, 2, np.array([1, 2]))
    assert list(zip(centre.tolist(), ctx.tolist(), strict=True)) == [
        (4, 3), (4, 5), (5, 3), (5, 4), (5, 6), (5, 7)]


# ---------------------------------------------------------------- sampling

def test_alias_tables_encode_counts_to_the_power_exactly():
    counts = np.array([50, 0, 7, 1, 300, 2, 0, 9])
    s = AliasSampler(counts, power=0.75)
    expected = np.where(counts > 0, counts ** 0.75, 0) / np.sum(counts ** 0.75)
    np.testing.assert_allclose(s.p, expected, rtol=1e-13)
    np.testing.assert_allclose(s.implied_p(), expected, atol=1e-13)


def test_alias_draws_match_the_distribution():
    counts = np.array([1000, 1, 30, 0, 5, 200, 77, 3])
    s = AliasSampler(counts, power=0.75)
    n = 400_000
    draws = s.draw(np.random.default_rng(12), (n // 4, 4))
    assert draws.shape == (n // 4, 4) and draws.dtype == np.int64
    freq = np.bincount(draws.ravel(), minlength=len(counts)) / n
    sigma = np.sqrt(s.p * (1 - s.p) / n)
    assert np.all(np.abs(freq - s.p) <= 5 * sigma + 1e-12), (freq, s.p)
    assert freq[3] == 0                                   # count 0: never drawn


def test_power_zero_is_uniform_over_words_that_occur():
    s = AliasSampler(np.array([5, 0, 1, 100]), power=0.0)
    np.testing.assert_allclose(s.p, [1 / 3, 0, 1 / 3, 1 / 3])


def test_keep_probability_is_word2vecs_formula():
    counts = np.array([10_000, 1_000, 100, 10, 1])
    T, s = counts.sum(), 1e-3
    expected = np.minimum(1, (np.sqrt(counts / (s * T)) + 1) * (s * T) / counts)
    np.testing.assert_allclose(keep_probabilities(counts, s), expected)
    assert keep_probabilities(counts, s)[0] < 0.15 and keep_probabilities(counts, s)[-1] == 1
    np.testing.assert_array_equal(keep_probabilities(counts, 0.0), 1.0)


def test_subsampling_keeps_frequent_words_less_often_as_the_formula_says():
    r = np.random.default_rng(13)
    # word 0 is half the corpus, word 1 a tenth, words 2.. are rare
    corpus = r.choice(50, size=20_000, p=np.r_[0.5, 0.1, np.full(48, 0.4 / 48)])
    counts = np.bincount(corpus, minlength=50)
    keep = keep_probabilities(counts, 1e-3)
    assert keep[0] < 0.1 < keep[1] < 0.2 < 0.4 < keep[2:].min()         # frequent: kept less
    epochs = 4
    res = train_word2vec(corpus, 50, dim=8, epochs=epochs, subsample=1e-3, seed=14,
                         progress=False)
    expected = epochs * keep[corpus].sum()
    sd = np.sqrt(epochs * np.sum(keep[corpus] * (1 - keep[corpus])))
    assert abs(res.words_kept - expected) < 5 * sd
    assert res.words_trained == epochs * len(corpus)      # dropped words still count as passed


# ---------------------------------------------------------------- training

def twin_corpus(seed, classes=15, length=20_000):
    """A cycle of word classes; class c is spoken as word 2c or 2c+1 at random.
    The twins 2c, 2c+1 share every context, so each should be the other's neighbour."""
    r = np.random.default_rng(seed)
    cls = (np.arange(length) + r.integers(0, classes)) % classes
    jump = r.random(length) < 0.1
    cls = (cls + np.cumsum(jump * r.integers(1, classes, length))) % classes
    return 2 * cls + r.integers(0, 2, length)


def _backend_ready(backend, workers):
    if backend == "numpy":
        return True
    from w2vlib.speed import compiled

    return compiled.numba_available() and workers <= compiled.max_workers()


@pytest.mark.parametrize("backend, workers", [("numpy", 1), ("numba", 1), ("numba", 2)])
@pytest.mark.parametrize("model", ["cbow", "skipgram"])
def test_a_small_corpus_is_learned(model, backend, workers):
    if not _backend_ready(backend, workers):
        pytest.skip(f"backend={backend} with {workers} workers is not available here")
    corpus = twin_corpus(15)
    res = train_word2vec(corpus, model=model, dim=16, window=2, epochs=3, seed=16,
                         progress=False, subsample=0.0, backend=backend, workers=workers)
    first, last = res.loss_history[0][1], res.loss_history[-1][1]
    assert first > 0.8 * 6 * np.log(2)                   # (1+k) ln 2 while W_out ~ 0
    assert last < 0.6 * first
    words = {i: str(i) for i in range(30)}
    ids = {w: i for i, w in words.items()}
    twins_found = sum(most_similar(str(2 * c), ids, words, res.word_vecs, top=1)[0][0]
                      == str(2 * c + 1) for c in range(15))
    assert twins_found >= 13


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_same_seed_same_bits_other_seed_other_vectors(backend):
    if not _backend_ready(backend, 1):
        pytest.skip("numba is not installed")
    corpus = twin_corpus(17, length=5_000)
    kw = dict(dim=8, epochs=2, subsample=1e-2, progress=False, backend=backend)
    a = train_word2vec(corpus, seed=3, **kw)
    b = train_word2vec(corpus, seed=3, **kw)
    c = train_word2vec(corpus, seed=4, **kw)
    np.testing.assert_array_equal(a.W_in, b.W_in)
    np.testing.assert_array_equal(a.W_out, b.W_out)
    assert a.loss_history == b.loss_history and a.words_kept == b.words_kept
    assert not np.array_equal(a.W_in, c.W_in)
    g1 = train_word2vec(corpus, seed=np.random.default_rng(5), **kw)
    g2 = train_word2vec(corpus, seed=np.random.default_rng(5), **kw)
    np.testing.assert_array_equal(g1.W_in, g2.W_in)


def test_result_fields_and_settings():
    corpus = twin_corpus(18, length=3_000)
    res = train_word2vec(corpus, 40, model="skip-gram", dim=6, epochs=2, seed=7, progress=False)
    assert isinstance(res, Word2VecResult)
    assert res.W_in.shape == res.W_out.shape == (40, 6)
    assert res.W_in.dtype == res.W_out.dtype == np.float32
    assert res.word_vecs is res.W_in
    assert res.epochs_done == 2 and not res.stopped_early
    assert res.words_trained == 2 * len(corpus) and res.words_kept == 2 * len(corpus)
    assert res.seconds > 0 and res.words_per_sec == pytest.approx(res.words_trained / res.seconds)
    words = [w for w, _ in res.loss_history]
    assert words == sorted(words) and words[-1] <= res.words_trained
    s = res.settings
    assert s["model"] == "skipgram" and s["seed"] == 7 and s["numpy"] == np.__version__
    assert s["batch_size"] == samplers.default_batch_size(np.bincount(corpus), 0.0, "skipgram", 5)
    assert s["batch_size"] < samplers.default_batch_size(np.bincount(corpus), 0.0, "cbow", 5)
    assert s["lr"] == config.DEFAULT_LR["skipgram"]
    json.dumps(s)                                          # JSON-able, for io.save_vectors(meta=)
    assert "skipgram" in repr(res)
    assert (res.W_in[30:] == res.W_in[30:]).all()           # unused ids keep their start values


def test_time_limit_stops_after_the_batch_that_crosses_it():
    corpus = np.random.default_rng(19).integers(0, 100, size=50_000)
    res = train_word2vec(corpus, dim=8, epochs=1000, time_limit=0.2, seed=0, progress=False)
    assert res.stopped_early and res.epochs_done < 1000
    assert 0.2 < res.seconds < 5
    assert res.words_trained == pytest.approx(res.epochs_done * len(corpus))


def test_callback_sees_each_epoch_and_can_stop():
    corpus = twin_corpus(20, length=2_000)
    seen = []

    def cb(res):
        seen.append((res.epochs_done, res.W_in.shape))
        return res.epochs_done == 2

    res = train_word2vec(corpus, dim=4, epochs=5, seed=0, progress=False, callback=cb)
    assert seen == [(1, (30, 4)), (2, (30, 4))]
    assert res.epochs_done == 2 and res.stopped_early


@pytest.mark.parametrize("model", ["cbow", "skipgram"])
def test_an_epoch_that_subsampling_empties_still_counts(model):
    corpus = np.array([0] * 500 + [1] * 500)            # two words, each half the corpus
    res = train_word2vec(corpus, model=model, dim=4, epochs=3, subsample=1e-6, seed=0,
                         progress=False)
    assert res.words_kept < 10 and res.epochs_done == 3 and res.words_trained == 3000


def test_divergence_is_reported_not_hidden():
    corpus = twin_corpus(21, length=3_000)
    with pytest.raises(FloatingPointError, match="diverged.*lower lr"):
        with np.errstate(all="ignore"):
            train_word2vec(corpus, dim=8, epochs=3, lr=1e6, seed=0, progress=False)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(corpus=np.zeros((3, 2), dtype=int)), ValueError, r"1-D.*\(3, 2\)"),
    (dict(corpus=np.array([0.0, 1.0])), TypeError, "integer word ids.*float64"),
    (dict(corpus=np.array([0, -1, 2])), ValueError, ">= 0, got -1"),
    (dict(corpus=np.array([3])), ValueError, "at least 2 words"),
    (dict(vocab_size=3), ValueError, "word id 4 but vocab_size is 3"),
    (dict(model="cbo"), ValueError, "unknown model 'cbo'.*did you mean 'cbow'"),
    (dict(model="skipgrm"), ValueError, "did you mean 'skipgram'"),
    (dict(model=3), ValueError, "model must be one of"),
    (dict(dim=0), ValueError, "dim must be an int >= 1, got 0"),
    (dict(window=2.5), ValueError, "window must be an int"),
    (dict(negative=True), ValueError, "negative must be an int"),
    (dict(epochs=-1), ValueError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(lr=0), ValueError, "lr must be a finite number > 0"),
    (dict(subsample=-1e-3), ValueError, "subsample must be a finite number >= 0"),
    (dict(power=float("nan")), ValueError, "power"),
    (dict(time_limit=0), ValueError, "time_limit"),
    (dict(callback="print"), TypeError, "callback must be callable"),
    (dict(seed="0"), TypeError, "seed must be a whole number >= 0"),
    (dict(cbow_update="mean"), ValueError, "cbow_update must be one of"),
    (dict(profiler=object()), TypeError, "profiler must have a part"),
])
def test_bad_inputs_give_clear_errors(kwargs, error, message):
    args = dict(corpus=np.array([0, 1, 2, 3, 4, 1, 2]), progress=False)
    args.update(kwargs)
    corpus = args.pop("corpus")
    with pytest.raises(error, match=message):
        train_word2vec(corpus, **args)


# ---------------------------------------------------------------- settings, schedule, profiling

def test_the_config_normalises_and_its_settings_are_the_results():
    c = config.Word2VecConfig(model="Skip-Gram", dim=np.int64(8), epochs=1, subsample=0)
    assert (c.model, c.dim, c.lr, c.subsample) == ("skipgram", 8, 0.025, 0.0)
    assert type(c.dim) is int and type(c.subsample) is float and not c.mean_grad
    assert config.Word2VecConfig(cbow_update="gradient").mean_grad
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.dim = 9
    corpus = twin_corpus(22, length=2_000)
    res = train_word2vec(corpus, model="sg", dim=8, epochs=1, seed=2, progress=False)
    expected = c.settings(batch=res.settings["batch_size"], vocab_size=30,
                          corpus_words=len(corpus))
    assert res.settings == expected | {"seed": 2}
    assert config.check_model("SG") == "skipgram"
    with pytest.raises(ValueError, match="did you mean 'cbow'"):
        config.check_model("cbo")


def test_the_learning_rate_falls_linearly_to_its_floor_per_batch():
    from w2vlib.speed.schedule import MIN_LR_FACTOR, learning_rate

    assert learning_rate(0.1, 250, 1000, MIN_LR_FACTOR) == pytest.approx(0.075)
    assert learning_rate(0.1, 5000, 1000, MIN_LR_FACTOR) == pytest.approx(0.1 * MIN_LR_FACTOR)
    corpus = twin_corpus(23, length=1_000)
    c = config.Word2VecConfig(dim=4, epochs=2, lr=0.1, batch_size=100, shrink_window=False)
    rng = np.random.default_rng(0)
    W_in, W_out = rng.random((30, 4), dtype=np.float32), np.zeros((30, 4), np.float32)
    steps = kernels.epoch_steps(W_in, W_out, c, AliasSampler(np.bincount(corpus)), 100, rng)
    rates = [lr for *_, lr in steps(1, corpus, None, len(corpus))]      # the second epoch
    assert rates == [learning_rate(0.1, 1000 + s, 2000, MIN_LR_FACTOR) for s in range(0, 1000, 100)]


class RecordingProfiler:
    """A profiler as the trainer expects one: ``part(label)`` is a context manager."""

    def __init__(self):
        self.calls, self.open = {}, []

    @contextlib.contextmanager
    def part(self, label):
        assert not self.open, f"{label!r} opened inside {self.open}"    # stages never nest
        self.open.append(label)
        try:
            yield
        finally:
            self.open.pop()
            self.calls[label] = self.calls.get(label, 0) + 1


@pytest.mark.parametrize("model", ["cbow", "skipgram"])
def test_a_profiled_run_reports_exactly_the_declared_parts_and_trains_the_same(model):
    corpus = twin_corpus(24, length=3_000)
    kw = dict(model=model, dim=8, epochs=2, subsample=1e-2, seed=5, progress=False)
    profiler = RecordingProfiler()
    profiled = train_word2vec(corpus, profiler=profiler, **kw)
    plain = train_word2vec(corpus, **kw)
    assert set(profiler.calls) == set(kernels.PROFILE_PARTS)
    assert kernels.PROFILE_PARTS == ("sampler", "gather + scores (output side)",
                                     "gather + sums (input side)", "scatter-add update")
    n_steps = profiler.calls["sampler"]                # one draw of negatives per step
    assert n_steps >= 2 * len(corpus) * 0.5 / profiled.settings["batch_size"]
    assert profiler.calls["scatter-add update"] == 2 * n_steps        # into W_out, then W_in
    np.testing.assert_array_equal(profiled.W_in, plain.W_in)
    np.testing.assert_array_equal(profiled.W_out, plain.W_out)


def test_the_command_line_has_the_training_flags():
    proc = subprocess.run([sys.executable, "-m", "w2vlib.speed", "--help"], capture_output=True,
                          text=True, check=True)
    for flag in ("--model", "--epochs", "--dim", "--window", "--negative", "--subsample",
                 "--batch-size", "--lr", "--seed", "--out", "--no-progress"):
        assert flag in proc.stdout
    assert proc.stdout.startswith("usage: python -m w2vlib.speed")


# ---------------------------------------------------------------- the shipped vectors

SHIPPED = shipped_file("vectors", "ptb_cbow.npz", must_exist=False)


@pytest.mark.skipif(not SHIPPED.is_file(), reason="w2vlib/data/vectors/ptb_cbow.npz not built "
                    "(make vectors)")
def test_shipped_ptb_vectors():
    from w2vlib.io import load_vectors

    vecs, word_to_id, id_to_word, meta = load_vectors(SHIPPED)
    assert vecs.shape == (10000, 100) and len(word_to_id) == 10000
    assert meta["seed"] == 0 and meta["model"] == "cbow" and meta["epochs"] == 10
    assert {"command", "quality", "numpy", "subsample", "words_per_sec"} <= meta.keys()
    assert "we" in [w for w, _ in most_similar("you", word_to_id, id_to_word, vecs, top=5)]
    assert "month" in [w for w, _ in most_similar("year", word_to_id, id_to_word, vecs, top=5)]
