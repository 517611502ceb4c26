"""The wheel ships the real datasets and their cards under ``seqestimators/_data/``.

Builds the wheel with pip (which fetches the hatchling build backend into an isolated
environment unless hatchling is already installed). Skipped when the build backend cannot be
fetched (no network) or when ``SEQESTIMATORS_SKIP_WHEEL_BUILD=1``.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

DATA_FILES = [
    "NOTICE.md",
    "README.md",
    "JapaneseVowels/JapaneseVowels_TRAIN.ts",
    "JapaneseVowels/JapaneseVowels_TEST.ts",
    "JapaneseVowels/README.md",
    "BasicMotions/BasicMotions_TRAIN.ts",
    "BasicMotions/BasicMotions_TEST.ts",
    "BasicMotions/README.md",
    "Airline/Airline.csv",
    "Airline/README.md",
    "GunPoint/GunPoint_TRAIN.ts",
    "GunPoint/GunPoint_TEST.ts",
    "GunPoint/README.md",
    "ItalyPowerDemand/ItalyPowerDemand_TRAIN.ts",
    "ItalyPowerDemand/ItalyPowerDemand_TEST.ts",
    "ItalyPowerDemand/README.md",
    "OSULeaf/OSULeaf_TRAIN.ts",
    "OSULeaf/OSULeaf_TEST.ts",
    "OSULeaf/README.md",
    "PLAID/PLAID_TRAIN.ts",
    "PLAID/PLAID_TEST.ts",
    "PLAID/README.md",
    "Tecator/Tecator_TRAIN.ts",
    "Tecator/Tecator_TEST.ts",
    "Tecator/README.md",
    "ShampooSales/ShampooSales.csv",
    "ShampooSales/README.md",
    "Uschange/Uschange.csv",
    "Uschange/README.md",
    "ArrowHead/ArrowHead_TRAIN.ts",
    "ArrowHead/ArrowHead_TEST.ts",
    "ArrowHead/README.md",
    "Covid3Month/Covid3Month_TRAIN.ts",
    "Covid3Month/Covid3Month_TEST.ts",
    "Covid3Month/README.md",
    "CardanoSentiment/CardanoSentiment_TRAIN.ts",
    "CardanoSentiment/CardanoSentiment_TEST.ts",
    "CardanoSentiment/README.md",
    "M1Yearly/m1_yearly_dataset.tsf",
    "M1Yearly/README.md",
]

# pip's messages when the build backend cannot be downloaded.
OFFLINE_HINTS = (
    "No matching distribution found for hatchling",
    "Could not find a version that satisfies the requirement hatchling",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Max retries exceeded",
    "ProxyError",
)


def _build_wheel(out_dir):
    cmd = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(out_dir)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.append("--no-build-isolation")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        if any(hint in log for hint in OFFLINE_HINTS):
            pytest.skip("the hatchling build backend could not be fetched (offline?)")
        pytest.fail(f"building the wheel failed:\n{log}")
    wheels = sorted(Path(out_dir).glob("seqestimators-*.whl"))
    assert len(wheels) == 1, log
    return wheels[0]


@pytest.mark.skipif(
    os.environ.get("SEQESTIMATORS_SKIP_WHEEL_BUILD", "") not in ("", "0"),
    reason="SEQESTIMATORS_SKIP_WHEEL_BUILD is set",
)
def test_wheel_ships_datasets_and_cards(tmp_path):
    wheel = _build_wheel(tmp_path / "dist")

    with zipfile.ZipFile(wheel) as zf:
        infos = {info.filename: info for info in zf.infolist()}
        for rel in DATA_FILES:
            name = f"seqestimators/_data/{rel}"
            assert name in infos, f"{name} is missing from the wheel"
            assert infos[name].file_size == (ROOT / "datasets" / rel).stat().st_size
        # Shipped only under the package, never as a top-level 'datasets' package.
        assert not any(n.startswith("datasets/") for n in infos)
        zf.extractall(tmp_path / "site")

    # The loaders of the unpacked wheel find the packaged files (not the source tree's).
    site = tmp_path / "site"
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        import seqestimators
        from seqestimators.datasets import (
            load_airline, load_basic_motions, load_gunpoint, load_italy_power_demand,
            load_japanese_vowels, load_osuleaf, load_plaid, load_shampoo_sales, load_tecator,
            load_uschange,
        )
        from seqestimators.datasets.loaders._files import data_dir as _data_dir

        site = Path(sys.argv[1]).resolve()
        assert Path(seqestimators.__file__).resolve().is_relative_to(site), seqestimators.__file__
        assert Path(str(_data_dir())).resolve() == site / "seqestimators" / "_data", _data_dir()
        assert len(load_japanese_vowels(split="train").data) == 270
        assert load_basic_motions(split="test").data.shape == (40, 100, 6)
        airline = load_airline()
        assert airline.series.iloc[0] == 112 and len(airline.series) == 144
        assert airline.DESCR.startswith("# Airline passengers")
        assert load_gunpoint(split="test").data.shape == (150, 150, 1)
        assert load_italy_power_demand(split="train").data.shape == (67, 24, 1)
        assert load_osuleaf(split="train").data.shape == (200, 427, 1)
        plaid = load_plaid(split="train")
        assert len(plaid.data) == 537 and int(plaid.lengths.max()) == 1344
        assert load_tecator(split="test").target.shape == (43,)
        assert len(load_shampoo_sales().series) == 36
        assert load_uschange().series.shape == (187, 5)
        print("ok")
        """
    )
    env = dict(os.environ, PYTHONPATH=str(site))
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("ok")
