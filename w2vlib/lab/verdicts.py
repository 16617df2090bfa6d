"""The fair comparison's verdicts: ratio tables against gensim and fastText, quality side by
side over seeds, and issue 16's goals checked on one run (met, or missed by how much).

Built from the results :mod:`w2vlib.lab.ladder` defines; printed by :mod:`w2vlib.lab.bench`.
"""

from __future__ import annotations

from .ladder import (
    GROUPS,
    RUNGS,
    SEEDED_GROUPS,
    SHARED,
    TOOL_NAMES,
    TOOLS,
    QualityResult,
    RungResult,
    format_rate,
    quality_spreads,
)

__all__ = ["ratio_table", "quality_side_by_side", "GOALS", "goal_lines"]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if a > 0 and b > 0 else "-"


def ratio_table(results: list[RungResult]) -> str:
    """The fair table's speed side: per setting of :data:`GROUPS`, words/s of our compiled
    loop, gensim and fastText (wall clock), and ours / gensim and ours / fastText on the
    wall clock and in CPU time (ratio > 1: ours is faster). Empty when no setting ran."""
    by_key = {r.key: r for r in results if not r.skipped and r.words_per_sec > 0}
    head = (f"{'setting':<38}{'ours':>9}{'gensim':>9}{'fastText':>9}"
            f"{'/gensim':>9}{'CPU':>7}{'/fastText':>10}{'CPU':>7}")
    lines = [head, "-" * len(head)]
    for name, (ours, gensim, fasttext) in GROUPS.items():
        a, b, c = by_key.get(ours), by_key.get(gensim), by_key.get(fasttext)
        if a is None or (b is None and c is None):
            continue

        def rate(r, cpu=False):
            return r.rate(cpu) if r is not None else 0.0

        lines.append(f"{name:<38}{format_rate(rate(a)):>9}"
                     f"{format_rate(rate(b)) if b else '-':>9}"
                     f"{format_rate(rate(c)) if c else '-':>9}"
                     f"{_ratio(rate(a), rate(b)):>9}{_ratio(rate(a, True), rate(b, True)):>7}"
                     f"{_ratio(rate(a), rate(c)):>10}{_ratio(rate(a, True), rate(c, True)):>7}")
    for shared, base in SHARED.items():
        a, b = by_key.get(shared), by_key.get(base)
        if a is not None and b is not None:
            lines.append(f"  {RUNGS[shared]}: {format_rate(a.words_per_sec)} words/s, "
                         f"{_ratio(a.words_per_sec, b.words_per_sec)} the per-word loop "
                         f"(CPU {_ratio(a.words_per_cpu_sec, b.words_per_cpu_sec)})")
    return "\n".join(lines) if len(lines) > 2 else ""


def quality_side_by_side(qualities: list[QualityResult]) -> str:
    """The fair table's quality side: per setting, each tool's analogy top-1 and WordSim353
    as mean [min-max] over the seeds scored."""
    spreads = quality_spreads(qualities)
    head = f"{'setting':<38}{'score':<12}" + "".join(f"{TOOL_NAMES[t]:>22}" for t in TOOLS)
    lines = [head, "-" * len(head)]
    for name, keys in GROUPS.items():
        ds = [spreads.get(k) for k in keys]
        if all(d is None for d in ds):
            continue
        seeds = max(d["seeds"] for d in ds if d)
        for i, (score, scale, digits, unit) in enumerate(
                (("top1", 100, 1, "%"), ("spearman", 1, 3, ""))):
            cells = [d[score].format(scale, digits, unit) if d and d[score] else "-" for d in ds]
            title = name if i == 0 else f"  ({seeds} seed{'s' if seeds > 1 else ''})"
            label = "top-1" if score == "top1" else "WordSim353"
            lines.append(f"{title:<38}{label:<12}" + "".join(f"{c:>22}" for c in cells))
    for shared in SHARED:
        d = spreads.get(shared)
        if d:
            rho = d["spearman"].format(1, 3) if d["spearman"] else "n/a"
            lines.append(f"  {RUNGS[shared]}: top-1 {d['top1'].format(100, 1, '%')}, "
                         f"WordSim353 {rho}")
    return "\n".join(lines) if len(lines) > 2 else ""


#: Issue 16's goals: (title, [(our rung, the rung it is divided by)], the ratio to reach).
GOALS = (
    ("2 threads >= 1.8x 1 thread (CBOW and skip-gram)",
     [("numba-2", "numba"), ("numba-2-sub", "numba-sub"), ("numba-sg-2-sub", "numba-sg-sub")],
     1.8),
    ("1 thread >= 4x gensim workers=1 at equal lr (CBOW and skip-gram)",
     [("numba", "gensim"), ("numba-sub", "gensim-sub"), ("numba-sg-sub", "gensim-sg-sub")],
     4.0),
)


def _quality_goal(spreads: dict, ours: str, theirs: str) -> tuple[str, bool | None]:
    """Whether our scores are within seed noise of theirs: met when our mean is at least
    theirs or the two [min-max] ranges overlap; else missed by the gap between the ranges."""
    a, b = spreads.get(ours), spreads.get(theirs)
    if not a or not b:
        return "not measured", None
    parts, ok = [], True
    for score, scale, digits, unit, name in (("top1", 100, 1, " points", "top-1"),
                                             ("spearman", 1, 3, "", "WordSim353")):
        x, y = a[score], b[score]
        if x is None or y is None:
            continue
        if x.mean >= y.mean or x.hi >= y.lo:
            parts.append(f"{name} {x.format(scale, digits)} vs {y.format(scale, digits)}: met")
        else:
            ok = False
            parts.append(f"{name} {x.format(scale, digits)} vs {y.format(scale, digits)}: "
                         f"missed by {scale * (y.lo - x.hi):.{digits}f}{unit}")
        if min(x.n, y.n) < 2:
            parts[-1] += " (one seed: no spread to judge by)"
    return "; ".join(parts), ok


def goal_lines(results: list[RungResult], qualities: list[QualityResult] = ()) -> list[str]:
    """Issue 16's goals, checked on this run: one line per goal and per setting, saying met
    or missed by how much (speed on the wall clock, CPU-time ratio in brackets)."""
    by_key = {r.key: r for r in results if not r.skipped and r.words_per_sec > 0}
    lines = []
    for title, pairs, target in GOALS:
        lines.append(f"goal: {title}")
        for ours, base in pairs:
            a, b = by_key.get(ours), by_key.get(base)
            what = f"  {RUNGS[ours]} / {RUNGS[base]}"
            if a is None or b is None:
                lines.append(f"{what}: not measured")
                continue
            ratio = a.words_per_sec / b.words_per_sec
            cpu = _ratio(a.words_per_cpu_sec, b.words_per_cpu_sec)
            verdict = ("MET" if ratio >= target else
                       f"MISSED by {target - ratio:.2f}x ({100 * (target - ratio) / target:.0f}% "
                       f"short of {target:g}x)")
            lines.append(f"{what}: {ratio:.2f}x (CPU {cpu}): {verdict}")
    spreads = quality_spreads(list(qualities))
    lines.append("goal: quality within seed noise of gensim (equal settings, one thread)")
    for name in SEEDED_GROUPS:
        ours, gensim, _ = GROUPS[name]
        text, ok = _quality_goal(spreads, ours, gensim)
        verdict = "" if ok is None else (": MET" if ok else ": MISSED")
        lines.append(f"  {name}: {text}{verdict}")
    return lines
