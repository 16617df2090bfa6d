"""The checks of notebooks 01, 02 and 08: pass the references, fail each classic mistake with the
right hint, and report a learner's exception instead of raising it."""

import numpy as np
import pytest

from w2vlib import check, corpus, layers
from w2vlib.lab import book_style
from w2vlib.speed import scatter
from w2vlib.speed import word2vec as fast

# ---------------------------------------------------------------------------
# contexts_target
# ---------------------------------------------------------------------------


def loop_contexts_target(corpus_, window_size=1):
    """The book's loop, written out: positions window_size .. T - window_size - 1."""
    contexts, target = [], []
    for i in range(window_size, len(corpus_) - window_size):
        target.append(corpus_[i])
        contexts.append([corpus_[i + o] for o in range(-window_size, window_size + 1) if o != 0])
    return np.array(contexts), np.array(target)


def wrapping(corpus_, window_size=1):
    """Starts at position 0: corpus[-1] silently wraps around to the last word."""
    contexts, target = [], []
    for i in range(len(corpus_) - window_size):
        target.append(corpus_[i])
        contexts.append([corpus_[i + o] for o in range(-window_size, window_size + 1) if o != 0])
    return np.array(contexts), np.array(target)


def short_by_one(corpus_, window_size=1):
    c, t = loop_contexts_target(corpus_, window_size)
    return c[:-1], t[:-1]


def with_target(corpus_, window_size=1):
    w = window_size
    pos = np.arange(w, len(corpus_) - w)
    return corpus_[pos[:, None] + np.arange(-w, w + 1)], corpus_[w:len(corpus_) - w]


def right_then_left(corpus_, window_size=1):
    c, t = loop_contexts_target(corpus_, window_size)
    return c[:, ::-1], t


def window_ignored(corpus_, window_size=1):
    return loop_contexts_target(corpus_, 1)


def as_lists(corpus_, window_size=1):
    c, t = loop_contexts_target(corpus_, window_size)
    return c.tolist(), t.tolist()


@pytest.mark.parametrize("fn", [corpus.create_contexts_target, loop_contexts_target])
def test_contexts_target_passes_references(fn, capsys):
    assert check.contexts_target(fn).passed
    assert "5/5 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn, name, words", [
    (wrapping, "window 1: targets are corpus[1:-1]", "wraps around"),
    (short_by_one, "window 1: targets are corpus[1:-1]", "is missing"),
    (with_target, "window 1: shapes (T - 2, 2) and (T - 2,)", "offset 0"),
    (right_then_left, "window 1: contexts are (left, right) neighbours", "swapped"),
    (window_ignored, "window 2: 4 context words, left to right", "window_size in both"),
    (as_lists, "returns integer NumPy arrays", "np.array(contexts)"),
])
def test_contexts_target_mistakes(fn, name, words):
    r = check.contexts_target(fn, verbose=False)
    assert name in r.failed
    assert words in r.hint(name)


def test_contexts_target_one_mistake_one_failure():
    assert check.contexts_target(right_then_left, verbose=False).failed == [
        "window 1: contexts are (left, right) neighbours", "window 2: 4 context words, left to right"]
    assert check.contexts_target(as_lists, verbose=False).failed == ["returns integer NumPy arrays"]
    r = check.contexts_target(lambda c, w: (lambda x: (x[1], x[0]))(loop_contexts_target(c, w)),
                              verbose=False)
    assert "swapped" in r.hint("window 1: shapes (T - 2, 2) and (T - 2,)")


def test_contexts_target_order_within_window_2():
    def nearest_first(corpus_, window_size=1):
        c, t = loop_contexts_target(corpus_, window_size)
        w = window_size
        return np.concatenate([c[:, :w][:, ::-1], c[:, w:]], axis=1), t

    r = check.contexts_target(nearest_first, verbose=False)
    assert r.failed == ["window 2: 4 context words, left to right"]
    assert "another order" in r.hint(r.failed[0])


def test_contexts_target_exception_reported(capsys):
    def broken(corpus_, window_size):
        raise IndexError("index 12 is out of bounds")

    r = check.contexts_target(broken)
    assert len(r.failed) == 5
    assert "IndexError: index 12 is out of bounds" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out
    assert "two arrays" in check.contexts_target(lambda c, w: None, verbose=False).hint(
        "window 1: targets are corpus[1:-1]")


# ---------------------------------------------------------------------------
# matmul_layer
# ---------------------------------------------------------------------------


class BookMatMul:
    """The book's MatMul, written plainly."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        (W,) = self.params
        self.grads[0][...] = self.x.T @ dout
        return dout @ W.T


class RebindMatMul(BookMatMul):
    def backward(self, dout):
        self.grads[0] = self.x.T @ dout          # a new array: whoever kept the old one sees zeros
        return dout @ self.params[0].T


class AccumulateMatMul(BookMatMul):
    def backward(self, dout):
        self.grads[0] += self.x.T @ dout
        return dout @ self.params[0].T


class TransposedDW(BookMatMul):
    def backward(self, dout):
        self.grads = [dout.T @ self.x]
        return dout @ self.params[0].T


class NoTransposeDx(BookMatMul):
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.params[0]            # (N, H) @ (D, H): shapes do not fit


class MeanDW(BookMatMul):
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout / len(dout)
        return dout @ self.params[0].T


class NoDxMatMul(BookMatMul):
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout


@pytest.mark.parametrize("cls", [layers.MatMul, BookMatMul])
def test_matmul_passes_references(cls, capsys):
    assert check.matmul_layer(cls).passed
    assert "5/5 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("cls, failed, words", [
    (RebindMatMul, ["grads[0] written in place"], "grads[0][...] = dW"),
    (AccumulateMatMul, ["dW replaced, not accumulated"], "accumulates"),
    (MeanDW, ["dW matches the numerical gradient"], "divided by the batch size"),
    (NoDxMatMul, ["dx matches the numerical gradient"], "returned None"),
])
def test_matmul_mistakes(cls, failed, words):
    r = check.matmul_layer(cls, verbose=False)
    assert r.failed == failed
    assert words in r.hint(failed[0])


def test_matmul_dx_without_transpose_raises_in_backward():
    r = check.matmul_layer(NoTransposeDx, verbose=False)
    assert r.failed[0] == "dx matches the numerical gradient"
    hint = r.hint(r.failed[0])
    assert "your code raised ValueError" in hint and "dx = dout @ W.T" in hint


def test_matmul_transposed_dW():
    r = check.matmul_layer(TransposedDW, verbose=False)
    assert "dW matches the numerical gradient" in r.failed
    assert "transposed" in r.hint("dW matches the numerical gradient")


def test_matmul_exception_reported(capsys):
    class Broken(BookMatMul):
        def forward(self, x):
            raise NotImplementedError("todo")

    r = check.matmul_layer(Broken)
    assert len(r.failed) == 5 and "NotImplementedError: todo" in r.hint("forward is x @ W")
    assert "Traceback" not in capsys.readouterr().out
    r = check.matmul_layer(lambda W: 1 / 0, verbose=False)
    assert "ZeroDivisionError" in r.hint("forward is x @ W")


# ---------------------------------------------------------------------------
# embedding_forward
# ---------------------------------------------------------------------------


class TinyEmbedding:
    """Notebook 02's three lines: right rows, but -1 wraps around to the last word."""

    def __init__(self, W):
        self.params = [W]
        self.idx = None

    def forward(self, idx):
        self.idx = idx
        return self.params[0][idx]


class CheckedEmbedding(TinyEmbedding):
    def forward(self, idx):
        idx = np.asarray(idx)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.params[0])):
            raise IndexError("word ids must lie in [0, V)")
        self.idx = idx
        return self.params[0][idx]


class OneHotEmbedding(TinyEmbedding):
    """Chapter 3's way: one-hot rows times W."""

    def forward(self, idx):
        self.idx = np.asarray(idx)
        return corpus.convert_one_hot(self.idx, len(self.params[0])) @ self.params[0]


class CopyEmbedding(CheckedEmbedding):
    def __init__(self, W):
        super().__init__(W)
        self.table = W.copy()                    # a private copy: an optimizer never updates it

    def forward(self, idx):
        super().forward(idx)
        return self.table[self.idx]


class ForgetfulEmbedding(CheckedEmbedding):
    def forward(self, idx):
        out = super().forward(idx)
        self.idx = None
        return out


class MeanEmbedding(CheckedEmbedding):
    def forward(self, idx):
        out = super().forward(idx)
        return out.mean(axis=1) if out.ndim == 3 else out


@pytest.mark.parametrize("cls", [layers.Embedding, CheckedEmbedding])
def test_embedding_forward_passes_references(cls, capsys):
    assert check.embedding_forward(cls).passed
    assert "8/8 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("cls", [TinyEmbedding, book_style.Embedding])
def test_embedding_forward_negative_ids(cls):
    r = check.embedding_forward(cls, verbose=False)
    assert r.failed == ["ids outside [0, V) rejected"]
    assert "wraps negative indices" in r.hint(r.failed[0])


@pytest.mark.parametrize("cls, failed, words", [
    (OneHotEmbedding, ["float32 W gives float32 rows", "no one-hot array (memory independent of V)"],
     "one-hot"),
    (CopyEmbedding, ["rows read from the current params[0]"], "no copy of W"),
    (ForgetfulEmbedding, ["ids kept for backward"], "self.idx = idx"),
    (MeanEmbedding, ["(N, C) ids give (N, C, H)"], "CBOW's mean"),
])
def test_embedding_forward_mistakes(cls, failed, words):
    r = check.embedding_forward(cls, verbose=False)
    assert r.failed == failed
    assert all(words in r.hint(name) for name in failed)


def test_embedding_forward_one_hot_in_the_right_dtype_is_caught_by_memory():
    class OneHot32(TinyEmbedding):
        def forward(self, idx):
            self.idx = np.asarray(idx)
            W = self.params[0]
            if self.idx.size and self.idx.min() < 0:
                raise IndexError("negative id")
            return corpus.convert_one_hot(self.idx, len(W)).astype(W.dtype) @ W

    r = check.embedding_forward(OneHot32, verbose=False)
    assert r.failed == ["no one-hot array (memory independent of V)"]
    assert "one-hot batch" in r.hint(r.failed[0]) and "W[idx]" in r.hint(r.failed[0])


def test_embedding_forward_exception_reported(capsys):
    class Broken(TinyEmbedding):
        def forward(self, idx):
            raise NotImplementedError("todo")

    r = check.embedding_forward(Broken)
    assert "NotImplementedError: todo" in r.hint("ids with repeats give W[idx]")
    assert r.failed and "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# onehot_cost
# ---------------------------------------------------------------------------


def cost(vocab_size, batch_size, context_size, hidden_size):
    n = batch_size * context_size
    return {"one_hot_bytes": n * vocab_size * 4, "id_bytes": n * 8,
            "matmul_madds": n * vocab_size * hidden_size, "lookup_copies": n * hidden_size}


def cost_with(**changes):
    def fn(V, N, C, H):
        out = cost(V, N, C, H)
        out.update({k: f(V, N, C, H) for k, f in changes.items()})
        return out
    return fn


def test_onehot_cost_passes_reference(capsys):
    assert check.onehot_cost(cost).passed
    assert "4/4 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn, failed, words", [
    (cost_with(one_hot_bytes=lambda V, N, C, H: N * V * 4), "one-hot", "context size C is missing"),
    (cost_with(one_hot_bytes=lambda V, N, C, H: N * C * V * 8), "one-hot", "4 bytes per number, not 8"),
    (cost_with(one_hot_bytes=lambda V, N, C, H: N * C * V * 32), "one-hot", "bits"),
    (cost_with(one_hot_bytes=lambda V, N, C, H: N * C * V), "one-hot", "counts numbers, not bytes"),
    (cost_with(id_bytes=lambda V, N, C, H: N * C * 4), "ids", "8 bytes per id"),
    (cost_with(id_bytes=lambda V, N, C, H: C * 8), "ids", "batch size N is missing"),
    (cost_with(matmul_madds=lambda V, N, C, H: N * C * V), "MatMul", "V * H multiply-adds"),
    (cost_with(lookup_copies=lambda V, N, C, H: N * C * H * V), "lookup", "whatever V is"),
])
def test_onehot_cost_mistakes(fn, failed, words):
    r = check.onehot_cost(fn, verbose=False)
    assert len(r.failed) == 1 and r.failed[0].startswith(failed)
    assert words in r.hint(r.failed[0])


def test_onehot_cost_overflow_and_bad_returns():
    def int32(V, N, C, H):
        return {k: np.int32(v) for k, v in cost(*(np.int32(a) for a in (V, N, C, H))).items()}

    with np.errstate(over="ignore"):
        r = check.onehot_cost(int32, verbose=False)
    assert "MatMul: N * C * V * H multiply-adds" in r.failed
    assert "overflow" in r.hint("MatMul: N * C * V * H multiply-adds")
    r = check.onehot_cost(lambda *a: [1, 2, 3, 4], verbose=False)
    assert len(r.failed) == 4 and "return a dict" in r.hint(r.failed[0])
    r = check.onehot_cost(lambda *a: {"one_hot_bytes": 1}, verbose=False)
    assert "lacks" in r.hint(r.failed[0])


def test_onehot_cost_exception_reported(capsys):
    r = check.onehot_cost(lambda V, N, C, H: 1 / 0)
    assert len(r.failed) == 4 and "ZeroDivisionError" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# scatter_add_rows
# ---------------------------------------------------------------------------


def add_at(W, idx, rows):
    np.add.at(W, idx, rows)


def loop_add(W, idx, rows):
    rows = np.asarray(rows).reshape(-1, W.shape[1])
    for i, w in enumerate(np.ravel(idx)):
        W[w] += rows[i]


def buffered(W, idx, rows):
    W[idx] += rows                               # the classic: repeats keep one update


def assigned(W, idx, rows):
    W[idx] = rows


def new_array(W, idx, rows):
    out = W.copy()
    np.add.at(out, idx, rows)
    return out


def averaged(W, idx, rows):
    ids, inv, counts = np.unique(np.ravel(idx), return_inverse=True, return_counts=True)
    sums = np.zeros((len(ids), W.shape[1]))
    np.add.at(sums, inv, np.reshape(rows, (-1, W.shape[1])))
    W[ids] += sums / counts[:, None]


def first_axis_loop(W, idx, rows):
    for i, w in enumerate(idx):                  # a 2-D idx gives a row of ids: buffered again
        W[w] += rows[i]


@pytest.mark.parametrize("fn", [add_at, loop_add, scatter.scatter_add])
def test_scatter_add_passes_references(fn, capsys):
    assert check.scatter_add_rows(fn).passed
    assert "4/4 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn, failed, words", [
    (buffered, ["repeated ids: every row added", "2-D ids with repeats (target + negatives)"],
     "np.add.at"),
    (assigned, ["distinct ids: rows added to W in place", "repeated ids: every row added",
                "2-D ids with repeats (target + negatives)", "float32 W stays float32"], ""),
    (new_array, ["distinct ids: rows added to W in place", "repeated ids: every row added",
                 "2-D ids with repeats (target + negatives)", "float32 W stays float32"],
     "new array was returned"),
    (averaged, ["repeated ids: every row added", "2-D ids with repeats (target + negatives)"],
     "averaged"),
    (first_axis_loop, ["2-D ids with repeats (target + negatives)"], "loop over the first axis"),
])
def test_scatter_add_mistakes(fn, failed, words):
    r = check.scatter_add_rows(fn, verbose=False)
    assert r.failed == failed
    assert words in r.hint(failed[0])


def test_scatter_add_assignment_hint():
    r = check.scatter_add_rows(assigned, verbose=False)
    assert "REPLACED" in r.hint("distinct ids: rows added to W in place")


def test_scatter_add_exception_reported(capsys):
    def broken(W, idx, rows):
        raise ValueError("shapes")

    r = check.scatter_add_rows(broken)
    assert len(r.failed) == 4 and "ValueError: shapes" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# keep_probability
# ---------------------------------------------------------------------------


def word2vec_keep(counts, subsample):
    counts = np.asarray(counts, dtype=np.float64)
    if subsample == 0:
        return np.ones_like(counts)
    r = subsample / (counts / counts.sum())
    return np.minimum(1.0, np.sqrt(r) + r)


def paper_keep(counts, subsample):
    return np.minimum(1.0, np.sqrt(subsample / (counts / counts.sum())))


def discard(counts, subsample):
    return 1 - word2vec_keep(counts, subsample)


def unclipped(counts, subsample):
    r = subsample / (counts / counts.sum())
    return np.sqrt(r) + r if subsample else np.ones(len(counts))


def by_count(counts, subsample):
    r = subsample / np.asarray(counts, dtype=np.float64)
    return np.minimum(1.0, np.sqrt(r) + r) if subsample else np.ones(len(counts))


def no_zero_case(counts, subsample):
    r = subsample / (counts / counts.sum())
    return np.minimum(1.0, np.sqrt(r) + r)


@pytest.mark.parametrize("fn", [fast.keep_probabilities, word2vec_keep])
def test_keep_probability_passes_references(fn, capsys):
    assert check.keep_probability(fn).passed
    assert "4/4 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("fn, failed, words", [
    (paper_keep, "frequent words: min(1, sqrt(t/f) + t/f)", "PAPER"),
    (discard, "frequent words: min(1, sqrt(t/f) + t/f)", "DISCARDING"),
    (by_count, "frequent words: min(1, sqrt(t/f) + t/f)", "SHARE"),
    (unclipped, "rare words always kept (clipped at 1)", "min(1"),
    (no_zero_case, "subsample=0 keeps every word", "no subsampling"),
])
def test_keep_probability_mistakes(fn, failed, words):
    r = check.keep_probability(fn, verbose=False)
    assert failed in r.failed
    assert words in r.hint(failed)


def test_keep_probability_one_mistake_one_failure():
    assert check.keep_probability(unclipped, verbose=False).failed == [
        "rare words always kept (clipped at 1)"]
    assert check.keep_probability(no_zero_case, verbose=False).failed == ["subsample=0 keeps every word"]


def test_keep_probability_exception_reported(capsys):
    r = check.keep_probability(lambda counts, s: counts.nope)
    assert len(r.failed) == 4 and "AttributeError" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out
