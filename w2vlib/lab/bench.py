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
import tempfile  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

from ..corpus import create_contexts_target  # noqa: E402
from .ladder import (  # noqa: E402
    DIM,
    EQUAL_LR,
    FULL_RUNGS,
    GROUPS,
    LAYER_BEST,
    NEGATIVE,
    PAIRS,
    RUNGS,
    SEEDED,
    SHARED,
    SLOW_RUNGS,
    TABLE_EPOCHS,
    TOOL_DEFAULTS,
    WINDOW,
    QualityResult,
    RungResult,
    format_rate,
    group_of,
    ladder_table,
    pair_table,
    profile_table,
    project_seconds,
    quality_table,
    rung_settings,
    rung_spec,
)
from .machine import THREAD_VARS, loadavg, machine_info, machine_lines  # noqa: E402
from .profiling import PartTimer, profile_fast, profile_rung  # noqa: E402
from .rungs import (  # noqa: E402
    OneHotInput,
    build_rung,
    evaluate_quality,
    fasttext_args,
    fasttext_available,
    gensim_available,
    measure_rung,
    numba_unready,
    run_fast,
    run_fasttext,
    run_gensim,
    write_fasttext_corpus,
)
from .verdicts import goal_lines, quality_side_by_side, ratio_table  # noqa: E402

__all__ = ["RUNGS", "PAIRS", "GROUPS", "SHARED", "SEEDED", "SLOW_RUNGS", "FULL_RUNGS",
           "LAYER_BEST", "TABLE_EPOCHS", "EQUAL_LR", "TOOL_DEFAULTS", "THREAD_VARS",
           "RungResult", "QualityResult", "PartTimer", "OneHotInput", "project_seconds",
           "format_rate", "ladder_table", "quality_table", "pair_table", "ratio_table",
           "quality_side_by_side", "goal_lines", "profile_table", "rung_settings", "rung_spec",
           "machine_info", "build_rung", "measure_rung", "profile_rung", "profile_fast",
           "evaluate_quality", "run_fast", "run_gensim", "run_fasttext", "fasttext_args",
           "gensim_available", "fasttext_available", "numba_unready", "schedule", "run",
           "report", "to_json", "main"]


def _run_rung(key: str, corpus, vocab_size: int, *, epochs: int, seconds: float, seed: int,
              contexts, log, fasttext_corpus=None) -> tuple[RungResult, object]:
    """One rung of :func:`run`: (its result, its vectors or None). A rung that cannot run
    here comes back skipped, saying why."""
    label = RUNGS[key]
    tag = f"[{key}]" + (f" seed {seed}" if seed else "")
    try:
        if key in SLOW_RUNGS:
            log(f"{tag} {label}: training for up to {seconds:g} s ...")
            return measure_rung(key, corpus, vocab_size, seconds=seconds, epochs=epochs,
                                seed=seed, contexts=contexts), None
        if key.startswith(("fast-", "numba")) or key == "fast":
            why = numba_unready(key) if key.startswith("numba") else ""
            if why:
                return RungResult(key, label, skipped=why), None
            log(f"{tag} {label}: {epochs} epochs ...")
            return run_fast(key, corpus, vocab_size, epochs, seed=seed)
        if key.startswith("fasttext"):
            if not fasttext_available():
                return RungResult(key, label, skipped="fastText not installed "
                                  "(`make bench` installs fasttext-wheel)"), None
            log(f"{tag} {label}: {epochs} epochs in a subprocess ...")
            return run_fasttext(key, len(corpus), epochs, fasttext_corpus(), seed=seed)
        if not gensim_available():
            return RungResult(key, label, skipped="gensim not installed "
                              "(`make bench` installs it)"), None
        log(f"{tag} {label}: {epochs} epochs in a subprocess ...")
        return run_gensim(key, len(corpus), epochs, seed=seed)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return RungResult(key, label, skipped=str(e)), None


def schedule(rungs, seeds: int = 1) -> list[tuple[str, int]]:
    """The order :func:`run` trains in: ``(key, seed)`` pairs. The rungs of one setting
    (:data:`GROUPS`, with its shared-negatives rung) stay together; for the settings scored
    over seeds (:data:`SEEDED`) every seed runs the whole setting back to back, ours first,
    so each comparison sees the same load. Seed 0's run is the one timed in the tables.

    >>> schedule(["fast", "numba", "gensim", "numba-2"], seeds=2)
    [('fast', 0), ('numba', 0), ('gensim', 0), ('numba', 1), ('gensim', 1), ('numba-2', 0)]
    """
    out: list[tuple[str, int]] = []
    i, rungs = 0, list(rungs)
    while i < len(rungs):
        group = group_of(rungs[i])
        j = i + 1
        while group is not None and j < len(rungs) and group_of(rungs[j]) == group:
            j += 1
        block = rungs[i:j]
        n = seeds if rungs[i] in SEEDED else 1
        out += [(k, seed) for seed in range(n) for k in block]
        i = j
    return out


def run(rungs=tuple(RUNGS), *, epochs: int = 10, seconds: float = 20.0, quality: bool = True,
        profile: bool = True, profile_steps: int = 10, seed: int = 0, seeds: int = 3,
        corpus=None, word_to_id=None, id_to_word=None, log=print) -> dict:
    """Run the ladder; returns ``{"machine", "settings", "rungs", "quality", "profile"}``.

    ``corpus``/``word_to_id``/``id_to_word`` default to PTB train. ``seeds``: how many
    seeds (``seed``, ``seed + 1``, ...) the one-thread equal-settings rungs
    (:data:`SEEDED`) are trained and scored with; the speed tables use the first seed's
    run (the others' words/s are in ``rungs[i].extra["seed_runs"]``). ``log`` receives
    progress lines.
    """
    from ..similarity import find_similarity_file, load_word_pairs

    if corpus is None:
        from ..datasets import load_ptb

        corpus, word_to_id, id_to_word = load_ptb("train")
    if id_to_word is None:
        id_to_word = {i: w for w, i in word_to_id.items()}
    unknown = [k for k in rungs if k not in RUNGS]
    if unknown:
        raise ValueError(f"unknown rung {unknown[0]!r}; choose from {', '.join(RUNGS)}")
    vocab_size = len(word_to_id)
    info = machine_info()
    info["fasttext"] = _fasttext_version()
    sim_path = find_similarity_file("wordsim353")
    pairs = load_word_pairs(sim_path) if (quality and sim_path is not None) else None
    contexts = create_contexts_target(corpus, WINDOW) if any(k in SLOW_RUNGS for k in rungs) else None
    results: dict[str, RungResult] = {}
    qualities: list[QualityResult] = []
    profiles: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ft_path = []

        def fasttext_corpus():      # written once, the first time a fastText rung runs
            if not ft_path:
                ft_path.append(write_fasttext_corpus(Path(tmp) / "ptb.train.txt", corpus,
                                                     id_to_word))
            return ft_path[0]

        for key, k_seed in schedule(rungs, max(1, seeds)):
            first = key not in results
            r, vecs = _run_rung(key, corpus, vocab_size, epochs=epochs, seconds=seconds,
                                seed=seed + k_seed, contexts=contexts, log=log,
                                fasttext_corpus=fasttext_corpus)
            if first:
                results[key] = r
            elif not r.skipped:
                results[key].extra.setdefault("seed_runs", []).append(
                    {"seed": seed + k_seed, "words_per_sec": r.words_per_sec,
                     "words_per_cpu_sec": r.words_per_cpu_sec})
            if r.skipped:
                if first:
                    log(f"[{key}] skipped: {r.skipped}")
                continue
            log(f"[{key}] {format_rate(r.words_per_sec)} words/s")
            if quality and vecs is not None:
                qualities.append(evaluate_quality(key, vecs, word_to_id, epochs, pairs,
                                                  seed=seed + k_seed))
            if first and profile and (key in SLOW_RUNGS or key.startswith("fast-")
                                      or key == "fast"):
                profiles[key] = profile_rung(key, corpus, vocab_size, steps=profile_steps,
                                             seed=seed, contexts=contexts)
    info["loadavg_end"] = loadavg()
    ft_example = fasttext_args("fasttext", epochs, seed, "<corpus>", "<out>")["kwargs"]
    return {
        "machine": info,
        "settings": {"corpus_words": int(len(corpus)), "vocab_size": vocab_size, "dim": DIM,
                     "window": WINDOW, "negative": NEGATIVE, "epochs": epochs,
                     "seconds_per_slow_rung": seconds, "seed": seed, "seeds": max(1, seeds),
                     "equal_lr": EQUAL_LR, "tool_defaults": TOOL_DEFAULTS,
                     "fasttext_kwargs": ft_example, "layer_best": LAYER_BEST,
                     "similarity_file": str(sim_path) if sim_path else None},
        "rungs": [results[k] for k in rungs if k in results],
        "quality": qualities,
        "profile": profiles,
    }


def _fasttext_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    for name in ("fasttext-wheel", "fasttext"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return None


def _defaults_line() -> str:
    parts = []
    for tool, d in TOOL_DEFAULTS.items():
        lr = d["lr"]
        lr_text = (f"lr {lr['cbow']:g}" if lr["cbow"] == lr["skipgram"]
                   else f"lr {lr['cbow']:g} (CBOW) / {lr['skipgram']:g} (skip-gram)")
        parts.append(f"{tool}: {lr_text}, sample {d['sample']:g}")
    return "; ".join(parts)


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
    ratios = ratio_table(out["rungs"])
    if ratios:
        n = s.get("seeds", 1)
        lines += ["", f"THE FAIR TABLE: the compiled loop, gensim and fastText at equal settings "
                  f"(lr {s.get('equal_lr', EQUAL_LR):g} for all, dim {s['dim']}, window "
                  f"{s['window']}, {s['negative']} negatives, {s['epochs']} epochs, min count 1, "
                  "the same sample; fastText: loss ns, subwords off, sample 0 as t=1), each "
                  "setting run back to back, ours first; words/s on the wall clock, ratios "
                  "ours / peer (> 1: ours is faster) on the wall clock and in CPU time; "
                  f"speed from the first seed's run",
                  "last row: each tool at its own defaults for lr and sample (" + _defaults_line()
                  + "); everything else as above", ratios]
        side = quality_side_by_side(out["quality"])
        if side:
            lines += ["", f"quality side by side (mean [min-max] over {n} seed"
                      f"{'s' if n > 1 else ''} where scored over seeds; analogy top-1 and "
                      "WordSim353 Spearman)", side]
        lines += ["", "issue 16's goals, checked on this run:",
                  *goal_lines(out["rungs"], out["quality"])]
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
    parser.add_argument("--seeds", type=int, help="seeds for the quality of the one-thread "
                        "equal-settings rungs (default 3; --quick: 1)")
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
    seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)
    if epochs < 1 or seconds <= 0 or seeds < 1:
        parser.error("--epochs and --seeds must be >= 1 and --seconds > 0")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        out = run(rungs, epochs=epochs, seconds=seconds, quality=not args.no_quality,
                  profile=not args.no_profile, profile_steps=4 if args.quick else 10,
                  seed=args.seed, seeds=seeds, log=log)
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
