"""GRU forward + backward on CPU: FastGRU and other candidates against nn.LSTM and nn.GRU.

Times one forward + backward pass of a batch (batch 64, input size 2, loss = sum of the
outputs, 1 thread) for each candidate, in interleaved rounds: every round times every
candidate a few times (after one untimed pass), seconds apart, and the ratios to ``nn.LSTM``
and ``nn.GRU`` are taken within the round; the table shows the medians over rounds. Both
wall-clock time and the thread's CPU time are reported: on a machine shared with other
processes, CPU time is the steadier of the two (a descheduled process does not accrue it).

Candidates:

- ``nn.LSTM``, ``nn.GRU``: the references (``nn.LSTM`` has a oneDNN kernel on CPU, ``nn.GRU``
  none);
- ``FastGRU``: ``seqestimators.nn.cells.FastGRU``, hand-written backward pass (the one adopted);
- ``loop``: a plain Python GRU loop under autograd, input projections of all timesteps
  precomputed in one matrix product;
- ``gru_cell``: a Python loop over ``torch._VF.gru_cell`` (ATen's fused-call cell) under
  autograd;
- ``jit loop``: ``loop`` compiled with ``torch.jit.script`` (deprecated in torch 2.x);
- ``compile step`` (``--compile`` only): ``loop`` with its step compiled by ``torch.compile``
  (slow to compile; the compile time is printed).

The slow candidates run at the reference configuration only (hidden 32, length 100) unless
``--all-candidates``. ``--packed`` adds ragged batches (lengths between half and all of the
timesteps, packed with ``enforce_sorted=False``) and ``--inference`` the forward pass alone.

Usage: python benchmarks/bench_gru.py [--rounds 5] [--repeats 3] [--hidden 16 32 64 128]
       [--lengths 20 100 400] [--all-candidates] [--compile] [--packed] [--inference]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from seqestimators.nn.cells import FastGRU

BATCH, INPUT = 64, 2
REFERENCE = (32, 100)  # hidden size, length


class LoopGRU(nn.Module):
    """The GRU a PyTorch user writes by hand: autograd through a Python loop."""

    def __init__(self, gru, step=None):
        super().__init__()
        self.gru = gru
        self.step = step or _gru_step

    def forward(self, x):
        g = self.gru
        gi = torch.addmm(g.bias_ih_l0, x.reshape(-1, x.shape[2]), g.weight_ih_l0.t())
        gi = gi.view(x.shape[0], x.shape[1], -1)
        h = x.new_zeros(x.shape[0], g.hidden_size)
        outputs = []
        for t in range(x.shape[1]):
            h = self.step(gi[:, t], h, g.weight_hh_l0, g.bias_hh_l0)
            outputs.append(h)
        return torch.stack(outputs, 1), h[None]


def _gru_step(gi, h, w_hh, b_hh):
    gh = torch.addmm(b_hh, h, w_hh.t())
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)


def _loop_sequence(gi, h, w_hh, b_hh):
    outputs = []
    for t in range(gi.shape[1]):
        gh = torch.addmm(b_hh, h, w_hh.t())
        i_r, i_z, i_n = gi[:, t].chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h = n + z * (h - n)
        outputs.append(h)
    return torch.stack(outputs, 1)


class JitLoopGRU(nn.Module):
    """``LoopGRU`` with its whole loop compiled by ``torch.jit.script``."""

    def __init__(self, gru):
        super().__init__()
        self.gru = gru
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit.script is deprecated
            self.loop = torch.jit.script(_loop_sequence)

    def forward(self, x):
        g = self.gru
        gi = torch.addmm(g.bias_ih_l0, x.reshape(-1, x.shape[2]), g.weight_ih_l0.t())
        gi = gi.view(x.shape[0], x.shape[1], -1)
        out = self.loop(gi, x.new_zeros(x.shape[0], g.hidden_size), g.weight_hh_l0,
                        g.bias_hh_l0)
        return out, out[:, -1][None]


class CellGRU(nn.Module):
    """A Python loop over ATen's ``gru_cell`` (one call per timestep) under autograd."""

    def __init__(self, gru):
        super().__init__()
        self.gru = gru

    def forward(self, x):
        g = self.gru
        h = x.new_zeros(x.shape[0], g.hidden_size)
        outputs = []
        for t in range(x.shape[1]):
            h = torch._VF.gru_cell(x[:, t], h, g.weight_ih_l0, g.weight_hh_l0, g.bias_ih_l0,
                                   g.bias_hh_l0)
            outputs.append(h)
        return torch.stack(outputs, 1), h[None]


def make_candidates(hidden, slow, compile_step):
    torch.manual_seed(0)
    gru = nn.GRU(INPUT, hidden, batch_first=True)
    fast = FastGRU(INPUT, hidden, batch_first=True)
    fast.load_state_dict(gru.state_dict())
    candidates = {"nn.LSTM": nn.LSTM(INPUT, hidden, batch_first=True), "nn.GRU": gru,
                  "FastGRU": fast}
    if slow:
        candidates["loop"] = LoopGRU(gru)
        candidates["gru_cell"] = CellGRU(gru)
        candidates["jit loop"] = JitLoopGRU(gru)
    if compile_step:
        start = time.perf_counter()
        compiled = LoopGRU(gru, torch.compile(_gru_step, dynamic=False))
        x = torch.randn(BATCH, 3, INPUT)
        compiled(x)[0].sum().backward()
        print(f"torch.compile of the step: {time.perf_counter() - start:.1f} s to compile")
        candidates["compile step"] = compiled
    return candidates


def time_pass(module, x, lengths, mode):
    """Wall and CPU seconds of one pass: ``"train"`` forward + backward, ``"infer"`` forward
    under ``no_grad``, ``"forward"`` forward with autograd on."""
    wall, cpu = time.perf_counter(), time.thread_time()
    inp = x if lengths is None else pack_padded_sequence(x, lengths, batch_first=True,
                                                         enforce_sorted=False)
    with torch.set_grad_enabled(mode != "infer"):
        out, h = module(inp)
    if mode == "train":
        data = out.data if lengths is not None else out
        h = h[0] if isinstance(h, tuple) else h  # LSTM: (h_n, c_n)
        (data.sum() + h.sum()).backward()
    return time.perf_counter() - wall, time.thread_time() - cpu


def measure(candidates, x, lengths, *, rounds, repeats, modes=None):
    """Per candidate: medians over rounds of wall ms, cpu ms, and their ratios to nn.LSTM and
    nn.GRU within the round. ``modes``: the :func:`time_pass` mode of each candidate
    (default ``"train"``)."""
    modes = {name: (modes or {}).get(name, "train") for name in candidates}
    for name, module in candidates.items():  # warm-up
        time_pass(module, x, lengths, modes[name])
    per_round = {name: [] for name in candidates}
    for _ in range(rounds):
        medians = {}
        for name, module in candidates.items():
            # One untimed pass first: a model in training follows itself, and the first pass
            # after another model pays for the allocator's and caches' state (about 1 ms).
            time_pass(module, x, lengths, modes[name])
            runs = [time_pass(module, x, lengths, modes[name]) for _ in range(repeats)]
            medians[name] = (statistics.median(r[0] for r in runs),
                             statistics.median(r[1] for r in runs))
        for name, (wall, cpu) in medians.items():
            per_round[name].append((
                wall, cpu,
                wall / medians["nn.LSTM"][0], cpu / medians["nn.LSTM"][1],
                wall / medians["nn.GRU"][0], cpu / medians["nn.GRU"][1],
            ))
    return {name: [statistics.median(column) for column in zip(*rows)]
            for name, rows in per_round.items()}


def print_table(title, rows):
    print(f"\n{title}")
    header = ("config", "candidate", "wall ms", "cpu ms", "/LSTM wall", "/LSTM cpu",
              "/GRU wall", "/GRU cpu")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for config, name, values in rows:
        wall, cpu, lw, lc, gw, gc = values
        print(f"| {config} | {name} | {wall * 1e3:.2f} | {cpu * 1e3:.2f} | {lw:.2f} | {lc:.2f} "
              f"| {gw:.2f} | {gc:.2f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hidden", type=int, nargs="+", default=[16, 32, 64, 128])
    parser.add_argument("--lengths", type=int, nargs="+", default=[20, 100, 400])
    parser.add_argument("--all-candidates", action="store_true")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--packed", action="store_true")
    parser.add_argument("--inference", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    configs = [(h, REFERENCE[1]) for h in args.hidden]
    configs += [(REFERENCE[0], t) for t in args.lengths if t != REFERENCE[1]]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), batch {BATCH}, "
          f"input {INPUT}; {args.rounds} interleaved rounds x {args.repeats} passes, medians")
    rows, packed_rows, inference_rows = [], [], []
    for hidden, length in configs:
        reference = (hidden, length) == REFERENCE
        candidates = make_candidates(hidden, args.all_candidates or reference,
                                     args.compile and (args.all_candidates or reference))
        x = torch.randn(BATCH, length, INPUT)
        config = f"H={hidden} T={length}"
        results = measure(candidates, x, None, rounds=args.rounds, repeats=args.repeats)
        rows += [(config, name, values) for name, values in results.items()]
        if args.packed:
            lengths = torch.randint(length // 2, length + 1, (BATCH,))
            basic = {k: candidates[k] for k in ("nn.LSTM", "nn.GRU", "FastGRU")}
            results = measure(basic, x, lengths, rounds=args.rounds, repeats=args.repeats)
            packed_rows += [(config, name, values) for name, values in results.items()]
        if args.inference:
            # nn.LSTM and nn.GRU under no_grad; FastGRU's own forward with autograd on (under
            # no_grad FastGRU is nn.GRU's forward).
            basic = {k: candidates[k] for k in ("nn.LSTM", "nn.GRU", "FastGRU")}
            results = measure(basic, x, None, rounds=args.rounds, repeats=args.repeats,
                              modes={"nn.LSTM": "infer", "nn.GRU": "infer",
                                     "FastGRU": "forward"})
            inference_rows += [(config, name, values) for name, values in results.items()]
    print_table("Forward + backward, padded batch (ratios within each round, then medians)", rows)
    if packed_rows:
        print_table("Forward + backward, packed ragged batch", packed_rows)
    if inference_rows:
        print_table("Forward only: nn.LSTM, nn.GRU under no_grad; FastGRU with autograd on",
                    inference_rows)
    fast = [values for config, name, values in rows
            if name == "FastGRU" and config == "H=32 T=100"]
    if fast:
        print(f"\nFastGRU / nn.LSTM at H=32 T=100: {fast[0][2]:.2f} wall, {fast[0][3]:.2f} cpu "
              "(target <= 1.5)")


if __name__ == "__main__":
    main()
