"""Training each rung of the speed ladder and scoring its vectors.

The slow rungs (:data:`~w2vlib.lab.ladder.SLOW_RUNGS`) are built by :func:`build_rung`
and timed by :func:`measure_rung` for a bounded number of seconds; the fast trainer,
the compiled loop (:func:`run_fast`) and gensim (:func:`run_gensim`, in a subprocess)
train every epoch. :func:`evaluate_quality` scores the vectors of a full run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..corpus import convert_one_hot, create_contexts_target
from . import book_style
from .ladder import (
    BATCH,
    DIM,
    LAYER_BEST,
    NEGATIVE,
    RUNGS,
    WINDOW,
    QualityResult,
    RungResult,
    format_epochs,
    rung_settings,
    rung_spec,
)
from .machine import THREAD_VARS

__all__ = ["OneHotInput", "Rung", "build_rung", "run_steps", "measure_rung", "run_fast",
           "Unavailable", "GENSIM_SCRIPT", "numba_unready", "gensim_available", "gensim_args",
           "run_gensim", "FASTTEXT_SCRIPT", "FASTTEXT_EOS", "FASTTEXT_NO_SUBSAMPLING",
           "fasttext_keep_probability", "fasttext_available", "write_fasttext_corpus",
           "fasttext_args", "run_fasttext", "evaluate_quality"]


class OneHotInput:
    """Feeds word ids to :class:`~w2vlib.models.SimpleCBOW` as chapter 3 does: one-hot.

    ``forward(contexts: (N, C) ids, target: (N,))`` builds the ``(N, C, V)``
    one-hot block per batch (the whole PTB in one-hot form would take
    929,579 x 10 x 10,000 entries -- 93 GB even at one byte each) and calls
    the model.
    """

    def __init__(self, model, vocab_size: int):
        self.model = model
        self.vocab_size = vocab_size
        self.params, self.grads = model.params, model.grads

    def one_hot(self, ids: np.ndarray) -> np.ndarray:
        """(N, C) ids -> (N, C, V) one-hot rows."""
        return convert_one_hot(ids, self.vocab_size)

    def forward(self, contexts, target) -> float:
        return self.model.forward(self.one_hot(contexts), target)

    def backward(self, dout=1.0) -> None:
        return self.model.backward(dout)

    @property
    def word_vecs(self) -> np.ndarray:
        return self.model.word_vecs


@dataclass
class Rung:
    """A slow rung, ready to train: ``trainer`` is the Trainer class that runs it, or None
    for the book's own loop (:func:`w2vlib.lab.book_style.fit`)."""

    model: object
    optimizer: object
    batch_size: int
    trainer: type | None


def build_rung(key: str, corpus: np.ndarray, vocab_size: int, seed: int) -> Rung:
    """The model, optimizer, batch size and training loop of the slow rung ``key``.

    ``layer-dense`` is the teaching :class:`~w2vlib.models.CBOW` with the plain
    :class:`~w2vlib.trainer.Trainer` and dense :class:`~w2vlib.optim.Adam`; ``layer`` and
    ``layer-best`` swap in sparse rows (:func:`w2vlib.speed.sparse.sparse_model`) and train
    with :class:`~w2vlib.speed.sparse.SparseTrainer` and row-wise
    :class:`~w2vlib.speed.sparse.LazyAdam`.
    """
    from ..models import CBOW, SimpleCBOW

    if key == "simple":
        return Rung(OneHotInput(SimpleCBOW(vocab_size, DIM, seed=seed), vocab_size),
                    book_style.Adam(), BATCH, None)
    if key == "book":
        return Rung(book_style.CBOW(vocab_size, DIM, WINDOW, corpus, sample_size=NEGATIVE,
                                    seed=seed), book_style.Adam(), BATCH, None)
    model = CBOW(vocab_size, DIM, WINDOW, corpus, sample_size=NEGATIVE, seed=seed)
    if key == "layer-dense":
        from ..optim import Adam
        from ..trainer import Trainer

        return Rung(model, Adam(), BATCH, Trainer)
    from ..speed.sparse import LazyAdam, SparseTrainer, sparse_model

    if key == "layer":
        return Rung(sparse_model(model), LazyAdam(), BATCH, SparseTrainer)
    if key == "layer-best":
        return Rung(sparse_model(model), LazyAdam(lr=LAYER_BEST["lr"]), LAYER_BEST["batch_size"],
                    SparseTrainer)
    raise ValueError(f"{key!r} is not a layer rung")


def run_steps(rung: Rung, x, t, seed: int, seconds: float | None = None,
              max_steps: int | None = None, profiler=None) -> tuple[int, float]:
    """Train ``rung`` for a bounded time or number of steps; returns (steps, seconds).

    x: (N, 2 * WINDOW) context ids, t: (N,) targets. With ``max_steps``, exactly that many
    steps run, on random rows of (x, t) (one short epoch, so shuffling the whole corpus is
    not part of the cost). ``profiler`` (a :class:`~w2vlib.lab.profiling.PartTimer`) is
    handed to the Trainer, which times its parts with it.
    """
    batch_size = rung.batch_size
    if max_steps is not None:
        pick = np.random.default_rng(seed).integers(0, len(x), size=max_steps * batch_size)
        x, t = x[pick], t[pick]
    if rung.trainer is None:
        r = book_style.fit(rung.model, rung.optimizer, x, t, max_epoch=1 if max_steps else 10**6,
                           batch_size=batch_size, seed=seed, time_limit=seconds)
        return r["steps"], r["seconds"]
    trainer = rung.trainer(rung.model, rung.optimizer, profiler=profiler)
    if max_steps is not None:
        trainer.fit(x, t, max_epoch=1, batch_size=batch_size, seed=seed, progress=False,
                    eval_interval=max_steps, time_limit=seconds)
    else:
        trainer.fit(x, t, max_epoch=10**6, batch_size=batch_size, seed=seed, progress=False,
                    time_limit=seconds, eval_interval=50)
    return trainer.words_seen // batch_size, trainer.elapsed


def measure_rung(key: str, corpus: np.ndarray, vocab_size: int, *, seconds: float = 20.0,
                 max_steps: int | None = None, epochs: int = 10, seed: int = 0,
                 contexts: tuple[np.ndarray, np.ndarray] | None = None) -> RungResult:
    """Words per second of a slow rung, from a run bounded by ``seconds`` (and ``max_steps``).

    corpus: (T,) word ids; contexts: ``create_contexts_target(corpus, WINDOW)`` if already
    made. One warm-up step first (allocations, first-touch of the optimizer's state) is not
    counted; the result is projected to ``epochs`` epochs.
    """
    x, t = contexts if contexts is not None else create_contexts_target(corpus, WINDOW)
    rung = build_rung(key, corpus, vocab_size, seed)
    run_steps(rung, x, t, seed, max_steps=1)                                   # warm-up
    cpu0 = time.process_time()
    steps, sec = run_steps(rung, x, t, seed + 1, seconds=seconds, max_steps=max_steps)
    cpu = time.process_time() - cpu0
    batch = rung.batch_size
    return RungResult(key, RUNGS[key], words=steps * batch, seconds=sec, cpu_seconds=cpu,
                      epoch_words=len(corpus), epochs=epochs, projected=True,
                      detail=f"{steps:,} steps of {batch} in {sec:.1f} s",
                      extra={"batch_size": batch, "steps": steps})


def run_fast(key: str, corpus: np.ndarray, vocab_size: int, epochs: int, seed: int = 0):
    """Train the fast trainer (``fast*`` keys: NumPy backend; ``numba*``: the compiled
    loop, compiled or loaded from cache *before* the clock starts) for all ``epochs``,
    with the model, threads, sample and lr of :func:`~w2vlib.lab.ladder.rung_spec`;
    returns (RungResult, word_vecs (V, DIM)).

    A ``-shared`` rung asks for ``shared_negatives=True``; while
    :func:`~w2vlib.speed.train_word2vec` has no such keyword it raises
    :class:`Unavailable`, and the ladder prints the rung as skipped.
    """
    from ..speed import train_word2vec

    spec = rung_spec(key)
    workers, model = spec["workers"], spec["model"]
    backend = "numba" if key.startswith("numba") else "numpy"
    compile_seconds = 0.0
    if backend == "numba":
        from ..speed.compiled import prepare

        compile_seconds = prepare(model, workers)     # compile/load now: the clocks skip it
    kwargs = {"shared_negatives": True} if spec["shared"] else {}
    if spec["shared"]:
        try:     # compile the shared-negatives kernel before the clock starts, too
            t0 = time.perf_counter()
            train_word2vec(corpus[:2000], vocab_size, model=model, dim=DIM, window=WINDOW,
                           negative=NEGATIVE, epochs=1, seed=seed, progress=False,
                           backend=backend, workers=workers, **kwargs)
            compile_seconds += time.perf_counter() - t0
        except TypeError as e:
            raise Unavailable("train_word2vec has no shared_negatives keyword yet "
                              f"({e}); this rung runs once it lands") from None
    cpu0 = time.process_time()
    res = train_word2vec(corpus, vocab_size, model=model, dim=DIM, window=WINDOW,
                         negative=NEGATIVE, epochs=epochs, subsample=spec["sample"], seed=seed,
                         progress=False, backend=backend, workers=workers, lr=spec["lr"],
                         **kwargs)
    s = res.settings
    cpu = time.process_time() - cpu0
    if backend == "numba":
        detail = (f"{format_epochs(epochs)} run (lr {s.get('lr')}; compile/load "
                  f"{compile_seconds:.1f} s, not counted)")
    else:
        detail = f"{format_epochs(epochs)} run (batch {s.get('batch_size')}, lr {s.get('lr')})"
    r = RungResult(key, RUNGS[key], words=res.words_trained, seconds=res.seconds, cpu_seconds=cpu,
                   epoch_words=len(corpus), epochs=epochs, projected=False, detail=detail,
                   extra={"settings": s, "seed": seed})
    return r, res.word_vecs


class Unavailable(RuntimeError):
    """A rung that cannot run here (a tool or a keyword missing); its message says why."""


#: The gensim run, as a script for a fresh interpreter (argv[1]: its settings as JSON).
GENSIM_SCRIPT = r"""
import json, sys, time
import numpy as np
from gensim.models import Word2Vec
from gensim.models.word2vec_inner import FAST_VERSION
from w2vlib.datasets import load_ptb
from w2vlib.io import save_vectors

args = json.loads(sys.argv[1])
corpus, word_to_id, id_to_word = load_ptb("train")
words = [id_to_word[i] for i in corpus.tolist()]
# the same token stream as the other rungs (<eos> included, windows cross line ends),
# in pieces of 10,000 words, gensim's limit per "sentence"
chunks = [words[i:i + 10000] for i in range(0, len(words), 10000)]
model = Word2Vec(vector_size=args["dim"], window=args["window"], negative=args["negative"],
                 sg=args["sg"], hs=0, min_count=1, workers=args["workers"], sample=args["sample"],
                 alpha=args["alpha"], seed=args["seed"])
t0 = time.perf_counter()
model.build_vocab(chunks)
t1, c1 = time.perf_counter(), time.process_time()
model.train(chunks, total_examples=model.corpus_count, epochs=args["epochs"])
t2, c2 = time.perf_counter(), time.process_time()
vecs = np.stack([model.wv[id_to_word[i]] for i in range(len(id_to_word))])
save_vectors(args["out"], vecs, id_to_word, meta={"gensim": True})
print(json.dumps({"vocab_seconds": t1 - t0, "train_seconds": t2 - t1, "train_cpu_seconds": c2 - c1,
                  "words": len(words),
                  "fast_version": int(FAST_VERSION), "alpha": model.alpha,
                  "min_alpha": model.min_alpha}))
"""


def numba_unready(key: str) -> str:
    """Why this machine cannot run the compiled rung ``key`` ("" when it can)."""
    from ..speed.compiled import INSTALL_HINT, max_workers, numba_available

    if not numba_available():
        return f"numba not installed ({INSTALL_HINT})"
    workers = rung_settings(key)[1]
    if workers > max_workers():
        return f"needs {workers} threads, this machine allows {max_workers()}"
    return ""


def gensim_available() -> bool:
    """Whether gensim can be imported here (``make bench`` installs it)."""
    return importlib.util.find_spec("gensim") is not None


def _run_script(name: str, script: str, args: dict, timeout: float) -> dict:
    """Run a peer's training script in a fresh interpreter (PYTHONHASHSEED=0, one BLAS
    thread); returns the JSON its last line prints."""
    env = dict(os.environ, PYTHONHASHSEED="0", **{v: "1" for v in THREAD_VARS})
    proc = subprocess.run([sys.executable, "-c", script, json.dumps(args)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{name} subprocess failed: {tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gensim_args(key: str, epochs: int, seed: int, out: str) -> dict:
    """The settings :data:`GENSIM_SCRIPT` trains ``key`` with (``alpha``: the lr of
    :func:`~w2vlib.lab.ladder.rung_spec`, 0.025 at equal settings, gensim's default too)."""
    spec = rung_spec(key)
    return {"dim": DIM, "window": WINDOW, "negative": NEGATIVE, "sample": spec["sample"],
            "epochs": epochs, "seed": seed, "out": out, "workers": spec["workers"],
            "sg": int(spec["model"] == "skipgram"), "alpha": spec["lr"]}


def run_gensim(key: str, corpus_len: int, epochs: int, seed: int = 0, timeout: float = 1800):
    """gensim Word2Vec in a subprocess (PYTHONHASHSEED=0, one BLAS thread; model, workers,
    sample and alpha from the key: ``gensim-sg-2-sub`` = skip-gram, 2 workers, sample 1e-3).

    Returns (RungResult, word_vecs (V, DIM) in PTB id order).
    """
    from ..io import load_vectors

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gensim.npz"
        info = _run_script("gensim", GENSIM_SCRIPT, gensim_args(key, epochs, seed, str(out)),
                           timeout)
        vecs = load_vectors(out).word_vecs
    r = RungResult(key, RUNGS[key], words=info["words"] * epochs, seconds=info["train_seconds"],
                   cpu_seconds=info.get("train_cpu_seconds", 0.0),
                   epoch_words=corpus_len, epochs=epochs, projected=False,
                   detail=(f"{format_epochs(epochs)} run (alpha {info['alpha']}, "
                           f"+{info['vocab_seconds']:.1f} s vocab)"),
                   extra={**info, "seed": seed})
    if info.get("fast_version", 0) < 0:
        r.detail += " [gensim's C extension missing: pure-Python speed]"
    return r, vecs


# --------------------------------------------------------------------------- fastText

#: fastText's name for the end of a line; the corpus file has one PTB sentence a line, so
#: fastText's ``</s>`` stands where PTB has ``<eos>`` (same tokens, same vocabulary).
FASTTEXT_EOS = "</s>"

#: ``t`` for "no subsampling". fastText keeps a word with probability
#: ``sqrt(t / f) + t / f`` (f: the word's share of the corpus; ``Dictionary::initTableDiscard``)
#: and drops it when a uniform draw exceeds that, so a tiny t drops *more*, never none;
#: with t = 1 every word's keep probability is >= 2 (f <= 1) and nothing is dropped. The
#: formula is word2vec's, so t = 1e-3 is gensim's ``sample=1e-3``.
FASTTEXT_NO_SUBSAMPLING = 1.0


def fasttext_keep_probability(t: float, frequency) -> np.ndarray:
    """fastText's chance of keeping a word of corpus share ``frequency`` (may exceed 1)."""
    f = np.asarray(frequency, dtype=float)
    return np.sqrt(t / f) + t / f


def fasttext_available() -> bool:
    """Whether fastText's Python module (``fasttext-wheel``) can be imported here."""
    return importlib.util.find_spec("fasttext") is not None


def write_fasttext_corpus(path, corpus: np.ndarray, id_to_word: dict) -> Path:
    """Write ``corpus`` as text for fastText: one PTB sentence a line (``<eos>`` becomes
    the line end, which fastText reads as its ``</s>``). Returns the path."""
    eos = next((i for i, w in id_to_word.items() if w == "<eos>"), None)
    lines, line = [], []
    for i in corpus.tolist():
        if i == eos:
            lines.append(" ".join(line))
            line = []
        else:
            line.append(id_to_word[i])
    if line:
        lines.append(" ".join(line))
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fasttext_args(key: str, epochs: int, seed: int, corpus_path: str, out: str) -> dict:
    """The keyword arguments of ``fasttext.train_unsupervised`` for ``key`` (``kwargs``),
    with the corpus path and where to save the vectors.

    Subword n-grams off (``minn=maxn=0``, ``wordNgrams=1``): plain word2vec. ``t`` is
    the sample, or :data:`FASTTEXT_NO_SUBSAMPLING` for sample 0. fastText's own random
    stream is seeded per thread by its thread id, so ``seed`` only names the run.
    """
    spec = rung_spec(key)
    t = spec["sample"] if spec["sample"] > 0 else FASTTEXT_NO_SUBSAMPLING
    kwargs = {"model": spec["model"], "loss": "ns", "dim": DIM, "ws": WINDOW, "neg": NEGATIVE,
              "epoch": epochs, "minCount": 1, "minn": 0, "maxn": 0, "wordNgrams": 1,
              "lr": spec["lr"], "t": t, "thread": spec["workers"], "verbose": 0}
    return {"input": str(corpus_path), "kwargs": kwargs, "out": str(out), "seed": seed}


#: The fastText run, as a script for a fresh interpreter (argv[1]: fasttext_args as JSON).
#: ``train_unsupervised`` reads the file and builds the vocabulary before it trains; a run
#: with ``epoch=0`` does only that, and its time is subtracted.
FASTTEXT_SCRIPT = r"""
import json, sys, time
import numpy as np
import fasttext
from w2vlib.datasets import load_ptb
from w2vlib.io import save_vectors

args = json.loads(sys.argv[1])
kw = args["kwargs"]
t0, c0 = time.perf_counter(), time.process_time()
fasttext.train_unsupervised(args["input"], **dict(kw, epoch=0))
t1, c1 = time.perf_counter(), time.process_time()
model = fasttext.train_unsupervised(args["input"], **kw)
t2, c2 = time.perf_counter(), time.process_time()
_, word_to_id, id_to_word = load_ptb("train")
known = set(model.words)
vecs = np.stack([model.get_word_vector("</s>" if id_to_word[i] == "<eos>" else id_to_word[i])
                 for i in range(len(id_to_word))])
missing = [w for w in id_to_word.values() if w != "<eos>" and w not in known]
save_vectors(args["out"], vecs, id_to_word, meta={"fasttext": True})
setup, total = t1 - t0, t2 - t1
print(json.dumps({"setup_seconds": setup, "train_seconds": max(total - setup, 1e-9),
                  "train_cpu_seconds": max((c2 - c1) - (c1 - c0), 1e-9),
                  "total_seconds": total, "vocab": len(model.words), "missing": len(missing),
                  "lr": kw["lr"], "t": kw["t"]}))
"""


def run_fasttext(key: str, corpus_len: int, epochs: int, corpus_path, seed: int = 0,
                 timeout: float = 1800):
    """fastText (``fasttext-wheel``) CBOW/skip-gram with negative sampling in a subprocess,
    reading the corpus from ``corpus_path`` (:func:`write_fasttext_corpus`). Times the
    training only: the same call with ``epoch=0`` (reading, vocabulary, initialisation) is
    subtracted. Returns (RungResult, word_vecs (V, DIM) in PTB id order)."""
    from ..io import load_vectors

    if not fasttext_available():
        raise Unavailable("fastText not installed (`make bench` installs fasttext-wheel)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fasttext.npz"
        info = _run_script("fastText", FASTTEXT_SCRIPT,
                           fasttext_args(key, epochs, seed, str(corpus_path), str(out)), timeout)
        vecs = load_vectors(out).word_vecs
    if info.get("missing"):
        raise RuntimeError(f"fastText's vocabulary lacks {info['missing']} PTB words")
    r = RungResult(key, RUNGS[key], words=corpus_len * epochs, seconds=info["train_seconds"],
                   cpu_seconds=info["train_cpu_seconds"], epoch_words=corpus_len, epochs=epochs,
                   projected=False,
                   detail=(f"{format_epochs(epochs)} run (lr {info['lr']}, t {info['t']:g}; "
                           f"-{info['setup_seconds']:.1f} s reading + vocab)"),
                   extra={**info, "seed": seed})
    return r, vecs


def evaluate_quality(key: str, word_vecs: np.ndarray, word_to_id: dict, epochs: float,
                     similarity_pairs=None, seed: int = 0) -> QualityResult:
    """Analogy accuracy (3CosAdd, unit vectors) and WordSim353 Spearman of ``word_vecs`` (V, H)."""
    from ..evaluate import evaluate_analogies
    from ..similarity import evaluate_similarity

    s = evaluate_analogies(word_vecs, word_to_id).summary()["total"]
    q = QualityResult(key, RUNGS.get(key, key), epochs, s["top1"], s["top5"], s["covered"],
                      seed=seed)
    if similarity_pairs:
        r = evaluate_similarity(word_vecs, word_to_id, similarity_pairs)
        q.spearman, q.pairs_used, q.pairs_total = r.spearman, r.used, r.total
    return q
