"""A minibatch training loop for any model with the book's layer API.

``Trainer(model, optimizer).fit(x, t, ...)`` shuffles the data every epoch,
runs :meth:`Trainer.step` (``forward`` / ``backward`` / ``optimizer.update``)
per minibatch, shows a tqdm progress bar (a widget in JupyterLab, text in a
terminal) and keeps the average loss of every ``eval_interval`` steps in
``loss_list`` for :meth:`Trainer.plot`.

``Trainer(..., profiler=timer)`` times the parts of every step: ``timer`` is
any object with a ``part(label)`` context manager (such as
:class:`w2vlib.lab.profiling.PartTimer`); the labels are
:attr:`Trainer.PROFILE_PARTS`. The speed step that updates only the rows a
batch touched is :class:`w2vlib.speed.sparse.SparseTrainer`.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import time

import numpy as np
from tqdm.auto import tqdm

from .i18n import _
from .seeding import make_rng

__all__ = ["Trainer", "unique_params", "clip_grads"]


def unique_params(params: list, grads: list) -> tuple[list, list]:
    """Drop repeated parameter arrays, adding their gradients together.

    A model built the book's way may list one shared weight several times (one
    entry per layer that uses it).  Updating it once per entry would apply the
    step several times; this returns each array once, with the sum of its
    gradients.  Models in :mod:`w2vlib.models` list each weight once already.
    """
    seen: dict[int, int] = {}
    out_p, out_g = [], []
    for p, g in zip(params, grads, strict=True):
        k = id(p)
        if k in seen:
            out_g[seen[k]] = out_g[seen[k]] + g
        else:
            seen[k] = len(out_p)
            out_p.append(p)
            out_g.append(g)
    return out_p, out_g


def clip_grads(grads: list, max_norm: float) -> None:
    """Scale all gradients in place so that their joint L2 norm is at most ``max_norm``."""
    if not (isinstance(max_norm, numbers.Real) and 0 < max_norm < math.inf):
        raise ValueError(_("max_norm must be a finite number > 0, got {max_norm!r}").format(
                             max_norm=max_norm))
    total = np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads))
    if total > max_norm:
        scale = max_norm / (total + 1e-6)
        for g in grads:
            g *= scale


def _no_part(label: str):
    return contextlib.nullcontext()


def _check_count(name: str, value) -> int:
    """``value`` as an int, or ValueError unless it is a whole number >= 1 (not a bool)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(_("{name} must be an int >= 1, got {value!r}").format(name=name, value=value))
    return int(value)


def _check_positive(name: str, value, hint: str = "") -> float | None:
    """``value`` as a float, or ValueError unless it is None or a finite number > 0."""
    if value is None:
        return None
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not math.isfinite(value) or value <= 0):
        raise ValueError(_("{name} must be a finite number > 0 or None, got {value!r}{hint}").format(
                             name=name, value=value, hint=hint))
    return float(value)


def _diverged(loss, epoch: int, step: int, optimizer) -> FloatingPointError:
    """The error for a non-finite loss, saying where it happened and what to try."""
    lr = getattr(optimizer, "lr", None)
    now = _(" (now {lr:g})").format(lr=lr) if isinstance(lr, numbers.Real) else ""
    return FloatingPointError(
        _("training diverged (loss {loss}) in epoch {epoch} at step {step}: lower the "
          "optimizer's lr{now} or clip the gradients with max_grad (e.g. max_grad=5.0)").format(
            loss=loss, epoch=epoch + 1, step=step, now=now))


class Trainer:
    """Train ``model`` with ``optimizer`` on minibatches.

    model: has ``params``, ``grads``, ``forward(x, t) -> loss`` and ``backward()``.
    optimizer: has ``update(params, grads)`` (see :mod:`w2vlib.optim`).
    profiler: optional object with a ``part(label)`` context manager; each
    step then runs its parts inside ``profiler.part(label)`` for the labels
    of :attr:`PROFILE_PARTS`, in that order (clipping counts as "optimizer").
    """

    #: labels passed to ``profiler.part`` by :meth:`step`, in the order they run
    PROFILE_PARTS = ("forward", "backward", "grad sum (shared weights)", "optimizer")

    def __init__(self, model, optimizer, profiler=None):
        self.model = model
        self.optimizer = optimizer
        self.profiler = profiler
        self.loss_list: list[float] = []
        self.eval_interval = 1
        self.elapsed = 0.0
        self.words_seen = 0

    def step(self, x: np.ndarray, t: np.ndarray, max_grad: float | None = None) -> float:
        """One minibatch: forward, backward, merge shared grads, clip, update; returns the loss.

        x: (B, ...) inputs and t: (B, ...) targets of one batch. A subclass may
        override it (or :meth:`merge_grads` and :meth:`apply_update`).
        """
        part = _no_part if self.profiler is None else self.profiler.part
        with part("forward"):
            loss = self.model.forward(x, t)
        with part("backward"):
            self.model.backward()
        with part("grad sum (shared weights)"):
            params, grads = self.merge_grads()
        with part("optimizer"):
            if max_grad is not None:
                clip_grads(grads, max_grad)
            self.apply_update(params, grads)
        return loss

    def merge_grads(self) -> tuple[list, list]:
        """The model's (params, grads) with each shared array once (:func:`unique_params`)."""
        return unique_params(self.model.params, self.model.grads)

    def apply_update(self, params: list, grads: list) -> None:
        """Hand the merged (params, grads) to the optimizer."""
        self.optimizer.update(params, grads)

    def fit(self, x: np.ndarray, t: np.ndarray, max_epoch: int = 10, batch_size: int = 32,
            max_grad: float | None = None, eval_interval: int = 20, seed=None,
            progress: bool = True, time_limit: float | None = None) -> Trainer:
        """Run ``max_epoch`` passes over ``(x, t)``; returns ``self``.

        x: (N, ...) inputs, t: (N, ...) targets, paired by their first axis.
        ``seed`` (int, None or Generator) fixes the shuffling. ``time_limit``
        (seconds) stops early after the step that crosses it -- handy in a
        notebook that must finish in time; ``self.stopped_early`` says if it did.
        ``max_grad`` (> 0, or None for no clipping) caps the gradients' joint norm.

        A non-finite loss (the run diverged) raises ``FloatingPointError`` naming
        the epoch and step; the weights are then as that step left them.
        """
        x = np.asarray(x)
        t = np.asarray(t)
        if len(x) != len(t):
            raise ValueError(_("x and t must have the same number of rows, got {n_x} and {n_t}").format(
                                 n_x=len(x), n_t=len(t)))
        max_epoch = _check_count("max_epoch", max_epoch)
        batch_size = _check_count("batch_size", batch_size)
        eval_interval = _check_count("eval_interval", eval_interval)
        max_grad = _check_positive("max_grad", max_grad, _(" (None: no clipping)"))
        time_limit = _check_positive("time_limit", time_limit, _(" (seconds)"))
        n = len(x)
        if n < batch_size:
            raise ValueError(_("{n} examples are fewer than one batch of {batch_size}").format(
                                 n=n, batch_size=batch_size))
        rng = make_rng(seed)
        iters = n // batch_size
        self.eval_interval = eval_interval
        self.stopped_early = False
        total_loss, count = 0.0, 0
        start = time.perf_counter()
        bar = tqdm(total=max_epoch * iters, disable=not progress, unit="step",
                   dynamic_ncols=True, mininterval=0.5)
        try:
            for epoch in range(max_epoch):
                order = rng.permutation(n)
                for it in range(iters):
                    batch = order[it * batch_size:(it + 1) * batch_size]
                    loss = float(self.step(x[batch], t[batch], max_grad))
                    if not math.isfinite(loss):
                        raise _diverged(loss, epoch, epoch * iters + it + 1, self.optimizer)
                    total_loss += loss
                    count += 1
                    self.words_seen += batch_size
                    bar.update(1)
                    if count == eval_interval:
                        avg = total_loss / count
                        self.loss_list.append(avg)
                        bar.set_postfix(epoch=epoch + 1, loss=f"{avg:.3f}", refresh=False)
                        total_loss, count = 0.0, 0
                    if time_limit is not None and time.perf_counter() - start > time_limit:
                        self.stopped_early = True
                        return self
        finally:
            bar.close()
            self.elapsed += time.perf_counter() - start
        return self

    def plot(self, ax=None, ylim=None):
        """Plot ``loss_list`` against the step number; returns the matplotlib Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _unused, ax = plt.subplots(figsize=(6, 3.5))
        steps = (np.arange(len(self.loss_list)) + 1) * self.eval_interval
        ax.plot(steps, self.loss_list, label=_("train"))
        ax.set_xlabel(_("step (each point: mean of {n} steps)").format(n=self.eval_interval))
        ax.set_ylabel(_("loss"))
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
        return ax
