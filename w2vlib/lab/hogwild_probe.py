"""Why two Hogwild threads of the compiled loop gain little: a probe, not a test.

``python -m w2vlib.lab.hogwild_probe`` trains one epoch of CBOW (or skip-gram) on PTB with the
compiled kernel :func:`w2vlib.speed.compiled.run_chunks`, called straight from Python threads
(one long chunk per thread: no block driver, no thread pool), in these arrangements:

==================  ====================================================================
``1 thread``        the whole epoch on one thread (the reference)
``2 shared``        two threads, each on half of the epoch, both on the same W_in and W_out
``2 private``       two threads, each on its own copy of both matrices (no row is shared)
``2 share W_in``    own W_out each, one shared W_in
``2 share W_out``   own W_in each, one shared W_out
``2 processes``     two processes, each on its own copy, as far apart as the machine allows
==================  ====================================================================

If ``2 private`` scales and ``2 shared`` does not, the threads lose their time to the rows both
write: each write to a row the other core holds costs a cache-line transfer (coherence
traffic), and a loop this fast writes rows very often. The two ``share`` rows tell which matrix
that is. The frequent words' W_out rows are written at nearly every example, because the
negatives are drawn from count^0.75. Words per second count the corpus words trained, as
the trainers do.

Run it on a quiet machine: it measures wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

import numpy as np

ARRANGEMENTS = ("1 thread", "2 shared", "2 private", "2 share W_in", "2 share W_out", "2 processes")


def _setup(model: str, dim: int, seed: int):
    from w2vlib.datasets import load_ptb
    from w2vlib.speed import compiled
    from w2vlib.speed.samplers import AliasSampler

    corpus, word_to_id, _ = load_ptb("train", download=False)
    stream = np.ascontiguousarray(corpus, dtype=np.int64)
    V = len(word_to_id)
    sampler = AliasSampler(np.bincount(stream, minlength=V), 0.75)
    loop = compiled.loop_settings(sampler, window=5, negative=5, lr0=0.025,
                                  total_words=float(len(stream)))
    rng = np.random.default_rng(seed)
    W_in = ((rng.random((V, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim))
    W_out = np.zeros((V, dim), dtype=np.float32)
    compiled.ensure_compiled(model)
    return compiled, stream, loop, W_in, W_out


def _run(compiled, cbow, W_in, W_out, stream, raw_pos, loop, start, stop, state):
    chunks = compiled.Chunks(np.array([start], dtype=np.int64), np.array([stop], dtype=np.int64),
                             np.array([state], dtype=np.uint64), np.zeros(1),
                             np.zeros(1, dtype=np.int64))
    compiled.run_chunks(cbow, W_in, W_out, stream, raw_pos, loop, chunks)


def measure(arrangement: str, model: str = "cbow", dim: int = 100, seed: int = 0) -> float:
    """Words per second of one epoch in ``arrangement`` (one of :data:`ARRANGEMENTS`)."""
    compiled, stream, loop, W_in, W_out = _setup(model, dim, seed)
    cbow = model == "cbow"
    raw_pos = np.arange(len(stream), dtype=np.int64)
    n = len(stream)
    if arrangement == "2 processes":
        cmd = [sys.executable, "-m", "w2vlib.lab.hogwild_probe", "--worker", "--model", model,
               "--dim", str(dim)]
        # each worker loads the data and the kernel first, then waits for the other at a file
        # barrier, and times only its own training: the slower half sets the pace
        go = f"/tmp/w2vlib-hogwild-{os.getpid()}"
        procs = [subprocess.Popen(cmd + ["--half", str(h), "--go", go], stdout=subprocess.PIPE, text=True)
                 for h in (0, 1)]
        time.sleep(0.5)
        while not all(os.path.exists(f"{go}.ready{h}") for h in (0, 1)):
            time.sleep(0.05)
        open(go, "w").close()
        seconds = [float(p.communicate()[0].split()[-1]) for p in procs]
        for f in [go, f"{go}.ready0", f"{go}.ready1"]:
            os.unlink(f)
        if any(p.returncode for p in procs):
            raise RuntimeError("a worker process failed")
        return n / max(seconds)
    if arrangement == "1 thread":
        t0 = time.perf_counter()
        _run(compiled, cbow, W_in, W_out, stream, raw_pos, loop, 0, n, 12345)
        return n / (time.perf_counter() - t0)
    share_in = arrangement in ("2 shared", "2 share W_in")
    share_out = arrangement in ("2 shared", "2 share W_out")
    mats = [(W_in if share_in or k == 0 else W_in.copy(), W_out if share_out or k == 0 else W_out.copy())
            for k in (0, 1)]
    half = n // 2
    threads = [threading.Thread(target=_run, args=(compiled, cbow, mats[k][0], mats[k][1], stream,
                                                   raw_pos, loop, k * half, half + k * (n - half),
                                                   12345 + k))
               for k in (0, 1)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n / (time.perf_counter() - t0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.lab.hogwild_probe",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=("cbow", "skipgram"), default="cbow")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each arrangement (best kept)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--half", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--go", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:                         # one of the "2 processes": half an epoch on its own copy
        compiled, stream, loop, W_in, W_out = _setup(args.model, args.dim, 0)
        n = len(stream)
        half = n // 2
        raw_pos = np.arange(n, dtype=np.int64)
        open(f"{args.go}.ready{args.half}", "w").close()
        while not os.path.exists(args.go):
            time.sleep(0.001)
        t0 = time.perf_counter()
        _run(compiled, args.model == "cbow", W_in, W_out, stream, raw_pos, loop,
             args.half * half, half + args.half * (n - half), 12345 + args.half)
        print(time.perf_counter() - t0)
        return 0
    print(f"Hogwild probe: {args.model}, dim {args.dim}, one PTB epoch, best of {args.repeats}; "
          f"load average {os.getloadavg()[0]:.2f}")
    best = {}
    for arrangement in ARRANGEMENTS:
        best[arrangement] = max(measure(arrangement, args.model, args.dim) for _ in range(args.repeats))
        print(f"  {arrangement:<14} {best[arrangement] / 1e6:6.2f} M words/s  "
              f"{best[arrangement] / best['1 thread']:5.2f}x one thread", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
