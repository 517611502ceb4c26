"""Parameter descriptions shared by the estimators' docstrings; the lists of cells and state
policies are generated from their registries."""

from ..state import STATE_POLICIES
from ._constraints import cell_names, policy_names


def _choices(names):
    return "{" + ", ".join(f'"{name}"' for name in names) + "}"


def _policy_lines():
    return "\n".join(f'        ``"{name}"``: {policy.summary}.'
                     for name, policy in STATE_POLICIES.items())


RECURRENT_PARAMS = f"""\
cell : {_choices(cell_names())}, default="lstm"
        Recurrent cell type, one of the cells registered in
        :data:`seqestimators.networks.CELLS` (``"rnn"`` is the Elman RNN with tanh).
    hidden_size : int, default=32
        Hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Whether the layers also read the sequence backwards (not for streams or ``"carry"``).
    dropout : float, default=0.0
        Dropout between stacked layers, as in :class:`torch.nn.LSTM` (needs ``num_layers > 1``).
    state_policy : {_choices(policy_names())}, default="reset"
        Initial hidden state of each batch (:data:`seqestimators.state.STATE_POLICIES`):
{_policy_lines()}
        ``"carry"`` (Keras ``stateful=True``) is right for consecutive chunks of one long
        stream and wrong for independent sequences: the classic "memoryless RNN" bug.
"""
RECURRENT_PARAMS += """\
    tbptt_steps : int, default=None
        Truncated backpropagation through time: each batch is cut into windows of this many
        timesteps, trained one optimizer step per window, the state carried from window to
        window of the same sequences and gradients stopped between windows. None
        backpropagates through whole sequences. Needs per-timestep targets.
    accumulate_steps : int, default=1
        Gradient accumulation: one optimizer step per this many batches (or ``tbptt_steps``
        windows), on the mean of their gradients (gradient clipping applies to that mean). The
        count runs on across epochs and ``partial_fit`` calls, so that consecutive small chunks
        of a stream can share one step; a new optimizer (``fit``) starts it afresh."""

OUTPUT_PARAM = """\
output : {"auto", "sequence", "last"}, default="auto"
        One prediction per timestep (``"sequence"``) or per sequence (``"last"``, read from
        the final hidden state). ``"auto"`` infers it from ``y`` in ``fit``: 1D ``y`` gives
        ``"last"``, ``y`` with a time axis matching ``X`` gives ``"sequence"``."""

LONG_SEQUENCE_PARAMS = """\
patch_size : int, "auto" or None, default="auto"
        Read non-overlapping segments of this many timesteps as one recurrent step of
        ``patch_size * n_features`` inputs (segment-wise recurrence, SegRNN, Lin et al. 2023):
        a 400-step series becomes about 30 steps, which trains faster and lets gradients reach
        the start. Patches end at each sequence's last real timestep; only the first patch of
        a sequence whose length it does not divide is filled with zeros before the sequence
        starts. Per-sequence outputs only (``output="last"``): per-timestep targets refuse an
        int and ``"auto"`` leaves them alone. ``"auto"`` leaves sequences of up to 64
        timesteps alone and cuts longer ones into about 32 patches, counted on the median
        training length (``patch_size_`` tells which). None or 1: one timestep per step.
    pooling : {"auto", "last", "mean", "max", "attention"}, default="auto"
        How a per-sequence output reads the top layer's hidden outputs, over real timesteps
        only: the final hidden state (both directions' with ``bidirectional``), their mean,
        their element-wise maximum, or an attention-weighted mean (a learned score per step,
        softmax over the real steps). ``"auto"`` takes ``"max"`` for sequences read in patches
        (``patch_size_ > 1``): long sequences, where evidence early on should not have to
        survive every later step to reach the output; and ``"last"`` for sequences read one
        timestep per step. ``pooling_`` tells which. Per-timestep outputs read each timestep's
        own hidden state and ignore it.
    instance_norm : bool or "auto", default="auto"
        Standardize each sequence by its own mean and standard deviation (per feature, over its
        real timesteps) and give the network that mean and the log of that standard deviation
        as extra inputs at every step, so that it reads a sequence's shape apart from its
        level and amplitude and loses neither (as RevIN, Kim et al. 2022, does for forecasts).
        Real series differ in level and amplitude by orders of magnitude (appliance currents,
        spectra), which one global scaling cannot even out. Per-sequence outputs only: the
        statistics of a whole sequence would show each per-timestep prediction its future.
        ``"auto"`` turns it on for per-sequence outputs of independent sequences (not with
        ``state_policy="carry"``) and off otherwise; ``instance_norm_`` tells which. Scale
        the inputs to units around 1 (:class:`~seqestimators.preprocessing.SequenceScaler`):
        standard deviations are floored at 1e-6."""


def frontend_param(default):
    """The ``frontend`` entry, with the estimator's default (``"auto"`` or None)."""
    default = f'"{default}"' if default else "None"
    return f"""\
frontend : {{"auto", None, "conv"}}, default={default}
        ``"conv"`` reads the timesteps through two causal 1-D convolutions (32 channels,
        kernels 7 and 5, ReLU; :class:`~seqestimators.nn.frontends.ConvFrontend`, LSTM-FCN's
        idea) before the recurrent layer, so that it reads local shapes instead of raw values.
        Causal: valid for every output, cell and state policy (under ``"carry"`` only the
        recurrent state, not the convolutions' window, continues across chunks); applied
        before patching; exported to ONNX. ``"auto"`` takes ``"conv"`` for per-sequence
        regression (an :class:`~seqestimators.RNNRegressor` with ``output_="last"``) and None
        otherwise (per-timestep targets, classification); ``frontend_`` tells which.
        Measured on the shipped sets, 3 seeds (``benchmarks/README.md``): on the three
        regression sets it lowers the mean test RMSE (8 of 9 seeds; Tecator 1.26 -> 1.05,
        Covid3Month 0.0482 -> 0.0426, below the mean predictor's 0.0447, CardanoSentiment
        0.391 -> 0.367, still above the mean's 0.300) at 1.8-2.5 times the fit time; on
        classification it gains on five of seven sets and loses 6.5 points on ArrowHead, so
        classifiers default to None. Search it with ``{{"frontend": [None, "conv"]}}`` (with
        ``"auto"`` among the choices, a search can start from the regressor's default)."""


TRAINING_PARAMS = """\
max_epochs : int, default={max_epochs}
        The cap on passes over the training data per ``fit`` (and the exact number per
        ``partial_fit`` call). ``fit`` stops earlier at convergence (see ``n_iter_no_change``)
        and warns with :class:`~sklearn.exceptions.ConvergenceWarning` when the cap ends a
        training whose loss was still improving.
    n_iter_no_change : int or None, default=10
        ``fit`` stops when the monitored loss has not improved by ``tol`` for this many
        consecutive epochs (scikit-learn's ``MLPClassifier`` rule). The monitored loss is the
        training loss, or the validation loss with ``early_stopping=True``. None trains
        exactly ``max_epochs`` epochs, without warning.
    tol : float, default=1e-4
        The improvement of the monitored loss that counts as progress.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training sequences (stratified by label for
        per-sequence classification, drawn with ``random_state``), stop when their loss stops
        improving, and restore the weights of the best epoch. A ``train_split`` of your own
        is used instead of the held-out fraction when given.
    validation_fraction : float, default=0.1
        The share of training sequences held out with ``early_stopping=True``.
    lr : float, default={lr}
        Learning rate of the optimizer.
    batch_size : int, default=32
        Sequences per mini-batch; -1 for the whole data set in one batch.
    predict_batch_size : int, default=256
        Sequences per prediction batch. Every prediction batch is padded to exactly this many
        rows, so that a sequence's prediction is the same whatever batch it comes in (float32
        kernels round differently for different batch sizes): bitwise where the CPU rounds
        every row of a batch alike, up to float32 rounding elsewhere (MKL on AVX-512 for
        narrow products; ``MKL_CBWR=COMPATIBLE`` makes it bitwise). Lower it for low-latency
        predictions of single sequences.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Set its options with ``optimizer__*`` parameters (e.g. ``optimizer__weight_decay``).
    criterion : torch loss class, default={criterion}
        Loss; computed over real (non-padded) timesteps only. Options: ``criterion__*``.
    train_split : callable, default=None
        skorch's internal validation split, e.g. ``skorch.dataset.ValidSplit(0.2)``, which adds
        ``valid_loss`` and ``{valid_score}`` to ``history_`` every epoch (needed by pruning). A
        ``ValidSplit`` without a ``random_state`` of its own is seeded from ``random_state``.
        None trains on all data (unless ``early_stopping=True``), as scikit-learn estimators
        do.
    callbacks : list of skorch callbacks, default=None
        Added to the defaults: gradient-norm clipping at 1.0 (``callbacks__gradient_clip``,
        change with ``callbacks__gradient_clip__gradient_clip_value``, disable with
        ``callbacks__gradient_clip=None``) and a divergence check that raises
        :class:`~seqestimators.callbacks.TrainingDivergedError` naming the epoch when the loss
        becomes NaN or infinite.
    iterator_train, iterator_valid : class, default=SequenceBatchIterator
        Batch iterators; the default slices batches straight from in-memory tensors. Training
        batches are shuffled unless ``state_policy="carry"`` (``iterator_train__shuffle``).
    dataset : class, default=SequenceDataset
        Holds the validated, padded tensors.
    predict_nonlinearity : callable, "auto" or None, default="auto"
        Applied to the network's output in ``predict_proba`` (softmax for cross-entropy).
    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights instead of re-initializing.
    verbose : int, default=0
        1 prints skorch's table of epoch losses.
    device : {{"cpu", "cuda", "cuda:N", "auto"}}, default="cpu"
        Where to train and predict. ``"auto"`` takes a GPU when one is present. A model fitted
        on a GPU unpickles on a CPU-only machine and predicts there.
    compile : bool, default=False
        Whether to ``torch.compile`` the module (no gain for LSTM/GRU on CPU today).
    use_caching : bool or "auto", default="auto"
        skorch's caching of predictions for scoring callbacks.
    torch_load_kwargs : dict, default=None
        Passed to ``torch.load`` when unpickling.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, shuffling and dropout. The same int gives identical
        weights and predictions on CPU; the caller's global torch RNG state is left untouched.
    num_threads : int or None, default=1
        torch intra-op threads during ``fit`` and ``predict`` (the caller's setting is restored
        afterwards). One thread per process is fastest on small models; parallelize with the
        ``n_jobs`` of the search tools instead. None leaves torch's setting alone.
    **kwargs
        Prefixed skorch parameters: ``module__*``, ``optimizer__*``, ``criterion__*``,
        ``iterator_train__*``, ``iterator_valid__*``, ``callbacks__*``."""

STANDARDIZE_TARGETS_PARAM = """\
standardize_targets : bool, default=True
        Train on targets standardized with their mean and standard deviation over the real
        timesteps of ``fit``'s training part (without the sequences held out for validation;
        ``target_mean_``, ``target_scale_``); the network maps its
        outputs back, so predictions are in the units of ``y``. Without it, targets far from
        unit scale (a fat content of 40 %, prices in the thousands) need a tuned learning rate.
        ``fit`` only: ``partial_fit`` from scratch learns a stream whose scale its first chunk
        cannot tell, and leaves targets as they are."""

FITTED_ATTRIBUTES = """\
module_ : torch.nn.Module
        The trained network.
    history_ : skorch.History
        Per-epoch and per-batch losses and scores.
    n_features_in_ : int
        Number of features per timestep seen in ``fit`` (for 2D ``X``, scikit-learn's count of
        columns, i.e. timesteps of the univariate sequences).
    input_size_ : int
        Number of features per timestep the network reads.
    feature_names_in_ : ndarray of str
        Feature names, when ``X`` was a long-format DataFrame.
    output_ : {"sequence", "last"}
        The resolved output mode.
    carried_state_ : Tensor, tuple of Tensor or None
        The hidden state carried into the next batch (``state_policy="carry"``).
    n_iter_ : int
        Epochs run (in total, over ``partial_fit`` calls and warm starts).
    best_epoch_ : int
        The epoch of ``fit`` with the best monitored loss (the restored weights' epoch with
        ``early_stopping=True``)."""
