"""The Korean edition kept in step with the English: each ``notebooks/ko/NN_x.ipynb`` is the
twin of ``notebooks/NN_x.ipynb``, cell by cell.

A pair is in step when

* the cells are the same: number, order, ``id``, ``cell_type`` and metadata (tags, slides,
  folding);
* every code cell is the same code. Only comments may differ, and string literals that are
  prose for the reader: a string that differs must contain Hangul in the Korean twin. The first
  cell's ``notebook.setup(language="ko")`` counts as ``notebook.setup()``;
* every cell has the same kinds of outputs (stream names, MIME types) in the same order;
* every markdown cell that has English prose is written in Korean in the twin. It has the same
  headings, at the same levels, with the same ``[핵심]`` / ``[심화]`` marks;
* no English cell changed after its Korean twin was written. When a Korean notebook is brought
  up to date, ``record`` stores a short hash of each English cell in the Korean notebook's
  metadata (``w2vlib.translated_from``). An English cell edited later no longer matches its hash,
  and the pair is out of step until the Korean cell is updated and recorded again.

The maintainer's workflow (README, "Working on w2vlib"): edit the English notebook, edit the
same cells of the Korean one, run ``make execute`` (both editions), then
``python -m w2vlib.study.pairing record notebooks/ko/NN_x.ipynb``. ``tests/test_korean_edition.py``
runs :func:`problems` on every pair.

Command line::

    python -m w2vlib.study.pairing check                   # every pair; exit 1 if any is out of step
    python -m w2vlib.study.pairing record notebooks/ko/05_negative_sampling.ipynb
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

__all__ = ["KO_DIR", "twin", "problems", "record", "english_hashes", "has_hangul"]

KO_DIR = "ko"
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_SETUP_KO = re.compile(r"""setup\(\s*language\s*=\s*(['"])ko\1\s*\)""")
_MARK = re.compile(r"\[(핵심|심화)\]\s*$")
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_TEXT = {tokenize.STRING}
# Python 3.12+ (PEP 701) tokenizes an f-string in pieces; _tokens joins them into one STRING
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def twin(english: Path) -> Path:
    """``notebooks/NN_x.ipynb`` -> ``notebooks/ko/NN_x.ipynb``."""
    english = Path(english)
    return english.parent / KO_DIR / english.name


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def english_hashes(english: dict) -> dict[str, str]:
    """``{cell id: short hash of its source}`` of an English notebook."""
    return {c["id"]: _hash(_source(c)) for c in english["cells"]}


def _tokens(source: str) -> list[tuple[int, str]]:
    """The code's tokens without comments and blank lines; adjacent string literals merged.

    An f-string is one STRING token, its whole text, on every Python: 3.12 and later split it
    into FSTRING_START, its pieces and FSTRING_END (PEP 701), which are put back together here,
    so the rule "a string that differs must contain Hangul" sees the same strings as on 3.11."""
    source = _SETUP_KO.sub("setup()", source)
    starts = [0]                                  # offset of each line's first character
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(pos):
        return starts[pos[0] - 1] + pos[1]

    out: list[tuple[int, str]] = []
    depth, begin = 0, None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == _FSTRING_START:
            if depth == 0:
                begin = tok.start
            depth += 1
            continue
        if depth:
            if tok.type == _FSTRING_END:
                depth -= 1
                if depth == 0:
                    tok = tokenize.TokenInfo(tokenize.STRING, source[offset(begin):offset(tok.end)],
                                             begin, tok.end, tok.line)
            if depth:
                continue
        if tok.type in _LAYOUT:
            continue
        if tok.type in _TEXT and out and out[-1][0] == tokenize.STRING:
            out[-1] = (tokenize.STRING, out[-1][1] + " " + tok.string)
            continue
        if tok.type == tokenize.NEWLINE:
            out.append((tok.type, "\n"))  # the last line's NEWLINE is "" without a final newline
            continue
        out.append((tokenize.STRING if tok.type in _TEXT else tok.type, tok.string))
    return out


def _code_problem(en: str, ko: str) -> str | None:
    try:
        a, b = _tokens(en), _tokens(ko)
    except (tokenize.TokenError, SyntaxError, IndentationError) as e:
        return f"cannot be read as Python ({e})"
    for (ta, sa), (tb, sb) in zip(a, b, strict=False):
        if (ta, sa) == (tb, sb):
            continue
        if ta == tb == tokenize.STRING and has_hangul(sb):
            continue  # prose for the reader, in Korean
        if ta == tb == tokenize.STRING:
            return f"string {sa[:60]!r} became {sb[:60]!r}: only prose (with Hangul) may differ"
        return f"code differs: English {sa[:60]!r}, Korean {sb[:60]!r}"
    if len(a) != len(b):
        longer, extra = ("English", a[len(b)]) if len(a) > len(b) else ("Korean", b[len(a)])
        return f"the {longer} code goes on where the other ends ({extra[1][:60]!r})"
    return None


def _output_kinds(cell: dict) -> list[str]:
    """The kinds of a cell's outputs, in order; consecutive pieces of one stream count once
    (how a print is cut into pieces depends on timing, as nbval knows: it merges them too)."""
    kinds: list[str] = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type", "?")
        if kind == "stream":
            kind += ":" + out.get("name", "")
            if kinds and kinds[-1] == kind:
                continue
        elif "data" in out:
            kind += ":" + ",".join(sorted(out["data"]))
        kinds.append(kind)
    return kinds


def _prose_words(markdown: str) -> int:
    text = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|<[^>]+>|\]\([^)]*\)|https?://\S+", " ",
                  markdown, flags=re.S)
    return len(re.findall(r"\b[A-Za-z]{3,}\b", text))


def _headings(markdown: str) -> list[tuple[int, str]]:
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            mark = _MARK.search(line)
            out.append((len(line) - len(line.lstrip("#")), mark.group(1) if mark else ""))
    return out


def problems(english_path: Path, korean_path: Path | None = None) -> list[str]:
    """What keeps the Korean twin of ``english_path`` out of step (empty: in step)."""
    english_path = Path(english_path)
    korean_path = twin(english_path) if korean_path is None else Path(korean_path)
    if not korean_path.is_file():
        return [f"{korean_path} is missing: the Korean twin of {english_path.name}"]
    en = json.loads(english_path.read_text(encoding="utf-8"))
    ko = json.loads(korean_path.read_text(encoding="utf-8"))
    found: list[str] = []
    ids_en = [(c.get("id"), c["cell_type"]) for c in en["cells"]]
    ids_ko = [(c.get("id"), c["cell_type"]) for c in ko["cells"]]
    if ids_en != ids_ko:
        for n, (a, b) in enumerate(zip(ids_en, ids_ko, strict=False)):
            if a != b:
                found.append(f"cell {n}: English has {a[1]} cell {a[0]!r}, Korean {b[1]} cell {b[0]!r} "
                             "(same cells, same order: add, remove or move a cell in both)")
                break
        if len(ids_en) != len(ids_ko):
            found.append(f"{len(ids_en)} cells in English, {len(ids_ko)} in Korean")
        return found
    recorded = ko.get("metadata", {}).get("w2vlib", {}).get("translated_from", {})
    if not recorded:
        found.append(f"{korean_path.name}: no record of the English it was translated from: run "
                     f"`python -m w2vlib.study.pairing record {korean_path.as_posix()}`")
    for n, (a, b) in enumerate(zip(en["cells"], ko["cells"], strict=True)):
        where = f"cell {n} ({a['cell_type']} {a.get('id')!r})"
        if a.get("metadata", {}) != b.get("metadata", {}):
            found.append(f"{where}: metadata differ (tags, slides, folding must match): "
                         f"{a.get('metadata')} vs {b.get('metadata')}")
        src_en, src_ko = _source(a), _source(b)
        if recorded and recorded.get(a.get("id")) != _hash(src_en):
            found.append(f"{where}: the English cell changed after the Korean was written: update the "
                         "Korean cell, then record the pair again")
        if a["cell_type"] == "code":
            problem = _code_problem(src_en, src_ko)
            if problem:
                found.append(f"{where}: {problem}")
            if _output_kinds(a) != _output_kinds(b):
                found.append(f"{where}: outputs differ in kind: {_output_kinds(a)} vs {_output_kinds(b)} "
                             "(execute both notebooks)")
        elif a["cell_type"] == "markdown":
            if _prose_words(src_en) >= 4 and not has_hangul(src_ko):
                found.append(f"{where}: not translated (no Hangul)")
            if _headings(src_en) != _headings(src_ko):
                found.append(f"{where}: headings differ (levels, [핵심]/[심화] marks): "
                             f"{_headings(src_en)} vs {_headings(src_ko)}")
    return found


def record(korean_path: Path) -> None:
    """Store the hashes of the English cells in the Korean notebook (after it is in step)."""
    korean_path = Path(korean_path)
    english_path = korean_path.parent.parent / korean_path.name
    ko = json.loads(korean_path.read_text(encoding="utf-8"))
    ko.setdefault("metadata", {}).setdefault("w2vlib", {}).pop("translated_from", None)
    left = [p for p in problems(english_path, korean_path) if "changed after" not in p
            and "no record" not in p]
    if left:
        raise ValueError(f"{korean_path} is not in step with {english_path}; fix first:\n  "
                         + "\n  ".join(left))
    en = json.loads(english_path.read_text(encoding="utf-8"))
    ko["metadata"]["w2vlib"]["translated_from"] = english_hashes(en)
    korean_path.write_text(json.dumps(ko, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.study.pairing",
                                     description="Keep notebooks/ko/ in step with notebooks/.")
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="report every pair that is out of step")
    chk.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    rec = sub.add_parser("record", help="record the English a Korean notebook now matches")
    rec.add_argument("korean", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "record":
        try:
            for path in args.korean:
                record(path)
                print(f"{path}: recorded")
        except (ValueError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        return 0
    bad = 0
    for english in sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb")):
        found = problems(english)
        bad += bool(found)
        print(f"{english.name}: " + ("in step" if not found else f"{len(found)} problems"))
        for p in found:
            print(f"  {p}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
