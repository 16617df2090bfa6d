"""Checks for *your* implementation: run them on the class or function you wrote.

Each check runs what you wrote on small cases chosen to catch the classic
mistakes of chapter 4, compares it with numerical gradients and with this
library's reference, and **prints** a short report -- what passed, what
failed, and a hint. It never stops with a traceback: an exception raised by
your code becomes a failed check that names the exception and its message.
Each returns a :class:`CheckResult` (``.passed``, ``.checks``) to assert on::

    from w2vlib import check
    result = check.embedding_backward(MyEmbedding)   # prints the report
    assert result.passed

=================================  ===========================================
check                              what it runs
=================================  ===========================================
:func:`embedding_backward`         ``MyEmbedding(W)``: forward, backward, grads
:func:`sigmoid_with_loss`          ``MySigmoidWithLoss()``: forward(x, t), backward()
:func:`unigram_sampler`            ``MySampler(corpus, power, sample_size)``
:func:`negative_sampling_loss`     ``MyLoss(W, corpus, power=0.75, sample_size=5)``
:func:`embedding_dot`              ``MyEmbeddingDot(W)``: forward(h, idx), backward(dout) (05)
:func:`ns_gradients`               ``my_fn(h, W_out, target, negatives)`` -> (dh, dW_out)  (05)
:func:`cbow`                       ``MyCBOW(vocab_size, hidden_size, window_size, corpus)`` (06)
:func:`skipgram`                   ``MySkipGram(vocab_size, hidden_size, window_size, corpus)``
:func:`most_similar`               ``my_fn(query, word_to_id, id_to_word, word_matrix, top=5)``
:func:`contexts_target`            ``my_fn(corpus, window_size)`` -> (contexts, target)   (notebook 01)
:func:`matmul_layer`               ``MyMatMul(W)``: forward(x), backward(dout), grads  (notebook 01)
:func:`embedding_forward`          ``MyEmbedding(W)``: forward(idx) -> W[idx]          (notebook 02)
:func:`onehot_cost`                ``my_fn(vocab_size, batch_size, context_size, hidden_size)`` (02)
:func:`scatter_add_rows`           ``my_fn(W, idx, rows)``: W[idx] += rows, repeats summed (08)
:func:`keep_probability`           ``my_fn(counts, subsample)``: word2vec's subsampling (08)
:func:`analogy`                    ``my_fn(a, b, c, word_to_id, id_to_word, word_matrix, top=5)`` (07)
:func:`analogy_accuracy`           ``my_fn(questions, word_to_id, id_to_word, word_matrix)`` (07, 09)
=================================  ===========================================

The checks live by topic: :mod:`.report` (the result and the runner), :mod:`.corpus`,
:mod:`.layers` (MatMul, Embedding forward and backward), :mod:`.onehot`, :mod:`.losses`,
:mod:`.sampling`, :mod:`.dot` (EmbeddingDot), :mod:`.gradients` (the derivation of
notebook 05), :mod:`.models` (CBOW and skip-gram, on :mod:`.model_toy` and
:mod:`.negatives`), :mod:`.vectors` (neighbours, analogies), :mod:`.accuracy` and
:mod:`.speed` (notebook 08). What to do after a check has passed: :mod:`.next_steps`.
"""

from .accuracy import analogy_accuracy
from .corpus import contexts_target
from .dot import embedding_dot
from .gradients import ns_gradients
from .layers import embedding_backward, embedding_forward, matmul_layer
from .losses import negative_sampling_loss, sigmoid_with_loss
from .models import cbow, skipgram
from .onehot import onehot_cost
from .report import CheckResult
from .sampling import unigram_sampler
from .speed import keep_probability, scatter_add_rows
from .vectors import analogy, most_similar

__all__ = [
    "CheckResult",
    "embedding_backward",
    "sigmoid_with_loss",
    "unigram_sampler",
    "negative_sampling_loss",
    "most_similar",
    "contexts_target",
    "matmul_layer",
    "embedding_forward",
    "onehot_cost",
    "scatter_add_rows",
    "keep_probability",
    "analogy",
    "analogy_accuracy",
    "embedding_dot",
    "ns_gradients",
    "cbow",
    "skipgram",
]
