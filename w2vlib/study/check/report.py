"""What every check shares: the :class:`CheckResult` it returns and the runner of its cases.

A check is a list of *cases*, small functions that raise :class:`Fail` with a
hint when the learner's code gets that case wrong. :func:`run` records each
case's outcome (an exception from the learner's code becomes a failed case
naming it, never a traceback); :func:`finish` prints the report.

An untouched exercise stub raises a bare ``NotImplementedError``: such a case is
recorded as *not written yet* (hint :data:`NOT_WRITTEN`), and a check none of whose
cases was written yet prints one line saying so. A check whose cases all pass ends its
report with the next step (:data:`~w2vlib.study.check.next_steps.NEXT_STEPS`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from w2vlib.i18n import N_, _, display_width, fill

from .next_steps import NEXT_STEPS

__all__ = ["CheckResult", "Fail", "NotWritten", "NOT_WRITTEN", "is_stub", "learner_error", "run",
           "run_cases", "finish", "construct", "call_backward"]

# The messages of this module (one place, for the translation layer).
#: The hint of a case whose code is still the exercise's bare ``raise NotImplementedError``.
NOT_WRITTEN = N_("not written yet (your code still raises NotImplementedError)")
_ALL_NOT_WRITTEN = N_("check.{name}: not written yet -- your code still raises "
                      "NotImplementedError. Replace each `raise NotImplementedError` with your "
                      "code, then run this cell again.")
_SOME_NOT_WRITTEN = N_("{n} not written yet")
_NOT_WRITTEN_TAIL = N_("        the TODO parts still raise NotImplementedError: write them, then "
                       "run this cell again")
_NEXT = N_("  next: ")
_HINT = N_("        hint: ")
_ALL_PASSED = N_("all passed")
_N_FAILED = N_("{n} failed")
_HEADLINE = N_("check.{name}: {n_ok}/{n} checks passed ({verdict})")
#: the marks of a case in the report; translated, they keep the same width
_PASS, _FAIL, _TODO = N_("PASS"), N_("FAIL"), N_("TODO")
_RAISED = N_("{what} raised {type}: {error}")
_YOUR_CODE_RAISED = N_("your code raised {type}: {error}")
_CONSTRUCTING = N_("constructing {what}")


@dataclass
class CheckResult:
    """Outcome of one ``check.*`` call.

    ``checks``: list of ``(name, ok, hint)``; ``hint`` is ``""`` for a passed check.
    ``passed``: True when every check passed.

    >>> r = CheckResult("demo", [("a", True, ""), ("b", False, "try c")])
    >>> r
    CheckResult('demo', passed=False, 1/2 ok, failed=['b'])
    >>> r.hint("b")
    'try c'
    """

    name: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    #: printed after "all passed" (set by :func:`finish` from ``NEXT_STEPS``)
    next_step: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    @property
    def failed(self) -> list[str]:
        """Names of the failed checks, in order."""
        return [name for name, ok, _ in self.checks if not ok]

    @property
    def not_written(self) -> list[str]:
        """Names of the failed checks whose code is still a bare ``raise NotImplementedError``."""
        return [name for name, ok, hint in self.checks if not ok and hint == NOT_WRITTEN]

    def hint(self, name: str) -> str:
        """The hint of the check called ``name`` (KeyError if there is none)."""
        for n, _unused, h in self.checks:
            if n == name:
                return h
        raise KeyError(f"no check named {name!r}; checks: {[n for n, _, _ in self.checks]}")

    def __repr__(self) -> str:
        n_ok = sum(ok for _, ok, _ in self.checks)
        tail = f", failed={self.failed}" if self.failed else ""
        return f"CheckResult({self.name!r}, passed={self.passed}, {n_ok}/{len(self.checks)} ok{tail})"

    def report(self) -> str:
        """The printed report, as a string."""
        n_ok = sum(ok for _, ok, _ in self.checks)
        stubs = self.not_written
        if stubs and n_ok == 0 and len(stubs) == len(self.checks):
            return fill(_(_ALL_NOT_WRITTEN).format(name=self.name), width=92,
                        subsequent_indent="  ")
        if self.passed:
            verdict = _(_ALL_PASSED)
        else:
            n_wrong = len(self.failed) - len(stubs)
            parts = ([_(_N_FAILED).format(n=n_wrong)] if n_wrong else []) + (
                [_(_SOME_NOT_WRITTEN).format(n=len(stubs))] if stubs else [])
            verdict = ", ".join(parts)
        lines = [_(_HEADLINE).format(name=self.name, n_ok=n_ok, n=len(self.checks), verdict=verdict)]
        hint_indent = _(_HINT)
        for name, ok, hint in self.checks:
            # case names and hints are stored in English; shown in the language in use
            if not ok and hint == NOT_WRITTEN:
                lines.append(f"  {_(_TODO)}  {_(name)}")
                continue
            lines.append(f"  {_(_PASS) if ok else _(_FAIL)}  {_(name)}")
            if not ok and hint:
                lines.append(fill(hint, width=92, initial_indent=hint_indent,
                                  subsequent_indent=" " * display_width(hint_indent)))
        if stubs:
            lines.append(_(_NOT_WRITTEN_TAIL))
        if self.passed and self.next_step:
            nxt = _(_NEXT)
            lines.append(fill(_(self.next_step), width=92, initial_indent=nxt,
                              subsequent_indent=" " * display_width(nxt)))
        return "\n".join(lines)


class Fail(Exception):
    """Raised inside a case: the case failed, with this hint."""


class NotWritten(Fail):
    """Raised inside a case when the learner's code is still an untouched stub."""

    def __init__(self):
        super().__init__(NOT_WRITTEN)


def is_stub(e: BaseException) -> bool:
    """True for the bare ``raise NotImplementedError`` of an untouched exercise stub."""
    return isinstance(e, NotImplementedError) and not str(e)


def learner_error(e: Exception, what: str) -> Fail:
    """The :class:`Fail` to raise for the learner's exception ``e`` while doing ``what``
    (:class:`NotWritten` for an untouched stub)::

        except Exception as e:
            raise learner_error(e, "constructing your class") from None
    """
    if is_stub(e):
        return NotWritten()
    return Fail(_(_RAISED).format(what=what, type=type(e).__name__, error=e))


def run(result: CheckResult, name: str, body: Callable[[], None], on_error: str = "") -> None:
    """Run one case; record a pass, a :class:`Fail` hint, or the learner's exception
    (its type and message, then ``on_error``: a hint on how the code was called)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # keep the report clean; the overflow check records its own
            body()
    except Fail as e:
        result.checks.append((name, False, str(e)))
    except Exception as e:                         # the learner's code failed: report, don't raise
        if is_stub(e):
            result.checks.append((name, False, NOT_WRITTEN))
            return
        msg = _(_YOUR_CODE_RAISED).format(type=type(e).__name__, error=e)
        result.checks.append((name, False, f"{msg}. {_(on_error)}".strip() if on_error else msg))
    else:
        result.checks.append((name, True, ""))


def run_cases(name: str, cases, args: tuple, verbose: bool) -> CheckResult:
    """The :class:`CheckResult` called ``name`` of ``case(*args)`` for every
    ``(case name, case, on_error)`` of ``cases``, in order; printed if ``verbose``."""
    result = CheckResult(name)
    for case_name, case, on_error in cases:
        run(result, case_name, lambda case=case: case(*args), on_error)
    return finish(result, verbose)


def finish(result: CheckResult, verbose: bool) -> CheckResult:
    """Give ``result`` its next step, print the report if ``verbose``; return ``result``."""
    if not result.next_step:
        result.next_step = NEXT_STEPS.get(result.name, "")
    if verbose:
        print(result.report())
    return result


def construct(cls, *args, what: str, **kwargs):
    """``cls(*args, **kwargs)``, or :class:`Fail` naming ``what`` and the exception."""
    try:
        return cls(*args, **kwargs)
    except Exception as e:
        raise learner_error(e, _(_CONSTRUCTING).format(what=what)) from None


def call_backward(layer):
    """``layer.backward()``, or ``layer.backward(1.0)`` for a layer that needs ``dout``."""
    try:
        return layer.backward()
    except TypeError:
        return layer.backward(1.0)
