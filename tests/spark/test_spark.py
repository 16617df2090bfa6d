"""Spark's word2vec for real (local mode): its vectors come back as ours, every tool reads them, a
PTB run passes the checks ours pass, and notebook 10 runs its live cells.

Run with ``make test-spark`` (or ``pytest tests/spark``); see conftest.py for skipping and CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from w2vlib.evaluate import evaluate_analogies, most_similar
from w2vlib.io import load_vectors
from w2vlib.lab.spark import SparkConfig, sentences, train_spark, vectors_from_spark

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "10_beyond_one_machine.ipynb"


def toy_corpus(seed=0, n_sentences=400):
    """Two topics that never share a sentence: a good model keeps them apart."""
    rng = np.random.default_rng(seed)
    topics = [["cat", "dog", "horse", "cow", "sheep"], ["red", "green", "blue", "black", "white"]]
    words = []
    for _ in range(n_sentences):
        words += list(rng.choice(topics[rng.integers(2)], 8)) + ["<eos>"]
    vocab = list(dict.fromkeys(words))
    word_to_id = {w: i for i, w in enumerate(vocab)}
    return np.array([word_to_id[w] for w in words], dtype=np.int32), word_to_id, dict(enumerate(vocab))


TOY = SparkConfig(dim=10, window=2, epochs=5, partitions=1, seed=0, max_sentence_length=9)


def test_our_vectors_are_sparks_own(spark):
    """The conversion against Spark itself: the same rows, and Spark's findSynonyms agrees with
    our most_similar on them."""
    from pyspark.ml.feature import Word2Vec

    corpus, _, id_to_word = toy_corpus()
    df = spark.createDataFrame([(r,) for r in sentences(corpus, id_to_word, 9)], "words array<string>")
    model = Word2Vec(inputCol="words", outputCol="v", **TOY.params()).fit(df)
    rows = model.getVectors().collect()
    v = vectors_from_spark([(r["word"], r["vector"].toArray()) for r in rows], id_to_word)
    for r in rows:
        np.testing.assert_allclose(v.word_vecs[v.word_to_id[r["word"]]], r["vector"].toArray(),
                                   rtol=1e-6)
    for query in ("cat", "red"):
        theirs = [w for w, _ in model.findSynonymsArray(query, 4)]
        ours = [w for w, _ in most_similar(query, v.word_to_id, v.id_to_word, v.word_vecs, top=4)]
        assert ours == theirs


def test_round_trip_into_our_formats_and_gensim(spark, tmp_path):
    corpus, word_to_id, id_to_word = toy_corpus()
    res = train_spark(corpus, id_to_word, TOY, spark=spark)
    v = res.vectors
    assert v.id_to_word == id_to_word and v.word_vecs.shape == (len(word_to_id), 10)
    assert v.word_vecs.dtype == np.float32 and np.isfinite(v.word_vecs).all()
    assert res.seconds > 0 and res.words_trained == 5 * len(corpus) and res.startup_seconds == 0
    assert res.settings["spark"]["numPartitions"] == 1 and res.settings["java"] >= 17
    # the topics are learned: every animal's nearest words are animals
    animals = {"cat", "dog", "horse", "cow", "sheep"}
    near = [w for w, _ in most_similar("cat", v.word_to_id, v.id_to_word, v.word_vecs, top=4)]
    assert set(near) == animals - {"cat"}, near

    for name, exact in (("v.npz", True), ("v.bin", True), ("v.txt", False)):
        path = res.save(tmp_path / name)
        back = load_vectors(path)
        assert back.id_to_word == id_to_word
        np.testing.assert_allclose(back.word_vecs, v.word_vecs, rtol=0 if exact else 1e-5,
                                   atol=0 if exact else 1e-7)
    assert load_vectors(tmp_path / "v.npz").meta["spark"]["spark"] == TOY.params()

    gensim = pytest.importorskip("gensim.models", reason="gensim is not installed (the dev extra)")
    for name, binary in (("v.txt", False), ("v.bin", True)):
        kv = gensim.KeyedVectors.load_word2vec_format(str(tmp_path / name), binary=binary)
        assert kv.index_to_key == [id_to_word[i] for i in range(len(id_to_word))]
        np.testing.assert_allclose(kv["dog"], v.word_vecs[word_to_id["dog"]], rtol=1e-5, atol=1e-7)
        assert kv.most_similar("cat", topn=4)[0][0] == near[0]


@pytest.mark.needs_ptb
def test_a_ptb_run_passes_our_checks(spark):
    """Two partitions, one epoch: neighbours as our trainers' tests demand, analogies above a floor
    (measured, 2 partitions, 1 epoch: top-1 0.9 / 1.1 %, top-5 2.9 / 3.2 % for seeds 0 / 1 in
    w2vlib/data/spark/ptb_spark.json; chance is about 0.05 % for top-5)."""
    from w2vlib.datasets import load_ptb

    corpus, word_to_id, id_to_word = load_ptb("train")
    res = train_spark(corpus, id_to_word, SparkConfig(partitions=2, epochs=1), spark=spark)
    v = res.vectors
    assert v.word_to_id == word_to_id and v.word_vecs.shape == (10_000, 100)
    assert "month" in [w for w, _ in most_similar("year", word_to_id, id_to_word, v.word_vecs, top=5)]
    total = evaluate_analogies(v.word_vecs, word_to_id).summary()["total"]
    assert total["covered"] == 4_716 and total["top5"] >= 0.02, total
    assert res.words_trained == len(corpus) and res.words_per_sec > 1_000


def no_java_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_HOME")}
    env["PATH"] = str(tmp_path)
    return env


def test_without_java_the_command_line_names_the_fix(spark_ready, tmp_path):
    """pyspark installed, Java gone (an empty PATH, no JAVA_HOME): our message, not a JVM trace."""
    proc = subprocess.run([sys.executable, "-m", "w2vlib.lab.spark", "--out", str(tmp_path / "v.txt")],
                          env=no_java_env(tmp_path), capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 2
    assert "no `java` on PATH and JAVA_HOME is not set" in proc.stderr
    assert ".ci/install-java" in proc.stderr and "[spark]" not in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.needs_ptb
def test_the_command_line_trains_and_writes_word2vec_text(spark_ready, tmp_path):
    out = tmp_path / "ptb_spark.txt"
    proc = subprocess.run([sys.executable, "-m", "w2vlib.lab.spark", "--partitions", "2",
                           "--epochs", "1", "--out", str(out)], capture_output=True, text=True,
                          cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "words/s" in proc.stdout and "month" in proc.stdout.splitlines()[-1]
    # the JVM's console notes went to its log file, not to our stderr
    assert "WARN" not in proc.stderr and "log4j" not in proc.stderr
    v = load_vectors(out)
    assert v.word_vecs.shape == (10_000, 100)
    evaluate = subprocess.run([sys.executable, "-m", "w2vlib.evaluate", str(out), "--words", "year"],
                              capture_output=True, text=True, cwd=REPO, timeout=300)
    assert evaluate.returncode == 0 and "month" in evaluate.stdout, evaluate.stderr[-2000:]


def test_the_shipped_measurements_are_whole():
    """What notebook 10 reads: every engine x size x epochs x seed, scored the same way."""
    from w2vlib.lab.spark_measure import (
        DEFAULT_EPOCHS,
        DEFAULT_PARTITIONS,
        DEFAULT_SEEDS,
        DEFAULT_THREADS,
        load_measurements,
    )

    info = load_measurements()
    keys = {(r["engine"], r.get("partitions") or r.get("threads"), r["epochs"], r["seed"])
            for r in info["runs"]}
    assert keys == {(e, n, ep, s) for e, ns in (("spark", DEFAULT_PARTITIONS), ("compiled", DEFAULT_THREADS))
                    for n in ns for ep in DEFAULT_EPOCHS for s in DEFAULT_SEEDS}
    assert all(r["analogy_covered"] == 4_716 and r["wordsim353"] is not None for r in info["runs"])
    assert info["java"] >= 17 and info["master"].startswith("local[") and info["machine"]["cpu"]


@pytest.mark.needs_ptb
@pytest.mark.skipif(not NOTEBOOK.is_file(), reason="notebooks/10_beyond_one_machine.ipynb missing")
def test_notebook_10_runs_its_live_cells(spark_ready, tmp_path):
    """Notebook 10 under strict nbval with W2VLIB_SPARK=1: its live Spark cell trains, and the cell
    after it checks what must hold on any machine."""
    env = dict(os.environ, W2VLIB_SPARK="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-current-env", str(NOTEBOOK)], env=env, capture_output=True,
                          text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert " passed" in proc.stdout.splitlines()[-1]
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert any("W2VLIB_SPARK" in "".join(c["source"]) for c in cells)
