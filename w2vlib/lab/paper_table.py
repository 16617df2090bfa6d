"""The table of Mikolov et al. (2013) in small: CBOW vs skip-gram, dimension, corpus size, on PTB.

The paper's table (Figure 4-23 of the book, from Table 2 of Pennington et al. 2014) compares word2vec
runs on billions of words by their analogy accuracy -- semantic, syntactic and total. This module
runs the same comparison on the Penn Treebank with the fast trainer
(:func:`w2vlib.speed.train_word2vec`): every combination of a model, a vector size and a share of
the training text, each scored on the Google analogy questions (:func:`w2vlib.evaluate.evaluate_analogies`)::

    python -m w2vlib.lab.paper_table            # the default grid -> w2vlib/data/paper_table/ptb_grid.csv
    python -m w2vlib.lab.paper_table --models cbow --dims 50 --fractions 0.5 1.0 --epochs 1 \
        --out /tmp/t.csv

writes a CSV with one row per cell (every setting is a column) and a JSON sidecar (same name,
``.json``) with the machine, the versions, the date, the command and the total time. Read the CSV
back with :func:`load_paper_table`, the JSON with :func:`load_paper_table_meta`.

What stays fixed: window 5 (a random radius 1..5 per centre word, as word2vec), 5 negatives,
sub-sampling 1e-3 (as ``w2vlib/data/vectors``), seed 0, word2vec's default learning rates and the batch
size chosen from the corpus. The vocabulary is always PTB's 10,000 words, so every cell is scored
on the same 4,716 covered questions; a fraction ``f`` trains on the first ``round(f * T)`` tokens
of the training stream (``total_seen`` counts the covered questions whose four words all occur in
that prefix: a word that never occurs keeps its random initial vector).

How long the grid takes, cell by cell, is measured in ``docs/bench/2026-11-26-paper-table.md``
(from the committed run's own timings); the default grid needs about a quarter of an hour of
CPU on a 2-core machine.
"""

from __future__ import annotations

import csv
import inspect
import io as io_
import json
import math
import numbers
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..io import exclusive_temp
from .machine import loadavg, machine_info, upgrade_machine_info

__all__ = ["DEFAULT_MODELS", "DEFAULT_DIMS", "DEFAULT_FRACTIONS", "DEFAULT_EPOCHS", "FIXED", "FIELDS",
           "OPTIONAL", "default_table_path", "validate_grid", "run_cell", "run_grid", "write_paper_table",
           "load_paper_table", "load_paper_table_meta", "select_rows", "main"]

#: The grid of ``make paper-table``.
DEFAULT_MODELS = ("cbow", "skipgram")
DEFAULT_DIMS = (50, 100, 200)
DEFAULT_FRACTIONS = (0.25, 0.5, 1.0)
#: Epochs per cell: the whole default grid fits in about 12 minutes on a 2-core machine.
DEFAULT_EPOCHS = 5

#: Settings shared by every cell (as ``make vectors``, except the epochs).
FIXED = {"window": 5, "negative": 5, "subsample": 1e-3, "seed": 0}

#: The CSV's columns, in order, with their types (``load_paper_table`` converts to these).
FIELDS: dict[str, type] = {
    "model": str, "dim": int, "fraction": float, "corpus_words": int, "epochs": int,
    "window": int, "negative": int, "subsample": float, "seed": int, "lr": float,
    "batch_size": int, "backend": str,
    "semantic_top1": float, "syntactic_top1": float, "total_top1": float,
    "semantic_top5": float, "syntactic_top5": float, "total_top5": float,
    "semantic_covered": int, "syntactic_covered": int, "total_covered": int,
    "semantic_questions": int, "syntactic_questions": int, "total_questions": int,
    "coverage": float, "total_seen": int,
    "seconds": float, "cpu_seconds": float, "words_per_sec": float, "final_loss": float,
}

#: Columns that may be empty (read back as None): the batch size of a trainer without batches.
OPTIONAL = ("batch_size",)

_KINDS = ("semantic", "syntactic", "total")


def default_table_path() -> Path:
    """The table w2vlib ships, ``w2vlib/data/paper_table/ptb_grid.csv`` (where ``make
    paper-table`` writes), found with :func:`w2vlib.datasets.shipped_file`."""
    from ..datasets import shipped_file

    return shipped_file("paper_table", "ptb_grid.csv", must_exist=False)


# --------------------------------------------------------------------------- arguments

def _as_tuple(name: str, values) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = (values,)
    values = tuple(values)
    if not values:
        raise ValueError(f"{name}: give at least one value")
    return values


def validate_grid(models: Sequence[str] = DEFAULT_MODELS, dims: Sequence[int] = DEFAULT_DIMS,
                  fractions: Sequence[float] = DEFAULT_FRACTIONS,
                  epochs: int = DEFAULT_EPOCHS) -> tuple[tuple[str, ...], tuple[int, ...],
                                                         tuple[float, ...], int]:
    """The grid's axes, checked and normalised: ``(models, dims, fractions, epochs)``.

    models: "cbow" / "skipgram" (also "skip-gram", "sg"); dims: ints >= 1; fractions: numbers in
    (0, 1]; epochs: int >= 1. No duplicates. Raises ``ValueError`` saying what is wrong.

    >>> validate_grid(["CBOW", "skip-gram"], [50], [0.5, 1], 2)
    (('cbow', 'skipgram'), (50,), (0.5, 1.0), 2)
    """
    from ..speed.config import check_model

    models = tuple(check_model(m) for m in _as_tuple("models", models))
    dims = _as_tuple("dims", dims)
    for d in dims:
        if not isinstance(d, numbers.Integral) or isinstance(d, bool) or d < 1:
            raise ValueError(f"dims must be whole numbers >= 1, got {d!r}")
    dims = tuple(int(d) for d in dims)
    fractions = _as_tuple("fractions", fractions)
    for f in fractions:
        if (not isinstance(f, numbers.Real) or isinstance(f, bool) or not math.isfinite(f)
                or not 0 < f <= 1):
            raise ValueError(f"fractions are shares of the training text, in (0, 1] "
                             f"(0.25 = the first quarter), got {f!r}")
    fractions = tuple(float(f) for f in fractions)
    for name, axis in (("models", models), ("dims", dims), ("fractions", fractions)):
        dup = sorted({str(v) for v in axis if axis.count(v) > 1})
        if dup:
            raise ValueError(f"{name}: each value once, got {', '.join(dup)} more than once")
    if not isinstance(epochs, numbers.Integral) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    return models, dims, fractions, int(epochs)


def _trainer() -> Callable:
    from ..speed import word2vec as fast

    return fast.train_word2vec


def _check_backend(backend: str | None) -> str | None:
    """None, or ``backend`` once ``train_word2vec`` has been seen to accept it (ValueError if not)."""
    if backend is None:
        return None
    if not isinstance(backend, str) or not backend:
        raise ValueError(f"backend must be a non-empty name such as 'numpy', got {backend!r}")
    train = _trainer()
    params = inspect.signature(train).parameters
    if "backend" not in params and not any(p.kind is inspect.Parameter.VAR_KEYWORD
                                           for p in params.values()):
        raise ValueError(f"backend {backend!r}: this version of w2vlib.speed.word2vec.train_word2vec has no "
                         "backend argument; run without --backend (the NumPy trainer)")
    try:                                   # fail now, not after minutes of other cells
        train(np.array([0, 1, 2, 1, 0, 2, 1, 0], dtype=np.int64), 3, dim=2, epochs=1,
              progress=False, backend=backend)
    except Exception as e:
        raise ValueError(f"backend {backend!r} does not work here: {type(e).__name__}: {e}") from None
    return backend


# --------------------------------------------------------------------------- running

def _prefix(corpus: np.ndarray, fraction: float) -> np.ndarray:
    n = max(2, int(round(fraction * len(corpus))))
    return corpus[:n]


def run_cell(corpus, word_to_id: Mapping[str, int], questions: Mapping[str, list], *, model: str,
             dim: int, fraction: float, epochs: int = DEFAULT_EPOCHS,
             window: int = FIXED["window"], negative: int = FIXED["negative"],
             subsample: float = FIXED["subsample"], seed: int = FIXED["seed"],
             backend: str | None = None) -> dict:
    """Train on the first ``fraction`` of ``corpus`` and score the vectors: one row of the table.

    corpus: (T,) word ids; word_to_id: the whole vocabulary (the matrices always have
    ``len(word_to_id)`` rows); questions: ``{section: [(a, b, c, d), ...]}`` as
    :func:`~w2vlib.evaluate.load_analogy_questions` returns. Returns a dict with the keys of
    :data:`FIELDS`; accuracies are top-1/top-5 shares of the covered questions, in [0, 1].
    ``backend`` is passed to ``train_word2vec`` only when given.
    """
    from ..evaluate import evaluate_analogies

    corpus = np.asarray(corpus)
    part = _prefix(corpus, fraction)
    kwargs = {} if backend is None else {"backend": backend}
    cpu0 = time.process_time()
    res = _trainer()(part, len(word_to_id), model=model, dim=dim, window=window, negative=negative,
                     epochs=epochs, subsample=subsample, seed=seed, progress=False, **kwargs)
    cpu = time.process_time() - cpu0
    summary = evaluate_analogies(res.word_vecs, word_to_id, questions).summary()
    present = np.bincount(part, minlength=len(word_to_id)) > 0
    seen = sum(all(w in word_to_id and present[word_to_id[w]] for w in q)
               for qs in questions.values() for q in qs)
    s = res.settings
    row = {
        "model": s["model"], "dim": int(dim), "fraction": float(fraction), "corpus_words": len(part),
        "epochs": int(epochs), "window": int(window), "negative": int(negative),
        "subsample": float(subsample), "seed": int(seed), "lr": float(s["lr"]),
        "batch_size": None if s.get("batch_size") is None else int(s["batch_size"]),
        "backend": backend or s.get("backend") or "numpy",
    }
    for kind in _KINDS:
        row[f"{kind}_top1"] = round(summary[kind]["top1"], 6)
    for kind in _KINDS:
        row[f"{kind}_top5"] = round(summary[kind]["top5"], 6)
    for kind in _KINDS:
        row[f"{kind}_covered"] = int(summary[kind]["covered"])
    for kind in _KINDS:
        row[f"{kind}_questions"] = int(summary[kind]["questions"])
    row["coverage"] = round(summary["total"]["coverage"], 6)
    row["total_seen"] = int(seen)
    row["seconds"] = round(res.seconds, 3)
    row["cpu_seconds"] = round(cpu, 3)
    row["words_per_sec"] = round(res.words_per_sec, 1)
    row["final_loss"] = round(res.loss_history[-1][1], 6) if res.loss_history else float("nan")
    return row


def run_grid(corpus, word_to_id: Mapping[str, int], questions: Mapping[str, list] | None = None, *,
             models: Sequence[str] = DEFAULT_MODELS, dims: Sequence[int] = DEFAULT_DIMS,
             fractions: Sequence[float] = DEFAULT_FRACTIONS, epochs: int = DEFAULT_EPOCHS,
             window: int = FIXED["window"], negative: int = FIXED["negative"],
             subsample: float = FIXED["subsample"], seed: int = FIXED["seed"],
             backend: str | None = None,
             on_row: Callable[[int, int, dict], None] | None = None) -> list[dict]:
    """Every cell of ``models x dims x fractions`` (in that order), one :func:`run_cell` each.

    questions: default the Google analogy set. on_row: called as ``on_row(k, n, row)`` after
    cell k of n (1-based), e.g. to print progress or save what is done. Arguments are checked
    first (``ValueError``), including that ``backend`` works, so a bad grid fails at once.
    """
    from ..evaluate import load_analogy_questions

    models, dims, fractions, epochs = validate_grid(models, dims, fractions, epochs)
    backend = _check_backend(backend)
    if questions is None:
        questions = load_analogy_questions()
    cells = [(m, d, f) for m in models for d in dims for f in fractions]
    rows = []
    for k, (m, d, f) in enumerate(cells, start=1):
        row = run_cell(corpus, word_to_id, questions, model=m, dim=d, fraction=f, epochs=epochs,
                       window=window, negative=negative, subsample=subsample, seed=seed,
                       backend=backend)
        rows.append(row)
        if on_row is not None:
            on_row(k, len(cells), row)
    return rows


# --------------------------------------------------------------------------- files

def _json_path(csv_path: Path) -> Path:
    return csv_path.with_suffix(".json")


def _format(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "nan"
    return str(value)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a new, randomly named file beside ``path`` (created exclusively, so a
    symlink planted there is never followed), then rename it over ``path``."""
    fd, tmp = exclusive_temp(path)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_paper_table(rows: Sequence[Mapping], path, meta: Mapping | None = None) -> tuple[Path, Path]:
    """Write ``rows`` (dicts with the keys of :data:`FIELDS`) as CSV at ``path`` and ``meta`` as
    JSON beside it (``.json``); returns both paths. Each file is written to a temporary name and
    then renamed, so a reader never sees half a file."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise ValueError(f"the table is a .csv file, got {str(path)!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    for row in rows:
        missing = [k for k in FIELDS if k not in row]
        if missing:
            raise ValueError(f"a row lacks {missing}")
    table = io_.StringIO()
    w = csv.writer(table, lineterminator="\n")
    w.writerow(FIELDS)
    w.writerows([_format(row[k]) for k in FIELDS] for row in rows)
    _write_atomically(path, table.getvalue())
    jpath = _json_path(path)
    _write_atomically(jpath, json.dumps(dict(meta or {}), indent=2) + "\n")
    return path, jpath


def load_paper_table(path) -> list[dict]:
    """Read a table written by :func:`write_paper_table`: a list of dicts, one per cell.

    Values get the types of :data:`FIELDS` (str, int, float; an empty :data:`OPTIONAL` column
    is None); columns not in FIELDS are kept as strings. Raises ``FileNotFoundError`` if there
    is no file and ``ValueError`` naming the line and column of anything that does not parse.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no paper table at {str(path)!r} (make it with `make paper-table`)")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError(f"{str(path)!r} is empty") from None
        missing = [k for k in FIELDS if k not in header]
        if missing:
            raise ValueError(f"{str(path)!r} lacks the columns {missing}")
        rows = []
        for lineno, values in enumerate(reader, start=2):
            if not values:
                continue
            if len(values) != len(header):
                raise ValueError(f"{str(path)!r} line {lineno}: {len(values)} values for "
                                 f"{len(header)} columns")
            row = {}
            for name, text in zip(header, values, strict=True):
                kind = FIELDS.get(name, str)
                if text == "" and name in OPTIONAL:
                    row[name] = None
                    continue
                try:
                    row[name] = kind(text)
                except ValueError:
                    raise ValueError(f"{str(path)!r} line {lineno}, column {name!r}: {text!r} is "
                                     f"not a{'n' if kind is int else ''} {kind.__name__}") from None
            rows.append(row)
    return rows


def load_paper_table_meta(path) -> dict:
    """The JSON sidecar of the table at ``path`` (``.csv`` or ``.json``): settings, command,
    date, total time and machine.

    The machine comes with :func:`~w2vlib.lab.machine.machine_info`'s key names, also from
    files written before those names (``cores_usable``, ``threads_env``, ``load_average``):
    see :func:`~w2vlib.lab.machine.upgrade_machine_info`.
    """
    jpath = _json_path(Path(path))
    if not jpath.is_file():
        raise FileNotFoundError(f"no paper table metadata at {str(jpath)!r} "
                                "(make it with `make paper-table`)")
    meta = json.loads(jpath.read_text(encoding="utf-8"))
    if "machine" in meta:
        meta["machine"] = upgrade_machine_info(meta["machine"])
    return meta


def select_rows(rows: Iterable[Mapping], **where) -> list[dict]:
    """The rows whose values equal every ``column=value`` given (floats compared to 1e-9).

    >>> select_rows([{"model": "cbow", "dim": 50}, {"model": "skipgram", "dim": 50}], model="cbow")
    [{'model': 'cbow', 'dim': 50}]
    """
    def match(row):
        for k, v in where.items():
            if k not in row:
                raise KeyError(f"no column {k!r}; columns: {list(row)}")
            got = row[k]
            if isinstance(v, float) or isinstance(got, float):
                if not math.isclose(float(got), float(v), abs_tol=1e-9):
                    return False
            elif got != v:
                return False
        return True

    return [dict(r) for r in rows if match(r)]


# --------------------------------------------------------------------------- CLI

def _load_data():
    """(corpus, word_to_id, questions): PTB train and the Google analogy questions."""
    from ..datasets import load_ptb
    from ..evaluate import load_analogy_questions

    corpus, word_to_id, _ = load_ptb("train")
    return corpus, word_to_id, load_analogy_questions()


def _parser():
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m w2vlib.lab.paper_table",
        description="The paper's analogy table in small: train word2vec on PTB for every model x "
                    "dimension x corpus share with the fast trainer, score each on the Google "
                    "analogy questions, and write a CSV (one row per cell) and a JSON sidecar.")
    parser.add_argument("--out", type=Path, default=None,
                        help="CSV to write; the JSON goes beside it (default: the table w2vlib "
                             "ships, w2vlib/data/paper_table/ptb_grid.csv)")
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS),
                        help="cbow and/or skipgram (default: both)")
    parser.add_argument("--dims", nargs="+", type=int, default=list(DEFAULT_DIMS),
                        help="vector sizes (default: 50 100 200)")
    parser.add_argument("--fractions", nargs="+", type=float, default=list(DEFAULT_FRACTIONS),
                        help="shares of the PTB training text, in (0, 1] (default: 0.25 0.5 1.0)")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS,
                        help=f"passes over each cell's text (default: {DEFAULT_EPOCHS})")
    parser.add_argument("--seed", type=int, default=FIXED["seed"], help="seed of every run (default 0)")
    parser.add_argument("--backend", default=None,
                        help="passed to train_word2vec(backend=...) when given (e.g. numpy, numba)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return parser


def _run_meta(command: str, grid: tuple, seed: int, backend: str | None, corpus,
              word_to_id) -> dict:
    """The JSON sidecar of a run about to start (``complete`` False until its last cell)."""
    models, dims, fractions, epochs = grid
    return {
        "what": "word2vec analogy accuracy on PTB for every model x dim x corpus fraction "
                "(w2vlib.lab.paper_table)",
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "grid": {"models": list(models), "dims": list(dims), "fractions": list(fractions)},
        "cells": len(models) * len(dims) * len(fractions),
        "settings": {"epochs": epochs, **FIXED, "seed": seed, "backend": backend or "default",
                     "lr": "word2vec default per model (w2vlib.speed.config.DEFAULT_LR)",
                     "batch_size": "chosen from the corpus (w2vlib.speed.samplers.default_batch_size)",
                     "shrink_window": True},
        "corpus": {"name": "PTB train (w2vlib.datasets.load_ptb)", "tokens": int(len(corpus)),
                   "vocab_size": len(word_to_id),
                   "fraction": "the first round(fraction * tokens) tokens; the vocabulary is fixed"},
        "questions": "w2vlib/data/analogy/questions-words.txt (Mikolov et al. 2013), lower-cased; "
                     "accuracy over covered questions, 3CosAdd on unit vectors",
        "machine": machine_info(),
        "complete": False,
    }


def _progress_line(k: int, n: int, row: Mapping) -> str:
    return (f"[{k:>2}/{n}] {row['model']:<8} dim {row['dim']:>4}  {row['fraction']:>5.0%}: "
            f"top-1 sem {row['semantic_top1']:6.1%} syn {row['syntactic_top1']:6.1%} "
            f"total {row['total_top1']:6.1%} (top-5 {row['total_top5']:6.1%})  "
            f"{row['seconds']:6.1f} s  {row['words_per_sec']:>9,.0f} words/s")


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.lab.paper_table``: run the grid, write the CSV and its JSON sidecar."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        grid = validate_grid(args.models, args.dims, args.fractions, args.epochs)
        if args.out is not None and args.out.suffix.lower() != ".csv":
            raise ValueError(f"--out must name a .csv file, got {str(args.out)!r}")
        backend = _check_backend(args.backend)
    except ValueError as e:
        parser.error(str(e))

    from ..datasets import DatasetError

    try:
        out = args.out if args.out is not None else default_table_path()
        corpus, word_to_id, questions = _load_data()
    except (DatasetError, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    command = "python -m w2vlib.lab.paper_table " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    t0 = time.perf_counter()
    meta = _run_meta(command, grid, args.seed, backend, corpus, word_to_id)
    rows: list[dict] = []

    def on_row(k, n, row):
        rows.append(row)
        meta["total_seconds"] = round(time.perf_counter() - t0, 1)
        meta["complete"] = k == n
        write_paper_table(rows, out, meta)            # a partial table survives an interrupt
        if not args.quiet:
            print(_progress_line(k, n, row), flush=True)

    models, dims, fractions, epochs = grid
    run_grid(corpus, word_to_id, questions, models=models, dims=dims, fractions=fractions,
             epochs=epochs, seed=args.seed, backend=backend, on_row=on_row)
    meta["machine"]["loadavg_end"] = loadavg()
    meta["total_seconds"] = round(time.perf_counter() - t0, 1)
    csv_path, json_path = write_paper_table(rows, out, meta)
    if not args.quiet:
        print(f"wrote {csv_path} and {json_path.name} ({len(rows)} cells, "
              f"{meta['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
