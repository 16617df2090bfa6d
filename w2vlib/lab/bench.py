"""The speed ladder: ``python -m w2vlib.lab.bench`` (a benchmark, not a test).

Trains CBOW (dim 100, window 5, 5 negatives) on the Penn Treebank with every
implementation the series builds, in one run on one machine, and prints
words per second, the time 10 epochs take (projected where a rung is too slow
to run them), and each rung's speed relative to the one above it and to the
fastest:

====================  ==================================================================
rung                  what it is
====================  ==================================================================
``simple``            chapter 3's :class:`~w2vlib.models.SimpleCBOW`: one-hot contexts
                      times ``W_in`` (a MatMul), softmax over all 10,000 words; batch
                      100, dense Adam.
``book``              chapter 4's CBOW as the book writes it (:mod:`w2vlib.lab.book_style`):
                      per-row sampler, one layer per context word / negative, full-matrix
                      Embedding backward, duplicate-gradient summing, dense Adam; batch 100.
``layer-dense``       w2vlib's teaching :class:`~w2vlib.models.CBOW` with
                      :class:`~w2vlib.trainer.Trainer` and dense :class:`~w2vlib.optim.Adam`,
                      batch 100 -- the book's settings and update, without its structure.
``layer``             the same CBOW with sparse rows (:func:`w2vlib.speed.sparse.sparse_model`),
                      :class:`~w2vlib.speed.sparse.SparseTrainer` and row-wise
                      :class:`~w2vlib.speed.sparse.LazyAdam`, batch 100.
``layer-best``        the sparse CBOW with our best settings (see ``LAYER_BEST``).
``fast``              :func:`w2vlib.speed.train_word2vec` (vectorised SGD, sparse updates),
                      ``subsample=0``; ``fast-sub``: ``subsample=1e-3``.
``numba``             ``train_word2vec(backend="numba")``: word2vec's per-word loop compiled
                      (:mod:`w2vlib.speed.compiled`), one thread, ``subsample=0``; ``numba-sub``:
                      ``1e-3``; ``numba-2``, ``numba-2-sub``: two Hogwild threads. Only
                      when numba is installed; compile/load time is not counted.
``gensim``            gensim's ``Word2Vec(sg=0, workers=1, sample=0)`` (compiled C loops);
                      ``gensim-sub``: ``sample=1e-3``; ``gensim-2``, ``gensim-2-sub``:
                      ``workers=2``. Only when gensim is installed (``make bench``); run in
                      a subprocess with ``PYTHONHASHSEED=0``.
====================  ==================================================================

Each compiled rung runs right before the gensim rung with the same settings
(:data:`PAIRS`), and the report ends with their ratios.

The slow rungs run for a bounded number of seconds (``--seconds``) and are
projected to ``--epochs`` epochs; the fast trainer and gensim run all epochs,
and their vectors are scored at equal settings: analogy accuracy (Google set,
3CosAdd with unit vectors, top-1 and top-5) and the Spearman correlation with
WordSim353 (when a copy is found, see :func:`w2vlib.similarity.find_similarity_file`).

Run as ``python -m w2vlib.lab.bench``, the process sets ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 *before* NumPy is imported
(:func:`w2vlib.lab.machine.force_single_thread`), so every rung (and gensim's
subprocess, ``workers=1``) uses one core. Words per second count corpus words
passed (targets for the layer rungs), the way word2vec and gensim count them,
subsampled words included.

Every rung's time is taken twice: on the wall clock, and as this process's
CPU time (``time.process_time``; for gensim, its subprocess's). On an idle
machine the two agree; on a shared one, time-slicing inflates the wall clock
of whichever rung ran during a busy moment, and the CPU-time table is the
fairer comparison (the report prints both, and the load average). A full
report is kept in ``docs/bench/`` (dated, with its machine).

Options: ``--quick`` (a couple of minutes), ``--rungs simple,book,...``,
``--epochs N``, ``--seconds S``, ``--no-quality``, ``--no-profile``,
``--json out.json``. Timings on a shared machine wobble by 20 % or more: read
the ratios, measured side by side in one run.

This module is the command line and the report; the pieces live beside it and are
re-exported here: rungs, results and tables in :mod:`w2vlib.lab.ladder`, training each
rung in :mod:`w2vlib.lab.rungs`, the per-part profile in :mod:`w2vlib.lab.profiling`,
the machine in :mod:`w2vlib.lab.machine`.
"""

from __future__ import annotations

if __name__ == "__main__":
    # Must happen before NumPy is imported: BLAS reads these once, at load time.
    from .machine import force_single_thread

    force_single_thread()

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

from ..corpus import create_contexts_target  # noqa: E402
from .ladder import (  # noqa: E402
    DIM,
    FULL_RUNGS,
    LAYER_BEST,
    NEGATIVE,
    PAIRS,
    RUNGS,
    SLOW_RUNGS,
    TABLE_EPOCHS,
    WINDOW,
    QualityResult,
    RungResult,
    format_rate,
    ladder_table,
    pair_table,
    profile_table,
    project_seconds,
    quality_table,
    rung_settings,
)
from .machine import THREAD_VARS, loadavg, machine_info, machine_lines  # noqa: E402
from .profiling import PartTimer, profile_fast, profile_rung  # noqa: E402
from .rungs import (  # noqa: E402
    OneHotInput,
    build_rung,
    evaluate_quality,
    gensim_available,
    measure_rung,
    numba_unready,
    run_fast,
    run_gensim,
)

__all__ = ["RUNGS", "PAIRS", "SLOW_RUNGS", "FULL_RUNGS", "LAYER_BEST", "TABLE_EPOCHS",
           "THREAD_VARS", "RungResult", "QualityResult", "PartTimer", "OneHotInput",
           "project_seconds", "format_rate", "ladder_table", "quality_table", "pair_table",
           "profile_table", "rung_settings", "machine_info", "build_rung", "measure_rung",
           "profile_rung", "profile_fast", "evaluate_quality", "run_fast", "run_gensim",
           "gensim_available", "numba_unready", "run", "report", "to_json", "main"]


def _run_rung(key: str, corpus, vocab_size: int, *, epochs: int, seconds: float, seed: int,
              contexts, log) -> tuple[RungResult, object]:
    """One rung of :func:`run`: (its result, its vectors or None). A rung that cannot run
    here comes back skipped, saying why."""
    label = RUNGS[key]
    try:
        if key in SLOW_RUNGS:
            log(f"[{key}] {label}: training for up to {seconds:g} s ...")
            return measure_rung(key, corpus, vocab_size, seconds=seconds, epochs=epochs,
                                seed=seed, contexts=contexts), None
        if key.startswith(("fast", "numba")):
            why = numba_unready(key) if key.startswith("numba") else ""
            if why:
                return RungResult(key, label, skipped=why), None
            log(f"[{key}] {label}: {epochs} epochs ...")
            return run_fast(key, corpus, vocab_size, epochs, seed=seed)
        if not gensim_available():
            return RungResult(key, label, skipped="gensim not installed "
                              "(`make bench` installs it)"), None
        log(f"[{key}] {label}: {epochs} epochs in a subprocess ...")
        return run_gensim(key, len(corpus), epochs, seed=seed)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return RungResult(key, label, skipped=str(e)), None


def run(rungs=tuple(RUNGS), *, epochs: int = 10, seconds: float = 20.0, quality: bool = True,
        profile: bool = True, profile_steps: int = 10, seed: int = 0, corpus=None,
        word_to_id=None, log=print) -> dict:
    """Run the ladder; returns ``{"machine", "settings", "rungs", "quality", "profile"}``.

    ``corpus``/``word_to_id`` default to PTB train. ``log`` receives progress lines.
    """
    from ..similarity import find_similarity_file, load_word_pairs

    if corpus is None:
        from ..datasets import load_ptb

        corpus, word_to_id, _ = load_ptb("train")
    unknown = [k for k in rungs if k not in RUNGS]
    if unknown:
        raise ValueError(f"unknown rung {unknown[0]!r}; choose from {', '.join(RUNGS)}")
    vocab_size = len(word_to_id)
    info = machine_info()
    sim_path = find_similarity_file("wordsim353")
    pairs = load_word_pairs(sim_path) if (quality and sim_path is not None) else None
    contexts = create_contexts_target(corpus, WINDOW) if any(k in SLOW_RUNGS for k in rungs) else None
    results: list[RungResult] = []
    qualities: list[QualityResult] = []
    profiles: dict[str, dict] = {}
    for key in rungs:
        r, vecs = _run_rung(key, corpus, vocab_size, epochs=epochs, seconds=seconds, seed=seed,
                            contexts=contexts, log=log)
        results.append(r)
        if r.skipped:
            continue
        log(f"[{key}] {format_rate(r.words_per_sec)} words/s")
        if quality and vecs is not None:
            qualities.append(evaluate_quality(key, vecs, word_to_id, epochs, pairs))
        if profile and (key in SLOW_RUNGS or key.startswith("fast")):
            profiles[key] = profile_rung(key, corpus, vocab_size, steps=profile_steps, seed=seed,
                                         contexts=contexts)
    info["loadavg_end"] = loadavg()
    return {
        "machine": info,
        "settings": {"corpus_words": int(len(corpus)), "vocab_size": vocab_size, "dim": DIM,
                     "window": WINDOW, "negative": NEGATIVE, "epochs": epochs,
                     "seconds_per_slow_rung": seconds, "seed": seed, "layer_best": LAYER_BEST,
                     "similarity_file": str(sim_path) if sim_path else None},
        "rungs": results,
        "quality": qualities,
        "profile": profiles,
    }


def report(out: dict) -> str:
    """The printed report of :func:`run`'s result."""
    s, info = out["settings"], out["machine"]
    lines = [f"w2vlib speed ladder: CBOW on PTB train ({s['corpus_words']:,} words, vocabulary "
             f"{s['vocab_size']:,}), dim {s['dim']}, window {s['window']}, {s['negative']} negatives",
             *machine_lines(info),
             f"load average: {info['loadavg']} at start, {info.get('loadavg_end')} at end "
             f"({info['usable_cores']} cores; above that, other work shared the CPU)",
             "", "wall-clock time:", ladder_table(out["rungs"], TABLE_EPOCHS)]
    loads = [x for x in (info.get("loadavg"), info.get("loadavg_end")) if x is not None]
    if any(r.cpu_seconds > 0 for r in out["rungs"]):
        shared = loads and max(loads) > (info.get("usable_cores") or 1)
        lines += ["", "CPU time of this process (" + (
                  "the machine was shared: these figures are closer to what an idle machine "
                  "gives" if shared else "close to the wall clock on an idle machine") + "):",
                  ladder_table(out["rungs"], TABLE_EPOCHS, cpu=True)]
    if out["quality"]:
        sim = (f"WordSim353 from {s['similarity_file']}" if s["similarity_file"]
               else "WordSim353: skipped (no copy found; `pip install gensim` carries one)")
        lines += ["", "quality at equal settings (Google analogies, 3CosAdd with unit vectors, "
                  "accuracy over covered questions; " + sim + ")", quality_table(out["quality"])]
    pairs = pair_table(out["rungs"], out["quality"])
    if pairs:
        lines += ["", "the compiled loop against gensim, same settings, run back to back "
                  "(ratio > 1: ours is faster; CPU time counts every thread)", pairs]
    if out["profile"]:
        lines += ["", "where one step's time goes (instrumented run; shares of the step)",
                  profile_table(out["profile"])]
    return "\n".join(lines)


def to_json(out: dict) -> dict:
    """``run``'s result as JSON-able dicts (words/s and projected times included)."""
    rungs = []
    for r in out["rungs"]:
        d = asdict(r)
        d["words_per_sec"] = r.words_per_sec
        d["words_per_cpu_sec"] = r.words_per_cpu_sec
        d["seconds_for_epochs"] = r.seconds_for_epochs if not r.skipped else None
        rungs.append(d)
    return {"machine": out["machine"], "settings": out["settings"], "rungs": rungs,
            "quality": [asdict(q) for q in out["quality"]], "profile": out["profile"]}


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.lab.bench``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m w2vlib.lab.bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a couple of minutes: 4 s per slow rung, 2 epochs for the full rungs")
    parser.add_argument("--rungs", help="comma-separated subset of: " + ", ".join(RUNGS))
    parser.add_argument("--epochs", type=int, help="epochs for the full rungs and the projection "
                        "(default 10; --quick: 2)")
    parser.add_argument("--seconds", type=float, help="time budget of each slow rung "
                        "(default 20; --quick: 4)")
    parser.add_argument("--no-quality", action="store_true", help="skip the quality evaluation")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-part profile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    rungs = tuple(RUNGS)
    if args.rungs:
        rungs = tuple(k.strip() for k in args.rungs.split(",") if k.strip())
        bad = [k for k in rungs if k not in RUNGS]
        if bad:
            parser.error(f"unknown rung(s) {', '.join(bad)}; choose from {', '.join(RUNGS)}")
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 10)
    seconds = args.seconds if args.seconds is not None else (4.0 if args.quick else 20.0)
    if epochs < 1 or seconds <= 0:
        parser.error("--epochs must be >= 1 and --seconds > 0")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        out = run(rungs, epochs=epochs, seconds=seconds, quality=not args.no_quality,
                  profile=not args.no_profile, profile_steps=4 if args.quick else 10,
                  seed=args.seed, log=log)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:   # a data problem (no PTB, no network): one line, no traceback
        from ..datasets import DatasetError

        if isinstance(e, DatasetError):
            print(f"error: {e}", file=sys.stderr)
            return 1
        raise
    print(report(out))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(out), indent=2, default=float))
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
