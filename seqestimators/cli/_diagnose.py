"""``seqestimators diagnose``: why won't my RNN learn? One configuration on a built-in task."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._args import (
    add_data_options,
    add_task_argument,
    add_training_options,
    cell_names,
    check_device,
    one_of,
    policy_names,
    positive_int,
)
from ._report import quiet_warnings, say, status

OUTPUTS = ("findings.csv", "diagnosis.png")


def add_parser(subparsers):
    """Register the ``diagnose`` subcommand."""
    diag = subparsers.add_parser(
        "diagnose",
        help="why won't my RNN learn? diagnose one configuration on a task",
        description="Fit one configuration (--cell, --hidden-size, --policy) on a built-in task "
        "with seqestimators.diagnostics.diagnose_task, beside a memoryless baseline, and print "
        "the findings table (convergence, memory_use, memory_horizon, gradient_flow, "
        "state_policy, truncation, scaling, fit_gap), each with its evidence and advice; "
        "writes findings.csv (the table) and diagnosis.png (its figure) to the output folder "
        "and prints their paths.",
    )
    add_task_argument(diag)
    diag.add_argument("--output", "-o", metavar="DIR", default=None,
                      help="folder for findings.csv and diagnosis.png (created if needed; "
                      "default: TASK_diagnose in the current folder)")
    cell = one_of(cell_names, "cell")
    policy = one_of(policy_names, "policy")
    diag.add_argument("--cell", type=cell, default=None, metavar="CELL",
                      help="cell type (default: the first registered cell, "
                      "seqestimators.networks.CELLS)")
    diag.add_argument("--hidden-size", type=positive_int, default=8, metavar="H",
                      help="hidden size (default: %(default)s)")
    diag.add_argument("--policy", type=policy, default=None, metavar="POLICY",
                      help="hidden-state policy (default: the first registered policy, "
                      "seqestimators.state.STATE_POLICIES)")
    # The spellings of the search commands, for one value each (not shown in the help).
    diag.add_argument("--cells", dest="cell", type=cell, help=argparse.SUPPRESS)
    diag.add_argument("--hidden-sizes", dest="hidden_size", type=positive_int,
                      help=argparse.SUPPRESS)
    diag.add_argument("--policies", dest="policy", type=policy, help=argparse.SUPPRESS)
    add_data_options(diag, fresh_data=False)
    add_training_options(diag, fresh_data=False)
    diag.add_argument("--chunk-length", type=positive_int, default=None, metavar="L",
                      help="learn online: partial_fit on chunks of L timesteps")
    diag.add_argument("--tbptt-steps", type=positive_int, default=None, metavar="K",
                      help="truncated backpropagation through time over windows of K steps")
    diag.set_defaults(func=run, _parser=diag)


def run(args):
    """Diagnose, print the findings and write them; returns the exit status."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from ..diagnostics import diagnose_task
    from ..plotting import save_figure

    check_device(args._parser, args.device)
    out = Path(args.output or f"{args.task}_diagnose").resolve()
    out.mkdir(parents=True, exist_ok=True)
    params = {"cell": args.cell or cell_names()[0], "hidden_size": args.hidden_size,
              "state_policy": args.policy or policy_names()[0],
              "max_epochs": args.max_epochs, "batch_size": args.batch_size, "lr": args.lr,
              "device": args.device, "tbptt_steps": args.tbptt_steps}
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items() if v is not None)
    say(f"diagnosing {args.task} with {shown} (fits the model and a memoryless baseline)...")
    status(f"{' and '.join(OUTPUTS)} will be written to {out}")
    with quiet_warnings(), warnings.catch_warnings():
        # The findings' convergence check reports it, for the model and the baseline.
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        diagnosis = diagnose_task(args.task, n_samples=args.n_samples,
                                  n_timesteps=args.n_timesteps,
                                  task_params=dict(args.task_param or []),
                                  estimator_params=params, chunk_length=args.chunk_length,
                                  random_state=args.seed)
    print(diagnosis)
    diagnosis.to_csv(out / OUTPUTS[0])
    save_figure(diagnosis.plot(), out / OUTPUTS[1])
    print()
    for name in OUTPUTS:
        print(f"wrote {out / name}")
    return 0
