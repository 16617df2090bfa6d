"""word2vec on Apache Spark (``pyspark.ml.feature.Word2Vec``), on the same PTB stream as ours.

Spark's MLlib has a word2vec built in: skip-gram with hierarchical softmax, data-parallel over
*partitions*. Each iteration every partition trains a copy of the model on its share of the
sentences, and the driver then averages, row by row, the copies of every row that some partition
changed (SPARK-24666). This module runs it beside our compiled loop so the two can be measured on
one corpus (notebook 10, :mod:`w2vlib.lab.spark_measure`)::

    from w2vlib.datasets import load_ptb
    from w2vlib.lab.spark import SparkConfig, train_spark

    corpus, word_to_id, id_to_word = load_ptb("train")
    res = train_spark(corpus, id_to_word, SparkConfig(partitions=2, epochs=1))
    res.vectors          # a w2vlib.io.WordVectors, rows in our id order
    res.words_per_sec    # corpus words per second of Spark's fit()
    res.save("ptb_spark.txt")     # word2vec text: gensim, evaluate and the explorers read it

    python -m w2vlib.lab.spark --partitions 2 --epochs 1 --out ptb_spark.txt
    python -m w2vlib.lab.spark --master spark://HOST:7077 --partitions 16 --out ptb_spark.txt
    python -m w2vlib.lab.spark --measure          # the table of notebook 10

**What it needs.** ``pyspark`` (the ``spark`` extra: ``pip install -e '.[spark]'``, or
``make test-spark``) and a Java runtime, 17 or newer, on ``PATH`` or in ``JAVA_HOME``
(``.ci/install-java`` installs Debian's). Without either, :func:`check_spark` raises
:class:`SparkUnavailableError` naming the fix. Nothing else in w2vlib imports this module.

**The same stream.** Our trainers read PTB as one stream of ids, each line followed by ``<eos>``,
and their windows cross line ends (:func:`w2vlib.datasets.load_ptb`). Spark's input is a column
of sentences (arrays of words), and its windows stop at a sentence's end. :func:`sentences` cuts
our stream, ``<eos>`` included, into rows of ``max_sentence_length`` words (1,000, Spark's own
default): windows are cut only at those 930 seams, where a few context words in 1,000 are lost.

**Settings** are mapped from ours by :class:`SparkConfig` (``dim`` -> ``vectorSize``, ``window``
-> ``windowSize``, ``lr`` -> ``stepSize``, ``epochs`` -> ``maxIter``, ``partitions`` ->
``numPartitions``, ``seed``, ``min_count`` -> ``minCount``); :meth:`SparkConfig.from_ours` takes
the ``settings`` of a :func:`w2vlib.speed.train_word2vec` result and refuses what Spark cannot do
(CBOW, subsampling, a fixed window). Spark always draws each centre's radius from 1..window, as
ours does; its learning rate decays linearly over all iterations, each partition guessing the
progress as ``partitions x`` its own word count.

**Local by default.** ``local[N]`` (N: this machine's cores), the driver bound to 127.0.0.1, the
Spark UI off, logs at ERROR. A master URL (``spark://...``, ``yarn``, ``k8s://...``) is passed on
as it is, and then the driver's address is left to Spark's own configuration (``spark-defaults.conf``,
``SPARK_LOCAL_IP``), since the executors on other machines must reach it.

Apache Spark and pyspark are Apache-2.0 licensed (The Apache Software Foundation); they are an
optional extra, not shipped with w2vlib.
"""

from __future__ import annotations

import heapq
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..io import WordVectors, save_vectors

__all__ = ["SparkUnavailableError", "SparkConfig", "MIN_JAVA", "JAVA_HINT", "PYSPARK_HINT",
           "java_version", "java_problem", "pyspark_problem", "check_spark", "session_conf",
           "start_session", "jvm_log", "default_master", "sentences", "SparkResult", "train_spark",
           "vectors_from_spark", "huffman_code_lengths", "main"]

#: The oldest Java that Spark 4 runs on.
MIN_JAVA = 17
JAVA_HINT = ("install one with `.ci/install-java` (Debian/Ubuntu, as root: apt-get install -y "
             "default-jre-headless), or set JAVA_HOME to a Java 17+ runtime")
PYSPARK_HINT = ("install the `spark` extra: `pip install -e '.[spark]'` (or run `make test-spark`, "
                "which installs it and Java)")
#: Spark's own default cut for long sentences (``maxSentenceLength``).
SENTENCE_LENGTH = 1000


class SparkUnavailableError(RuntimeError):
    """Spark cannot run here: pyspark or Java is missing. The message names the fix."""


# --------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class SparkConfig:
    """Our names for the settings of ``pyspark.ml.feature.Word2Vec`` (see :meth:`params`).

    dim: vector size; window: the largest context radius; lr: starting learning rate; epochs:
    passes over the corpus; partitions: how many slices train in parallel; seed; min_count:
    words seen fewer times are dropped (1 keeps PTB's 10,000); max_sentence_length: rows are
    cut at this many words.

    >>> SparkConfig(dim=50, partitions=4).params()["numPartitions"]
    4
    """

    dim: int = 100
    window: int = 5
    lr: float = 0.025
    epochs: int = 1
    partitions: int = 1
    seed: int = 0
    min_count: int = 1
    max_sentence_length: int = SENTENCE_LENGTH

    def __post_init__(self):
        for name in ("dim", "window", "epochs", "partitions", "min_count", "max_sentence_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise ValueError(f"seed must be an int (Spark takes a 64-bit seed), got {self.seed!r}")
        if not (isinstance(self.lr, (int, float)) and 0 < self.lr < 1):
            raise ValueError(f"lr must be a number in (0, 1), got {self.lr!r}")

    def params(self) -> dict[str, Any]:
        """The keyword arguments of ``pyspark.ml.feature.Word2Vec`` for these settings."""
        return {"vectorSize": int(self.dim), "windowSize": int(self.window),
                "stepSize": float(self.lr), "maxIter": int(self.epochs),
                "numPartitions": int(self.partitions), "seed": int(self.seed),
                "minCount": int(self.min_count),
                "maxSentenceLength": int(self.max_sentence_length)}

    @classmethod
    def from_ours(cls, settings: Mapping[str, Any], partitions: int = 1,
                  min_count: int = 1) -> SparkConfig:
        """The Spark run closest to one of ours, from its ``Word2VecResult.settings``.

        Spark trains skip-gram with hierarchical softmax, with no subsampling and always a
        shrunk window: a CBOW run, ``subsample > 0`` or ``shrink_window=False`` raise
        ValueError saying so. Negatives, the sampler's power, the backend and the threads have
        no Spark counterpart and are left out (hierarchical softmax needs no negatives).
        """
        model = settings.get("model", "skipgram")
        if model != "skipgram":
            raise ValueError(f"Spark's Word2Vec trains skip-gram only, not {model!r}: compare it "
                             "with model='skipgram'")
        if settings.get("subsample", 0) not in (0, 0.0, None):
            raise ValueError(f"Spark's Word2Vec does not subsample frequent words (subsample="
                             f"{settings['subsample']!r}): compare it with subsample=0")
        if settings.get("shrink_window", True) is False:
            raise ValueError("Spark always draws each centre's window radius from 1..window: "
                             "compare it with shrink_window=True")
        from ..speed.config import DEFAULT_LR

        lr = settings.get("lr") or DEFAULT_LR["skipgram"]
        return cls(dim=settings.get("dim", 100), window=settings.get("window", 5), lr=lr,
                   epochs=settings.get("epochs", 1), partitions=partitions,
                   seed=settings.get("seed", 0) or 0, min_count=min_count)


# --------------------------------------------------------------------------- Java and pyspark

def java_version(java: str | os.PathLike) -> int | None:
    """The major version of the ``java`` executable at ``java`` (17 for "17.0.15", 8 for
    "1.8.0_392"), or None if it does not run or says nothing we can read."""
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def _java_executable() -> tuple[str | None, str]:
    """(the java Spark would start, where it came from), as pyspark looks: JAVA_HOME, then PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return (str(java) if java.is_file() else None), f"JAVA_HOME={home}"
    return shutil.which("java"), "PATH"


def java_problem() -> str | None:
    """Why Spark cannot start a Java here (a sentence naming the fix), or None when it can."""
    java, where = _java_executable()
    if java is None:
        found = ("JAVA_HOME is set but has no bin/java" if where != "PATH"
                 else "no `java` on PATH and JAVA_HOME is not set")
        return f"Spark needs a Java runtime ({MIN_JAVA} or newer): {found} ({where}); {JAVA_HINT}"
    version = java_version(java)
    if version is None:
        return f"Spark needs a Java runtime: {java} did not answer `java -version`; {JAVA_HINT}"
    if version < MIN_JAVA:
        return f"Spark 4 needs Java {MIN_JAVA} or newer, {java} is Java {version}; {JAVA_HINT}"
    return None


def pyspark_problem() -> str | None:
    """Why pyspark cannot be imported here (naming the fix), or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return f"pyspark is not installed: {PYSPARK_HINT}"
    return None


def check_spark() -> None:
    """Raise :class:`SparkUnavailableError` if pyspark or Java is missing (the message names
    each missing piece and how to install it); return None when Spark can run."""
    problems = [p for p in (pyspark_problem(), java_problem()) if p]
    if problems:
        raise SparkUnavailableError("\n".join(problems))


# --------------------------------------------------------------------------- the session

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# the shell's own level: the same, so Spark does not announce "Setting default log level"
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""


def _scratch(suffix: str) -> Path:
    return Path(tempfile.gettempdir()) / f"w2vlib-spark-{os.getpid()}{suffix}"


def _log4j_file() -> Path:
    """A log4j2 configuration that prints errors only (written once per process)."""
    path = _scratch("-log4j2.properties")
    if not path.is_file():
        path.write_text(_LOG4J, encoding="utf-8")
    return path


def jvm_log() -> Path:
    """Where the JVM that :func:`start_session` launched writes its console output."""
    return _scratch(".log")


def _get_or_create(builder):
    """``builder.getOrCreate()`` with the JVM's stderr sent to :func:`jvm_log`.

    The JVM inherits this process's stderr when it is launched, and would print its start-up
    notes (and, in a notebook, into the cell's output) for the rest of the session.
    """
    import sys

    log = jvm_log()
    sys.stderr.flush()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    saved = os.dup(2)
    try:
        os.dup2(fd, 2)
        return builder.getOrCreate()
    except Exception as e:
        os.dup2(saved, 2)
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise SparkUnavailableError(f"Spark did not start ({type(e).__name__}: {e}); the JVM's "
                                    f"output is in {log}:\n{tail}") from e
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def default_master() -> str:
    """``local[N]``, N = the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:                       # not Linux
        cores = os.cpu_count() or 1
    return f"local[{max(1, cores)}]"


def session_conf(master: str, driver_memory: str = "2g",
                 log4j: str | os.PathLike | None = None) -> dict[str, str]:
    """The Spark configuration :func:`start_session` uses for ``master`` (no JVM needed).

    Always: the UI and the console progress bar off, the driver's memory, quiet logs. For a
    ``local`` master also: driver host and bind address 127.0.0.1, so nothing listens beyond
    this machine.
    """
    conf = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
            "spark.driver.memory": driver_memory}
    if log4j is not None:
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j.configurationFile=file:{log4j}"
    if master.startswith("local"):
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
    return conf


def start_session(master: str | None = None, *, app_name: str = "w2vlib",
                  driver_memory: str = "2g"):
    """A ``SparkSession`` on ``master`` (default :func:`default_master`), configured by
    :func:`session_conf`. Raises :class:`SparkUnavailableError` first if Spark cannot run.

    Spark keeps one session per process: if one is already running, ``getOrCreate`` returns it
    with its own settings. Call ``.stop()`` on it when done. The JVM's console output (start-up
    notes, warnings) goes to :func:`jvm_log`, not to this process's stderr; a session that does
    not start raises :class:`SparkUnavailableError` with the end of that log.
    """
    check_spark()
    master = master or default_master()
    if master.startswith("local"):
        # the JVM reads this before any configuration: no "resolves to a loopback address"
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in session_conf(master, driver_memory, _log4j_file()).items():
        builder = builder.config(key, value)
    spark = _get_or_create(builder)
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------- data in, vectors out

def sentences(corpus, id_to_word: Mapping[int, str], max_len: int = SENTENCE_LENGTH) -> list[list[str]]:
    """Our token stream as Spark's rows: ``corpus: (T,)`` ids (``<eos>`` included, as
    :func:`~w2vlib.datasets.load_ptb` gives them) cut into lists of ``max_len`` words.

    >>> sentences([0, 1, 2, 0, 1], {0: "a", 1: "b", 2: "<eos>"}, max_len=2)
    [['a', 'b'], ['<eos>', 'a'], ['b']]
    """
    if isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer)) or max_len < 1:
        raise ValueError(f"max_len must be a whole number >= 1, got {max_len!r}")
    words = [id_to_word[i] for i in np.asarray(corpus).tolist()]
    return [words[i:i + max_len] for i in range(0, len(words), max_len)]


def vectors_from_spark(pairs: Sequence[tuple[str, Sequence[float]]], id_to_word: Mapping[int, str],
                       meta: Mapping[str, Any] | None = None) -> WordVectors:
    """Spark's ``(word, vector)`` pairs as our :class:`~w2vlib.io.WordVectors`, rows in our id order.

    Spark numbers words by falling count; we number them by first appearance. Words Spark
    dropped (``min_count``) are left out and the rest renumbered in our order, so the ids stay
    0..V-1. A word Spark returns that we do not know raises ValueError.
    """
    spark_vecs = {w: np.asarray(v, dtype=np.float32) for w, v in pairs}
    ours = set(id_to_word.values())
    unknown = sorted(set(spark_vecs) - ours)
    if unknown:
        raise ValueError(f"Spark returned {len(unknown)} words that are not in our vocabulary, "
                         f"e.g. {unknown[:3]}: was it trained on another corpus?")
    kept = [id_to_word[i] for i in sorted(id_to_word) if id_to_word[i] in spark_vecs]
    if not kept:
        raise ValueError("Spark returned no vectors")
    word_vecs = np.stack([spark_vecs[w] for w in kept])
    return WordVectors(word_vecs, {w: i for i, w in enumerate(kept)}, dict(enumerate(kept)),
                       dict(meta or {}))


@dataclass
class SparkResult:
    """What :func:`train_spark` returns.

    ``vectors``: our :class:`~w2vlib.io.WordVectors` ((V, dim) float32, our id order);
    ``seconds``: Spark's ``fit()`` -- counting the words, building the Huffman tree, spreading
    the rows over the partitions and every iteration with its averaging; ``startup_seconds``:
    starting the session (0 for a session passed in); ``words_trained``: ``epochs x`` corpus
    words; ``settings``: the Spark parameters, the master, the Spark and Java versions.
    """

    vectors: WordVectors
    seconds: float
    words_trained: int
    startup_seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def word_vecs(self) -> np.ndarray:
        """(V, dim) float32, row ``i`` for our word ``i``."""
        return self.vectors.word_vecs

    @property
    def words_per_sec(self) -> float:
        """Corpus words per second of ``fit()`` (as our trainers count: every word, every epoch)."""
        return self.words_trained / self.seconds if self.seconds > 0 else 0.0

    def save(self, path: str | os.PathLike, **kwargs) -> Path:
        """Write the vectors with :func:`w2vlib.io.save_vectors` (``.txt``: word2vec text)."""
        v = self.vectors
        return save_vectors(path, v.word_vecs, v.id_to_word, meta={"spark": self.settings}, **kwargs)


def train_spark(corpus, id_to_word: Mapping[int, str], config: SparkConfig | None = None, *,
                spark=None, master: str | None = None) -> SparkResult:
    """Train Spark's Word2Vec on ``corpus: (T,)`` ids and bring the vectors back as ours.

    ``spark``: a running session to use (it is left running); else one is started on
    ``master`` (default ``local[N]``) and stopped afterwards. Raises
    :class:`SparkUnavailableError` when pyspark or Java is missing.
    """
    config = config or SparkConfig()
    rows = sentences(corpus, id_to_word, config.max_sentence_length)
    own = spark is None
    t0 = time.perf_counter()
    if own:
        spark = start_session(master)
    startup = time.perf_counter() - t0 if own else 0.0
    try:
        from pyspark.ml.feature import Word2Vec

        df = spark.createDataFrame([(r,) for r in rows], "words array<string>")
        w2v = Word2Vec(inputCol="words", outputCol="vector", **config.params())
        t1 = time.perf_counter()
        model = w2v.fit(df)
        seconds = time.perf_counter() - t1
        pairs = [(r["word"], r["vector"].toArray()) for r in model.getVectors().collect()]
        settings = {"spark": config.params(), "ours": asdict(config),
                    "master": spark.sparkContext.master, "spark_version": spark.version,
                    "java": java_version(_java_executable()[0] or "java")}
    finally:
        if own:
            spark.stop()
    vectors = vectors_from_spark(pairs, id_to_word, meta={"spark": settings})
    return SparkResult(vectors, seconds, config.epochs * len(corpus), startup, settings)


# --------------------------------------------------------------------------- hierarchical softmax

def huffman_code_lengths(counts) -> np.ndarray:
    """Each word's depth in the Huffman tree of ``counts: (V,)``: how many yes/no questions
    (inner nodes, each with its own output vector) hierarchical softmax asks to score it.

    Frequent words sit near the root. Ties are broken by word id, so the result is repeatable.

    >>> huffman_code_lengths([4, 2, 1, 1]).tolist()
    [1, 2, 3, 3]
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or len(counts) < 2 or np.any(counts <= 0):
        raise ValueError("counts must be a 1-D array of at least 2 positive counts")
    depth = np.zeros(len(counts), dtype=np.int64)
    # each heap entry: (count, tie-breaker, the word ids below this node)
    heap = [(int(c), i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    tie = len(counts)
    while len(heap) > 1:
        c1, _, w1 = heapq.heappop(heap)
        c2, _, w2 = heapq.heappop(heap)
        merged = w1 + w2
        depth[merged] += 1
        heapq.heappush(heap, (c1 + c2, tie, merged))
        tie += 1
    return depth


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.lab.spark``: see :mod:`w2vlib.lab.spark_measure`."""
    from .spark_measure import main as measure_main

    return measure_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
