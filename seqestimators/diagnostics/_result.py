"""The result of a diagnosis: findings, the measured curves, and their text, HTML and figure."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html import escape

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

__all__ = ["Check", "Diagnosis", "Finding", "score_name"]

#: Statuses from best to worst.
STATUS_ORDER = {"ok": 0, "warn": 1, "fail": 2}


def score_name(estimator):
    """The name of the score ``estimator.score`` returns: ``"accuracy"`` or ``"R²"``.

    Parameters
    ----------
    estimator : estimator or bool
        An estimator (a classifier scores accuracy, anything else R²), or whether it is a
        classifier.

    Returns
    -------
    name : str

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> score_name(RNNClassifier()), score_name(False)
    ('accuracy', 'R²')
    """
    classifier = estimator if isinstance(estimator, (bool, np.bool_)) else is_classifier(estimator)
    return "accuracy" if classifier else "R²"


@dataclass(frozen=True)
class Finding:
    """The verdict of one check.

    Attributes
    ----------
    check : str
        The check's name, a key of :data:`~seqestimators.diagnostics.CHECKS`.
    status : {"ok", "warn", "fail"}
    evidence : str
        The measured numbers, in words.
    advice : str
        The parameter or change that fixes it; empty when ``"ok"``.
    """

    check: str
    status: str
    evidence: str
    advice: str = ""

    def __post_init__(self):
        if self.status not in STATUS_ORDER:
            raise ValueError(f"status must be one of {list(STATUS_ORDER)}; got {self.status!r}")


def finding(check, status, evidence, advice=""):
    """Shorthand for :class:`Finding` used by the checks."""
    return Finding(check, status, evidence, advice)


@dataclass(frozen=True)
class Check:
    """One check of a diagnosis: a value of :data:`~seqestimators.diagnostics.CHECKS`.

    Attributes
    ----------
    name : str
        The check's name (its row in the findings).
    run : callable
        ``run(evidence, findings) -> Finding``: reads the measurements of the diagnosis (an
        ``Evidence``) and the findings of the checks named in ``needs`` (a dict by name).
    needs : tuple of str
        Checks whose findings ``run`` reads (their advice is referred to).
    summary : str
        What the check looks for, in one line.
    """

    name: str
    run: Callable
    needs: tuple = ()
    summary: str = ""


@dataclass
class Diagnosis:
    """The result of :func:`~seqestimators.diagnostics.diagnose`.

    Attributes
    ----------
    findings : DataFrame
        One row per check, in the order of :data:`~seqestimators.diagnostics.CHECKS`, with the
        columns ``check``, ``status`` (``"ok"``, ``"warn"`` or ``"fail"``), ``evidence`` (the
        measured numbers, in words) and ``advice`` (the parameter or change that fixes it; empty
        when ``"ok"``).
    memory : DataFrame
        Columns ``lag`` and ``influence``: the mean absolute derivative of the output at a
        timestep with respect to the input ``lag`` timesteps earlier, over the subsampled
        sequences and timesteps, normalized to a peak of 1, for the trained network.
    gradient_flow : DataFrame
        Columns ``distance``, ``initial`` and ``trained``: the mean norm of the gradient of the
        loss at one timestep with respect to the hidden state ``distance`` timesteps earlier,
        for a fresh initialization of the network and for the trained one.
    history : DataFrame
        Per-epoch (or per ``partial_fit`` call) ``train_loss`` (and ``valid_loss`` when
        recorded) of the diagnosed fit; empty for a fitted estimator without history.
    baseline_history : DataFrame or None
        The same for the memoryless baseline.
    scores : dict
        The measured scores: ``train``, ``valid``, ``baseline`` and, under
        ``state_policy="carry"``, ``valid_reset`` and ``valid_carry``.
    estimator : estimator
        The diagnosed (fitted) estimator.
    timings : dict
        Seconds spent in ``fit`` (the diagnosed fit, 0 for a fitted estimator) and in the
        whole diagnosis (``total``).
    initial_loss : float or None
        The loss of the first training batch, before any optimizer step: epoch 0 of the
        plotted learning curve and the starting loss of the ``convergence`` check.
    """

    findings: pd.DataFrame
    memory: pd.DataFrame
    gradient_flow: pd.DataFrame
    history: pd.DataFrame
    baseline_history: pd.DataFrame | None = None
    scores: dict = field(default_factory=dict)
    estimator: object = None
    timings: dict = field(default_factory=dict)
    initial_loss: float | None = None

    @staticmethod
    def table(findings):
        """The findings table of a sequence of :class:`Finding`."""
        return pd.DataFrame([asdict(f) for f in findings],
                            columns=["check", "status", "evidence", "advice"])

    @property
    def status(self):
        """The worst status of all checks: ``"ok"``, ``"warn"`` or ``"fail"``."""
        return max(self.findings["status"], key=STATUS_ORDER.__getitem__)

    def __getitem__(self, check):
        """The finding of one check, as a dict (``diagnosis["truncation"]["status"]``)."""
        rows = self.findings[self.findings["check"] == check]
        if not len(rows):
            raise KeyError(f"unknown check {check!r}; the checks are "
                           f"{list(self.findings['check'])}")
        return rows.iloc[0].to_dict()

    def to_csv(self, path, **kwargs):
        """Write the findings table to a CSV file (``pandas.DataFrame.to_csv`` arguments)."""
        self.findings.to_csv(path, index=False, **kwargs)
        return path

    def __str__(self):
        lines = [f"Diagnosis of {type(self.estimator).__name__}: {self.status}"]
        for row in self.findings.itertuples(index=False):
            lines.append(f"\n[{row.status:>4}] {row.check}")
            lines += textwrap.wrap(row.evidence, width=96, initial_indent="       ",
                                   subsequent_indent="       ")
            if row.advice:
                lines += textwrap.wrap(f"fix: {row.advice}", width=96,
                                       initial_indent="       ", subsequent_indent="            ")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colors = {"ok": "#2e7d32", "warn": "#ef6c00", "fail": "#c62828"}
        rows = "".join(
            f"<tr><td><b>{escape(r.check)}</b></td>"
            f"<td style='color:{colors[r.status]}'><b>{r.status}</b></td>"
            f"<td style='text-align:left'>{escape(r.evidence)}</td>"
            f"<td style='text-align:left'>{escape(r.advice)}</td></tr>"
            for r in self.findings.itertuples(index=False))
        return (f"<p>Diagnosis of <code>{escape(type(self.estimator).__name__)}</code>: "
                f"<b style='color:{colors[self.status]}'>{self.status}</b></p>"
                "<table><thead><tr><th>check</th><th>status</th><th>evidence</th>"
                f"<th>advice</th></tr></thead><tbody>{rows}</tbody></table>")

    def plot(self, *, title=None, figsize=(15, 4.2), fig=None):
        """Learning curves against the baseline, memory influence and gradient flow.

        Parameters
        ----------
        title : str, default=None
            Title of the figure; by default the estimator and the overall status.
        figsize : tuple of (float, float), default=(15, 4.2)
            Size of a new figure, in inches.
        fig : :class:`~matplotlib.figure.Figure`, default=None
            A figure to draw into (cleared first); by default a new one.

        Returns
        -------
        fig : :class:`~matplotlib.figure.Figure`
            Three panels: training loss per epoch of the model and of the memoryless baseline
            (validation loss dashed when recorded), influence of the input ``lag`` steps back,
            and the gradient norm against the distance from the loss (log scale).
        """
        from matplotlib.figure import Figure

        if fig is None:
            fig = Figure(figsize=figsize, layout="constrained")
        else:
            fig.clear()
            fig.set_layout_engine("constrained")
        ax_loss, ax_mem, ax_grad = fig.subplots(1, 3)
        self._plot_losses(ax_loss)
        if len(self.memory):
            ax_mem.bar(self.memory["lag"], self.memory["influence"], width=0.8,
                       color="tab:green")
        ax_mem.set_xlabel("lag k (timesteps back)")
        ax_mem.set_ylabel("influence of x[t - k] on the output at t")
        ax_mem.set_title("memory influence (trained)", fontsize="medium")
        flow = self.gradient_flow
        if len(flow):
            for column, style in (("initial", ":"), ("trained", "-")):
                values = flow[column].to_numpy(float)
                keep = np.isfinite(values) & (values > 0)
                ax_grad.plot(flow["distance"][keep], values[keep], style, marker="o", ms=3,
                             label=f"{column}")
            ax_grad.set_yscale("log")
            ax_grad.legend(fontsize="small")
        ax_grad.set_xlabel("distance from the loss (timesteps)")
        ax_grad.set_ylabel("|d loss / d hidden state|")
        ax_grad.set_title("gradient flow through time", fontsize="medium")
        for ax in (ax_loss, ax_mem, ax_grad):
            ax.grid(True, alpha=0.3)
        fig.suptitle(title or f"Diagnosis of {type(self.estimator).__name__}: {self.status} "
                     f"({', '.join(self._flagged()) or 'no warning'})", fontsize="medium")
        return fig

    def _plot_losses(self, ax):
        from matplotlib.ticker import MaxNLocator

        for name, frame, color in (("model", self.history, "tab:blue"),
                                   ("memoryless baseline", self.baseline_history, "tab:grey")):
            if frame is None or not len(frame):
                continue
            epochs = frame["epoch"].to_numpy()
            losses = frame["train_loss"].to_numpy(float)
            if name == "model" and self.initial_loss is not None:  # epoch 0: before any step
                epochs, losses = np.r_[0, epochs], np.r_[self.initial_loss, losses]
            ax.plot(epochs, losses, color=color, label=f"{name}: train")
            if "valid_loss" in frame and frame["valid_loss"].notna().any():
                ax.plot(frame["epoch"], frame["valid_loss"], color=color, ls="--",
                        label=f"{name}: valid")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch (or partial_fit call; 0: the first batch)")
        ax.set_ylabel("loss")
        losses = self.history["train_loss"].to_numpy(float) if len(self.history) else []
        if len(losses) and np.all(np.isfinite(losses)) and np.min(losses) > 0 and \
                np.max(losses) > 20 * np.min(losses):
            ax.set_yscale("log")
        ax.set_title("learning curves", fontsize="medium")
        if ax.lines:
            ax.legend(fontsize="small")

    def _flagged(self):
        return [f"{r.check} {r.status}" for r in self.findings.itertuples(index=False)
                if r.status != "ok"]
