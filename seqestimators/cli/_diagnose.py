"""``seqestimators diagnose``: why won't my RNN learn? One configuration on a built-in task."""

from __future__ import annotations

from pathlib import Path

from ._args import (
    add_search_options,
    cell_names,
    check_device,
    policy_names,
    positive_int,
)
from ._report import quiet_warnings, say


def add_parser(subparsers):
    """Register the ``diagnose`` subcommand."""
    diag = subparsers.add_parser(
        "diagnose",
        help="why won't my RNN learn? diagnose one configuration on a task",
        description="Fit one configuration (the first of --cells, --hidden-sizes and "
        "--policies) on a built-in task with seqestimators.diagnostics.diagnose and print the "
        "findings table (convergence, memory_use, memory_horizon, gradient_flow, "
        "state_policy, truncation, scaling, fit_gap), each with its evidence and advice; "
        "writes findings.csv and diagnosis.png to the output folder.",
    )
    add_search_options(diag, "diagnose")
    diag.add_argument("--chunk-length", type=positive_int, default=None, metavar="L",
                      help="learn online: partial_fit on chunks of L timesteps")
    diag.add_argument("--tbptt-steps", type=positive_int, default=None, metavar="K",
                      help="truncated backpropagation through time over windows of K steps")
    diag.set_defaults(func=run, _parser=diag)


def run(args):
    """Diagnose, print the findings and write them; returns the exit status."""
    from ..diagnostics import diagnose_task
    from ..plotting import save_figure

    check_device(args._parser, args.device)
    out = Path(args.output or f"{args.task}_diagnose")
    out.mkdir(parents=True, exist_ok=True)
    cells = args.cells or cell_names()
    policies = args.policies or policy_names()
    params = {"cell": cells[0], "hidden_size": args.hidden_sizes[0],
              "state_policy": policies[0], "max_epochs": args.max_epochs,
              "batch_size": args.batch_size, "lr": args.lr, "device": args.device,
              "tbptt_steps": args.tbptt_steps}
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items() if v is not None)
    say(f"diagnosing {args.task} with {shown} (fits the model and a memoryless baseline)...")
    with quiet_warnings():
        diagnosis = diagnose_task(args.task, n_samples=args.n_samples,
                                  n_timesteps=args.n_timesteps,
                                  task_params=dict(args.task_param or []),
                                  estimator_params=params, chunk_length=args.chunk_length,
                                  random_state=args.seed)
    print(diagnosis)
    for path in (diagnosis.to_csv(out / "findings.csv"),
                 save_figure(diagnosis.plot(), out / "diagnosis.png")):
        print(f"wrote {path}")
    return 0
