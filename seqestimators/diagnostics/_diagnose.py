"""``diagnose`` (the user's estimator on the user's data) and ``diagnose_task`` (a built-in task)."""

from __future__ import annotations

import copy
import inspect
import time
import warnings
from numbers import Integral

from sklearn.base import clone, is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..state import get_state_policy
from ._baseline import trivial_score
from ._checks import CHECKS, run_checks
from ._data import canonical, history_frame, initial_loss, probe_data, split, subsample
from ._evidence import Evidence
from ._fitting import classes_of, fit, fit_baseline, is_fitted, score, transform
from ._probes import flow_distances, gradient_flow, memory_influence
from ._result import Diagnosis


def _check_arguments(chunk_length, required_memory, validation_fraction):
    if chunk_length is not None and (not isinstance(chunk_length, Integral) or chunk_length < 1):
        raise ValueError(f"chunk_length must be a positive int or None; got {chunk_length!r}.")
    if required_memory is not None and (not isinstance(required_memory, Integral)
                                        or required_memory < 0):
        raise ValueError(f"required_memory must be a non-negative int or None; got "
                         f"{required_memory!r}.")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1); got {validation_fraction!r}.")


def _measure(ev, valid, output, *, baseline, n_sequences, max_lag, rng, seed):
    """Scores, the memoryless baseline and the probes of a fitted ``ev.net`` (into ``ev``);
    returns the fitted baseline (or None)."""
    net, train = ev.net, ev.train
    policy = getattr(net, "state_policy", None)
    carries = policy is not None and get_state_policy(policy).carries
    # Predictions under a carrying policy move the carried state: score copies.
    ev.scores["train"] = score(copy.deepcopy(net) if carries else net,
                               subsample(train, 256, rng))
    if valid is not None:
        if carries:
            ev.scores["valid_carry"] = score(copy.deepcopy(net), valid)
            reset = copy.deepcopy(net)
            reset.reset_state()
            ev.scores["valid_reset"] = score(reset, valid)
            # What the estimator, as configured, predicts: from the carried state.
            ev.scores["valid"] = ev.scores["valid_carry"]
        else:
            ev.scores["valid"] = score(net, valid)
        ev.scores["trivial"] = trivial_score(train, valid, output, is_classifier(net))
    baseline_est = None
    if baseline:
        epochs = len(ev.history) if ev.chunk_length is None else 1
        baseline_est = fit_baseline(net, train, output, epochs=epochs, random_state=seed)
        ev.scores["baseline"] = score(baseline_est, valid if valid is not None else train)
        ev.baseline_name = type(baseline_est).__name__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        probe = probe_data(train)
        ev.memory = memory_influence(net, probe, n_sequences=n_sequences, max_lag=max_lag,
                                     random_state=seed)
        extra = [] if ev.required_memory is None else [ev.required_memory]
        ev.flow = gradient_flow(net, probe, n_sequences=min(16, n_sequences),
                                random_state=seed, distances=flow_distances(probe, extra))
    return baseline_est


def diagnose(estimator, X, y, *, X_valid=None, y_valid=None, required_memory=None,
             chunk_length=None, validation_fraction=0.2, baseline=True, n_sequences=32,
             max_lag=None, random_state=0):
    """Diagnose why a recurrent estimator does (not) learn, on the user's own data.

    Parameters
    ----------
    estimator : estimator
        An :class:`~seqestimators.RNNClassifier`, :class:`~seqestimators.RNNRegressor` or
        :class:`~seqestimators.RNNForecaster` (or a :class:`~sklearn.pipeline.Pipeline` ending
        in one). Unfitted: a clone is fitted on a training part of ``X, y`` (``fit``, or
        ``partial_fit`` over chunks of ``chunk_length`` timesteps) and scored on the rest.
        Fitted: it is not refitted and is left unchanged (its fitted attributes, weights and
        carried state): the measurements work on a copy; ``X, y`` are taken as its training
        data.
    X : array-like of shape (n_samples, n_timesteps, n_features), list of arrays or DataFrame
        Sequences in any layout the estimators accept (2D univariate, ragged lists, long
        frames).
    y : array-like or list of arrays
        Targets, as for ``fit``.
    X_valid, y_valid : default=None
        Held-out data. By default an unfitted estimator holds out ``validation_fraction`` of the
        sequences (or, for up to 4 streams, the last part of every stream); a fitted one has no
        validation data unless given.
    required_memory : int, default=None
        How many timesteps back the target depends on, when known (e.g. ``delay`` of
        :func:`~seqestimators.datasets.make_delayed_echo`). Sharpens ``memory_horizon``,
        ``gradient_flow`` and ``truncation``.
    chunk_length : int, default=None
        The set-up learns online: ``partial_fit`` on consecutive chunks of this many timesteps
        (one epoch per call with ``max_epochs=1``). The diagnosed fit does the same, and
        ``truncation`` checks the chunk length.
    validation_fraction : float, default=0.2
        Share of the sequences (or of each stream) held out.
    baseline : bool, default=True
        Fit the memoryless baseline (``memory_use``).
    n_sequences : int, default=32
        Sequences subsampled for the memory-influence curve (16 at most for the gradient flow).
    max_lag : int, default=None
        Longest lag of the memory-influence curve; by default the longest sequence.
    random_state : int, default=0
        Seeds the split, the subsamples and the baseline.

    Returns
    -------
    diagnosis : Diagnosis
        ``findings`` (one row per check in :data:`CHECKS`), ``memory``, ``gradient_flow``,
        ``plot()``, ``str()`` and ``_repr_html_`` for notebooks.

    Notes
    -----
    Cost: the diagnosed fit (on the training part), the memoryless baseline's fit (a
    per-timestep perceptron; a fraction of a recurrent fit) and forward/backward passes on the
    subsampled sequences: at most about twice the fit alone.

    Examples
    --------
    >>> from seqestimators import RNNClassifier
    >>> from seqestimators.datasets import make_delayed_echo
    >>> from seqestimators.diagnostics import diagnose
    >>> X, y = make_delayed_echo(64, 20, random_state=0, return_X_y=True)
    >>> diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=8, max_epochs=2),
    ...                      X, y, required_memory=1)
    >>> list(diagnosis.findings.columns)
    ['check', 'status', 'evidence', 'advice']
    >>> diagnosis["convergence"]["status"]
    'warn'
    """
    started = time.perf_counter()
    _check_arguments(chunk_length, required_memory, validation_fraction)
    rng = check_random_state(random_state)
    seed = int(rng.randint(2**31 - 1))

    fitted = is_fitted(estimator)
    preprocess, net = None, estimator
    if isinstance(estimator, Pipeline):
        preprocess, net = estimator[:-1], estimator[-1]
        if not fitted:
            preprocess = clone(preprocess)
    # A fitted estimator stays the caller's: the measurements work on a copy of it.
    net = copy.deepcopy(net) if fitted else clone(net)

    data, output = canonical(X, y, net)
    if fitted:
        train, valid, how = data, None, "none"
    else:
        train, valid, how = split(data, output, validation_fraction, rng)
    if X_valid is not None:
        valid, _ = canonical(X_valid, y_valid, net)
        how = "given"
    if chunk_length is not None and (train.ragged or output != "sequence"):
        raise ValueError("chunk_length needs equal-length sequences with one target per "
                         "timestep (partial_fit over chunks of timesteps).")
    if preprocess is not None:
        if not fitted:
            preprocess.fit(train.X)
        train = transform(preprocess, train)
        if valid is not None:
            valid = transform(preprocess, valid)

    fit_seconds, diverged = 0.0, None
    if not fitted:
        from ..callbacks import TrainingDivergedError

        start = time.perf_counter()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            try:
                fit(net, train, chunk_length, classes=classes_of(net, train))
            except TrainingDivergedError as exc:
                diverged = str(exc).split(":")[0]
        fit_seconds = time.perf_counter() - start
    else:
        check_is_fitted(net)

    ev = Evidence(net=net, train=train, split=how, history=history_frame(net),
                  initial_loss=initial_loss(net), diverged=diverged,
                  required_memory=required_memory, chunk_length=chunk_length,
                  preprocessed=preprocess is not None, fitted_here=not fitted)
    baseline_est = None
    if diverged is None:
        baseline_est = _measure(ev, valid, output, baseline=baseline, n_sequences=n_sequences,
                                max_lag=max_lag, rng=rng, seed=seed)
    return Diagnosis(
        findings=Diagnosis.table(run_checks(ev)), memory=ev.memory, gradient_flow=ev.flow,
        history=ev.history,
        baseline_history=None if baseline_est is None else history_frame(baseline_est),
        scores=ev.scores, estimator=estimator if fitted else net,
        timings={"fit": fit_seconds, "total": time.perf_counter() - started},
        initial_loss=ev.initial_loss)


def _required_memory(task, params):
    """The memory (in lags) a built-in task needs, from its generator's parameters."""
    defaults = {name: p.default for name, p in inspect.signature(task.generator).parameters.items()
                if p.default is not inspect.Parameter.empty}
    params = {**defaults, **params}
    if task.name == "delayed_echo":
        return int(params["delay"])
    if task.name == "ball_trajectory":
        return 1  # two consecutive heights give the velocity
    if task.name == "burst":
        # The target at the last timestep says whether the burst has passed: the burst lies at
        # least n_timesteps - max_onset - burst_length steps back.
        return max(1, int(params["n_timesteps"] - params["max_onset"] - params["burst_length"]))
    return None


def diagnose_task(task, *, n_samples=256, n_timesteps=None, task_params=None,
                  estimator_params=None, chunk_length=None, random_state=0):
    """Diagnose an estimator on a built-in task of the command line.

    Parameters
    ----------
    task : str
        A built-in task name or alias of :data:`seqestimators.datasets.tasks.TASKS`
        (``burst``, ``echo``, ...).
    n_samples : int, default=256
        Training sequences generated.
    n_timesteps : int, default=None
        Sequence length, for tasks whose generator takes it (the task's own by default).
    task_params : dict, default=None
        More keyword arguments of the task's generator (e.g. ``{"delay": 3}``).
    estimator_params : dict, default=None
        Parameters of the estimator (``RNNClassifier`` for class-label tasks, ``RNNRegressor``
        otherwise): ``cell``, ``hidden_size``, ``state_policy``, ``max_epochs``, ``lr``, ...
    chunk_length : int, default=None
        Learn online with ``partial_fit`` over chunks of this many timesteps.
    random_state : int, default=0
        Seed of the data, the estimator and the diagnosis.

    Returns
    -------
    diagnosis : Diagnosis
        The diagnosis (see :func:`diagnose`).
    """
    from ..datasets.tasks import CLASSIFICATION_TASKS, resolve_task
    from ..estimators import RNNClassifier, RNNRegressor

    spec = resolve_task(task)
    kwargs = dict(spec.size_kwargs)
    kwargs.update(task_params or {})
    if n_timesteps is not None:
        kwargs["n_timesteps"] = n_timesteps
    accepted = inspect.signature(spec.generator).parameters
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise ValueError(f"{spec.generator.__name__} has no parameter(s) {', '.join(unknown)}")
    bunch = spec.generator(n_samples, random_state=random_state, **kwargs)
    cls = RNNClassifier if spec.name in CLASSIFICATION_TASKS else RNNRegressor
    params = {"random_state": random_state, **(estimator_params or {})}
    return diagnose(cls(**params), bunch.data, bunch.target,
                    required_memory=_required_memory(spec, kwargs),
                    chunk_length=chunk_length, random_state=random_state)


__all__ = ["CHECKS", "diagnose", "diagnose_task"]
