"""speed/compiled.py + threads.py: the numba backend runs word2vec's per-word loop, exactly, and fast.

The exactness tests compare one serial pass of ``train_word2vec(backend="numba")``
with ``reference_train`` below: the same loop written plainly in Python (Python
ints for the random generator, NumPy float32 rows), fed the same random numbers.
If a single radius or negative differed, the weights would differ at the first
decimal; they agree to float32 rounding (the compiled dot products add in
another order).
"""

import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from w2vlib.evaluate import evaluate_analogies, most_similar
from w2vlib.speed import AliasSampler, keep_probabilities, train_word2vec
from w2vlib.speed.word2vec import LOSS_POINTS_PER_EPOCH, THREADED_BLOCKS_PER_EPOCH

pytest.importorskip("numba", reason="the numba backend needs the fast extra "
                    "(pip install -e '.[fast]'); `make setup` installs it")

from w2vlib.speed import compiled, schedule, threads  # noqa: E402

MASK = (1 << 64) - 1


# ---------------------------------------------------------------- the plain reference

def xorshift(x):
    """xorshift64* on Python ints (an independent rewrite of compiled.xorshift_next)."""
    x ^= x >> 12
    x ^= (x << 25) & MASK
    x ^= x >> 27
    return x, (x * 0x2545F4914F6CDD1D) & MASK


def sigmoid(f):
    return 1.0 / (1.0 + np.exp(-np.float64(f)))


def output_side(W_out, h, target, negative, prob, alias, lr, state, sigmoid_of=None):
    """word2vec's negative-sampling step for one example; returns (e, loss, state).
    sigmoid_of: the sigmoid the step uses (default: the exact one)."""
    e = np.zeros_like(h)
    loss = 0.0
    draws = [(target, 1.0)]
    for _ in range(negative):
        state, r = xorshift(state)
        col = ((r >> 32) * len(prob)) >> 32
        w = col if (r & 0xFFFFFFFF) / 2**32 < prob[col] else int(alias[col])
        if w != target:
            draws.append((w, 0.0))
    for w, label in draws:
        f = float(np.dot(h.astype(np.float64), W_out[w].astype(np.float64)))
        y = (sigmoid_of or sigmoid)(f)
        exact = sigmoid(f)                                # the loss is always the exact one
        loss += -np.log(exact) if label else -np.log1p(-exact)
        g = np.float32(lr * (label - y))
        e += g * W_out[w]
        W_out[w] += g * h
    return e, loss, state


def reference_train(corpus, V, *, model="cbow", dim=8, window=2, negative=3, epochs=1,
                    lr=0.05, subsample=0.0, seed=0, shrink_window=True, cbow_update="word2vec",
                    chunks=1, state_xor=0):
    """train_word2vec(backend="numba", workers=1), written out word by word.

    chunks: split every block (max(1024, T/50) centres, as the trainer does) into this many
    chunks with a random state each, run one after another -- what the threads of
    ``workers=chunks // CHUNKS_PER_WORKER`` do, minus the overlap in time.
    state_xor: flip bits of the loop's random states (same start, other negatives)."""
    rng = np.random.default_rng(seed)
    W_in = (rng.random((V, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim)
    W_out = np.zeros((V, dim), dtype=np.float32)
    states = [int(x) ^ state_xor for x in rng.integers(1, 2**63, size=chunks, dtype=np.uint64)]
    counts = np.bincount(corpus, minlength=V)
    sampler = AliasSampler(counts)
    keep = keep_probabilities(counts, subsample)
    T = len(corpus)
    points = LOSS_POINTS_PER_EPOCH if chunks == 1 else THREADED_BLOCKS_PER_EPOCH
    block = max(1024, -(-T // points))
    total_loss, examples = 0.0, 0
    for epoch in range(epochs):
        pos = (np.flatnonzero(rng.random(T) < keep[corpus]) if subsample > 0
               else np.arange(T))
        stream = corpus[pos]
        order = []                                   # (centre, chunk) in the order they train
        for s in range(0, len(stream), block):
            bounds = np.linspace(s, min(s + block, len(stream)), chunks + 1).astype(int)
            order += [(i, k) for k in range(chunks) for i in range(bounds[k], bounds[k + 1])]
        assert [i for i, _ in order] == list(range(len(stream)))
        for i, k in order:
            state = states[k]
            if shrink_window:
                state, r = xorshift(state)
                b = 1 + (((r >> 32) * window) >> 32)
            else:
                b = window
            states[k] = state
            ctx = [stream[j] for j in range(max(i - b, 0), min(i + b + 1, len(stream))) if j != i]
            rate = lr * max(1.0 - (epoch * T + pos[i]) / (epochs * T), 1e-4)
            if model == "cbow":
                if not ctx:
                    continue
                h = W_in[ctx].mean(axis=0, dtype=np.float32)
                e, loss, state = output_side(W_out, h, stream[i], negative, sampler.prob,
                                             sampler.alias, rate, state)
                if cbow_update == "gradient":
                    e /= np.float32(len(ctx))
                for c in ctx:
                    W_in[c] += e
                if i % compiled.LOSS_EVERY == 0:        # the loss is measured on a sample
                    total_loss, examples = total_loss + loss, examples + 1
                states[k] = state
            else:
                for c in ctx:
                    e, loss, state = output_side(W_out, W_in[stream[i]], c, negative,
                                                 sampler.prob, sampler.alias, rate, state)
                    W_in[stream[i]] += e
                    if i % compiled.LOSS_EVERY == 0:
                        total_loss, examples = total_loss + loss, examples + 1
                states[k] = state
    return W_in, W_out, total_loss / max(examples, 1)


def small_corpus(seed, length=600, V=25):
    r = np.random.default_rng(seed)
    # a skewed vocabulary, so negatives repeat and sometimes hit the target
    return np.minimum(r.zipf(1.5, size=length) - 1, V - 1).astype(np.int64)


# ---------------------------------------------------------------- exactness

@pytest.mark.parametrize("model, kw", [
    ("cbow", {}),
    ("cbow", dict(length=2_500)),                      # three blocks of 1,024 centres
    ("cbow", dict(cbow_update="gradient")),
    ("cbow", dict(shrink_window=False, window=3)),
    ("cbow", dict(subsample=1e-2, epochs=2)),
    ("skipgram", {}),
    ("skipgram", dict(subsample=1e-2, epochs=2, negative=5)),
])
def test_one_serial_pass_equals_the_plain_python_loop(model, kw):
    corpus = small_corpus(1, length=kw.pop("length", 600))
    args = dict(model=model, dim=8, window=2, negative=3, epochs=1, lr=0.05, seed=11) | kw
    W_in, W_out, mean_loss = reference_train(corpus, 25, **args)
    res = train_word2vec(corpus, 25, backend="numba", progress=False, **args)
    assert np.abs(res.W_out).max() > 0.05                 # the pass really moved the weights
    np.testing.assert_allclose(res.W_in, W_in, rtol=2e-4, atol=2e-6)
    np.testing.assert_allclose(res.W_out, W_out, rtol=2e-4, atol=2e-6)
    got = np.average([loss for _, loss in res.loss_history],
                     weights=np.diff([0] + [w for w, _ in res.loss_history]))
    assert got == pytest.approx(mean_loss, rel=2e-3)


def _one_example(fn, W_out, h, target, sampler, negative, state):
    e = np.zeros_like(h)
    loop = compiled.loop_settings(sampler, window=2, negative=negative, lr0=0.5)
    words = np.empty(negative + 1, dtype=np.int64)
    steps = np.empty(negative + 1, dtype=np.float32)
    with np.errstate(over="ignore"):
        loss, state = fn(W_out, h, e, target, loop, 0.5, np.uint64(state), True, words, steps)
    return e, float(loss), int(state)


def test_two_passes_over_the_scores_keep_the_one_word_at_a_time_arithmetic():
    """negative_sampling scores every word first, then updates; on a vocabulary of 3, where
    five negatives nearly always repeat a word, it still equals word2vec's loop taken one
    word at a time (output_side), and cutting the words into runs is what makes it so: with
    the cut removed (every word in one run) the second score of a repeated word reads its
    row before the first update and the result leaves the tolerance."""
    rng = np.random.default_rng(3)
    sampler = AliasSampler(np.array([50, 30, 20]))
    naive = compiled.interpreted(compiled.negative_sampling)
    naive.__globals__["_repeats"] = lambda words, a, b: False     # one run: no cut
    worst_naive = 0.0
    for _ in range(40):
        W_out = rng.normal(scale=0.5, size=(3, 6)).astype(np.float32)
        h = rng.normal(scale=0.5, size=6).astype(np.float32)
        target, state = int(rng.integers(3)), int(rng.integers(1, 2**63))
        ref_W = W_out.copy()
        ref_e, ref_loss, ref_state = output_side(ref_W, h, target, 5, sampler.prob,
                                                 sampler.alias, 0.5, state)
        for fn in (compiled.negative_sampling, compiled.interpreted(compiled.negative_sampling)):
            W = W_out.copy()
            e, loss, st = _one_example(fn, W, h, target, sampler, 5, state)
            assert st == ref_state
            np.testing.assert_allclose(W, ref_W, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(e, ref_e, rtol=1e-5, atol=1e-6)
            assert loss == pytest.approx(ref_loss, rel=1e-5)
        W = W_out.copy()
        e, _, _ = _one_example(naive, W, h, target, sampler, 5, state)
        worst_naive = max(worst_naive, float(np.abs(W - ref_W).max()))
    assert worst_naive > 1e-3


def test_a_variant_with_runs_of_one_word_is_the_loop_bit_for_bit():
    """compiled.variant rebuilds the loop with one helper swapped: with every run one word
    long (word2vec.c's order: score, update, next word) the weights are bit-identical to
    the two-pass loop's, on a vocabulary where negatives often repeat."""
    import numba

    one_by_one = compiled.variant(compiled.run_chunks,
                                  _repeats=numba.njit(lambda words, a, b: True))
    corpus = small_corpus(4, length=1500)
    sampler = AliasSampler(np.bincount(corpus, minlength=25))
    loop = compiled.loop_settings(sampler, window=2, negative=5, lr0=0.05, total_words=1e4)
    start = np.random.default_rng(1).normal(scale=0.3, size=(25, 8)).astype(np.float32)
    for cbow in (True, False):
        outs = []
        for fn in (compiled.run_chunks, one_by_one):
            W_in, W_out = start.copy(), np.zeros_like(start)
            chunks = compiled.Chunks(np.array([0]), np.array([1500]),
                                     np.array([7], dtype=np.uint64), np.zeros(1),
                                     np.zeros(1, dtype=np.int64))
            fn(cbow, W_in, W_out, corpus, np.arange(1500), loop, chunks)
            outs.append((W_in, W_out, chunks.losses[0], chunks.states[0]))
        assert np.array_equal(outs[0][0], outs[1][0]) and np.array_equal(outs[0][1], outs[1][1])
        assert outs[0][2] == outs[1][2] and outs[0][3] == outs[1][3]
    with pytest.raises(ValueError, match="not compiled helpers"):
        compiled.variant(compiled.run_chunks, _sigmoidd=one_by_one)


def test_the_sigmoid_table_variant_matches_a_reference_of_the_same_arithmetic():
    """lab.loop_tuning's table version (word2vec.c's 1,000-entry sigmoid, 0/1 beyond +-6)
    against output_side with that same table: what the benchmark measures is that change."""
    from w2vlib.lab import loop_tuning

    fn = loop_tuning.build_variants()["two passes + table"]
    ns = fn.py_func.__globals__["negative_sampling"]        # the variant's own helper
    table = loop_tuning.table_values()
    rng = np.random.default_rng(5)
    sampler = AliasSampler(np.array([50, 30, 20, 10, 5]))
    for _ in range(30):
        W_out = rng.normal(scale=2.0, size=(5, 6)).astype(np.float32)   # scores beyond +-6 too
        h = rng.normal(scale=1.0, size=6).astype(np.float32)
        target, state = int(rng.integers(5)), int(rng.integers(1, 2**63))
        ref_W = W_out.copy()
        ref_e, _, ref_state = output_side(ref_W, h, target, 5, sampler.prob, sampler.alias, 0.5,
                                          state, sigmoid_of=lambda f: loop_tuning.table_sigmoid(
                                              f, table))
        W = W_out.copy()
        e, _, st = _one_example(ns, W, h, target, sampler, 5, state)
        assert st == ref_state
        np.testing.assert_allclose(W, ref_W, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(e, ref_e, rtol=1e-5, atol=1e-5)


def test_the_tolerance_detects_a_different_stream_of_negatives():
    """Same start, other radii and negatives: far outside the tolerance used above."""
    corpus = small_corpus(2)
    res = train_word2vec(corpus, 25, dim=8, window=2, negative=3, epochs=1, lr=0.05, seed=11,
                         backend="numba", progress=False)
    same, _, _ = reference_train(corpus, 25, seed=11)
    other, _, _ = reference_train(corpus, 25, seed=11, state_xor=1)
    np.testing.assert_allclose(res.W_in, same, rtol=2e-4, atol=2e-6)
    assert not np.allclose(res.W_in, other, rtol=2e-4, atol=2e-6)


def test_threads_split_each_block_into_chunks_that_cover_it_once(monkeypatch):
    """workers=2 with the thread pool replaced by one that runs each chunk at once, in
    order: every centre trains exactly once, with its chunk's random state."""
    from concurrent.futures import Future

    class InOrder:
        def __init__(self, workers):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, *args):
            f = Future()
            f.set_result(fn(*args))
            return f

    monkeypatch.setattr(threads, "ThreadPoolExecutor", InOrder)
    corpus = small_corpus(6, length=2_500)
    res = train_word2vec(corpus, 25, dim=8, window=2, negative=3, epochs=2, lr=0.05, seed=11,
                         subsample=1e-2, backend="numba", workers=2, progress=False)
    chunks = 2 * threads.CHUNKS_PER_WORKER
    W_in, W_out, _ = reference_train(corpus, 25, seed=11, epochs=2, subsample=1e-2,
                                     chunks=chunks)
    np.testing.assert_allclose(res.W_in, W_in, rtol=2e-4, atol=2e-6)
    np.testing.assert_allclose(res.W_out, W_out, rtol=2e-4, atol=2e-6)


@pytest.mark.skipif(compiled.max_workers() < 2, reason="needs 2 usable cores")
def test_several_threads_meet_at_fewer_block_ends():
    """With workers=2 an epoch is 1/10-epoch blocks (each ends where the threads wait), with
    one thread 1/50-epoch ones, at least 1,024 centres: one loss point per block."""
    corpus = small_corpus(7, length=20_000)
    kw = dict(dim=8, window=2, negative=3, epochs=1, seed=3, backend="numba", progress=False)
    one = train_word2vec(corpus, 25, workers=1, **kw)
    two = train_word2vec(corpus, 25, workers=2, **kw)
    assert len(one.loss_history) == -(-20_000 // 1024) == 20
    assert len(two.loss_history) == THREADED_BLOCKS_PER_EPOCH == 10
    assert two.loss_history[-1][0] == one.loss_history[-1][0] == 20_000


@pytest.mark.parametrize("name", ["cbow_chunk", "skipgram_chunk"])
def test_the_interpreted_loop_is_the_compiled_loop(name):
    """compiled.interpreted runs the very same source in the Python interpreter."""
    corpus = small_corpus(5, length=300)
    sampler = AliasSampler(np.bincount(corpus, minlength=25))
    start = np.random.default_rng(0).normal(scale=0.1, size=(25, 6)).astype(np.float32)
    outs = []
    for fn in (getattr(compiled, name), compiled.interpreted(getattr(compiled, name))):
        W_in, W_out = start.copy(), np.zeros_like(start)
        with np.errstate(over="ignore"):
            loop = compiled.loop_settings(sampler, window=2, negative=3, lr0=0.05,
                                          total_words=1e4)
            loss, n, state = fn(W_in, W_out, corpus, np.arange(300), 0, 300, loop, np.uint64(99))
        outs.append((W_in, W_out, float(loss), int(n), int(state)))
    (a_in, a_out, a_loss, a_n, a_state), (b_in, b_out, b_loss, b_n, b_state) = outs
    assert not hasattr(compiled.interpreted(compiled.cbow_chunk), "py_func")
    assert a_n == b_n > 0 and a_state == b_state            # the same random numbers, used alike
    np.testing.assert_allclose(a_in, b_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(a_out, b_out, rtol=1e-4, atol=1e-6)
    assert a_loss == pytest.approx(b_loss, rel=1e-4)


def test_one_learning_rate_schedule_serves_both_loops():
    """The compiled loop jits the schedule's own function: one source, the same numbers."""
    assert compiled.learning_rate.py_func is schedule.learning_rate
    assert compiled.interpreted(compiled.cbow_chunk).__globals__["learning_rate"] \
        is schedule.learning_rate
    for done in (0.0, 123.0, 999.0, 5000.0):
        assert compiled.learning_rate(0.05, done, 1000.0, schedule.MIN_LR_FACTOR) == \
            schedule.learning_rate(0.05, done, 1000.0, schedule.MIN_LR_FACTOR)


def test_loop_settings_have_one_type_whatever_the_caller_passes():
    """Ints, numpy ints and floats give the same LoopSettings types, so nothing recompiles."""
    sampler = AliasSampler(np.array([3, 1, 2]))
    a = compiled.loop_settings(sampler, window=np.int64(2), negative=3, lr0=1, total_words=10)
    b = compiled.loop_settings(sampler, window=2, negative=np.int32(3), lr0=0.5,
                               total_words=np.float32(7), mean_grad=np.True_)
    assert [type(x) for x in a] == [type(x) for x in b]
    assert a.prob.dtype == np.float64 and a.alias.dtype == np.int64 and a.alias.flags.c_contiguous
    assert compiled.loop_settings(sampler, window=1, negative=1, lr0=0.1).total_words == np.inf


def test_xorshift_matches_the_reference_and_draws_uniformly():
    x = np.uint64(88172645463325252)
    y = 88172645463325252
    for _ in range(5):
        x, rx = compiled.xorshift_next(np.uint64(x))     # uint64 in, as inside the loop
        y, ry = xorshift(y)
        assert int(x) == y and int(rx) == ry
    below = compiled._below
    draws = []
    for _ in range(20_000):
        x, r = compiled.xorshift_next(np.uint64(x))
        draws.append(int(below(np.uint64(r), 7)))
    counts = np.bincount(draws, minlength=7)
    expected = 20_000 / 7
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 22.5                                     # chi-square, 6 dof, p = 0.001


def test_negatives_follow_the_sampler_distribution():
    """Run the compiled output side with W_out = 0 and count which rows it touched."""
    counts = np.array([50, 20, 10, 5, 5, 1, 0, 9])
    sampler = AliasSampler(counts)
    V, dim, draws = len(counts), 1, 30_000
    hits = np.zeros(V)
    state = np.uint64(12345)
    stream = np.array([7, 7], dtype=np.int64)            # one centre (7), context 7
    for _ in range(draws // 50):
        # h = 1e-4 keeps every score ~0, so each draw of row w adds lr (0 - 1/2) h = -1e-4
        W_in = np.full((V, dim), 1e-4, dtype=np.float32)
        W_out = np.zeros((V, dim), dtype=np.float32)
        loop = compiled.loop_settings(sampler, window=1, shrink=False, negative=50, lr0=2.0)
        _, _, state = compiled.cbow_chunk(W_in, W_out, stream, np.arange(2), 0, 1, loop,
                                          np.uint64(state))
        hits += np.rint(-W_out[:, 0] / 1e-4)
    hits[7] = 0                                         # the target row got +1 (and is skipped)
    p = sampler.p.copy()
    p[7] = 0
    p /= p.sum()
    n = hits.sum()
    ok = p > 0
    chi2 = ((hits[ok] - n * p[ok]) ** 2 / (n * p[ok])).sum()
    assert hits[6] == 0                                  # a word that never occurs is never drawn
    assert chi2 < 22.5                                   # 6 dof, p = 0.001


# ---------------------------------------------------------------- semantics of the run

def test_the_same_start_as_numpy():
    """(Same seed, same bits, with one worker: test_fast runs that test on every backend.)"""
    corpus = small_corpus(3, length=3_000, V=40)
    # the initial W_in is the NumPy backend's: with a negligible learning rate both stay there
    tiny = dict(dim=8, epochs=1, lr=1e-12, seed=5, progress=False)
    np.testing.assert_allclose(train_word2vec(corpus, backend="numba", **tiny).W_in,
                               train_word2vec(corpus, **tiny).W_in, atol=1e-9)


def test_a_read_only_corpus_is_not_compiled_again_on_the_clock():
    corpus = small_corpus(7, length=3_000)
    corpus.flags.writeable = False                     # e.g. a memory-mapped corpus
    train_word2vec(np.arange(20) % 5, dim=4, epochs=1, backend="numba", progress=False)
    before = len(compiled.run_chunks.signatures)
    res = train_word2vec(corpus, 25, dim=8, epochs=1, backend="numba", progress=False)
    assert len(compiled.run_chunks.signatures) == before and res.seconds < 1.0


def test_a_python_int_state_is_read_as_uint64():
    corpus = small_corpus(8, length=300)
    sampler = AliasSampler(np.bincount(corpus, minlength=25))
    outs = []
    for state in (12345, np.uint64(12345)):
        W_in = np.full((25, 4), 0.1, dtype=np.float32)
        W_out = np.zeros_like(W_in)
        loop = compiled.loop_settings(sampler, window=2, negative=3, lr0=0.05, total_words=1e4)
        loss, n, new = compiled.cbow_chunk(W_in, W_out, corpus, np.arange(300), 0, 300, loop,
                                           state)
        outs.append((W_out.copy(), new))
    assert isinstance(outs[0][1], int) and outs[0][1] == outs[1][1]
    np.testing.assert_array_equal(outs[0][0], outs[1][0])


def test_words_kept_and_counted_like_the_numpy_backend():
    corpus = small_corpus(4, length=5_000, V=40)
    kw = dict(dim=8, epochs=3, subsample=1e-2, seed=9, progress=False)
    a = train_word2vec(corpus, backend="numba", **kw)
    b = train_word2vec(corpus, **kw)
    assert a.words_trained == b.words_trained == 3 * len(corpus)
    expected = 3 * keep_probabilities(np.bincount(corpus), 1e-2)[corpus].sum()
    assert a.words_kept == pytest.approx(expected, rel=0.05)       # the same subsampling rule
    assert b.words_kept == pytest.approx(expected, rel=0.05)
    assert a.epochs_done == 3 and a.settings["backend"] == "numba"
    assert a.settings["batch_size"] is None and a.settings["workers"] == 1
    assert a.settings["compile_seconds"] >= 0
    json.dumps(a.settings)


def test_time_limit_and_callback_work_as_with_numpy():
    corpus = np.random.default_rng(19).integers(0, 100, size=50_000)
    res = train_word2vec(corpus, dim=8, epochs=10_000, time_limit=0.2, seed=0, progress=False,
                         backend="numba")
    assert res.stopped_early and 0.2 < res.seconds < 5
    assert 0 < res.words_trained < 10_000 * len(corpus)
    seen = []
    res = train_word2vec(corpus, dim=4, epochs=5, seed=0, progress=False, backend="numba",
                         callback=lambda r: seen.append(r.epochs_done) or r.epochs_done == 2)
    assert seen == [1, 2] and res.epochs_done == 2 and res.stopped_early


def test_divergence_is_reported():
    corpus = small_corpus(21, length=3_000)
    with pytest.raises(FloatingPointError, match="diverged.*lower lr"):
        train_word2vec(corpus, dim=8, epochs=3, lr=1e12, seed=0, progress=False,
                       backend="numba")


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(backend="numbaa"), ValueError, "unknown backend 'numbaa'.*did you mean 'numba'"),
    (dict(backend="numba", batch_size=100), ValueError, "batch_size applies to backend='numpy'"),
    (dict(workers=2), ValueError, "workers=2 needs backend='numba'"),
    (dict(backend="numba", workers=0), ValueError, "workers must be an int >= 1"),
    (dict(backend="numba", workers=10_000), ValueError, "at most .* threads"),
    (dict(backend="numba", profiler=types.SimpleNamespace(part=lambda label: None)), ValueError,
     "profiler applies to backend='numpy' only"),
])
def test_bad_backend_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        train_word2vec(np.array([0, 1, 2, 3, 1, 2]), progress=False, **kwargs)


# ---------------------------------------------------------------- compile cache, no numba

def run_python(code, **env):
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, **env), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_compiled_loop_is_cached_on_disk():
    code = ("import json, numpy as np\n"
            "from w2vlib.speed import compiled\n"
            "from w2vlib.speed import train_word2vec\n"
            "r = train_word2vec(np.arange(50) % 7, dim=4, epochs=1, backend='numba', "
            "progress=False)\n"
            "s = compiled.run_chunks.stats\n"
            "print(json.dumps([sum(s.cache_hits.values()), sum(s.cache_misses.values()), "
            "r.settings['compile_seconds']]))\n")
    run_python(code)                                       # compiles, if nothing is cached yet
    hits, misses, seconds = json.loads(run_python(code).strip().splitlines()[-1])
    assert hits >= 1 and misses == 0                       # a new process loads, never recompiles
    assert seconds < 10


def test_without_numba_the_backend_says_how_to_get_it_and_numpy_still_works():
    code = ("import sys; sys.modules['numba'] = None\n"   # import numba -> ImportError
            "import numpy as np\n"
            "from w2vlib.speed import train_word2vec\n"
            "r = train_word2vec(np.arange(50) % 7, dim=4, epochs=1, progress=False)\n"
            "print('numpy ok', r.epochs_done)\n"
            "try:\n"
            "    train_word2vec(np.arange(50) % 7, dim=4, epochs=1, backend='numba')\n"
            "except ImportError as e:\n"
            "    print(type(e).__name__, e)\n")
    out = run_python(code)
    assert "numpy ok 1" in out
    assert "NumbaMissingError" in out and "pip install -e '.[fast]'" in out
    assert "backend='numpy'" in out


# ---------------------------------------------------------------- on the Penn Treebank

@pytest.mark.needs_ptb
@pytest.mark.parametrize("model, workers, floor", [("cbow", 1, 0.045), ("cbow", 2, 0.04)])
def test_ptb_vectors_pass_the_quality_bar(model, workers, floor):
    from w2vlib.datasets import load_ptb

    if workers > compiled.max_workers():
        pytest.skip("one-core machine")
    corpus, word_to_id, id_to_word = load_ptb("train")
    res = train_word2vec(corpus, len(word_to_id), model=model, epochs=10, subsample=1e-3,
                         seed=0, progress=False, backend="numba", workers=workers)
    vecs = res.word_vecs

    def near(q):
        return [w for w, _ in most_similar(q, word_to_id, id_to_word, vecs, top=5)]

    assert "we" in near("you")
    assert "month" in near("year")
    total = evaluate_analogies(vecs, word_to_id).summary()["total"]
    # gensim workers=1 on the same data: 4.5 % +- 0.4 (docs/ANCHORS.md)
    assert total["top1"] >= floor, total
