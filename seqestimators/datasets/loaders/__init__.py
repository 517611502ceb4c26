"""Loaders of the small real sequence datasets shipped with the package.

The data files and their cards live in the repository's top-level ``datasets/`` folder, which the
wheel ships as ``seqestimators/_data/``.

One file per family: ``_uea`` (multivariate classification: JapaneseVowels, BasicMotions), ``_ucr``
(univariate classification: GunPoint, ItalyPowerDemand, OSULeaf, PLAID, ArrowHead),
``_regression`` (one target per sequence: Tecator, Covid3Month, CardanoSentiment),
``_forecasting`` (single series for one-step-ahead forecasting: airline, shampoo sales, US change)
and ``_panels`` (many short series: M1 yearly). ``_files`` finds the data folder, ``_archive``
reads a dataset's ``.ts`` splits, ``_ts_format`` and ``_tsf_format`` are the readers of the
``.ts`` (UEA & UCR) and ``.tsf`` (Monash forecasting) formats.
"""

from ._forecasting import load_airline, load_shampoo_sales, load_uschange
from ._panels import load_m1_yearly
from ._regression import load_cardano_sentiment, load_covid_3month, load_tecator
from ._ts_format import read_ts
from ._tsf_format import read_tsf
from ._ucr import load_arrowhead, load_gunpoint, load_italy_power_demand, load_osuleaf, load_plaid
from ._uea import load_basic_motions, load_japanese_vowels

__all__ = [
    "load_airline",
    "load_arrowhead",
    "load_basic_motions",
    "load_cardano_sentiment",
    "load_covid_3month",
    "load_gunpoint",
    "load_italy_power_demand",
    "load_japanese_vowels",
    "load_m1_yearly",
    "load_osuleaf",
    "load_plaid",
    "load_shampoo_sales",
    "load_tecator",
    "load_uschange",
    "read_ts",
    "read_tsf",
]
