"""w2vlib.lab.spark without a JVM: the settings mapping, the rows, the session's configuration,
the Huffman depths and the errors a learner sees when pyspark or Java is missing.

(The Spark runs themselves are in tests/spark/, which only `make test-spark` collects.)
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from w2vlib.lab import spark as sp
from w2vlib.lab.spark import SparkConfig, SparkUnavailableError

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- settings

def test_our_names_map_to_sparks():
    c = SparkConfig(dim=50, window=3, lr=0.01, epochs=4, partitions=2, seed=7, min_count=5,
                    max_sentence_length=500)
    assert c.params() == {"vectorSize": 50, "windowSize": 3, "stepSize": 0.01, "maxIter": 4,
                          "numPartitions": 2, "seed": 7, "minCount": 5, "maxSentenceLength": 500}
    # the defaults: our skip-gram's starting rate (and Spark's), PTB's whole vocabulary
    d = SparkConfig().params()
    assert d["stepSize"] == 0.025 and d["minCount"] == 1 and d["maxSentenceLength"] == 1000


def test_the_params_are_the_names_pyspark_takes():
    pytest.importorskip("pyspark", reason="pyspark is not installed (the `spark` extra)")
    import inspect

    from pyspark.ml.feature import Word2Vec

    # (a Word2Vec() object needs a running SparkContext; its constructor's keywords do not)
    assert set(SparkConfig().params()) <= set(inspect.signature(Word2Vec.__init__).parameters)


def test_from_the_settings_of_one_of_our_runs():
    from w2vlib.speed import train_word2vec

    rng = np.random.default_rng(0)
    res = train_word2vec(rng.integers(0, 20, 400), 20, model="skipgram", dim=8, window=2, epochs=3,
                         lr=0.02, seed=3, progress=False)
    c = SparkConfig.from_ours(res.settings, partitions=4)
    assert (c.dim, c.window, c.lr, c.epochs, c.partitions, c.seed) == (8, 2, 0.02, 3, 4, 3)
    # lr=None in ours means its default for skip-gram, 0.025
    assert SparkConfig.from_ours({"model": "skipgram", "lr": None}).lr == 0.025


@pytest.mark.parametrize("settings, match", [
    ({"model": "cbow"}, "skip-gram only"),
    ({"model": "skipgram", "subsample": 1e-3}, "does not subsample"),
    ({"model": "skipgram", "shrink_window": False}, "1..window"),
])
def test_what_spark_cannot_do_is_refused_by_name(settings, match):
    with pytest.raises(ValueError, match=match):
        SparkConfig.from_ours(settings)


@pytest.mark.parametrize("kwargs, match", [
    ({"dim": 0}, "dim must be a whole number"), ({"partitions": 1.5}, "partitions"),
    ({"epochs": True}, "epochs"), ({"lr": 0}, "lr must be"), ({"lr": "0.1"}, "lr must be"),
    ({"seed": None}, "seed must be an int"),
])
def test_bad_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SparkConfig(**kwargs)


# ---------------------------------------------------------------- rows and vectors

def test_rows_keep_the_stream_and_its_eos():
    id_to_word = {0: "the", 1: "cat", 2: "<eos>"}
    corpus = np.array([0, 1, 2, 0, 1, 2, 0], dtype=np.int32)
    rows = sp.sentences(corpus, id_to_word, max_len=3)
    assert rows == [["the", "cat", "<eos>"], ["the", "cat", "<eos>"], ["the"]]
    assert sum(rows, []) == [id_to_word[i] for i in corpus]       # nothing dropped or reordered
    with pytest.raises(ValueError, match="max_len"):
        sp.sentences(corpus, id_to_word, max_len=0)


def test_sparks_vectors_come_back_in_our_id_order():
    id_to_word = {0: "b", 1: "a", 2: "c"}
    pairs = [("a", [1.0, 1.0]), ("c", [2.0, 0.0]), ("b", [0.0, 3.0])]      # Spark: by count
    v = sp.vectors_from_spark(pairs, id_to_word, meta={"x": 1})
    assert v.id_to_word == id_to_word and v.word_to_id == {"b": 0, "a": 1, "c": 2}
    assert v.word_vecs.dtype == np.float32
    np.testing.assert_array_equal(v.word_vecs, [[0, 3], [1, 1], [2, 0]])
    assert v.meta == {"x": 1}
    # a word Spark dropped (min_count): left out, the others renumbered in our order
    v = sp.vectors_from_spark(pairs[:2], id_to_word)
    assert v.id_to_word == {0: "a", 1: "c"}
    np.testing.assert_array_equal(v.word_vecs, [[1, 1], [2, 0]])
    with pytest.raises(ValueError, match="not in our vocabulary"):
        sp.vectors_from_spark([("zebra", [1.0])], id_to_word)


# ---------------------------------------------------------------- the session

def test_local_sessions_listen_on_loopback_only_and_show_no_ui():
    conf = sp.session_conf("local[2]", log4j="/tmp/x.properties")
    assert conf["spark.driver.host"] == conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.ui.enabled"] == "false" and conf["spark.ui.showConsoleProgress"] == "false"
    assert conf["spark.driver.extraJavaOptions"] == "-Dlog4j.configurationFile=file:/tmp/x.properties"
    # a cluster's executors must reach the driver: its address is left to Spark's configuration
    cluster = sp.session_conf("spark://10.1.2.3:7077")
    assert "spark.driver.host" not in cluster and cluster["spark.ui.enabled"] == "false"
    assert sp.default_master().startswith("local[")


# ---------------------------------------------------------------- hierarchical softmax

def test_huffman_depths():
    assert sp.huffman_code_lengths([4, 2, 1, 1]).tolist() == [1, 2, 3, 3]
    assert sp.huffman_code_lengths([1, 1]).tolist() == [1, 1]
    counts = np.random.default_rng(0).integers(1, 1000, 300)
    depth = sp.huffman_code_lengths(counts)
    assert np.isclose(np.sum(2.0 ** -depth), 1.0)            # a full binary tree (Kraft equality)
    assert depth[np.argmax(counts)] <= depth[np.argmin(counts)]
    uniform = sp.huffman_code_lengths(np.ones(1024, dtype=int))
    assert set(uniform.tolist()) == {10}                        # log2(1024) for equal counts
    with pytest.raises(ValueError, match="positive"):
        sp.huffman_code_lengths([3, 0])


# ---------------------------------------------------------------- missing pieces, named

def test_no_java_anywhere_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))                   # an empty directory
    msg = sp.java_problem()
    assert "no `java` on PATH and JAVA_HOME is not set" in msg
    assert ".ci/install-java" in msg and "default-jre-headless" in msg
    monkeypatch.setattr(sp, "pyspark_problem", lambda: None)
    with pytest.raises(SparkUnavailableError, match="install-java"):
        sp.check_spark()
    with pytest.raises(SparkUnavailableError, match="install-java"):
        sp.start_session()                                       # before any JVM is launched


def test_an_empty_java_home_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    msg = sp.java_problem()
    assert "JAVA_HOME is set but has no bin/java" in msg and str(tmp_path) in msg


def fake_java(folder: Path, version_line: str) -> Path:
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return java


@pytest.mark.skipif(os.name != "posix", reason="a shell-script java")
def test_an_old_java_is_named(monkeypatch, tmp_path):
    java = fake_java(tmp_path, 'openjdk version "1.8.0_392"')
    assert sp.java_version(java) == 8
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert "needs Java 17 or newer" in sp.java_problem() and "Java 8" in sp.java_problem()
    assert sp.java_version(fake_java(tmp_path / "new", 'openjdk version "21.0.2" 2024-01-16')) == 21
    assert sp.java_version(tmp_path / "nothing") is None


def test_no_pyspark_names_the_extra_and_the_make_target(monkeypatch):
    real = sp.importlib.util.find_spec
    monkeypatch.setattr(sp.importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyspark" else real(name, *a))
    msg = sp.pyspark_problem()
    assert "pip install -e '.[spark]'" in msg and "make test-spark" in msg
    with pytest.raises(SparkUnavailableError, match=r"\[spark\]"):
        sp.check_spark()


def test_the_command_line_without_java_exits_with_the_fix(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)
    out = tmp_path / "v.txt"
    proc = subprocess.run([sys.executable, "-m", "w2vlib.lab.spark", "--out", str(out)], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "error: " in proc.stderr and ".ci/install-java" in proc.stderr
    assert not out.exists()


def test_the_command_line_refuses_to_overwrite(tmp_path):
    out = tmp_path / "v.txt"
    out.write_text("mine")
    proc = subprocess.run([sys.executable, "-m", "w2vlib.lab.spark", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert out.read_text() == "mine"
