"""``python -m w2vlib.speed``: train word vectors on PTB, print speed and quality, save them.

The Makefile's ``vectors`` target makes ``w2vlib/data/vectors/ptb_cbow.npz`` with it. (The
scatter-add table the old ``--scatter-table`` flag printed is a benchmark:
``python -m w2vlib.lab.scatter_bench``.)
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

import numpy as np

from .config import MODELS
from .word2vec import train_word2vec

__all__ = ["main", "quality"]

PROG = "python -m w2vlib.speed"


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
    parser.add_argument("--out", help="write the vectors here (.npz: float16, with metadata)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Train on PTB, report quality, optionally save the vectors; returns the exit code."""
    args = _parser().parse_args(argv)
    from ..datasets import DatasetError, load_ptb
    from ..io import save_vectors

    try:
        corpus, word_to_id, id_to_word = load_ptb("train")
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    res = train_word2vec(corpus, len(word_to_id), model=args.model, dim=args.dim,
                         window=args.window, negative=args.negative, epochs=args.epochs,
                         lr=args.lr, batch_size=args.batch_size, subsample=args.subsample,
                         seed=args.seed, progress=not args.no_progress)
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
        path = save_vectors(args.out, res.word_vecs, id_to_word, meta=meta, dtype=np.float16)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
        print(json.dumps({k: meta[k] for k in ("seed", "words_per_sec", "seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
