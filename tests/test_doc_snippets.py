"""The code in README.md and the documentation runs as printed.

Every ``python`` block of README.md runs on its own, in a fresh namespace (readers copy one
block, not the page). The documentation's ``code-block:: python`` blocks are read as a page's
story: each block may use what earlier blocks of the same page defined, and nothing else;
they are checked by reading them (names used but never defined), since running every search
they show would take far longer than the suite's budget.
"""

from __future__ import annotations

import ast
import builtins
import re
import runpy
import textwrap
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_blocks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"```python\n(.*?)```", text, re.S)]


def rst_blocks(path):
    """``(line, code)`` of each ``.. code-block:: python`` of an rst file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if not re.match(r"\s*\.\. code-block:: python\s*$", lines[i]):
            i += 1
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith(":")):
            j += 1
        start, body = j, []
        while j < len(lines) and (not lines[j].strip() or
                                  len(lines[j]) - len(lines[j].lstrip()) > indent):
            body.append(lines[j])
            j += 1
        blocks.append((start + 1, textwrap.dedent("\n".join(body))))
        i = j
    return blocks


def _defined_and_used(code):
    tree = ast.parse(code)
    defined, used = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                used.append((node.lineno, node.id))
            else:
                defined.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
    return defined, used


PAGES = sorted(page for page in (ROOT / "docs").rglob("*.rst")
               if not {"_build", "generated"} & set(page.relative_to(ROOT / "docs").parts))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_doc_blocks_use_only_what_their_page_defined(page):
    known = set(dir(builtins))
    undefined = []
    for line, code in rst_blocks(page):
        defined, used = _defined_and_used(code)
        known |= defined
        undefined += [f"line {line + n - 1}: {name}" for n, name in used if name not in known]
    assert not undefined, f"{page.name} uses names no earlier block defines: {undefined}"


@pytest.mark.slow
@pytest.mark.parametrize("line,code", readme_blocks(), ids=lambda v: str(v) if isinstance(v, int) else "")
def test_readme_blocks_run_alone(line, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = tmp_path / f"readme_{line}.py"
    script.write_text(code, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runpy.run_path(str(script), run_name="__main__")
