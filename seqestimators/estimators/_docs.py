"""Parameter descriptions shared by the estimators' docstrings."""

RECURRENT_PARAMS = """\
cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell type: Elman RNN (tanh), LSTM or GRU.
    hidden_size : int, default=32
        Hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Whether the layers also read the sequence backwards (not for streams or ``"carry"``).
    dropout : float, default=0.0
        Dropout between stacked layers, as in :class:`torch.nn.LSTM` (needs ``num_layers > 1``).
    state_policy : {"reset", "carry", "learned"}, default="reset"
        Initial hidden state of each batch. ``"reset"``: zeros, every batch is independent
        (right for independent sequences). ``"carry"``: the final state of one batch, detached,
        starts the next one, across batches, epochs and calls (Keras ``stateful=True``; right
        for consecutive chunks of one long stream, wrong for independent sequences: the classic
        "memoryless RNN" bug). ``"learned"``: a trainable initial state.
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

TRAINING_PARAMS = """\
max_epochs : int, default={max_epochs}
        Passes over the training data per ``fit`` (and per ``partial_fit`` call).
    lr : float, default={lr}
        Learning rate of the optimizer.
    batch_size : int, default=32
        Sequences per mini-batch; -1 for the whole data set in one batch.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Set its options with ``optimizer__*`` parameters (e.g. ``optimizer__weight_decay``).
    criterion : torch loss class, default={criterion}
        Loss; computed over real (non-padded) timesteps only. Options: ``criterion__*``.
    train_split : callable, default=None
        skorch's internal validation split, e.g. ``skorch.dataset.ValidSplit(0.2)``, which adds
        ``valid_loss`` and ``{valid_score}`` to ``history_`` every epoch (needed by early stopping
        and pruning). None trains on all data, as scikit-learn estimators do.
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
        The hidden state carried into the next batch (``state_policy="carry"``)."""
