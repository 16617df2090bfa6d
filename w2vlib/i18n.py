"""The language w2vlib speaks to a learner: English (the default) or Korean.

What a learner reads -- check reports and hints, widget labels, the common errors -- goes
through the standard :mod:`gettext` machinery: the message catalogs are
``w2vlib/locale/<lang>/LC_MESSAGES/w2vlib.po`` (extracted and compiled with Babel: ``make
catalogs``) and the compiled ``.mo`` beside each, shipped in the wheel.

Choose the language with :func:`set_language` (the Korean notebooks do it in their first
cell, through ``notebook.setup(language="ko")``) or the environment variable
``W2VLIB_LANG=ko``, read once at import.

>>> set_language("ko")
>>> get_language()
'ko'
>>> set_language("en")

In the code, a message is marked with :func:`_` where it is shown (``_("text {x}").format(x=1)``,
never an f-string, so the catalog holds one entry), and with :func:`N_` where it is only
defined (a module constant): translate it with ``_()`` when shown, so a language chosen after
import still applies.
"""

from __future__ import annotations

import difflib
import gettext
import importlib.resources
import os
import textwrap
import unicodedata
import warnings
from pathlib import Path

__all__ = ["LANGUAGES", "ENV_LANG", "DOMAIN", "set_language", "get_language", "_", "N_", "ngettext",
           "localedir", "display_width", "ljust", "rjust", "fill"]

DOMAIN = "w2vlib"
#: the languages w2vlib speaks; English is the source language (no catalog)
LANGUAGES = ("en", "ko")
ENV_LANG = "W2VLIB_LANG"

_language = "en"
_translations: gettext.NullTranslations = gettext.NullTranslations()


def localedir() -> Path:
    """The directory of the message catalogs (``w2vlib/locale``)."""
    return Path(str(importlib.resources.files("w2vlib").joinpath("locale")))


#: other names people type for a language
_ALIASES = {"kr": "ko", "kor": "ko", "korean": "ko", "한국어": "ko", "eng": "en", "english": "en"}


def _normalise(language: str) -> str:
    # "ko_KR.UTF-8", "ko-KR", "KO", "Korean" -> "ko"
    code = language.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return _ALIASES.get(code, code)


def set_language(language: str) -> None:
    """Speak ``language`` from now on: ``"en"`` (default) or ``"ko"`` (한국어).

    Locale spellings such as ``"ko_KR"`` or ``"ko-KR.UTF-8"`` are accepted, and ``"korean"``,
    ``"kr"`` and ``"한국어"`` for Korean. An unknown
    language is a ``ValueError`` naming the ones there are.
    """
    global _language, _translations
    if not isinstance(language, str):
        raise TypeError(f"language must be a string such as 'ko' or 'en', got {language!r}")
    code = _normalise(language)
    if code not in LANGUAGES:
        close = difflib.get_close_matches(code, LANGUAGES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"w2vlib speaks {', '.join(map(repr, LANGUAGES))}, not {language!r}{hint}")
    if code == "en":
        _translations = gettext.NullTranslations()
    else:
        try:
            _translations = gettext.translation(DOMAIN, localedir(), languages=[code])
        except OSError as e:
            raise RuntimeError(f"the {code!r} message catalog is missing from this installation "
                               f"of w2vlib ({localedir()}): reinstall it, or run `make catalogs` "
                               "in a checkout") from e
    _language = code


def get_language() -> str:
    """The language in use: ``"en"`` or ``"ko"``."""
    return _language


def _(message: str) -> str:
    """``message`` in the language in use (itself in English, or where it has no entry).

    The empty string stays empty (gettext would give the catalog's header for it), so an
    optional hint or label can go through ``_()`` unchecked.
    """
    if not message:
        return message
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (module constants)."""
    return message


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: a Hangul syllable (or any wide character)
    takes two, so tables line up in Korean too.

    >>> display_width("top-1"), display_width("정확도")
    (5, 6)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces on the right to ``width`` columns (``str.ljust`` by
    :func:`display_width`; the same as ``f"{text:<{width}}"`` for English)."""
    text = str(text)
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    """``text`` padded with spaces on the left to ``width`` columns (see :func:`ljust`)."""
    text = str(text)
    return " " * max(0, width - display_width(text)) + text


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` wrapped at spaces into lines of at most ``width`` columns (by
    :func:`display_width`, so Korean lines are as wide on screen as English ones); words are
    never broken. For text without wide characters this is exactly ``textwrap.fill(text,
    width, initial_indent=..., subsequent_indent=..., break_long_words=False,
    break_on_hyphens=False)``.
    """
    if display_width(text + initial_indent + subsequent_indent) == len(text + initial_indent
                                                                       + subsequent_indent):
        return textwrap.fill(text, width=width, initial_indent=initial_indent,
                             subsequent_indent=subsequent_indent, break_long_words=False,
                             break_on_hyphens=False)
    lines, line, indent = [], "", initial_indent
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and display_width(indent + candidate) > width:
            lines.append(indent + line)
            indent, candidate = subsequent_indent, word
        line = candidate
    if line or not lines:
        lines.append(indent + line)
    return "\n".join(lines)


def _from_environment() -> None:
    value = os.environ.get(ENV_LANG, "").strip()
    if not value:
        return
    try:
        set_language(value)
    except (ValueError, RuntimeError) as e:
        warnings.warn(f"{ENV_LANG}={value!r} ignored: {e}", stacklevel=2)


_from_environment()
