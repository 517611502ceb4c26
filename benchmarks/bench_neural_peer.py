"""A global neural peer on the many-series panels: neuralforecast's NHITS and LSTM defaults.

The panels, the train/test split and the metrics are those of ``bench_forecasting_panel.py``
(imported from this folder by path, so both scripts score the same thing): the M1 yearly panel
(``seqestimators.datasets.load_m1_yearly``, 181 series, the last 6 values held out), the synthetic
panel of short yearly series on scales 50..1e7 (200 series, h=6) and statsmodels' macrodata
columns (12 quarterly series, h=8, m=4). Each model is one global network fitted on the training
parts of all the series of a panel, as a new user would call it::

    NeuralForecast(models=[NHITS(h=h, input_size=2 * h)], freq=1).fit(df).predict()
    NeuralForecast(models=[LSTM(h=h, input_size=2 * h)], freq=1).fit(df).predict()

with ``df`` the long format (``unique_id``, ``ds`` = 0, 1, 2, ... within each series, ``y``), as
the panel script gives statsforecast. Settings beyond the defaults: ``input_size=2 * h`` (NHITS
has no default; the LSTM's default -1 would read the whole history), ``random_seed`` (one fit per
seed) and Lightning's ``accelerator="cpu"``, no progress bar, logger, model summary or
checkpoints (output only: the fit is the same). So NHITS trains 1000 steps with the MAE loss and
no scaling (``scaler_type="identity"``), the LSTM 1000 steps with per-window robust scaling; no
validation part, no early stopping. ``--variant`` adds a model with other parameters (for
example ``NHITS-robust=NHITS:{"scaler_type": "robust"}``).

Needs neuralforecast (and statsforecast for the classical rows); run::

    OMP_NUM_THREADS=1 python benchmarks/bench_neural_peer.py [--panels m1 synthetic macro]
        [--models NHITS LSTM] [--seeds 0 1 2] [--no-classical] [--results peer.json]

Metrics: sMAPE (0..200) and MASE per series, averaged over the panel, and RMSE, with the panel
script's own functions; seconds are the wall time of one fit and forecast.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _load_panel_script():
    path = Path(__file__).with_name("bench_forecasting_panel.py")
    spec = importlib.util.spec_from_file_location("bench_forecasting_panel", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


panel_script = _load_panel_script()
status = panel_script.status


def m1_yearly(quick=False):
    from seqestimators.datasets import load_m1_yearly

    return list(load_m1_yearly().series)


# name -> (loader(quick), h, season length m); the panel script's own entry wins when it has one
PANELS = {
    "m1": (m1_yearly, 6, 1),
    "synthetic": None,
    "macro": None,
}
for _name in PANELS:
    if _name in panel_script.PANELS:
        PANELS[_name] = panel_script.PANELS[_name]

QUIET = {"accelerator": "cpu", "devices": 1, "enable_progress_bar": False,
         "enable_model_summary": False, "logger": False, "enable_checkpointing": False}


def model_factory(kind, h, seed, params):
    from neuralforecast.models import LSTM, NHITS

    classes = {"NHITS": NHITS, "LSTM": LSTM}
    return classes[kind](h=h, input_size=2 * h, random_seed=seed, **{**params, **QUIET})


def padding(trains, h, params):
    """The fix neuralforecast's own error names when a series is shorter than ``input_size``."""
    if min(map(len, trains)) < 2 * h and "start_padding_enabled" not in params:
        return {"start_padding_enabled": True}
    return {}


def long_frame(trains):
    width = len(str(len(trains)))
    frames = [pd.DataFrame({"unique_id": f"{i:0{width}d}", "ds": np.arange(len(t)), "y": t})
              for i, t in enumerate(trains)]
    return pd.concat(frames, ignore_index=True)


def neural(kind, params, trains, h, seed):
    """One global model on the panel's training parts; forecasts (list, panel order), seconds."""
    from neuralforecast import NeuralForecast

    df = long_frame(trains)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = model_factory(kind, h, seed, params)
        nf = NeuralForecast(models=[model], freq=1)
        nf.fit(df=df)
        fc = nf.predict()
    seconds = time.perf_counter() - start
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    column = [c for c in fc.columns if c not in ("unique_id", "ds", "index")][0]
    ids = df["unique_id"].unique()
    forecasts = [fc.loc[fc["unique_id"] == i].sort_values("ds")[column].to_numpy(float)
                 for i in ids]
    return forecasts, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--panels", nargs="*", default=list(PANELS), choices=list(PANELS))
    parser.add_argument("--models", nargs="*", default=["NHITS", "LSTM"],
                        choices=["NHITS", "LSTM"])
    parser.add_argument("--variant", action="append", default=[],
                        help='NAME=MODEL:JSON, e.g. NHITS-robust=NHITS:{"scaler_type": "robust"}')
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--no-classical", action="store_true")
    parser.add_argument("--results", default=None, help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    variants = {kind: (kind, {}) for kind in args.models}
    for spec in args.variant:
        name, _, rest = spec.partition("=")
        kind, _, params = rest.partition(":")
        variants[name] = (kind, json.loads(params) if params else {})

    import torch

    torch.set_num_threads(1)
    import neuralforecast

    for name in ("lightning", "lightning.pytorch", "pytorch_lightning", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)

    status(f"neuralforecast {neuralforecast.__version__}, torch {torch.__version__}, "
           f"pandas {pd.__version__}")
    rows = []
    start = time.perf_counter()
    for panel in args.panels:
        loader, h, m = PANELS[panel]
        series = loader(False)
        trains = [s.iloc[:-h].to_numpy(float) for s in series]
        tests = [s.iloc[-h:].to_numpy(float) for s in series]
        status(f"{panel}: {len(series)} series, h={h}, m={m}, training lengths "
               f"{min(map(len, trains))}..{max(map(len, trains))}")
        if not args.no_classical:
            t0 = time.perf_counter()
            for name, fc in panel_script.classical(trains, h, m).items():
                rows.append({"panel": panel, "method": name, "seeds": "",
                             **panel_script.scores(fc, trains, tests, m)})
            status(f"  classical: {time.perf_counter() - t0:.0f} s")
        for name, (kind, params) in variants.items():
            params = {**params, **padding(trains, h, params)}
            if params:
                status(f"  {name}: {params}")
            per_seed = []
            for seed in args.seeds:
                try:
                    fc, sec = neural(kind, params, trains, h, seed)
                except Exception as exc:  # report the peer's failure, go on with the others
                    status(f"  {name} seed {seed}: FAILED {type(exc).__name__}: {exc}")
                    continue
                n_bad = sum(int(not np.all(np.isfinite(f))) for f in fc)
                per_seed.append({**panel_script.scores(fc, trains, tests, m), "s": sec})
                status(f"  {name} seed {seed}: sMAPE {per_seed[-1]['sMAPE']:.2f} "
                       f"MASE {per_seed[-1]['MASE']:.3f} RMSE {per_seed[-1]['RMSE']:.4g} "
                       f"({sec:.0f} s){f', {n_bad} non-finite forecasts' if n_bad else ''}")
            settings = json.dumps(params) if params else ""
            if not per_seed:
                rows.append({"panel": panel, "method": name, "seeds": 0, "settings": settings})
                continue
            frame = pd.DataFrame(per_seed)
            rows.append({"panel": panel, "method": name, "seeds": len(per_seed),
                         "settings": settings,
                         **frame.mean().to_dict(),
                         "sMAPE min/max": f"{frame['sMAPE'].min():.2f}/{frame['sMAPE'].max():.2f}",
                         "MASE min/max": f"{frame['MASE'].min():.3f}/{frame['MASE'].max():.3f}"})
    table = pd.DataFrame(rows)
    print(f"Mean over series (neural rows: mean over seeds {args.seeds}; s = seconds per fit "
          f"and forecast), {time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if args.results:
        Path(args.results).write_text(json.dumps(rows, indent=1, default=str))
    return table


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
