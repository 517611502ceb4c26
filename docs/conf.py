"""Sphinx configuration of the seqestimators documentation.

Build with ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``): every
warning is an error. The build must work offline: nothing here fetches anything from the network.
"""

from __future__ import annotations

import doctest
import os
import re
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

# Figures are drawn at build time by the plot directive; never open a window.
os.environ["MPLBACKEND"] = "Agg"

# -- Project ------------------------------------------------------------------------------------

project = "seqestimators"
author = "The seqestimators developers"
copyright = "2026, The seqestimators developers"
try:
    release = _version("seqestimators")
except PackageNotFoundError:  # a source tree that is not installed
    release = "0.0.0"
version = ".".join(release.split(".")[:2])

# -- General ------------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "myst_parser",
]

templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
default_role = "literal"  # `x` renders as code instead of warning about an unknown target
add_module_names = False
pygments_style = "sphinx"

# -- autodoc / autosummary ----------------------------------------------------------------------

# One page per public object, written to docs/generated/ (git-ignored) at every build.
autosummary_generate = True
autosummary_imported_members = False
# Signatures without type hints: the numpydoc "Parameters" sections carry the types.
autodoc_typehints = "none"
# Show defaults as written in the source (``optimizer=torch.optim.Adam``), not as their repr.
autodoc_preserve_defaults = True
# An overriding method without a docstring must not pick up the docstring of a skorch / PyTorch /
# scikit-learn base class: those are written for other doc builds and break this -W build.
autodoc_inherit_docstrings = False
autodoc_default_options = {"member-order": "bysource"}

# Class pages list only what this package defines and documents: members inherited from skorch,
# PyTorch or scikit-learn (their docstrings are written for other doc builds and would break this
# -W build) and undocumented members are skipped, wherever in our own class hierarchy (mixins
# included) a member is defined. scikit-learn's generated ``set_{method}_request`` methods are
# skipped too.
_SKIP_MEMBER = re.compile(r"^set_\w+_request$")
_OWN_PACKAGE = "seqestimators"
_CLASS_MEMBER_KINDS = {"class", "exception", "method", "classmethod", "staticmethod",
                       "property", "attribute"}


def _defining_module(obj):
    func = getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj
    return getattr(func, "__module__", None)


def _skip_member(app, what, name, obj, skip, options):
    if _SKIP_MEMBER.match(name):
        return True
    # ``what`` is the parent's kind under autodoc ("class") and the member's own kind when
    # autosummary collects the members listed by the class template ("method", "property").
    if what not in _CLASS_MEMBER_KINDS:
        return None
    if callable(obj) or isinstance(obj, property):
        module = _defining_module(obj) or ""
        if module != _OWN_PACKAGE and not module.startswith(_OWN_PACKAGE + "."):
            return True
        if not getattr(obj, "__doc__", None):
            return True
    return None


# -- numpydoc -----------------------------------------------------------------------------------

# Members are listed by the autosummary class template (our own methods only), not by numpydoc,
# which would also list every inherited skorch/scikit-learn member.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
# No docstring validation at build time (inherited third-party docstrings would fail it).
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True

# -- intersphinx --------------------------------------------------------------------------------

# The build machines have no network access, so no inventories are fetched. To link to other
# projects, add entries whose inventory is a local file, e.g.
#   intersphinx_mapping = {"sklearn": ("https://scikit-learn.org/stable/", "path/to/objects.inv")}
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
intersphinx_disabled_reftypes = ["*"]

# -- plot directive -----------------------------------------------------------------------------

plot_include_source = True
plot_html_show_formats = False
plot_html_show_source_link = False
plot_formats = [("png", 110)]
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"
plot_rcparams = {"savefig.bbox": "tight", "font.size": 10}
plot_apply_rcparams = True

# -- doctest (``sphinx-build -b doctest docs docs/_build/doctest``) ------------------------------

# Examples in docstrings rely on their module's namespace, as under ``pytest --doctest-modules``.
doctest_global_setup = (
    "import numpy as np\nimport pandas as pd\n"
    "from seqestimators.sequences import *\nfrom seqestimators.datasets import *\n"
)
doctest_default_flags = (
    doctest.ELLIPSIS
    | doctest.NORMALIZE_WHITESPACE
    | doctest.IGNORE_EXCEPTION_DETAIL
    | doctest.DONT_ACCEPT_TRUE_FOR_1
)

# -- MyST (Markdown pages) ----------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- HTML ---------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"seqestimators {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_copy_source = False


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
