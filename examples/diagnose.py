"""Why won't my RNN learn? ``diagnose`` on the four seed questions, broken and fixed.

Each seed question is the same cry -- the network "won't learn" -- with a different cause.
:func:`seqestimators.diagnostics.diagnose` fits the set-up on the data, measures it and names
the cause: one row per check (``convergence``, ``memory_use``, ``memory_horizon``,
``gradient_flow``, ``state_policy``, ``truncation``, ``scaling``, ``fit_gap``), with the
evidence and the fix. For every question this script diagnoses the broken set-up and the fixed
one, prints both findings tables and saves each diagnosis' figure (learning curves against the
memoryless baseline, memory influence, gradient flow):

- burst detection (seed 000): hidden state carried between unrelated sequences;
- the delayed echo learned online (seed 002): chunks of one timestep;
- the saturated integral (seed 003): one long stream, an optimizer step every 2 timesteps;
- the thrown ball (seed 001): heights fed unscaled to a plain regressor.

Run: ``python examples/diagnose.py [--output diagnose_output]`` (about a minute on 2 CPU
cores). The figures of the user guide's page "Why won't my RNN learn?" are made with
``--output docs/_static/diagnose``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from seqestimators import RNNClassifier, RNNForecaster, RNNRegressor
from seqestimators.datasets import (
    make_ball_trajectory,
    make_burst,
    make_delayed_echo,
    make_saturated_integral,
)
from seqestimators.diagnostics import diagnose
from seqestimators.plotting import save_figure


def stories(random_state=0):
    """The four questions: data, broken and fixed set-ups, and the arguments of diagnose."""
    burst = make_burst(128, random_state=random_state, return_X_y=True)
    echo = make_delayed_echo(1, 750, random_state=random_state, return_X_y=True)
    integral = make_saturated_integral(1, 5000, random_state=random_state, return_X_y=True)
    ball = make_ball_trajectory(128, 30, random_state=random_state, return_X_y=True)
    online = dict(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1, lr=0.03,
                  random_state=random_state)
    return {
        "burst": dict(
            data=burst, kwargs={},
            broken=RNNClassifier(cell="rnn", hidden_size=16, state_policy="carry",
                                 max_epochs=40, random_state=random_state),
            fixed=RNNClassifier(cell="lstm", hidden_size=16, state_policy="reset",
                                max_epochs=40, random_state=random_state)),
        "online_echo": dict(
            data=echo, kwargs={"required_memory": 1},
            broken=(RNNClassifier(**online), {"chunk_length": 1}),
            fixed=(RNNClassifier(**online), {"chunk_length": 10})),
        "saturated_integral": dict(
            data=integral, kwargs={},
            broken=RNNRegressor(hidden_size=16, tbptt_steps=2, max_epochs=1,
                                random_state=random_state),
            fixed=RNNRegressor(hidden_size=16, tbptt_steps=100, max_epochs=12,
                               random_state=random_state)),
        "ball_trajectory": dict(
            data=ball, kwargs={"required_memory": 1},
            broken=RNNRegressor(hidden_size=16, max_epochs=30, random_state=random_state),
            fixed=RNNForecaster(hidden_size=16, max_epochs=30, random_state=random_state)),
    }


def run(random_state=0):
    """Diagnose every broken and fixed set-up.

    Returns
    -------
    diagnoses : dict
        ``{(story, "broken" | "fixed"): Diagnosis}``.
    """
    diagnoses = {}
    for name, story in stories(random_state).items():
        X, y = story["data"]
        for version in ("broken", "fixed"):
            setup = story[version]
            estimator, extra = setup if isinstance(setup, tuple) else (setup, {})
            diagnoses[name, version] = diagnose(estimator, X, y, **story["kwargs"], **extra,
                                                random_state=random_state)
    return diagnoses


def summary(diagnoses):
    """One row per set-up, one column per check: its status."""
    rows = []
    for (name, version), diagnosis in diagnoses.items():
        row = {"question": name, "set-up": version}
        row.update(zip(diagnosis.findings["check"], diagnosis.findings["status"]))
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="diagnose_output", help="folder for the figures")
    args = parser.parse_args(argv)

    diagnoses = run()
    out = Path(args.output)
    with pd.option_context("display.width", 160):
        print(summary(diagnoses).to_string(index=False))
    for (name, version), diagnosis in diagnoses.items():
        print(f"\n=== {name}, {version} set-up ===")
        print(diagnosis)
        path = save_figure(diagnosis.plot(title=f"{name}, {version} set-up: {diagnosis.status}"),
                           out / f"{name}_{version}.png")
        print(f"saved {path}")


if __name__ == "__main__":
    main()
