"""Why won't my RNN learn? A diagnosis of a recurrent estimator on the user's own data.

:func:`diagnose` fits a clone of an estimator (or takes a fitted one), measures what it needs
and returns a :class:`Diagnosis`: one row per check, each with a status (``"ok"``, ``"warn"``,
``"fail"``), the measured evidence and the concrete change that fixes it; the memory-influence
curve (how strongly the input ``k`` timesteps back moves the current output); and the norm of
the loss gradient with respect to the hidden state at each distance from the loss, at
initialization and after training.

The checks, in order (:data:`CHECKS`, one module each):

==================  ============================================================================
``convergence``     the training loss diverged, stalled from the start, or was still falling
                    when ``max_epochs`` stopped it
``memory_use``      the model's validation score next to a memoryless baseline
                    (:class:`~seqestimators.MemorylessClassifier` /
                    :class:`~seqestimators.MemorylessRegressor`) trained on the same data
``memory_horizon``  where the influence of past inputs peaks and fades, against the memory the
                    task needs (``required_memory``)
``gradient_flow``   vanishing or exploding gradients through time
``state_policy``    a carrying policy (``"carry"``) on independent sequences
``truncation``      ``tbptt_steps`` or ``partial_fit`` chunks shorter than the dependency
``scaling``         inputs or regression targets far from unit scale, targets out of reach,
                    per-sequence amplitudes that differ by orders of magnitude
``fit_gap``         training against validation score: over- or underfitting
==================  ============================================================================

Cost: one fit of the estimator on 80 % of the sequences (the diagnosed fit), one fit of the
memoryless baseline (a per-timestep perceptron: a fraction of the recurrent fit), and forward
and backward passes of the trained network on a subsample of ``n_sequences`` sequences. The
whole diagnosis takes at most about twice the fit it diagnoses
(``benchmarks/bench_diagnose.py`` prints the ratio).

Layout: ``_result`` (:class:`Diagnosis`, :class:`Finding`, :class:`Check`), ``_data`` (the
diagnosed data and its split), ``_fitting`` (the fits and scores), ``_probes`` (memory influence
and gradient flow), ``_evidence`` (what the checks read), one ``_<check>.py`` per check,
``_checks`` (the registry :data:`CHECKS`) and ``_diagnose`` (:func:`diagnose`,
:func:`diagnose_task`). A new check is one file and one entry in ``_checks``.
"""

from ._checks import CHECKS
from ._diagnose import diagnose, diagnose_task
from ._probes import gradient_flow, memory_influence
from ._result import Check, Diagnosis, Finding, score_name

__all__ = ["CHECKS", "Check", "Diagnosis", "Finding", "diagnose", "diagnose_task",
           "gradient_flow", "memory_influence", "score_name"]
