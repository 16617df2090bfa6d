"""The checks' gaps of issue 14 item 9, closed: each classic slip that used to pass now fails
with its hint; an untouched stub says "not written yet"; a passed check names the next step."""

import numpy as np
import pytest

from w2vlib import check, layers, negative_sampling
from w2vlib.study.check.next_steps import NEXT_STEPS
from w2vlib.study.check.report import NOT_WRITTEN

# ---------------------------------------------------------------------------
# (a) a sampler that zeroes p for the whole batch's targets at once
# ---------------------------------------------------------------------------


class BatchZeroingSampler:
    """Vectorised: `p[target] = 0` for every target of the batch, then one draw for all rows."""

    def __init__(self, corpus, power, sample_size, seed=None):
        counts = np.bincount(corpus)
        self.word_p = counts ** power / np.sum(counts ** power)
        self.k, self.rng = sample_size, np.random.default_rng(seed)

    def get_negative_sample(self, target):
        p = self.word_p.copy()
        p[target] = 0                               # every row's target, for every row
        p /= p.sum()
        return self.rng.choice(len(p), size=(len(target), self.k), p=p)


def test_sampler_zeroing_all_targets_fails():
    r = check.unigram_sampler(BatchZeroingSampler, verbose=False)
    assert r.failed == ["another row's target can be a negative"]
    hint = r.hint(r.failed[0])
    assert "drew it 0 times" in hint and "p[target] = 0" in hint and "OWN row" in hint


@pytest.mark.parametrize("seed", range(5))
def test_sampler_correct_passes_the_new_case_whatever_its_seed(seed):
    class Seeded(negative_sampling.UnigramSampler):
        def __init__(self, corpus, power, sample_size, seed=None):
            super().__init__(corpus, power, sample_size, seed=1000 + seed_)

    seed_ = seed
    assert check.unigram_sampler(Seeded, verbose=False).passed


# ---------------------------------------------------------------------------
# (c) the repeated-ids hint names both = and +=
# ---------------------------------------------------------------------------


class PlusEqualsEmbedding(layers.Embedding):
    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] += dout                     # buffered: a repeated id is written once


def test_embedding_plus_equals_hint_names_both_and_the_fix():
    r = check.embedding_backward(PlusEqualsEmbedding, verbose=False)
    assert r.failed == ["backward, repeated ids add up"]
    hint = r.hint(r.failed[0])
    for words in ("`dW[idx] = dout`", "`dW[idx] += dout`", "once", "np.add.at", "loop",
                  "notebook 03, section 6"):
        assert words in hint, words


# ---------------------------------------------------------------------------
# (d) an untouched stub: "not written yet", one line
# ---------------------------------------------------------------------------


class StubEmbedding:
    def __init__(self, W):
        raise NotImplementedError

    def forward(self, idx):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError


class HalfStubEmbedding(layers.Embedding):
    def backward(self, dout):
        raise NotImplementedError


class StubSampler:
    def __init__(self, corpus, power, sample_size):
        raise NotImplementedError


class StubLoss:
    def __init__(self, W, corpus, power=0.75, sample_size=5):
        raise NotImplementedError


class StubSigmoid:
    def __init__(self):
        raise NotImplementedError


def stub_fn(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("run", [
    lambda: check.embedding_backward(StubEmbedding),
    lambda: check.embedding_forward(StubEmbedding),
    lambda: check.matmul_layer(StubEmbedding),
    lambda: check.unigram_sampler(StubSampler),
    lambda: check.negative_sampling_loss(StubLoss),
    lambda: check.sigmoid_with_loss(StubSigmoid),
    lambda: check.most_similar(stub_fn),
    lambda: check.analogy(stub_fn),
    lambda: check.analogy_accuracy(stub_fn),
    lambda: check.contexts_target(stub_fn),
    lambda: check.scatter_add_rows(stub_fn),
    lambda: check.keep_probability(stub_fn),
    lambda: check.onehot_cost(stub_fn),
])
def test_untouched_stub_is_not_written_yet(run, capsys):
    r = run()
    out = capsys.readouterr().out
    assert not r.passed and r.not_written == r.failed
    assert "not written yet" in out and "NotImplementedError" in out
    assert "FAIL" not in out and "raised NotImplementedError:" not in out
    assert out.strip().startswith(f"check.{r.name}: not written yet")
    assert len(out.strip().splitlines()) <= 2                     # one sentence, wrapped at most once


def test_partly_written_stub_lists_what_is_left(capsys):
    r = check.embedding_backward(HalfStubEmbedding)
    out = capsys.readouterr().out
    assert r.failed == r.not_written == ["backward, distinct ids", "backward, repeated ids add up",
                                         "grads[0] written in place", "dW zeroed between calls"]
    assert "1/5 checks passed (4 not written yet)" in out
    assert "PASS  forward returns W[idx]" in out and "TODO  backward, distinct ids" in out
    assert "FAIL" not in out and "hint:" not in out


def test_a_stub_with_a_message_is_reported_as_an_error():
    class Todo(layers.Embedding):
        def backward(self, dout):
            raise NotImplementedError("todo")

    r = check.embedding_backward(Todo, verbose=False)
    assert r.not_written == [] and "NotImplementedError: todo" in r.hint(r.failed[0])
    assert r.hint(r.failed[0]) != NOT_WRITTEN


# ---------------------------------------------------------------------------
# (e) after "all passed", the next step
# ---------------------------------------------------------------------------


def test_all_passed_prints_the_next_step(capsys):
    r = check.embedding_backward(layers.Embedding)
    out = capsys.readouterr().out
    assert r.next_step == NEXT_STEPS["embedding_backward"]
    assert "  next: notebook 03 is done: notebook 04" in out
    assert out.rstrip().endswith("(SigmoidWithLoss).")


def test_no_next_step_while_something_fails(capsys):
    r = check.embedding_backward(PlusEqualsEmbedding)
    assert "next:" not in capsys.readouterr().out and r.next_step   # known, not printed


def test_every_check_knows_its_next_step():
    public = [n for n in check.__all__ if n != "CheckResult"]
    assert sorted(public) == sorted(NEXT_STEPS), "every check and only checks have a next step"
    assert all(s.endswith(".") and len(s) < 200 for s in NEXT_STEPS.values())
