"""The fixed list of classes a model file may name, and the parts of a skorch net.

Every name is a public dotted name, built from the libraries' own namespaces and never from a
file: a class that is not here is refused by :func:`~seqestimators.io.load` and
:func:`~seqestimators.io.dump`.
"""

from __future__ import annotations

import functools
import inspect

import torch

# skorch's bookkeeping, rebuilt by ``initialize()`` rather than stored.
NET_INTERNALS = frozenset({
    "initialized_", "virtual_params_", "callbacks_", "prefixes_", "cuda_dependent_attributes_",
    "init_context_", "history_", "carried_state_",
})


def net_parts(net):
    """The names of a skorch net's modules, criteria and optimizers (``"module"``, ...).

    skorch keeps them in ``_modules``, ``_criteria`` and ``_optimizers``, documented among
    :class:`~skorch.net.NeuralNet`'s attributes but with no public accessor (skorch 1.0-1.4),
    and they are the only complete list (a user's ``initialize_module`` may register more).
    This is the one place seqestimators.io reads them.
    """
    # no public accessor in skorch for these lists (see above)
    return list(net._modules), list(net._criteria), list(net._optimizers)


def _public_classes(namespace, module, names):
    return {f"{namespace}.{name}": getattr(module, name) for name in names
            if isinstance(getattr(module, name, None), type) and not name.startswith("_")}


def _estimator_defaults():
    """The data classes the estimators use by default, by their (stable) name in model files."""
    from ..estimators import RNNClassifier

    defaults = inspect.signature(RNNClassifier.__init__).parameters
    dataset, iterator = defaults["dataset"].default, defaults["iterator_train"].default
    # The names under which format 1.0 files record them, whatever module holds them now.
    return {"seqestimators._batching.SequenceBatchIterator": iterator,
            "seqestimators._batching.SequenceDataset": dataset}


def allowlist():
    """Every class a model file may name, by its public dotted name.

    Built from the libraries' own namespaces, never from the file: a name that is not here is
    refused.
    """
    import skorch.callbacks
    import skorch.dataset
    from sklearn.pipeline import Pipeline
    from torch.utils.data import DataLoader

    from .. import callbacks, estimators, networks, preprocessing

    classes = {}
    optimizers = [name for name, obj in vars(torch.optim).items()
                  if isinstance(obj, type) and issubclass(obj, torch.optim.Optimizer)]
    classes.update(_public_classes("torch.optim", torch.optim, optimizers))
    losses = torch.nn.modules.loss.__all__
    classes.update(_public_classes("torch.nn", torch.nn, losses))
    schedulers = torch.optim.lr_scheduler
    classes.update(_public_classes("torch.optim.lr_scheduler", schedulers, schedulers.__all__))
    for namespace, module in [("seqestimators", estimators), ("seqestimators.networks", networks),
                              ("seqestimators.preprocessing", preprocessing),
                              ("seqestimators.callbacks", callbacks)]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if isinstance(obj, type):
                classes[f"{namespace}.{name}"] = obj
    classes.update(_estimator_defaults())
    classes["torch.utils.data.DataLoader"] = DataLoader
    classes["skorch.dataset.Dataset"] = skorch.dataset.Dataset
    classes["skorch.dataset.ValidSplit"] = skorch.dataset.ValidSplit
    # Callbacks described completely by plain parameters (never those that read or write
    # files, such as Checkpoint or LoadInitState, nor those taking arbitrary callables:
    # EpochScoring and BatchScoring hand the estimators' internal datasets to their scorer,
    # which therefore must be a function).
    for name in ("EarlyStopping", "LRScheduler", "GradientNormClipping", "PassthroughScoring",
                 "EpochTimer", "PrintLog"):
        classes[f"skorch.callbacks.{name}"] = getattr(skorch.callbacks, name)
    classes["sklearn.pipeline.Pipeline"] = Pipeline
    return classes


def instance_classes():
    """Classes whose instances (callbacks, splitters) are stored as class name + parameters."""
    import skorch.callbacks
    import skorch.dataset

    allowed = allowlist()
    return {name: cls for name, cls in allowed.items()
            if issubclass(cls, (skorch.callbacks.Callback, skorch.dataset.ValidSplit))}


def name_of(cls, allowed):
    for name, obj in allowed.items():
        if obj is cls:
            return name
    return None



def lookup(name, allowed):
    if name not in allowed:
        raise ValueError(
            f"The model file names the class {name!r}, which is not in seqestimators.io's "
            "allowlist; refusing to load it (loading never imports or runs code named by a "
            "file)."
        )
    return allowed[name]


@functools.cache
def functions():
    """Every function a parameter may hold, by its dotted name."""
    return {"builtins.print": print}  # PrintLog's sink


def lookup_function(name):
    """The allowlisted function of that name, or ValueError."""
    table = functions()
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"The model file names the function {name!r}, which is not in the "
                         f"allowlist ({', '.join(table)}); refusing to load it.")
    return table[name]


def scheduler_policy_names():
    """The names skorch's ``LRScheduler(policy="<name>")`` may look up: scheduler classes only.

    skorch resolves a string policy with ``getattr`` on its own module, which holds other
    objects too (``sys``, ``np``, ``torch``): a name outside this closed list is refused.
    """
    from skorch.callbacks import lr_scheduler

    base = torch.optim.lr_scheduler
    return sorted(name for name, obj in vars(lr_scheduler).items()
                  if isinstance(obj, type) and not name.startswith("_")
                  and (issubclass(obj, base.LRScheduler) or obj is base.ReduceLROnPlateau))


def check_object_params(name, params):
    """Refuse the parameters of an allowlisted object that would look up or run something."""
    if name == "skorch.callbacks.LRScheduler" and isinstance(params.get("policy"), str):
        policy, allowed = params["policy"], scheduler_policy_names()
        if policy not in allowed:
            raise ValueError(f"LRScheduler's policy {policy!r} is not a learning-rate "
                             f"scheduler name (one of {', '.join(allowed)}) or an allowlisted "
                             "scheduler class")
