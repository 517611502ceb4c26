"""The layout rules of docs/architecture.rst, checked by reading the package's source.

1. Imports run one way between the rooms (layers below); nothing imports ``cli``; ``nn``
   imports neither scikit-learn nor skorch.
2. No cell or hidden-state policy name is compared as a string outside its registry.
3. No module imports another room's ``_private`` names, and no private name of skorch, Optuna or
   optuna-integration is used unless the line (or the one above) says why no public hook exists.
4. No module is longer than 500 lines.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import seqestimators
from seqestimators.networks import CELLS
from seqestimators.state import STATE_POLICIES

PACKAGE = Path(seqestimators.__file__).resolve().parent

#: The rooms, from the bottom layer up. A room may import its own layer and the layers below.
LAYERS = (
    {"data", "sequences", "state", "exceptions", "datasets"},
    {"nn", "networks"},
    {"estimators", "callbacks", "preprocessing"},
    {"forecasting", "search", "diagnostics", "io"},
    {"results", "plotting"},
    {"cli"},
)
LAYER_OF = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
MAX_LINES = 500
REGISTRIES = {"nn/cells", "state"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _dotted(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return parts


def _room(parts):
    """The top-level room of a module ``["seqestimators", room, ...]``, or None for the façade."""
    return parts[1] if len(parts) > 1 else None


def _imports(path, tree):
    """Yield ``(node, imported module as a list of parts, imported names)``."""
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path)[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name.split("."), []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            else:
                target = node.module.split(".")
            yield node, target, [alias.name for alias in node.names]


def _internal_target(target, names):
    """The project module an import reaches: ``from . import x`` reaches ``x`` when it is one."""
    if target[:1] != ["seqestimators"]:
        return None
    if len(target) == 1 and names:
        return ["seqestimators", names[0]]
    return target


def test_every_room_has_a_layer():
    rooms = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    rooms -= {"__init__", "__main__"}
    assert rooms <= set(LAYER_OF), f"rooms without a layer in LAYERS: {sorted(rooms - set(LAYER_OF))}"


def test_imports_run_one_way():
    wrong = []
    for path, tree in _modules():
        room = _room(_dotted(path))
        if room is None or room == "__main__":
            continue
        for node, target, names in _imports(path, tree):
            top = target[0]
            if room == "nn" and top in {"sklearn", "skorch"}:
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} nn imports {top}")
            reached = _internal_target(target, names)
            if reached is None or len(reached) < 2:
                continue
            other = reached[1]
            if other == "cli" and room != "cli":
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports the CLI")
            elif other in LAYER_OF and LAYER_OF[other] > LAYER_OF[room]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {room} imports {other}, "
                             "a room above it")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle_between_rooms():
    edges = {}
    for path, tree in _modules():
        room = _room(_dotted(path))
        if room is None:
            continue
        for _, target, names in _imports(path, tree):
            reached = _internal_target(target, names)
            if reached and len(reached) > 1 and reached[1] != room:
                edges.setdefault(room, set()).add(reached[1])

    def reaches(start, goal, seen):
        for nxt in edges.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(room for room in edges if reaches(room, room, {room}))
    assert not cycles, f"rooms on an import cycle: {cycles}"


def _names():
    return {name for name in (*CELLS, *STATE_POLICIES)}


def _string_constants(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c.value for c in node.elts if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return []


def _in_registry(path):
    rel = path.relative_to(PACKAGE).as_posix()
    return any(rel == f"{r}.py" or rel.startswith(f"{r}/") for r in REGISTRIES)


def test_cell_and_policy_names_are_compared_only_in_their_registries():
    names = _names()
    wrong = []
    for path, tree in _modules():
        if _in_registry(path):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "StrOptions":
                operands = list(node.args)
            else:
                continue
            hits = {s for operand in operands for s in _string_constants(operand)} & names
            if hits:
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} compares {sorted(hits)}")
    assert not wrong, "\n".join(wrong)


def test_no_private_name_crosses_rooms():
    wrong = []
    for path, tree in _modules():
        here = _dotted(path) if path.name == "__init__.py" else _dotted(path)[:-1]
        for node, target, names in _imports(path, tree):
            if target[:1] != ["seqestimators"]:
                continue
            for name in names:
                same_package = target[: len(here)] == here and len(target) <= len(here) + 1
                if name.startswith("_") and not name.startswith("__") and not same_package:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports "
                                 f"{'.'.join(target)}.{name}")
    assert not wrong, "\n".join(wrong)


def _library_private_names():
    from skorch import NeuralNet, NeuralNetClassifier, NeuralNetRegressor

    names = set()
    for cls in (NeuralNet, NeuralNetClassifier, NeuralNetRegressor):
        for klass in inspect.getmro(cls):
            if klass.__module__.split(".")[0] == "skorch":
                names |= {n for n in vars(klass) if n.startswith("_") and not n.startswith("__")}
    # Optuna's and optuna-integration's private attributes the project once used.
    names |= {"_modules", "_criteria", "_optimizers", "_storage", "_trial", "_monitor",
              "_routing_method", "_check_is_fitted"}
    return names


def _methods(tree):
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        yield from (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))


def test_no_private_name_of_skorch_or_optuna_without_a_reason():
    private = _library_private_names()
    wrong = []
    for path, tree in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        methods = set(_methods(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.keyword):
                name = node.arg
            elif node in methods:
                name = node.name
            else:
                continue
            if name not in private:
                continue
            around = " ".join(lines[max(node.lineno - 3, 0): node.lineno + 3])
            if "no public" not in around:
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} uses {name}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {n_lines} lines (> {MAX_LINES})"
