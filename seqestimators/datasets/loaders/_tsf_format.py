"""A reader for the ``.tsf`` text format of the Monash time-series forecasting archive.

A ``.tsf`` file is a header of ``@tag value`` lines followed by ``@data`` and one line per
series::

    # comment lines start with '#'
    @relation Example
    @attribute series_name string
    @attribute start_timestamp date
    @frequency yearly
    @horizon 6
    @missing false
    @equallength false
    @data
    T1:1972-01-01 00-00-00:3600,7700,12300
    T2:1974-01-01 00-00-00:12654,22879

A data line holds the values of the ``@attribute`` lines, in their order, separated by ``:``,
then the series' values separated by ``,``; ``?`` marks a missing value. Attribute types are
``string``, ``numeric`` and ``date`` (written ``YYYY-MM-DD HH-MM-SS``). Tags are
case-insensitive; blank lines and ``#`` comments are ignored.

This is an independent implementation written for :mod:`seqestimators`; it needs neither aeon
nor sktime.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._ts_format import _open_text

__all__ = ["read_tsf"]

_MISSING = "?"
_ATTRIBUTE_TYPES = ("string", "numeric", "date")
_DATE_FORMAT = "%Y-%m-%d %H-%M-%S"
# tag (lower case) -> (metadata key, kind)
_TAGS = {
    "@relation": ("relation", "str"),
    "@frequency": ("frequency", "str"),
    "@horizon": ("horizon", "int"),
    "@missing": ("missing", "bool"),
    "@equallength": ("equal_length", "bool"),
}


def _parse_tag(tag, value, lineno):
    key, kind = _TAGS[tag.lower()]
    value = value.strip()
    if not value:
        raise ValueError(f"line {lineno}: {tag} needs a value.")
    if kind == "bool":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"line {lineno}: {tag} expects 'true' or 'false', got {value!r}.")
        return key, value.lower() == "true"
    if kind == "int":
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"line {lineno}: {tag} expects a positive integer, got {value!r}.")
        return key, int(value)
    return key, value


def _parse_attribute(text, lineno, name, kind):
    text = text.strip()
    if kind == "string":
        return text
    if kind == "numeric":
        try:
            return float(text)
        except ValueError:
            raise ValueError(
                f"line {lineno}: attribute {name!r} expects a number, got {text!r}."
            ) from None
    try:
        return pd.to_datetime(text, format=_DATE_FORMAT)
    except ValueError:
        raise ValueError(
            f"line {lineno}: attribute {name!r} expects a date 'YYYY-MM-DD HH-MM-SS', "
            f"got {text!r}."
        ) from None


def _parse_values(text, lineno):
    tokens = [token.strip() for token in text.split(",")]
    values = np.empty(len(tokens), dtype=np.float64)
    for t, token in enumerate(tokens):
        if token == _MISSING:
            values[t] = np.nan
            continue
        try:
            values[t] = float(token)
        except ValueError:
            raise ValueError(
                f"line {lineno}: value {token!r} at position {t + 1} is not a number."
            ) from None
    return values


def read_tsf(path_or_file, *, return_metadata=False):
    """Read a ``.tsf`` file of the Monash time-series forecasting archive.

    Parameters
    ----------
    path_or_file : str, path-like or file object
        The file to read: a path, or an open text or binary file.
    return_metadata : bool, default=False
        When True, also return the header as a dict.

    Returns
    -------
    series : list of ndarray of shape (n_timesteps_i,)
        One float64 array per series, in file order; missing values (``?``) are NaN.
    attributes : pandas.DataFrame of shape (n_series, n_attributes)
        One column per ``@attribute``, in header order: str for ``string``, float for
        ``numeric``, :class:`pandas.Timestamp` for ``date``.
    metadata : dict
        Only when ``return_metadata=True``. Keys (present when the tag is): ``relation``,
        ``frequency`` (str), ``horizon`` (int), ``missing``, ``equal_length`` (bool); always
        ``attributes`` (a list of ``(name, type)`` pairs), ``n_series`` and ``data_line`` (the
        line number of ``@data``).

    Raises
    ------
    ValueError
        When the file is malformed; the message starts with the offending line number, e.g.
        ``"line 12: expected 2 attribute values before the series, got 1."``.

    Examples
    --------
    >>> import io
    >>> text = '''@relation Toy
    ... @attribute series_name string
    ... @attribute start_timestamp date
    ... @frequency yearly
    ... @horizon 2
    ... @data
    ... A:1990-01-01 00-00-00:1,2,3,4
    ... B:1995-01-01 00-00-00:5,?,7
    ... '''
    >>> series, attributes = read_tsf(io.StringIO(text))
    >>> [s.tolist() for s in series]
    [[1.0, 2.0, 3.0, 4.0], [5.0, nan, 7.0]]
    >>> attributes["series_name"].tolist(), attributes["start_timestamp"].dt.year.tolist()
    (['A', 'B'], [1990, 1995])
    """
    fh, cleanup = _open_text(path_or_file, "read_tsf")
    metadata, attributes, rows, series = {}, [], [], []
    data_lineno = None
    try:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if data_lineno is None:
                parts = line.split(None, 1)
                tag, value = parts[0], (parts[1] if len(parts) > 1 else "")
                if not tag.startswith("@"):
                    raise ValueError(
                        f"line {lineno}: data before @data (every header line starts with '@')."
                    )
                if tag.lower() == "@data":
                    data_lineno = lineno
                elif tag.lower() == "@attribute":
                    fields = value.split()
                    if len(fields) != 2 or fields[1].lower() not in _ATTRIBUTE_TYPES:
                        raise ValueError(
                            f"line {lineno}: @attribute expects a name and a type among "
                            f"{list(_ATTRIBUTE_TYPES)}, got {value.strip()!r}."
                        )
                    attributes.append((fields[0], fields[1].lower()))
                elif tag.lower() in _TAGS:
                    key, parsed = _parse_tag(tag, value, lineno)
                    metadata[key] = parsed
                else:
                    raise ValueError(f"line {lineno}: unknown tag {tag}.")
                continue
            fields = line.split(":", len(attributes))
            if len(fields) != len(attributes) + 1:
                raise ValueError(
                    f"line {lineno}: expected {len(attributes)} attribute values before the "
                    f"series, got {len(fields) - 1}."
                )
            rows.append([
                _parse_attribute(text, lineno, name, kind)
                for text, (name, kind) in zip(fields, attributes)
            ])
            values = _parse_values(fields[-1], lineno)
            if metadata.get("missing") is False and np.isnan(values).any():
                raise ValueError(f"line {lineno}: '?' in a file whose header says @missing false.")
            series.append(values)
    finally:
        cleanup()
    if data_lineno is None:
        raise ValueError("the file has no @data line.")
    if not series:
        raise ValueError(f"line {data_lineno}: no series after @data.")
    frame = pd.DataFrame(rows, columns=[name for name, _ in attributes])
    if not return_metadata:
        return series, frame
    metadata.update(attributes=attributes, n_series=len(series), data_line=data_lineno)
    return series, frame, metadata
