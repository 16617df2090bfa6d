"""The driver of the compiled loop: one block of the epoch at a time, on one or more threads.

:func:`epoch_steps` feeds :func:`w2vlib.speed.compiled.run_chunks` blocks of about
1/50 epoch (1/10 with several threads, whose every block ends at a wait), so that the
trainer can update its progress bar, check ``time_limit``
and record the loss curve between blocks.

``workers=2`` (or more) runs "Hogwild!" (Recht et al. 2011), as word2vec and gensim
do: each block is cut into contiguous chunks (:data:`CHUNKS_PER_WORKER` per thread)
that a pool of Python threads takes as each becomes free. The compiled loop releases
the GIL (``nogil=True``), so the threads run at the same time, reading and writing the
shared ``W_in``/``W_out`` without locks. (Plain threads rather than numba's
``prange``: its default OpenMP layer obeys ``OMP_NUM_THREADS``, which ``make`` and the
benchmark set to 1 for BLAS, and silently ran on one thread.) Two threads rarely
touch the same row at the same moment, and when they do, one update may be lost --
harmless noise for SGD, but the run is no longer repeatable bit for bit.

With ``shared_negatives=True`` the same driver runs the kernels of
:mod:`w2vlib.speed.shared` (negatives drawn once per window or group of centres)
instead of the per-word loop; everything else is the same.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .compiled import Chunks, loop_settings, run_chunks
from .schedule import MIN_LR_FACTOR, learning_rate
from .shared import CBOW_GROUP, run_shared_chunks

__all__ = ["CHUNKS_PER_WORKER", "epoch_steps"]

#: With several threads, each block is cut into this many chunks per thread.
CHUNKS_PER_WORKER = 4


def epoch_steps(W_in, W_out, config, sampler, rng: np.random.Generator, block: int):
    """The compiled backend for :func:`~w2vlib.speed.train_word2vec`.

    config: the run's :class:`~w2vlib.speed.config.Word2VecConfig`; sampler: its
    :class:`~w2vlib.speed.samplers.AliasSampler`; rng: the run's generator (it seeds one
    xorshift64* state per chunk, now); block: centre words per block.

    Returns ``steps(epoch, stream, kept_pos, T)``, which trains one epoch in blocks of
    ``block`` centre words and yields after each block ``(raw words passed in the epoch,
    loss sum, examples, centres, lr at the block's start)``. With ``workers > 1`` a block
    is cut into ``CHUNKS_PER_WORKER * workers`` contiguous chunks, each with its own
    random state, handed to the threads as they become free.
    """
    workers = config.workers
    n_chunks = 1 if workers == 1 else CHUNKS_PER_WORKER * workers
    states = rng.integers(1, 2**63, size=n_chunks, dtype=np.uint64)   # xorshift: never 0
    losses = np.zeros(n_chunks)
    examples = np.zeros(n_chunks, dtype=np.int64)
    cbow = config.model == "cbow"
    shared = getattr(config, "shared_negatives", False)    # w2vlib.speed.shared
    every_position: list[np.ndarray] = []

    def steps(epoch, stream, kept_pos, T):
        stream = np.ascontiguousarray(stream, dtype=np.int64)
        if not stream.flags.writeable:        # numba would compile again for a read-only array
            stream = stream.copy()
        n = len(stream)
        if kept_pos is None:
            if not every_position:
                every_position.append(np.arange(T, dtype=np.int64))
            raw_pos = every_position[0]
        else:
            raw_pos = np.ascontiguousarray(kept_pos, dtype=np.int64)
        loop = loop_settings(sampler, window=config.window, negative=config.negative,
                             lr0=config.lr, words_before=epoch * T,
                             total_words=config.epochs * T, shrink=config.shrink_window,
                             mean_grad=config.mean_grad)

        def run(k, bounds):                   # chunks k.. of the block, one after another
            ks = slice(k, k + len(bounds) - 1)
            chunks = Chunks(bounds[:-1], bounds[1:], states[ks], losses[ks], examples[ks])
            if shared:
                run_shared_chunks(cbow, W_in, W_out, stream, raw_pos, loop, chunks, CBOW_GROUP)
            else:
                run_chunks(cbow, W_in, W_out, stream, raw_pos, loop, chunks)

        # workers > 1: the chunks go to whichever thread is free, so a thread the OS pauses
        # for a moment does not hold the others back until the block ends
        pool = ThreadPoolExecutor(workers) if workers > 1 else contextlib.nullcontext()
        with pool:
            for s in range(0, n, block):
                e_ = min(s + block, n)
                bounds = np.linspace(s, e_, n_chunks + 1).astype(np.int64)
                if workers == 1:
                    run(0, bounds)
                else:
                    for f in [pool.submit(run, k, bounds[k:k + 2]) for k in range(n_chunks)]:
                        f.result()            # re-raises an error of the loop here
                raw_after = (e_ if kept_pos is None
                             else (int(kept_pos[e_ - 1]) + 1 if e_ < n else T))
                lr_t = learning_rate(config.lr, epoch * T + raw_pos[s], config.epochs * T,
                                     MIN_LR_FACTOR)
                yield raw_after, float(losses.sum()), int(examples.sum()), e_ - s, lr_t

    return steps
