"""What each change to the compiled per-word loop buys: a benchmark, not a test.

``python -m w2vlib.lab.loop_tuning`` runs versions of :func:`w2vlib.speed.compiled.run_chunks`
that differ in one helper each (built with :func:`w2vlib.speed.compiled.variant`, so they
share every other line of the loop) on PTB, one thread:

=========================  =====================================================================
``one word at a time``     every word of an example in a run of its own: score, update, next
                           word -- word2vec.c's order, and the loop as it was before 2026-12-02
``two passes``             the loop as it is: all the scores of a run first, then the updates
                           (a run is cut where a word repeats; the same numbers as above)
``two passes + table``     and word2vec's precomputed sigmoid (1,000 values over [-6, 6],
                           0 or 1 outside), as word2vec.c and gensim use, instead of the exact
                           one; other arithmetic, so it is measured for quality too
=========================  =====================================================================

Speed: one epoch (CBOW) or a quarter epoch (skip-gram) per run, the versions interleaved
``--repeats`` times so that a slow moment of a shared machine hits them all, median and range
printed. Quality (``--seeds``): each version trains CBOW and skip-gram through
:func:`~w2vlib.speed.train_word2vec` (10 epochs, sample 1e-3, lr 0.025, as ``make bench``'s
equal-settings rows), scored by analogy top-1 and, where gensim's copy of WordSim353 is
installed, its Spearman correlation; min-max over the seeds. The trainer's kernel is swapped
for the version while it trains (:func:`kernel`), nothing else changes.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import time

import numpy as np

__all__ = ["VARIANTS", "MAX_EXP", "TABLE_SIZE", "table_values", "table_sigmoid", "build_variants",
           "kernel", "measure_speed", "measure_quality", "main"]

#: word2vec.c's table: EXP_TABLE_SIZE 1000 over [-MAX_EXP, MAX_EXP], MAX_EXP 6.
MAX_EXP = 6.0
TABLE_SIZE = 1000

VARIANTS = ("one word at a time", "two passes", "two passes + table")


def table_values() -> np.ndarray:
    """word2vec.c's ``expTable``: sigmoid at the middles of TABLE_SIZE steps over
    [-MAX_EXP, MAX_EXP] (its own formula: ``e^x / (e^x + 1)`` at ``x = (i / size * 2 - 1) *
    MAX_EXP``), float32."""
    x = np.exp((np.arange(TABLE_SIZE) / TABLE_SIZE * 2 - 1) * MAX_EXP)
    return (x / (x + 1)).astype(np.float32)


def table_sigmoid(f, table):
    """The sigmoid of score ``f`` read from ``table`` as word2vec.c does: 1 at or above
    MAX_EXP, 0 at or below -MAX_EXP (the step is then ``lr * (label - 1)`` or ``lr * label``),
    else the entry ``int((f + MAX_EXP) * (TABLE_SIZE / MAX_EXP / 2))``."""
    if f >= MAX_EXP:
        return np.float32(1.0)
    if f <= -MAX_EXP:
        return np.float32(0.0)
    return table[int((f + MAX_EXP) * (TABLE_SIZE / MAX_EXP / 2))]


def build_variants() -> dict:
    """``{name: run_chunks}`` for every name of :data:`VARIANTS` (compiled here, tens of
    seconds; the module's cached loop is "two passes")."""
    import numba

    from ..speed import compiled

    table = table_values()
    lookup = numba.njit(table_sigmoid)
    njit = numba.njit(fastmath=compiled._FASTMATH, nogil=True, error_model="numpy")

    @njit
    def every_word_repeats(words, a, b):      # runs of one word: score, update, next word
        return True

    @njit
    def sigmoid_from_table(f):                # the loop's _sigmoid returns (y, exp(-|f|))
        return lookup(f, table), 0.0

    @njit
    def exact_loss(f, label, ex):             # the table gives no exp(-|f|): compute it here
        z = -f if label > 0 else f
        return max(z, 0.0) + math.log1p(math.exp(-abs(f)))

    return {
        "one word at a time": compiled.variant(compiled.run_chunks, _repeats=every_word_repeats),
        "two passes": compiled.run_chunks,
        "two passes + table": compiled.variant(compiled.run_chunks, _sigmoid=sigmoid_from_table,
                                               _loss=exact_loss),
    }


@contextlib.contextmanager
def kernel(run_chunks):
    """Inside the block, :func:`~w2vlib.speed.train_word2vec` (``backend="numba"``) trains with
    ``run_chunks`` instead of the module's own loop."""
    from ..speed import threads

    saved = threads.run_chunks
    threads.run_chunks = run_chunks
    try:
        yield
    finally:
        threads.run_chunks = saved


def _compile_all(variants, stream, loop):
    from ..speed import compiled

    for fn in variants.values():
        for cbow in (True, False):
            W = np.zeros((int(stream.max()) + 1, 4), dtype=np.float32)
            fn(cbow, W.copy(), W.copy(), stream[:200], np.arange(200), loop,
               compiled.Chunks(np.array([0]), np.array([200]), np.array([1], dtype=np.uint64),
                               np.zeros(1), np.zeros(1, dtype=np.int64)))


def measure_speed(variants: dict, corpus: np.ndarray, vocab_size: int, *, repeats: int = 7,
                  dim: int = 100, seed: int = 0) -> dict:
    """``{(model, name): [words/s per repeat]}``: one training pass per repeat from the same
    start (CBOW: the whole corpus; skip-gram: its first quarter), versions interleaved."""
    from ..speed import compiled
    from ..speed.samplers import AliasSampler

    stream = np.ascontiguousarray(corpus, dtype=np.int64)
    sampler = AliasSampler(np.bincount(stream, minlength=vocab_size), 0.75)
    loop = compiled.loop_settings(sampler, window=5, negative=5, lr0=0.025,
                                  total_words=float(len(stream)))
    _compile_all(variants, stream, loop)
    rng = np.random.default_rng(seed)
    W_in0 = (rng.random((vocab_size, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim)
    raw_pos = np.arange(len(stream), dtype=np.int64)
    rates: dict = {}
    for _ in range(repeats):
        for model in ("cbow", "skipgram"):
            stop = len(stream) if model == "cbow" else len(stream) // 4
            for name, fn in variants.items():
                W_in, W_out = W_in0.copy(), np.zeros_like(W_in0)
                chunks = compiled.Chunks(np.array([0]), np.array([stop]),
                                         np.array([12345], dtype=np.uint64), np.zeros(1),
                                         np.zeros(1, dtype=np.int64))
                t0 = time.perf_counter()
                fn(model == "cbow", W_in, W_out, stream, raw_pos, loop, chunks)
                rates.setdefault((model, name), []).append(stop / (time.perf_counter() - t0))
    return rates


def measure_quality(variants: dict, corpus, word_to_id: dict, *, seeds: int = 3,
                    epochs: int = 10) -> dict:
    """``{(model, name): [(analogy top-1, WordSim353 Spearman or None) per seed]}``."""
    from ..evaluate import evaluate_analogies
    from ..similarity import evaluate_similarity, find_similarity_file, load_word_pairs
    from ..speed import train_word2vec

    path = find_similarity_file("wordsim353")
    pairs = load_word_pairs(path) if path is not None else None
    out: dict = {}
    for model in ("cbow", "skipgram"):
        for name, fn in variants.items():
            for seed in range(seeds):
                with kernel(fn):
                    res = train_word2vec(corpus, len(word_to_id), model=model, dim=100,
                                         window=5, negative=5, epochs=epochs, subsample=1e-3,
                                         lr=0.025, seed=seed, backend="numba", workers=1,
                                         progress=False)
                top1 = evaluate_analogies(res.word_vecs, word_to_id).summary()["total"]["top1"]
                rho = (evaluate_similarity(res.word_vecs, word_to_id, pairs).spearman
                       if pairs else None)
                out.setdefault((model, name), []).append((top1, rho))
    return out


def _speed_table(rates: dict) -> str:
    lines = [f"{'model':<10}{'version':<22}{'median':>10}{'min':>9}{'max':>9}{'vs first':>10}"]
    for model in ("cbow", "skipgram"):
        base = None
        for name in VARIANTS:
            r = rates.get((model, name))
            if not r:
                continue
            med = statistics.median(r)
            base = base or med
            lines.append(f"{model:<10}{name:<22}{med / 1e6:>8.2f} M{min(r) / 1e6:>7.2f} M"
                         f"{max(r) / 1e6:>7.2f} M{med / base:>9.2f}x")
    return "\n".join(lines)


def _quality_table(quality: dict) -> str:
    lines = [f"{'model':<10}{'version':<22}{'analogy top-1 (min-max)':>26}{'WordSim353':>16}"]
    for (model, name), rows in quality.items():
        tops = [t for t, _ in rows]
        rhos = [r for _, r in rows if r is not None]
        sim = f"{min(rhos):.3f}-{max(rhos):.3f}" if rhos else "-"
        lines.append(f"{model:<10}{name:<22}{statistics.mean(tops):>13.1%} "
                     f"({min(tops):.1%}-{max(tops):.1%}){sim:>16}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.lab.loop_tuning",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved runs of each version")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for quality (0: skip it)")
    args = parser.parse_args(argv)
    from ..datasets import load_ptb
    from .machine import loadavg, machine_info, machine_lines

    corpus, word_to_id, _ = load_ptb("train")
    print(f"Loop tuning on PTB train ({len(corpus):,} words), 1 thread, load average "
          f"{loadavg()} at the start")
    print("\n".join(machine_lines(machine_info())))
    variants = build_variants()
    print("(numba compiles each version on its first call, before any clock starts)\n")
    print(f"Speed (words/s; {args.repeats} interleaved runs; skip-gram on a quarter epoch):")
    print(_speed_table(measure_speed(variants, corpus, len(word_to_id), repeats=args.repeats)))
    if args.seeds > 0:
        print(f"\nQuality (10 epochs, sample 1e-3, lr 0.025, seeds 0..{args.seeds - 1}):")
        print(_quality_table(measure_quality(variants, corpus, word_to_id, seeds=args.seeds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
