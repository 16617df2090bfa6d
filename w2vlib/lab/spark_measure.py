"""Spark's word2vec beside our compiled loop on PTB, in one run: speed and quality.

::

    python -m w2vlib.lab.spark --measure        # -> w2vlib/data/spark/ptb_spark.json (a few minutes)
    python -m w2vlib.lab.spark --partitions 2 --epochs 1 --out ptb_spark.txt    # one Spark run
    python -m w2vlib.lab.spark --master spark://HOST:7077 --partitions 16 --out ptb_spark.txt

``--measure`` trains skip-gram on all of PTB train with the same settings everywhere (100
dimensions, window 5, starting learning rate 0.025, no subsampling), for 1 and for 5 epochs, with
seeds 0 and 1: our compiled loop (:func:`w2vlib.speed.train_word2vec`, ``backend="numba"``,
negative sampling with 5 negatives) with 1 and 2 threads, then Spark (hierarchical softmax) with 1,
2, 4, 8 and 16 partitions in one session, after one warm-up run on a fifth of PTB that is not
measured (about eight minutes on 2 cores). Every run is scored the same way as notebooks 08 and 09 do: Google
analogies with 3CosAdd over the covered questions, WordSim353 Spearman where a copy is found
(:func:`w2vlib.similarity.find_similarity_file`), and the neighbours of "year". The JSON holds every
run, the settings, the machine (:func:`w2vlib.lab.machine.machine_info`), the Spark and Java
versions, the date and the command; notebook 10 reads it with :func:`load_measurements`.

Timings are wall-clock seconds of training alone: for Spark its ``fit()`` (counting words, the
Huffman tree, spreading the rows, every iteration and its averaging), for ours the loop without
its one-off compile. Starting Spark's session is reported apart. A benchmark, not a test: nothing
here fails on timing.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .spark import SparkConfig, SparkUnavailableError, check_spark, java_version

__all__ = ["DEFAULT_EPOCHS", "DEFAULT_PARTITIONS", "DEFAULT_THREADS", "FIXED", "default_path",
           "DEFAULT_SEEDS", "measure", "score", "select_runs", "load_measurements", "main"]

#: Epochs of the runs of ``--measure``: one (the partitions' models averaged once) and five.
DEFAULT_EPOCHS = (1, 5)
#: Seeds of ``--measure``: two, to see how far one seed's figures wander.
DEFAULT_SEEDS = (0, 1)
#: Partitions of ``--measure``: 1, 2 and 4 as notebook 10 compares them, and 8 and 16 to see
#: whether averaging more partial models costs quality.
DEFAULT_PARTITIONS = (1, 2, 4, 8, 16)
#: Words of PTB that warm up the JVM before Spark is measured.
WARMUP_WORDS = 200_000
DEFAULT_THREADS = (1, 2)
#: What every run shares.
FIXED = {"model": "skipgram", "dim": 100, "window": 5, "lr": 0.025, "subsample": 0.0, "seed": 0}
#: Ours only (Spark uses hierarchical softmax instead).
NEGATIVE = 5


def default_path() -> Path:
    """The measurements w2vlib ships: ``w2vlib/data/spark/ptb_spark.json``."""
    from ..datasets import shipped_file

    return shipped_file("spark", "ptb_spark.json", must_exist=False)


def load_measurements(path=None) -> dict[str, Any]:
    """The JSON written by :func:`measure` (default: the shipped one)."""
    return json.loads(Path(path or default_path()).read_text(encoding="utf-8"))


def score(word_vecs, word_to_id, id_to_word, questions, pairs) -> dict[str, Any]:
    """Analogy top-1/top-5 (3CosAdd) and coverage, WordSim353 Spearman (None without pairs),
    and the five neighbours of "year", of ``word_vecs: (V, H)``."""
    from ..evaluate import evaluate_analogies, most_similar
    from ..similarity import evaluate_similarity

    total = evaluate_analogies(word_vecs, word_to_id, questions).summary()["total"]
    out = {"analogy_top1": total["top1"], "analogy_top5": total["top5"],
           "analogy_covered": total["covered"], "wordsim353": None, "wordsim353_pairs": None,
           "year_neighbours": [w for w, _ in most_similar("year", word_to_id, id_to_word,
                                                          word_vecs, top=5)]}
    if pairs:
        r = evaluate_similarity(word_vecs, word_to_id, pairs)
        out["wordsim353"], out["wordsim353_pairs"] = float(r.spearman), r.used
    return out


def _ours(corpus, vocab_size, epochs, threads, seed):
    from ..speed import train_word2vec

    res = train_word2vec(corpus, vocab_size, model=FIXED["model"], dim=FIXED["dim"],
                         window=FIXED["window"], negative=NEGATIVE, epochs=epochs, lr=FIXED["lr"],
                         subsample=FIXED["subsample"], seed=seed, progress=False,
                         backend="numba", workers=threads)
    return res.word_vecs, res.seconds, res.words_trained, {
        "compile_seconds": res.settings.get("compile_seconds")}


def _similarity_pairs():
    from ..similarity import find_similarity_file, load_word_pairs

    path = find_similarity_file("wordsim353")
    return load_word_pairs(path) if path else None


def measure(epochs=DEFAULT_EPOCHS, partitions=DEFAULT_PARTITIONS, threads=DEFAULT_THREADS,
            seeds=DEFAULT_SEEDS, master: str | None = None, log=print) -> dict[str, Any]:
    """Run the comparison (see the module docstring) and return it as a JSON-able dict: one
    entry in ``runs`` for every engine x partitions or threads x epochs x seed."""
    check_spark()
    from ..datasets import load_ptb
    from ..evaluate import load_analogy_questions
    from .machine import loadavg, machine_info
    from .spark import start_session, train_spark

    corpus, word_to_id, id_to_word = load_ptb("train")
    questions, pairs = load_analogy_questions(), _similarity_pairs()
    info = {"command": "python -m w2vlib.lab.spark " + shlex.join(sys.argv[1:]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_info(), "corpus_words": len(corpus), "epochs": list(epochs),
            "seeds": list(seeds), "settings": {k: v for k, v in FIXED.items() if k != "seed"},
            "negative_ours": NEGATIVE, "runs": []}
    t_all = time.perf_counter()
    for seed in seeds:
        for e in epochs:
            for n in threads:
                vecs, seconds, words, extra = _ours(corpus, len(word_to_id), e, n, seed)
                _add(info, log, ("compiled", n, e, seed), seconds, words, extra,
                     score(vecs, word_to_id, id_to_word, questions, pairs))
    t0 = time.perf_counter()
    spark = start_session(master)
    info["spark_startup_seconds"] = time.perf_counter() - t0
    info["master"], info["spark_version"] = spark.sparkContext.master, spark.version
    info["java"] = java_version(_java() or "java")
    try:
        # a fresh JVM compiles Spark's training loop while it runs: warm it up first, or the first
        # measured run pays for that (measured: 12.4 s instead of about 9 s for one PTB epoch)
        t0 = time.perf_counter()
        train_spark(corpus[:WARMUP_WORDS], id_to_word, SparkConfig(epochs=1), spark=spark)
        info["spark_warmup_seconds"] = time.perf_counter() - t0
        for seed in seeds:
            for e in epochs:
                for p in partitions:
                    config = SparkConfig(dim=FIXED["dim"], window=FIXED["window"], lr=FIXED["lr"],
                                         epochs=e, partitions=p, seed=seed)
                    res = train_spark(corpus, id_to_word, config, spark=spark)
                    v = res.vectors
                    _add(info, log, ("spark", p, e, seed), res.seconds, res.words_trained, {},
                         score(v.word_vecs, v.word_to_id, v.id_to_word, questions, pairs))
    finally:
        spark.stop()
    info["total_seconds"] = time.perf_counter() - t_all
    info["loadavg_end"] = loadavg()
    return info


def _java():
    from .spark import _java_executable

    return _java_executable()[0]


def _add(info, log, key, seconds, words, extra, quality) -> None:
    engine, n, epochs, seed = key
    unit = "partitions" if engine == "spark" else "threads"
    run = {"engine": engine, unit: n, "epochs": epochs, "seed": seed, "seconds": seconds,
           "words": words, "words_per_sec": words / seconds, **extra, **quality}
    info["runs"].append(run)
    ws = "n/a" if quality["wordsim353"] is None else f"{quality['wordsim353']:.3f}"
    log(f"{engine:<9} {n} {unit:<10} {epochs} ep seed {seed} {seconds:6.1f} s "
        f"{run['words_per_sec']:>9,.0f} words/s  analogy {quality['analogy_top1']:.2%}  "
        f"WordSim353 {ws}  year: {', '.join(quality['year_neighbours'])}")


def select_runs(info: dict[str, Any], **where) -> list[dict[str, Any]]:
    """The runs of :func:`measure`'s result whose fields equal ``where``
    (``select_runs(info, engine="spark", epochs=5)``)."""
    return [r for r in info["runs"] if all(r.get(k) == v for k, v in where.items())]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m w2vlib.lab.spark",
        description="word2vec on Apache Spark (pyspark.ml.feature.Word2Vec) on PTB: one run that "
                    "writes vectors, or --measure: Spark with 1/2/4 partitions beside our compiled "
                    "loop with 1/2 threads, written to a JSON file.")
    p.add_argument("--measure", action="store_true", help="run the comparison of notebook 10")
    p.add_argument("--out", type=Path, help="vectors to write (.txt word2vec text, .npz, .bin); "
                   "with --measure the JSON (default: w2vlib/data/spark/ptb_spark.json)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--master", help="Spark master URL (default local[N], N = this machine's cores)")
    p.add_argument("--epochs", type=int, nargs="+", default=None,
                   help="iterations (default 1; with --measure 1 5)")
    p.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS),
                   help="--measure: seeds (default 0 1)")
    p.add_argument("--partitions", type=int, nargs="+", default=None,
                   help="partitions (default 1; with --measure 1 2 4 8 16)")
    p.add_argument("--threads", type=int, nargs="+", default=list(DEFAULT_THREADS),
                   help="--measure: threads of our compiled loop (default 1 2)")
    for name, kind, default in (("dim", int, 100), ("window", int, 5), ("lr", float, 0.025),
                                ("seed", int, 0), ("min-count", int, 1)):   # one run's settings
        p.add_argument(f"--{name}", type=kind, default=default, help=f"one run (default {default})")
    return p


def _one_run(args, out: Path) -> int:
    from ..datasets import load_ptb
    from ..evaluate import most_similar
    from .spark import train_spark

    config = SparkConfig(dim=args.dim, window=args.window, lr=args.lr, epochs=(args.epochs or [1])[0],
                         partitions=(args.partitions or [1])[0], seed=args.seed,
                         min_count=args.min_count)
    corpus, _, id_to_word = load_ptb("train")
    res = train_spark(corpus, id_to_word, config, master=args.master)
    res.save(out)
    v = res.vectors
    print(f"{res.settings['master']}: {res.seconds:.1f} s, {res.words_per_sec:,.0f} words/s "
          f"(+{res.startup_seconds:.1f} s to start Spark); {len(v.word_to_id):,} words -> {out}")
    print("year:", ", ".join(w for w, _ in most_similar("year", v.word_to_id, v.id_to_word,
                                                        v.word_vecs)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    out = args.out or (default_path() if args.measure else None)
    if out is None:
        parser.error("--out VECTORS is needed (or --measure)")
    if out.exists() and not args.force and not (args.measure and args.out is None):
        parser.error(f"--out {out} already exists: nothing was trained (pass --force)")
    try:
        check_spark()
        if not args.measure:
            return _one_run(args, out)
        info = measure(args.epochs or DEFAULT_EPOCHS, args.partitions or DEFAULT_PARTITIONS,
                       args.threads, args.seeds, args.master)
    except SparkUnavailableError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        parser.error(str(e))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} ({info['total_seconds']:.0f} s in all)")
    return 0
