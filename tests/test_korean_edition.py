"""The Korean edition (notebooks/ko/) pairs with the English cell by cell (w2vlib.study.pairing),
and the pairing check catches each way a twin falls out of step."""

from __future__ import annotations

import copy
import json
import tokenize
from pathlib import Path

import pytest

from w2vlib.study import pairing

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ENGLISH = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.name)
def test_every_notebook_has_a_korean_twin_in_step(english):
    found = pairing.problems(english)
    assert not found, f"{english.name} and ko/{english.name} are out of step:\n  " + "\n  ".join(found)


def test_the_korean_edition_has_no_notebook_without_an_english_twin():
    english = {p.name for p in ENGLISH}
    extra = [p.name for p in (NOTEBOOKS / pairing.KO_DIR).glob("*.ipynb") if p.name not in english]
    assert not extra, f"notebooks/ko/ has notebooks with no English twin: {extra}"


def test_the_korean_notebooks_speak_korean_from_their_first_cell():
    for english in ENGLISH:
        ko = pairing.twin(english)
        if not ko.is_file():
            continue  # reported by the pairing test
        cells = json.loads(ko.read_text(encoding="utf-8"))["cells"]
        first = next(c for c in cells if c["cell_type"] == "code")
        assert 'setup(language="ko")' in "".join(first["source"]), (
            f"ko/{english.name}: the first code cell calls notebook.setup(language=\"ko\")")


# --------------------------------------------------------------------------- the check itself

def _cell(kind, cid, source, outputs=None, **metadata):
    cell = {"cell_type": kind, "id": cid, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(execution_count=1, outputs=outputs if outputs is not None else [])
    return cell


EN = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    _cell("markdown", "t", "# Title\n\nThe Embedding layer picks rows instead of multiplying."),
    _cell("code", "s", 'from w2vlib.study import notebook\nnotebook.setup()'),
    _cell("markdown", "h", "## 1. Why rows repeat [핵심]\n\nWhen a word appears twice, its gradient adds."),
    _cell("code", "c", 'x = [1, 2]  # two ids\nprint(f"sum is {sum(x)}")\nwv.most_similar("king")',
          outputs=[{"output_type": "stream", "name": "stdout", "text": "sum is 3\n"}],
          tags=["nbval-ignore-output"]),
]}
KO_CELLS = [
    "# 제목\n\nEmbedding 계층은 원핫 벡터를 곱하는 대신 행을 고릅니다.",
    'from w2vlib.study import notebook\nnotebook.setup(language="ko")',
    "## 1. 행이 겹치는 이유 [핵심]\n\n같은 단어가 두 번 나오면 기울기를 더합니다.",
    'x = [1, 2]  # 단어 id 두 개\nprint(f"합은 {sum(x)}")\nwv.most_similar("king")',
]


def _write_pair(tmp_path, ko_cells=None, en=None, recorded=True):
    en = copy.deepcopy(EN if en is None else en)
    ko = copy.deepcopy(en)
    for cell, text in zip(ko["cells"], KO_CELLS if ko_cells is None else ko_cells, strict=True):
        cell["source"] = text
    (tmp_path / "ko").mkdir(exist_ok=True)
    en_path, ko_path = tmp_path / "01_x.ipynb", tmp_path / "ko" / "01_x.ipynb"
    en_path.write_text(json.dumps(en), encoding="utf-8")
    ko_path.write_text(json.dumps(ko, ensure_ascii=False), encoding="utf-8")
    if recorded:
        pairing.record(ko_path)
    return en_path, ko_path


def _edit(path, change):
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def test_a_faithful_twin_is_in_step(tmp_path):
    en_path, ko_path = _write_pair(tmp_path)
    assert pairing.problems(en_path) == []


def test_an_english_cell_edited_after_the_translation_puts_the_pair_out_of_step(tmp_path):
    en_path, ko_path = _write_pair(tmp_path)
    _edit(en_path, lambda nb: nb["cells"][2].update(source=EN["cells"][2]["source"] + " Always."))
    found = pairing.problems(en_path)
    assert len(found) == 1 and "'h'" in found[0] and "changed after the Korean" in found[0]
    pairing.record(ko_path)  # the maintainer updated the Korean cell, then recorded
    assert pairing.problems(en_path) == []


def test_a_twin_never_recorded_is_reported(tmp_path):
    en_path, _ = _write_pair(tmp_path, recorded=False)
    assert any("no record" in p for p in pairing.problems(en_path))


@pytest.mark.parametrize("bad_code, expected", [
    ('x = [1, 3]  # 단어\nprint(f"합은 {sum(x)}")\nwv.most_similar("king")', "code differs"),
    ('x = [1, 2]\nprint(f"합은 {sum(x)}")\nwv.most_similar("queen")', "only prose (with Hangul)"),
    ('x = [1, 2]\nprint(f"합은 {sum(x)}")\nwv.most_similar("king")\nx.pop()', "Korean code goes on"),
    ('x = [1, 2\n', "cannot be read as Python"),
])
def test_code_may_differ_only_in_comments_and_korean_prose(tmp_path, bad_code, expected):
    cells = list(KO_CELLS)
    cells[3] = bad_code
    en_path, _ = _write_pair(tmp_path, recorded=False)
    _edit(en_path.parent / "ko" / en_path.name, lambda nb: nb["cells"][3].update(source=bad_code))
    found = pairing.problems(en_path)
    assert any(expected in p for p in found), found


def test_untranslated_prose_and_lost_marks_are_reported(tmp_path):
    cells = list(KO_CELLS)
    cells[0] = EN["cells"][0]["source"]                                 # left in English
    cells[2] = "## 1. 행이 겹치는 이유\n\n같은 단어가 두 번 나오면 기울기를 더합니다."  # mark dropped
    en_path, _ = _write_pair(tmp_path, ko_cells=cells, recorded=False)
    found = pairing.problems(en_path)
    assert any("'t'" in p and "not translated" in p for p in found)
    assert any("'h'" in p and "headings differ" in p for p in found)


def test_added_cells_changed_metadata_and_missing_outputs_are_reported(tmp_path):
    en_path, ko_path = _write_pair(tmp_path)
    _edit(ko_path, lambda nb: nb["cells"][3]["metadata"].update(tags=[]))
    _edit(ko_path, lambda nb: nb["cells"][3].update(outputs=[]))
    found = pairing.problems(en_path)
    assert any("metadata differ" in p for p in found) and any("outputs differ" in p for p in found)
    _edit(ko_path, lambda nb: nb["cells"].append(_cell("markdown", "extra", "덧붙임")))
    assert any("2 in" in p or "cells in English" in p for p in pairing.problems(en_path))
    with pytest.raises(ValueError, match="not in step"):
        pairing.record(ko_path)


def test_a_print_cut_into_more_pieces_is_the_same_kind_of_output(tmp_path):
    en_path, ko_path = _write_pair(tmp_path)
    piece = {"output_type": "stream", "name": "stdout", "text": "합은 "}
    _edit(ko_path, lambda nb: nb["cells"][3].update(outputs=[piece, dict(piece, text="3\n")]))
    assert pairing.problems(en_path) == []


def test_a_missing_twin_is_named(tmp_path):
    en_path = tmp_path / "03_y.ipynb"
    en_path.write_text(json.dumps(EN), encoding="utf-8")
    assert pairing.problems(en_path) == [f"{tmp_path / 'ko' / '03_y.ipynb'} is missing: "
                                         "the Korean twin of 03_y.ipynb"]


def test_an_f_string_is_one_string_whatever_the_python():
    """On Python 3.12+ the tokenizer splits an f-string into pieces (PEP 701); the pairing rule
    still sees the whole f-string, so a Korean twin that changes a width inside a Hangul
    f-string is in step, and one that changes an expression or an English f-string is not."""
    en = 'print(f"{\'score x\':>8} of {n:,} {f\'{k}\'} words")'
    assert pairing._tokens(en)[2] == (tokenize.STRING, en[6:-1])
    assert pairing._code_problem(en, 'print(f"{\'점수 x\':>6} / {n:,} {f\'{k}\'}개 단어")') is None
    assert "only prose" in pairing._code_problem(en, 'print(f"{\'score x\':>8} / {n:,} {f\'{k}\'} words")')
    assert pairing._code_problem('print(f"{a} and {b}")', 'print(f"{a} 그리고 {b}")') is None
    assert "code differs" in pairing._code_problem('print(f"{a}")\nx = 1', 'print(f"{a}")\nx = 2')
