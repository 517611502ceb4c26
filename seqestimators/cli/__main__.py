"""``python -m seqestimators.cli``: the same as the ``seqestimators`` program."""

import sys

from . import main

sys.exit(main())
