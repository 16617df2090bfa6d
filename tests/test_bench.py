"""The benchmark harness (w2vlib.lab.bench) and the book-style reference (w2vlib.lab.book_style).

Fast tests on tiny inputs. Nothing here asserts a duration: the benchmark
prints timings, the tests check the arithmetic, the formatting, and that the
slow "as the book writes it" variant is *correct* (same loss and gradients as
w2vlib's CBOW), only slow.
"""

import importlib.util
import json

import numpy as np
import pytest

from w2vlib import trainer as trainer_mod
from w2vlib.corpus import create_contexts_target, preprocess
from w2vlib.lab import bench, book_style, machine, profiling
from w2vlib.lab.bench import (
    PartTimer,
    QualityResult,
    RungResult,
    format_rate,
    ladder_table,
    project_seconds,
    quality_table,
)
from w2vlib.models import CBOW

TEXT = ("the cat sat on the mat . the dog ate my homework . a bird sang in the old tree . "
        "my cat and the dog play in the garden every day . ")
CORPUS, W2I, I2W = preprocess(TEXT * 40)
V = len(W2I)

# --- arithmetic and formatting ------------------------------------------------------


def test_projection_arithmetic():
    assert project_seconds(1000.0, 929_589, 10) == pytest.approx(9295.89)
    assert project_seconds(0.0, 100, 1) == float("inf")
    r = RungResult("book", "book", words=2_000, seconds=4.0, epoch_words=1_000_000, epochs=10)
    assert r.words_per_sec == 500.0
    assert r.seconds_for_epochs == pytest.approx(20_000.0)          # projected
    measured = RungResult("fast", "fast", words=10_000_000, seconds=8.0, epoch_words=1_000_000,
                          epochs=10, projected=False)
    assert measured.seconds_for_epochs == 8.0                          # what was measured
    assert measured.seconds_for(20) == 16.0 and measured.is_projected(20)
    assert not measured.is_projected(10) and r.is_projected(10)
    assert RungResult("x", "x").words_per_sec == 0.0


def test_format_rate():
    assert format_rate(1_234_567) == "1.23 M"
    assert format_rate(73_068) == "73.1 k"
    assert format_rate(1_858) == "1.86 k"
    assert format_rate(640.4) == "640"


def test_ladder_table_ratios_and_marks():
    rows = [RungResult("simple", "slow rung", words=1_000, seconds=10.0, epoch_words=1_000_000,
                       detail="10 steps"),
            RungResult("book", "middle rung", words=10_000, seconds=10.0, epoch_words=1_000_000),
            RungResult("fast", "fast rung", words=10_000_000, seconds=1.0, epoch_words=1_000_000,
                       epochs=10, projected=False, detail="10 epochs run"),
            RungResult("gensim", "gensim rung", skipped="gensim not installed")]
    table = ladder_table(rows, epochs=10)
    lines = table.splitlines()
    assert "10 epochs" in lines[0] and "vs above" in lines[0] and "fastest is" in lines[0]
    slow, middle, fast, skipped = lines[2:]
    assert "100" in slow and "(proj.)" in slow and "100,000x" in slow and "10 steps" in slow
    assert "1.00 k" in middle and "10x" in middle and "10,000x" in middle
    assert "10.0 M" not in fast and "10.00 M" in fast and "(proj.)" not in fast
    assert "10,000x" in fast and "1.0x" in fast and "1.0 s" in fast
    assert "skipped: gensim not installed" in skipped
    two = ladder_table(rows, epochs=20).splitlines()
    assert "20 epochs" in two[0] and "2.0 s (proj.)" in two[4]      # the fast rung ran only 10


def test_ladder_table_on_cpu_time():
    rows = [RungResult("book", "book rung", words=1_000, seconds=4.0, cpu_seconds=1.0,
                       epoch_words=1_000),
            RungResult("fast", "fast rung", words=100_000, seconds=2.0, cpu_seconds=1.0,
                       epoch_words=10_000, projected=False),
            RungResult("x", "unmeasured rung", words=10, seconds=1.0)]
    wall = ladder_table(rows, epochs=10).splitlines()
    cpu = ladder_table(rows, epochs=10, cpu=True).splitlines()
    assert "250" in wall[2] and "200x" in wall[2]            # 1,000 words in 4 s wall
    assert "1.00 k" in cpu[2] and "100x" in cpu[2] and "10.0 s (proj.)" in cpu[2]
    assert "1.0 s" in cpu[3] and "(proj.)" not in cpu[3]     # the measured CPU seconds
    assert "not measured" in cpu[4]
    assert rows[1].words_per_cpu_sec == 100_000.0 and rows[2].words_per_cpu_sec == 0.0


def test_pair_table_compares_the_compiled_loop_with_gensim_at_equal_settings():
    rows = [RungResult("numba", "c", words=2_000_000, seconds=1.0, cpu_seconds=1.0),
            RungResult("gensim", "g", words=1_000_000, seconds=1.0, cpu_seconds=2.0),
            RungResult("numba-2-sub", "c2", words=3_000_000, seconds=1.0, cpu_seconds=2.0),
            RungResult("gensim-2-sub", "g2", skipped="gensim not installed")]
    quality = [QualityResult("numba", "c", 10, 0.06, 0.12, 4716, 0.30, 237, 353),
               QualityResult("gensim", "g", 10, 0.045, 0.11, 4716, 0.22, 237, 353)]
    out = bench.pair_table(rows, quality).splitlines()
    assert len(out) == 3                                   # a skipped partner: no row
    assert "1 thread(s), sample=0" in out[2] and "2.00 M" in out[2] and "1.00 M" in out[2]
    assert "2.00x" in out[2] and "4.00x" in out[2]          # wall and CPU ratio
    assert "6.0% / 4.5%" in out[2] and "0.300 / 0.220" in out[2]
    assert bench.pair_table(rows[2:]) == ""
    assert bench.rung_settings("gensim-2-sub") == (1e-3, 2)
    assert bench.rung_settings("numba") == (0.0, 1)
    assert set(bench.PAIRS) | set(bench.PAIRS.values()) <= set(bench.RUNGS)


def test_quality_table():
    rows = [QualityResult("fast", "fast rung", 10, 0.045, 0.108, 4716, 0.2234, 237, 353),
            QualityResult("gensim", "gensim rung", 10, 0.05, 0.11, 4716, None)]
    out = quality_table(rows)
    assert "4.5%" in out and "10.8%" in out and "0.223" in out and "237 of 353" in out
    assert "n/a" in out.splitlines()[-1]


# --- the part timer -----------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_part_timer_counts_nested_time_once():
    clock = FakeClock()
    timer = PartTimer(clock)
    with timer.part("forward"):
        clock.now += 1.0
        with timer.part("sampler"):
            clock.now += 3.0
        clock.now += 2.0
    with timer.part("optimizer"):
        clock.now += 4.0
    assert timer.totals == {"forward": 3.0, "sampler": 3.0, "optimizer": 4.0}
    assert sum(timer.totals.values()) == clock.now


def test_part_timer_renames_the_labels_it_is_given():
    clock = FakeClock()
    timer = PartTimer(clock, labels={"optimizer": "optimizer (Adam)"})
    with timer.part("optimizer"):
        clock.now += 2.0
    with timer.part("forward"):
        clock.now += 1.0
    assert timer.totals == {"optimizer (Adam)": 2.0, "forward": 1.0}


class Thing:
    def work(self, x):
        return x + 1


def test_part_timer_wrap_and_restore_instances_classes_and_modules():
    clock = FakeClock()
    timer = PartTimer(clock)
    thing = Thing()
    original_work, original_unique = Thing.work, trainer_mod.unique_params
    timer.wrap(thing, "work", "instance")
    timer.wrap(Thing, "work", "class")
    timer.wrap(trainer_mod, "unique_params", "module")
    assert thing.work(1) == 2 and Thing().work(2) == 3
    assert trainer_mod.unique_params([np.ones(1)], [np.ones(1)])[0][0][0] == 1.0
    assert set(timer.totals) == {"instance", "class", "module"}
    timer.restore()
    assert "work" not in thing.__dict__
    assert Thing.work is original_work and trainer_mod.unique_params is original_unique


def test_wrapped_methods_keep_their_signature():
    # SparseTrainer inspects optimizer.update for a grad_rows parameter: timing must not hide it
    import inspect

    from w2vlib.models import CBOW
    from w2vlib.speed.sparse import LazyAdam, SparseTrainer, sparse_model

    opt = LazyAdam()
    expected = inspect.signature(opt.update)
    timer = PartTimer()
    timer.wrap(opt, "update", "optimizer")
    assert inspect.signature(opt.update) == expected
    SparseTrainer(sparse_model(CBOW(V, 4, 1, CORPUS, seed=0)), opt)    # still accepted
    timer.restore()


# --- the book-style variant: faithful, so it must be correct -------------------------------


def test_book_sampler_excludes_the_target_and_never_repeats_in_a_row():
    sampler = book_style.UnigramSampler(CORPUS, power=0.75, sample_size=5, seed=0)
    target = np.repeat(np.arange(V), 20)
    neg = sampler.get_negative_sample(target)
    assert neg.shape == (len(target), 5)
    assert not (neg == target[:, None]).any()
    assert all(len(set(row)) == 5 for row in neg.tolist())
    assert neg.min() >= 0 and neg.max() < V
    again = book_style.UnigramSampler(CORPUS, sample_size=5, seed=0).get_negative_sample(target)
    assert np.array_equal(neg, again)


def test_book_cbow_has_the_same_loss_and_gradients_as_w2vlib_cbow():
    contexts, target = create_contexts_target(CORPUS, window_size=2)
    x, t = contexts[:30], target[:30]
    book = book_style.CBOW(V, 8, 2, CORPUS, sample_size=3, seed=1)
    ours = CBOW(V, 8, 2, CORPUS, sample_size=3, seed=2, dtype=np.float32)
    ours.params[0][...] = book.W_in
    ours.params[1][...] = book.W_out
    neg = book.ns_loss.sampler.get_negative_sample(t)
    book.ns_loss.sampler.get_negative_sample = lambda _t: neg
    ours.ns_loss.sampler.get_negative_sample = lambda _t: neg.astype(np.int64)

    assert book.forward(x, t) == pytest.approx(ours.forward(x, t), rel=1e-5)
    book.backward()
    ours.backward()
    assert len(book.params) == 4 + 4            # W_in per context layer, W_out per dot layer
    params, grads = book_style.remove_duplicate(book.params, book.grads)
    assert params[0] is book.W_in and params[1] is book.W_out and len(params) == 2
    for g_book, g_ours in zip(grads, ours.grads, strict=True):
        np.testing.assert_allclose(g_book, g_ours, rtol=1e-4, atol=1e-9)


def test_remove_duplicate_sums_gradients_of_shared_weights():
    a, b = np.zeros(2), np.zeros(3)
    ga1, ga2, gb, ga3 = np.array([1.0, 2]), np.array([10.0, 20]), np.ones(3), np.array([100.0, 0])
    params, grads = book_style.remove_duplicate([a, a, b, a], [ga1, ga2, gb, ga3])
    assert params[0] is a and params[1] is b and len(params) == 2
    assert grads[0].tolist() == [111.0, 22.0] and grads[1].tolist() == [1.0, 1.0, 1.0]


def test_book_adam_first_step_moves_each_entry_by_lr():
    p = np.array([1.0, 1.0, 1.0])
    book_style.Adam(lr=0.01).update([p], [np.array([0.5, -3.0, 1e-3])])
    np.testing.assert_allclose(p, [0.99, 1.01, 0.99], atol=1e-4)


def test_book_fit_learns_and_counts_words():
    contexts, target = create_contexts_target(CORPUS, window_size=2)
    model = book_style.CBOW(V, 10, 2, CORPUS, sample_size=3, seed=0)
    out = book_style.fit(model, book_style.Adam(lr=0.01), contexts, target, max_epoch=8,
                         batch_size=32, seed=0)
    assert out["steps"] == 8 * (len(target) // 32) and out["words"] == out["steps"] * 32
    assert np.mean(out["losses"][-5:]) < 0.7 * np.mean(out["losses"][:5])
    stopped = book_style.fit(model, book_style.Adam(), contexts, target, max_epoch=5,
                             batch_size=32, max_steps=3)
    assert stopped["steps"] == 3


# --- the harness end to end, on a tiny corpus -------------------------------------------


LAYER_RUNGS = ["layer-dense", "layer", "layer-best"]


@pytest.mark.parametrize("key", ["simple", "book", *LAYER_RUNGS])
def test_measure_and_profile_slow_rungs(key, monkeypatch):
    monkeypatch.setitem(bench.LAYER_BEST, "batch_size", 200)
    r = bench.measure_rung(key, CORPUS, V, seconds=0.05, max_steps=2, epochs=3)
    assert r.words > 0 and r.seconds > 0 and r.projected and r.epoch_words == len(CORPUS)
    assert r.extra["steps"] * r.extra["batch_size"] == r.words
    before = (book_style.remove_duplicate, trainer_mod.unique_params)
    prof = bench.profile_rung(key, CORPUS, V, steps=2)
    assert (book_style.remove_duplicate, trainer_mod.unique_params) == before   # restored
    parts = prof["parts"]
    assert {"forward", "optimizer (Adam)"} <= set(parts) and all(v >= 0 for v in parts.values())
    if key != "simple":
        assert "sampler" in parts and "Embedding backward (zero + scatter)" in parts
    else:
        assert "one-hot input" in parts
    if key in LAYER_RUNGS:
        # every part the Trainer declares is a row: a renamed part fails here, not silently
        declared = {profiling.TRAINER_LABELS.get(p, p) for p in trainer_mod.Trainer.PROFILE_PARTS}
        assert declared <= set(parts)
    assert prof["words_per_step"] == (200 if key == "layer-best" else 100)


def test_the_layer_rungs_are_the_teaching_cbow_then_its_sparse_version():
    from w2vlib.optim import Adam
    from w2vlib.speed.sparse import LazyAdam, SparseEmbedding, SparseTrainer
    from w2vlib.trainer import Trainer

    dense = bench.build_rung("layer-dense", CORPUS, V, seed=0)
    assert dense.trainer is Trainer and type(dense.optimizer) is Adam
    assert not any(isinstance(e, SparseEmbedding) for e in profiling.embedding_layers(dense.model))
    for key in ("layer", "layer-best"):
        rung = bench.build_rung(key, CORPUS, V, seed=0)
        assert rung.trainer is SparseTrainer and isinstance(rung.optimizer, LazyAdam)
        layers = profiling.embedding_layers(rung.model)
        assert len(layers) == 2 and all(isinstance(e, SparseEmbedding) for e in layers)
    assert list(bench.RUNGS)[:5] == ["simple", "book", "layer-dense", "layer", "layer-best"]
    assert bench.SLOW_RUNGS == tuple(list(bench.RUNGS)[:5])


def test_embedding_layers_finds_every_embedding_once():
    book = book_style.CBOW(V, 4, 2, CORPUS, sample_size=3, seed=0)
    found = profiling.embedding_layers(book)
    assert len(found) == 2 * 2 + (3 + 1)          # one per context word, one per dot layer
    assert len({id(e) for e in found}) == len(found)
    assert profiling.embedding_layers(CBOW(V, 4, 2, CORPUS, seed=0)) != []


def test_fast_profile_has_a_row_for_every_declared_part():
    from w2vlib.speed.numpy_kernels import PROFILE_PARTS

    prof = bench.profile_rung("fast", CORPUS, V, steps=2)
    parts = prof["parts"]
    assert set(PROFILE_PARTS) <= set(parts), (set(PROFILE_PARTS) - set(parts))
    assert set(parts) <= set(PROFILE_PARTS) | {profiling.FAST_OTHER}
    assert all(v >= 0 for v in parts.values()) and prof["words_per_step"] > 0


def test_run_report_and_json_without_gensim(monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "gensim_available", lambda: False)
    monkeypatch.setitem(bench.LAYER_BEST, "batch_size", 200)
    logged = []
    out = bench.run(("book", "layer", "fast", "gensim"), epochs=1, seconds=0.05,
                    profile_steps=2, corpus=CORPUS, word_to_id=W2I, log=logged.append)
    keys = [r.key for r in out["rungs"]]
    assert keys == ["book", "layer", "fast", "gensim"]
    assert out["rungs"][-1].skipped.startswith("gensim not installed")
    if importlib.util.find_spec("numba"):
        compiled = bench.run(("numba", "gensim"), epochs=1, corpus=CORPUS, word_to_id=W2I,
                             log=logged.append)["rungs"]
        assert compiled[0].words == len(CORPUS) and "not counted" in compiled[0].detail
        assert compiled[0].extra["settings"]["backend"] == "numba"
    assert not out["rungs"][2].projected and out["rungs"][2].words == len(CORPUS)
    assert [q.key for q in out["quality"]] == ["fast"]
    assert set(out["profile"]) == {"book", "layer", "fast"}
    text = bench.report(out)
    assert "speed ladder" in text and "machine:" in text and "quality at equal settings" in text
    assert "where one step's time goes" in text and any("[book]" in m for m in logged)
    assert "wall-clock time:" in text and "CPU time of this process" in text
    assert all(r.cpu_seconds > 0 for r in out["rungs"][:3])
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(bench.to_json(out), default=float))
    data = json.loads(path.read_text())
    assert data["rungs"][0]["words_per_sec"] > 0 and data["rungs"][3]["seconds_for_epochs"] is None


def test_machine_info_names_cpu_numpy_and_threads():
    info = bench.machine_info()
    assert info["numpy"] == np.__version__ and info["cores"] >= 1 and info["cpu"]
    assert set(info["thread_env"]) == set(bench.THREAD_VARS)
    assert bench.machine_info is machine.machine_info                 # one home
    for key in ("usable_cores", "platform", "python", "blas", "threads_forced", "loadavg"):
        assert key in info
    json.dumps(info)                                                  # JSON-able
    assert machine.machine_lines(info)[0].startswith("machine: ")


def test_old_machine_keys_are_read_as_the_new_ones():
    old = {"cpu": "AMD EPYC", "cores": 2, "cores_usable": 2, "platform": "Linux", "python": "3.11.7",
           "numpy": "2.4.6", "threads_env": {"OPENBLAS_NUM_THREADS": "1"},
           "load_average": [1.73, 1.16, 1.15], "load_average_end": [1.88, 2.26, 1.99]}
    new = machine.upgrade_machine_info(old)
    assert new == {"cpu": "AMD EPYC", "cores": 2, "usable_cores": 2, "platform": "Linux",
                   "python": "3.11.7", "numpy": "2.4.6",
                   "thread_env": {"OPENBLAS_NUM_THREADS": "1"}, "loadavg": 1.73, "loadavg_end": 1.88}
    assert machine.upgrade_machine_info(new) == new
    assert "2 cores (2 usable)" in machine.machine_lines(old)[0]


def test_cli_rejects_unknown_rungs(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rungs", "book,warp-drive"])
    assert "unknown rung(s) warp-drive" in capsys.readouterr().err


def test_the_command_line_forces_one_thread_before_numpy_loads():
    import subprocess
    import sys

    code = ("import sys\n"
            "from w2vlib.lab import machine\n"
            "assert 'numpy' not in sys.modules      # machine.py loads no BLAS\n"
            "print(machine.force_single_thread())\n"
            "import numpy\n"
            "info = machine.machine_info()\n"
            "print(info['threads_forced'], set(info['thread_env'].values()))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["True", "True {'1'}"]
    help_text = subprocess.run([sys.executable, "-m", "w2vlib.lab.bench", "--help"],
                               capture_output=True, text=True, check=True).stdout
    assert "--quick" in help_text and "layer-dense" in help_text


# --------------------------------------------------------------------------- issue 16: the fair table

def test_fasttext_sample_0_means_t_1_and_every_word_is_kept():
    from w2vlib.lab import rungs

    off = rungs.fasttext_args("fasttext", 10, 0, "c.txt", "v.npz")["kwargs"]
    on = rungs.fasttext_args("fasttext-sub", 10, 0, "c.txt", "v.npz")["kwargs"]
    assert off["t"] == 1.0 and on["t"] == 1e-3
    assert off["lr"] == on["lr"] == 0.025 and off["minn"] == off["maxn"] == 0 and off["loss"] == "ns"
    # the most frequent PTB word is ~5% of the corpus: t=1 keeps it always, a tiny t would not
    assert rungs.fasttext_keep_probability(1.0, 0.05) >= 1
    assert rungs.fasttext_keep_probability(1e-9, 0.05) < 1e-3


def test_every_tool_runs_at_the_same_learning_rate_in_the_equal_rows():
    from w2vlib.lab import ladder, rungs

    for name, keys in ladder.GROUPS.items():
        if "defaults" in name:
            continue
        lrs = {rungs.rung_spec(k)["lr"] for k in keys}
        assert lrs == {0.025}, (name, lrs)


def test_goal_lines_say_met_or_missed_by_how_much():
    from w2vlib.lab import ladder, verdicts

    def result(key, wps):
        return ladder.RungResult(key, ladder.RUNGS[key], words=int(wps), seconds=1.0, cpu_seconds=1.0)

    results = [result("numba", 1.0e6), result("numba-2", 1.9e6), result("gensim", 0.5e6)]
    lines = verdicts.goal_lines(results)
    two = next(line for line in lines if "numba-2" in line or ladder.RUNGS["numba-2"] in line)
    assert "1.90x" in two and two.endswith("MET")
    four = next(line for line in lines if ladder.RUNGS["gensim"] in line and "/" in line)
    assert "2.00x" in four and "MISSED by 2.00x (50% short of 4x)" in four
    assert any("not measured" in line for line in lines)
