"""w2vlib.lab.paper_table: a tiny grid runs, the CSV round-trips, bad arguments fail clearly, the CLI
writes the CSV and its JSON sidecar, and the committed table is complete and sane."""

import inspect
import json
import math
import re

import numpy as np
import pytest

from w2vlib.datasets import shipped_file
from w2vlib.evaluate import evaluate_analogies
from w2vlib.lab import paper_table as pt
from w2vlib.lab.machine import machine_info
from w2vlib.speed import word2vec as fast

COMMITTED = shipped_file("paper_table", "ptb_grid.csv", must_exist=False)
PTB_TRAIN_TOKENS = 929_589


def toy_data():
    """40-word vocabulary, a 4,000-token seeded stream of words 0..29 (30..39 never occur), and
    5 questions: 4 covered (one of them asks about w35, which never occurs), 1 with an unknown word."""
    rng = np.random.default_rng(0)
    word_to_id = {f"w{i}": i for i in range(40)}
    corpus = rng.integers(0, 30, size=4000)
    questions = {
        "family": [("w1", "w2", "w3", "w4"), ("w5", "w6", "w7", "unknown"), ("w8", "w9", "w10", "w35")],
        "gram8-plural": [("w11", "w12", "w13", "w14"), ("w15", "w16", "w17", "w18")],
    }
    return corpus, word_to_id, questions


def assert_sane(row):
    for key in ("top1", "top5"):
        for kind in ("semantic", "syntactic", "total"):
            assert 0.0 <= row[f"{kind}_{key}"] <= 1.0
        # total is the pooled accuracy: the covered-weighted mean of semantic and syntactic
        sem, syn = row[f"semantic_{key}"], row[f"syntactic_{key}"]
        n_sem, n_syn = row["semantic_covered"], row["syntactic_covered"]
        assert row[f"total_{key}"] == pytest.approx((n_sem * sem + n_syn * syn) / (n_sem + n_syn),
                                                    abs=2e-6)
        assert min(sem, syn) - 1e-6 <= row[f"total_{key}"] <= max(sem, syn) + 1e-6
        # an accuracy times its question count is a whole number of right answers (up to the
        # rounding of the stored accuracy to 6 decimals)
        for kind in ("semantic", "syntactic", "total"):
            right = row[f"{kind}_{key}"] * row[f"{kind}_covered"]
            assert abs(right - round(right)) <= 5e-7 * row[f"{kind}_covered"] + 1e-9
    for kind in ("semantic", "syntactic", "total"):
        assert row[f"{kind}_top1"] <= row[f"{kind}_top5"]
        assert 0 <= row[f"{kind}_covered"] <= row[f"{kind}_questions"]
    assert row["semantic_covered"] + row["syntactic_covered"] == row["total_covered"]
    assert row["coverage"] == pytest.approx(row["total_covered"] / row["total_questions"], abs=1e-6)
    assert 0 <= row["total_seen"] <= row["total_covered"]
    assert row["seconds"] > 0 and row["cpu_seconds"] > 0
    # every epoch passes the whole prefix: words/s = epochs * corpus words / seconds (seconds are
    # rounded to 1 ms, which matters for the toy's runs of a few ms)
    assert row["words_per_sec"] == pytest.approx(row["epochs"] * row["corpus_words"] / row["seconds"],
                                                 rel=2e-3 + 5e-4 / max(row["seconds"] - 5e-4, 1e-6))
    assert math.isfinite(row["final_loss"]) and row["final_loss"] > 0


# ---------------------------------------------------------------------------
# the grid on a toy corpus
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def toy_rows():
    corpus, word_to_id, questions = toy_data()
    return pt.run_grid(corpus, word_to_id, questions, models=("cbow", "skipgram"), dims=(4, 8),
                       fractions=(0.5, 1.0), epochs=1)


def test_tiny_grid_has_every_cell_in_order(toy_rows):
    cells = [(r["model"], r["dim"], r["fraction"]) for r in toy_rows]
    assert cells == [(m, d, f) for m in ("cbow", "skipgram") for d in (4, 8) for f in (0.5, 1.0)]
    for row in toy_rows:
        assert list(row) == list(pt.FIELDS)
        assert row["corpus_words"] == {0.5: 2000, 1.0: 4000}[row["fraction"]]
        assert (row["semantic_covered"], row["syntactic_covered"], row["total_covered"]) == (2, 2, 4)
        assert (row["semantic_questions"], row["syntactic_questions"], row["total_questions"]) == (3, 2, 5)
        assert row["total_seen"] == 3                       # w35 never occurs
        assert (row["window"], row["negative"], row["subsample"], row["seed"]) == (5, 5, 1e-3, 0)
        assert row["lr"] == fast.DEFAULT_LR[row["model"]]
        assert row["backend"] == "numpy" and row["batch_size"] >= 1
        assert_sane(row)


def test_run_cell_is_train_word2vec_on_a_prefix_with_the_whole_vocabulary():
    corpus, word_to_id, questions = toy_data()
    row = pt.run_cell(corpus, word_to_id, questions, model="cbow", dim=6, fraction=0.25, epochs=2)
    res = fast.train_word2vec(corpus[:1000], len(word_to_id), model="cbow", dim=6, epochs=2,
                              subsample=1e-3, seed=0, progress=False)
    assert res.word_vecs.shape == (40, 6)
    want = evaluate_analogies(res.word_vecs, word_to_id, questions).summary()
    for kind in ("semantic", "syntactic", "total"):
        assert row[f"{kind}_top1"] == round(want[kind]["top1"], 6)
        assert row[f"{kind}_top5"] == round(want[kind]["top5"], 6)
    assert row["corpus_words"] == 1000 and row["batch_size"] == res.settings["batch_size"]


def test_csv_round_trip(toy_rows, tmp_path):
    meta = {"command": "test", "machine": machine_info()}
    csv_path, json_path = pt.write_paper_table(toy_rows, tmp_path / "sub" / "grid.csv", meta)
    assert csv_path.is_file() and json_path == tmp_path / "sub" / "grid.json"
    back = pt.load_paper_table(csv_path)
    assert back == toy_rows
    assert all(type(back[0][k]) is t for k, t in pt.FIELDS.items())
    assert json.loads(json_path.read_text())["command"] == "test"
    assert pt.load_paper_table_meta(csv_path) == json.loads(json_path.read_text())
    assert pt.select_rows(back, model="skipgram", dim=8, fraction=0.5) == [toy_rows[6]]
    with pytest.raises(KeyError, match="no column 'colour'"):
        pt.select_rows(back, colour="red")


def test_optional_batch_size_round_trips(toy_rows, tmp_path):
    rows = [dict(toy_rows[0], batch_size=None, backend="numba")]
    path, _ = pt.write_paper_table(rows, tmp_path / "t.csv")
    assert pt.load_paper_table(path)[0]["batch_size"] is None


def test_load_errors(toy_rows, tmp_path):
    with pytest.raises(FileNotFoundError, match="make paper-table"):
        pt.load_paper_table(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="is empty"):
        pt.load_paper_table(empty)
    path, _ = pt.write_paper_table(toy_rows[:2], tmp_path / "t.csv")
    lines = path.read_text().splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join([lines[0].replace(",seconds", ""), lines[1]]) + "\n")
    with pytest.raises(ValueError, match=r"lacks the columns \['seconds'\]"):
        pt.load_paper_table(short)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1], lines[2].replace(",cbow,", ",cbow,").replace(
        f",{toy_rows[1]['dim']},", ",four,", 1)]) + "\n")
    with pytest.raises(ValueError, match=r"line 3, column 'dim': 'four' is not an int"):
        pt.load_paper_table(bad)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join([lines[0], lines[1] + ",extra"]) + "\n")
    with pytest.raises(ValueError, match="line 2: 31 values for 30 columns"):
        pt.load_paper_table(ragged)
    with pytest.raises(ValueError, match=r"\.csv file"):
        pt.write_paper_table(toy_rows, tmp_path / "t.txt")
    with pytest.raises(ValueError, match="a row lacks"):
        pt.write_paper_table([{"model": "cbow"}], tmp_path / "t.csv")


# ---------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, message", [
    ({"models": ["cbw"]}, "did you mean 'cbow'"),
    ({"models": []}, "at least one value"),
    ({"models": ["cbow", "CBOW"]}, "each value once"),
    ({"dims": [0]}, "dims must be whole numbers >= 1"),
    ({"dims": [2.5]}, "dims must be whole numbers >= 1"),
    ({"fractions": [0]}, r"in \(0, 1\]"),
    ({"fractions": [1.5]}, r"in \(0, 1\]"),
    ({"fractions": [float("nan")]}, r"in \(0, 1\]"),
    ({"fractions": [0.5, 0.5]}, "0.5 more than once"),
    ({"epochs": 0}, "epochs must be a whole number >= 1"),
])
def test_validate_grid_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pt.validate_grid(**kwargs)


def test_validate_grid_normalises():
    assert pt.validate_grid("sg", 50, 1, 3) == (("skipgram",), (50,), (1.0,), 3)


def _without_backend(monkeypatch):
    """Put in place a train_word2vec as it was before backends (no backend parameter)."""
    original = fast.train_word2vec

    def train(corpus, vocab_size=None, *, model="cbow", dim=100, window=5, negative=5, epochs=10,
              subsample=0.0, seed=0, progress=True):
        return original(corpus, vocab_size, model=model, dim=dim, window=window, negative=negative,
                        epochs=epochs, subsample=subsample, seed=seed, progress=progress)

    assert "backend" not in inspect.signature(train).parameters
    monkeypatch.setattr(fast, "train_word2vec", train)


def test_backend_absent_is_a_clear_error(monkeypatch):
    _without_backend(monkeypatch)
    corpus, word_to_id, questions = toy_data()
    with pytest.raises(ValueError, match="has no backend argument"):
        pt.run_grid(corpus, word_to_id, questions, models="cbow", dims=4, fractions=1.0, epochs=1,
                    backend="numba")
    # without --backend the trainer is called as before
    rows = pt.run_grid(corpus, word_to_id, questions, models="cbow", dims=4, fractions=1.0, epochs=1)
    assert rows[0]["backend"] == "numpy"


def test_backend_is_passed_through_and_recorded(monkeypatch):
    original = fast.train_word2vec
    seen = []

    def train(corpus, vocab_size=None, *, backend="numpy", **kwargs):
        if backend not in ("numpy", "fake"):
            raise ValueError(f"unknown backend {backend!r}")
        seen.append(backend)
        kwargs.pop("backend", None)
        return original(corpus, vocab_size, **kwargs)

    monkeypatch.setattr(fast, "train_word2vec", train)
    corpus, word_to_id, questions = toy_data()
    rows = pt.run_grid(corpus, word_to_id, questions, models="cbow", dims=4, fractions=1.0, epochs=1,
                       backend="fake")
    assert seen == ["fake", "fake"]                    # the probe, then the cell
    assert rows[0]["backend"] == "fake"
    with pytest.raises(ValueError, match="backend 'nope' does not work here: ValueError: unknown"):
        pt.run_grid(corpus, word_to_id, questions, models="cbow", dims=4, fractions=1.0, epochs=1,
                    backend="nope")
    with pytest.raises(ValueError, match="non-empty name"):
        pt.run_grid(corpus, word_to_id, questions, models="cbow", dims=4, fractions=1.0, epochs=1,
                    backend="")


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------


@pytest.fixture
def toy_cli(monkeypatch):
    monkeypatch.setattr(pt, "_load_data", toy_data)


def test_cli_writes_csv_and_json(toy_cli, tmp_path, capsys):
    out = tmp_path / "grid.csv"
    argv = ["--out", str(out), "--models", "cbow", "skip-gram", "--dims", "4", "--fractions", "0.5",
            "1", "--epochs", "1"]
    assert pt.main(argv) == 0
    printed = capsys.readouterr().out
    assert "[1/4] cbow" in printed.replace("[ 1/4]", "[1/4]") and "wrote" in printed
    rows = pt.load_paper_table(out)
    assert [(r["model"], r["fraction"]) for r in rows] == [("cbow", 0.5), ("cbow", 1.0),
                                                          ("skipgram", 0.5), ("skipgram", 1.0)]
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["complete"] is True and meta["cells"] == 4
    assert meta["grid"] == {"models": ["cbow", "skipgram"], "dims": [4], "fractions": [0.5, 1.0]}
    assert meta["command"].startswith("python -m w2vlib.lab.paper_table --out ")
    assert meta["settings"]["epochs"] == 1 and meta["settings"]["window"] == 5
    for key in ("cpu", "cores", "python", "numpy", "platform"):
        assert meta["machine"][key]
    assert set(machine_info()) <= set(meta["machine"]) and "loadavg_end" in meta["machine"]
    assert meta["date"].endswith("+00:00")
    assert meta["total_seconds"] + 0.05 >= sum(r["seconds"] for r in rows)


@pytest.mark.parametrize("argv, message", [
    (["--fractions", "2"], r"fractions are shares of the training text, in \(0, 1\]"),
    (["--models", "glove"], "unknown model 'glove'"),
    (["--dims", "0"], "dims must be whole numbers"),
    (["--epochs", "0"], "epochs must be a whole number"),
    (["--out", "table.txt"], "--out must name a .csv file"),
])
def test_cli_argument_errors(toy_cli, argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        pt.main(argv)
    assert e.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_cli_backend_without_support(toy_cli, monkeypatch, tmp_path, capsys):
    _without_backend(monkeypatch)
    with pytest.raises(SystemExit) as e:
        pt.main(["--backend", "numba", "--out", str(tmp_path / "t.csv")])
    assert e.value.code == 2
    assert "has no backend argument" in capsys.readouterr().err
    assert not (tmp_path / "t.csv").exists()


def test_cli_missing_data(monkeypatch, tmp_path, capsys):
    def missing():
        raise FileNotFoundError("no analogy questions at 'x'")

    monkeypatch.setattr(pt, "_load_data", missing)
    assert pt.main(["--out", str(tmp_path / "t.csv")]) == 1
    assert "error: no analogy questions" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# the committed table (make paper-table)
# ---------------------------------------------------------------------------


def test_the_default_table_is_the_shipped_one():
    assert pt.default_table_path() == COMMITTED
    assert COMMITTED.parent.name == "paper_table" and COMMITTED.parent.parent.name == "data"


def test_committed_table_is_complete_and_sane():
    assert COMMITTED.is_file(), "w2vlib/data/paper_table/ptb_grid.csv is missing: run `make paper-table`"
    rows = pt.load_paper_table(COMMITTED)
    meta = pt.load_paper_table_meta(COMMITTED)
    raw = json.loads(COMMITTED.with_suffix(".json").read_text())
    assert {k: v for k, v in meta.items() if k != "machine"} == \
        {k: v for k, v in raw.items() if k != "machine"}
    assert meta["complete"] is True
    grid = meta["grid"]
    assert grid == {"models": list(pt.DEFAULT_MODELS), "dims": list(pt.DEFAULT_DIMS),
                    "fractions": list(pt.DEFAULT_FRACTIONS)}
    cells = [(r["model"], r["dim"], r["fraction"]) for r in rows]
    want = [(m, d, f) for m in grid["models"] for d in grid["dims"] for f in grid["fractions"]]
    assert cells == want, "the committed table lacks cells or has extra ones"
    for row in rows:
        assert row["epochs"] == meta["settings"]["epochs"] == pt.DEFAULT_EPOCHS
        for key, value in pt.FIXED.items():
            assert row[key] == value
        assert row["corpus_words"] == round(row["fraction"] * PTB_TRAIN_TOKENS)
        # PTB's 10,000 words cover the same questions in every cell (data/README.md)
        assert (row["semantic_covered"], row["syntactic_covered"], row["total_covered"]) == \
            (958, 3758, 4716)
        assert (row["semantic_questions"], row["syntactic_questions"], row["total_questions"]) == \
            (8869, 10675, 19544)
        assert_sane(row)
        if row["fraction"] == 1.0:
            assert row["total_seen"] == 4716
            assert row["total_top5"] > 0.02      # far above chance (about 5 in 10,000)
    assert meta["total_seconds"] + 0.05 >= sum(r["seconds"] for r in rows)
    for key in ("cpu", "cores", "python", "numpy"):
        assert meta["machine"][key]
    # written with the old key names (cores_usable, load_average): read with the new ones
    assert meta["machine"]["usable_cores"] >= 1 and "cores_usable" not in meta["machine"]


def test_writing_the_table_never_follows_a_planted_symlink(tmp_path):
    """The table and its JSON go through randomly named temp files created exclusively: a
    symlink at the old fixed temp name (``ptb_grid.csv.part``) is left alone, and so is its target."""
    target = tmp_path / "precious.txt"
    target.write_text("a learner's file\n")
    out = tmp_path / "grid.csv"
    for name in ("grid.csv.part", "grid.json.part"):
        (tmp_path / name).symlink_to(target)
    row = {k: 1 for k in pt.FIELDS}
    pt.write_paper_table([row], out, meta={"what": "test"})
    assert target.read_text() == "a learner's file\n"
    assert out.read_text().splitlines()[0].split(",") == list(pt.FIELDS)
    assert json.loads(out.with_suffix(".json").read_text()) == {"what": "test"}
    assert sorted(p.name for p in tmp_path.glob("*.part")) == ["grid.csv.part", "grid.json.part"]


def test_a_row_missing_a_column_writes_nothing(tmp_path):
    out = tmp_path / "grid.csv"
    with pytest.raises(ValueError, match="a row lacks"):
        pt.write_paper_table([{"model": "cbow"}], out)
    assert list(tmp_path.iterdir()) == []
