"""What every check shares: the :class:`CheckResult` it returns and the runner of its cases.

A check is a list of *cases*, small functions that raise :class:`Fail` with a
hint when the learner's code gets that case wrong. :func:`run` records each
case's outcome (an exception from the learner's code becomes a failed case
naming it, never a traceback); :func:`finish` prints the report.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CheckResult", "Fail", "run", "run_cases", "finish", "construct", "call_backward"]


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

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    @property
    def failed(self) -> list[str]:
        """Names of the failed checks, in order."""
        return [name for name, ok, _ in self.checks if not ok]

    def hint(self, name: str) -> str:
        """The hint of the check called ``name`` (KeyError if there is none)."""
        for n, _, h in self.checks:
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
        verdict = "all passed" if self.passed else f"{len(self.failed)} failed"
        lines = [f"check.{self.name}: {n_ok}/{len(self.checks)} checks passed ({verdict})"]
        for name, ok, hint in self.checks:
            lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
            if not ok and hint:
                lines.append(textwrap.fill(hint, width=92, initial_indent="        hint: ",
                                           subsequent_indent="              ",
                                           break_long_words=False, break_on_hyphens=False))
        return "\n".join(lines)


class Fail(Exception):
    """Raised inside a case: the case failed, with this hint."""


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
        msg = f"your code raised {type(e).__name__}: {e}"
        result.checks.append((name, False, f"{msg}. {on_error}".strip() if on_error else msg))
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
    """Print the report if ``verbose``; return ``result``."""
    if verbose:
        print(result.report())
    return result


def construct(cls, *args, what: str, **kwargs):
    """``cls(*args, **kwargs)``, or :class:`Fail` naming ``what`` and the exception."""
    try:
        return cls(*args, **kwargs)
    except Exception as e:
        raise Fail(f"constructing {what} raised {type(e).__name__}: {e}") from None


def call_backward(layer):
    """``layer.backward()``, or ``layer.backward(1.0)`` for a layer that needs ``dout``."""
    try:
        return layer.backward()
    except TypeError:
        return layer.backward(1.0)
