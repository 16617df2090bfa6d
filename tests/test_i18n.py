"""The Korean messages stay complete and right (issue 15; w2vlib/i18n.py, w2vlib/locale/).

* every message marked in the source now (Babel's extractor, the Makefile's keywords) has a
  Korean entry that is neither empty nor fuzzy, and the shipped .mo says what the .po says
  (``make catalogs`` after editing either);
* a translation keeps the message's ``{placeholders}`` (same names, conversions and specs);
* ``_()`` / ``N_()`` / ``ngettext()`` get literals, never f-strings or built-up strings, so
  the catalog holds the message itself (AST scan of w2vlib/);
* behaviour: a real failing check, an unknown word and ``W2VLIB_LANG`` speak Korean, and
  English comes back byte for byte.
"""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

babel_extract = pytest.importorskip("babel.messages.extract")
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

import w2vlib  # noqa: E402
from w2vlib import check, i18n  # noqa: E402
from w2vlib.corpus import UnknownWordError, word_id  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "w2vlib"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "ko" / "LC_MESSAGES" / "w2vlib.po"
MO = LOCALE / "ko" / "LC_MESSAGES" / "w2vlib.mo"
#: the Makefile's `pybabel extract -k N_ -k ngettext:1,2` on top of Babel's defaults
KEYWORDS = dict(babel_extract.DEFAULT_KEYWORDS, N_=None, ngettext=(1, 2))
#: the functions whose arguments the catalog is built from
MARKERS = {"_": (0,), "N_": (0,), "ngettext": (0, 1)}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def english_again():
    """Every test starts and ends in English, whatever it switched to."""
    w2vlib.set_language("en")
    yield
    w2vlib.set_language("en")


def _source_messages() -> dict:
    """msgid (a str, or a (singular, plural) tuple) -> the file it was found in."""
    with open(LOCALE / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, _lineno, message, _comments, _context in babel_extract.extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        if isinstance(message, (tuple, list)):
            message = tuple(message)
        if message:
            found.setdefault(message, filename)
    return found


def _catalog():
    with open(PO, "rb") as f:
        return read_po(f, locale="ko")


def _placeholders(text: str) -> set[tuple]:
    return {(name, conv, spec) for _lit, name, spec, conv in string.Formatter().parse(text)
            if name is not None}


def test_the_extractor_finds_the_library_messages():
    found = _source_messages()
    assert len(found) > 300
    assert "{word!r} is not in the vocabulary" in found                      # corpus.py
    assert "not written yet (your code still raises NotImplementedError)" in found  # N_()
    assert any(isinstance(m, tuple) for m in found)                          # ngettext


def test_every_source_message_has_a_korean_entry():
    catalog = _catalog()
    problems = []
    for msgid, where in sorted(_source_messages().items(), key=lambda kv: str(kv[0])):
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (
            (entry.string,) if entry is not None else ())
        if entry is None:
            problems.append(f"missing: {msgid!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where})")
        elif not strings or not all(s.strip() for s in strings):
            problems.append(f"not translated: {msgid!r} ({where})")
    assert not problems, ("messages without a Korean entry in w2vlib/locale/ko/LC_MESSAGES/"
                          "w2vlib.po (run `make catalogs`, translate, run it again):\n"
                          + "\n".join(problems))


def test_the_shipped_mo_says_what_the_po_says():
    buf = io.BytesIO()
    write_mo(buf, _catalog(), use_fuzzy=False)
    buf.seek(0)
    want = gettext.GNUTranslations(buf)._catalog
    with open(MO, "rb") as f:
        shipped = gettext.GNUTranslations(f)._catalog
    stale = sorted(str(k) for k in set(want) ^ set(shipped)
                   if not (isinstance(k, str) and k == ""))
    stale += sorted(str(k) for k in set(want) & set(shipped) if k != "" and want[k] != shipped[k])
    assert not stale, f"{MO.name} is older than {PO.name} (run `make catalogs`): {stale[:10]}"


def test_translations_keep_the_placeholders():
    bad = []
    for entry in _catalog():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strs = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        want = _placeholders(ids[0])
        for text in ids[1:] + tuple(s for s in strs if s):
            try:
                got = _placeholders(text)
            except ValueError as e:                 # an unbalanced brace
                bad.append(f"{ids[0]!r}: {text!r} does not parse ({e})")
                continue
            if got != want:
                bad.append(f"{ids[0]!r}: {sorted(want)} but {text!r} has {sorted(got)}")
    assert not bad, "\n".join(bad)


def _marker_calls():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS):
                yield path.relative_to(ROOT), node


def test_markers_get_literals_not_fstrings():
    """``N_()`` and ``ngettext()`` take string literals; ``_()`` a literal or a reference to
    a marked constant (``_(NOT_WRITTEN)``, ``_(LABELS[key])``): never an f-string, a
    concatenation or an already formatted string, which the catalog could not hold."""
    bad = []
    for path, call in _marker_calls():
        name = call.func.id
        for i in MARKERS[name]:
            if i >= len(call.args):
                bad.append(f"{path}:{call.lineno}: {name}() without argument {i + 1}")
                continue
            arg = call.args[i]
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            reference = isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript))
            if not literal and not (name == "_" and reference):
                bad.append(f"{path}:{call.lineno}: {name}({ast.unparse(arg)[:60]})")
    assert not bad, "\n".join(bad)


def test_no_function_that_translates_rebinds_underscore():
    """``_, x = f()`` in a function that also calls ``_()`` makes ``_`` a local there:
    the call then raises (or calls the tuple's element)."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            own, stack = [], list(ast.iter_child_nodes(fn))
            while stack:                       # this function's scope only
                n = stack.pop()
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                                  ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    continue
                own.append(n)
                stack.extend(ast.iter_child_nodes(n))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                        for n in own)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                        and n.func.id == "_" for n in ast.walk(fn))
            if binds and calls:
                bad.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert not bad, bad


# ---------------------------------------------------------------------------
# behaviour
# ---------------------------------------------------------------------------

class AssigningEmbedding:
    """The classic slip of notebook 03: ``dW[idx] = dout`` keeps one update of a repeated id."""

    def __init__(self, W):
        self.params, self.grads, self.idx = [W], [np.zeros_like(W)], None

    def forward(self, idx):
        self.idx = idx
        return self.params[0][idx]

    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] = dout


def _report(capsys) -> tuple[str, object]:
    result = check.embedding_backward(AssigningEmbedding)
    return capsys.readouterr().out, result


def test_a_failing_check_reports_in_korean(capsys):
    english, result_en = _report(capsys)
    assert "FAIL  backward, repeated ids add up" in english
    hint_en = result_en.hint("backward, repeated ids add up")
    assert hint_en.startswith("word 1 appears 3 times")

    w2vlib.set_language("ko")
    korean, result_ko = _report(capsys)
    assert not result_ko.passed and result_ko.failed == result_en.failed   # names stay keys
    assert HANGUL.search(korean)
    assert "힌트:" in korean and "실패" in korean
    hint_ko = result_ko.hint("backward, repeated ids add up")
    assert HANGUL.search(hint_ko) and "np.add.at(dW, idx, dout)" in hint_ko   # code stays code
    # no English sentence of the report is left: neither the hint nor the case names
    for sentence in re.split(r"(?<=[.:])\s+", hint_en):
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|\S*[\[\](=]\S*", "", sentence))
        if len(words) >= 4:
            assert sentence not in korean, sentence
    for english_line in ("checks passed", "all passed", "hint:", "repeated ids add up",
                         "written in place", "zeroed between calls"):
        assert english_line not in korean


def test_english_comes_back_byte_for_byte(capsys):
    before, _r = _report(capsys)
    with pytest.raises(UnknownWordError) as e:
        word_id("presidnt", {"president": 0, "presidents": 1})
    message_before = str(e.value)
    w2vlib.set_language("ko")
    korean, _r = _report(capsys)
    assert korean != before
    w2vlib.set_language("en")
    after, _r = _report(capsys)
    assert after == before
    with pytest.raises(UnknownWordError) as e:
        word_id("presidnt", {"president": 0, "presidents": 1})
    assert str(e.value) == message_before


def test_an_unknown_word_reads_korean_and_still_names_the_word():
    vocab = {"president": 0, "presidents": 1, "king": 2}
    w2vlib.set_language("ko")
    with pytest.raises(UnknownWordError) as e:
        word_id("presidnt", vocab)
    msg = str(e.value)
    assert HANGUL.search(msg) and "vocabulary" not in msg
    assert "'presidnt'" in msg and "'president'" in msg and "'presidents'" in msg
    assert isinstance(e.value, KeyError) and e.value.suggestions == ["president", "presidents"]
    with pytest.raises(UnknownWordError) as e:
        word_id("왕", vocab)                        # a Hangul word: the note, in Korean
    assert "'왕'" in str(e.value) and "'king'" in str(e.value)
    assert "English only" not in str(e.value)


def test_the_environment_variable_chooses_korean():
    code = ("import w2vlib\n"
            "from w2vlib.corpus import word_id\n"
            "print(w2vlib.get_language())\n"
            "try:\n"
            "    word_id('kng', {'king': 0})\n"
            "except KeyError as e:\n"
            "    print(e)\n")
    env = dict(os.environ, W2VLIB_LANG="ko")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, cwd=ROOT).stdout
    language, message = out.splitlines()[:2]
    assert language == "ko"
    assert HANGUL.search(message) and "'kng'" in message


def test_an_unknown_language_is_a_value_error_naming_the_languages():
    with pytest.raises(ValueError) as e:
        w2vlib.set_language("fr")
    assert "'en'" in str(e.value) and "'ko'" in str(e.value)
    assert w2vlib.get_language() == "en"


def test_locale_spellings_and_the_empty_message():
    w2vlib.set_language("ko_KR.UTF-8")
    assert w2vlib.get_language() == "ko"
    assert i18n._("") == ""                         # not the catalog's header
    assert i18n._("all passed") == "모두 통과"


def test_tables_and_wrapping_go_by_display_width():
    assert i18n.ljust("질문", 6) == "질문  " and i18n.rjust("top-1", 8) == "   top-1"
    text = "단어 " * 40
    lines = i18n.fill(text, 30, "  ", "  ").splitlines()
    assert all(i18n.display_width(line) <= 30 for line in lines) and len(lines) > 1
    english = "the quick brown fox jumps over the lazy dog " * 5
    import textwrap
    assert i18n.fill(english, 40, "> ", "  ") == textwrap.fill(
        english, 40, initial_indent="> ", subsequent_indent="  ", break_long_words=False,
        break_on_hyphens=False)
