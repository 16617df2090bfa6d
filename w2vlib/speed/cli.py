"""``python -m w2vlib.speed``: train word vectors on PTB, print speed and quality, save them.

Every argument, and whether ``--out`` can be written (an existing file is kept unless
``--force``), is checked before training starts. The Makefile's ``vectors`` target makes
``w2vlib/data/vectors/ptb_cbow.npz`` with it. (The scatter-add table the old
``--scatter-table`` flag printed is a benchmark: ``python -m w2vlib.lab.scatter_bench``.)
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .config import MODELS, Word2VecConfig
from .word2vec import check_run, train_word2vec

__all__ = ["main", "quality"]

PROG = "python -m w2vlib.speed"

#: Suffixes ``--out`` may have: those of them that :func:`w2vlib.io.save_vectors` tells
#: a format by (see :func:`out_suffixes`).
CANDIDATE_SUFFIXES = (".npz", ".txt", ".vec", ".bin")


def quality(word_vecs: np.ndarray, word_to_id, id_to_word) -> dict[str, Any]:
    """Nearest neighbours of a few PTB words and the analogy scores, JSON-able.

    word_vecs: (V, dim). Returns ``{"neighbours": {word: [5 words]}, "analogy":
    {kind: {"top1", "top5", "covered"}}}``.
    """
    from ..evaluate import evaluate_analogies, most_similar

    out: dict[str, Any] = {"neighbours": {}}
    for q in ("you", "year", "car", "toyota"):
        if q in word_to_id:
            out["neighbours"][q] = [w for w, _ in most_similar(q, word_to_id, id_to_word,
                                                                word_vecs, top=5)]
    summary = evaluate_analogies(word_vecs, word_to_id).summary()
    out["analogy"] = {k: {"top1": round(v["top1"], 4), "top5": round(v["top5"], 4),
                          "covered": v["covered"]} for k, v in summary.items()}
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Train word2vec (negative sampling) on the Penn Treebank with the fast "
                    "trainer, print speed and quality, and optionally save the vectors.")
    parser.add_argument("--model", default="cbow", choices=MODELS)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--subsample", type=float, default=1e-3,
                        help="word2vec's sample (default 1e-3; 0 keeps every word)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="write the vectors here (.npz: float16, with metadata; "
                                      ".txt or .vec: word2vec's text format)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite the --out file if it exists (default: refuse, before "
                             "training)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _config(args) -> Word2VecConfig:
    """The run's settings, checked by the library (ValueError/TypeError naming the flag's value)."""
    return Word2VecConfig(model=args.model, dim=args.dim, window=args.window,
                          negative=args.negative, epochs=args.epochs, lr=args.lr,
                          batch_size=args.batch_size, subsample=args.subsample, seed=args.seed)


def out_suffixes() -> list[str]:
    """The suffixes :func:`w2vlib.io.save_vectors` can write, asked of it (so the two agree)."""
    from ..io import file_format

    known = []
    for suffix in CANDIDATE_SUFFIXES:
        try:
            file_format(Path("vectors" + suffix))
        except ValueError:
            continue
        known.append(suffix)
    return known


def check_out(out: str, force: bool = False) -> Path:
    """``--out`` as a Path, or ValueError if the vectors could not be saved there.

    Checked before training, so that a run is never lost at the end: the suffix must
    be one :func:`w2vlib.io.save_vectors` knows, the directory must exist and be
    writable, and an existing file is kept unless ``force``.
    """
    path = Path(out)
    known = out_suffixes()
    if path.suffix not in known:
        raise ValueError(f"--out {out}: cannot tell the format from the suffix "
                         f"{path.suffix or '(none)'!r}: use {', '.join(known)} (.npz keeps "
                         "the settings and scores with the vectors)")
    if path.is_dir():
        raise ValueError(f"--out {out} is a directory: name a file in it, e.g. "
                         f"{path / 'vectors.npz'}")
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(f"--out {out}: the directory {str(parent)!r} does not exist; create it "
                         f"first (mkdir -p {shlex.quote(str(parent))}) or choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out}: cannot write to the directory {str(parent)!r} "
                         "(permission denied); choose another path")
    if path.exists() and not force:
        raise ValueError(f"--out {out} already exists: nothing was trained. Choose another name, "
                         "or pass --force to overwrite it")
    return path


def main(argv: list[str] | None = None) -> int:
    """Train on PTB, report quality, optionally save the vectors; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    from ..datasets import DatasetError, load_ptb

    try:                                   # every mistake is reported before training
        config = _config(args)
        if args.out:
            check_out(args.out, args.force)
    except (ValueError, TypeError) as e:
        parser.error(str(e))               # exit code 2, with the usage line
    try:
        corpus, word_to_id, id_to_word = load_ptb("train")
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        check_run(config, np.bincount(corpus, minlength=len(word_to_id)))
    except ValueError as e:
        parser.error(f"PTB train: {e}")
    try:
        res = train_word2vec(corpus, len(word_to_id), model=args.model, dim=args.dim,
                             window=args.window, negative=args.negative, epochs=args.epochs,
                             lr=args.lr, batch_size=args.batch_size, subsample=args.subsample,
                             seed=args.seed, progress=not args.no_progress)
    except FloatingPointError as e:                     # diverged: says which setting to lower
        print(f"error: {e}", file=sys.stderr)
        return 1
    found = quality(res.word_vecs, word_to_id, id_to_word)
    print(res)
    for q, ws in found["neighbours"].items():
        print(f"  {q:>8s}: {', '.join(ws)}")
    for kind, a in found["analogy"].items():
        print(f"  analogy {kind:<9s} top-1 {100 * a['top1']:5.2f}%  top-5 {100 * a['top5']:5.2f}%"
              f"  ({a['covered']:,} questions)")
    if args.out:
        command = f"{PROG} " + " ".join(
            shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
        meta = res.settings | {
            "command": command, "quality": found, "corpus": "PTB train (load_ptb)",
            "seconds": round(res.seconds, 1), "words_per_sec": round(res.words_per_sec),
            "epochs_done": res.epochs_done, "stored_dtype": "float16", "vectors": "W_in",
        }
        if not _save(args.out, args.force, res, id_to_word, meta):
            return 1
        print(json.dumps({k: meta[k] for k in ("seed", "words_per_sec", "seconds")}))
    return 0


def _save(out: str, force: bool, res, id_to_word, meta: dict) -> bool:
    """Save the vectors to ``out``; if that fails (or a file appeared there while training,
    without ``force``), to a new file in the temp directory -- full precision, so nothing
    trained is lost -- and say so. True if ``out`` was written."""
    from ..io import save_vectors

    try:
        if Path(out).exists() and not force:
            raise FileExistsError("it was created while training (pass --force to overwrite)")
        path = save_vectors(out, res.word_vecs, id_to_word, meta=meta, dtype=np.float16)
    except (OSError, ValueError) as e:
        spare = Path(tempfile.mkdtemp(prefix="w2vlib-vectors-")) / "vectors.npz"
        meta = meta | {"stored_dtype": str(res.word_vecs.dtype)}
        path = save_vectors(spare, res.word_vecs, id_to_word, meta=meta)
        print(f"error: could not write {out}: {e}\nthe vectors were saved to {path} "
              "instead: move them where you want them", file=sys.stderr)
        return False
    print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return True


if __name__ == "__main__":
    sys.exit(main())
