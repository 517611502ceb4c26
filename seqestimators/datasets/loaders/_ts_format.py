"""A reader for the ``.ts`` text format of the UEA & UCR time-series archives (sktime/aeon).

A ``.ts`` file is a header of ``@tag value`` lines followed by ``@data`` and one line per case::

    # comment lines start with '#'
    @problemName Example
    @timeStamps false
    @missing true
    @univariate false
    @dimensions 2
    @equalLength false
    @classLabel true a b
    @data
    1.0,2.0,3.0:4.0,5.0,?:a
    0.5,0.25:1.5,2.5:b

Channels (dimensions) of a case are separated by ``:``, values within a channel by ``,``, and the
class label (``@classLabel true``) or the regression target (``@targetLabel true``) is the last
field. ``?`` marks a missing value. Tags are case-insensitive; blank lines and ``#`` comments
are ignored anywhere.

This is an independent implementation written for :mod:`seqestimators`; it needs neither sktime
nor aeon. Time-stamped files (``@timeStamps true``, values written as ``(t, v)`` tuples) are not
supported.
"""

from __future__ import annotations

import io
import os

import numpy as np

__all__ = ["read_ts"]

_MISSING = "?"

# tag (lower case) -> (metadata key, kind)
_TAGS = {
    "@problemname": ("problem_name", "str"),
    "@timestamps": ("timestamps", "bool"),
    "@missing": ("missing", "bool"),
    "@univariate": ("univariate", "bool"),
    "@dimensions": ("dimensions", "int"),
    "@equallength": ("equal_length", "bool"),
    "@serieslength": ("series_length", "int"),
    "@classlabel": ("class_label", "labels"),
    "@targetlabel": ("target_label", "bool"),
}


def _parse_bool(value, tag, lineno):
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"line {lineno}: {tag} expects 'true' or 'false', got {value.strip()!r}.")
    return lowered == "true"


def _parse_int(value, tag, lineno):
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError(
            f"line {lineno}: {tag} expects a positive integer, got {value.strip()!r}."
        ) from None
    if number < 1:
        raise ValueError(f"line {lineno}: {tag} expects a positive integer, got {number}.")
    return number


def _parse_header(line, lineno, metadata, seen):
    """Read one ``@tag value`` line into ``metadata``; return True for ``@data``."""
    parts = line.split(None, 1)
    tag, value = parts[0], (parts[1] if len(parts) > 1 else "")
    tag_lower = tag.lower()
    if tag_lower == "@data":
        if value.strip():
            raise ValueError(f"line {lineno}: unexpected text after @data: {value.strip()!r}.")
        return True
    if tag_lower not in _TAGS:
        # Unknown tags are kept verbatim rather than rejected: newer archive files add tags.
        metadata.setdefault("extra_tags", {})[tag[1:]] = value.strip()
        return False
    key, kind = _TAGS[tag_lower]
    if key in seen:
        raise ValueError(f"line {lineno}: duplicate tag {tag} (first given on line {seen[key]}).")
    seen[key] = lineno
    if kind == "str":
        if not value.strip():
            raise ValueError(f"line {lineno}: {tag} needs a value.")
        metadata[key] = value.strip()
    elif kind == "bool":
        metadata[key] = _parse_bool(value, tag, lineno)
    elif kind == "int":
        metadata[key] = _parse_int(value, tag, lineno)
    else:  # @classLabel true l1 l2 ... | @classLabel false
        tokens = value.split()
        if not tokens:
            raise ValueError(
                f"line {lineno}: {tag} expects 'true' followed by the labels, or 'false'."
            )
        has_labels = _parse_bool(tokens[0], tag, lineno)
        labels = tokens[1:]
        if has_labels and not labels:
            raise ValueError(f"line {lineno}: {tag} true must list the class labels.")
        if not has_labels and labels:
            raise ValueError(f"line {lineno}: {tag} false must not list class labels.")
        if len(set(labels)) != len(labels):
            dupes = sorted({lab for lab in labels if labels.count(lab) > 1})
            raise ValueError(f"line {lineno}: {tag} lists duplicate labels {dupes}.")
        metadata["class_label"] = has_labels
        metadata["class_labels"] = labels
    return False


def _check_header(metadata, data_lineno):
    """Cross-check the header once ``@data`` is reached."""
    if metadata.get("timestamps"):
        raise ValueError(
            f"line {data_lineno}: time-stamped .ts files (@timeStamps true) are not supported."
        )
    if metadata.get("class_label") and metadata.get("target_label"):
        raise ValueError(
            f"line {data_lineno}: a file cannot have both @classLabel true and @targetLabel true."
        )
    dims = metadata.get("dimensions")
    if metadata.get("univariate") and dims not in (None, 1):
        raise ValueError(
            f"line {data_lineno}: the header says @univariate true but @dimensions {dims}."
        )


def _parse_channel(text, lineno, channel):
    """Floats of one channel; ``?`` becomes NaN."""
    tokens = text.split(",")
    try:
        return np.array(tokens, dtype=np.float64)
    except ValueError:
        pass
    values = np.empty(len(tokens), dtype=np.float64)
    for t, token in enumerate(tokens):
        token = token.strip()
        if token == _MISSING:
            values[t] = np.nan
            continue
        if not token:
            raise ValueError(
                f"line {lineno}: empty value at position {t + 1} of dimension {channel + 1}."
            )
        try:
            values[t] = float(token)
        except ValueError:
            raise ValueError(
                f"line {lineno}: value {token!r} at position {t + 1} of dimension "
                f"{channel + 1} is not a number."
            ) from None
    return values


def _parse_case(line, lineno, metadata, n_dims):
    """One data line -> ``(array of shape (n_timesteps, n_channels), label or None)``."""
    if "(" in line:
        raise ValueError(
            f"line {lineno}: time-stamped values '(t, v)' are not supported "
            "(the header should say @timeStamps true, which this reader does not support)."
        )
    fields = line.split(":")
    has_label = bool(metadata.get("class_label") or metadata.get("target_label"))
    label = None
    if has_label:
        if len(fields) < 2:
            raise ValueError(
                f"line {lineno}: expected dimensions followed by ':label', got no ':' separator."
            )
        label = fields.pop().strip()
        if not label:
            raise ValueError(f"line {lineno}: empty label.")
    if n_dims is not None and len(fields) != n_dims:
        raise ValueError(f"line {lineno}: expected {n_dims} dimensions, got {len(fields)}.")
    channels = []
    for c, text in enumerate(fields):
        if not text.strip():
            raise ValueError(f"line {lineno}: dimension {c + 1} is empty.")
        channels.append(_parse_channel(text, lineno, c))
    lengths = [len(ch) for ch in channels]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"line {lineno}: the dimensions of a case must have equal lengths, got lengths "
            f"{lengths}."
        )
    if has_label and metadata.get("class_label"):
        labels = metadata["class_labels"]
        if label not in labels:
            raise ValueError(
                f"line {lineno}: class label {label!r} is not in the @classLabel list {labels}."
            )
    elif has_label:
        try:
            label = float(label)
        except ValueError:
            raise ValueError(f"line {lineno}: target {label!r} is not a number.") from None
    return np.stack(channels, axis=1), label


def _open_text(path_or_file, func="read_ts"):
    """Return ``(text file object, cleanup)``; ``cleanup()`` releases what was opened here."""
    if isinstance(path_or_file, (str, os.PathLike)):
        fh = open(path_or_file, encoding="utf-8-sig")
        return fh, fh.close
    if hasattr(path_or_file, "read"):
        if isinstance(path_or_file.read(0), bytes):
            wrapper = io.TextIOWrapper(path_or_file, encoding="utf-8-sig")
            # detach() leaves the caller's binary file open.
            return wrapper, wrapper.detach
        return path_or_file, lambda: None
    raise TypeError(
        f"{func} expects a path or a file object, got {type(path_or_file).__name__}."
    )


def read_ts(path_or_file, *, return_metadata=False):
    """Read a ``.ts`` file of the UEA & UCR time-series archives.

    Parameters
    ----------
    path_or_file : str, path-like or file object
        The file to read: a path, or an open text or binary file.
    return_metadata : bool, default=False
        When True, also return the header as a dict.

    Returns
    -------
    X : list of ndarray of shape (n_timesteps_i, n_channels)
        One float64 array per case, in file order; missing values (``?``) are NaN.
    y : ndarray of shape (n_cases,) or None
        The class labels as the strings stored in the file (``@classLabel true``), the float
        targets (``@targetLabel true``), or None when the file has no labels.
    metadata : dict
        Only when ``return_metadata=True``. Keys (present when the tag is): ``problem_name``
        (str), ``timestamps``, ``missing``, ``univariate``, ``equal_length``, ``target_label``
        (bool), ``dimensions``, ``series_length`` (int), ``class_label`` (bool) with
        ``class_labels`` (the list of labels in header order), ``extra_tags`` (unknown tags,
        verbatim), and always ``n_cases``, ``n_channels`` and ``data_line`` (the line number of
        ``@data``).

    Raises
    ------
    ValueError
        When the file is malformed; the message starts with the offending line number, e.g.
        ``"line 42: expected 12 dimensions, got 11."``.

    Examples
    --------
    >>> import io
    >>> text = '''@problemName Toy
    ... @univariate false
    ... @dimensions 2
    ... @classLabel true up down
    ... @data
    ... 1,2,3:4,5,6:up
    ... 7,8:9,?:down
    ... '''
    >>> X, y = read_ts(io.StringIO(text))
    >>> [x.shape for x in X], y.tolist()
    ([(3, 2), (2, 2)], ['up', 'down'])
    >>> X[1]
    array([[ 7.,  9.],
           [ 8., nan]])
    """
    fh, cleanup = _open_text(path_or_file)
    metadata = {}
    seen = {}
    data_lineno = None
    n_dims = None
    X, labels, line_of_case = [], [], []
    try:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if data_lineno is None:
                if not line.startswith("@"):
                    raise ValueError(
                        f"line {lineno}: data before @data (every header line starts with '@')."
                    )
                if _parse_header(line, lineno, metadata, seen):
                    data_lineno = lineno
                    _check_header(metadata, lineno)
                    n_dims = metadata.get("dimensions")
                    if n_dims is None and metadata.get("univariate"):
                        n_dims = 1
                continue
            if line.startswith("@"):
                raise ValueError(f"line {lineno}: header tag {line.split()[0]} after @data.")
            case, label = _parse_case(line, lineno, metadata, n_dims)
            if n_dims is None:  # no @dimensions: the first case fixes it
                n_dims = case.shape[1]
            X.append(case)
            labels.append(label)
            line_of_case.append(lineno)
    finally:
        cleanup()
    if data_lineno is None:
        raise ValueError("the file has no @data line.")
    if not X:
        raise ValueError(f"line {data_lineno}: no cases after @data.")
    if metadata.get("equal_length"):
        first = X[0].shape[0]
        expected = metadata.get("series_length", first)
        for case, lineno in zip(X, line_of_case):
            if case.shape[0] != expected:
                what = "@seriesLength" if "series_length" in metadata else "the first case's length"
                raise ValueError(
                    f"line {lineno}: @equalLength true but the series has {case.shape[0]} "
                    f"timesteps, not {expected} ({what})."
                )
    if metadata.get("class_label"):
        y = np.asarray(labels, dtype=str)
    elif metadata.get("target_label"):
        y = np.asarray(labels, dtype=np.float64)
    else:
        y = None
    if not return_metadata:
        return X, y
    metadata.update(n_cases=len(X), n_channels=n_dims, data_line=data_lineno)
    return X, y, metadata
