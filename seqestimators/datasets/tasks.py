"""The registry of built-in synthetic tasks, read by the command line and by diagnostics.

Each :class:`Task` names its generator in :mod:`seqestimators.datasets`, the small sizes the
command line uses, and what a model must remember to solve it. Adding a task is one entry in
:func:`_tasks`; the CLI's choices and :func:`seqestimators.diagnostics.diagnose_task` follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CLASSIFICATION_TASKS", "TASKS", "TASK_ALIASES", "Task", "resolve_task"]


@dataclass(frozen=True)
class Task:
    """A built-in synthetic task: its generator, small-size arguments and a short description.

    ``generator_name`` names a function of :mod:`seqestimators.datasets`; it is imported only
    when the task is used (``generator``), so that building the parser imports nothing heavy.
    """

    name: str
    generator_name: str
    size_kwargs: dict
    target_type: str
    remember: str
    plot_kwargs: dict = field(default_factory=dict)

    @property
    def generator(self) -> Callable:
        """The generator function, e.g. :func:`seqestimators.datasets.make_burst`."""
        from .. import datasets

        return getattr(datasets, self.generator_name)

    def generate(self, n_samples, random_state=None, **kwargs):
        """Call the generator with this task's small sizes; returns its Bunch."""
        return self.generator(n_samples, **self.size_kwargs, random_state=random_state, **kwargs)


def _tasks():
    return {
        task.name: task
        for task in [
            Task("burst", "make_burst", {}, "per-timestep binary",
                 "whether the burst has already passed"),
            Task("delayed_echo", "make_delayed_echo", {}, "per-timestep binary",
                 "the input `delay` steps back", {"drawstyle": "steps-post"}),
            Task("saturated_integral", "make_saturated_integral", {"n_timesteps": 200},
                 "per-timestep continuous", "the running clipped sum of the inputs"),
            Task("ball_trajectory", "make_ball_trajectory", {}, "per-timestep continuous",
                 "the velocity (two past heights)"),
            Task("degradation", "make_degradation", {}, "per-timestep continuous",
                 "nothing with feedback; the history in closed loop",
                 {"features": ["temperature", "humidity"], "secondary_y": True}),
            Task("adding_problem", "make_adding_problem", {}, "per-sequence continuous",
                 "the first marked value until the second"),
            Task("copy_memory", "make_copy_memory", {"delay": 30}, "per-timestep 9-class",
                 "10 symbols over the blank delay", {"drawstyle": "steps-post"}),
            Task("flipflop", "make_flipflop", {}, "per-timestep 3-channel sign (-1/0/1)",
                 "the sign of each channel's last pulse",
                 {"drawstyle": "steps-post", "offset": 3.0}),
        ]
    }


#: The built-in tasks, by name, in the order of the summary table.
TASKS = _tasks()


#: Short names accepted on the command line for the built-in tasks.
TASK_ALIASES = {
    "echo": "delayed_echo",
    "integral": "saturated_integral",
    "ball": "ball_trajectory",
    "adding": "adding_problem",
    "copy": "copy_memory",
}

#: Tasks with class labels as targets (searched with RNNClassifier); the others are regressions.
CLASSIFICATION_TASKS = {"burst", "delayed_echo", "copy_memory"}



def resolve_task(name):
    """The :class:`Task` called ``name`` (a task name or an alias); ``ValueError`` otherwise."""
    key = TASK_ALIASES.get(name, name)
    if key not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)} or {sorted(TASK_ALIASES)}")
    return TASKS[key]
